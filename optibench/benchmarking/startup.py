"""Start-up time of the ``optibench`` command: ``--help``, ``list problems`` and ``powerflow ieee69``.

Each command runs as a new process under ``/usr/bin/time -f "%e %U %S"``
(wall, user and system seconds, 10 ms resolution): one warm-up run (which
also fills Numba's cache of the power-flow kernel), then the best of
``repeats`` runs, against the goal of :data:`GOAL_S`. The CPU time (user +
system) of the best run is reported beside it: on a machine busy with other
work the wall time grows with the load and the CPU time much less. Then where
the import time goes: ``python -X importtime`` of the same command
in-process, each module's own (self) time summed by top-level package, so the
packages add up to the whole import time. The floor beside them: a bare
Python process that imports Numba and runs one trivial cached kernel
(:data:`FLOOR_SCRIPT`), which is what loading any cached Numba kernel costs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from optibench.benchmarking import add_output_arguments, emit, load_average, report_header
from optibench.benchmarking.kernel import machine

COMMANDS = (("--help",), ("list", "problems"), ("powerflow", "ieee69"))
"""The commands measured, as arguments of ``optibench``."""
GOAL_S = 1.0
"""Wall time (s) each command should stay under with a warm Numba cache."""
TIME = "/usr/bin/time"
TOP_PACKAGES = 6
"""Packages listed per command, by import time."""
FLOOR_SCRIPT = """import numpy as np
from numba import njit


@njit(cache=True)
def total(x):
    return x.sum()


total(np.ones(3))
"""
"""The floor: Python, NumPy, Numba and one cached kernel, nothing of optibench."""


def add_arguments(parser) -> None:
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per command after the warm-up; the best counts (5)")
    add_output_arguments(parser)


def _optibench() -> str:
    """Path of the ``optibench`` command: beside this interpreter, else on PATH."""
    beside = Path(sys.executable).parent / "optibench"
    found = str(beside) if beside.exists() else shutil.which("optibench")
    if found is None:
        raise SystemExit("startup benchmark: the `optibench` command is not installed (pip install -e .)")
    return found


def timed(command: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system), in s, of one run of ``command`` by ``/usr/bin/time``; output discarded."""
    proc = subprocess.run([TIME, "-f", "%e %U %S", *command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with status {proc.returncode}: {proc.stderr.strip()}")
    wall, user, system = (float(x) for x in proc.stderr.strip().splitlines()[-1].split())
    return wall, user + system


def import_times(argv: tuple[str, ...]) -> tuple[float, list[tuple[str, float]]]:
    """Import time (s) of ``optibench argv`` run in-process, and per top-level package (s), largest first.

    Parses ``python -X importtime`` (lines ``import time: self_us | cumulative_us | name``).
    """
    code = f"import sys; from optibench.cli import main; sys.exit(main({list(argv)!r}))"
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ).stderr
    by_package: defaultdict[str, float] = defaultdict(float)
    for line in err.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = line.removeprefix("import time:").split("|")
        by_package[name.strip().split(".")[0]] += int(self_us) / 1e6
    top = sorted(by_package.items(), key=lambda item: item[1], reverse=True)[:TOP_PACKAGES]
    return sum(by_package.values()), top


def best_of(command: list[str], repeats: int) -> tuple[list[float], float, float]:
    """Wall times (s) of ``repeats`` runs of ``command`` after a warm-up, the best of them and that run's CPU time (s)."""
    timed(command)  # warm-up: Numba's cache, the file system's
    runs = [timed(command) for _ in range(repeats)]
    best, cpu = min(runs)
    return [wall for wall, _ in runs], best, cpu


def floor(repeats: int) -> dict[str, float]:
    """Best wall time and its CPU time (s) of :data:`FLOOR_SCRIPT` run as a script (its cache in a temporary folder)."""
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "cached_kernel.py"
        script.write_text(FLOOR_SCRIPT, encoding="utf-8")
        _, best, cpu = best_of([sys.executable, str(script)], repeats)
    return {"best_s": best, "best_cpu_s": cpu}


def measure(argv: tuple[str, ...], repeats: int) -> dict[str, Any]:
    """One command: wall times (s) of ``repeats`` runs after a warm-up, the best with its CPU time, its import times."""
    walls, best, cpu = best_of([_optibench(), *argv], repeats)
    total, top = import_times(argv)
    return {
        "command": " ".join(["optibench", *argv]),
        "wall_s": walls,
        "best_s": best,
        "best_cpu_s": cpu,
        "goal_met": best < GOAL_S,
        "import_s": total,
        "top_imports_s": top,
    }


def run(repeats: int = 5) -> dict[str, Any]:
    if not Path(TIME).exists():
        raise SystemExit(f"startup benchmark: {TIME} is missing (the GNU time package)")
    if repeats < 1:
        raise SystemExit(f"startup benchmark: --repeats must be >= 1, got {repeats}")
    load_before = load_average()
    rows = [measure(argv, repeats) for argv in COMMANDS]
    numba_floor = floor(repeats)
    return {
        "machine": machine(),
        "goal_s": GOAL_S,
        "repeats": repeats,
        "rows": rows,
        "floor": numba_floor,
        "load_average_1min": [load_before, load_average()],
    }


def format_report(report: dict[str, Any], command: str) -> str:
    lines = [
        *report_header("Start-up benchmark", command, report),
        f"Best wall time of {report['repeats']} runs after one warm-up (`/usr/bin/time`, warm Numba cache) and the CPU "
        f"time (user + system) of that run; goal: wall time under {report['goal_s']:g} s each. Import time: "
        "`python -X importtime` of the same command, each module's own time summed by top-level package.",
        "",
        "| command | best wall (s) | its CPU (s) | all runs, wall (s) | goal | import time (s) | largest imports (s) |",
        "|---|---:|---:|---|---|---:|---|",
    ]
    for r in report["rows"]:
        runs = ", ".join(f"{t:.2f}" for t in r["wall_s"])
        top = ", ".join(f"{name} {s:.3f}" for name, s in r["top_imports_s"])
        goal = f"< {report['goal_s']:g} s: {'met' if r['goal_met'] else 'not met'}"
        lines.append(
            f"| `{r['command']}` | {r['best_s']:.2f} | {r['best_cpu_s']:.2f} | {runs} | {goal} | {r['import_s']:.3f} | {top} |"
        )
    f = report["floor"]
    lines += [
        "",
        f"Floor: a bare Python process that imports Numba and runs one trivial cached kernel, nothing of optibench, "
        f"takes {f['best_s']:.2f} s wall ({f['best_cpu_s']:.2f} s CPU), best of {report['repeats']}: what loading any "
        "cached Numba kernel costs (Numba's import and its typing and target registries, which import `scipy.linalg`).",
    ]
    return "\n".join(lines)


def run_from_args(args, command: str) -> int:
    report = run(args.repeats)
    return emit(args, report, format_report(report, command))
