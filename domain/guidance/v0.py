"""Version 0: the rules of the first release (cases begun before 2026-11-27's "edges"
change). No new case runs them; they stay so that cases begun under them go on as they
began. Not a place for new rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain.calendar import Period, WorkingCalendar, end_of_day
from domain.eligibility import JOINT, LOW_LEVEL, Ineligible, eligibility
from domain.enums import DecisionType, Role
from domain.escalation import Rung
from domain.models import ComplaintOpened, PartyComment


@dataclass(frozen=True)
class V0:
    version: int = 0

    def eligibility(self, opened: ComplaintOpened) -> Ineligible | None:
        """Paras 21, 76: low-level injustice was checked before a joint LGSCO decision."""
        if opened.case.decision is DecisionType.LOW_LEVEL_INJUSTICE:
            return LOW_LEVEL
        if opened.flags.lgsco_joint:
            return JOINT
        return eligibility(opened)

    # Para 27: with no advice by the due date the case went on, and OAT's later advice
    # was no longer taken.
    later_oat_advice_taken: bool = False

    # Para 32: the deadline was one month after the decision, fixed when the case opened.
    grounds_deadline_fixed_at_opening: bool = True

    def grounds_reminder_on(
        self, deadline: date, requested_on: date, before: Period, calendar: WorkingCalendar
    ) -> date | None:
        """Para 32: a reminder `before` the deadline, even if that was before the request."""
        return before.before(deadline, calendar)

    # Para 33: the late-explanation letter gave no reply-by date ...
    late_explanation_gives_reply_by: bool = False
    # ... and para 35 was read as: with no explanation by then, the system declines.
    system_declines_without_explanation: bool = True

    def delay_factor(self, decided_on: date, requested_on: date | None, period: Period) -> str | None:
        """Para 34: our own delay was not named as a factor."""
        return None

    # An overdue step was escalated once, to the case's manager.
    escalates_repeatedly: bool = False

    def escalation_to(self, ladder: list[Rung], escalations_so_far: int, manager: str) -> Rung:
        return Rung(manager or "operations-manager", "manager")

    # Para 72: a not-upheld decision never waited for approval ...
    not_upheld_may_need_approval: bool = False
    # ... paras 55-56: learning points were sent again when OAT decided again ...
    learning_shared_once: bool = False
    # ... para 65: the risk re-assessment task opened only with the new case ...
    ndi_risk_task_when_recommended: bool = False

    def senior_decision_met(self, role: Role) -> bool:
        """... paras 69, 73: the ledger marked any approver's decision as met."""
        return True

    # Para 66: the quash letter went to the organisation at the complainant's address.
    quash_told_at_own_address: bool = False

    def amount_for_route_approval(self, amount_gbp: float) -> float:
        """Paras 60, 72: a payment with a route needed only the route's approval."""
        return 0

    # Paras 58, 72: the closing letter named neither the approver nor every remedy.
    closing_letter_names_approver: bool = False
    closing_letter_states_remedy: bool = False

    def ndi_window_closed(self, now: datetime, window_ends: date, comments: Sequence[PartyComment]) -> bool:
        """Para 63: any two comments ended the window early."""
        return now >= end_of_day(window_ends) or len(comments) >= 2

    def ndi_named_decider(self, ndi_case_owner: str | None) -> str | None:
        """Para 64: the step waited on OAT, whoever would handle the investigation."""
        return None

    # Submissions were not acknowledged, and nothing broke a long silence.
    acknowledges_submissions: bool = False
    keeps_in_touch: bool = False
    # Each submission was acknowledged as soon as it was taken, however many came at once.
    batches_acknowledgements: bool = False

    # Whatever arrived as a submission was taken, whoever sent it and whatever it said.
    checks_submitters: bool = False
    # The case owner entered what was said by phone or post without saying so.
    says_how_taken: bool = False

    # An overdue step could be taken only by whoever owed it, however far it was escalated.
    hands_over_overdue_steps: bool = False

    # The complainant could not say they were satisfied and withdraw (24); adjustments were
    # taken only at intake (31); a request for more time or an adjustment was nobody's task.
    takes_withdrawals: bool = False
    takes_adjustments_any_time: bool = False
    takes_requests: bool = False
    # An extension had only to be later than the deadline in force, even a date already
    # past (32); a late request could be declined before the reply-by date given (33, 35).
    extends_beyond_today: bool = False
    waits_for_reply_by: bool = False
    # A threat of Judicial Review counted only if flagged at opening (70).
    records_jr_threats: bool = False
    # A second complaint about a decision already reviewed simply ran a second review (5).
    one_review_per_case: bool = False
    # An approval could be paused, and a pause past its resume-by date only reminded.
    bounds_pauses: bool = False
    # A remedy on a decision that could not carry it (not upheld, another route) was
    # accepted and dropped.
    refuses_dropped_remedies: bool = False
    # Grounds that came after a case closed grounds_not_received were refused: "the case
    # is closed", and nobody was told (33-36).
    reopens_late_grounds: bool = False
    # Tasks lived only in the case's status: no due date, nobody told or chased, not in the
    # store's task list; an adjustment's task was opened by each letter and never closed.
    tasks_reach_people: bool = False
    # An overdue approval was chased at the role's name (`operations_manager@...`).
    chases_approvers_in_person: bool = False
    # A step a child awaited was chased by the case and by the child, twice.
    chases_once: bool = False
    # A re-decision after a rejection lost its new learning points (55-56).
    keeps_redecided_learning: bool = False
    # The complainant was not told of OAT's referral back (49), nor the organisation
    # whether a new investigation goes ahead (63-64).
    tells_parties_of_routing: bool = False
    # OAT's learning points were taken only with an upheld decision (Annex A).
    learning_at_every_oat_end: bool = False
    # A reply-by date could fall on a weekend, and post took none of the time (design.md).
    replies_by_working_day: bool = False
    refers_to_jwt_in_its_own_words: bool = False
    letters_through_outbox: bool = False
