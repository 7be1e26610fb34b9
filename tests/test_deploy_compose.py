"""The compose deployment (design.md, "Real components and how they start"): images cannot be pulled here, so what can be
checked is checked: the file is valid Compose (its JSON schema, and `docker-compose
config -q` where that command exists), images are pinned, every REVIEWS_ variable it
sets is one the code reads, and the setup registers exactly the search attributes the
workflows use."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import yaml
from temporalio.common import SearchAttributeIndexedValueType

from contract import search_attributes as sa

ROOT = Path(__file__).parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_compose_file_is_valid_compose() -> None:
    schema = json.loads((ROOT / "deploy" / "compose-spec.json").read_text())
    jsonschema.validate(COMPOSE, schema)
    if shutil.which("docker-compose"):
        env = {"REVIEWS_API_SECRET": "check", "REVIEWS_SESSION_SECRET": "check", "PATH": "/usr/bin:/bin:/usr/local/bin",
               "REVIEWS_OIDC_METADATA_URL": "https://idp.example/.well-known/openid-configuration",
               "REVIEWS_OIDC_ISSUER_URL": "https://idp.example"}  # fmt: skip
        done = subprocess.run(
            ["docker-compose", "config", "-q"], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr


def test_it_has_every_part_and_starts_them_in_order() -> None:
    services = COMPOSE["services"]
    assert set(services) == {
        "postgresql",
        "temporal-schema",
        "temporal",
        "temporal-setup",
        "temporal-ui",
        "worker",
        "api",
    }
    assert (
        services["temporal"]["depends_on"]["temporal-schema"]["condition"] == "service_completed_successfully"
    )
    assert services["worker"]["depends_on"]["temporal-setup"]["condition"] == "service_completed_successfully"
    assert "healthcheck" in services["postgresql"] and "healthcheck" in services["temporal"]
    assert services["temporal-ui"]["environment"]["TEMPORAL_CODEC_ENDPOINT"].endswith("/codec")
    assert "container_name" not in services["worker"]  # so `--scale worker=N` works
    for name, service in services.items():
        image = service.get("image", "")
        if service.get("build"):
            continue
        assert re.fullmatch(r"[\w./-]+:\d[\w.-]*", image), f"{name}: pin the image version ({image!r})"


def test_it_is_safe_as_shipped() -> None:
    """Issue 23, reproduced: compose passed no identity provider (the staff list let anyone
    sign in as the Ombudsman) and published Temporal's frontend and the Web UI to anyone."""
    services = COMPOSE["services"]
    published = {name: service.get("ports", []) for name, service in services.items() if service.get("ports")}
    assert set(published) == {"api", "temporal-ui"}, published  # never Temporal's frontend (7233)
    assert all(str(port).startswith("127.0.0.1:") for port in published["temporal-ui"])
    ui = services["temporal-ui"]["environment"]
    assert ui["TEMPORAL_AUTH_ENABLED"] == "true" and ":?" in ui["TEMPORAL_AUTH_PROVIDER_URL"]
    api = services["api"]["environment"]
    for required in ("REVIEWS_OIDC_METADATA_URL", "REVIEWS_SESSION_SECRET", "REVIEWS_API_SECRET"):
        assert ":?" in api[required], f"{required} must be required, not defaulted"
    assert api["REVIEWS_ALLOWED_HOSTS"]
    assert "--insecure-staff-list-sign-in" not in " ".join(services["api"]["command"])


def reviews_variables(text: str) -> set[str]:
    return set(re.findall(r"\bREVIEWS_[A-Z_]+\b", text))


def test_every_setting_it_passes_is_one_the_code_reads() -> None:
    compose_text = (ROOT / "docker-compose.yml").read_text()
    set_in_compose = {
        key for service in COMPOSE["services"].values() for key in (service.get("environment") or {})
        if key.startswith("REVIEWS_")
    } | {k for k in COMPOSE["x-reviews-env"] if k.startswith("REVIEWS_")}  # fmt: skip
    code = "".join(p.read_text() for d in ("api", "activities", "starter") for p in (ROOT / d).rglob("*.py"))
    read_by_code = reviews_variables(code)
    container_only = {"REVIEWS_DB_PASSWORD"}  # the PostgreSQL init script's, not the app's
    assert set_in_compose - container_only <= read_by_code, set_in_compose - read_by_code - container_only
    readme = (ROOT / "README.md").read_text()
    for name in reviews_variables(compose_text) - container_only:
        assert f"`{name}`" in readme, f"{name} is missing from the README's configuration table"


def test_the_setup_registers_the_search_attributes_the_workflows_use() -> None:
    script = (ROOT / "deploy" / "scripts" / "create-namespace.sh").read_text()
    registered = dict(re.findall(r"^add (\w+) (\w+)$", script, flags=re.M))
    kinds = {
        SearchAttributeIndexedValueType.KEYWORD: "Keyword",
        SearchAttributeIndexedValueType.DATETIME: "Datetime",
        SearchAttributeIndexedValueType.KEYWORD_LIST: "KeywordList",
    }
    used = {key.name: kinds[key.indexed_value_type] for key in sa.ALL}
    assert registered == used
