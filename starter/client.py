"""The client library: open cases, send messages, read status, list cases.

Every refusal (bad data, wrong actor, wrong stage, unknown case) is raised as `Refusal`
with a sentence a person can act on; nothing the caller sends is half-applied.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from google.protobuf.empty_pb2 import Empty
from pydantic import BaseModel, ValidationError
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest, ListSearchAttributesRequest
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import SearchAttributeKey, WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.converter import PayloadCodec
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode, TLSConfig

from contract import CLOCK_OFFSET_MEMO
from contract import search_attributes as sa
from contract.messages import (
    CHILD_WORKFLOW_TYPES,
    KIND_OF_WORKFLOW_TYPE,
    MESSAGES,
    OPEN_INPUTS,
    REOPENING,
    messages_for,
    refuse_for_kind,
)
from contract.receipts import Offers, Receipt, SignalAck, WouldTake, WouldTakeAnswer
from domain.authority import Refused
from domain.calendar import london_date
from domain.dates import DateOutOfRange, check_dates
from domain.enums import Kind, Stage
from domain.models import Actor, CompleteTask, MarkPosted, Status
from starter.codec import codec_from_env, data_converter

if TYPE_CHECKING:
    from sqlalchemy import Engine  # the store is loaded only to complete a closed case's task


class Refusal(Exception):
    """A message or request the system refused, with the reason and its kind, which the
    HTTP API turns into a status (design.md, "Back-office HTTP API"):

    `invalid` 422 (data the rules do not accept), `not_allowed` 403 (role or relation),
    `not_now` 409 (wrong stage, not yet, not any more), `closed` 409, `not_taken` 409 (a
    message this kind does not take; `allowed` lists those it does), `not_found` 404,
    `exists` 409 (a case with that id is already open)."""

    def __init__(self, message: str, kind: str = "invalid", allowed: list[str] | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.allowed = allowed or []


# The refusal class a workflow's validator raised (domain.authority), by its type name.
KIND_OF_FAILURE = {"NotAllowed": "not_allowed", "NotNow": "not_now", "MessageNotApplied": "not_now"}


# How long an update may take to be answered before the caller is told to send it again.
UPDATE_ANSWER_WITHIN = timedelta(seconds=30)


def explain_validation(err: ValidationError, what: str) -> str:
    problems = []
    for problem in err.errors():
        where = ".".join(str(p) for p in problem["loc"]) or what
        problems.append(f"{where}: {problem['msg']}")
    return f"{what} refused: " + "; ".join(problems)


def parse_actor(text: str | dict[str, Any] | Actor) -> Actor:
    """`ID:ROLE` (CLI) or {id, role} (scenarios and back office)."""
    try:
        if isinstance(text, Actor):
            return text
        if isinstance(text, dict):
            return Actor.model_validate(text)
        ident, _, role = text.partition(":")
        return Actor.model_validate({"id": ident, "role": role})
    except ValidationError as err:
        raise Refusal(explain_validation(err, "actor (write ID:ROLE)")) from None


async def register_search_attributes(client: Client, namespace: str = "default") -> None:
    """Register the custom search attributes of design.md (idempotent)."""
    try:
        existing = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=namespace)
        )
        have = set(existing.custom_attributes)
    except RPCError as err:
        if err.status is not RPCStatusCode.UNIMPLEMENTED:  # the time-skipping test server
            raise
        have = set()
    missing = {
        key.name: IndexedValueType.ValueType(int(key.indexed_value_type))
        for key in sa.ALL
        if key.name not in have
    }
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )


def quiet_runtime() -> None:
    """The SDK core logs to stdout by default; keep stdout for our output (--json)."""
    from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter

    runtime = Runtime(
        telemetry=TelemetryConfig(
            logging=LoggingConfig(filter=TelemetryFilter(core_level="ERROR", other_level="ERROR"))
        )
    )
    Runtime.set_default(runtime, error_if_already_set=False)


async def connect(
    address: str = "localhost:7233",
    namespace: str = "default",
    codec: PayloadCodec | None | bool = True,
    *,
    tls: TLSConfig | bool = False,
    api_key: str | None = None,
    database_url: str | None = None,
) -> Client:
    """A client with the pydantic converter and the deployment's payload codec
    (`codec=True`: encryption when keys are configured, and the claim check into the case
    store at `database_url` or the one the environment names; False: none; or the codec to
    use). A real cluster may want mTLS (`tls`) or an API key (Temporal Cloud)."""
    chosen = codec_from_env(database_url) if codec is True else (codec or None)
    return await Client.connect(
        address, namespace=namespace, data_converter=data_converter(chosen), tls=tls, api_key=api_key
    )


def tls_from_files(cert: str | None, key: str | None, ca: str | None) -> TLSConfig | bool:
    """mTLS from PEM files: a client certificate and key, and the server's CA if private."""
    if not (cert or key or ca):
        return False
    if bool(cert) != bool(key):
        raise Refusal("give both --tls-cert and --tls-key (a client certificate needs its key)")
    return TLSConfig(client_cert=_pem(cert), client_private_key=_pem(key), server_root_ca_cert=_pem(ca))


