"""Forms generated from the contract's message models (issues 12 and 26): a field per model
field, labelled and hinted in the words of `contract/words.py` (never its code name); yes/no
and choices as radios, lists of choices and groups of yes/no facts as check boxes, dates as
GOV.UK date inputs (day, month, year), long text with a character count, nested values (a
remedy, learning points) as groups with "add another"; the form's answer turned back into
the message's data, and what the message's own rules refuse shown at the field."""

from __future__ import annotations

import json
import re
import types
import typing
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import Enum
from typing import Any, Union

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from contract.words import choice_words, field_words
from domain.bounds import TEXT_MAX

LONG_TEXT = {
    "note", "analysis", "summary", "reason", "text", "why_wrong", "wanted", "directions", "comments",
    "what_happened", "should_have_happened", "difference", "feedback_to_case_owner", "advice",
}  # fmt: skip


@dataclass
class Field:
    name: str  # the form's name for it: `remedy.amount_gbp`, `learning_points.0.text`
    label: str
    # text, textarea, number, date, radios, checkboxes, flags, json, boolean, group, groups,
    # person (someone from the staff directory), task (an open task of the case)
    widget: str
    required: bool
    choices: list[str] = field(default_factory=list)
    hint: str = ""
    labels: dict[str, str] = field(default_factory=dict)  # a choice's words, if not CHOICE_WORDS'
    maxlength: int = 0
    value: Any = None
    error: str = ""
    fields: list[Field] = field(default_factory=list)  # a group's fields
    groups: list[list[Field]] = field(default_factory=list)  # a repeatable group's entries
    model: type[BaseModel] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The field as data, for a draft kept in the store: its `model` is a class, only
        needed to read a form sent in, so it is left out at every depth."""
        return asdict(self, dict_factory=lambda items: {k: v for k, v in items if k != "model"})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Field:
        """A field as `to_dict` gave it."""
        return cls(**(data | {"fields": [cls.from_dict(f) for f in data.get("fields") or []],
                              "groups": [[cls.from_dict(f) for f in g] for g in data.get("groups") or []]}))  # fmt: skip

    @property
    def key(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    @property
    def dom_id(self) -> str:
        return self.name.replace(".", "-")

    def items(self) -> list[dict[str, Any]]:
        """The choices as GOV.UK radios or check boxes take them."""
        chosen = self.value if isinstance(self.value, list) else [self.value]
        return [
            {"value": c, "text": self.labels.get(c) or choice_words(c), "checked": c in chosen}
            for c in self.choices
        ]

    def date_parts(self) -> dict[str, str]:
        parts = str(self.value or "").split("-") if isinstance(self.value, str) else []
        if len(parts) == 3:
            return {"year": parts[0], "month": parts[1].lstrip("0"), "day": parts[2].lstrip("0")}
        return {}


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The annotation without `None`, and whether None was allowed."""
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
        return annotation, True
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    return annotation, False


# Fields a person picks from a list the page fills in, not types.
PICKED = {("reassign", "to"): "person", ("escalate", "to"): "person", ("complete_task", "task"): "task"}


def field_for(name: str, info: FieldInfo, prefix: str = "", message: str = "") -> Field:
    annotation, optional = _unwrap(info.annotation)
    key, required = name, info.is_required()
    name = prefix + name
    words = field_words(message, name)
    label = words.label if words else key.replace("_", " ").capitalize()
    hint = words.hint if words else ""
    origin = typing.get_origin(annotation)
    if (picked := PICKED.get((message, name))) is not None:
        return Field(name, label, picked, required, hint=hint)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        inner = fields_of(annotation, name + ".", message)
        if inner and all(f.widget == "boolean" and not f.required for f in inner):
            # Facts that are each yes or no (para 67's grounds, flags): one set of check boxes.
            return Field(name, label, "flags", required, [f.key for f in inner], hint,
                         labels={f.key: f.label for f in inner}, model=annotation)  # fmt: skip
        # A nested value (a remedy, whom to escalate to): its own fields.
        return Field(name, label, "group", required, hint=hint, fields=inner, model=annotation)
    if origin is list and typing.get_args(annotation):
        (item,) = typing.get_args(annotation)
        if isinstance(item, type) and issubclass(item, BaseModel):
            # A list of values (learning points): one group per entry, and "add another".
            return Field(name, label, "groups", required, hint=hint,
                         groups=[fields_of(item, f"{name}.0.", message)], model=item)  # fmt: skip
    if annotation is bool:
        return Field(name, label, "boolean", required, ["yes", "no"], hint)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return Field(name, label, "radios", required, [e.value for e in annotation], hint)
    if annotation is date:
        return Field(name, label, "date", required, hint=hint or "For example, 27 3 2027")
    if annotation in (int, float):
        return Field(name, label, "number", required, hint=hint)
    if annotation is str:
        long = key in LONG_TEXT
        return Field(name, label, "textarea" if long else "text", required, hint=hint,
                     maxlength=TEXT_MAX if long else 0)  # fmt: skip
    if origin is list:
        (item,) = typing.get_args(annotation) or (str,)
        if isinstance(item, type) and issubclass(item, Enum):
            return Field(name, label, "checkboxes", required, [e.value for e in item], hint)
    example = _example(annotation)
    return Field(name, label, "json", required, hint=hint or f"JSON, e.g. {example}")


