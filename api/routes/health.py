"""Liveness and readiness: ready means Temporal and the store both answer."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.problems import documented, problem

router = APIRouter(tags=["health"], responses=documented(503))


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/ready")
async def ready(request: Request) -> JSONResponse:
    state = request.app.state
    try:
        if state.reviews is None:
            raise RuntimeError("no Temporal client")
        await state.reviews.client.service_client.check_health()
    except Exception as err:  # noqa: BLE001 - any failure means not ready
        return problem(503, f"Temporal is not reachable: {err}", request)
    try:
        with state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as err:  # noqa: BLE001
        return problem(503, f"the case store is not reachable: {err}", request)
    return JSONResponse({"status": "ok"})
