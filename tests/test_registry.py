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


@pytest.fixture
def fresh_registry(monkeypatch, tmp_path):
    """The registry as in a new process whose installed plug-ins are the given fake entry points.

    Yields ``install(*entry_points)``; a module ``broken_plugin`` that raises at
    import is importable from ``tmp_path``.
    """
    from importlib.metadata import EntryPoint

    import optibench.registry as registry

    (tmp_path / "broken_plugin.py").write_text("raise RuntimeError('plugin import exploded')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("_REGISTRY", "_PENDING", "_COLLISIONS"):
        monkeypatch.setattr(registry, name, {kind: {} for kind in registry.KINDS})
    monkeypatch.setattr(registry, "_listed", False)

    def install(*specs):
        fakes = [EntryPoint(name, value, f"optibench.{kind}") for kind, name, value in specs]
        monkeypatch.setattr(registry, "entry_points", lambda group: [ep for ep in fakes if ep.group == group])

    return install


def test_plugin_failing_at_import_is_left_out_with_one_warning(fresh_registry, capsys):
    from optibench.cli import main

    fresh_registry(
        ("algorithms", "broken-pso", "broken_plugin:PSO"), ("algorithms", "plain-pso", "optibench_pso_example:PlainPSO")
    )
    with pytest.warns(UserWarning) as caught:
        names = optibench.algorithm_names()
        assert main(["list", "algorithms"]) == 0
        assert optibench.algorithm_names() == names
    assert [str(w.message) for w in caught] == [
        "optibench: plugin 'broken-pso' (broken_plugin:PSO, group optibench.algorithms) could not be loaded "
        "and is left out: RuntimeError: plugin import exploded"
    ]
    assert names == sorted([*BUILTIN_ALGORITHMS, "plain-pso"])
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines() if not line.startswith(" ")]
    assert listed == names
    with pytest.raises(KeyError, match=r"unknown algorithm 'broken-pso'; registered algorithms: cmaes, de, eo"):
        optibench.get_algorithm("broken-pso")


@pytest.mark.parametrize(
    "other, source",
    [
        ("wso", "built-in optibench.algorithms.wso:WarStrategyOptimization"),
        ("plain-pso", "plugin entry point 'plain-pso' = optibench_pso_example:PlainPSO (group optibench.algorithms)"),
    ],
)
def test_name_declared_twice_is_refused_naming_both_sources(fresh_registry, capsys, other, source):
    from optibench.cli import main
    from optibench.registry import NameCollision

    fresh_registry(("algorithms", "plain-pso", "optibench_pso_example:PlainPSO"), ("algorithms", other, "my_package:MyWSO"))
    expected = (
        f"algorithm name '{other}' is declared more than once: {source}; plugin entry point '{other}' = "
        f"my_package:MyWSO (group optibench.algorithms). Each name has one declaration: rename the plugin's entry point"
    )
    for use in (optibench.algorithm_names, lambda: optibench.get_algorithm(other)):
        with pytest.raises(NameCollision) as caught:
            use()
        assert str(caught.value) == expected
    assert main(["list", "algorithms"]) == 2
    assert capsys.readouterr().err == f"optibench list: error: {expected}\n"
    assert optibench.get_algorithm("eo").name == "eo"  # the other names stay usable
    assert "rastrigin" in optibench.problem_names()  # problems are another kind
