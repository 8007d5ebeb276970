"""pymoo's algorithms through optibench's adapter behave as under pymoo's own loop (algorithms/pymoo_adapter.py).

Each registered pymoo wrapper runs twice on the same problem with the same
seed: once through :func:`optibench.minimize`, once through
``pymoo.optimize.minimize`` on a pymoo ``Problem`` that evaluates the same
optibench problem and hands pymoo what the adapter's docstring says it
hands it (the total violation as the one constraint; for CMA-ES,
:func:`~optibench.constraints.deb_fitness` as the objective). pymoo's own
loop runs a fixed number of generations; the adapter gets exactly the
evaluations that loop spent. Every population evaluated must be the same to
the bit, in the same order, and so must the best value found.
"""

import importlib

import numpy as np
import pytest

pytest.importorskip("pymoo")

from pymoo.core.problem import Problem as PymooProblem  # noqa: E402
from pymoo.core.termination import Termination  # noqa: E402
from pymoo.optimize import minimize as pymoo_minimize  # noqa: E402

from optibench import get_algorithm, get_problem, minimize  # noqa: E402
from optibench.constraints import deb_fitness, violation  # noqa: E402
from optibench.registry import registered  # noqa: E402

SEED = 20261130
CASES = [
    # (algorithm, problem, instance, algorithm parameters, generations of pymoo's own loop)
    ("ga", "evcs-placement", {"case": 1}, {"pop_size": 20}, 12),
    ("ga", "g06", {}, {"pop_size": 16, "eliminate_duplicates": False}, 10),
    ("de", "evcs-placement", {"case": 1}, {"pop_size": 20}, 12),
    ("de", "g06", {}, {"pop_size": 16, "variant": "DE/rand/1/bin"}, 10),
    ("pso", "evcs-placement", {"case": 1}, {"pop_size": 20}, 12),
    ("pso", "g06", {}, {"pop_size": 16}, 10),
    ("cmaes", "g06", {}, {}, 15),
    ("cmaes", "sphere", {"dim": 4}, {}, 15),
    ("nsga2", "zdt1", {"dim": 5}, {"pop_size": 16}, 10),
]


class _Generations(Termination):
    """Stop after ``n`` generations (the initial population counts as the first); no option of pymoo's derives from it."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def _update(self, algorithm):
        return algorithm.n_iter / self.n


def _pymoo_own_loop(name, problem, params, generations, seed):
    """The populations pymoo's own ``minimize`` evaluates: a list of (X, F, violation) per population."""
    wrapper = registered("algorithms", name)
    module, attr = wrapper.pymoo_class.split(":")
    pymoo_class = getattr(importlib.import_module(module), attr)
    deb = wrapper.deb_objective
    constrained = problem.n_con > 0 and not deb
    populations = []

    class SameProblem(PymooProblem):
        def _evaluate(self, X, out, *args, **kwargs):
            ev = problem.evaluate(X)
            v = violation(ev.G)
            populations.append((X.copy(), ev.F.copy(), v))
            out["F"] = deb_fitness(ev.F[:, 0], v)[:, None] if deb else ev.F
            if constrained:
                out["G"] = v[:, None]

    view = SameProblem(n_var=problem.n_var, n_obj=problem.n_obj, n_ieq_constr=int(constrained), xl=problem.xl, xu=problem.xu)
    options = {**wrapper.defaults, **params}
    outer = np.random.get_state()  # pymoo's CMA-ES seeds NumPy's global random state
    try:
        pymoo_minimize(view, pymoo_class(seed=seed, **options), _Generations(generations))
    finally:
        np.random.set_state(outer)
    return populations


def _through_adapter(name, problem, params, max_evals, seed):
    """The populations :func:`optibench.minimize` evaluates with the adapter, and its result."""
    populations = []
    evaluate = problem.evaluate

    def recording(X):
        ev = evaluate(X)
        populations.append((np.array(X, copy=True), ev.F.copy(), violation(ev.G)))
        return ev

    problem.evaluate = recording
    result = minimize(problem, get_algorithm(name, **params), max_evals=max_evals, seed=seed)
    return populations, result


@pytest.mark.parametrize(("name", "problem_name", "instance", "params", "generations"), CASES)
def test_adapter_evaluates_what_pymoos_own_loop_evaluates(name, problem_name, instance, params, generations):
    pymoo_seed = int(np.random.default_rng(SEED).integers(2**31 - 1))  # the adapter draws pymoo's seed first
    reference = _pymoo_own_loop(name, get_problem(problem_name, **instance), params, generations, pymoo_seed)
    n_evals = sum(len(X) for X, _, _ in reference)
    populations, result = _through_adapter(name, get_problem(problem_name, **instance), params, n_evals, SEED)

    assert result.n_evals == n_evals
    assert len(populations) == len(reference) >= generations
    for i, ((X, F, v), (X_ref, F_ref, v_ref)) in enumerate(zip(populations, reference)):
        assert np.array_equal(X, X_ref), f"population {i} differs"
        assert np.array_equal(F, F_ref) and np.array_equal(v, v_ref), f"population {i} evaluates differently"
    if result.f is not None:  # single objective: the best by feasibility first among everything evaluated
        F = np.concatenate([F for _, F, _ in reference])[:, 0]
        v = np.concatenate([v for _, _, v in reference])
        least = v == v.min()
        assert (result.f, result.violation) == (F[least].min(), v.min())
