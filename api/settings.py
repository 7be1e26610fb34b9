"""The API's settings, from the environment (README, "Configuration")."""

from __future__ import annotations

import os
import secrets
import shlex
from dataclasses import dataclass
from pathlib import Path

from activities.settings import Settings

SECRET_FILE = "api-secret"
SESSION_SECRET_FILE = "session-secret"
SECRET_MIN_BYTES = 32  # HS256 wants at least its hash's length (RFC 7518, 3.2)


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
    session_secret: str | None = None  # signs the pages' session cookie; never the token secret
    allowed_hosts: tuple[str, ...] = ()  # the Host names the app answers (empty: any)
    evidence_scan: tuple[str, ...] = ()  # a virus scanner's command for every document (empty: none)

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
            session_secret=os.environ.get("REVIEWS_SESSION_SECRET")
            or read_secret(store.data_dir, SESSION_SECRET_FILE),
            allowed_hosts=tuple(
                h.strip() for h in os.environ.get("REVIEWS_ALLOWED_HOSTS", "").split(",") if h.strip()
            ),
            evidence_scan=tuple(shlex.split(os.environ.get("REVIEWS_EVIDENCE_SCAN", ""))),
        )

    def check(self) -> None:
        """Refuse to run with a secret anyone could guess (issue 23: `REVIEWS_API_SECRET=a`)."""
        for name, value in (
            ("REVIEWS_API_SECRET", self.secret),
            ("REVIEWS_SESSION_SECRET", self.session_secret),
        ):
            if value is not None and len(value.encode()) < SECRET_MIN_BYTES:
                raise ValueError(
                    f"{name} must be at least {SECRET_MIN_BYTES} bytes (make one: openssl rand -base64 48)"
                )


def read_secret(data_dir: Path, name: str = SECRET_FILE) -> str | None:
    file = data_dir / name
    return file.read_text().strip() if file.exists() else None


def ensure_secret(data_dir: Path, name: str = SECRET_FILE, variable: str = "REVIEWS_API_SECRET") -> str:
    """A secret from the environment, or one made once in the data folder (owner-only)."""
    existing = os.environ.get(variable) or read_secret(data_dir, name)
    if existing:
        return existing
    private_folder(data_dir)
    file = data_dir / name
    fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_urlsafe(48))
    return file.read_text().strip()


def private_folder(folder: Path) -> None:
    """The data folder holds the store, evidence, letters and secrets: its owner's only."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
