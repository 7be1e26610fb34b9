"""Who may send which message, at which stage (design.md, "Messages")."""

from datetime import UTC, date, datetime

import pytest

from domain.authority import Refused
from domain.enums import OatAdviceRoute, Role, Stage
from domain.models import Actor, Awaiting
from domain.permissions import (
    BEFORE_GROUNDS,
    check_case_owner,
    check_decline,
    check_escalate,
    check_handler,
    check_manager,
    check_not_about,
    check_oat_advice,
    check_open,
    check_pause,
    check_reclassify,
    check_stage,
)

OWNER = Actor(id="cw-alice", role=Role.CASEWORKER)
MANAGER = Actor(id="om-bob", role=Role.OPERATIONS_MANAGER)
OAT = Actor(id="oat-1", role=Role.OAT_CASEWORKER)
TODAY = date(2026, 3, 10)


def test_a_message_is_taken_only_at_its_stages() -> None:
    check_stage("case_owner_review", (Stage.CASE_OWNER_REVIEW,), Stage.CASE_OWNER_REVIEW, "C-1")
    with pytest.raises(Refused) as refused:
        check_stage("case_owner_review", (Stage.CASE_OWNER_REVIEW,), Stage.OAT_REVIEW, "C-1")
    assert str(refused.value) == (
        "case_owner_review is not expected now: case C-1 is at stage oat_review, "
        "case_owner_review belongs to case_owner_review"
    )


def test_extensions_are_expected_at_every_stage_before_grounds() -> None:
    for stage in (Stage.CASE_OWNER_RESOLUTION, Stage.OAT_ADVICE, Stage.AWAITING_GROUNDS):
        check_stage("extend_grounds_deadline", BEFORE_GROUNDS, stage, "C-1")
    with pytest.raises(
        Refused, match="belongs to intake or case_owner_resolution or oat_advice or awaiting_grounds"
    ):
        check_stage("extend_grounds_deadline", BEFORE_GROUNDS, Stage.TIME_LIMIT, "C-1")


def test_a_message_the_table_names_no_stage_for_is_taken_at_any_open_stage() -> None:
    check_stage("pause_clock", (), Stage.TIME_LIMIT, "C-1")
    with pytest.raises(Refused, match="closed"):
        check_stage("pause_clock", (), Stage.CLOSED, "C-1")


def test_a_closed_case_says_so_with_its_outcome() -> None:
    with pytest.raises(Refused, match=r"^the case is closed \(not_upheld\)$"):
        check_stage("approve", (Stage.AWAITING_APPROVAL,), Stage.CLOSED, "C-1", "not_upheld")
    with pytest.raises(Refused, match=r"^the case is closed \(\)$"):
        check_open(Stage.CLOSED, None)
    check_open(Stage.AWAITING_APPROVAL, None)


def test_the_case_owner_acts_and_oat_too_only_within_oat() -> None:
    check_case_owner(OWNER, "cw-alice", None, "x")
    check_case_owner(OAT, "cw-alice", OatAdviceRoute.WITHIN_OAT, "x")
    with pytest.raises(Refused, match=r"only the case owner \(cw-alice\)$"):
        check_case_owner(OAT, "cw-alice", OatAdviceRoute.FURTHER_OVERSIGHT, "x")
    with pytest.raises(Refused, match="or, as OAT advised within_oat, an OAT caseworker"):
        check_case_owner(MANAGER, "cw-alice", OatAdviceRoute.WITHIN_OAT, "x")


def test_oat_advises_and_no_review_only_on_high_risk() -> None:
    check_oat_advice(OAT, OatAdviceRoute.NO_REVIEW_HIGH_RISK, "high")
    check_oat_advice(OAT, OatAdviceRoute.AS_USUAL, "low")
    with pytest.raises(Refused, match=r"only for high-risk cases \(29\); this case is medium risk"):
        check_oat_advice(OAT, OatAdviceRoute.NO_REVIEW_HIGH_RISK, "medium")
    with pytest.raises(Refused, match=r"an OAT caseworker gives advice \(27\)"):
        check_oat_advice(OWNER, OatAdviceRoute.AS_USUAL, "low")


def test_decline_by_the_manager_or_above_an_operations_manager() -> None:
    check_decline(MANAGER, "om-bob", False)
    check_decline(Actor(id="ad", role=Role.ASSISTANT_DIRECTOR), "om-bob", False)
    with pytest.raises(
        Refused, match=r"only the case's manager \(om-bob\) or a more senior manager may \(para 22\)"
    ):
        check_decline(Actor(id="om-2", role=Role.OPERATIONS_MANAGER), "om-bob", False)
    with pytest.raises(Refused, match="^access has already been declined$"):
        check_decline(MANAGER, "om-bob", True)