def _pem(path: str | None) -> bytes | None:
    return Path(path).read_bytes() if path else None


def unreachable(err: RPCError) -> bool:
    """Temporal could not be reached: the caller may try again (a message under the same
    message id, a case under the same workflow id), and it is applied once. A connection
    cut mid-call (a server restarting) comes back as a bare "transport error"."""
    return err.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED) or (
        "transport error" in str(err)
    )


class ReviewsClient:
    def __init__(self, client: Client, task_queue: str = "reviews", *, store_url: str | None = None) -> None:
        """`store_url`: the case store, where a task left open on a closed case is marked
        done (guidance v8); without it such a `complete_task` is refused as closed."""
        self.client = client
        self.task_queue = task_queue
        self.opened: list[str] = []
        self._skips_time: bool | None = None
        self.store_url = store_url
        self._store: Engine | None = None

    async def server_now(self) -> datetime:
        """The Temporal server's time: a time-skipping test server's own clock (it runs
        ahead of the wall's), else the wall clock, which a real server keeps."""
        if self._skips_time is not False:
            try:
                answer = await self.client.test_service.get_current_time(Empty())
                self._skips_time = True
                return answer.time.ToDatetime().replace(tzinfo=UTC)
            except RPCError:
                self._skips_time = False
        return datetime.now(UTC)

    # ----------------------------------------------------------------- open

    async def open(
        self,
        kind: str,
        data: dict[str, Any],
        *,
        workflow_id: str | None = None,
        clock_offset: timedelta | None = None,
        id_reuse_policy: WorkflowIDReusePolicy = WorkflowIDReusePolicy.ALLOW_DUPLICATE,
    ) -> str:
        """Start a case of `kind` with its open input; returns the workflow id. A case
        already running under `workflow_id` (or, with REJECT_DUPLICATE, one that ever ran
        under it) is refused as `exists`, never started twice (Temporal decides)."""
        try:
            case_kind = Kind(kind)
            workflow_type, model = OPEN_INPUTS[case_kind]
        except (ValueError, KeyError):
            kinds = ", ".join(k.value for k in OPEN_INPUTS)
            raise Refusal(f"unknown kind {kind!r}: open one of {kinds}") from None
        try:
            opened = model.model_validate(data)
        except ValidationError as err:
            raise Refusal(explain_validation(err, f"open {kind}")) from None
        try:  # the case's today: the server's, moved by a simulated case's offset (domain/dates.py)
            check_dates(opened, london_date(await self.server_now() + (clock_offset or timedelta())))
        except DateOutOfRange as out:
            raise Refusal(f"open {kind}: {out}") from None
        ref = data.get("case", {}).get("ref", "case")
        wid = workflow_id or f"{case_kind.value.replace('_', '-')}-{ref}-{uuid.uuid4().hex[:8]}"
        memo = {CLOCK_OFFSET_MEMO: clock_offset.total_seconds()} if clock_offset else None
        try:
            await self.client.start_workflow(
                workflow_type,
                opened,
                id=wid,
                task_queue=self.task_queue,
                memo=memo,
                search_attributes=_initial_attributes(case_kind, opened),
                id_reuse_policy=id_reuse_policy,
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            )
        except WorkflowAlreadyStartedError:
            raise Refusal(f"a case with workflow id {wid} is already open", "exists") from None
        except RPCError as err:
            if err.status is RPCStatusCode.ALREADY_EXISTS:
                raise Refusal(f"a case with workflow id {wid} is already open", "exists") from None
            if unreachable(err):  # open it again under the same workflow id: it starts once
                raise Refusal(f"open {kind}: Temporal is not reachable: {err}", "unavailable") from None
            raise
        self.opened.append(wid)
        await self._until_past_intake(wid)
        return wid

    async def _until_past_intake(self, wid: str, attempts: int = 50) -> None:
        """Answer once the case waits for its first step, so a message sent straight after
        opening is not refused as early. Gives up quietly if no worker is running yet."""
        import asyncio

        handle = self.client.get_workflow_handle(wid)
        for _ in range(attempts):
            try:
                status = await asyncio.wait_for(handle.query("status", result_type=Status), 5)
            except (RPCError, TimeoutError):
                return
            if status.stage.value != "intake":
                return
            await asyncio.sleep(0.1)

    # ----------------------------------------------------------------- send

    async def send(
        self,
        case_id: str,
        message: str,
        actor: Actor | str | dict[str, Any] | None,
        data: dict[str, Any] | None = None,
        *,
        message_id: str | None = None,
    ) -> Receipt | SignalAck:
        """Send a message by its public name: an update answers with a receipt once it is
        applied, a signal with an acknowledgement once the case has it. An update sent
        again with the same `message_id` (after "Temporal is not reachable", say) is
        applied once and answered with the first receipt (Temporal's update id)."""
        spec = MESSAGES.get(message)
        if spec is None:
            raise Refusal(f"unknown message {message!r}; known: {', '.join(sorted(MESSAGES))}")
        payload = dict(data or {})
        if actor is not None:
            payload["actor"] = parse_actor(actor).model_dump(mode="json")
        try:
            msg = spec.model.model_validate(payload)
        except ValidationError as err:
            raise Refusal(explain_validation(err, message)) from None
        handle = self.client.get_workflow_handle(case_id)
        try:
            case_kind = await self._refuse_if_not_taken(handle, message)
        except Refusal as refusal:
            if refusal.kind == "closed" and isinstance(msg, CompleteTask | MarkPosted) and self.store_url:
                return self._after_closing(case_id, msg)
            raise
        try:
            if spec.kind == "signal":
                if case_kind is not None:  # a case (not a child): it says first whether it takes this
                    await self._refuse_if_it_would_not_take(handle, message, payload)
                await handle.signal(message, msg)
                return SignalAck(
                    workflow_id=case_id, message=message, received_at=datetime.now().astimezone()
                )
            receipt: Receipt = await handle.execute_update(
                message, msg, id=message_id, result_type=Receipt, rpc_timeout=UPDATE_ANSWER_WITHIN
            )
            return receipt
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise asyncio.CancelledError from None  # the caller's own cancellation
            # The server went away mid-answer (restarted, say): the caller sends it again
            # under the same message id, and the case applies it once.
            raise Refusal(
                f"{message} not answered within {UPDATE_ANSWER_WITHIN.seconds} s: send it again with the same message id",
                "unavailable",
            ) from None
        except WorkflowUpdateFailedError as err:
            text, kind = _cause(err)
            raise Refusal(f"{message} refused: {text}", kind) from None
        except RPCError as err:
            reason, kind = await self._rpc_reason(case_id, err)
            raise Refusal(f"{message} refused: {reason}", kind) from None

    def _engine(self) -> Any:
        from store.db import make_engine

        if self._store is None:
            self._store = make_engine(self.store_url or "")
        return self._store

    def _after_closing(self, case_id: str, msg: CompleteTask | MarkPosted) -> Receipt:
        """A task still open when its case closed is marked done in the store (store/tasks),
        and a letter posted after it closed is marked posted there (store/letters)."""
        from store.letters import mark_posted_after_closing
        from store.tasks import complete_after_closing

        name = "complete_task" if isinstance(msg, CompleteTask) else "mark_posted"
        try:
            if isinstance(msg, CompleteTask):
                action, outcome = complete_after_closing(self._engine(), case_id, msg)
            else:
                action, outcome = mark_posted_after_closing(self._engine(), case_id, msg)
        except Refused as refused:
            kind = KIND_OF_FAILURE.get(type(refused).__name__, "invalid")
            raise Refusal(f"{name} refused: {refused}", kind) from None
        return Receipt(
            workflow_id=case_id,
            message=name,
            stage=Stage.CLOSED,
            outcome=outcome,
            recorded=[action],
        )

    async def post_queue(self) -> list[dict[str, Any]]:
        """Letters waiting to be printed and posted (design.md, `GET /letters/to-post`)."""
        from store.letters import post_queue

        return await asyncio.to_thread(post_queue, self._engine()) if self.store_url else []

    async def act(
        self,
        case_id: str,
        message: str,
        actor: Actor | str | dict[str, Any] | None,
        data: dict[str, Any] | None = None,
    ) -> Status:
        """Send a message, then answer with the case's full status."""
        await self.send(case_id, message, actor, data)
        return await self.status(case_id)

    async def _refuse_if_it_would_not_take(
        self, handle: WorkflowHandle[Any, Any], message: str, payload: dict[str, Any]
    ) -> None:
        """A signal cannot be refused once sent (the case records a refused one and changes
        nothing), so the sender is told first: the case runs the check its handler will."""
        answer: WouldTakeAnswer = await handle.query(
            "would_take", WouldTake(message=message, data=payload), result_type=WouldTakeAnswer
        )
        if not answer.accepted:
            raise Refusal(f"{message} refused: {answer.reason}", answer.kind or "invalid")

    async def _refuse_if_not_taken(self, handle: WorkflowHandle[Any, Any], message: str) -> Kind | None:
        """A message the case's kind does not take is refused with the list of those it
        does (design.md, "Messages"); a closed case says so, with its outcome."""
        try:
            info = await self._describe(handle.id)
        except RPCError as err:
            reason, why = await self._rpc_reason(handle.id, err)
            raise Refusal(f"{message} refused: {reason}", why) from None
        workflow_type, running, outcome = info
        kind = KIND_OF_WORKFLOW_TYPE.get(workflow_type)
        if kind is None and workflow_type in CHILD_WORKFLOW_TYPES:
            # A child is reached through its case, which checks who sends what first
            # (design.md, "Messages"; "The trust boundary"): never addressed directly.
            parent = handle.id.rsplit("/", 1)[0]
            raise Refusal(
                f"{message} refused: {handle.id} is part of case {parent}; send it to the case, which passes it on",
                "not_taken",
            )
        if kind is not None and (refusal := refuse_for_kind(kind, message)):
            raise Refusal(f"{message} refused: {refusal}", "not_taken", [m.name for m in messages_for(kind)])
        # A case closed grounds_not_received runs on to take late grounds (33-36, guidance
        # v7): the case itself says whether it still may be reopened (would_take).
        reopening = message in REOPENING and outcome == "grounds_not_received"
        if not running or (outcome not in ("", "running") and not reopening):
            raise Refusal(f"{message} refused: the case is closed ({outcome})", "closed")
        return kind

    async def _describe(self, case_id: str) -> tuple[str, bool, str]:
        """The case's workflow type, whether it runs, and its outcome, read from the raw
        description: only the attributes needed, so one the server keeps unset (a Datetime
        emptied at closing) cannot make the check fail."""
        answer = await self.client.workflow_service.describe_workflow_execution(
            DescribeWorkflowExecutionRequest(
                namespace=self.client.namespace, execution=WorkflowExecution(workflow_id=case_id)
            )
        )
        info = answer.workflow_execution_info
        running = info.status == WorkflowExecutionStatus.RUNNING.value
        field = info.search_attributes.indexed_fields.get(sa.OUTCOME.name)
        outcome = json.loads(field.data) if field is not None and field.data else None
        status_name = WorkflowExecutionStatus(info.status).name.lower() if info.status else "closed"
        return info.type.name, running, str(outcome or status_name)

    # --------------------------------------------------------------- status

    async def status(self, case_id: str) -> Status:
        handle: WorkflowHandle[Any, Any] = self.client.get_workflow_handle(case_id)
        try:
            status: Status = await handle.query("status", result_type=Status)
        except RPCError as err:
            reason, kind = await self._rpc_reason(case_id, err)
            raise Refusal(reason, kind) from None
        await self._with_childrens_records(status)
        if self.store_url:
            await asyncio.to_thread(self._with_deliveries, status)
        return status

    async def _with_childrens_records(self, status: Status) -> None:
        """A case's letters and history include its children's (design.md; the new detailed
        investigation writes to both parties, 63). Letters come after its own, so an index
        into the case's own letters (`mark_posted`) keeps its meaning; the history is one
        story, in time order, each child's entry marked with the child's workflow id."""
        merged = False
        for child in status.links.children:
            try:
                theirs = await self.client.get_workflow_handle(child).query("status", result_type=Status)
            except RPCError:  # a child gone from the server's retention: its letters are in the store
                continue
            status.letters += [x.model_copy(update={"from_case": child}) for x in theirs.letters]
            status.history += [
                h.model_copy(update={"from_case": h.from_case or child}) for h in theirs.history
            ]
            merged = merged or bool(theirs.history)
        if merged:
            status.history.sort(key=lambda h: h.at)  # stable: the case's own first at the same moment

    def _with_deliveries(self, status: Status) -> None:
        """A letter the case wrote as `queued` is what the outbox has made of it since: the
        dispatcher delivers off the case's critical path (issue 25), and the store knows."""
        from store.letters import deliveries
        from store.models import ACTION_MAX, clipped

        known = {
            wid: deliveries(self._engine(), wid)
            for wid in {status.workflow_id, *(x.from_case for x in status.letters if x.from_case)}
        }
        for letter in status.letters:
            mine = known[letter.from_case or status.workflow_id]
            if letter.delivery == "queued" and letter.key in mine:
                letter.delivery, note = mine[letter.key]
                if letter.delivery in ("bounced", "failed"):
                    letter.undeliverable = letter.undeliverable or note
        if status.stage is Stage.CLOSED:  # a task done after closing is done in the store
            from store.tasks import done_after_closing

            done = done_after_closing(self._engine(), status.workflow_id)
            for task in status.tasks:
                if task.done_at is None and clipped(task.task, ACTION_MAX) in done:
                    task.done_at, task.done_by, task.done_note = done[clipped(task.task, ACTION_MAX)]

    async def would_take(
        self, case_id: str, message: str, actor: dict[str, Any] | Actor, data: dict[str, Any]
    ) -> WouldTakeAnswer:
        """Whether the case would take `message` from `actor` now (its own rule, run without
        sending anything)."""
        who = actor.model_dump(mode="json") if isinstance(actor, Actor) else actor
        handle: WorkflowHandle[Any, Any] = self.client.get_workflow_handle(case_id)
        try:
            answer: WouldTakeAnswer = await handle.query(
                "would_take",
                WouldTake(message=message, data={**data, "actor": who}),
                result_type=WouldTakeAnswer,
            )
        except RPCError as err:
            reason, kind = await self._rpc_reason(case_id, err)
            raise Refusal(reason, kind) from None
        return answer

    async def offers(self, case_id: str, actor: dict[str, Any] | Actor) -> list[str]:
        """The updates `actor` may send to the case now, by the updates' own validators
        (what the pages offer)."""
        who = actor.model_dump(mode="json") if isinstance(actor, Actor) else actor
        handle: WorkflowHandle[Any, Any] = self.client.get_workflow_handle(case_id)
        try:
            offered: list[str] = await handle.query("offers", Offers(actor=who), result_type=list[str])
        except RPCError as err:
            reason, kind = await self._rpc_reason(case_id, err)
            raise Refusal(reason, kind) from None
        return offered

    async def _rpc_reason(self, case_id: str, err: RPCError) -> tuple[str, str]:
        """Why the server refused, and the kind of refusal."""
        if err.status is RPCStatusCode.NOT_FOUND:
            try:
                described = await self.client.get_workflow_handle(case_id).describe()
            except RPCError:
                return f"no case with workflow id {case_id}", "not_found"
            outcome = described.typed_search_attributes.get(sa.OUTCOME) or "closed"
            return f"the case is closed ({outcome})", "closed"
        if unreachable(err):
            return f"Temporal is not reachable: {err}", "unavailable"
        return str(err), "invalid"

    async def list(
        self,
        *,
        stage: str | None = None,
        awaiting_role: str | None = None,
        kind: str | None = None,
        overdue: bool = False,
        now: datetime | None = None,
        limit: int = 200,
    ) -> list[dict[str, Any]]:
        """Cases through Temporal visibility, filtered as an operator would in the Web UI."""
        clauses = []
        if stage:
            clauses.append(f"ReviewStage = '{_quote(stage)}'")
        if awaiting_role:
            clauses.append(f"AwaitingRole = '{_quote(awaiting_role)}'")
        if kind:
            clauses.append(f"ReviewKind = '{_quote(kind)}'")
        else:
            clauses.append("ReviewKind IN ('decision_complaint', 'service_complaint', 'positive_feedback')")
        if overdue:
            moment = (now or datetime.now().astimezone()).isoformat()
            clauses.append(f"AwaitingDue < '{moment}' AND ExecutionStatus = 'Running'")
        query = " AND ".join(clauses)
        rows = []
        async for execution in self.client.list_workflows(query, limit=limit):
            attrs = execution.typed_search_attributes
            rows.append(
                {
                    "workflow_id": execution.id,
                    "kind": attrs.get(sa.REVIEW_KIND),
                    "case_ref": attrs.get(sa.CASE_REF),
                    "stage": attrs.get(sa.REVIEW_STAGE),
                    "awaiting_role": attrs.get(sa.AWAITING_ROLE) or None,
                    "due": _iso(attrs.get(sa.AWAITING_DUE)),
                    "grounds_deadline": _iso(attrs.get(sa.GROUNDS_DEADLINE)),
                    "risk": attrs.get(sa.RISK_LEVEL),
                    "owner": attrs.get(sa.CASE_OWNER),
                    "outcome": attrs.get(sa.OUTCOME),
                    "running": execution.status == WorkflowExecutionStatus.RUNNING,
                }
            )
        return rows


