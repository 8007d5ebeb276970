"""The contract every registered algorithm meets, the plugin example included.

Budget never exceeded and spent exactly; same seed, same result to the bit
(whatever ran before, in threads too, and without touching NumPy's global
random state); different seeds, different results; the reported best is the
point that was evaluated; every asked point inside the box;
better than random search; constrained problems handled.
"""
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numpy as np
import pytest

from optibench import algorithm_names, get_algorithm, get_problem, minimize
from optibench.constraints import violation
from optibench.problem import Problem
from optibench.registry import registered

BASELINE = "random-search"
PLUGIN = "plain-pso"
ALGORITHMS = algorithm_names()
COMPARED = [name for name in ALGORITHMS if name != BASELINE]
SINGLE_OBJECTIVE = [name for name in COMPARED if registered("algorithms", name).n_obj_supported == 1]
MULTI_OBJECTIVE = [name for name in COMPARED if registered("algorithms", name).n_obj_supported is None]
SEEDS = range(10)
BUDGET = 20_000


class Recorder(Problem):
    """Wraps a problem: counts the points evaluated and those asked outside the box."""

    def __init__(self, inner: Problem):
        super().__init__(inner.space, **inner.instance)
        self.inner, self.name, self.n_obj, self.n_con = inner, inner.name, inner.n_obj, inner.n_con
        self.n_evals = 0
        self.outside = 0

    def evaluate(self, X):
        X = np.atleast_2d(X)
        self.n_evals += len(X)
        self.outside += int(np.any((X < self.xl) | (X > self.xu), axis=1).sum())
        return self.inner.evaluate(X)


@pytest.mark.parametrize("name", ALGORITHMS)
def test_params_are_the_full_resolved_set_and_round_trip(name):
    """Issue 11 item 3: every constructor parameter is reported under its own name, and rebuilding gives the same set."""
    import inspect

    cls = registered("algorithms", name)
    opt = get_algorithm(name)
    named = [p for p in list(inspect.signature(cls.__init__).parameters)[1:] if p not in ("options", "args", "kwargs")]
    assert set(named) <= set(opt.params)
    assert type(opt)(**opt.params).params == opt.params
    changed = get_algorithm(name, pop_size=12)
    assert changed.params == {**opt.params, "pop_size": 12}
    assert type(changed)(**changed.params).params == changed.params


@pytest.mark.parametrize("name", ALGORITHMS)
@pytest.mark.parametrize("value", ["50", 0, -5, 10.5, True])
def test_bad_pop_size_is_refused_naming_algorithm_and_parameter(name, value):
    expected = rf"^algorithm '{name}': pop_size must be an integer >= \d+( \(or none\))?, got {value!r}"
    with pytest.raises(ValueError, match=expected):
        get_algorithm(name, pop_size=value)


@pytest.mark.parametrize("name", ALGORITHMS)
@pytest.mark.parametrize("option", ["mutation_rate", "totally_bogus_option"])
def test_unknown_parameter_is_refused_naming_the_allowed_ones(name, option):
    """Issue 11 item 5: pymoo's wrappers included (they used to pass unknown options on, silently ignored)."""
    with pytest.raises(ValueError, match=rf"^algorithm '{name}' has no parameter '{option}'; its parameters: pop_size"):
        get_algorithm(name, **{option: 0.3})


@pytest.mark.parametrize("name", ["ga", "de", "pso", "cmaes", "nsga2"])
def test_pymoo_defaults_are_pymoos_own(name):
    """The resolved defaults of a pymoo wrapper are those of pymoo's signatures (DE's F, CR, jitter: its Variant)."""
    import importlib
    import inspect

    from pymoo.algorithms.soo.nonconvex.de import Variant
    from pymoo.core.duplicate import DefaultDuplicateElimination

    module, attr = registered("algorithms", name).pymoo_class.split(":")
    pymoo_class = getattr(importlib.import_module(module), attr)
    defaults = {}
    for cls in (*pymoo_class.__mro__, Variant):  # a keyword passed on through **kwargs takes the first default met
        if "__init__" in vars(cls):
            for key, p in inspect.signature(cls.__init__).parameters.items():
                if p.default is not p.empty:
                    defaults.setdefault(key, p.default)
    for key, value in get_algorithm(name).params.items():
        # pymoo turns eliminate_duplicates=True into DefaultDuplicateElimination(), NSGA-II's default
        expected = True if isinstance(defaults[key], DefaultDuplicateElimination) else defaults[key]
        assert expected == value, key


def run(name, problem, max_evals, seed, **params):
    return minimize(problem, get_algorithm(name, **params), max_evals=max_evals, seed=seed)


def test_plugin_example_is_registered():
    assert PLUGIN in ALGORITHMS, "pip install benchmarks/plugins/optibench-pso-example (.ci/run does)"
    assert registered("algorithms", PLUGIN).__module__ == "optibench_pso_example"


