"""The test functions F1-F13 of the faithfulness check (benchmarks/faithfulness/functions.py): the minimum at the
known minimiser, a value worked out by hand at a simple point, and a scalar loop written from Yao, Liu and Lin
(1999) at random points; and the check's stored per-run values re-run bit-identically."""

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
FAITHFULNESS = ROOT / "benchmarks" / "faithfulness"


def _load(path: Path):
    """A script of the check as a module (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"faithfulness_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


harness = _load(FAITHFULNESS / "run.py")
report = harness.load(FAITHFULNESS / "report.py")
fx = harness.load(FAITHFULNESS / "functions.py")
D = 30


def u(x, a, k, m):
    if x > a:
        return k * (x - a) ** m
    if x < -a:
        return k * (-x - a) ** m
    return 0.0


def scalar(name: str, x: list[float]) -> float:
    """The function by its textbook formula, one coordinate at a time (F7 without its noise)."""
    n = len(x)
    if name == "F1":
        return sum(v * v for v in x)
    if name == "F2":
        return sum(abs(v) for v in x) + math.prod(abs(v) for v in x)
    if name == "F3":
        return sum(sum(x[: i + 1]) ** 2 for i in range(n))
    if name == "F4":
        return max(abs(v) for v in x)
    if name == "F5":
        return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (x[i] - 1) ** 2 for i in range(n - 1))
    if name == "F6":
        return sum((v + 0.5) ** 2 for v in x)
    if name == "F7":
        return sum((i + 1) * x[i] ** 4 for i in range(n))
    if name == "F8":
        return sum(-v * math.sin(math.sqrt(abs(v))) for v in x)
    if name == "F9":
        return sum(v * v - 10 * math.cos(2 * math.pi * v) + 10 for v in x)
    if name == "F10":
        s1 = sum(v * v for v in x) / n
        s2 = sum(math.cos(2 * math.pi * v) for v in x) / n
        return -20 * math.exp(-0.2 * math.sqrt(s1)) - math.exp(s2) + 20 + math.e
    if name == "F11":
        return sum(v * v for v in x) / 4000 - math.prod(math.cos(x[i] / math.sqrt(i + 1)) for i in range(n)) + 1
    if name == "F12":
        y = [1 + (v + 1) / 4 for v in x]
        body = 10 * math.sin(math.pi * y[0]) ** 2
        body += sum((y[i] - 1) ** 2 * (1 + 10 * math.sin(math.pi * y[i + 1]) ** 2) for i in range(n - 1))
        body += (y[-1] - 1) ** 2
        return math.pi / n * body + sum(u(v, 10, 100, 4) for v in x)
    if name == "F13":
        body = math.sin(3 * math.pi * x[0]) ** 2
        body += sum((x[i] - 1) ** 2 * (1 + math.sin(3 * math.pi * x[i + 1]) ** 2) for i in range(n - 1))
        body += (x[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * x[-1]) ** 2)
        return 0.1 * body + sum(u(v, 5, 100, 4) for v in x)
    raise KeyError(name)


RANGES = {
    "F1": (-100, 100),
    "F2": (-10, 10),
    "F3": (-100, 100),
    "F4": (-100, 100),
    "F5": (-30, 30),
    "F6": (-100, 100),
    "F7": (-1.28, 1.28),
    "F8": (-500, 500),
    "F9": (-5.12, 5.12),
    "F10": (-32, 32),
    "F11": (-600, 600),
    "F12": (-50, 50),
    "F13": (-50, 50),
}
"""Yao, Liu and Lin (1999), Table I, and the GWO paper's Tables 1-2."""


def test_thirteen_functions_with_the_published_ranges_at_dimension_30():
    assert list(fx.FUNCTIONS) == [f"F{i}" for i in range(1, 14)]
    for name, t in fx.FUNCTIONS.items():
        assert (t.lb, t.ub) == RANGES[name], name
        assert t.dim == D
        assert t.noisy == (name == "F7")


@pytest.mark.parametrize("name", [f"F{i}" for i in range(1, 14)])
def test_minimiser_gives_f_min(name):
    t = fx.FUNCTIONS[name]
    x = np.full((1, D), t.x_min)
    expected = -418.982887272433799807913601398 * D if name == "F8" else 0.0  # Yao et al.: -12569.5 at d = 30
    assert t.f_min == pytest.approx(expected, abs=1e-9)
    assert t.f(x)[0] == pytest.approx(t.f_min, abs=1e-9)
    assert t.lb <= t.x_min <= t.ub


