"""EV scheduling QPs of paper 003 (eq. 15, 16, 20): KKT of the stored optimum, metaheuristics never below it."""
import numpy as np
import pytest

from optibench.minimize import minimize
from optibench.problems.ev_scheduling import frank_wolfe_gap
from optibench.registry import get_algorithm, get_problem

INSTANCES = [("ev-load-levelling", dict(scenario=s)) for s in (1, 2, 3)] + [
    ("ev-res-support", dict(loss=0.0)), ("ev-res-support", dict(loss=0.07))]


@pytest.mark.parametrize("name, instance", INSTANCES)
def test_qp_optimum_satisfies_kkt(name, instance):
    """On the simplex, x is optimal iff grad_i >= nu everywhere with equality on the support (nu = min grad);
    the residual grad . x - min grad (complementarity, also a bound on f(x) - f*) is below 1e-6 relative."""
    problem = get_problem(name, **instance)
    fields, _ = problem.certify()
    z = np.array([float(v) for v in fields["solution"].split(",")])
    assert np.all(z >= 0) and z.sum() == pytest.approx(1.0, abs=1e-9)
    assert frank_wolfe_gap(problem, z) <= 1e-6 * fields["value"]
    assert problem.known_optimum is not None
    assert problem.known_optimum.value == pytest.approx(fields["value"], rel=1e-7)
    # convex objective: the Frank-Wolfe gap bounds f(z) - f*, so the QP's point is proven optimal within it
    assert fields["status"] == problem.known_optimum.status == "proven"
    assert fields["tolerance"].startswith("Frank-Wolfe gap")
    assert problem.evaluate_values(z).F[0, 0] == pytest.approx(fields["value"], rel=1e-12)


def test_objective_is_the_sum_of_squares():
    """Eq. (15) recomputed by hand: demand + charging-only + flexible power of a single start period."""
    problem = get_problem("ev-load-levelling", scenario=2)
    w = np.zeros(96)
    w[3] = 1.0  # every flexible vehicle starts charging at 01:30
    fleet = problem.fleet
    kernel = fleet.charge_kernel()
    flexible = fleet.n_flexible * np.roll(kernel, 3)
    ps = (problem.base * 1e6 + fleet.charging_only_kw() + flexible) / 1e6
    assert problem.evaluate(w[None]).F[0, 0] == pytest.approx(np.sum(ps**2), rel=1e-12)


@pytest.mark.parametrize("algorithm", ["de", "pso", "eo"])
def test_no_metaheuristic_beats_the_qp(algorithm):
    problem = get_problem("ev-res-support", loss=0.07)
    best = problem.known_optimum.value
    for seed in range(2):
        result = minimize(problem, get_algorithm(algorithm), max_evals=3000, seed=seed)
        assert result.f >= best * (1 - 1e-9)
