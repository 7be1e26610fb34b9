"""What a complainant or the organisation sends (signals) is checked against who sent it,
as updates are by their validators (design.md, "The trust boundary"; guidance v4). A
signal cannot be refused to its sender, so one that fails the check is recorded in the
audit trail and changes nothing; the client and the API ask first (`would_take`) and
answer the sender 403 or 422."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.authority import NotNow, Refused
    from domain.bounds import CASE_DOCUMENTS_MAX
    from domain.calendar import london_date
    from domain.dates import check_dates
    from domain.models import SYSTEM
    from domain.permissions import check_submission

if TYPE_CHECKING:
    from workflows.case.core import CaseCore


# A request is a task until someone decides it (workflows/case/requests.py); at most this
# many of one kind wait at once.
OPEN_REQUESTS_MAX = 10
REQUEST_TASKS = {
    "adjustment_requested": "confirm a reasonable adjustment the complainant asked for (record_adjustment)",
    "more_time_requested": "decide the complainant's request for more time (extend_grounds_deadline)",
}

# Signals a case takes only from the guidance version that brought them (domain/guidance).
SINCE: dict[str, str] = {
    "withdraw": "takes_withdrawals",
    "adjustment_requested": "takes_requests",
    "more_time_requested": "takes_requests",
}


def check(case: CaseCore[Any], name: str, msg: Any) -> None:
    """Raise Refused if the case's guidance does not take this, or checks submitters and
    this one may not."""
    if name in SINCE and not getattr(case.guidance, SINCE[name]):
        raise NotNow(f"this case began under guidance v{case.guidance.version}, which takes no {name}")
    if not case.guidance.checks_submitters:
        return
    documents = [*(getattr(msg, "evidence", None) or []), *(getattr(msg, "documents", None) or [])]
    if documents and len(case.state.documents) + len(documents) > CASE_DOCUMENTS_MAX:
        # The case's state travels in every continue-as-new: it cannot grow without end.
        raise Refused(
            f"this case already holds {len(case.state.documents)} documents, and takes at most "
            f"{CASE_DOCUMENTS_MAX}: the case owner can say how to send more (31)"
        )
    opened = case.state.opened_at or case.now()
    check_submission(
        name,
        msg.actor,
        owner=case.state.owner,
        opened_on=london_date(opened),
        today=case.today(),
        party=getattr(msg, "party", None),
        received_on=getattr(msg, "received_on", None),
        taken=getattr(msg, "taken", None),
        owner_says_how=case.guidance.says_how_taken,
    )
    check_dates(msg, case.today())  # the case's own today, as the edge checks (domain/dates.py)
    if name in REQUEST_TASKS:
        waiting = sum(1 for t in case.state.tasks if t.task == REQUEST_TASKS[name] and t.done_at is None)
        if waiting >= OPEN_REQUESTS_MAX:  # the state travels in every run: it cannot grow without end
            raise Refused(
                f"this case already has {waiting} such requests waiting for a decision, the most it holds: "
                "the case owner will answer them (31, 32)"
            )


def refused(case: CaseCore[Any], name: str, msg: Any) -> bool:
    """True, and recorded, when this submission may not be taken: it changes nothing."""
    try:
        check(case, name, msg)
    except Refused as refusal:
        case.record(SYSTEM, f"refused: {name} from {msg.actor or 'nobody named'}", ["31"], str(refusal))
        case.wake += 1
        return True
    taken = getattr(msg, "taken", None)
    if taken is not None:  # who wrote down what the complainant said, and how (31)
        how = {"phone": "by phone", "post": "by post", "in_person": "in person"}[taken.value]
        case.record(msg.actor, f"{name} taken {how} for the complainant", ["31"], f"entered by {msg.actor}")
    return False
