"""The `reviews` command line (typer): run the system, open cases, send messages, look."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import textwrap
from collections.abc import Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import typer
import yaml
from rich.console import Console
from rich.table import Table

from activities.settings import Settings
from contract.receipts import Receipt
from domain.policy import PolicyError, load_policy
from starter.client import Refusal, ReviewsClient, connect, parse_actor, quiet_runtime

app = typer.Typer(help="Review & Feedback: an ombudsman's review process on Temporal.", no_args_is_help=True)
delegation_app = typer.Typer(help="The Delegation Scheme (paras 72-73).")
app.add_typer(delegation_app, name="delegation")
console = Console()
err_console = Console(stderr=True)
T = TypeVar("T")

ADDRESS = typer.Option(
    "localhost:7233", "--address", envvar="REVIEWS_TEMPORAL_ADDRESS", help="Temporal frontend"
)
NAMESPACE = typer.Option("default", "--namespace", envvar="REVIEWS_NAMESPACE")
TASK_QUEUE = typer.Option("reviews", "--task-queue", envvar="REVIEWS_TASK_QUEUE")
JSON_OUT = typer.Option(False, "--json", help="machine-readable output")


DEBUG = "--debug" in sys.argv


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run one command: a refusal is exit 2, anything else (no server, an unreadable
    folder) one clear line and exit 1; --debug shows the traceback."""
    quiet_runtime()
    try:
        return asyncio.run(coro)
    except Refusal as err:
        err_console.print(f"[red]Refused:[/red] {err}")
        raise typer.Exit(2) from None
    except PolicyError as err:
        err_console.print(f"[red]Policy error:[/red] {err}")
        raise typer.Exit(2) from None
    except Exception as err:
        if DEBUG:
            raise
        err_console.print(f"[red]Error:[/red] {explain_failure(err)}", soft_wrap=True)
        raise typer.Exit(1) from None


def explain_failure(err: Exception) -> str:
    text = str(err).splitlines()[0] if str(err) else err.__class__.__name__
    if "connect" in text.lower() or "transport" in text.lower():
        why = "connection refused" if "refused" in text.lower() else "no connection"
        return f"cannot reach the Temporal server ({why}); is `reviews dev` running? (--address, REVIEWS_TEMPORAL_ADDRESS)"
    return text


def parse_data(text: str | None, pairs: list[str] | None) -> dict[str, Any]:
    """--with '{json or yaml}' or @file, plus -d key=value pairs (values read as YAML;
    a dotted key such as case.ref=C-1 sets a nested field)."""
    data: dict[str, Any] = {}
    if text:
        try:
            source = Path(text[1:]).read_text() if text.startswith("@") else text
            loaded = yaml.safe_load(source)
        except (OSError, yaml.YAMLError) as err:
            raise typer.BadParameter(f"--with {text!r}: {err}") from None
        if not isinstance(loaded, dict):
            raise typer.BadParameter("--with must be a mapping, e.g. '{resolved: false}'")
        data.update(loaded)
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"-d {pair!r}: write key=value")
        target = data
        *parents, leaf = key.split(".")
        for part in parents:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                raise typer.BadParameter(f"-d {pair!r}: {part} is not a mapping")
        target[leaf] = yaml.safe_load(value)
    return data


@app.command()
def dev(
    data_dir: Path = typer.Option(Path(".reviews"), "--data-dir", envvar="REVIEWS_DATA_DIR"),
    port: int = typer.Option(7233, "--port"),
    ui_port: int = typer.Option(8233, "--ui-port"),
    api_port: int = typer.Option(8080, "--api-port", help="the HTTP API; 0: do not run it"),
) -> None:
    """Run everything locally: Temporal dev server, Web UI, HTTP API, SQLite store and the worker."""
    from starter.dev import run_dev

    settings = Settings.from_env(data_dir)
    quiet_runtime()
    try:
        asyncio.run(
            run_dev(settings, port=port, ui_port=ui_port, api_port=api_port or None, say=console.print)
        )
    except RuntimeError as err:
        err_console.print(f"[red]{err}[/red]")
        raise typer.Exit(1) from None


