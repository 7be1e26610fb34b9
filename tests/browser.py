"""Debian's Chromium driven by Playwright (no browser download): the path, or a clear
error saying how to get it (`make test` installs it with apt-get)."""

from __future__ import annotations

import shutil

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def chromium_path() -> str:
    for candidate in (*CHROMIUM_CANDIDATES, shutil.which("chromium") or ""):
        if candidate and shutil.which(candidate):
            return candidate
    raise RuntimeError(
        "the browser tests need Debian's chromium: `apt-get install chromium` (make test does it when run as root)"
    )
