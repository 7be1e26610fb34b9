"""Forms generated from the contract's message models (issue 12): a field per model
field, the right input for its type, enums as selects, lists of choices as check boxes,
nested values (a remedy, learning points) as JSON with an example; and the form's answer
turned back into the message's data."""

from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo

LONG_TEXT = {
    "note", "analysis", "summary", "reason", "text", "why_wrong", "wanted", "directions", "comments",
    "what_happened", "should_have_happened", "difference", "feedback_to_case_owner", "advice",
}  # fmt: skip


@dataclass
class Field:
    name: str  # the form's name for it: `remedy.amount_gbp`, `learning_points.0.text`
    label: str
    widget: str  # text, textarea, number, date, select, checkboxes, json, boolean, group, groups
    required: bool
    choices: list[str] = field(default_factory=list)
    hint: str = ""
    value: Any = None
    error: str = ""
    fields: list[Field] = field(default_factory=list)  # a group's fields
    groups: list[list[Field]] = field(default_factory=list)  # a repeatable group's entries
    model: type[BaseModel] | None = None

    @property
    def key(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    @property
    def dom_id(self) -> str:
        return self.name.replace(".", "-")


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


def field_for(name: str, info: FieldInfo, prefix: str = "") -> Field:
    annotation, optional = _unwrap(info.annotation)
    label = name.replace("_", " ").capitalize()
    required = info.is_required()
    origin = typing.get_origin(annotation)
    name = prefix + name
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        # A nested value (a remedy, para 67's grounds, whom to escalate to): its own fields.
        return Field(
            name, label, "group", required, fields=fields_of(annotation, name + "."), model=annotation
        )
    if origin is list and typing.get_args(annotation):
        (item,) = typing.get_args(annotation)
        if isinstance(item, type) and issubclass(item, BaseModel):
            # A list of values (learning points): one group per entry, and "add another".
            return Field(name, label, "groups", required, groups=[fields_of(item, f"{name}.0.")], model=item)
    if annotation is bool:
        return Field(name, label, "boolean", required, ["yes", "no"])
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return Field(name, label, "select", required, [e.value for e in annotation])
    if annotation is date:
        return Field(name, label, "date", required, hint="YYYY-MM-DD")
    if annotation in (int, float):
        return Field(name, label, "number", required)
    if annotation is str:
        return Field(name, label, "textarea" if name in LONG_TEXT else "text", required)
    if origin is list:
        (item,) = typing.get_args(annotation) or (str,)
        if isinstance(item, type) and issubclass(item, Enum):
            return Field(name, label, "checkboxes", required, [e.value for e in item])
    example = _example(annotation)
    return Field(name, label, "json", required, hint=f"JSON, e.g. {example}")


def _example(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    inner = typing.get_args(annotation)[0] if origin is list and typing.get_args(annotation) else annotation
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        keys = {k: "…" for k in list(inner.model_fields)[:4]}
        shown = json.dumps(keys, ensure_ascii=False)
        return f"[{shown}]" if origin is list else shown
    return "[]" if origin is list else "{}"


def fields_of(model: type[BaseModel], prefix: str = "") -> list[Field]:
    return [
        field_for(name, info, prefix)
        for name, info in model.model_fields.items()
        if name != "actor" or prefix
    ]


def entry_fields(model: type[BaseModel], name: str, n: int) -> list[Field]:
    """The fields of entry `n` of a repeatable group."""
    return fields_of(model, f"{name}.{n}.")


def data_from(fields: list[Field], form: Any) -> tuple[dict[str, Any], bool]:
    """The message's data from a submitted form; each field keeps what was typed, and a
    field that cannot be read says why (the message's own rules are checked when sent)."""
    data: dict[str, Any] = {}
    ok = True
    for f in fields:
        if f.widget == "group":
            inner, inner_ok = data_from(f.fields, form)
            ok &= inner_ok
            if inner:
                data[f.key] = inner
            continue
        if f.widget == "groups":
            count = max(1, _entries(form, f.name))
            f.groups = [entry_fields(f.model, f.name, n) for n in range(count)] if f.model else []
            entries = []
            for group in f.groups:
                inner, inner_ok = data_from(group, form)
                ok &= inner_ok
                if inner:
                    entries.append(inner)
            if entries:
                data[f.key] = entries
            continue
        if f.widget == "checkboxes":
            f.value = form.getlist(f.name)
            if f.value:
                data[f.key] = f.value
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
                f.error, ok = f"{f.label} must be a number", False
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
