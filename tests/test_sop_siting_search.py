"""The registered sop-siting problem (outer plan, inner dispatch LP) against the MILP on the dual system."""

import numpy as np
import pytest

from optibench.minimize import minimize
from optibench.problems.sop_siting import MIP_GAP, SitingCase, largest_capacity
from optibench.registry import get_algorithm, get_problem

REL_TOL = MIP_GAP
"""Relative tolerance between the inner LP at the MILP plan and the MILP objective: the MILP stops at this
gap, so the LP's dispatch of the same plan may be cheaper by up to it (observed: equal to 1e-9)."""


@pytest.fixture(scope="module")
def problem():
    return get_problem("sop-siting")


@pytest.fixture(scope="module")
def plan(problem):
    """The exact baseline: eq. 21's MILP at the default gap."""
    return problem.exact()


def test_stored_optimum_is_the_milp_solved_to_a_closed_gap(problem, plan):
    optimum = problem.known_optimum
    assert optimum.status == "proven" and "gap 0.0e+00" in optimum.tolerance
    assert plan["status"] == "optimal" and plan["mip_gap"] <= MIP_GAP
    # the baseline's plan, stopped at the gap, is within the gap of the proven optimum
    assert optimum.value <= plan["objective"] <= optimum.value + MIP_GAP * abs(optimum.value)
    assert plan["mip_bound"] <= optimum.value + problem.success_atol


def test_milp_plan_reproduces_milp_objective(problem, plan):
    optimum = problem.known_optimum
    ev = problem.evaluate_values(np.array(optimum.solution))
    assert ev.G[0, 0] <= 0.0 and ev.extras["unserved_kw"][0] < 1e-3
    assert ev.F[0, 0] == pytest.approx(optimum.value, rel=REL_TOL)
    assert ev.F[0, 0] >= optimum.value - REL_TOL * abs(optimum.value)
    assert ev.extras["capacity_kw"][0] == pytest.approx(plan["total_capacity_kw"], rel=1e-9)
    assert ev.extras["cost"][0] == pytest.approx(plan["cost"], rel=REL_TOL)


def test_plan_beyond_the_network_is_not_carried(problem):
    """The inner LP carries no more than the MILP's largest capacity without SOPs: a 400 + 400 kW request leaves
    at least the difference unserved."""
    z = np.zeros(problem.n_var)
    z[-2:] = 400.0  # no SOP built, 400 kW at each station
    ev = problem.evaluate_values(z)
    assert ev.G[0, 0] > 0.0
    assert ev.extras["unserved_kw"][0] >= 800.0 - largest_capacity(SitingCase("dual", sops=False)) - 1e-3


def test_two_objective_form_at_milp_plan(problem, plan):
    pair = get_problem("sop-siting", objectives=2)
    ev = pair.evaluate_values(np.array(problem.encode_plan(plan)))
    assert pair.known_optimum is None and pair.n_obj == 2
    np.testing.assert_allclose(ev.F[0], [plan["cost"], -plan["total_capacity_kw"]], rtol=REL_TOL)
    with pytest.raises(ValueError, match="front"):
        pair.certify()


def test_metaheuristic_does_not_beat_the_milp(problem):
    result = minimize(problem, get_algorithm("eo", pop_size=4), 8, seed=3)
    assert result.n_evals == 8
    assert result.f >= problem.known_optimum.value - REL_TOL * abs(problem.known_optimum.value)