def _initial_attributes(kind: Kind, opened: BaseModel) -> Any:
    from temporalio.common import TypedSearchAttributes

    case = getattr(opened, "case", None)
    from temporalio.common import SearchAttributePair

    pairs: list[Any] = [
        SearchAttributePair(sa.REVIEW_KIND, kind.value),
        SearchAttributePair(sa.REVIEW_STAGE, "intake"),
    ]
    if case is not None:
        pairs.append(SearchAttributePair(sa.CASE_REF, case.ref))
        pairs.append(SearchAttributePair(sa.CASE_OWNER, case.owner))
    return TypedSearchAttributes(pairs)


def _cause(err: WorkflowUpdateFailedError) -> tuple[str, str]:
    """The refusal's text and kind, from the error the workflow's validator raised."""
    cause = err.cause
    while cause is not None:
        if isinstance(cause, ApplicationError) and cause.message:
            return cause.message, KIND_OF_FAILURE.get(cause.type or "", "invalid")
        inner = getattr(cause, "cause", None)
        if inner is None:
            return str(cause), "invalid"
        cause = inner
    return str(err), "invalid"


def _quote(value: str) -> str:
    """A value for a visibility query: only the characters of the contract's names, so
    nothing a caller types can change the query (issue 23)."""
    if not re.fullmatch(r"[A-Za-z0-9_.,:@/+-]{1,200}", value):
        raise Refusal(f"{value!r} is not a name this system uses", "invalid")
    return value


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


__all__ = ["ReviewsClient", "Refusal", "connect", "register_search_attributes", "SearchAttributeKey"]