@app.command()
def worker(
    address: str = ADDRESS,
    namespace: str = NAMESPACE,
    task_queue: str = TASK_QUEUE,
    tls_cert: str = typer.Option(
        None, "--tls-cert", envvar="REVIEWS_TEMPORAL_TLS_CERT", help="client certificate (PEM)"
    ),
    tls_key: str = typer.Option(
        None, "--tls-key", envvar="REVIEWS_TEMPORAL_TLS_KEY", help="its private key (PEM)"
    ),
    tls_ca: str = typer.Option(None, "--tls-ca", envvar="REVIEWS_TEMPORAL_TLS_CA", help="server CA (PEM)"),
    api_key: str = typer.Option(
        None, "--api-key", envvar="REVIEWS_TEMPORAL_API_KEY", help="Temporal Cloud API key"
    ),
    max_activities: int = typer.Option(8, "--max-activities", envvar="REVIEWS_MAX_ACTIVITIES", min=1),
    max_workflow_tasks: int = typer.Option(
        100, "--max-workflow-tasks", envvar="REVIEWS_MAX_WORKFLOW_TASKS", min=1
    ),
) -> None:
    """Run only the worker against any Temporal server (a real cluster: TLS, API key)."""
    from activities.records import CaseActivities
    from starter.client import tls_from_files
    from worker import run_worker

    async def main() -> None:
        tls = tls_from_files(tls_cert, tls_key, tls_ca)
        client = await connect(address, namespace, tls=tls, api_key=api_key)
        stop = asyncio.Event()
        import signal

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        console.print(f"Worker on {address} namespace {namespace}, task queue {task_queue}. Ctrl-C stops.")
        await run_worker(
            client,
            CaseActivities(Settings.from_env()),
            task_queue,
            stop,
            max_activities=max_activities,
            max_workflow_tasks=max_workflow_tasks,
        )

    run(main())


@app.command()
def api(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8080, "--port"),
    data_dir: Path = typer.Option(None, "--data-dir", envvar="REVIEWS_DATA_DIR"),
    insecure_staff_list_sign_in: bool = typer.Option(
        False,
        "--insecure-staff-list-sign-in",
        help="let anyone who reaches this address sign in as any member of staff (never in production)",
    ),
) -> None:
    """Run the back-office HTTP API (REVIEWS_TEMPORAL_ADDRESS, REVIEWS_API_SECRET...).

    On any address but loopback it needs an identity provider for the pages
    (REVIEWS_OIDC_METADATA_URL) and sets Secure cookies; the staff-list sign-in is for a
    machine of your own (issue 23)."""
    from dataclasses import replace

    import uvicorn

    from api.app import create_app
    from api.settings import SESSION_SECRET_FILE, ApiSettings, ensure_secret
    from api.ui.oidc import OidcSettings

    settings = ApiSettings.from_env(data_dir)
    if not settings.secret and not settings.jwks_url:
        raise typer.BadParameter("set REVIEWS_API_SECRET (or REVIEWS_API_JWKS_URL) so tokens can be checked")
    loopback = host in ("127.0.0.1", "localhost", "::1")
    oidc = OidcSettings.from_env()
    if not loopback and oidc is None and not insecure_staff_list_sign_in:
        raise typer.BadParameter(
            f"--host {host} is reachable from other machines, and with no identity provider anyone who reaches "
            "it could sign in as any member of staff: set REVIEWS_OIDC_METADATA_URL (README, Deploying)",
            param_hint="--host",
        )
    if insecure_staff_list_sign_in:
        err_console.print(
            "[bold red]INSECURE:[/bold red] anyone who reaches this API may sign in as any member of staff."
        )
    session_secret = ensure_secret(settings.store.data_dir, SESSION_SECRET_FILE, "REVIEWS_SESSION_SECRET")
    settings = replace(settings, session_secret=session_secret)
    try:
        app = create_app(
            settings,
            secure_cookies=not loopback,
            local_sign_in=oidc is None and (loopback or insecure_staff_list_sign_in),
            sign_in_from_anywhere=oidc is None and insecure_staff_list_sign_in,
            allowed_hosts=settings.allowed_hosts or (("127.0.0.1", "localhost") if loopback else ()),
        )
    except ValueError as err:
        raise typer.BadParameter(str(err)) from None
    uvicorn.run(app, host=host, port=port, log_level="info")


