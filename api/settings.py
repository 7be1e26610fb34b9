"""The API's settings, from the environment (README, "Configuration")."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from activities.settings import Settings

SECRET_FILE = "api-secret"


@dataclass(frozen=True)
class ApiSettings:
    store: Settings
    secret: str | None
    audience: str = "reviews"
    jwks_url: str | None = None
    temporal_address: str = "localhost:7233"
    namespace: str = "default"
    task_queue: str = "reviews"
    evidence_max_bytes: int = 25 * 1024 * 1024
    ui_origins: tuple[str, ...] = ("http://localhost:8233",)

    @property
    def evidence_dir(self) -> Path:
        return self.store.data_dir / "evidence"

    @classmethod
    def from_env(cls, data_dir: str | Path | None = None) -> ApiSettings:
        store = Settings.from_env(data_dir)
        origins = os.environ.get("REVIEWS_UI_ORIGINS", "http://localhost:8233,http://127.0.0.1:8233")
        return cls(
            store=store,
            secret=os.environ.get("REVIEWS_API_SECRET") or read_secret(store.data_dir),
            audience=os.environ.get("REVIEWS_API_AUDIENCE", "reviews"),
            jwks_url=os.environ.get("REVIEWS_API_JWKS_URL") or None,
            temporal_address=os.environ.get("REVIEWS_TEMPORAL_ADDRESS", "localhost:7233"),
            namespace=os.environ.get("REVIEWS_NAMESPACE", "default"),
            task_queue=os.environ.get("REVIEWS_TASK_QUEUE", "reviews"),
            evidence_max_bytes=int(os.environ.get("REVIEWS_EVIDENCE_MAX_BYTES", 25 * 1024 * 1024)),
            ui_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
        )


def read_secret(data_dir: Path) -> str | None:
    file = data_dir / SECRET_FILE
    return file.read_text().strip() if file.exists() else None


def ensure_secret(data_dir: Path) -> str:
    """`reviews dev` makes a local signing secret in the data folder when none is set."""
    existing = os.environ.get("REVIEWS_API_SECRET") or read_secret(data_dir)
    if existing:
        return existing
    data_dir.mkdir(parents=True, exist_ok=True)
    file = data_dir / SECRET_FILE
    file.write_text(secrets.token_urlsafe(48))
    file.chmod(0o600)
    return file.read_text().strip()
