"""Who may act and who may approve: roles, relations and the Delegation Scheme (72-73).

Roles rank caseworker < operations_manager < assistant_director < director <
deputy_ombudsman < ombudsman; whatever the scheme lets a role approve, any higher role
may approve too. Four eyes: nobody approves their own proposal.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.enums import Role
from domain.models import Actor

LADDER: tuple[Role, ...] = (
    Role.CASEWORKER,
    Role.OPERATIONS_MANAGER,
    Role.ASSISTANT_DIRECTOR,
    Role.DIRECTOR,
    Role.DEPUTY_OMBUDSMAN,
    Role.OMBUDSMAN,
)


class Refused(ValueError):
    """An action refused by the rules; the text says who may act and why. The class says
    which kind of refusal it is, so the HTTP API can answer 422, 403 or 409 (design.md,
    "Back-office HTTP API"): a Refused itself is data the rules do not accept."""


class NotAllowed(Refused):
    """This actor may not do this (role or relation): 403."""


class NotNow(Refused):
    """Not at this stage, or not yet, or not any more: 409."""


def rank(role: Role) -> int | None:
    """Position on the management ladder, or None for roles outside it (OAT, Legal...)."""
    return LADDER.index(role) if role in LADDER else None


def at_least(role: Role, minimum: Role) -> bool:
    have, need = rank(role), rank(minimum)
    return have is not None and need is not None and have >= need


def require_role(actor: Actor, roles: set[Role] | frozenset[Role], who: str) -> None:
    if actor.role not in roles:
        raise NotAllowed(f"{actor} may not do this: only {who}")


# design.md, "The trust boundary": a party or a back office never holds a relation to a
# case (owner, manager, handler, new case owner), whatever its id.
NOT_STAFF = frozenset({Role.SERVICE_USER, Role.ORGANISATION, Role.BACK_OFFICE})


def is_staff(role: Role) -> bool:
    return role not in NOT_STAFF


def is_person(actor: Actor, person_id: str | None) -> bool:
    """Whether `actor` is the member of staff `person_id` names: the same id and a staff
    role (a service user's token with a caseworker's id is not that caseworker)."""
    return person_id is not None and actor.id == person_id and is_staff(actor.role)


def require_person(actor: Actor, person_id: str, who: str) -> None:
    if not is_person(actor, person_id):
        raise NotAllowed(f"{actor} may not do this: only {who} ({person_id})")


def line_manager_role(role: Role) -> Role:
    """Para 56, Annex A: learning goes to the line manager — an operations manager for a
    caseworker, an assistant director for an operations manager, and so up the ladder."""
    position = rank(role)
    if position is None or position + 1 >= len(LADDER):
        return Role.OPERATIONS_MANAGER
    return LADDER[position + 1]


# ----------------------------------------------------------- the Delegation Scheme


class Threshold(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Role
    up_to_gbp: float | None = None  # None: no upper limit

    @model_validator(mode="after")
    def _on_ladder(self) -> Threshold:
        if rank(self.role) is None:
            raise ValueError(f"{self.role.value} is not on the approval ladder {list(LADDER)}")
        return self


class ApprovalRule(BaseModel):
    """One approval from `role` (or higher) is needed for a proposal."""

    model_config = ConfigDict(extra="forbid")
    proposal: str
    role: Role
    paragraphs: list[str] = []
    describe: str = ""

    def text(self) -> str:
        base = self.describe or f"{self.proposal}: {self.role.value} or above"
        paras = f" (Delegation Scheme, para {', '.join(self.paragraphs)})" if self.paragraphs else ""
        return base + paras


class DelegationScheme(BaseModel):
    """The YAML Delegation Scheme: validated at worker start with clear errors."""

    model_config = ConfigDict(extra="forbid")
    payment: list[Threshold] = Field(min_length=1)
    new_detailed_investigation: Role = Role.DEPUTY_OMBUDSMAN
    quash: Role = Role.DEPUTY_OMBUDSMAN
    # Proposals that need no approval unless the scheme names a role for them.
    remedy_without_payment: Role | None = None
    fresh_primary_investigation: Role | None = None
    not_upheld: Role | None = None
    # Para 32: extensions are agreed by the case's manager; roles here may agree too.
    extend_grounds_deadline_roles: list[Role] = []

    @model_validator(mode="after")
    def _thresholds_ordered(self) -> DelegationScheme:
        limits = [t.up_to_gbp for t in self.payment]
        if limits[-1] is not None:
            raise ValueError("the last payment threshold must have no up_to_gbp (it covers the rest)")
        bounded = [x for x in limits[:-1] if x is not None]
        if len(bounded) != len(limits) - 1 or bounded != sorted(bounded):
            raise ValueError("payment thresholds must rise, each with up_to_gbp but the last")
        for name, paragraph in (("new_detailed_investigation", "73"), ("quash", "69")):
            role = getattr(self, name)
            if not is_senior_decider(role):
                raise ValueError(
                    f"{name}: {role.value} may not be named: only the Ombudsman or a Deputy Ombudsman "
                    f"may decide this (para {paragraph})"
                )
        return self

    def payment_rule(self, amount_gbp: float) -> ApprovalRule:
        """Paras 60, 72: the first threshold the amount is within; the last covers the rest."""
        bounded = [t for t in self.payment if t.up_to_gbp is not None and amount_gbp <= t.up_to_gbp]
        threshold = bounded[0] if bounded else self.payment[-1]
        limit = (
            f"up to £{threshold.up_to_gbp:,.0f}"
            if threshold.up_to_gbp is not None
            else "above the lower thresholds"
        )
        return ApprovalRule(
            proposal="payment",
            role=threshold.role,
            paragraphs=["60", "72"],
            describe=f"payment of £{amount_gbp:,.2f} ({limit}): {threshold.role.value} or above",
        )

    def ndi_rule(self) -> ApprovalRule:
        """Para 73: a new detailed investigation is approved by the Ombudsman or a Deputy."""
        return ApprovalRule(
            proposal="new_detailed_investigation",
            role=self.new_detailed_investigation,
            paragraphs=["63", "73"],
            describe="new detailed investigation: the Ombudsman or a Deputy Ombudsman",
        )

    def quash_rule(self) -> ApprovalRule:
        """Para 69: only the Ombudsman or a Deputy decide to quash a report."""
        return ApprovalRule(
            proposal="quash",
            role=self.quash,
            paragraphs=["69"],
            describe="quashing a report: the Ombudsman or a Deputy Ombudsman",
        )

    def route_rule(self, proposal: str) -> ApprovalRule | None:
        """The approval a route needs of its own, or None if the scheme needs none."""
        if proposal == "new_detailed_investigation":
            return self.ndi_rule()
        if proposal == "quash":
            return self.quash_rule()
        optional = {
            "remedy": self.remedy_without_payment,
            "fresh_primary_investigation": self.fresh_primary_investigation,
            "not_upheld": self.not_upheld,
        }.get(proposal)
        if optional is None:
            return None
        return ApprovalRule(proposal=proposal, role=optional, paragraphs=["72"])

    def rule_for(self, proposal: str, amount_gbp: float = 0) -> ApprovalRule | None:
        """The approval a proposal needs, or None if the scheme needs none (72-73): the
        route's own rule and, with a payment, the payment rule as well. One approval from
        the higher of the two roles satisfies both."""
        rules = [self.route_rule(proposal), self.payment_rule(amount_gbp) if amount_gbp > 0 else None]
        return both([r for r in rules if r is not None])


def both(rules: list[ApprovalRule]) -> ApprovalRule | None:
    """One rule that an approval satisfying every one of `rules` meets: the highest role."""
    if not rules:
        return None
    if len(rules) == 1:
        return rules[0]
    highest = max(rules, key=lambda r: rank(r.role) or 0)
    paragraphs = sorted({p for r in rules for p in r.paragraphs}, key=int)
    return ApprovalRule(
        proposal=" and ".join(r.proposal for r in rules),
        role=highest.role,
        paragraphs=paragraphs,
        describe="; ".join(r.describe or f"{r.proposal}: {r.role.value} or above" for r in rules)
        + f" (one approval from {highest.role.value} or above)",
    )


SENIOR_DECIDERS = frozenset({Role.DEPUTY_OMBUDSMAN, Role.OMBUDSMAN})


def is_senior_decider(role: Role) -> bool:
    """Paras 69, 73: only the Ombudsman or a Deputy decide a new detailed investigation or
    a quash; the ledger marks those paragraphs met only for them."""
    return role in SENIOR_DECIDERS


def check_approver(rule: ApprovalRule, actor: Actor, proposer_id: str | None) -> None:
    """Raise Refused unless `actor` may approve under `rule` (paras 72-73, four eyes)."""
    if proposer_id is not None and actor.id == proposer_id:
        raise NotAllowed(f"{actor} proposed this and may not approve it: four eyes (para 72)")
    if not at_least(actor.role, rule.role):
        raise NotAllowed(f"{actor} may not approve: {rule.text()}")
