"""`reviews report`: the store's figures as JSON or as an HTML page with charts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).with_name("templates")


def _ledger_row(item: tuple[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    paragraph, counts = item
    return f"para {paragraph}", counts


def render_html(report: dict[str, Any]) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    env.filters["ledger_row"] = _ledger_row
    env.filters["extract"] = lambda key, mapping: mapping.get(key, 0)
    return env.get_template("report.html.j2").render(r=report)
