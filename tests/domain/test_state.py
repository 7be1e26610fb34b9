"""A case's state and the workflows' own inputs (domain/state.py): what continue-as-new
carries, and the client's open input inside it, never the other way round."""

from datetime import UTC, date, datetime

from domain.models import ComplaintOpened, DecidedCase, Flags, HistoryEntry
from domain.state import CARRIED_DETAIL, DecisionRun, DecisionState, carrying, open_input_of


def opened() -> ComplaintOpened:
    case = DecidedCase(
        ref="C-9", owner="cw-alice", manager="om-bob", risk="high", decision="primary_investigation",
        decided_on=date(2026, 3, 2),
    )  # fmt: skip
    return ComplaintOpened(case=case, flags=Flags(mp_involved=True))


def test_the_next_run_carries_the_open_input_and_the_state() -> None:
    state = DecisionState(
        kind="decision_complaint", case_ref="C-9", owner="cw-alice", manager="om-bob", opened=opened()
    )
    run = carrying(DecisionRun, state)
    assert isinstance(run, DecisionRun)
    assert run.resume is not None and run.resume.case_ref == state.case_ref
    assert run.case == state.opened.case and run.flags.mp_involved is True
    again = DecisionRun.model_validate_json(run.model_dump_json())
    assert again.resume is not None and again.resume.case_ref == "C-9"
    assert again.flags.mp_involved is True


def test_the_open_input_inside_a_run_has_no_state() -> None:
    run = DecisionRun.model_validate(opened().model_dump(mode="json"))
    public = open_input_of(run, ComplaintOpened)
    assert type(public) is ComplaintOpened
    assert public.model_dump() == opened().model_dump()
    assert "resume" not in public.model_dump_json()


def test_the_next_run_carries_long_words_only_until_the_store_has_them() -> None:
    at = datetime(2026, 3, 2, tzinfo=UTC)
    words = "x" * (CARRIED_DETAIL + 50)
    entries = [HistoryEntry(at=at, actor="su-1", action=f"entry {n}", detail=words) for n in range(3)]
    state = DecisionState(
        kind="decision_complaint", case_ref="C-9", owner="cw-alice", manager="om-bob", opened=opened(),
        history=[HistoryEntry(at=at, actor="a", action="exact", detail="y" * CARRIED_DETAIL), *entries],
        synced=3,
    )  # fmt: skip
    carried = carrying(DecisionRun, state).resume
    assert carried is not None
    details = [e.detail for e in carried.history]
    assert details[0] == "y" * CARRIED_DETAIL  # short enough: whole
    assert details[1] == details[2] == "x" * CARRIED_DETAIL + " [in the store]"
    assert details[3] == words  # not yet in the store: whole
    assert [e.action for e in carried.history] == [e.action for e in state.history]
    assert state.history[1].detail == words  # the running case keeps its own