@app.command()
def token(
    who: str = typer.Option(..., "--as", help="ID:ROLE, e.g. cw-alice:caseworker"),
    case: str = typer.Option(
        None, "--case", help="the case a service user's or organisation's token is bound to"
    ),
    hours: float = typer.Option(8, "--hours", min=0.01, max=12, help="how long it lasts: at most 12 hours"),
    data_dir: Path = typer.Option(None, "--data-dir", envvar="REVIEWS_DATA_DIR"),
) -> None:
    """Mint a local API token (HS256, REVIEWS_API_SECRET or the secret `reviews dev` made)."""
    from datetime import timedelta

    from api.auth import mint
    from api.settings import ApiSettings, read_secret

    settings = ApiSettings.from_env(data_dir)
    secret = settings.secret or read_secret(settings.store.data_dir)
    if not secret:
        # A token signed with a secret nobody checks would be refused (401) by every call.
        err_console.print(
            f"[red]Refused:[/red] no API secret: REVIEWS_API_SECRET is not set and "
            f"{settings.store.data_dir} holds none. Run this in the folder where `reviews dev` "
            "runs (it keeps the secret in .reviews/), or pass --data-dir or REVIEWS_API_SECRET."
        )
        raise typer.Exit(2)
    try:
        print(
            mint(
                secret,
                parse_actor(who),
                case=case,
                audience=settings.audience,
                lifetime=timedelta(hours=hours),
            )
        )
    except (ValueError, Refusal) as err:
        err_console.print(f"[red]Refused:[/red] {err}")
        raise typer.Exit(2) from None


@app.command("open")
def open_case(
    kind: str = typer.Argument(..., help="decision_complaint, service_complaint or positive_feedback"),
    data: str = typer.Option(None, "--with", help="open input as JSON/YAML, or @file"),
    pairs: list[str] = typer.Option(None, "-d", help="key=value, e.g. -d case.ref=C-1"),
    workflow_id: str = typer.Option(None, "--id"),
    address: str = ADDRESS,
    namespace: str = NAMESPACE,
    task_queue: str = TASK_QUEUE,
    as_json: bool = JSON_OUT,
) -> None:
    """Open a case: `reviews open service_complaint --with @case.yaml` (input as in design.md)."""
    payload = parse_data(data, pairs)

    async def main() -> str:
        client = ReviewsClient(await connect(address, namespace), task_queue)
        return await client.open(kind.replace("-", "_"), payload, workflow_id=workflow_id)

    wid = run(main())
    console.print_json(json.dumps({"workflow_id": wid})) if as_json else console.print(f"Opened {wid}")


@app.command()
def send(
    case_id: str,
    message: str,
    actor: str = typer.Option(None, "--as", help="ID:ROLE of who acts, e.g. cw-alice:caseworker"),
    data: str = typer.Option(None, "--with", help="message data as JSON/YAML, or @file"),
    pairs: list[str] = typer.Option(None, "-d", help="key=value (value read as YAML)"),
    address: str = ADDRESS,
    namespace: str = NAMESPACE,
    as_json: bool = JSON_OUT,
) -> None:
    """Send a message (signal or update) to a case, as an actor."""

    async def main() -> Any:
        from activities.settings import Settings

        store_url = Settings.from_env().database_url  # a task left open on a closed case
        client = ReviewsClient(await connect(address, namespace), store_url=store_url)
        return await client.send(case_id, message, actor, parse_data(data, pairs))

    answer = run(main())
    if as_json:
        print(answer.model_dump_json(indent=2))
    elif isinstance(answer, Receipt):
        awaiting = answer.awaiting
        nxt = (
            f"; awaiting {awaiting.action} by {awaiting.actor_id or awaiting.actor_role}, due {awaiting.due}"
            if awaiting
            else ""
        )
        console.print(f"{message} applied: stage {answer.stage.value}{nxt}")
        for action in answer.recorded:
            console.print(f"  recorded: {action}")
    else:
        console.print(f"{message} recorded on {case_id}")


