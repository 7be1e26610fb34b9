"""A case's state and the workflows' own inputs (domain/state.py): what continue-as-new
carries, and the client's open input inside it, never the other way round."""

from datetime import date

from domain.models import ComplaintOpened, DecidedCase, Flags
from domain.state import DecisionRun, DecisionState, carrying, open_input_of


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
    assert isinstance(run, DecisionRun) and run.resume is state
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
