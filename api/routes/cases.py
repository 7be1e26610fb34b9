"""Cases: open (idempotently), list, status, messages (design.md, "Back-office HTTP API")."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model
from pydantic.fields import FieldInfo
from pydantic.json_schema import SkipJsonSchema
from temporalio.common import WorkflowIDReusePolicy

from api.auth import Identity
from api.dates import check_dates, today
from api.deps import (
    Caller,
    Directory,
    Documents,
    Reviews,
    Store,
    require_case,
    require_staff,
    require_visible,
)
from api.evidence import EvidenceStore
from api.problems import COMMON, Problem, documented, no_duplicate_keys, require_unicode
from api.visibility import CaseFacts, facts_in_store, may_see, sees_every_case
from contract.messages import MESSAGES, MessageSpec
from contract.receipts import Receipt, SignalAck
from contract.words import field_words, message_words
from domain.authority import is_staff
from domain.enums import Kind, Role, Stage
from domain.models import ID_PATTERN, ComplaintOpened, PositiveFeedbackOpened, ServiceComplaintOpened
from domain.staff import Staff
from starter.client import Refusal

STAGES = frozenset(s.value for s in Stage)
ROLES = frozenset(r.value for r in Role) | {"service_user,organisation", "shared_services"}
router = APIRouter(tags=["cases"], responses=documented(*COMMON, 403, 404, 409))


class OpenDecisionComplaint(ComplaintOpened):
    """A complaint about a decision (design.md, "Messages", intake)."""

    kind: Literal["decision_complaint"]
    reclassified_from: SkipJsonSchema[None] = None


class OpenServiceComplaint(ServiceComplaintOpened):
    """A complaint about our service (10-19)."""

    kind: Literal["service_complaint"]
    reclassified_from: SkipJsonSchema[None] = None


class OpenPositiveFeedback(PositiveFeedbackOpened):
    """Positive feedback (7-9)."""

    kind: Literal["positive_feedback"]


OpenCase = Annotated[
    OpenDecisionComplaint | OpenServiceComplaint | OpenPositiveFeedback, Field(discriminator="kind")
]
# Read again strictly from the JSON: what the schema says, no lax coercions (0 is not
# false, a number is not a string).
STRICT_OPEN = TypeAdapter(OpenCase)


class Opened(BaseModel):
    workflow_id: str
    kind: Kind
    case_ref: str
    created: bool


class CaseList(BaseModel):
    items: list[dict[str, Any]]
    next_page_token: str | None = None


class SignalAccepted(BaseModel):
    workflow_id: str
    message: str
    received_at: datetime


def check_named_staff(caller: Identity, named: dict[str, str], directory: Staff) -> None:
    """design.md, "The trust boundary": a case's owner and manager are members of staff
    (in the staff directory, when one holds anyone) and never whoever opens the case."""
    for relation, person in named.items():
        doing = "own" if relation == "owner" else "manage"
        if person == caller.actor.id:
            raise Problem(
                422,
                f"case.{relation}: {person} is who is opening the case; name the member of staff who will {doing} it",
                errors=[{"field": f"case.{relation}", "message": "never the caller"}],
            )
        found = directory.get(person)
        if directory.people and (found is None or not is_staff(found.role)):
            raise Problem(
                422,
                f"case.{relation}: {person} is not a member of staff in the staff directory; name who will {doing} it",
                errors=[{"field": f"case.{relation}", "message": "not in the staff directory"}],
            )


def workflow_id_for(kind: Kind, ref: str, key: str | None) -> str:
    """Derived from kind, ref and the idempotency key, never random: a retry finds the
    same case. Without a key, the same ref and kind name the same case while it is open."""
    base = f"{kind.value.replace('_', '-')}-{ref}"
    return base if key is None else f"{base}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


async def unique_keys(request: Request) -> None:
    """Before the body is validated: a key given twice is a 400, whichever value counts."""
    no_duplicate_keys(await request.body())


UNIQUE_KEYS = [Depends(unique_keys)]


@router.post(
    "/cases",
    status_code=201,
    response_model=Opened,
    responses={200: {"model": Opened}},
    dependencies=UNIQUE_KEYS,
)
async def open_case(
    caller: Caller,
    reviews: Reviews,
    directory: Directory,
    request: Request,
    response: Response,
    body: OpenCase = Body(...),  # noqa: B008 - `kind` and that kind's open input
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key", max_length=200),
) -> Opened:
    require_staff(caller, "open a case")
    raw = await request.body()
    try:
        require_unicode(json.loads(raw))
    except ValueError:
        raise Problem(400, "the body is not valid JSON") from None
    try:
        body = STRICT_OPEN.validate_json(raw, strict=True)
    except ValidationError as err:
        raise RequestValidationError(err.errors(include_url=False)) from None
    kind = Kind(body.kind)
    check_dates(body, await today(request))
    check_named_staff(caller, {"owner": body.case.owner, "manager": body.case.manager}, directory)
    data = body.model_dump(mode="json", exclude={"kind", "reclassified_from"}, exclude_unset=True)
    ref = body.case.ref
    wid = workflow_id_for(kind, ref, idempotency_key)
    reuse = (
        WorkflowIDReusePolicy.REJECT_DUPLICATE if idempotency_key else WorkflowIDReusePolicy.ALLOW_DUPLICATE
    )
    try:
        await reviews.open(kind.value, data, workflow_id=wid, id_reuse_policy=reuse)
        created = True
    except Refusal as refusal:
        if refusal.kind != "exists":
            raise
        created = False  # a retry: the case this key (or ref) already names
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/cases/{wid}"
    return Opened(workflow_id=wid, kind=kind, case_ref=ref, created=created)


@router.get("/cases", response_model=CaseList)
async def list_cases(
    caller: Caller,
    reviews: Reviews,
    store: Store,
    directory: Directory,
    stage: str | None = None,
    awaiting_role: str | None = None,
    overdue: bool = False,
    kind: Kind | None = None,
    owner: str | None = None,
    page_size: int = Query(default=50, ge=1, le=500),
    page_token: str | None = None,
) -> CaseList:
    require_staff(caller, "list cases")
    # Only the names the contract knows reach the visibility query (issue 23: a backslash
    # in `stage` broke Temporal's query parser).
    for param, value, known in (("stage", stage, STAGES), ("awaiting_role", awaiting_role, ROLES)):
        if value is not None and value not in known:
            raise Problem(422, f"{param}: {value!r} is not one of {', '.join(sorted(known))}",
                          errors=[{"field": param, "message": "not a known value"}])  # fmt: skip
    if owner is not None and not re.fullmatch(ID_PATTERN, owner):
        raise Problem(422, "owner: not a staff id", errors=[{"field": "owner", "message": "not a staff id"}])
    try:
        start = int(base64.urlsafe_b64decode(page_token.encode()).decode()) if page_token else 0
    except ValueError:
        raise Problem(400, "page_token is not one this API gave") from None
    everything = sees_every_case(caller)
    rows = await reviews.list(
        stage=stage, awaiting_role=awaiting_role, kind=kind.value if kind else None, overdue=overdue,
        limit=start + page_size + 1 if everything else 5000,
    )  # fmt: skip
    if not everything:  # the visibility rule, on the store's record of each case
        seen = {f.workflow_id for f in facts_in_store(store, [r["workflow_id"] for r in rows])
                if may_see(caller, f, directory)}  # fmt: skip
        rows = [r for r in rows if r["workflow_id"] in seen]
    if owner:
        rows = [r for r in rows if r.get("owner") == owner]
    page = rows[start : start + page_size]
    more = len(rows) > start + page_size
    token = base64.urlsafe_b64encode(str(start + page_size).encode()).decode() if more else None
    return CaseList(items=page, next_page_token=token)


@router.get("/cases/{workflow_id:case}")
async def case_status(
    workflow_id: str, caller: Caller, reviews: Reviews, directory: Directory
) -> JSONResponse:
    """The staff view, for whoever the visibility rule lets see the case (api/visibility).
    A party's token never gets it (design.md, "The trust boundary": staff notes, analyses,
    the other party's documents): its own view is `/me/case`."""
    require_case(caller, workflow_id)
    if caller.bound:
        raise Problem(404, f"no case {workflow_id} for this token: a party's own view is /me/case")
    status = await reviews.status(workflow_id)
    require_visible(caller, CaseFacts.of_status(workflow_id, status), directory)
    return JSONResponse(status.model_dump(mode="json"))


