"""Version 8 (2026-12-01, work reaches a person, once): every task opened on a case has a
due date (policy `durations.tasks`), is sent to its assignee (`task_opened`), is chased
and escalated like a step until `complete_task`, and is a row of the store's task list
(design.md, "Time"); a reasonable adjustment's task is the case's own (31: one per
letter for a phone call, one per adjustment per case for an interpreter or anything
else), no longer one per letter opened by the letter. An approval is chased at a person
the Delegation Scheme resolves for this case (the case's manager for an operations
manager's approval, else the senior manager the policy names), never at a role's name
(72-73). A step a child awaits (OAT's review) is chased by the child only. A re-decision
after a rejection keeps its new learning points (55-56). The complainant is told when
OAT returns a referral to the case owner (49); the organisation is told whether a
proposed new investigation goes ahead (63-64). OAT records learning points whichever way
its consideration ends, "criteria not met" included, and an operations manager's peer
review may add them (Annex A). A date we give someone to reply by falls on a working day,
and a letter sent by post gives `post_allowance` more (design.md, "Time")."""

from __future__ import annotations

from dataclasses import dataclass

from domain.guidance.v7 import V7


@dataclass(frozen=True)
class V8(V7):
    version: int = 8
    tasks_reach_people: bool = True
    chases_approvers_in_person: bool = True
    chases_once: bool = True
    keeps_redecided_learning: bool = True
    tells_parties_of_routing: bool = True
    learning_at_every_oat_end: bool = True
    replies_by_working_day: bool = True