@app.command()
def messages(
    kind: str = typer.Argument(None, help="decision_complaint, service_complaint or positive_feedback"),
    as_json: bool = JSON_OUT,
) -> None:
    """The messages a kind of case takes: who may send each, at which stages, its fields."""
    from contract.messages import MESSAGES, messages_for
    from contract.words import field_words, message_words
    from domain.enums import Kind

    try:
        specs = messages_for(Kind(kind)) if kind else list(MESSAGES.values())
    except ValueError:
        err_console.print(
            f"[red]Refused:[/red] unknown kind {kind!r}: decision_complaint, service_complaint or positive_feedback"
        )
        raise typer.Exit(2) from None
    rows: list[dict[str, Any]] = [
        {
            "name": spec.name,
            "kind": spec.kind,
            "cases": [k.value for k in spec.case_kinds],
            "stages": spec.when,
            "stage_values": [stage.value for stage in spec.stages],
            "example": spec.example,
            "by": spec.by,
            "paragraphs": spec.paragraphs,
            "fields": spec.fields(),
            # The same words as the pages' forms and the OpenAPI (contract/words.py).
            "title": message_words(spec.name).title,
            "what": message_words(spec.name).lead,
            "labels": {key: said.label for key in spec.fields() if (said := field_words(spec.name, key))},
        }
        for spec in specs
    ]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    # One block a message, wrapped to the terminal: readable at 80 columns.
    width = max(40, min(console.width, 100))
    for row in rows:
        fields = "; ".join(
            f"{name} ({row['labels'].get(name, name)}): {shown}" for name, shown in row["fields"].items()
        )
        console.print(
            f"[bold]{row['name']}[/bold]: {row['title']} ({row['kind']}, paras {row['paragraphs']})",
            soft_wrap=False,
        )
        for label, text in (("what", row["what"]), ("when", row["stages"]), ("by", row["by"]),
                            ("fields", fields or "none")):  # fmt: skip
            wrapped = textwrap.fill(
                text, width=width, initial_indent=f"  {label + ':':8}", subsequent_indent=" " * 10
            )
            console.print(wrapped, markup=False, highlight=False)
        console.print()


@app.command()
def status(
    case_id: str, address: str = ADDRESS, namespace: str = NAMESPACE, as_json: bool = JSON_OUT
) -> None:
    """Where a case is, who owes what by when, its letters, ledger and history."""

    async def main() -> Any:
        # The store says what became of each letter since the case wrote it (issue 25).
        store_url = Settings.from_env().database_url if Path(Settings.from_env().data_dir).exists() else None
        return await ReviewsClient(await connect(address, namespace), store_url=store_url).status(case_id)

    result = run(main())
    if as_json:
        print(result.model_dump_json(indent=2))
    else:
        show_status(result.model_dump(mode="json"))


def harmless(value: Any) -> Any:
    """What a case holds, made safe to print: a complainant's text can carry neither a
    terminal escape sequence nor rich markup (issue 23)."""
    from rich.markup import escape

    from domain.bounds import CONTROL

    if isinstance(value, str):
        return escape(CONTROL.sub("\N{REPLACEMENT CHARACTER}", value))
    if isinstance(value, dict):
        return {k: harmless(v) for k, v in value.items()}
    if isinstance(value, list):
        return [harmless(v) for v in value]
    return value


