"""Faithfulness check: optibench's algorithms against their papers' tables and ports of the authors' code.

    python benchmarks/faithfulness/run.py [NAME ...] [--runs N] [--functions F1,F9] [--jobs J] -o results/faithfulness/

For each ``published/<name>.toml`` (or the names given; without names, every file whose algorithm is
registered), on the test functions F1-F13 of ``functions.py`` at the paper's protocol: optibench's
implementation through :func:`optibench.minimize` with the budget ``pop_size * max_iter`` evaluations, and the
port ``reference/<name>.py`` (or the file the toml's ``reference`` names) with ``pop_size`` agents and
``max_iter`` iterations, the same number of runs each. Each run's seed is
``optibench.runner.run_seed(MASTER_SEED, owner, function, run)``, the owner being the algorithm's name for
optibench's runs and ``reference/<port>`` for the port's; its ``SeedSequence`` spawns the streams of the
algorithm and of F7's noise, so a rerun reproduces every value whatever ``--jobs``.

Writes ``OUT/runs.csv`` (one row per run: its seed, final best value in full precision and objective
evaluations; rows of the algorithms and functions run replace their old rows), ``OUT/<name>.md`` per algorithm
and ``OUT/README.md`` (see ``report.py``). Every file is checked before any run starts; a bad one is an error
naming the file and key.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import shlex
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed

import optibench
from optibench.checks import check_values, integer, real, text
from optibench.problem import Evaluation, Problem
from optibench.registry import algorithm_names
from optibench.runner import run_seed
from optibench.variables import Real, VariableSpace

HERE = Path(__file__).resolve().parent
PUBLISHED = HERE / "published"
REFERENCE = HERE / "reference"
MASTER_SEED = 1999
"""Master seed of every run of the check (the year of Yao, Liu and Lin's test functions)."""

IMPLEMENTATIONS = ("ours", "reference")
CSV_COLUMNS = ("algorithm", "function", "implementation", "run", "seed", "value", "evaluations")


def load(path: Path):
    """The Python file ``path`` as a module (the check's files are scripts, not a package); loaded once."""
    parts = [path.stem] if path.resolve().parent == HERE else [path.parent.name, path.stem]
    name = "_".join(["faithfulness", *parts]).replace("-", "_")
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def functions():
    """``functions.FUNCTIONS``: name -> TestFunction."""
    return load(HERE / "functions.py").FUNCTIONS


@dataclass(frozen=True)
class Spec:
    """One ``published/<name>.toml``: the algorithm, its paper's protocol and published values.

    Attributes:
        name: the file's stem (the registry name of the algorithm checked).
        algorithm: registry name; params: its parameters (``pop_size`` comes from the protocol).
        citation, reference_code, table, note: text for the tables.
        pop_size, max_iter, runs, dim: the paper's protocol (evaluations per run = pop_size * max_iter).
        published: function -> (mean, std) from the paper's table.
        reference: path of the port of the authors' code, or None.
    """

    name: str
    algorithm: str
    params: dict
    citation: str
    reference_code: str
    table: str
    note: str
    pop_size: int
    max_iter: int
    runs: int
    dim: int
    published: dict
    reference: Path | None


TOP_RULES = {
    "algorithm": text(),
    "citation": text(),
    "reference_code": text(),
    "table": text(empty=True),
    "note": text(empty=True),
}
PROTOCOL_RULES = {"pop_size": integer(1), "max_iter": integer(1), "runs": integer(2), "dim": integer(1)}
ENTRY_RULES = {"mean": real(), "std": real(0)}


def load_spec(path: Path) -> Spec:
    """Read and check ``path``; ValueError naming the file and key on anything wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"{path}: cannot read: {error}") from None
    known = set(TOP_RULES) | {"params", "protocol", "functions", "reference"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"{path}: unknown key(s) {unknown}; allowed: {sorted(known)}")
    for key in TOP_RULES:
        if key not in data:
            raise ValueError(f"{path}: missing key {key!r}")
    top = check_values(str(path), TOP_RULES, {k: data[k] for k in TOP_RULES})
    protocol = data.get("protocol")
    if not isinstance(protocol, dict) or set(protocol) != set(PROTOCOL_RULES):
        raise ValueError(f"{path}: protocol must be a table with exactly the keys {sorted(PROTOCOL_RULES)}, got {protocol!r}")
    protocol = check_values(f"{path}: protocol", PROTOCOL_RULES, protocol)
    params = data.get("params", {})
    if not isinstance(params, dict) or "pop_size" in params:
        raise ValueError(f"{path}: params must be a table without pop_size (it comes from protocol), got {params!r}")
    table = functions()
    dims = {t.dim for t in table.values()}
    if protocol["dim"] not in dims:
        raise ValueError(f"{path}: protocol.dim must be {sorted(dims)} (the functions' dimension), got {protocol['dim']}")
    published = {}
    if not isinstance(data.get("functions", {}), dict):
        raise ValueError(f"{path}: functions must be a table of [functions.F<n>] entries")
    for fname, entry in data.get("functions", {}).items():
        if fname not in table:
            raise ValueError(f"{path}: functions.{fname} is not one of {list(table)}")
        if not isinstance(entry, dict) or set(entry) != set(ENTRY_RULES):
            raise ValueError(f"{path}: functions.{fname} must have exactly the keys mean and std, got {entry!r}")
        entry = check_values(f"{path}: functions.{fname}", ENTRY_RULES, entry)
        published[fname] = (entry["mean"], entry["std"])
    reference = _reference_path(path, data.get("reference"))
    return Spec(
        name=path.stem,
        params=params,
        published=published,
        reference=reference,
        **top,
        **protocol,
    )


def _reference_path(path: Path, named) -> Path | None:
    if named is None:
        own = REFERENCE / f"{path.stem}.py"
        return own if own.is_file() else None
    if not isinstance(named, str) or not (REFERENCE / f"{named}.py").is_file():
        raise ValueError(f"{path}: reference = {named!r} names no file reference/<name>.py in {REFERENCE}")
    return REFERENCE / f"{named}.py"


def check_spec(spec: Spec) -> None:
    """The algorithm is registered and accepts the parameters; the port has a ``run`` function."""
    source = PUBLISHED / f"{spec.name}.toml"
    try:
        optibench.get_algorithm(spec.algorithm, pop_size=spec.pop_size, **spec.params)
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{source}: algorithm {spec.algorithm!r} with params {spec.params}: {error}") from None
    if spec.reference is not None and not callable(getattr(load(spec.reference), "run", None)):
        raise ValueError(f"{spec.reference}: defines no function run(objective, lb, ub, dim, pop_size, max_iter, rng)")


class Classic(Problem):
    """One test function as an optibench problem: a box of ``dim`` reals, F7's noise from ``noise``."""

    name = "faithfulness"

    def __init__(self, function, dim: int, noise: np.random.Generator):
        names = [f"x{i + 1}" for i in range(dim)]
        super().__init__(VariableSpace([Real(n, function.lb, function.ub) for n in names]), function=function.name, dim=dim)
        self.function = function
        self.noise = noise

    def _evaluate(self, Z):
        return Evaluation(F=self.function.evaluate(Z, self.noise)[:, None], G=np.empty((len(Z), 0)))


def seed_of(spec: Spec, fname: str, implementation: str, run: int) -> int:
    """A run's seed, keyed by the algorithm's name for ours and by the port's file for the reference, so that two
    algorithms compared with one port at one protocol share the port's runs."""
    owner = spec.name if implementation == "ours" else f"reference/{spec.reference.stem}"
    return run_seed(MASTER_SEED, owner, fname, run)


def job_key(spec: Spec, fname: str, implementation: str, run: int) -> tuple:
    """What fixes a run's value; runs with equal keys are run once."""
    owner = spec.name if implementation == "ours" else str(spec.reference)
    return (owner, implementation, fname, run, spec.pop_size, spec.max_iter, spec.dim)


def one_run(spec: Spec, fname: str, implementation: str, run: int) -> tuple[float, int]:
    """The final best value and the number of objective evaluations of one run (optibench's implementation, or
    the port of the authors' code, whose calls of the objective are counted).

    The run's ``SeedSequence`` spawns two streams: the algorithm's and that of F7's noise.
    """
    function = functions()[fname]
    algorithm_stream, noise_stream = np.random.SeedSequence(seed_of(spec, fname, implementation, run)).spawn(2)
    noise = np.random.default_rng(noise_stream)
    if implementation == "ours":
        problem = Classic(function, spec.dim, noise)
        optimizer = optibench.get_algorithm(spec.algorithm, pop_size=spec.pop_size, **spec.params)
        result = optibench.minimize(problem, optimizer, spec.pop_size * spec.max_iter, seed=algorithm_stream)
        return float(result.f), result.n_evals
    calls = [0]

    def objective(x):
        calls[0] += 1
        return float(function.evaluate(x[None, :], noise)[0])

    port = load(spec.reference)
    rng = np.random.default_rng(algorithm_stream)
    curve = port.run(objective, function.lb, function.ub, spec.dim, spec.pop_size, spec.max_iter, rng)
    if len(curve) != spec.max_iter:
        raise ValueError(f"{spec.reference}: run() returned {len(curve)} values, expected max_iter = {spec.max_iter}")
    return float(curve[-1]), calls[0]


def plan(specs: list[Spec], fnames: list[str], runs: int | None) -> list[tuple]:
    """Every (spec, function, implementation, run) to report."""
    return [
        (spec, fname, impl, run)
        for spec in specs
        for fname in fnames
        for impl in IMPLEMENTATIONS
        if impl == "ours" or spec.reference is not None
        for run in range(runs or spec.runs)
    ]


def execute(tasks: list[tuple], jobs: int) -> list[tuple[float, int]]:
    """The value and evaluations of every task, each distinct run (:func:`job_key`) run once, ``jobs`` processes."""
    distinct = {}
    for task in tasks:
        distinct.setdefault(job_key(*task), task)
    print(f"{len(tasks)} runs, {len(distinct)} distinct", file=sys.stderr)
    values = dict(zip(distinct, Parallel(n_jobs=jobs)(delayed(one_run)(*task) for task in distinct.values())))
    return [values[job_key(*task)] for task in tasks]


def read_rows(path: Path) -> list[dict]:
    """The rows of ``runs.csv`` (values as float, run as int), or [] when there is none."""
    if not path.is_file():
        return []
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row["run"], row["seed"], row["value"] = int(row["run"]), int(row["seed"]), float(row["value"])
        row["evaluations"] = int(row["evaluations"])
    return rows


def write_rows(path: Path, rows: list[dict]) -> None:
    """``runs.csv``, sorted by algorithm, function number, implementation and run; values by ``repr`` (exact)."""
    order = {name: i for i, name in enumerate(functions())}
    rows = sorted(rows, key=lambda r: (r["algorithm"], order[r["function"]], r["implementation"], r["run"]))
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(
            [r["algorithm"], r["function"], r["implementation"], r["run"], r["seed"], repr(r["value"]), r["evaluations"]]
            for r in rows
        )
    tmp.replace(path)


def select_specs(names: list[str]) -> list[Spec]:
    """The specs named (all of them, and an error for an unknown or unregistered name), or every registered one."""
    available = sorted(p.stem for p in PUBLISHED.glob("*.toml"))
    unknown = [n for n in names if n not in available]
    if unknown:
        raise ValueError(f"no {PUBLISHED}/<name>.toml for {unknown}; available: {available}")
    specs = [load_spec(PUBLISHED / f"{n}.toml") for n in (names or available)]
    if not names:
        registered = set(algorithm_names())
        skipped = [s.name for s in specs if s.algorithm not in registered]
        if skipped:
            print(f"skipped (algorithm not registered): {skipped}", file=sys.stderr)
        specs = [s for s in specs if s.algorithm in registered]
    for spec in specs:
        check_spec(spec)
    return specs


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="published/<name>.toml to run (default: every registered one)")
    parser.add_argument("--runs", type=int, help="runs per function and implementation (default: the paper's)")
    parser.add_argument("--functions", help="comma-separated subset of F1..F13 (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel processes (default 2)")
    parser.add_argument("-o", "--out", type=Path, required=True, help="results folder, e.g. results/faithfulness/")
    args = parser.parse_args(argv)
    table = functions()
    args.functions = args.functions.split(",") if args.functions else list(table)
    bad = [f for f in args.functions if f not in table]
    if bad:
        parser.error(f"--functions: {bad} not among {list(table)}")
    if args.runs is not None and args.runs < 2:
        parser.error(f"--runs must be >= 2, got {args.runs}")
    if args.jobs < 1:
        parser.error(f"--jobs must be >= 1, got {args.jobs}")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        specs = select_specs(args.names)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    tasks = plan(specs, args.functions, args.runs)
    print(f"{', '.join(s.name for s in specs)} on {','.join(args.functions)}", file=sys.stderr)
    start = time.perf_counter()
    values = execute(tasks, args.jobs)
    elapsed = time.perf_counter() - start
    args.out.mkdir(parents=True, exist_ok=True)
    csv_path = args.out / "runs.csv"
    done = {(s.name, f) for s in specs for f in args.functions}
    rows = [r for r in read_rows(csv_path) if (r["algorithm"], r["function"]) not in done]
    rows += [
        {
            "algorithm": s.name,
            "function": f,
            "implementation": impl,
            "run": run,
            "seed": seed_of(s, f, impl, run),
            "value": v,
            "evaluations": n,
        }
        for (s, f, impl, run), (v, n) in zip(tasks, values)
    ]
    write_rows(csv_path, rows)
    report = load(HERE / "report.py")
    command = "python " + shlex.join(["benchmarks/faithfulness/run.py", *(argv if argv is not None else sys.argv[1:])])
    known = {s.name: s for s in specs}
    for name in sorted({r["algorithm"] for r in rows} - set(known)):
        if (PUBLISHED / f"{name}.toml").is_file():
            known[name] = load_spec(PUBLISHED / f"{name}.toml")
    written = report.write_all(
        args.out, rows, known, functions(), command, elapsed, len(tasks), set(known) & {s.name for s in specs}
    )
    print(f"{elapsed:.0f} s; wrote {csv_path} and {', '.join(str(p) for p in written)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
