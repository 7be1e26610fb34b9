"""The API against its own OpenAPI, with schemathesis (design.md, "Back-office HTTP API"): generated requests to
every route, on a real Temporal test server with a worker, never answer 500 and every
answer matches the schema (status, content type, body)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from temporalio.testing import WorkflowEnvironment

from api.app import create_app
from api.auth import mint
from api.settings import ApiSettings
from domain.enums import Role
from domain.models import Actor
from starter.testserver import start_time_skipping
from tests.conftest import settings_in
from tests.live import SECRET, LiveApi

schema = schemathesis.openapi.from_dict(
    create_app(ApiSettings(store=settings_in(Path("/tmp")), secret=SECRET)).openapi()
)


@pytest.fixture(scope="module")
async def own_server() -> AsyncIterator[WorkflowEnvironment]:
    """A test server of its own: generated cases stay open, and an open case with no
    worker would stop the shared server skipping time for the other tests."""
    environment = await start_time_skipping()
    yield environment
    await environment.shutdown()


@pytest.fixture(scope="module")
def live_api(own_server: WorkflowEnvironment, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    api = LiveApi(own_server.client.service_client.config.target_host, tmp_path_factory.mktemp("schema"))
    api.start()
    yield api
    api.close()


STAFF = {"Authorization": "Bearer " + mint(SECRET, Actor(id="crm", role=Role.BACK_OFFICE))}


# The time-skipping server has no visibility, so listing is tested on the dev server
# (tests/test_deploy_dev_server.py).
@schema.exclude(path="/cases", method="GET").parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_route_answers_500_or_off_its_schema(case: Any, live_api: LiveApi) -> None:
    # Every check but "schema-valid data is accepted": the rules refuse much that the
    # schema allows (a stage, a role, a date), as documented 403/409/422 problems.
    case.call_and_validate(base_url=live_api.url, headers=STAFF, excluded_checks=[positive_data_acceptance])
