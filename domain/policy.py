"""Configuration the guidance leaves to the organisation: durations and the Delegation
Scheme. All durations are configuration, not constants (design.md, "Time")."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from domain.authority import DelegationScheme
from domain.calendar import Period, WorkingCalendar, bank_holidays_from_package
from domain.enums import Role

DEFAULT_POLICY_FILE = Path(__file__).with_name("default_policy.yaml")


class Durations(BaseModel):
    model_config = ConfigDict(extra="forbid")
    grounds_deadline: Period = Period(amount=1, unit="months")  # para 32
    # Paras 32, 34: however late the request goes out, the complainant has this long.
    grounds_min_notice: Period = Period(amount=14, unit="days")
    grounds_reminder_before: Period = Period(amount=7, unit="days")
    grounds_grace: Period = Period(amount=1, unit="months")
    raised_within: Period = Period(amount=1, unit="months")  # para 2
    jr_window: Period = Period(amount=3, unit="months")  # para 71
    ndi_comment_window: Period = Period(amount=21, unit="days")  # para 63
    escalate_after: Period = Period(amount=5, unit="working_days")
    # No open case goes longer than this without a letter to the complainant (issue 13).
    max_silence: Period = Period(amount=20, unit="working_days")
    # A paused clock must be resumed within this unless the pause names its own date.
    pause_limit: Period = Period(amount=20, unit="working_days")
    # Para 7: positive feedback is saved to the case "in a timely way" after it is received.
    feedback_saved_within: Period = Period(amount=2, unit="working_days")
    # Paras 33-36 (guidance v7): a case closed for want of grounds reopens on late grounds
    # for this long after it closed.
    late_grounds_window: Period = Period(amount=12, unit="months")
    # When each human step is due, counted from when it starts waiting.
    steps: dict[str, Period] = {}
    default_step: Period = Period(amount=10, unit="working_days")

    # Guidance v8 (design.md, "Time"): a task opened on a case is due this long after it
    # opens (by its name, else `default_task`) and is chased like a step until done.
    tasks: dict[str, Period] = {}
    default_task: Period = Period(amount=5, unit="working_days")
    # A date we give someone to reply by, in a letter that goes by post, gets this more.
    post_allowance: Period = Period(amount=2, unit="working_days")

    def step(self, action: str) -> Period:
        return self.steps.get(action, self.default_step)

    def task(self, name: str) -> Period:
        return self.tasks.get(name, self.default_task)


class Team(BaseModel):
    """A team that owes steps: where its work is sent and chased, and who is escalated to."""

    model_config = ConfigDict(extra="forbid")
    mailbox: str = Field(min_length=1)
    manager: str = Field(min_length=1)


DEFAULT_TEAMS: dict[str, Team] = {
    "oat": Team(mailbox="oat", manager="oat-manager"),
    "legal": Team(mailbox="legal-team", manager="head-of-legal"),
    "shared_services": Team(mailbox="shared-services", manager="shared-services-manager"),
    "joint_working_team": Team(mailbox="joint-working-team", manager="joint-working-team-manager"),
    # Para 19: learning for the wider organisation goes here as well as to the line manager.
    "organisational_learning": Team(mailbox="organisational-learning", manager="head-of-quality"),
}

# Policies written before `teams` named only mailboxes; cases that kept such a policy
# still read it.
_LEGACY_MAILBOX_KEYS = {
    "oat_mailbox": "oat",
    "legal_mailbox": "legal",
    "shared_services_mailbox": "shared_services",
    "organisational_learning_mailbox": "organisational_learning",
}


class Office(BaseModel):
    """How the public reaches us: every public letter's contact block (design.md)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(default="The Ombudsman's Review and Feedback Team", max_length=200)
    address: str = Field(default="Citygate, Mosley Street, Manchester M2 3HQ", max_length=500)
    email: str = Field(default="reviews@ombudsman.example", max_length=320)
    phone: str = Field(default="0345 015 4033", max_length=40)
    hours: str = Field(default="Monday to Friday, 8:30am to 5:30pm", max_length=200)


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    durations: Durations = Durations()
    delegation: DelegationScheme
    # Para 27: OAT decides. Off by default: an overdue advice is chased and escalated like
    # any step. A policy may opt in to going on with a route when OAT has not advised by
    # the due date on a case that is not high risk; OAT's later advice is still taken.
    oat_advice_if_no_reply: Literal["further_oversight", "as_usual", "within_oat"] | None = None
    staff_email_domain: str = "ombudsman.example"
    office: Office = Office()
    # Steps owed by a team are chased at its mailbox and escalated to its manager.
    teams: dict[str, Team] = Field(default_factory=lambda: dict(DEFAULT_TEAMS))
    # Who an overdue step is escalated to above the case's manager or a team's manager,
    # rung by rung (design.md, "Time").
    senior_managers: dict[Role, str] = Field(
        default={
            Role.ASSISTANT_DIRECTOR: "assistant-director",
            Role.DIRECTOR: "director-of-operations",
            Role.DEPUTY_OMBUDSMAN: "deputy-ombudsman",
            Role.OMBUDSMAN: "ombudsman",
        }
    )
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
    # Guidance v6: what arrives within this many minutes of an acknowledgement waits for
    # one letter with the rest (issue 23: 30 uploads sent 38 acknowledgements).
    acknowledgement_batch_minutes: int = Field(default=10, ge=0, le=24 * 60)
    # England and Wales bank holidays, filled in by the worker from the `holidays` package
    # and kept by each case with its policy, so a package upgrade never moves the dates of
    # a running case. None: a case opened before cases kept their own list.
    bank_holidays: list[date] | None = None
    # The guidance version a case opened now begins under (domain/guidance), filled in by
    # the worker with the newest it knows; a scenario may name an older one to ask "what
    # did a case begun then do?". Kept by each case with its policy, like its holidays.
    # None: a policy recorded before versions were data (the case's markers decide).
    guidance: int | None = Field(default=None, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _legacy_mailboxes(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not any(k in data for k in _LEGACY_MAILBOX_KEYS):
            return data
        data = dict(data)
        teams = {k: dict(v) for k, v in (data.get("teams") or {}).items()}
        for key, team in _LEGACY_MAILBOX_KEYS.items():
            if key in data:
                mailbox = data.pop(key)
                teams.setdefault(team, DEFAULT_TEAMS[team].model_dump()).update(mailbox=mailbox)
        data["teams"] = {**{k: v.model_dump() for k, v in DEFAULT_TEAMS.items()}, **teams}
        return data

    def team(self, name: str) -> Team:
        return (
            self.teams.get(name) or DEFAULT_TEAMS.get(name) or Team(mailbox=name, manager=f"{name}-manager")
        )

    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar(None if self.bank_holidays is None else frozenset(self.bank_holidays))

    def with_guidance(self, newest: int) -> Policy:
        """This policy naming the guidance version new cases begin under."""
        if self.guidance is not None:
            if self.guidance > newest:
                raise PolicyError(f"guidance version {self.guidance} is newer than this build's {newest}")
            return self
        return self.model_copy(update={"guidance": newest})

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
