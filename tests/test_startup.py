"""Start-up: ``optibench --help``, ``list problems`` and ``powerflow ieee69`` import only what they use.

Each command runs in a fresh interpreter; the test reads which heavy libraries
it left in ``sys.modules``. The wall times themselves are measured by
``benchmarks/perf/startup.py`` (no timed tests).
"""

import json
import subprocess
import sys

import pytest

PROBE = """
import contextlib, io, json, sys
from optibench.cli import main

out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        main(sys.argv[1:])
    except SystemExit:  # --help
        pass
print(json.dumps({"output": out.getvalue(), "modules": sorted(sys.modules)}))
"""

LIBRARIES = ("cvxpy", "pandas", "pyarrow", "matplotlib", "seaborn", "pymoo", "joblib", "clarabel", "highspy", "pyscipopt")
"""Heavy libraries none of the three commands needs (modelling, tables, plots, pymoo, the process pool, solvers)."""
SCIPY_UNUSED = ("scipy.stats", "scipy.special", "scipy.sparse", "scipy.optimize")
"""scipy packages none of them needs (numba imports ``scipy`` and, to load a cached kernel, ``scipy.linalg``)."""


def loaded(argv: list[str]) -> tuple[str, set[str]]:
    """The command's standard output and the modules loaded once it has run, in a fresh interpreter."""
    proc = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=True)
    report = json.loads(proc.stdout.splitlines()[-1])
    return report["output"], set(report["modules"])


def under(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    """The modules of ``modules`` that are one of ``packages`` or inside one."""
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in packages))


@pytest.mark.parametrize(
    "argv, expected_output, absent",
    [
        (["--help"], "usage: optibench", (*LIBRARIES, "numba", "scipy", "optibench.exact", "optibench.problems")),
        (["list", "problems"], "evcs-placement", (*LIBRARIES, *SCIPY_UNUSED, "optibench.exact", "optibench.problems.dg_certify")),
        (["powerflow", "ieee69"], "power flow converged", (*LIBRARIES, *SCIPY_UNUSED, "optibench.exact", "optibench.problems")),
    ],
    ids=["help", "list-problems", "powerflow"],
)
def test_command_leaves_heavy_libraries_unimported(argv, expected_output, absent):
    output, modules = loaded(argv)
    assert expected_output in output
    assert under(modules, absent) == []


def test_the_power_flow_loads_numba_and_the_listing_every_family():
    """The probe sees what a command does import: the kernel's numba, and each family's module when listing."""
    _, modules = loaded(["powerflow", "ieee69"])
    assert {"numba", "optibench.sweep_kernel"} <= modules
    _, modules = loaded(["list", "problems"])
    assert {"optibench.problems.hosting_capacity", "optibench.problems.sop_siting", "optibench.problems.ev_scheduling"} <= modules
