"""What became of a letter after the case wrote it (issue 25): the dispatcher tells the
case of a letter the mail server refused or could not take in time, and staff mark a letter
that goes by post as posted (design.md, `mark_posted`; 30-32). Either way the case's
`letters` says so, and nobody believes a letter arrived when it did not."""

from __future__ import annotations

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.models import LetterPosted, Recipient
    from contract.receipts import Receipt
    from domain.authority import NOT_STAFF, NotAllowed, NotNow, Refused
    from domain.calendar import london_date
    from domain.enums import Role
    from domain.models import SYSTEM, LetterRecord, LetterUndeliverable, MarkPosted
    from workflows.case import chasing, effects
    from workflows.case.core import CaseCore


def check_mark_posted(case: CaseCore[Any], msg: MarkPosted) -> LetterRecord:
    """Any member of staff or the back office, for a letter that goes by post and has not
    been posted, on a day that has come and is not before the letter was written."""
    if msg.actor.role in NOT_STAFF and msg.actor.role is not Role.BACK_OFFICE:
        raise NotAllowed("a letter is marked posted by staff or the back office")
    case.require_open()
    letters: list[LetterRecord] = case.state.letters
    by_key = next((x for x in letters if msg.key is not None and x.key == msg.key), None)
    if msg.key is not None and by_key is None:
        raise Refused(f"this case has no letter {msg.key}")
    if by_key is None and msg.letter >= len(letters):
        raise Refused(f"this case has no letter {msg.letter} (it has {len(letters)}, numbered from 0)")
    letter = by_key or letters[msg.letter]
    if not letter.by_post:
        raise Refused(f"letter {msg.letter} ({letter.kind}) went by e-mail, not by post")
    if letter.delivery == "posted":
        raise NotNow(f"letter {msg.letter} was marked posted on {letter.posted_on} by {letter.posted_by}")
    if msg.posted_on > case.today():
        raise Refused(f"posted_on {msg.posted_on} is later than today ({case.today()})")
    written = london_date(letter.sent_at)
    if msg.posted_on < written:
        raise Refused(f"posted_on {msg.posted_on} is before the letter was written ({written})")
    return letter


class DeliveryHandlers:
    case: CaseCore[Any]

    @workflow.update
    async def mark_posted(self, msg: MarkPosted) -> Receipt:
        case = self.case
        at = len(case.state.history)
        letter = check_mark_posted(case, msg)
        letter.delivery, letter.posted_on, letter.posted_by = "posted", msg.posted_on, str(msg.actor)
        case.record(msg.actor, f"letter posted: {letter.kind} to {letter.to}", ["30", "31"], msg.note)
        await effects.letter_posted(
            LetterPosted(
                workflow_id=workflow.info().workflow_id,
                key=letter.key,
                posted_on=msg.posted_on,
                posted_by=str(msg.actor),
            )
        )
        return await case.settle("mark_posted", at)

    @mark_posted.validator
    def _check_mark_posted(self, msg: MarkPosted) -> None:
        check_mark_posted(self.case, msg)

    @workflow.signal
    async def letter_undeliverable(self, news: LetterUndeliverable) -> None:
        """From the dispatcher: the case owner is asked to check the address (31)."""
        case = self.case
        letter = next((x for x in case.state.letters if x.key == news.key), None)
        if letter is None:  # never fails the workflow task: it is on the record instead
            case.record(
                SYSTEM, f"letter {news.delivery}: no letter {news.key} on this case", ["31"], news.reason
            )
            return
        if letter.delivery in ("bounced", "failed"):
            return  # told twice (a dispatcher retried): one task is enough
        letter.delivery, letter.undeliverable = news.delivery, news.reason or news.delivery
        case.cannot_reach(Recipient(role=letter.to_role, id=letter.to, name=news.who or None), letter)
        case.wake += 1
        if case.closed_and_recorded:
            # The closing letter bounced as the case ended: its loop has stopped, so the
            # task reaches its person and the store from here (the run waits for this).
            await chasing.notify_opened_tasks(case)
            await case.sync()
