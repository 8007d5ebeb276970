"""The contract every optimizer meets, as checks a plug-in's own tests run.

Modelled on scikit-learn's ``parametrize_with_checks``: in a plug-in's tests::

    from optibench.testing import parametrize_with_checks
    from my_package import MyPSO

    @parametrize_with_checks([MyPSO, MyPSO(pop_size=80)])
    def test_optibench_contract(optimizer, check):
        check(optimizer)

makes each check one pytest test, with the id ``<algorithm>-<check>``.
Classes are checked with their default parameters, instances with theirs;
every run builds a fresh optimizer from them (``type(opt)(**opt.params)``).
The checks (:data:`CHECKS`): parameters reported in full and round-tripping,
bad ``pop_size`` and unknown parameters refused, the budget spent exactly,
every asked point inside the box, seeded runs identical (and NumPy's global
random state untouched), runs in threads equal to runs alone, the reported
best being the point evaluated, better than random search (Rastrigin, or
ZDT1 for multi-objective algorithms), a feasible point near g06's optimum.

An algorithm declares the checks it is expected to fail, with the reason,
on itself: ``expected_failures = {"check_name": "reason"}`` (a class
attribute of :class:`~optibench.optimizer.Optimizer`); those checks become
strict xfails, so one that starts passing is reported.

pytest is needed by this module only, not by optibench.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest
from numpy.typing import ArrayLike

from .constraints import violation
from .minimize import Result, Seed, minimize
from .optimizer import Optimizer
from .problem import Evaluation, Problem
from .registry import get_algorithm, get_problem

BASELINE = "random-search"
"""Registry name of the algorithm every other one must beat."""
SEEDS = range(10)
"""Seeds of the runs whose median is compared with random search's."""
BUDGET = 20_000
"""Evaluations per run in the comparison with random search."""

OptimizerSpec = Optimizer | type[Optimizer]
"""What the checks take: an optimizer class (run with its defaults) or an instance (run with its parameters)."""


class Recorder(Problem):
    """Wraps a problem: counts the points evaluated and those asked outside the box."""

    def __init__(self, inner: Problem) -> None:
        super().__init__(inner.space, **inner.instance)
        self.inner, self.name, self.n_obj, self.n_con = inner, inner.name, inner.n_obj, inner.n_con
        self.n_evals = 0
        self.outside = 0

    def evaluate(self, X: ArrayLike) -> Evaluation:
        X = np.atleast_2d(X)
        self.n_evals += len(X)
        self.outside += int(np.any((X < self.xl) | (X > self.xu), axis=1).sum())
        return self.inner.evaluate(X)


def fresh(optimizer: OptimizerSpec, **changes: Any) -> Optimizer:
    """A new, unset-up optimizer with the parameters of ``optimizer`` (a class or an instance), ``changes`` applied."""
    if isinstance(optimizer, type):
        return optimizer(**changes)
    return type(optimizer)(**{**optimizer.params, **changes})


def run(optimizer: OptimizerSpec, problem: Problem, max_evals: int, seed: Seed) -> Result:
    """One :func:`optibench.minimize` run of a fresh copy of ``optimizer``."""
    return minimize(problem, fresh(optimizer), max_evals=max_evals, seed=seed)


def check_params_round_trip(optimizer: OptimizerSpec) -> None:
    """Every named constructor parameter is in ``params``, and ``type(opt)(**opt.params).params == opt.params``."""
    import inspect

    opt = fresh(optimizer)
    named = [p for p in list(inspect.signature(type(opt).__init__).parameters)[1:] if p not in ("options", "args", "kwargs")]
    assert set(named) <= set(opt.params)
    assert type(opt)(**opt.params).params == opt.params
    if "pop_size" in opt.params:
        changed = fresh(opt, pop_size=12)
        assert changed.params == {**opt.params, "pop_size": 12}
        assert type(changed)(**changed.params).params == changed.params


def check_bad_pop_size_refused(optimizer: OptimizerSpec) -> None:
    """A ``pop_size`` that is not an integer in range is a ValueError naming the algorithm and the parameter."""
    if "pop_size" not in fresh(optimizer).params:
        pytest.skip("the algorithm has no pop_size")
    owner = type(fresh(optimizer)).owner()
    for value in ["50", 0, -5, 10.5, True]:
        expected = rf"^{owner}: pop_size must be an integer >= \d+( \(or none\))?, got {value!r}"
        with pytest.raises(ValueError, match=expected):
            fresh(optimizer, pop_size=value)


