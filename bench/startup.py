"""Start-up benchmark of the CLI: each command as a ratio to ``python -c "import pydantic, yaml"``.

Every round runs the baseline and each command once, back to back, so a busy machine slows them
alike; the figure is the median over the rounds of (command time / baseline time of the same
round), beside the median times themselves and the machine's load (``os.getloadavg``).

The sources are byte-compiled first (as an install does). Commands measured (each in a fresh
interpreter, output discarded):

- ``classify car-t.yaml``: a facts file, the common CLI path (target <= 1.5x);
- ``classify --text``: a plain description, with precedents (target <= 2.5x, issue 14);
- ``registry list`` on an up-to-date database (migrated and seeded once before the rounds,
  not measured; target <= 2x).

    python bench/startup.py [--repeats 7] [--check]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "src/atmpnav/data/examples/car-t.yaml"
BASELINE = [sys.executable, "-c", "import pydantic, yaml"]
TEXT = "Autologous T cells transduced ex vivo with a lentiviral vector encoding an anti-CD19 CAR"


def atmpnav_command() -> list[str]:
    """The console script next to this interpreter (what a user runs), else ``python -m``."""
    script = Path(sys.executable).with_name("atmpnav")
    return [str(script)] if script.exists() else [sys.executable, "-m", "atmpnav.cli"]


@dataclass
class Figure:
    name: str
    args: list[str]
    target: float | None
    times: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def met(self) -> bool:
        return self.target is None or self.ratio <= self.target


def timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(args, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({result.returncode}):\n{result.stderr.decode()[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=7, help="rounds (at least 3; the median is reported)")
    parser.add_argument("--check", action="store_true", help="exit 1 unless every target is met")
    args = parser.parse_args()
    repeats = max(3, args.repeats)

    cli = atmpnav_command()
    # What an installed package has (pip compiles it; an interpreter writes it on first import): the bytecode of
    # the sources. Without it (PYTHONDONTWRITEBYTECODE, a fresh checkout) every start would recompile them.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True, capture_output=True)
    with tempfile.TemporaryDirectory(prefix="atmpnav-startup-") as tmp:
        env = {**os.environ, "ATMPNAV_DATA_DIR": tmp}
        env.pop("ATMPNAV_DATABASE_URL", None)
        timed([*cli, "registry", "list"], env)  # create, migrate and seed the database once (not measured)
        figures = [
            Figure("classify car-t.yaml", [*cli, "classify", str(EXAMPLE), "--as-of", "2026-11-25"], 1.5),
            Figure("classify --text", [*cli, "classify", "--text", TEXT, "--as-of", "2026-11-25"], 2.5),
            Figure("registry list (up-to-date db)", [*cli, "registry", "list"], 2.0),
            # Context, no target: what the libraries the commands need cost to import alone.
            Figure("(context) import pydantic.BaseModel, yaml", [sys.executable, "-c",
                                                                  "import yaml; from pydantic import BaseModel"], None),
            Figure("(context) pydantic: import and build one model", [sys.executable, "-c",
                   "import yaml\nfrom pydantic import BaseModel\nclass M(BaseModel):\n    x: int"], None),
            # The floor of any command on the prescribed stack (Typer, pydantic): the CLI library and one model.
            Figure("(context) Typer, and one model built", [sys.executable, "-c",
                   "import typer, yaml\nfrom pydantic import BaseModel\nclass M(BaseModel):\n    x: int"], None),
            Figure("(context) import the facts and verdict models",
                   [sys.executable, "-c", "import yaml, atmpnav.facts, atmpnav.verdict"], None),
            Figure("(context) import atmpnav.assess (no CLI)", [sys.executable, "-c", "import atmpnav.assess"], None),
            Figure("(context) import sqlalchemy.orm", [sys.executable, "-c", "import sqlalchemy.orm"], None),
        ]
        for figure in figures:  # warm the file cache and any first-use caches (not measured)
            timed(figure.args, env)
        baseline_times: list[float] = []
        load_before = os.getloadavg()
        for _ in range(repeats):
            base = timed(BASELINE, env)
            baseline_times.append(base)
            for figure in figures:
                spent = timed(figure.args, env)
                figure.times.append(spent)
                figure.ratios.append(spent / base)
        load_after = os.getloadavg()

    base_ms = statistics.median(baseline_times) * 1000
    print(f"CLI start-up, median of {repeats} rounds; cores: {os.cpu_count()}; load average (1 min) "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"  baseline: python -c \"import pydantic, yaml\"   {base_ms:7.0f} ms   1.00x")
    for figure in figures:
        target = f"target <= {figure.target:.1f}x: {'met' if figure.met else 'NOT met'}" if figure.target else ""
        print(f"  {figure.name:<42} {statistics.median(figure.times) * 1000:7.0f} ms   {figure.ratio:4.2f}x   "
              f"{target}")
    return 1 if args.check and not all(f.met for f in figures) else 0


if __name__ == "__main__":
    raise SystemExit(main())