async def _send(
    workflow_id: str,
    name: str,
    caller: Any,
    reviews: Any,
    body: dict[str, Any],
    idempotency_key: str | None,
    on: date,
    documents: EvidenceStore,
) -> Any:
    require_case(caller, workflow_id)
    require_unicode(body)
    if name not in MESSAGES:
        raise Problem(404, f"unknown message {name!r}", allowed=sorted(MESSAGES))
    if body.get("actor") is not None:
        raise Problem(
            422,
            "actor comes from the token, never the body",
            errors=[{"field": "actor", "message": "not allowed"}],
        )
    body.pop("actor", None)
    try:  # dates against today: only the edge knows it (api/dates.py)
        check_dates(MESSAGES[name].model.model_validate({**body, "actor": caller.actor.model_dump()}), on)
    except ValidationError:
        pass  # the client names what is wrong
    if names_stored_documents(body):  # who may send it is answered before what it names (403, then 422)
        answer = await reviews.would_take(workflow_id, name, caller.actor, body)
        if answer.kind == "not_allowed":
            raise Refusal(f"{name} refused: {answer.reason}", "not_allowed")
    body = with_stored_documents(body, workflow_id, documents)
    message_id = f"{caller.actor.id}:{idempotency_key}" if idempotency_key else None
    sent = await reviews.send(workflow_id, name, caller.actor, body, message_id=message_id)
    if isinstance(sent, SignalAck):
        accepted = SignalAccepted(workflow_id=workflow_id, message=name, received_at=datetime.now(UTC))
        return JSONResponse(accepted.model_dump(mode="json"), status_code=202)
    return sent


def names_stored_documents(body: dict[str, Any]) -> bool:
    items = [*(_as_items(body.get("evidence"))), *(_as_items(body.get("documents")))]
    return any(isinstance(item, dict) and item.get("sha256") for item in items)


