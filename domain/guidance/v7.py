"""Version 7 (2026-12-01, the process never shuts a door the guidance keeps open): the
complainant can say they are satisfied and withdraw at any stage, and the case closes
`withdrawn` with a letter saying so (24); a reasonable adjustment asked for after opening
is recorded by the case owner, the manager or the back office and honoured by every later
letter (31, "must"); a complainant's request for more time (32) or for an adjustment (31)
becomes a task for the person who decides it (design.md, "Messages"). An extension is to a
date after today, not only after the deadline in force (32); a late request is not
declined before the reply-by date its letter gave, unless the explanation has arrived
(33, 35). A threat of Judicial Review that arrives later is recorded by the case owner,
and Legal is asked before anything else considers the grounds (70). One review per case:
a second complaint about a decision whose review has finished waits for OAT to decide
whether exceptional circumstances justify another (5). Pauses are bounded: an approval
cannot be paused (72-73), and a pause that reaches its resume-by date resumes itself and
the case's manager is told (design.md, "Time"). A remedy on a decision that is not upheld
(an apology, say) is refused with the reason, never accepted and dropped (58, 18). A late request is always considered (33-36): grounds
or a late explanation that arrive after a case closed `grounds_not_received` reopen it, on
the same workflow id, on the late path (`late_grounds_window`, policy: 12 months)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.guidance.v6 import V6


@dataclass(frozen=True)
class V7(V6):
    version: int = 7
    takes_withdrawals: bool = True
    takes_adjustments_any_time: bool = True
    takes_requests: bool = True
    extends_beyond_today: bool = True
    waits_for_reply_by: bool = True
    records_jr_threats: bool = True
    one_review_per_case: bool = True
    bounds_pauses: bool = True
    refuses_dropped_remedies: bool = True
    reopens_late_grounds: bool = True
