"""Where the side effects go, from the environment (README lists every variable)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    smtp_url: str | None
    policy_file: str | None
    letters_from: str = "reviews@ombudsman.example"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @classmethod
    def from_env(cls, data_dir: str | Path | None = None) -> Settings:
        folder = Path(data_dir or os.environ.get("REVIEWS_DATA_DIR", ".reviews")).resolve()
        return cls(
            data_dir=folder,
            database_url=os.environ.get("REVIEWS_DATABASE_URL", f"sqlite:///{folder / 'reviews.db'}"),
            smtp_url=os.environ.get("REVIEWS_SMTP_URL") or None,
            policy_file=os.environ.get("REVIEWS_POLICY") or None,
            letters_from=os.environ.get("REVIEWS_LETTERS_FROM", "reviews@ombudsman.example"),
        )
