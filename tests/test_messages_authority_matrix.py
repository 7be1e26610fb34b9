"""Who may send what (design.md, "Actors and authority"; paras 22, 27, 30-33, 63-64,
72-73): the authority matrix, generated from the contract's message table. Every message,
signals too, x every role and every relation to the case (owners of every grade, roles
the Delegation Scheme names, each related id again in a party's role), at the moment each
scenario sends it: accepted exactly where the table's `who` says, and (updates) offered
on the pages exactly where the validator accepts.

Each scenario runs on the time-skipping server. Before each step, every identity asks the
case `would_take` (an update's own validator, or the check a signal's handler makes,
changing nothing); the answer must be a refusal for authority (not_allowed) exactly where
`who` says no. One identity the table refuses also sends the message for real, which must
be refused the same way, so the query and the real path cannot drift apart."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.auth import mint
from api.settings import ApiSettings
from contract.messages import MESSAGES, Standing
from contract.receipts import WouldTake, WouldTakeAnswer
from domain.enums import Role
from domain.models import Actor, Status
from domain.policy import policy_over_default
from starter.client import Refusal, ReviewsClient
from starter.simulate import load_scenario, simulate
from store.db import migrate
from tests.conftest import settings_in

SECRET = "matrix-secret-" + "x" * 32

SCENARIOS = sorted(Path(__file__).parents[1].joinpath("scenarios").glob("*.yaml"))


def sent_in(path: Path) -> set[tuple[str, str, str]]:
    """What a scenario sends: each message with its sender's role, and the kind of case."""
    scenario = load_scenario(path)
    kind = str(scenario["open"].get("kind", ""))
    out = set()
    for step in scenario.get("steps") or []:
        sender = step.get("as")
        role = sender.get("role", "") if isinstance(sender, dict) else str(sender or "").partition(":")[2]
        out.add((kind, str(step.get("send", "")), role))
    return out


def covering(paths: list[Path]) -> list[Path]:
    """The fewest scenarios that between them send every message each sender sends in any
    scenario, for every kind of case (greedy set cover): the matrix checks each of these
    messages for every identity at the stage it is sent; the rest repeat the same checks
    at other stages, and the whole set would take longer than the suite's budget."""
    wanted = {path: sent_in(path) for path in paths}
    left, chosen = set().union(*wanted.values()), []
    while left:
        best = max(paths, key=lambda p: (len(wanted[p] & left), -paths.index(p)))
        chosen.append(best)
        left -= wanted[best]
    return sorted(chosen)


ROLES = frozenset(role.value for role in Role)
STRANGERS = [{"id": f"x-{role.value}", "role": role.value} for role in Role]


def relations_of(actor: dict[str, str], status: Status, data: dict[str, Any] | None = None) -> frozenset[str]:
    """How this person stands to the case now, in the table's words (`data`: the
    message's, for the relations it names, as the task complete_task names)."""
    role, out = Role(actor["role"]), set()
    named = str((data or {}).get("task", ""))
    for n, task in enumerate(status.tasks):
        if task.done_at is None and named in (task.task, str(n)) and actor["id"] == task.assignee:
            out.add("task_assignee")
    if actor["id"] == status.owner:
        out.add("owner")
    if actor["id"] == status.manager:
        out.add("manager")
    step = status.awaiting
    if step is not None and (
        actor["id"] == step.actor_id or (step.actor_id is None and actor["role"] == step.actor_role)
    ):
        out.add("awaited")
    if status.proposal is not None and actor["id"] == status.proposal.proposed_by:
        out.add("proposer")
    if status.oat_route == "within_oat" and role is Role.OAT_CASEWORKER:
        out.add("oat_within_oat")
    if actor["id"] in status.about_staff:
        out.add("about")
    if actor["id"] == status.ndi_case_owner:
        out.add("new_case_owner")
    return frozenset(out)


def another_task(name: str, person: dict[str, str], status: Status) -> bool:
    """complete_task is offered to whoever may complete some open task; the data names one
    task, which may be someone else's (the form lets them choose theirs)."""
    from domain.permissions import may_complete

    actor = Actor(id=person["id"], role=Role(person["role"]))
    manager = status.manager or ""
    return name == "complete_task" and any(
        t.done_at is None and may_complete(actor, t.assignee, manager) for t in status.tasks
    )