@pytest.mark.parametrize("name", ALGORITHMS)
@pytest.mark.parametrize("max_evals", [7, 1003])
def test_budget_spent_exactly(name, max_evals):
    problem = Recorder(get_problem("rastrigin", dim=5))
    result = run(name, problem, max_evals, seed=3)
    assert problem.n_evals == result.n_evals == max_evals
    assert result.history[-1, 0] == max_evals
    assert np.all(np.diff(result.history[:, 0]) > 0)


@pytest.mark.parametrize("name", ALGORITHMS)
@pytest.mark.parametrize("problem_name", ["rosenbrock", "g06"])
def test_asked_points_inside_the_box(name, problem_name):
    """Rosenbrock's box is wide; g06's optimum lies next to its lower bound on x2."""
    problem = Recorder(get_problem(problem_name) if problem_name == "g06" else get_problem(problem_name, dim=5))
    run(name, problem, 3000, seed=4)
    assert problem.outside == 0


@pytest.mark.parametrize("name", ALGORITHMS)
def test_same_seed_same_result_different_seed_different_result(name):
    problem = get_problem("g06")
    global_state = np.random.get_state()
    first = run(name, problem, 1500, seed=11)
    other = run(name, problem, 1500, seed=12)
    again = run(name, problem, 1500, seed=11)
    assert np.array_equal(first.x_box, again.x_box)
    assert np.array_equal(first.history, again.history)
    assert first.f == again.f and first.violation == again.violation
    assert not np.array_equal(first.x_box, other.x_box)
    after = np.random.get_state()
    assert all(np.array_equal(a, b) for a, b in zip(global_state, after)), "a run changed NumPy's global random state"


@pytest.mark.parametrize("name", ALGORITHMS)
def test_runs_in_threads_equal_runs_alone(name):
    problem = get_problem("rastrigin", dim=5)
    alone = [run(name, problem, 1500, seed=s).history for s in range(4)]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(lambda s: run(name, problem, 1500, seed=s).history, range(4)))
    assert all(np.array_equal(a, b) for a, b in zip(alone, threaded))


@pytest.mark.parametrize("name", ALGORITHMS)
def test_reported_best_is_the_point_evaluated(name):
    """x_box evaluates to the reported f and violation (an optimizer may not alter what it was told)."""
    problem = get_problem("g06")
    result = run(name, problem, 3000, seed=5)
    ev = problem.evaluate(result.x_box)
    assert ev.F[0, 0] == result.f
    assert violation(ev.G)[0] == result.violation
    assert np.array_equal(result.x, problem.space.decode(result.x_box[None, :])[0])


@lru_cache
def rastrigin_medians(name):
    problem = get_problem("rastrigin", dim=10)
    return np.median([run(name, problem, BUDGET, seed=s).f for s in SEEDS])


def igd(front_F, reference):
    """Inverted generational distance: mean distance from each reference point to the nearest found point."""
    return np.mean(np.min(np.linalg.norm(reference[:, None, :] - front_F[None, :, :], axis=2), axis=1))


@lru_cache
def zdt1_median_igd(name):
    problem = get_problem("zdt1", dim=30)
    reference = problem.pareto_front(200)
    return np.median([igd(run(name, problem, BUDGET, seed=s).front_F, reference) for s in SEEDS])


def test_random_search_is_a_floor():
    """The baseline is far from the optima, so beating it means something (best of 20,000 uniform points)."""
    assert rastrigin_medians(BASELINE) > 40.0
    assert zdt1_median_igd(BASELINE) > 1.0
    assert g06_median_gap(BASELINE) > 0.10


@pytest.mark.parametrize("name", SINGLE_OBJECTIVE)
def test_beats_random_search_on_rastrigin(name):
    assert rastrigin_medians(name) < rastrigin_medians(BASELINE)


@pytest.mark.parametrize("name", MULTI_OBJECTIVE)
def test_beats_random_search_on_zdt1(name):
    assert zdt1_median_igd(name) < zdt1_median_igd(BASELINE)


# With 30 soldiers, WSO's swarm often collapses onto g06's box edge x2 = 0, where the total
# violation has a local minimum (x1 = 13.66, violation 0.87); with 100 soldiers it finds the crescent.
CONSTRAINED_PARAMS = {"wso": {"pop_size": 100}}


def g06_median_gap(name):
    """Relative gap to f* = -6961.81 of the best point of 3 runs of 10,000 evaluations (inf if infeasible), median."""
    problem = get_problem("g06")
    f_star = problem.known_optimum.value
    results = [run(name, problem, 10_000, seed=s, **CONSTRAINED_PARAMS.get(name, {})) for s in range(3)]
    for r in results:
        assert r.violation == violation(problem.evaluate(r.x_box).G)[0]
        assert r.violation > 0 or r.f >= f_star - 1e-6 * abs(f_star), "a feasible point below the optimum"
    return np.median([(r.f - f_star) / abs(f_star) if r.violation == 0 else np.inf for r in results])


@pytest.mark.parametrize("name", COMPARED)
def test_finds_feasible_point_near_the_constrained_optimum(name):
    assert g06_median_gap(name) < 0.10