def check_unknown_parameter_refused(optimizer: OptimizerSpec) -> None:
    """An unknown parameter is a ValueError naming the algorithm, the parameter and the allowed ones."""
    opt = fresh(optimizer)
    allowed = ", ".join(opt.params)
    for option in ["mutation_rate", "totally_bogus_option"]:
        with pytest.raises(ValueError) as caught:
            fresh(opt, **{option: 0.3})
        assert str(caught.value) == f"{type(opt).owner()} has no parameter {option!r}; its parameters: {allowed}"


def check_budget_spent_exactly(optimizer: OptimizerSpec) -> None:
    """Exactly ``max_evals`` points are evaluated, and the history's evaluation counts increase to it."""
    for max_evals in (7, 1003):
        problem = Recorder(get_problem("rastrigin", dim=5))
        result = run(optimizer, problem, max_evals, seed=3)
        assert problem.n_evals == result.n_evals == max_evals
        assert result.history[-1, 0] == max_evals
        assert np.all(np.diff(result.history[:, 0]) > 0)


def check_asked_points_inside_the_box(optimizer: OptimizerSpec) -> None:
    """No point asked outside the box: Rosenbrock's box is wide; g06's optimum lies next to its lower bound on x2."""
    for problem in (get_problem("rosenbrock", dim=5), get_problem("g06")):
        recorder = Recorder(problem)
        run(optimizer, recorder, 3000, seed=4)
        assert recorder.outside == 0, problem.name


def check_seeded_runs_identical(optimizer: OptimizerSpec) -> None:
    """Same seed, same result to the bit; another seed, another result; NumPy's global random state untouched."""
    problem = get_problem("g06")
    global_state = np.random.get_state()
    first = run(optimizer, problem, 1500, seed=11)
    other = run(optimizer, problem, 1500, seed=12)
    again = run(optimizer, problem, 1500, seed=11)
    assert np.array_equal(first.x_box, again.x_box)
    assert np.array_equal(first.history, again.history)
    assert first.f == again.f and first.violation == again.violation
    assert not np.array_equal(first.x_box, other.x_box)
    after = np.random.get_state()
    assert all(np.array_equal(a, b) for a, b in zip(global_state, after)), "a run changed NumPy's global random state"


def check_threads_equal_runs_alone(optimizer: OptimizerSpec) -> None:
    """Four seeded runs in threads give the histories of the same runs one after another."""
    problem = get_problem("rastrigin", dim=5)
    alone = [run(optimizer, problem, 1500, seed=s).history for s in range(4)]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(lambda s: run(optimizer, problem, 1500, seed=s).history, range(4)))
    assert all(np.array_equal(a, b) for a, b in zip(alone, threaded))


def check_reported_best_is_the_point_evaluated(optimizer: OptimizerSpec) -> None:
    """x_box evaluates to the reported f and violation (an optimizer may not alter what it was told)."""
    problem = get_problem("g06")
    result = run(optimizer, problem, 3000, seed=5)
    ev = problem.evaluate(result.x_box)
    assert ev.F[0, 0] == result.f
    assert violation(ev.G)[0] == result.violation
    assert np.array_equal(result.x, problem.space.decode(result.x_box[None, :])[0])


_medians: dict[tuple[str, str], float] = {}
"""Median results already computed, by (measure, repr of the optimizer): random search's is computed once."""


def _cached(measure: str, optimizer: OptimizerSpec, compute: Callable[[], float]) -> float:
    key = (measure, repr(fresh(optimizer)))
    if key not in _medians:
        _medians[key] = compute()
    return _medians[key]


def rastrigin_median(optimizer: OptimizerSpec) -> float:
    """Median over :data:`SEEDS` of the best f found on 10-dimensional Rastrigin in :data:`BUDGET` evaluations."""
    problem = get_problem("rastrigin", dim=10)
    return _cached("rastrigin", optimizer, lambda: float(np.median([run(optimizer, problem, BUDGET, s).f for s in SEEDS])))


def igd(front_F: np.ndarray, reference: np.ndarray) -> float:
    """Inverted generational distance: mean distance from each reference point (m, n_obj) to its nearest found one (k, n_obj)."""
    return float(np.mean(np.min(np.linalg.norm(reference[:, None, :] - front_F[None, :, :], axis=2), axis=1)))