HAND = {
    "F1": (1.0, 30.0),
    "F2": (1.0, 31.0),
    "F3": (1.0, 30 * 31 * 61 / 6),  # sum of i^2
    "F5": (0.0, 29.0),
    "F6": (0.0, 30 * 0.25),
    "F7": (1.0, 30 * 31 / 2),  # sum of i, noise left out
    "F8": (math.pi**2 / 4, -30 * math.pi**2 / 4),  # sqrt(x) = pi/2: sin = 1
    "F9": (0.5, 30 * (0.25 + 10) + 300),  # cos(pi) = -1
    "F10": (1.0, 20 - 20 * math.exp(-0.2)),  # cos(2 pi) = 1: the e terms cancel
    "F12": (3.0, math.pi),  # y = 2: every sine vanishes, 29 + 1 squared terms
    "F13": (2.0, 3.0),  # every sine vanishes: 0.1 (29 + 1)
}
"""Function -> (the value of every coordinate, the function's value there), worked out by hand."""


@pytest.mark.parametrize("name", sorted(HAND))
def test_value_worked_out_by_hand_at_a_constant_point(name):
    value, expected = HAND[name]
    assert fx.FUNCTIONS[name].f(np.full((1, D), value))[0] == pytest.approx(expected, rel=1e-12)


def test_values_worked_out_by_hand_at_other_points():
    x = np.zeros((1, D))
    x[0, 17] = -7.0
    assert fx.FUNCTIONS["F4"].f(x)[0] == 7.0
    i = np.arange(1, D + 1)
    x = (np.pi / 2 * np.sqrt(i))[None, :]  # every cosine vanishes
    assert fx.FUNCTIONS["F11"].f(x)[0] == pytest.approx(np.pi**2 / 4 * i.sum() / 4000 + 1, rel=1e-12)
    x = np.full((1, D), 7.0)  # outside [-5, 5]: 100 (7 - 5)^4 per coordinate
    assert fx.FUNCTIONS["F13"].f(x)[0] == pytest.approx(30 * 1600 + 0.1 * 30 * 36, rel=1e-12)
    x = np.full((1, D), -13.0)  # outside [-10, 10]: 100 (13 - 10)^4 per coordinate; y = -2
    assert fx.FUNCTIONS["F12"].f(x)[0] == pytest.approx(30 * 8100 + np.pi / 30 * 30 * 9, rel=1e-12)


@pytest.mark.parametrize("name", [f"F{i}" for i in range(1, 14)])
def test_vectorised_values_equal_a_scalar_loop_at_random_points(name):
    t = fx.FUNCTIONS[name]
    rng = np.random.default_rng(17)
    X = t.lb + (t.ub - t.lb) * rng.random((6, D))
    X[0] *= 0.01  # near the centre, where the penalties are off
    expected = [scalar(name, list(x)) for x in X]
    assert t.f(X) == pytest.approx(expected, rel=1e-10, abs=1e-12)


def test_f7_noise_comes_from_the_generator_given():
    t = fx.FUNCTIONS["F7"]
    X = np.zeros((4, D))
    assert np.array_equal(t.evaluate(X, np.random.default_rng(3)), np.random.default_rng(3).random(4))
    with pytest.raises(ValueError, match="F7 is noisy"):
        t.evaluate(X)
    assert np.array_equal(fx.FUNCTIONS["F1"].evaluate(X), np.zeros(4))


def test_stored_runs_re_run_bit_identically():
    """One run of each implementation in results/faithfulness/runs.csv (EO on F1, run 0) re-runs from its seed."""
    rows = harness.read_rows(ROOT / "results" / "faithfulness" / "runs.csv")
    spec = harness.load_spec(harness.PUBLISHED / "eo.toml")
    for implementation in ("ours", "reference"):
        (row,) = [
            r for r in rows if (r["algorithm"], r["function"], r["implementation"], r["run"]) == ("eo", "F1", implementation, 0)
        ]
        owner = "eo" if implementation == "ours" else "reference/eo"
        assert row["seed"] == harness.run_seed(harness.MASTER_SEED, owner, "F1", 0)
        assert harness.one_run(spec, "F1", implementation, 0) == (row["value"], row["evaluations"])


def test_eo_port_starts_from_the_best_of_a_uniform_population():
    """EO.m's first curve value is the best of ``rand(N, dim) .* (ub - lb) + lb``, and the curve never rises."""
    port = harness.load(FAITHFULNESS / "reference" / "eo.py")
    curve = port.run(lambda x: float(np.sum(x * x)), -5.0, 5.0, 4, 6, 20, np.random.default_rng(8))
    first = -5.0 + 10.0 * np.random.default_rng(8).random((6, 4))
    assert curve.shape == (20,)
    assert curve[0] == np.min(np.sum(first * first, axis=1))
    assert np.all(np.diff(curve) <= 0)


