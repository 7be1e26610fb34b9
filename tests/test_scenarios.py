"""Every path of design.md, driven through the real workflows with time skipping, via the
public `reviews simulate` contract. Each scenario file names its paragraphs."""

from pathlib import Path

import pytest
import yaml

from starter.simulate import simulate

SCENARIOS = sorted(Path(__file__).parent.parent.joinpath("scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
async def test_scenario(path: Path, tmp_path: Path) -> None:
    # Its own test server, as `reviews simulate` has: time skipping is global to a server.
    scenario = yaml.safe_load(path.read_text())
    result = await simulate(scenario, data_dir=tmp_path)
    status = result["status"]
    assert status["stage"] == scenario["expect"]["stage"]
    assert status["outcome"] == scenario["expect"].get("outcome")
    assert result["expect_met"], {k: status[k] for k in ("stage", "outcome", "letters", "approvals")}
    assert [r["step"] for r in result["rejected"]] == scenario.get("expect_rejected", []), result["rejected"]
    # Every refused step says why it is refused, and is refused for that reason.
    because = scenario.get("expect_refusals") or {}
    assert sorted(because) == sorted(scenario.get("expect_rejected", [])), (
        f"{path.name}: give expect_refusals"
    )
    for refused in result["rejected"]:
        assert because[refused["step"]].casefold() in refused["error"].casefold(), refused


def test_a_refusal_for_another_reason_does_not_meet_the_scenario() -> None:
    from starter.simulate import rejected_as_expected

    rejected = [{"step": 1, "error": "approve refused: om-bob may not approve: payment of £5,000.00"}]
    assert rejected_as_expected([1], rejected, {1: "may not approve"})
    assert not rejected_as_expected([1], rejected, {1: "proposed this and may not approve it"})
    assert not rejected_as_expected([1], rejected, {2: "may not approve"})
    assert not rejected_as_expected([2], rejected, None)


def test_there_is_a_scenario_for_every_outcome_of_every_kind() -> None:
    covered = {yaml.safe_load(p.read_text())["expect"].get("outcome") for p in SCENARIOS}
    wanted = {
        "not_eligible_low_level_injustice",
        "referred_to_joint_working_team",
        "declined_unacceptable_behaviour",
        "resolved_by_case_owner",
        "no_review_high_risk",
        "grounds_not_received",
        "declined_out_of_time",
        "not_actionable",
        "resolved_with_further_clarity",
        "review_criteria_not_met",
        "reclassified_service_complaint",
        "not_upheld",
        "upheld_remedy",
        "upheld_new_primary_investigation",
        "upheld_new_detailed_investigation",
        "upheld_report_quashed",
        "declined_pending_judicial_review",
        "feedback_reviewed",
        "resolved_by_manager",
        "service_complaint_upheld",
        "service_complaint_not_upheld",
        "closed_unresolved",
        "reclassified_decision_complaint",
    }
    assert wanted <= covered, wanted - covered