def show_status(s: dict[str, Any]) -> None:
    s = harmless(s)
    console.rule(f"{s['kind']} {s['case_ref']}  [dim]{s['workflow_id']}[/dim]")
    console.print(
        f"Stage: [bold]{s['stage']}[/bold]"
        + (f"   Outcome: [bold]{s['outcome']}[/bold]" if s["outcome"] else "")
    )
    if s.get("awaiting"):
        a = s["awaiting"]
        due = f"due {a.get('due')}"
        if a.get("paused_since"):
            due = f"clock paused ({a.get('pause_reason')}), resume by {a.get('resume_by')}"
        console.print(
            f"Awaiting: {a['action']} by {a.get('actor_id') or a['actor_role']} ({a['actor_role']}), {due}"
        )
    for label, key in (("Grounds deadline", "grounds_deadline"), ("JR window ends", "jr_window_ends")):
        if s.get(key):
            console.print(f"{label}: {s[key]}")
    if s.get("reasonable_adjustments"):
        shown = [
            a.get("detail") or a.get("kind", "") if isinstance(a, dict) else str(a)
            for a in s["reasonable_adjustments"]
        ]
        console.print("Reasonable adjustments: " + "; ".join(shown))
    table = Table("at", "actor", "action", "paras", "detail", title="History", show_lines=False)
    for h in s["history"]:
        table.add_row(h["at"][:16], h["actor"], h["action"], ",".join(h["paragraphs"]), h["detail"][:60])
    console.print(table)
    if s["letters"]:
        letters = Table("sent", "kind", "to", title="Letters")
        for letter in s["letters"]:
            letters.add_row(letter["sent_at"][:16], letter["kind"], letter["to"])
        console.print(letters)
    if s["ledger"]:
        ledger = Table("para", "requirement", "state", "when / why", title="Compliance ledger")
        colour = {"met": "green", "unmet": "red", "pending": "yellow", "not_applicable": "dim"}
        for e in s["ledger"]:
            state = e.get("state", "met")
            ledger.add_row(
                e["paragraph"],
                e["requirement"],
                f"[{colour.get(state, 'white')}]{state}[/]",
                (e["satisfied_at"] or "")[:16] or e.get("evidence", "")[:50],
            )
        console.print(ledger)
    if s.get("pauses"):
        console.print(
            f"Clock {'[yellow]paused now[/yellow]' if s.get('clock_paused') else 'running'}; "
            f"{s.get('time_paused_days', 0)} day(s) paused in all"
        )


@app.command("list")
def list_cases(
    stage: str = typer.Option(None, "--stage"),
    awaiting_role: str = typer.Option(None, "--awaiting-role"),
    kind: str = typer.Option(None, "--kind"),
    overdue: bool = typer.Option(False, "--overdue", help="only steps past their due date"),
    address: str = ADDRESS,
    namespace: str = NAMESPACE,
    as_json: bool = JSON_OUT,
) -> None:
    """Cases through Temporal visibility, filtered like the Web UI."""

    async def main() -> list[dict[str, Any]]:
        client = ReviewsClient(await connect(address, namespace))
        return await client.list(
            stage=stage, awaiting_role=awaiting_role, kind=kind, overdue=overdue, now=datetime.now(UTC)
        )

    rows = run(main())
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table("workflow id", "case", "stage", "awaiting", "due", "risk", "outcome")
    for r in rows:
        table.add_row(
            r["workflow_id"],
            r["case_ref"] or "",
            r["stage"] or "",
            r["awaiting_role"] or "",
            r["due"] or "",
            r["risk"] or "",
            r["outcome"] or "",
        )
    console.print(table)


@app.command()
def simulate(
    scenario: Path,
    as_json: bool = JSON_OUT,
    data_dir: Path = typer.Option(None, "--data-dir", help="keep the store and letters here"),
) -> None:
    """Run a scenario through the real workflows on the time-skipping test server."""
    from starter.simulate import ScenarioError, load_scenario
    from starter.simulate import simulate as run_scenario

    def cannot_run(err: Exception) -> typer.Exit:
        # design.md, "Simulation": a refused scenario or policy prints {"error": "..."}.
        if as_json:
            print(json.dumps({"error": str(err)}))
        else:
            err_console.print(f"[red]Scenario could not run:[/red] {err}")
        return typer.Exit(2)

    try:
        loaded = load_scenario(scenario)
    except ScenarioError as err:
        raise cannot_run(err) from None
    quiet_runtime()
    try:
        result = asyncio.run(run_scenario(loaded, data_dir=data_dir))
    except (Refusal, PolicyError, ValueError) as err:
        raise cannot_run(err) from None
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        show_status(result["status"])
        for r in result["rejected"]:
            console.print(f"[yellow]step {r['step']} refused:[/yellow] {r['error']}")
        console.print("expect met" if result["expect_met"] else "[red]expect NOT met[/red]")
    if not result["expect_met"]:
        raise typer.Exit(1)


