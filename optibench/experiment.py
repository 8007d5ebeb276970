"""Experiment files: which problems, algorithms, runs, budget and seed.

An experiment is a TOML file::

    [experiment]
    name = "example"            # default: the file name without .toml
    description = "..."         # optional, printed in the report
    runs = 50                   # runs per (problem instance, algorithm); default 50
    seed = 2024                 # master seed (non-negative integer); default 0
    output = "results/example"  # default: results/<name>, relative to the current folder
    max_evals = 3000            # evaluation budget of every run, or the shorthand:
    # pop_size = 30             #   budget = pop_size x iterations; pop_size is also the
    # iterations = 100          #   default of each algorithm that declares a pop_size parameter

    [[problems]]
    name = "sphere"                        # a registered problem family
    instances = [{dim = 10}, {dim = 30}]   # instance parameters; default [{}]
    # an instance may carry a short label, its name in tables and figures (not a parameter):
    # instances = [{case = 1, label = "case 1"}]

    [[algorithms]]
    name = "eo"                  # a registered algorithm
    params = {pop_size = 30}     # constructor parameters; default {}
    label = "EO"                 # name in tables and plots; default: name

Everything is checked on load, including that each problem instance and
algorithm can be built: an error names the file, the key and the allowed values.
"""

from __future__ import annotations

import inspect
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .registry import algorithm_names, get_algorithm, get_problem, name_families, problem_names, registered

if TYPE_CHECKING:
    from .optimizer import Optimizer
    from .problem import Problem


DEFAULT_RUNS = 50

_KEYS = {
    "top": ("algorithms", "experiment", "problems"),
    "experiment": ("description", "iterations", "max_evals", "name", "output", "pop_size", "runs", "seed"),
    "problems": ("instances", "name"),
    "algorithms": ("label", "name", "params"),
}


class ExperimentError(ValueError):
    """An experiment file that cannot be run; the message names the file and the key."""


@dataclass(frozen=True)
class AlgorithmSpec:
    """One algorithm configuration: registry name, constructor parameters, display label."""

    name: str
    params: dict
    label: str


@dataclass(frozen=True)
class Experiment:
    """A validated experiment.

    Attributes:
        name: experiment name.
        description: free text.
        problems: (registry name, instance parameters) of each problem instance.
        algorithms: the algorithm configurations, labels unique.
        runs: runs per (problem instance, algorithm).
        max_evals: evaluation budget of each run.
        seed: master seed of every run's seed.
        output: results folder.
        source: the experiment file's text.
        instance_labels: the ``label`` given to each entry of ``problems`` (None where none is given);
            a display name only, never part of a run's identity.
    """

    name: str
    description: str
    problems: tuple[tuple[str, dict], ...]
    algorithms: tuple[AlgorithmSpec, ...]
    runs: int
    max_evals: int
    seed: int
    output: Path
    source: str
    instance_labels: tuple[str | None, ...] = ()

    def defines_same_runs(self, other: Experiment) -> bool:
        """True when both give every run the same problem, algorithm, budget and seed (``runs`` may differ)."""
        return (self.problems, self.algorithms, self.max_evals, self.seed) == (
            other.problems,
            other.algorithms,
            other.max_evals,
            other.seed,
        )


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file; raises :class:`ExperimentError`."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ExperimentError(f"{path}: cannot read the experiment file ({exc.strerror})") from None
    return parse_experiment(source, str(path), default_name=path.stem)