def step(**kw: object) -> Awaiting:
    base: dict[str, object] = {
        "action": "challenge_assessment",
        "actor_role": "caseworker",
        "actor_id": "cw-alice",
    }
    return Awaiting.model_validate(base | kw)


def pause(
    actor: Actor, awaiting: Awaiting | None, pausing: bool = True, resume_by: date | None = None
) -> None:
    check_pause(
        actor,
        awaiting,
        stage=Stage.CHALLENGE_ASSESSMENT,
        manager="om-bob",
        pausing=pausing,
        today=TODAY,
        resume_by=resume_by,
    )


def test_no_pause_on_the_grounds_step() -> None:
    """Guards fault 5 of issue 16: the grounds deadline moves only by extension (32)."""
    grounds = step(action="grounds_submitted", actor_role="service_user", actor_id=None, chase=False)
    with pytest.raises(Refused, match="waits on a member of staff, so there is no clock to pause"):
        pause(MANAGER, grounds)
    with pytest.raises(Refused, match="no clock to resume"):
        pause(MANAGER, None, pausing=False)


def test_whoever_owes_the_step_or_the_manager_pauses() -> None:
    pause(OWNER, step())
    pause(MANAGER, step())
    pause(OAT, step(actor_id=None, actor_role="oat_caseworker"))
    with pytest.raises(
        Refused, match=r"only whoever owes challenge_assessment \(cw-alice\) or the case's manager"
    ):
        pause(Actor(id="cw-2", role=Role.CASEWORKER), step())


def test_a_pause_twice_or_a_resume_without_one_is_refused() -> None:
    paused = step(paused_since=datetime(2026, 3, 9, tzinfo=UTC))
    with pytest.raises(Refused, match="already paused since 2026-03-09"):
        pause(OWNER, paused)
    with pytest.raises(Refused, match="is not paused"):
        pause(OWNER, step(), pausing=False)
    pause(OWNER, paused, pausing=False)


def test_resume_by_must_be_after_today() -> None:
    pause(OWNER, step(), resume_by=date(2026, 3, 11))
    with pytest.raises(Refused, match=r"resume_by 2026-03-10 must be after today \(2026-03-10\)"):
        pause(OWNER, step(), resume_by=TODAY)


def test_nobody_handles_a_complaint_about_themselves() -> None:
    check_not_about(OWNER, ["cw-2"], "resolve it")
    with pytest.raises(Refused, match=r"may not resolve it: the complaint is about them \(11, 13, 15\)"):
        check_not_about(OWNER, ["cw-alice"], "resolve it")


def test_only_the_handler_acts_on_a_service_complaint() -> None:
    """Guards fault 2 of issue 16: someone other than the handler may not escalate."""
    check_handler(MANAGER, MANAGER, [], "escalate")
    with pytest.raises(
        Refused, match=r"the complaint is with om-bob \(operations_manager\) \(paras 11, 15\)"
    ):
        check_handler(Actor(id="om-2", role=Role.OPERATIONS_MANAGER), MANAGER, [], "escalate")
    with pytest.raises(Refused, match="the complaint is with None"):
        check_handler(MANAGER, None, [], "escalate")
    chain = [Role.OPERATIONS_MANAGER, Role.ASSISTANT_DIRECTOR, Role.DIRECTOR]
    with pytest.raises(Refused, match="the complaint is with"):
        check_escalate(
            Actor(id="om-2", role=Role.OPERATIONS_MANAGER),
            MANAGER,
            Actor(id="ad", role=Role.ASSISTANT_DIRECTOR),
            chain,
            [],
        )