@app.command()
def report(
    start: str = typer.Option(..., "--from", help="first date, YYYY-MM-DD (cases opened on or after)"),
    end: str = typer.Option(..., "--to", help="last date, YYYY-MM-DD (cases opened on or before)"),
    as_json: bool = JSON_OUT,
    html: Path = typer.Option(None, "--html", help="write an HTML page with charts to this file"),
    data_dir: Path = typer.Option(None, "--data-dir", envvar="REVIEWS_DATA_DIR"),
) -> None:
    """Management figures from the case store (REVIEWS_DATABASE_URL, default SQLite)."""
    from datetime import date

    from starter.report import render_html
    from store.db import make_engine, migrate
    from store.report import build_report

    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError as err:
        err_console.print(f"[red]Refused:[/red] --from and --to are dates, YYYY-MM-DD ({err})")
        raise typer.Exit(2) from None
    if last < first:
        err_console.print(f"[red]Refused:[/red] --to {last} is before --from {first}")
        raise typer.Exit(2)
    settings = Settings.from_env(data_dir)
    migrate(settings.database_url)
    figures = build_report(make_engine(settings.database_url), first, last)
    if html:
        html.write_text(render_html(figures))
        err_console.print(f"Report written to {html}")
    if as_json or not html:
        print(json.dumps(figures, indent=2))


@delegation_app.command("show")
def delegation_show(
    policy_file: Path = typer.Option(None, "--policy", envvar="REVIEWS_POLICY"), as_json: bool = JSON_OUT
) -> None:
    """Print the Delegation Scheme in force."""
    try:
        policy = load_policy(policy_file)
    except PolicyError as err:
        err_console.print(f"[red]{err}[/red]")
        raise typer.Exit(2) from None
    scheme = policy.delegation
    if as_json:
        print(scheme.model_dump_json(indent=2))
        return
    table = Table("proposal", "approved by (or any higher role)", "paragraphs", title="Delegation Scheme")
    for t in scheme.payment:
        limit = f"payment up to £{t.up_to_gbp:,.0f}" if t.up_to_gbp is not None else "payment above"
        table.add_row(limit, t.role.value, "60, 72")
    table.add_row("new detailed investigation", scheme.new_detailed_investigation.value, "63, 73")
    table.add_row("quash a report", scheme.quash.value, "68-69")
    for name in ("remedy_without_payment", "fresh_primary_investigation", "not_upheld"):
        role = getattr(scheme, name)
        table.add_row(name.replace("_", " "), role.value if role else "no approval needed", "72")
    table.add_row(
        "extend grounds deadline",
        "the case's manager" + "".join(f", {r.value}" for r in scheme.extend_grounds_deadline_roles),
        "32",
    )
    console.print(table)


def main() -> None:
    """The `reviews` entry point.

    The SDK's Rust client threads can outlive the interpreter and abort it while it
    finalizes (temporalio/sdk-python#300: "PyGILState_Release ... must be current"), which
    would turn a successful command into exit code -6. Once the command has finished and
    its output is flushed, nothing is left to clean up, so leave without finalizing.
    """
    code: int | str | None = 0
    if DEBUG:
        sys.argv.remove("--debug")
    try:
        app()
    except SystemExit as done:
        code = done.code
    sys.stdout.flush()
    sys.stderr.flush()
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    os._exit(code or 0)


if __name__ == "__main__":
    main()