def zdt1_median_igd(optimizer: OptimizerSpec) -> float:
    """Median over :data:`SEEDS` of the IGD of the front found on 30-dimensional ZDT1 in :data:`BUDGET` evaluations."""
    problem = get_problem("zdt1", dim=30)
    reference = problem.pareto_front(200)  # type: ignore[attr-defined]  # ZDT1's own method, not the Problem contract's

    def median_igd() -> float:
        fronts = [run(optimizer, problem, BUDGET, s).front_F for s in SEEDS]
        # a run on a multi-objective problem always returns its front (Result.front_F is None for one objective)
        return float(np.median([igd(front, reference) for front in fronts]))  # type: ignore[arg-type]

    return _cached("zdt1", optimizer, median_igd)


def g06_median_gap(optimizer: OptimizerSpec) -> float:
    """Relative gap to f* = -6961.81 of the best point of 3 runs of 10,000 evaluations (inf if infeasible), median."""
    problem = get_problem("g06")
    assert problem.known_optimum is not None, "g06 carries its published best known value"
    f_star = problem.known_optimum.value
    gaps = []
    for r in (run(optimizer, problem, 10_000, seed=s) for s in range(3)):
        assert r.f is not None and r.violation == violation(problem.evaluate(r.x_box).G)[0]
        assert r.violation > 0 or r.f >= f_star - 1e-6 * abs(f_star), "a feasible point below the optimum"
        gaps.append((r.f - f_star) / abs(f_star) if r.violation == 0 else np.inf)
    return float(np.median(gaps))


def check_beats_random_search(optimizer: OptimizerSpec) -> None:
    """Median best f on Rastrigin (single-objective) or median IGD on ZDT1 (any number of objectives) below random search's."""
    baseline = get_algorithm(BASELINE)
    measure = rastrigin_median if fresh(optimizer).n_obj_supported == 1 else zdt1_median_igd
    assert measure(optimizer) < measure(baseline)


def check_finds_feasible_point_near_the_constrained_optimum(optimizer: OptimizerSpec) -> None:
    """On g06, the median relative gap of 3 runs of 10,000 evaluations is under 10 %."""
    assert g06_median_gap(optimizer) < 0.10


CHECKS = (
    check_params_round_trip,
    check_bad_pop_size_refused,
    check_unknown_parameter_refused,
    check_budget_spent_exactly,
    check_asked_points_inside_the_box,
    check_seeded_runs_identical,
    check_threads_equal_runs_alone,
    check_reported_best_is_the_point_evaluated,
    check_beats_random_search,
    check_finds_feasible_point_near_the_constrained_optimum,
)
"""Every check, in the order they run."""


def _label(optimizer: OptimizerSpec) -> str:
    """Test id of an optimizer: its registry (or class) name, and the parameters that differ from its defaults."""
    opt = fresh(optimizer)
    cls = type(opt)
    defaults = cls().params
    changed = ", ".join(f"{k}={v!r}" for k, v in opt.params.items() if defaults.get(k) != v)
    name = vars(cls).get("name", cls.__name__)
    return f"{name}({changed})" if changed else name


def parametrize_with_checks(optimizers: Iterable[OptimizerSpec]) -> pytest.MarkDecorator:
    """A ``pytest.mark.parametrize`` over (optimizer, check) for every check of :data:`CHECKS` on each optimizer.

    Args:
        optimizers: optimizer classes (checked with their defaults) or
            instances (checked with their parameters).

    Raises:
        ValueError: an optimizer's ``expected_failures`` names a check that does not exist.
    """
    names = {check.__name__ for check in CHECKS}
    params = []
    for optimizer in optimizers:
        label = _label(optimizer)
        expected = dict(getattr(optimizer, "expected_failures", {}))
        unknown = sorted(set(expected) - names)
        if unknown:
            raise ValueError(
                f"{label}: expected_failures names unknown check(s) {', '.join(unknown)}; the checks: {', '.join(sorted(names))}"
            )
        for check in CHECKS:
            marks = [pytest.mark.xfail(strict=True, reason=expected[check.__name__])] if check.__name__ in expected else []
            params.append(pytest.param(optimizer, check, id=f"{label}-{check.__name__}", marks=marks))
    return pytest.mark.parametrize(("optimizer", "check"), params)
