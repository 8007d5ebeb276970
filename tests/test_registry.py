"""The registry: built-in names resolve to the classes that carry them, lazily."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

import optibench
from optibench.algorithms import BUILTIN as BUILTIN_ALGORITHMS
from optibench.problems import BUILTIN as BUILTIN_PROBLEMS
from optibench.registry import registered


@pytest.mark.parametrize("kind, builtin", [("problems", BUILTIN_PROBLEMS), ("algorithms", BUILTIN_ALGORITHMS)])
def test_every_builtin_name_resolves_to_its_class(kind, builtin):
    for name in builtin:
        assert registered(kind, name).name == name


def test_a_family_imports_only_its_own_module():
    code = (
        "import sys, optibench; optibench.get_problem('evcs-placement', case=1); optibench.get_algorithm('eo');"
        "print(' '.join(m for m in ('cvxpy', 'optibench.problems.hosting_capacity', 'pymoo') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_unknown_names_list_the_registered_ones():
    with pytest.raises(KeyError, match=r"unknown problem 'evcs'.*evcs-placement"):
        optibench.get_problem("evcs")
    assert {"eo", "wso", "ga", "plain-pso"} <= set(optibench.algorithm_names())


def test_the_core_imports_no_family_by_name():
    """optibench/ (CLI, benchmarks, exact models included) reaches problems and algorithms through the registry only."""
    core = Path(optibench.__file__).parent
    pattern = re.compile(r"(from|import)\s+optibench\.(problems|algorithms)\.|from\s+\.\.?(problems|algorithms)\b")
    offenders = [str(path.relative_to(core)) for path in core.rglob("*.py") if pattern.search(path.read_text())]
    assert offenders == []


def test_builtins_are_declared_once():
    """BUILTIN is the only place a built-in's name is written: imported directly, no class names itself."""
    code = (
        "import importlib\n"
        "from optibench.problems import BUILTIN as P\nfrom optibench.algorithms import BUILTIN as A\n"
        "for target in [*P.values(), *A.values()]:\n"
        "    module, _, attr = target.partition(':')\n"
        "    cls = getattr(importlib.import_module(module), attr)\n"
        "    if 'name' in vars(cls): print(target, vars(cls)['name'])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
