"""Print the mutation score of `make mutate` and fail below the bar (issue 16).

Killed (or timed out) over every mutant tested: a mutant no test reaches counts as
survived. Usage: mutation_score.py STATS_JSON MINIMUM_PERCENT
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(stats_file: str, minimum: str) -> int:
    stats = json.loads(Path(stats_file).read_text())
    total = int(stats["total"]) - int(stats.get("skipped", 0))
    caught = int(stats["killed"]) + int(stats.get("timeout", 0))
    score = 100.0 * caught / total if total else 0.0
    missed = {k: stats.get(k, 0) for k in ("survived", "no_tests", "suspicious", "segfault")}
    print(
        f"mutation score on domain/: {score:.1f}% ({caught} of {total} mutants killed; not killed: {missed})"
    )
    if score < float(minimum):
        print(f"below {minimum}%: `mutmut results` lists the survivors, `mutmut show NAME` shows one")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