def parse_experiment(source: str, where: str = "<experiment>", default_name: str = "experiment") -> Experiment:
    """Validate the TOML text ``source``; ``where`` names it in errors."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise ExperimentError(f"{where}: not valid TOML: {exc}") from None
    check = _Checker(where)
    check.keys(data, "top", "the file")
    exp = data.get("experiment", {})
    check.table(exp, "experiment")
    check.keys(exp, "experiment", "experiment")
    name = check.string(exp, "experiment", "name", default_name)
    runs = check.integer(exp, "experiment", "runs", DEFAULT_RUNS, minimum=1)
    seed = check.integer(exp, "experiment", "seed", 0, minimum=0)
    max_evals, pop_size = _budget(check, exp)
    problems = list(_problem_instances(check, data.get("problems")))
    algorithms = list(_algorithms(check, data.get("algorithms"), pop_size))
    _check_objectives(check, problems, algorithms)
    return Experiment(
        name=name,
        description=check.string(exp, "experiment", "description", ""),
        problems=tuple((problem, instance) for problem, instance, _, _ in problems),
        algorithms=tuple(spec for spec, _ in algorithms),
        runs=runs,
        max_evals=max_evals,
        seed=seed,
        output=Path(check.string(exp, "experiment", "output", f"results/{name}")),
        source=source,
        instance_labels=tuple(label for _, _, _, label in problems),
    )


def _budget(check: _Checker, exp: dict) -> tuple[int, int | None]:
    """(max_evals, pop_size or None) from ``max_evals`` or ``pop_size`` x ``iterations``."""
    given = {k for k in ("max_evals", "pop_size", "iterations") if k in exp}
    if given == {"max_evals"}:
        return check.integer(exp, "experiment", "max_evals", None, minimum=1), None
    if given == {"pop_size", "iterations"}:
        pop = check.integer(exp, "experiment", "pop_size", None, minimum=1)
        return pop * check.integer(exp, "experiment", "iterations", None, minimum=1), pop
    raise check.error(
        "experiment",
        f"the budget needs either max_evals, or pop_size and iterations (got: {', '.join(sorted(given)) or 'none'})",
    )


def _problem_instances(check: _Checker, entries: object) -> Iterator[tuple[str, dict[str, Any], Problem, str | None]]:
    """Yield (name, instance parameters, built problem, label or None) of every instance."""
    known = problem_names()
    seen = []
    labels: list[str] = []
    for i, entry in enumerate(check.array_of_tables(entries, "problems")):
        key = f"problems[{i}]"
        check.keys(entry, "problems", key)
        name = check.choice(entry, key, "name", known)
        instances = entry.get("instances", [{}])
        if not isinstance(instances, list) or not instances:
            raise check.error(f"{key}.instances", "must be a non-empty array of tables, e.g. [{dim = 10}]")
        for j, instance in enumerate(instances):
            where = f"{key}.instances[{j}]"
            check.table(instance, where)
            label = None
            if "label" in instance:
                instance = dict(instance)
                label = check.string(instance, where, "label", "")
                del instance["label"]
                if label in labels:
                    raise check.error(f"{where}.label", f"label {label!r} is used twice; give each instance its own label")
                labels.append(label)
            check.arguments(instance, where, registered("problems", name), f"problem {name!r}")
            if (name, instance) in seen:
                raise check.error(where, f"problem {name!r} {instance} is listed twice")
            seen.append((name, instance))
            try:
                problem = get_problem(name, **instance)
            except Exception as exc:
                raise check.error(where, _rejection(f"problem {name!r}", instance, exc)) from None
            yield name, instance, problem, label


def _algorithms(check: _Checker, entries: object, pop_size: int | None) -> Iterator[tuple[AlgorithmSpec, Optimizer]]:
    """Yield (spec, built optimizer) of every algorithm configuration."""
    known = algorithm_names()
    labels = []
    for i, entry in enumerate(check.array_of_tables(entries, "algorithms")):
        key = f"algorithms[{i}]"
        check.keys(entry, "algorithms", key)
        name = entry.get("name")
        if not (isinstance(name, str) and name.startswith(tuple(name_families("algorithms")))):
            name = check.choice(entry, key, "name", known)
        check.table(entry.get("params", {}), f"{key}.params")
        params = dict(entry.get("params", {}))
        try:
            factory = registered("algorithms", name)
        except (KeyError, ModuleNotFoundError) as exc:  # a name of a family (ng:<name>) that does not resolve
            raise check.error(f"{key}.name", str(exc.args[0])) from None
        check.arguments(params, f"{key}.params", factory, f"algorithm {name!r}")
        if pop_size is not None and _declares(factory, "pop_size"):
            params.setdefault("pop_size", pop_size)
        try:
            optimizer = get_algorithm(name, **params)
        except Exception as exc:
            raise check.error(f"{key}.params", _rejection(f"algorithm {name!r}", params, exc)) from None
        label = check.string(entry, key, "label", name)
        if label in labels:
            raise check.error(f"{key}.label", f"label {label!r} is used twice; give each configuration its own label")
        labels.append(label)
        yield AlgorithmSpec(name, params, label), optimizer


def _declares(factory: Callable[..., Any], parameter: str) -> bool:
    """True when the algorithm ``factory`` takes ``parameter`` (in its signature or its ``param_rules``)."""
    return parameter in inspect.signature(factory).parameters or parameter in getattr(factory, "param_rules", {})


def _rejection(what: str, values: dict, exc: Exception) -> str:
    """Why a constructor refused ``values``: a ValueError already names the owner and the key."""
    if isinstance(exc, ValueError):
        return str(exc)
    return f"{what} rejects {values}: {type(exc).__name__}: {exc}"


def _check_objectives(
    check: _Checker,
    problems: Iterable[tuple[str, dict[str, Any], Problem, str | None]],
    algorithms: Iterable[tuple[AlgorithmSpec, Optimizer]],
) -> None:
    """Every algorithm must handle every problem's number of objectives."""
    for name, instance, problem, _ in problems:
        for spec, optimizer in algorithms:
            if optimizer.n_obj_supported not in (None, problem.n_obj):
                raise check.error(
                    "algorithms",
                    f"{spec.label!r} handles {optimizer.n_obj_supported} objective(s) "
                    f"but problem {name!r} {instance} has {problem.n_obj}",
                )