def _example(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    inner = typing.get_args(annotation)[0] if origin is list and typing.get_args(annotation) else annotation
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        keys = {k: "…" for k in list(inner.model_fields)[:4]}
        shown = json.dumps(keys, ensure_ascii=False)
        return f"[{shown}]" if origin is list else shown
    return "[]" if origin is list else "{}"


def fields_of(model: type[BaseModel], prefix: str = "", message: str = "") -> list[Field]:
    """The form's fields, the note (staff only) last."""
    found = [
        field_for(name, info, prefix, message)
        for name, info in model.model_fields.items()
        if name != "actor" or prefix
    ]
    return sorted(found, key=lambda f: f.key == "note" and not prefix)


def entry_fields(model: type[BaseModel], name: str, n: int, message: str = "") -> list[Field]:
    """The fields of entry `n` of a repeatable group."""
    return fields_of(model, f"{name}.{n}.", message)


def data_from(fields: list[Field], form: Any, message: str = "") -> tuple[dict[str, Any], bool]:
    """The message's data from a submitted form; each field keeps what was typed, and a
    field that cannot be read says why (the message's own rules are checked when sent)."""
    data: dict[str, Any] = {}
    ok = True
    for f in fields:
        if f.widget == "group":
            inner, inner_ok = data_from(f.fields, form, message)
            ok &= inner_ok
            if inner:
                data[f.key] = inner
            continue
        if f.widget == "groups":
            count = max(1, _entries(form, f.name))
            f.groups = [entry_fields(f.model, f.name, n, message) for n in range(count)] if f.model else []
            entries = []
            for group in f.groups:
                inner, inner_ok = data_from(group, form, message)
                ok &= inner_ok
                if inner:
                    entries.append(inner)
            if entries:
                data[f.key] = entries
            continue
        if f.widget in ("checkboxes", "flags"):
            f.value = [v for v in form.getlist(f.name) if v in f.choices]
            if f.value:
                data[f.key] = {v: True for v in f.value} if f.widget == "flags" else f.value
            continue
        if f.widget == "date":
            parts = {p: (form.get(f"{f.name}-{p}") or "").strip() for p in ("day", "month", "year")}
            if not any(parts.values()):
                f.value = ""
                continue
            try:
                f.value = date(int(parts["year"]), int(parts["month"]), int(parts["day"])).isoformat()
                data[f.key] = f.value
            except ValueError:
                f.value = ""
                f.error, ok = f"{f.label} must be a real date, for example 27 3 2027", False
            continue
        if f.widget == "person":
            raw = (form.get(f.name) or "").strip()
            f.value = raw
            if raw:
                person_id, _, role = raw.partition("|")
                data[f.key] = {"id": person_id, "role": role}
            continue
        raw = (form.get(f.name) or "").strip()
        f.value = raw
        if not raw:
            continue  # the message's own rules say what is required, and why
        if f.widget == "boolean":
            data[f.key] = raw == "yes"
        elif f.widget == "number":
            try:
                data[f.key] = float(raw) if "." in raw else int(raw)
            except ValueError:
                f.error, ok = f"{f.label} must be a number, like 400 or 400.50", False
        elif f.widget == "json":
            try:
                data[f.key] = json.loads(raw)
            except ValueError as err:
                f.error, ok = f"{f.label} is not valid JSON: {err.args[0]}", False
        else:
            data[f.key] = raw
    return data, ok


def _entries(form: Any, name: str) -> int:
    """How many entries of a repeatable group the form holds (`name.N.field`)."""
    numbers = [
        int(k.split(".")[len(name.split("."))])
        for k in form
        if k.startswith(name + ".") and k.split(".")[len(name.split("."))].isdigit()
    ]
    return max(numbers) + 1 if numbers else 0


def walk(fields: list[Field]) -> list[Field]:
    out = []
    for f in fields:
        out.append(f)
        out += walk(f.fields)
        for group in f.groups:
            out += walk(group)
    return out


def _field_at(fields: list[Field], loc: tuple[Any, ...]) -> Field | None:
    name = ".".join(str(p) for p in loc)
    for f in walk(fields):
        if f.name == name:
            return f
    return None


def refused_at_fields(fields: list[Field], model: type[BaseModel], data: dict[str, Any],
                      actor: dict[str, Any]) -> list[str]:  # fmt: skip
    """Check the message against its own model before it is sent: each refusal is put on
    its field in words (`errors` of the summary); what belongs to no field is returned."""
    try:
        model.model_validate(data | {"actor": actor})
    except ValidationError as err:
        loose = []
        for problem in err.errors():
            loc = tuple(problem["loc"])
            text = str(problem["msg"]).removeprefix("Value error, ")
            f = _field_at(fields, loc)
            while f is None and loc:  # a nested value's own rule: the group it belongs to
                loc = loc[:-1]
                f = _field_at(fields, loc)
            text = with_labels(text, fields)
            if f is None:
                loose.append(text)
            elif not f.error:
                f.error = _in_words(f, problem["type"], text)
        return loose
    return []


def with_labels(text: str, fields: list[Field]) -> str:
    """A rule's words with the fields it names given as the form labels them:
    "a payment needs amount_gbp" → "a payment needs \u201cPayment, in pounds\u201d"."""
    for f in sorted(walk(fields), key=lambda f: -len(f.name)):
        for code in {f.name, f.key} if "_" in f.key or "." in f.name else {f.name}:
            if "_" in code or "." in code:
                text = re.sub(rf"(?<![\w.]){re.escape(code)}(?![\w.])", f"\u201c{f.label}\u201d", text)
    return text


def _in_words(f: Field, kind: str, text: str) -> str:
    if kind == "missing":
        if f.widget in ("boolean", "radios"):
            return f"Select an answer: {f.label[:1].lower() + f.label[1:]}"
        if f.label.endswith("?"):
            return f"Answer \u201c{f.label}\u201d"
        return f"Enter the {f.label[:1].lower() + f.label[1:]}"
    return text[:1].upper() + text[1:]


def errors_of(fields: list[Field], form_name: str) -> list[dict[str, str]]:
    """Every field's error, for the GOV.UK error summary (each links to its field's first
    input, as the components number them)."""
    first = {"date": "-day"}
    return [
        {"text": f.error, "href": f"#{form_name}-{f.dom_id}{first.get(f.widget, '')}"}
        for f in walk(fields)
        if f.error
    ]


def rules_before_sending(fields: list[Field], data: dict[str, Any]) -> None:
    """What the pages ask before anything is sent, beyond the message's own rules (issue 26:
    a £5,000 payment with no remedy kind was taken, and para 59 recorded unmet): a payment
    is ticked as a payment, and says its three considerations."""
    remedy = data.get("remedy")
    if not isinstance(remedy, dict):
        return
    amount = remedy.get("amount_gbp") or 0
    by_name = {f.name: f for f in walk(fields)}
    if isinstance(amount, int | float) and amount > 0:
        kinds = by_name.get("remedy.kinds")
        if kinds is not None and "financial_payment" not in (remedy.get("kinds") or []):
            kinds.error = f"Select \u201cA payment\u201d to propose a payment of \u00a3{amount:,.2f}, or clear the amount"
        for key in ("impact", "proportionate", "restores_position"):
            f = by_name.get(f"remedy.{key}")
            if f is not None and not str(remedy.get(key) or "").strip():
                f.error = f"Answer this for a payment: {f.label[:1].lower() + f.label[1:]}"
