"""What a kind of case adds to the core, as one typed object (workflows/case/core.py calls
these hooks; each workflow gives its own, children the plain defaults). To learn what a
kind does on close or on continue-as-new, read its `Kind` class: nothing else adds to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel
from temporalio import workflow
from temporalio.common import SearchAttributeUpdate

with workflow.unsafe.imports_passed_through():
    from domain.models import StatusExtra
    from domain.state import CaseState

if TYPE_CHECKING:
    from workflows.case.core import CaseCore

S = TypeVar("S", bound=CaseState)


class KindHooks(Generic[S]):
    """The defaults: nothing added (the children, OAT's review and a new detailed
    investigation, which never continue as new: they belong to their parent's run)."""

    def status(self, case: CaseCore[S]) -> StatusExtra:
        """What this kind adds to `status`."""
        return StatusExtra()

    def search_attributes(self, case: CaseCore[S]) -> list[SearchAttributeUpdate[Any]]:
        """What this kind adds to the search attributes operators filter on."""
        return []

    def before_close(self, case: CaseCore[S]) -> None:
        """Done when the case closes, before its closing letter."""

    def next_run(self, case: CaseCore[S]) -> BaseModel | None:
        """The next run's input when the case continues as new (None: it never does)."""
        return None

    def approval_not_yet(self, case: CaseCore[S]) -> str | None:
        """Why an approval cannot be given yet (None: the stage check decides)."""
        return None