def test_escalation_goes_up_the_chain_never_to_whom_it_is_about() -> None:
    chain = [Role.OPERATIONS_MANAGER, Role.ASSISTANT_DIRECTOR, Role.DIRECTOR]
    ad = Actor(id="ad-carol", role=Role.ASSISTANT_DIRECTOR)
    check_escalate(MANAGER, MANAGER, ad, chain, [])
    with pytest.raises(
        Refused, match=r"escalate.to ad-carol is someone the complaint is about \(11, 13, 15\)"
    ):
        check_escalate(MANAGER, MANAGER, ad, chain, ["ad-carol"])
    with pytest.raises(
        Refused, match=r"must be in the management chain: operations_manager, assistant_director, director"
    ):
        check_escalate(MANAGER, MANAGER, Actor(id="o", role=Role.OMBUDSMAN), chain, [])
    with pytest.raises(Refused, match="operations_manager is not above operations_manager"):
        check_escalate(MANAGER, MANAGER, Actor(id="om-2", role=Role.OPERATIONS_MANAGER), chain, [])
    with pytest.raises(Refused, match="may not send escalate: the complaint is about them"):
        check_escalate(MANAGER, MANAGER, ad, chain, ["om-bob"])


def test_the_manager_checks() -> None:
    check_manager(MANAGER, "om-bob", "manager_review", "9")
    with pytest.raises(
        Refused, match=r"may not send manager_review: only the case's manager \(om-bob\) \(9\)"
    ):
        check_manager(OWNER, "om-bob", "manager_review", "9")


def test_reclassify_by_owner_manager_or_handler_with_a_past_decision() -> None:
    kw = {"owner": "cw-alice", "manager": "om-bob", "handler": None, "today": TODAY}
    check_reclassify(OWNER, decided_on=TODAY, **kw)  # type: ignore[arg-type]
    check_reclassify(MANAGER, decided_on=TODAY, **kw)  # type: ignore[arg-type]
    ad = Actor(id="ad", role=Role.ASSISTANT_DIRECTOR)
    check_reclassify(ad, decided_on=TODAY, owner="cw-alice", manager="om-bob", handler=ad, today=TODAY)
    with pytest.raises(Refused, match=r"only the case owner \(cw-alice\) or manager \(om-bob\) \(12\)"):
        check_reclassify(ad, decided_on=TODAY, **kw)  # type: ignore[arg-type]
    with pytest.raises(Refused, match="decided_on 2026-03-11 is in the future"):
        check_reclassify(OWNER, decided_on=date(2026, 3, 11), **kw)  # type: ignore[arg-type]


# ------------------------------------------- the trust boundary: relations are staff's


@pytest.mark.parametrize("role", [Role.SERVICE_USER, Role.ORGANISATION, Role.BACK_OFFICE])
def test_a_party_or_back_office_with_a_staff_id_holds_no_relation(role: Role) -> None:
    """design.md, "The trust boundary": a token `cw-alice` with role service_user is not
    the case owner cw-alice, nor the manager, handler or new case owner of anything."""
    from domain.authority import NotAllowed, is_person, require_person
    from domain.grounds import may_extend
    from domain.models import Awaiting
    from domain.permissions import (
        check_case_owner,
        check_decline,
        check_handler,
        check_manager,
        check_pause,
        check_reclassify,
    )
    from domain.review_rules import check_ndi_decider

    owner, manager = Actor(id="cw-alice", role=role), Actor(id="om-bob", role=role)
    assert not is_person(owner, "cw-alice") and is_person(OWNER, "cw-alice") and not is_person(OWNER, None)
    with pytest.raises(NotAllowed):
        check_case_owner(owner, "cw-alice", None, "case_owner_review")
    with pytest.raises(NotAllowed):
        check_decline(manager, "om-bob", already_declined=False)
    with pytest.raises(NotAllowed):
        check_manager(manager, "om-bob", "manager_resolution", "13-14")
    with pytest.raises(NotAllowed):
        check_handler(manager, Actor(id="om-bob", role=Role.OPERATIONS_MANAGER), [], "escalate")
    with pytest.raises(NotAllowed):
        check_reclassify(
            owner, owner="cw-alice", manager="om-bob", handler=None, decided_on=TODAY, today=TODAY
        )
    with pytest.raises(NotAllowed):
        require_person(owner, "cw-alice", "the case owner")
    step = Awaiting(action="challenge_assessment", actor_role="caseworker", actor_id="cw-alice", chase=True)
    with pytest.raises(NotAllowed):
        check_pause(
            owner, step, stage=Stage.CHALLENGE_ASSESSMENT, manager="om-bob", pausing=True, today=TODAY
        )
    with pytest.raises(NotAllowed):
        check_pause(
            manager, step, stage=Stage.CHALLENGE_ASSESSMENT, manager="om-bob", pausing=True, today=TODAY
        )
    assert not may_extend(manager, "om-bob", [])
    with pytest.raises(NotAllowed):
        check_ndi_decider(
            Actor(id="cw-nia", role=role), ndi_case_owner="cw-nia", owner="cw-alice", manager="om-bob"
        )
    # The same ids with staff roles do hold them.
    check_case_owner(OWNER, "cw-alice", None, "case_owner_review")
    check_manager(MANAGER, "om-bob", "manager_resolution", "13-14")
    assert may_extend(MANAGER, "om-bob", [])
    check_ndi_decider(
        Actor(id="cw-nia", role=Role.CASEWORKER), ndi_case_owner="cw-nia", owner="cw-alice", manager="om-bob"
    )