def scheme_role(status: Status) -> Role | None:
    step = status.awaiting
    if step is None or step.actor_role not in ROLES:
        return None
    return Role(step.actor_role)


NEEDS_AN_EARLIER_CASE = {"exceptional_review"}


def identities(status: Status, sender: dict[str, str]) -> list[dict[str, str]]:
    """A stranger in every role, and each person with a relation to the case."""
    people = [*STRANGERS, sender]
    if status.owner:
        people.append({"id": status.owner, "role": (status.owner_role or Role.CASEWORKER).value})
    if status.manager:
        people.append({"id": status.manager, "role": "operations_manager"})
    if status.awaiting is not None and status.awaiting.actor_id and status.awaiting.actor_role in ROLES:
        people.append({"id": status.awaiting.actor_id, "role": status.awaiting.actor_role})
    if status.proposal is not None:
        people.append({"id": status.proposal.proposed_by, "role": status.proposal.proposer_role.value})
    people += [{"id": who, "role": "caseworker"} for who in status.about_staff]
    if status.ndi_case_owner:
        people.append({"id": status.ndi_case_owner, "role": "caseworker"})
    people += [{"id": task.assignee, "role": task.role} for task in status.tasks if task.role in ROLES]
    # Each person with a relation, once more with the role of a party or a back office:
    # the same id is not the same person (design.md, "The trust boundary").
    people += [
        {"id": p["id"], "role": role}
        for p in list(people)
        if not p["id"].startswith("x-")
        for role in ("service_user", "organisation", "back_office")
    ]
    return list({(p["id"], p["role"]): p for p in people}.values())


class Matrix:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.http: httpx.AsyncClient | None = None
        self.http_for: ReviewsClient | None = None
        self.api_checked = 0
        self.checked: Counter[str] = Counter()
        self.offers_checked = 0
        self.wrong: list[str] = []
        self.extension_roles: frozenset[Role] = frozenset()

    def standing(
        self, person: dict[str, str], status: Status, data: dict[str, Any] | None = None
    ) -> Standing:
        return Standing(
            role=Role(person["role"]),
            relations=relations_of(person, status, data),
            scheme_role=scheme_role(status),
            owner_role=status.owner_role or Role.CASEWORKER,
            extension_roles=self.extension_roles,
            step_overdue=status.step_overdue,
        )

    async def before(self, client: ReviewsClient, wid: str, step: dict[str, Any]) -> None:
        name = str(step.get("send", ""))
        spec = MESSAGES.get(name)
        if spec is None or not isinstance(step.get("as"), (str, dict)):
            return
        sender = _actor(step["as"])
        data = dict(step.get("with") or {})
        if spec.kind == "signal":
            # Whose it is and when it came are the sender's data, not who they are: each
            # identity is asked as if sending it for itself.
            data = {k: v for k, v in data.items() if k not in ("party", "received_on", "taken")}
        status = await client.status(wid)
        ask = await self._ask(client, wid, name, data, sender)
        if not ask.accepted:
            return  # a step the scenario expects refused: nothing to compare against
        refused_one: dict[str, str] | None = None
        for person in identities(status, sender):
            allowed = spec.who.allows(self.standing(person, status, data))
            answer = await self._ask(client, wid, name, data, person)
            self.checked[name] += 1
            if spec.kind == "update":  # the pages offer exactly what the validator takes now
                offered = name in await client.offers(wid, person)
                self.offers_checked += 1
                if answer.accepted and not offered:
                    self.wrong.append(f"{name} at {status.stage.value}: {person} accepted but not offered")
                if (
                    answer.kind in ("not_allowed", "not_now")
                    and offered
                    and not another_task(name, person, status)
                ):
                    self.wrong.append(f"{name} at {status.stage.value}: {person} offered but {answer}")
            if allowed and answer.kind == "not_allowed":
                self.wrong.append(
                    f"{name} at {status.stage.value}: {person} refused, table allows: {answer.reason}"
                )
            if not allowed and answer.kind != "not_allowed":
                self.wrong.append(f"{name} at {status.stage.value}: {person} {answer}, table refuses")
            if not allowed and refused_one is None:
                refused_one = person
        if refused_one is not None:  # the real path (an update's validator, a signal's check) says the same
            with pytest.raises(Refusal) as refusal:
                await client.send(wid, name, refused_one, data)
            assert refusal.value.kind == "not_allowed", (name, refused_one, str(refusal.value))
            if refused_one["role"] != Role.SYSTEM.value:  # ...and so does the HTTP API (no token is "system")
                await self._refused_by_the_api(client, wid, name, data, refused_one, str(refusal.value))

    async def _refused_by_the_api(
        self, client: ReviewsClient, wid: str, name: str, data: dict[str, Any], who: dict[str, str], why: str
    ) -> None:
        if self.http is None or self.http_for is not client:
            settings = ApiSettings(
                store=settings_in(self.folder), secret=SECRET, task_queue=client.task_queue
            )
            app = create_app(settings, client=client.client, codec_server=False)
            self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api")
            self.http_for = client
        actor = Actor(id=who["id"], role=Role(who["role"]))
        bound = wid if actor.role in (Role.SERVICE_USER, Role.ORGANISATION) else None
        token = {"Authorization": "Bearer " + mint(SECRET, actor, case=bound)}
        body = json.dumps(data, default=str)  # a scenario's dates are YAML dates
        answer = await self.http.post(
            f"/cases/{wid}/messages/{name}",
            content=body,
            headers=token | {"Content-Type": "application/json"},
        )
        self.api_checked += 1
        if answer.status_code != 403 or answer.json()["detail"] not in why:
            self.wrong.append(
                f"{name}: the API answered {who} {answer.status_code} {answer.text}; the client: {why}"
            )

    async def _ask(
        self, client: ReviewsClient, wid: str, name: str, data: dict[str, Any], actor: dict[str, str]
    ) -> WouldTakeAnswer:
        handle = client.client.get_workflow_handle(wid)
        ask = WouldTake(message=name, data={**data, "actor": actor})
        answer: WouldTakeAnswer = await handle.query("would_take", ask, result_type=WouldTakeAnswer)
        return answer


