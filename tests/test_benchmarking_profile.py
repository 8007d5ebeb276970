"""The per-evaluation profile of a run (optibench/benchmarking/profile.py, per_evaluation.py)."""

import numpy as np
import pytest

from optibench.benchmarking import per_evaluation
from optibench.benchmarking.profile import PARTS, profile_evaluate, profile_run
from optibench.minimize import minimize
from optibench.registry import get_algorithm, get_problem

EVALS = 600


@pytest.fixture(scope="module")
def problem():
    return get_problem("evcs-placement", case=1)


def test_parts_add_up_to_the_profiled_run_and_leave_the_run_unchanged(problem):
    plain = minimize(problem, get_algorithm("eo", pop_size=50), max_evals=EVALS, seed=3)
    optimizer = get_algorithm("eo", pop_size=50)
    results = []

    def run():
        results.append(minimize(problem, optimizer, max_evals=EVALS, seed=3))
        return results[-1].n_evals

    row = profile_run(problem, optimizer, run)
    assert row["evals"] == EVALS
    # the parts split the timed run's wall time: their sum is its total to rounding (1e-9 relative)
    assert sum(row[part] for part in PARTS) == pytest.approx(row["total"], rel=1e-9)
    assert all(row[part] > 0 for part in PARTS)
    # timing changes nothing in the run, and the timers are gone afterwards
    assert np.array_equal(results[0].history, plain.history) and np.array_equal(results[0].x, plain.x)
    assert "evaluate" not in vars(problem) and "decode" not in vars(problem.space) and "tell" not in vars(optimizer)


def test_a_foreign_loop_is_all_algorithm_outside_evaluate(problem):
    def run():
        for _ in range(3):
            problem.evaluate(np.full((50, problem.n_var), 10.5))
        return 150

    row = profile_evaluate(problem, run)
    assert row["evals"] == 150 and row["loop"] == 0.0
    assert sum(row[part] for part in PARTS) == pytest.approx(row["total"], rel=1e-9)
    assert row["power flow"] > 0 and row["algorithm"] >= 0


def test_a_missing_library_is_reported_not_installed(problem, monkeypatch):
    monkeypatch.setattr(
        per_evaluation,
        "CASES",
        {"optibench eo": (None, per_evaluation.CASES["optibench eo"][1]), "other": ("no_such_package_xyz", None)},
    )
    report = per_evaluation.run(evals=200, repeats=1)
    assert report["rows"]["other"] == {"status": "no_such_package_xyz not installed"}
    eo = report["rows"]["optibench eo"]
    assert eo["evals"] == 200 and sum(eo[part] for part in PARTS) == pytest.approx(eo["profiled_us"], rel=1e-9)
    text = "\n".join(per_evaluation.format_section(report))
    assert "| other | no_such_package_xyz not installed |" in text and "| optibench eo | 200 |" in text
