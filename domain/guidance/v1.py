"""Version 1 (2026-11-27, "the edges"): the process's edge cases read again against the
guidance. Everything not named here is as in version 0."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain.authority import is_senior_decider
from domain.calendar import Period, WorkingCalendar
from domain.eligibility import Ineligible, eligibility
from domain.enums import Role
from domain.escalation import Rung, escalation_target
from domain.grounds import our_delay, reminder_date
from domain.guidance.v0 import V0
from domain.models import ComplaintOpened, PartyComment
from domain.review_rules import window_closed


@dataclass(frozen=True)
class V1(V0):
    version: int = 1

    def eligibility(self, opened: ComplaintOpened) -> Ineligible | None:
        """Paras 21, 76: a joint PHSO/LGSCO decision goes to the Joint Working Team before
        any other rule is applied."""
        return eligibility(opened)

    # Para 27: OAT decides; advice that comes after the case went on without it is taken.
    later_oat_advice_taken: bool = True

    # Paras 32, 34: the grounds request sets the deadline, never less than the minimum
    # notice after it is sent, so our delay never shortens the complainant's time.
    grounds_deadline_fixed_at_opening: bool = False

    def grounds_reminder_on(
        self, deadline: date, requested_on: date, before: Period, calendar: WorkingCalendar
    ) -> date | None:
        """Para 32: a reminder never comes with or before the request."""
        return reminder_date(deadline, requested_on, before, calendar)

    # Para 33: the late-explanation letter says when to reply by; para 35: with no
    # explanation the case owner still decides: the system never declines on its own.
    late_explanation_gives_reply_by: bool = True
    system_declines_without_explanation: bool = False

    def delay_factor(self, decided_on: date, requested_on: date | None, period: Period) -> str | None:
        """Para 34: a grounds request sent after the decision's month is our delay."""
        return our_delay(decided_on, requested_on, period)

    # design.md "Time": escalated again up the ladder while the step stays overdue.
    escalates_repeatedly: bool = True

    def escalation_to(self, ladder: list[Rung], escalations_so_far: int, manager: str) -> Rung:
        return escalation_target(ladder, escalations_so_far)

    not_upheld_may_need_approval: bool = True  # 72: the scheme's `not_upheld` key has effect
    learning_shared_once: bool = True  # 55-56: not again after a rejection
    ndi_risk_task_when_recommended: bool = True  # 65: as soon as it is recommended

    def senior_decision_met(self, role: Role) -> bool:
        """Paras 69, 73: met only when the Ombudsman or a deputy decided."""
        return is_senior_decider(role)

    quash_told_at_own_address: bool = True  # 66: every affected party at their own address

    def amount_for_route_approval(self, amount_gbp: float) -> float:
        """Paras 60, 72: a payment with any route needs the payment rule as well."""
        return amount_gbp

    closing_letter_names_approver: bool = True  # 72-73
    closing_letter_states_remedy: bool = True  # 58: whatever the route

    def ndi_window_closed(self, now: datetime, window_ends: date, comments: Sequence[PartyComment]) -> bool:
        """Para 63: the window ends early only when both parties have commented."""
        return window_closed(now, window_ends, comments)

    def ndi_named_decider(self, ndi_case_owner: str | None) -> str | None:
        """Para 64: whom OAT named to handle the investigation may decide it."""
        return ndi_case_owner
