"""A workflow's input is a client's open input or, only after continue-as-new, the state
the next run goes on from (domain/state.py, `*Run`). A start that names a state itself is
forged, whoever sent it: it is refused before anything happens."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from temporalio import workflow
from temporalio.exceptions import ApplicationError

S = TypeVar("S", covariant=True)


class Run(Protocol[S]):
    @property
    def resume(self) -> S | None: ...


def carried(run: Run[S]) -> S | None:
    """The state continue-as-new carried to this run, or None for a new case."""
    if run.resume is not None and workflow.info().continued_run_id is not None:
        return run.resume
    return None


def refuse_forged(run: Run[Any]) -> None:
    if run.resume is not None and workflow.info().continued_run_id is None:
        raise ApplicationError(
            "a case cannot be started in a given state: only continue-as-new carries one",
            type="ForgedState",
            non_retryable=True,
        )
