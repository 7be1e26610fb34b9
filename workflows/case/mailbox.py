"""Messages answered exactly once (style.md, "A message is answered exactly once").

An update is accepted only if its validator passes; it waits here until the stage that
takes it uses it (re-checked at that moment) and the case is idle again, and its caller
then gets a receipt. If the stage moves on first, or the re-check fails, the caller gets
an ApplicationError saying so: nothing waits for ever, nothing succeeds unapplied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.enums import Stage


@dataclass
class Accepted:
    name: str
    msg: Any
    stage: Stage
    history_at: int  # audit entries before it, so the receipt lists what it led to
    taken: bool = False
    refusal: str | None = None


@dataclass
class Mailbox:
    waiting: dict[str, Accepted] = field(default_factory=dict)

    def holds(self, name: str) -> bool:
        return name in self.waiting

    def peek(self, name: str) -> Any:
        return self.waiting[name].msg

    def accept(self, name: str, msg: Any, stage: Stage, history_at: int) -> Accepted:
        entry = Accepted(name, msg, stage, history_at)
        self.waiting[name] = entry
        return entry

    def take(self, name: str) -> Any:
        entry = self.waiting.pop(name)
        entry.taken = True
        return entry.msg

    def refuse(self, name: str, reason: str) -> None:
        entry = self.waiting.pop(name)
        entry.refusal = reason

    def refuse_leftovers(self, stage: Stage, why: str) -> None:
        """When a stage ends: every message accepted for another stage and not used is
        answered with an error, never left waiting or answered as if applied."""
        for name, entry in list(self.waiting.items()):
            if entry.stage is not stage:
                self.refuse(name, why)

    @staticmethod
    def raise_if_refused(entry: Accepted) -> None:
        if entry.refusal is not None:
            raise ApplicationError(entry.refusal, type="MessageNotApplied", non_retryable=True)