def test_the_message_table_gives_no_relation_to_a_party_or_back_office() -> None:
    from contract.messages import MESSAGES, Standing

    for role in (Role.SERVICE_USER, Role.ORGANISATION, Role.BACK_OFFICE):
        every = frozenset({"owner", "manager", "awaited", "new_case_owner", "oat_within_oat"})
        assert not MESSAGES["case_owner_review"].who.allows(Standing(role=role, relations=every))
        assert not MESSAGES["manager_resolution"].who.allows(Standing(role=role, relations=every))
        assert not MESSAGES["extend_grounds_deadline"].who.allows(Standing(role=role, relations=every))
    assert MESSAGES["case_owner_review"].who.allows(
        Standing(role=Role.CASEWORKER, relations=frozenset({"owner"}))
    )


# ------------------------------------------------- submissions: a party speaks for itself

OPENED = date(2026, 3, 2)


def submit(name: str, actor: Actor | None, **kw: object) -> None:
    from domain.permissions import check_submission

    check_submission(name, actor, owner="cw-alice", opened_on=OPENED, today=TODAY, **kw)  # type: ignore[arg-type]


SU = Actor(id="su-1", role=Role.SERVICE_USER)
ORG = Actor(id="org-1", role=Role.ORGANISATION)
BO = Actor(id="crm", role=Role.BACK_OFFICE)


def test_each_submission_comes_from_its_party_the_back_office_or_the_case_owner() -> None:
    for name in ("grounds_submitted", "late_explanation"):
        submit(name, SU)
        submit(name, BO)
        submit(name, OWNER)  # entering what was said by phone or post (31)
        with pytest.raises(Refused) as organisation:
            submit(name, ORG)
        assert str(organisation.value) == (
            f"org-1 (organisation) may not send {name}: only back_office / service_user, "
            "or the case owner entering it for them (31)"
        )
        with pytest.raises(Refused, match="may not send"):
            submit(name, MANAGER)
        with pytest.raises(Refused, match="may not send"):
            submit(name, Actor(id="cw-alice", role=Role.SERVICE_USER), party=Role.ORGANISATION)
    submit("evidence_submitted", ORG)
    submit("evidence_submitted", OWNER)
    submit("party_comment", ORG)
    with pytest.raises(Refused, match="only back_office / organisation / service_user$"):
        submit("party_comment", OWNER)
    with pytest.raises(Refused, match="must say who sends it"):
        submit("grounds_submitted", None)


def test_only_the_back_office_or_the_case_owner_says_whose_it_is_or_when_it_came() -> None:
    with pytest.raises(Refused) as speaks_for:
        submit("party_comment", ORG, party=Role.SERVICE_USER)
    assert str(speaks_for.value) == (
        "org-1 (organisation) may not send party_comment for the service_user: a party speaks only for itself"
    )
    submit("party_comment", ORG, party=Role.ORGANISATION)  # its own: fine
    submit("party_comment", BO, party=Role.SERVICE_USER)
    with pytest.raises(Refused, match="relayed by the back office must say whose it is"):
        submit("party_comment", BO)
    with pytest.raises(Refused, match="relayed by the back office must say whose it is"):
        submit("evidence_submitted", BO)
    submit("grounds_submitted", BO)  # grounds are always the complainant's
    with pytest.raises(Refused) as dated:
        submit("grounds_submitted", SU, received_on=date(2020, 1, 1))
    assert str(dated.value) == (
        "su-1 (service_user) may not say when grounds_submitted arrived: the date it reaches us is recorded"
    )
    submit("grounds_submitted", BO, received_on=OPENED)
    submit("grounds_submitted", OWNER, received_on=TODAY)
    with pytest.raises(Refused, match=r"must be between the case's opening \(2026-03-02\) and today"):
        submit("grounds_submitted", BO, received_on=date(2026, 3, 1))
    with pytest.raises(Refused, match="and today"):
        submit("grounds_submitted", OWNER, received_on=date(2026, 3, 11))
