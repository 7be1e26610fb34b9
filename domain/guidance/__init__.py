"""The guidance a case began under, as data (design.md, "Rules of the house"; style.md,
"A rule change is a new guidance version, not a boolean").

Each version is a frozen, pure object in a module of its own (`v0` ... `v9`); a later
version inherits from the one before and overrides only what changed, so one diff shows
what a revision of the guidance changed. A case records the number of the version it
began under (`CaseState.guidance`) and keeps it for life; a child runs its parent's
version; a new case runs `CURRENT`.

How to add a version: copy nothing; write `vN.py` with `class VN(V{N-1})` overriding the
members that change (each citing its paragraphs), add it to `VERSIONS`, and unit-test
both the new member and that the old versions still answer as before. No patch marker is
needed: the version comes to a new case with the policy it records at birth.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.guidance.base import Guidance
from domain.guidance.v0 import V0
from domain.guidance.v1 import V1
from domain.guidance.v2 import V2
from domain.guidance.v3 import V3
from domain.guidance.v4 import V4
from domain.guidance.v5 import V5
from domain.guidance.v6 import V6
from domain.guidance.v7 import V7
from domain.guidance.v8 import V8
from domain.guidance.v9 import V9

VERSIONS: dict[int, Guidance] = {
    g.version: g for g in (V0(), V1(), V2(), V3(), V4(), V5(), V6(), V7(), V8(), V9())
}
CURRENT: int = max(VERSIONS)


def guidance_for(version: int) -> Guidance:
    """The rules of one version; an unknown number is a programming error, never data."""
    try:
        return VERSIONS[version]
    except KeyError:
        known = ", ".join(str(v) for v in sorted(VERSIONS))
        raise ValueError(f"no guidance version {version}: this build knows {known}") from None


def version_at_birth(*, edges: bool, acknowledges: bool, never_silent: bool, from_policy: int | None) -> int:
    """The version a case begins under.

    Cases begun before versions were data carry patch markers in their histories (one per
    release: the edges, acknowledgements, never silent); those markers decide v0-v3. Every
    later case records all three markers and takes the version from the policy it loads
    at birth, which the worker fills in with `CURRENT` (or a scenario sets)."""
    if not edges:
        return 0
    if not acknowledges:
        return 1
    if not never_silent:
        return 2
    return 3 if from_policy is None else from_policy


def version_of_legacy_state(data: Mapping[str, object]) -> int:
    """A state carried by continue-as-new before versions were data held three booleans."""
    return version_at_birth(
        edges=bool(data.get("edges")),
        acknowledges=bool(data.get("acknowledges")),
        never_silent=bool(data.get("keeps_in_touch")),
        from_policy=None,
    )


__all__ = ["CURRENT", "VERSIONS", "Guidance", "guidance_for", "version_at_birth", "version_of_legacy_state"]
