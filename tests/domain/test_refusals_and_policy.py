"""The exact words of refusals (they reach the caller and the audit trail), the policy's
own functions and the ledger's requirements (the rules of earlier guidance versions are
in test_guidance.py)."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from domain.authority import Refused
from domain.calendar import (
    BANK_HOLIDAYS,
    Period,
    WorkingCalendar,
    bank_holidays_from_package,
    london_time,
    parse_when,
)
from domain.enums import DecisionRoute, Kind, Outcome, Role
from domain.ledger import REGISTRY, requirements_for
from domain.models import (
    Actor,
    ComplaintOpened,
    DecidedCase,
    Flags,
    OatDecision,
    OatOutcomeMessage,
    QuashGrounds,
    Remedy,
    ServiceComplaintOpened,
)
from domain.oat_criteria import needs_oat_advice
from domain.policy import (
    DEFAULT_POLICY_FILE,
    PolicyError,
    Team,
    load_policy,
    merged,
    policy_from_mapping,
    policy_over_default,
)
from domain.review_rules import check_oat_decision, check_oat_outcome

OAT = Actor(id="oat-1", role=Role.OAT_CASEWORKER)


def refusal(**decision: object) -> str:
    with pytest.raises(Refused) as refused:
        check_oat_decision(OatDecision.model_validate({"actor": OAT.model_dump()} | decision))
    return str(refused.value)


def test_oat_decision_refusals_word_for_word() -> None:
    assert refusal(upheld=False) == "oat_decision needs an analysis (58)"
    assert refusal(upheld=False, analysis=" ") == "oat_decision needs an analysis (58)"
    assert refusal(upheld=False, analysis="a", route="remedy") == (
        "a decision that is not upheld takes route none, not remedy"
    )
    assert refusal(upheld=True, analysis="a") == (
        "an upheld decision needs a route: remedy, fresh_primary_investigation, "
        "new_detailed_investigation or quash (51, 58)"
    )
    remedy_words = "route remedy needs remedy.kinds from apology, explanation, service_improvement, financial_payment (58-60)"
    assert refusal(upheld=True, analysis="a", route="remedy") == remedy_words
    assert refusal(upheld=True, analysis="a", route="remedy", remedy={"kinds": []}) == remedy_words
    assert refusal(upheld=True, analysis="a", route="new_detailed_investigation", summary="s") == (
        "a new detailed investigation needs ndi_reason: flawed_evidence, unfair_investigation or "
        "significant_new_information (62)"
    )
    assert refusal(
        upheld=True, analysis="a", route="new_detailed_investigation", ndi_reason="flawed_evidence"
    ) == ("a new detailed investigation needs a summary of what we would investigate (63)")
    quash_words = (
        "quashing needs quash_grounds meeting para 67: (missed_or_new_evidence or "
        "incontrovertibly_wrong) and no_other_way and public_interest"
    )
    assert refusal(upheld=True, analysis="a", route="quash") == quash_words
    assert (
        refusal(upheld=True, analysis="a", route="quash", quash_grounds={"no_other_way": True}) == quash_words
    )
    assert refusal(
        upheld=False, analysis="a", remedy={"kinds": ["financial_payment"], "amount_gbp": 5, "severity": 1}
    ) == ("a decision that is not upheld offers no payment (58, 60): uphold it or drop the payment")


def test_oat_decisions_that_hold() -> None:
    check_oat_decision(OatDecision(actor=OAT, upheld=False, analysis="a"))
    check_oat_decision(
        OatDecision(
            actor=OAT, upheld=True, analysis="a", route=DecisionRoute.REMEDY, remedy=Remedy(kinds=["apology"])
        )
    )
    check_oat_decision(
        OatDecision(actor=OAT, upheld=True, analysis="a", route=DecisionRoute.FRESH_PRIMARY_INVESTIGATION)
    )
    check_oat_decision(
        OatDecision(
            actor=OAT,
            upheld=True,
            analysis="a",
            route=DecisionRoute.NEW_DETAILED_INVESTIGATION,
            ndi_reason="flawed_evidence",
            summary="s",
        )
    )
    grounds = QuashGrounds(missed_or_new_evidence=True, no_other_way=True, public_interest=True)
    check_oat_decision(
        OatDecision(actor=OAT, upheld=True, analysis="a", route=DecisionRoute.QUASH, quash_grounds=grounds)
    )


def test_only_oat_records_the_outcome_of_a_referral() -> None:
    check_oat_outcome(OatOutcomeMessage(actor=OAT, outcome="accepted"))
    with pytest.raises(Refused) as refused:
        check_oat_outcome(OatOutcomeMessage(actor=Actor(id="cw", role=Role.CASEWORKER), outcome="accepted"))
    assert str(refused.value) == (
        "cw (caseworker) may not do this: only an OAT caseworker records the outcome of a referral (47-48)"
    )


def case(**kw: object) -> DecidedCase:
    base: dict[str, object] = {
        "ref": "C-1", "owner": "cw", "manager": "om", "risk": "low",
        "decision": "primary_investigation", "decided_on": date(2026, 3, 1),
    }  # fmt: skip
    return DecidedCase.model_validate(base | kw)


def test_every_para_26_reason_word_for_word() -> None:
    flags = Flags(
        mp_involved=True, jr_threatened=True, organisation_complainant=True,
        further_complaint_after_upheld_review=True, oat_priority_group=True, specialist=True,
    )  # fmt: skip
    assert needs_oat_advice(case(risk="high"), flags) == [
        "29: complaint on a high-risk case; discuss with OAT whether to review",
        "26: an MP supports or is involved in the challenge",
        "26: credible threat of Judicial Review or allegation PHSO acted unlawfully",
        "26: an organisation is bringing the challenge (consider compliance first)",
        "26: a further complaint set up following an upheld review",
        "26: complainant is in a group whose complaints OAT reviews first",
        "26: complicated challenge needing specialist knowledge",
    ]
    assert needs_oat_advice(case(risk="medium"), Flags()) == ["26: original case was medium risk"]


def test_unacceptable_behaviour_at_intake_word_for_word() -> None:
    from domain.eligibility import eligibility

    opened = ComplaintOpened(case=case(), flags=Flags(unacceptable_behaviour=True))
    assert eligibility(opened) == (
        Outcome.DECLINED_UNACCEPTABLE_BEHAVIOUR,
        "access to a review declined under the unacceptable behaviour policy",
        ["22"],
    )


def test_the_ledger_lists_each_kinds_requirements() -> None:
    assert [r.paragraph for r in requirements_for(Kind.POSITIVE_FEEDBACK)] == ["7", "8", "9"]
    assert [r.paragraph for r in requirements_for(Kind.SERVICE_COMPLAINT)] == ["12", "13", "14", "18", "19"]
    assert "19" in [r.paragraph for r in requirements_for(Kind.DECISION_COMPLAINT)]
    assert REGISTRY["74"].statement == "The closing letter says the internal complaints process has ended"
    assert REGISTRY["7"].marked == "policy"


def test_scenario_times_offsets_and_iso() -> None:
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert parse_when("+30s", start) == datetime(2026, 3, 2, 9, 0, 30, tzinfo=UTC)
    assert parse_when("+90m", start) == datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
    assert parse_when("+36h", start) == datetime(2026, 3, 3, 21, tzinfo=UTC)
    assert parse_when("+1.5d", start) == datetime(2026, 3, 3, 21, tzinfo=UTC)
    assert parse_when("+2w", start) == datetime(2026, 3, 16, 9, tzinfo=UTC)
    assert parse_when("2026-04-01T10:00:00Z", start) == datetime(2026, 4, 1, 10, tzinfo=UTC)
    assert parse_when("2026-04-01T10:00:00", start) == datetime(2026, 4, 1, 10, tzinfo=UTC)
    assert parse_when("2026-04-01T10:00:00+01:00", start) == datetime(2026, 4, 1, 9, tzinfo=UTC)
    with pytest.raises(ValueError, match=r"^offset '\+5x': write \+5d, \+36h, \+90m, \+30s or \+2w$"):
        parse_when("+5x", start)


def test_wall_clock_times_on_a_london_date() -> None:
    assert london_time(date(2026, 7, 1), 9, 30) == datetime(2026, 7, 1, 8, 30, tzinfo=UTC)
    assert london_time(date(2026, 1, 5), 9, 30) == datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    assert london_time(date(2026, 7, 1), 9, 30).tzinfo is UTC


def test_working_days_back_and_forth() -> None:
    wednesday = date(2026, 3, 4)
    assert Period(amount=1, unit="working_days").before(wednesday) == date(2026, 3, 3)
    assert Period(amount=3, unit="working_days").before(wednesday) == date(2026, 2, 27)
    assert Period(amount=0, unit="working_days").after(wednesday) == wednesday
    assert Period(amount=2, unit="weeks").after(wednesday) == date(2026, 3, 18)
    assert Period(amount=2, unit="weeks").before(wednesday) == date(2026, 2, 18)
    assert [str(Period.model_validate(t)) for t in ("14d", "2w", "1m", "10wd", 3)] == [
        "14d",
        "2w",
        "1m",
        "10wd",
        "3d",
    ]
    only_today = WorkingCalendar(frozenset({date(2026, 3, 5)}))
    assert only_today.add_working_days(wednesday, 1) == date(2026, 3, 6)
    assert WorkingCalendar().bank_holidays is BANK_HOLIDAYS


def test_england_and_wales_bank_holidays_from_the_package() -> None:
    assert bank_holidays_from_package(range(2026, 2027)) == [
        date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4), date(2026, 5, 25),
        date(2026, 8, 31), date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 28),
    ]  # fmt: skip


def test_a_case_keeps_the_bank_holidays_it_opened_with() -> None:
    policy = load_policy()
    assert policy.bank_holidays is None
    kept = policy.with_bank_holidays(date(2026, 11, 27))
    assert kept.bank_holidays is not None
    years = {d.year for d in kept.bank_holidays}
    assert min(years) == 2024 and max(years) == 2038
    assert kept.with_bank_holidays(date(2040, 1, 1)) is kept
    assert kept.calendar().bank_holidays == frozenset(kept.bank_holidays)
    assert not kept.calendar().is_working_day(date(2026, 12, 28))
    none_kept = policy.model_copy(update={"bank_holidays": []})
    assert none_kept.calendar().is_working_day(date(2026, 12, 28))
    assert policy.calendar().bank_holidays is BANK_HOLIDAYS


def test_steps_due_as_configured_or_by_default() -> None:
    durations = load_policy().durations
    assert durations.step("oat_advice") == Period(amount=5, unit="working_days")
    assert durations.step("something_new") == durations.default_step == Period(amount=10, unit="working_days")


def test_teams_by_name_and_policies_written_before_teams() -> None:
    policy = load_policy()
    assert policy.team("legal") == Team(mailbox="legal-team", manager="head-of-legal")
    assert policy.team("chaplaincy") == Team(mailbox="chaplaincy", manager="chaplaincy-manager")
    custom = policy_over_default({"teams": {"oat": {"mailbox": "oat-box", "manager": "oat-lead"}}})
    assert custom.team("oat") == Team(mailbox="oat-box", manager="oat-lead")
    trimmed = policy.model_copy(update={"teams": {}})
    assert trimmed.team("legal") == Team(mailbox="legal-team", manager="head-of-legal")
    old = policy_from_mapping(
        {
            "delegation": {"payment": [{"role": "director"}]},
            "oat_mailbox": "oat-old",
            "legal_mailbox": "legal-old",
        }
    )
    assert old.team("oat") == Team(mailbox="oat-old", manager="oat-manager")
    assert old.team("legal") == Team(mailbox="legal-old", manager="head-of-legal")
    assert old.team("shared_services").mailbox == "shared-services"


def test_merging_a_scenarios_policy_over_the_default() -> None:
    assert merged({"a": {"b": 1, "c": 2}, "d": 3}, {"a": {"b": 5}}) == {"a": {"b": 5, "c": 2}, "d": 3}
    assert merged({"a": 1}, {"a": {"b": 2}}) == {"a": {"b": 2}}
    assert merged({"a": {"b": 1}}, {"a": 2}) == {"a": 2}


def test_a_refused_policy_names_its_source_and_every_problem(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as refused:
        policy_over_default({"durations": {"grounds_min_notice": "soon"}}, "scenario policy")
    lines = str(refused.value).splitlines()
    assert lines[0] == "scenario policy is not a valid policy:"
    assert lines[1].startswith("  durations.grounds_min_notice: Value error, 'soon' is not a period")
    with pytest.raises(PolicyError, match=r"^policy is not a valid policy:\n  delegation: Field required$"):
        policy_from_mapping({})
    missing = tmp_path / "nope.yaml"
    with pytest.raises(PolicyError, match=rf"^policy file {missing} does not exist$"):
        load_policy(missing)
    broken = tmp_path / "broken.yaml"
    broken.write_text("durations: [1, 2\n")
    with pytest.raises(PolicyError, match=rf"^{broken} is not valid YAML: "):
        load_policy(broken)
    listed = tmp_path / "list.yaml"
    listed.write_text("- 1\n")
    with pytest.raises(PolicyError, match=rf"^{listed} must hold a mapping at the top level$"):
        load_policy(listed)
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("delegation: {payment: []}\n")
    with pytest.raises(PolicyError, match=rf"^{wrong} is not a valid policy:"):
        load_policy(wrong)
    copy = tmp_path / "copy.yaml"
    copy.write_text(
        DEFAULT_POLICY_FILE.read_text().replace("grounds_min_notice: 14d", "grounds_min_notice: 10d")
    )
    assert load_policy(copy).durations.grounds_min_notice == Period(amount=10, unit="days")
    assert load_policy(str(copy)).durations.grounds_min_notice == Period(amount=10, unit="days")
    assert load_policy().durations.grounds_min_notice == Period(amount=14, unit="days")


def test_adjustments_and_about_accept_plain_text() -> None:
    opened = ServiceComplaintOpened.model_validate(
        {
            "case": {"ref": "C", "owner": "cw", "manager": "om"},
            "about": "rude",
            "reasonable_adjustments": "large print",
        }
    )
    assert opened.about.text == "rude" and opened.about.staff == []
    assert [str(a) for a in opened.reasonable_adjustments] == ["large print"]
    assert opened.reasonable_adjustments[0].kind.value == "other"
    blank = ServiceComplaintOpened.model_validate(
        {"case": {"ref": "C", "owner": "cw", "manager": "om"}, "reasonable_adjustments": "  "}
    )
    assert blank.reasonable_adjustments == []
    nothing = ServiceComplaintOpened.model_validate(
        {"case": {"ref": "C", "owner": "cw", "manager": "om"}, "reasonable_adjustments": None}
    )
    assert nothing.reasonable_adjustments == []


def test_a_service_complaint_about_its_own_manager_is_refused_at_the_edge() -> None:
    with pytest.raises(
        ValueError,
        match=r"the case's manager om is named in about.staff: .* name another manager \(11, 13, 15\)",
    ):
        ServiceComplaintOpened.model_validate(
            {"case": {"ref": "C", "owner": "cw", "manager": "om"}, "about": {"staff": ["om"]}}
        )


def test_a_date_is_written_as_a_date_not_a_number() -> None:
    from domain.models import GroundsSubmitted

    assert GroundsSubmitted.model_validate({"received_on": "2026-03-02"}).received_on == date(2026, 3, 2)
    with pytest.raises(ValueError, match="Value error, write a date as YYYY-MM-DD \\["):
        GroundsSubmitted.model_validate({"received_on": 0})
    with pytest.raises(ValueError, match="Value error, write a date as YYYY-MM-DD \\["):
        GroundsSubmitted.model_validate({"received_on": 1.5})
    with pytest.raises(ValueError, match="Value error, 'soon' is not a date: write YYYY-MM-DD \\["):
        GroundsSubmitted.model_validate({"received_on": "soon"})


def test_documents_and_plain_text_are_what_the_schema_says() -> None:
    from domain.models import About, Evidence, GroundsSubmitted

    evidence = GroundsSubmitted.model_json_schema()["properties"]["evidence"]["anyOf"]
    assert evidence == [
        {"items": {"$ref": "#/$defs/Evidence"}, "maxItems": 50, "type": "array"},
        {"$ref": "#/$defs/Evidence"},
        {"type": "null"},
    ]
    schema = ServiceComplaintOpened.model_json_schema()
    properties = schema.get("properties") or schema["$defs"]["ServiceComplaintOpened"]["properties"]
    adjustments = properties["reasonable_adjustments"]["anyOf"]
    assert adjustments == [
        {"items": {"$ref": "#/$defs/Adjustment"}, "maxItems": 20, "type": "array"},
        {"$ref": "#/$defs/Adjustment"},
        {"type": "null"},
    ]
    about = About.model_json_schema()
    assert about["anyOf"][1] == {"type": "string"} and "staff" in about["anyOf"][0]["properties"]
    assert str(Evidence(name="scan.pdf")) == "scan.pdf (named, not received)"
    assert str(Evidence(name="scan.pdf", sha256="a" * 64, size=3, media_type="application/pdf")) == "scan.pdf"
    assert GroundsSubmitted.model_validate({"evidence": {"name": "one.pdf"}}).evidence == [
        Evidence(name="one.pdf")
    ]
