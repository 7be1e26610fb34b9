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
    # The front door (design.md, issue 27): where a party's sign-in link points, and how
    # long the link in a letter works (`sign_in_link_ttl`, in minutes).
    public_url: str = "http://127.0.0.1:8080"
    sign_in_link_minutes: int = 30

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
            public_url=os.environ.get("REVIEWS_PUBLIC_URL", "http://127.0.0.1:8080").rstrip("/"),
            sign_in_link_minutes=_minutes(os.environ.get("REVIEWS_SIGN_IN_LINK_TTL", "30")),
        )


def _minutes(text: str) -> int:
    """`REVIEWS_SIGN_IN_LINK_TTL`: whole minutes, 1 to a day (a link that lasts longer is a
    password sent by e-mail)."""
    if not text.strip().isdigit() or not 1 <= int(text) <= 24 * 60:
        raise ValueError("REVIEWS_SIGN_IN_LINK_TTL must be a whole number of minutes from 1 to 1440")
    return int(text)
