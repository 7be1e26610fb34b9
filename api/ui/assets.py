"""The front-end packages the pages and /docs are built from, installed from the npm
registry by `make setup` (`npm ci`) and served by the app itself: never a CDN, nothing
fetched at run time (issue 26).

- GOV.UK Frontend 6.3.0: its CSS and JavaScript under /ui/govuk, and its fonts and images
  under /assets, where its stylesheet asks for them;
- MOJ Frontend 11.1.0 (the case-working patterns: identity bar, sub-navigation, timeline,
  filter layout, sortable tables, badges) under /ui/moj, its images beside GOV.UK's;
- swagger-ui-dist for the API's own documentation page, /docs.

`REVIEWS_FRONTEND_DIR` names the `node_modules` folder when the code is installed away
from its checkout (the container image)."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

CHECKOUT = Path(__file__).resolve().parents[2]


def frontend_dir() -> Path:
    return Path(os.environ.get("REVIEWS_FRONTEND_DIR") or CHECKOUT / "node_modules")


def _folders() -> dict[str, Path]:
    root = frontend_dir()
    return {
        "govuk": root / "govuk-frontend" / "dist" / "govuk",
        "moj": root / "@ministryofjustice" / "frontend" / "moj",
        "swagger": root / "swagger-ui-dist",
    }


def check() -> dict[str, Path]:
    """The packages' folders, or a clear error naming what to run."""
    folders = _folders()
    missing = [name for name, folder in folders.items() if not folder.is_dir()]
    if missing:
        raise RuntimeError(
            f"The pages need GOV.UK Frontend, MOJ Frontend and swagger-ui-dist from the npm registry, "
            f"and {', '.join(missing)} is not in {frontend_dir()}: run `make setup` (it runs `npm ci`), "
            "or set REVIEWS_FRONTEND_DIR to the node_modules folder that holds them."
        )
    return folders


def mount(app: FastAPI) -> None:
    folders = check()
    assets = StaticFiles(directory=str(folders["govuk"] / "assets"))
    # GOV.UK's stylesheet and MOJ's both ask for /assets/images/...: one mount, two folders.
    assets.all_directories = [folders["govuk"] / "assets", folders["moj"] / "assets"]
    app.mount("/assets", assets, name="assets")
    app.mount("/ui/govuk", StaticFiles(directory=str(folders["govuk"])), name="govuk")
    app.mount("/ui/moj", StaticFiles(directory=str(folders["moj"])), name="moj")
    app.mount("/docs/assets", StaticFiles(directory=str(folders["swagger"])), name="swagger")
