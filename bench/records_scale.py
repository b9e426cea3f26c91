"""Records at scale: reading and adding a version with 10 and with 1,000 versions (issue 14).

Builds, in a temporary SQLite database through the library, one assessment with 10 versions and
one with 1,000, then times (median of repeats, same run, same machine):

- ``add``: adding a version (revise: re-classify, check the version it builds on, append);
- ``read``: what ``GET /api/v1/assessments/{id}`` assembles (summary, latest version, the
  constant-cost check, the latest version's signatures);
- ``page``: the data of the assessment page (the same plus the newest 20 versions);
- ``verify``: the full check of one assessment, which is O(n) by design, as a contrast.

The figure is the ratio 1,000 / 10 versions for each (target: ≤ 1.5 for add, read and page).

    python bench/records_scale.py [--repeats 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _median_ms(action, repeats: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--large", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="atmpnav-bench-") as tmp:
        os.environ["ATMPNAV_DATA_DIR"] = tmp
        os.environ["ATMPNAV_DATABASE_URL"] = f"sqlite:///{tmp}/bench.db"
        from atmpnav import store
        from atmpnav.assess import AssessmentInput
        from atmpnav.facts import load_facts
        from atmpnav.records import assessments, integrity, signatures

        engine = store.get_engine()
        integrity.ensure_ready(engine)
        given = AssessmentInput.of_facts(load_facts(ROOT / "src/atmpnav/data/examples/car-t.yaml"))
        sizes = {"small": 10, "large": args.large}
        ids = {}
        started = time.perf_counter()
        for label, count in sizes.items():
            aid = assessments.create(engine, title=label, given=given, actor="bench").record.assessment_id
            for n in range(1, count):
                assessments.revise(engine, aid, base_version=n, reason="bench", actor="bench")
            ids[label] = aid
        print(f"built {sum(sizes.values())} versions in {time.perf_counter() - started:.1f} s")

        def read(aid: int) -> None:
            head = assessments.summary(engine, aid)
            assessments.get_version(engine, aid)
            assessments.quick_check(engine, aid)
            signatures.list_signatures(engine, aid, head.latest_version)

        def page(aid: int) -> None:
            read(aid)
            assessments.versions(engine, aid, newest=20)

        def add(label: str) -> None:
            aid = ids[label]
            latest = assessments.summary(engine, aid).latest_version
            assessments.revise(engine, aid, base_version=latest, reason="bench", actor="bench")

        rows = []
        for name, action in (("add", add), ("read", read), ("page", page),
                             ("verify", lambda aid: integrity.verify_assessment(engine, aid))):
            small = _median_ms(lambda a=action, n=name: a("small" if n == "add" else ids["small"]), args.repeats)
            large = _median_ms(lambda a=action, n=name: a("large" if n == "add" else ids["large"]), args.repeats)
            rows.append((name, small, large, large / small))
        print(f"{'operation':<10}{'10 versions':>14}{args.large:>10} versions{'ratio':>9}   target")
        for name, small, large, ratio in rows:
            target = "≤ 1.5" if name != "verify" else "O(n), contrast"
            print(f"{name:<10}{small:>11.2f} ms{large:>14.2f} ms{ratio:>9.2f}   {target}")
        print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f}")
        store.dispose_engines()


if __name__ == "__main__":
    main()
