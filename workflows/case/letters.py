"""Letters from a case: to the service user, to staff, to team mailboxes; each through
the outbox activity, keyed so that a retry sends nothing new."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.heartbeat import STORE_REFUSED
    from activities.models import LetterRequest, Recipient
    from domain.enums import Kind
    from domain.models import SYSTEM, AdjustmentKind, Contact, LetterRecord
    from workflows.case import effects

S = TypeVar("S", bound="CaseState")
PUBLIC_ROLES = frozenset({"service_user", "organisation", "advocate"})
OTHER_PARTIES = frozenset({"organisation", "advocate"})  # not the complainant
PARTY_WORDS = {
    "service_user": "the complainant",
    "organisation": "the organisation",
    "advocate": "the advocate",
}
# The adjustments a person makes, as the case owner's tasks are named (guidance v8; the
# policy's `durations.tasks` gives each its time).
ADJUSTMENT_TASKS = {
    AdjustmentKind.PHONE_CALL: "reasonable adjustment - phone call",
    AdjustmentKind.INTERPRETER: "reasonable adjustment - interpreter",
    AdjustmentKind.OTHER: "reasonable adjustment - other",
}

if TYPE_CHECKING:
    from domain.policy import Policy
    from domain.state import CaseState


class Letters(Generic[S]):
    """Mixed into CaseCore: who a letter goes to, and sending it."""

    state: S

    if TYPE_CHECKING:  # the host's (CaseCore), declared for the type checker only

        @property
        def rules(self) -> Policy: ...

        def now(self) -> Any: ...

        def record(
            self, actor: Any, action: str, paragraphs: list[str] | None = None, detail: str = ""
        ) -> None: ...

        def add_task(
            self,
            name: str,
            assignee: str,
            role: str,
            paragraphs: list[str],
            detail: str,
            *,
            escalations_max: int | None = None,
        ) -> None: ...

        @property
        def guidance(self) -> Any: ...

    def party(self, role: str, who: Contact) -> Recipient:
        """A party to the case, at the contact the back office gave: `<role>:<case ref>`."""
        prefix = role.replace("_", "-")
        return Recipient(
            role=role,
            id=f"{prefix}:{self.state.case_ref}",
            name=who.name,
            email=who.email,
            address=who.address,
        )

    def service_user(self) -> Recipient:
        return self.party("service_user", self.state.complainant)

    def organisation(self, contact: Contact | None = None) -> Recipient:
        """The organisation complained about, at its own contact (open input `organisation`)."""
        opened = getattr(self.state, "opened", None)
        return self.party(
            "organisation", contact or (opened.organisation if opened is not None else Contact())
        )

    def has_advocate(self) -> bool:
        return any(
            item.kind is AdjustmentKind.ADVOCATE_COPY or "advocate" in str(item).lower()
            for item in self.state.reasonable_adjustments
        )

    def advocate(self) -> Recipient:
        return Recipient(role="advocate", id=f"advocate:{self.state.case_ref}")

    def staff(self, person: str, role: str) -> Recipient:
        return Recipient(role=role, id=person, email=f"{person}@{self.rules.staff_email_domain}")

    def team_mailbox(self, name: str) -> Recipient:
        return self.staff(self.rules.team(name).mailbox, name)

    async def letter(
        self,
        kind: str,
        to: Recipient,
        *,
        paragraphs: list[str] | None = None,
        context: dict[str, Any] | None = None,
        cc: list[Recipient] | None = None,
        ends_internal_process: bool = False,
    ) -> LetterRecord:
        """Send one letter through the outbox; its key makes a retry send nothing new."""
        state = self.state
        state.letter_seq += 1
        copies = list(cc or [])
        if state.copy_oat and to.role != "oat":
            copies.append(self.team_mailbox("oat"))  # "further oversight": OAT copied (para 27)
        sent = await effects.send_letter(
            LetterRequest(
                workflow_id=workflow.info().workflow_id,
                key=f"{state.letter_seq:03d}-{kind}",
                kind=kind,
                case_ref=state.case_ref,
                to=to,
                cc=copies,
                at=self.now(),
                paragraphs=paragraphs or [],
                # The complainant's adjustments are theirs: a letter to the organisation (or
                # to the advocate, who is sent copies) never carries them (design.md, "The
                # trust boundary"), and no advocate is copied on the organisation's letters.
                reasonable_adjustments=[] if to.role in OTHER_PARTIES else state.reasonable_adjustments,
                case_owner=self.holder(),
                tasks_on_case=self.guidance.tasks_reach_people,
                ends_internal_process=ends_internal_process,
                context=context or {},
            )
        )
        state.letters.append(sent)
        if to.role == "service_user" and self.guidance.tasks_reach_people:
            self.open_adjustment_tasks(sent)
        if sent.undeliverable:
            self.cannot_reach(to, sent)
        # A letter that could not go still counts as our turn to write: the owner's task
        # says why, and writing again at once would only fail again (issue 25).
        if to.role in PUBLIC_ROLES and (not sent.undeliverable or self.guidance.letters_through_outbox):
            state.last_to_complainant = sent.sent_at
        return sent

    def holder(self) -> str:
        """Who holds the case, as its letters name and sign it: the case owner, or for a
        complaint about our service the person handling it (its manager first, 13), never
        someone it is about (11, 13, 15)."""
        state = self.state
        if state.kind is Kind.SERVICE_COMPLAINT:
            handler = getattr(state, "handler", None)
            return handler.id if handler is not None else state.manager
        return state.owner

    def open_adjustment_tasks(self, sent: LetterRecord) -> None:
        """The adjustments a person must make are the case owner's tasks (31; guidance v8):
        a phone call for every letter (the letter is the script); an interpreter, or any
        other adjustment, once for the case, not once a letter."""
        state = self.state
        for adjustment in state.reasonable_adjustments:
            name = ADJUSTMENT_TASKS.get(adjustment.kind)
            if name is None:
                continue
            if adjustment.kind is AdjustmentKind.PHONE_CALL:
                detail = f"{adjustment}; read them the letter sent: {sent.kind} ({sent.key})"
            else:
                detail = str(adjustment)
                if any(task.task == name and task.detail == detail for task in state.tasks):
                    continue
            self.add_task(name, state.owner, "caseworker", ["31"], detail)

    def cannot_reach(self, to: Recipient, sent: LetterRecord) -> None:
        """Nobody believes a letter arrived when it did not (issue 23): the refusal is on the
        record and the case owner is asked to check the address."""
        who = to.name or PARTY_WORDS.get(to.role, to.id)
        self.record(
            SYSTEM, f"letter could not be sent: {sent.kind} to {to.id}", ["31"], sent.undeliverable or ""
        )
        kept = not (sent.undeliverable or "").startswith(STORE_REFUSED)
        name = (
            f"we could not reach {who}: check the address" if kept
            else f"a letter to {who} could not be kept: tell the system's operators"
        )  # fmt: skip
        if self.guidance.letters_through_outbox and any(
            task.task == name and task.done_at is None for task in self.state.tasks
        ):
            return  # one open task says it: the next letter that cannot go adds nothing
        self.add_task(
            name, self.state.owner, "caseworker", ["31"], f"{sent.kind} ({sent.key}): {sent.undeliverable}",
            escalations_max=1 if self.guidance.letters_through_outbox else None,
        )  # fmt: skip