class _Checker:
    """Type and key checks whose errors name the file, the key and the allowed values."""

    def __init__(self, where: str) -> None:
        self.where = where

    def error(self, key: str, message: str) -> ExperimentError:
        return ExperimentError(f"{self.where}: {key}: {message}")

    def table(self, value: object, key: str) -> None:
        if not isinstance(value, dict):
            raise self.error(key, f"must be a table, got {value!r}")

    def array_of_tables(self, value: object, key: str) -> list[dict[str, Any]]:
        if not value:
            raise self.error(key, f"at least one [[{key}]] entry is required")
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.error(key, f"must be an array of tables, written [[{key}]]")
        return value

    def keys(self, table: dict, kind: str, key: str) -> None:
        allowed = _KEYS[kind]
        unknown = sorted(set(table) - set(allowed))
        if unknown:
            raise self.error(key, f"unknown key {unknown[0]!r}; allowed: {', '.join(allowed)}")

    def arguments(self, given: dict[str, Any], key: str, factory: Callable[..., Any], what: str) -> None:
        params = inspect.signature(factory).parameters
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
            return
        allowed = [n for n, p in params.items() if p.kind is not inspect.Parameter.VAR_POSITIONAL]
        unknown = sorted(set(given) - set(allowed))
        if unknown:
            raise self.error(key, f"{what} has no parameter {unknown[0]!r}; allowed: {', '.join(allowed) or 'none'}")

    def choice(self, table: dict, key: str, field: str, allowed: list[str]) -> str:
        value = table.get(field)
        if value not in allowed:
            raise self.error(f"{key}.{field}", f"got {value!r}; allowed: {', '.join(allowed)}")
        return value

    def string(self, table: dict, key: str, field: str, default: str) -> str:
        value = table.get(field, default)
        if not isinstance(value, str) or (not value and field != "description"):
            raise self.error(f"{key}.{field}", f"must be a non-empty string, got {value!r}")
        return value

    def integer(self, table: dict, key: str, field: str, default: int | None, minimum: int) -> int:
        value = table.get(field, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.error(f"{key}.{field}", f"must be an integer >= {minimum}, got {value!r}")
        return value