def _as_items(value: Any) -> list[Any]:
    return [value] if isinstance(value, dict) else value if isinstance(value, list) else []


def with_stored_documents(body: dict[str, Any], workflow_id: str, store: EvidenceStore) -> dict[str, Any]:
    """A document given by its sha256 must be one stored for this case; what the message
    says of its size and type is replaced by what the store knows, and the name too unless
    the message gives one (a document only named, with no sha256, stays as it is: 30)."""
    out = dict(body)
    for key in ("evidence", "documents"):
        if not isinstance(out.get(key), list | dict):
            continue  # absent, or named in plain words only
        checked: list[Any] = []
        for n, item in enumerate(_as_items(out[key])):
            sha = item.get("sha256") if isinstance(item, dict) else None
            if sha is None:
                checked.append(item)
                continue
            stored = store.describe(str(sha), workflow_id)
            if stored is None:
                raise Problem(
                    422,
                    f"{key}.{n}.sha256: no document with that sha256 was uploaded to this case; "
                    f"upload it first (POST /cases/{{id}}/evidence)",
                    errors=[{"field": f"{key}.{n}.sha256", "message": "not uploaded to this case"}],
                )
            checked.append(stored.model_dump() | ({"name": item["name"]} if item.get("name") else {}))
        out[key] = checked
    return out


def described(message: str, key: str, info: FieldInfo) -> FieldInfo:
    """The field with its words from contract/words.py as its OpenAPI description, so the
    docs say what the pages' forms say (issue 26)."""
    said = field_words(message, key)
    if said is None:
        return info
    return FieldInfo.merge_field_infos(info, description=" ".join(p for p in (said.label, said.hint) if p))


def body_model(spec: MessageSpec) -> type[BaseModel]:
    """The message's model as a request body: its fields and example, without the actor
    (which comes from the token). The message's own model still checks it when sent."""
    fields: dict[str, Any] = {
        key: (info.annotation, described(spec.name, key, info))
        for key, info in spec.model.model_fields.items()
        if key != "actor"
    }
    fields["actor"] = (SkipJsonSchema[Any], None)  # type: ignore[misc]
    model: type[BaseModel] = create_model(
        f"{spec.model.__name__}Body",
        __config__=ConfigDict(extra="forbid", json_schema_extra={"examples": [spec.example]}),
        **fields,
    )
    return model


def typed_route(spec: MessageSpec) -> None:
    """POST /cases/{id}/messages/<name>, its body typed from the message table (OpenAPI)."""
    model = body_model(spec)

    async def endpoint(  # type: ignore[no-untyped-def]
        workflow_id, caller, reviews, request, documents, body=None, idempotency_key=_IDEMPOTENCY
    ):
        # No body at all is an empty one: the message's model says what is missing.
        data = body.model_dump(mode="json", exclude_unset=True) if body is not None else {}
        on = await today(request)
        return await _send(workflow_id, spec.name, caller, reviews, data, idempotency_key, on, documents)

    endpoint.__annotations__ = {
        "workflow_id": str,
        "caller": Caller,
        "reviews": Reviews,
        "request": Request,
        "documents": Documents,
        "body": Annotated[model | None, Body()],
        "idempotency_key": str | None,
        "return": Any,
    }
    kind = (
        "an update: answered with a receipt once applied"
        if spec.kind == "update"
        else "a signal: 202 once received"
    )
    router.add_api_route(
        f"/cases/{{workflow_id:case}}/messages/{spec.name}",
        endpoint,
        methods=["POST"],
        name=f"send_{spec.name}",
        summary=f"{spec.name}: {message_words(spec.name).title} ({', '.join(k.value for k in spec.case_kinds)})",
        description=f"{message_words(spec.name).lead} By {spec.by}; {spec.when} (paragraphs {spec.paragraphs}). "
        f"It is {kind}.",
        response_model=Receipt,
        responses={202: {"model": SignalAccepted}},
        tags=["messages"],
        dependencies=UNIQUE_KEYS,
    )


_IDEMPOTENCY = Header(default=None, alias="Idempotency-Key", max_length=200)
for _spec in MESSAGES.values():
    typed_route(_spec)


@router.post(
    "/cases/{workflow_id:case}/messages/{name}",
    response_model=Receipt,
    responses={202: {"model": SignalAccepted}},
    include_in_schema=False,
    dependencies=UNIQUE_KEYS,
)
async def send_message(
    workflow_id: str,
    name: str,
    caller: Caller,
    reviews: Reviews,
    request: Request,
    documents: Documents,
    body: dict[str, Any] = Body(default_factory=dict),  # noqa: B008
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key", max_length=200),
) -> Any:
    """Send a message as the token's actor; the body never names the actor. An update sent
    again with the same Idempotency-Key (after a timeout, say) is applied once and answered
    with the first receipt; the key is the caller's own (bound to the token's actor). A
    name the table does not hold is answered 404 with the names it does."""
    return await _send(
        workflow_id, name, caller, reviews, dict(body), idempotency_key, await today(request), documents
    )
