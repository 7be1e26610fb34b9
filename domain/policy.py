"""Configuration the guidance leaves to the organisation: durations and the Delegation
Scheme. All durations are configuration, not constants (design.md, "Time")."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from domain.authority import DelegationScheme
from domain.calendar import Period, WorkingCalendar, bank_holidays_from_package
from domain.enums import Role

DEFAULT_POLICY_FILE = Path(__file__).with_name("default_policy.yaml")


class Durations(BaseModel):
    model_config = ConfigDict(extra="forbid")
    grounds_deadline: Period = Period(amount=1, unit="months")  # para 32
    grounds_reminder_before: Period = Period(amount=7, unit="days")
    grounds_grace: Period = Period(amount=1, unit="months")
    raised_within: Period = Period(amount=1, unit="months")  # para 2
    jr_window: Period = Period(amount=3, unit="months")  # para 71
    ndi_comment_window: Period = Period(amount=21, unit="days")  # para 63
    escalate_after: Period = Period(amount=5, unit="working_days")
    # A paused clock must be resumed within this unless the pause names its own date.
    pause_limit: Period = Period(amount=20, unit="working_days")
    # Para 7: positive feedback is saved to the case "in a timely way" after it is received.
    feedback_saved_within: Period = Period(amount=2, unit="working_days")
    # When each human step is due, counted from when it starts waiting.
    steps: dict[str, Period] = {}
    default_step: Period = Period(amount=10, unit="working_days")

    def step(self, action: str) -> Period:
        return self.steps.get(action, self.default_step)


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    durations: Durations = Durations()
    delegation: DelegationScheme
    # Para 27: when OAT has not advised by the due date on a case that is not high risk,
    # go on with this route (None: keep waiting, with reminders and escalation).
    oat_advice_if_no_reply: Literal["further_oversight", "as_usual", "within_oat"] | None = (
        "further_oversight"
    )
    staff_email_domain: str = "ombudsman.example"
    oat_mailbox: str = "oat"
    legal_mailbox: str = "legal-team"
    shared_services_mailbox: str = "shared-services"
    # Para 19: learning for the wider organisation goes here as well as to the line manager.
    organisational_learning_mailbox: str = "organisational-learning"
    # Paras 11, 15: the management chain a service complaint may be escalated up.
    service_complaint_chain: list[Role] = Field(
        default=[Role.OPERATIONS_MANAGER, Role.ASSISTANT_DIRECTOR, Role.DIRECTOR]
    )
    copies_for_positive_feedback: list[str] = Field(
        default=["director-of-operations", "director-of-legal-and-clinical", "chief-executive"]
    )
    # Continue-as-new once a case's history has this many events (the server may suggest
    # it sooner); a long-lived case stays small (design.md, "Rules of the house").
    history_limit: int = Field(default=10_000, ge=40)
    # England and Wales bank holidays, filled in by the worker from the `holidays` package
    # and kept by each case with its policy, so a package upgrade never moves the dates of
    # a running case. None: a case opened before cases kept their own list.
    bank_holidays: list[date] | None = None

    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar(None if self.bank_holidays is None else frozenset(self.bank_holidays))

    def with_bank_holidays(self, today: date) -> Policy:
        """This policy with the bank holidays of the years a case opened today may span."""
        if self.bank_holidays is not None:
            return self
        years = range(today.year - 2, today.year + 13)
        return self.model_copy(update={"bank_holidays": bank_holidays_from_package(years)})


class PolicyError(ValueError):
    pass


def policy_from_mapping(data: dict[str, Any], source: str = "policy") -> Policy:
    try:
        return Policy.model_validate(data)
    except ValidationError as err:
        lines = [f"{source} is not a valid policy:"]
        for problem in err.errors():
            where = ".".join(str(p) for p in problem["loc"])
            lines.append(f"  {where}: {problem['msg']}")
        raise PolicyError("\n".join(lines)) from None


def merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` over `base`, mapping by mapping: keys left out keep their defaults."""
    out = dict(base)
    for key, value in override.items():
        out[key] = (
            merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
        )
    return out


def policy_over_default(override: dict[str, Any], source: str = "policy") -> Policy:
    """A policy given as changes to the shipped default (a scenario's `policy:`)."""
    default = yaml.safe_load(DEFAULT_POLICY_FILE.read_text()) or {}
    return policy_from_mapping(merged(default, override), source)


def load_policy(path: str | Path | None = None) -> Policy:
    """Read the policy YAML (default: the one shipped beside this module)."""
    file = Path(path) if path else DEFAULT_POLICY_FILE
    try:
        data = yaml.safe_load(file.read_text()) or {}
    except FileNotFoundError:
        raise PolicyError(f"policy file {file} does not exist") from None
    except yaml.YAMLError as err:
        raise PolicyError(f"{file} is not valid YAML: {err}") from None
    if not isinstance(data, dict):
        raise PolicyError(f"{file} must hold a mapping at the top level")
    return policy_from_mapping(data, str(file))