GOOD_SPEC = (
    'algorithm = "eo"\nparams = {}\ncitation = "C"\nreference_code = "R"\ntable = ""\nnote = ""\n'
    "protocol = { pop_size = 30, max_iter = 500, runs = 30, dim = 30 }\n"
)


def _write(folder: Path, text: str, name: str = "eo") -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda t: t.replace('citation = "C"\n', ""), "missing key 'citation'"),
        (lambda t: t + "[functions.F14]\nmean = 1.0\nstd = 0.0\n", "functions.F14 is not one of"),
        (lambda t: t + "[functions.F1]\nmean = 1.0\nstd = -1.0\n", "functions.F1: std must be"),
        (lambda t: t.replace("dim = 30", "dim = 10"), "protocol.dim must be"),
        (lambda t: t.replace("runs = 30", 'runs = "30"'), "protocol: runs must be an integer"),
        (lambda t: t + 'extra = "x"\n', "unknown key"),
        (lambda t: t.replace("params = {}", "params = { pop_size = 5 }"), "params must be a table without pop_size"),
        (lambda t: t.replace("table = ", 'reference = "nothing"\ntable = '), "reference = 'nothing' names no file"),
    ],
)
def test_bad_published_file_is_refused_naming_file_and_key(tmp_path, edit, message):
    assert harness.load_spec(_write(tmp_path, GOOD_SPEC)).runs == 30
    with pytest.raises(ValueError, match=message) as error:
        harness.load_spec(_write(tmp_path, edit(GOOD_SPEC)))
    assert "eo.toml" in str(error.value)


def test_unknown_algorithm_parameter_is_refused_before_any_run(tmp_path):
    spec = harness.load_spec(_write(tmp_path, GOOD_SPEC.replace("params = {}", "params = { a9 = 1.0 }")))
    with pytest.raises(ValueError, match="algorithm 'eo'.*a9"):
        harness.check_spec(spec)


def test_welch_from_summary_statistics_equals_the_test_on_the_samples():
    rng = np.random.default_rng(5)
    a, b = rng.normal(1.0, 1.0, 30), rng.normal(1.6, 2.0, 25)
    expected = stats.ttest_ind(a, b, equal_var=False).pvalue
    assert report.welch_p(a.mean(), a.std(ddof=1), 30, b.mean(), b.std(ddof=1), 25) == pytest.approx(expected, rel=1e-12)
    assert report.welch_p(0.0, 0.0, 30, 0.0, 0.0, 30) == 1.0
    assert report.mann_whitney_p(np.zeros(5), np.zeros(5)) == 1.0
    assert report.mann_whitney_p(np.arange(10.0), np.arange(10.0) + 100) < 1e-3


def test_verdict_rule():
    assert report.agreement(0.02, 5.0, 1.0, 0.0) == "agrees"
    assert report.agreement(0.001, 5.0, 1.0, 0.0) == "differs"
    assert report.agreement(1e-12, 1e-40, 1e-20, 0.0) == "agrees at f_min"
    assert report.agreement(1e-12, 1e-40, 1e-7, 0.0) == "differs"
    assert report.verdict("agrees", None) == "match"
    assert report.verdict(None, "agrees at f_min") == "match at f_min"
    assert report.verdict("differs", "differs") == "differs from paper and reference"
    assert report.verdict(None, None) == "no comparison"


def test_algorithms_compared_with_one_port_share_its_runs(tmp_path):
    other = harness.load_spec(_write(tmp_path, GOOD_SPEC.replace("table = ", 'reference = "eo"\ntable = '), "other"))
    eo = harness.load_spec(harness.PUBLISHED / "eo.toml")
    tasks = harness.plan([eo, other], ["F1"], 2)
    assert len(tasks) == 8
    assert len({harness.job_key(*t) for t in tasks}) == 6  # the two algorithms' own runs, the port's runs once


def test_end_to_end_writes_the_csv_and_tables(tmp_path, capsys):
    out = tmp_path / "faithfulness"
    assert harness.main(["eo", "--runs", "2", "--functions", "F9", "--jobs", "1", "-o", str(out)]) == 0
    rows = harness.read_rows(out / "runs.csv")
    assert [(r["implementation"], r["run"]) for r in rows] == [("ours", 0), ("ours", 1), ("reference", 0), ("reference", 1)]
    assert all(r["value"] == 0.0 for r in rows)  # EO reaches Rastrigin's minimum exactly
    assert all(r["evaluations"] == 15000 for r in rows)
    assert "| F9 | 0 |  |  | 0 | 0 | 0 | 0 |  | 1 | match | 15000 / 15000 |" in (out / "eo.md").read_text()
    assert "[`eo`](eo.md): matches on all 1 functions" in (out / "README.md").read_text()
    assert harness.main(["nothing", "-o", str(out)]) == 2
    assert "no " in capsys.readouterr().err