def _actor(given: str | dict[str, str]) -> dict[str, str]:
    if isinstance(given, dict):
        return {"id": given["id"], "role": given["role"]}
    person, _, role = given.partition(":")
    return {"id": person, "role": role}


async def test_every_update_is_accepted_exactly_where_the_table_says(tmp_path: Path) -> None:
    matrix = Matrix(tmp_path / "api")
    (tmp_path / "api").mkdir()
    migrate(settings_in(tmp_path / "api").database_url)
    chosen = covering(SCENARIOS)
    assert len(chosen) < len(SCENARIOS) and sent_in(SCENARIOS[0]) <= set().union(*map(sent_in, chosen))
    for path in chosen:  # each on its own server, as `reviews simulate` runs them
        scenario = load_scenario(path)
        policy = policy_over_default(scenario.get("policy") or {})
        matrix.extension_roles = frozenset(policy.delegation.extend_grounds_deadline_roles)
        await simulate(scenario, data_dir=tmp_path / path.stem, before_step=matrix.before)
    assert matrix.wrong == [], "\n".join(matrix.wrong)
    updates_checked = sum(n for name, n in matrix.checked.items() if MESSAGES[name].kind == "update")
    assert matrix.offers_checked >= updates_checked > 0
    assert matrix.api_checked >= len(MESSAGES)
    every = set(MESSAGES)
    unchecked = every - set(matrix.checked)
    # Every message in the table, signals too, is sent by some scenario and checked for
    # every identity — but one: `exceptional_review` needs an earlier case about the same
    # decision, which a scenario (one case) cannot hold; tests/test_open_doors.py checks it
    # for every identity the same way.
    assert unchecked <= NEEDS_AN_EARLIER_CASE, (
        f"no scenario sends {sorted(unchecked - NEEDS_AN_EARLIER_CASE)}: add one"
    )
