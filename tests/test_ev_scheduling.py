"""EV scheduling QPs of paper 003 (eq. 15, 16, 20) under both fleet models: objective, KKT of the stored optimum,
the paper's Case A figure, metaheuristics never below the optimum."""

import numpy as np
import pytest

from optibench.minimize import minimize
from optibench.problems.ev_scheduling import PAPER_PEAK_VALLEY_MW, frank_wolfe_gap
from optibench.registry import get_algorithm, get_problem

INSTANCES = [("ev-load-levelling", dict(scenario=s, fleet=m)) for m in ("flexible", "session") for s in (1, 2, 3)] + [
    ("ev-res-support", dict(loss=0.0)),
    ("ev-res-support", dict(loss=0.07)),
    ("ev-res-support", dict(loss=0.07, fleet="flexible")),
]


def stored(problem):
    return np.array([float(v) for v in problem.known_optimum.solution.split(",")])


@pytest.mark.parametrize("name, instance", INSTANCES)
def test_qp_optimum_satisfies_kkt(name, instance):
    """x is optimal iff it minimises grad . u over the feasible set; the residual grad . x - min grad . u
    (complementarity, also a bound on f(x) - f*) is below 1e-6 relative."""
    problem = get_problem(name, **instance)
    fields, _ = problem.certify()
    z = np.array([float(v) for v in fields["solution"].split(",")])
    ev = problem.evaluate_values(z)
    if problem.model == "session":
        assert np.all(z >= 0) and z.sum() == pytest.approx(1.0, abs=1e-9)
    else:
        assert problem.n_con == (6 if name == "ev-load-levelling" else 3)
        assert ev.G.max() <= 0
    assert -1e-9 * fields["value"] <= frank_wolfe_gap(problem, z) <= 1e-6 * fields["value"]  # >= 0 but for round-off
    assert problem.known_optimum is not None
    assert problem.known_optimum.value == pytest.approx(fields["value"], rel=1e-7)
    # convex objective: the Frank-Wolfe gap bounds f(z) - f*, so the QP's point is proven optimal within it
    assert fields["status"] == problem.known_optimum.status == "proven"
    assert fields["tolerance"].startswith("Frank-Wolfe gap")
    assert ev.F[0, 0] == pytest.approx(fields["value"], rel=1e-12)


def test_session_objective_is_the_variance_on_random_points():
    """Eq. (15)'s first line recomputed from the fleet model: demand + charging-only + flexible power, variance."""
    problem = get_problem("ev-load-levelling", scenario=2, fleet="session")
    rng = np.random.default_rng(5)
    W = rng.random((6, 96)) ** 4
    for w, value in zip(W, problem.evaluate(W).F[:, 0]):
        f, g = w[:48] / w.sum(), w[48:] / w.sum()
        ps_gw = problem.base + problem.fleet.profile(f, g).net_kw / 1e6
        assert value == pytest.approx(np.var(ps_gw), rel=1e-12)


def test_flexible_objective_is_the_variance_on_random_points():
    """Scenario 1, built by hand from Tables 2-3: 20 % of 1.2 M BEVs and 0.35 M PHEVs, 7 kW each, 23.5 / 48 of
    them plugged in (T_a uniform on 0-47 periods); P_S = demand + charging-only power + cohort powers (GW)."""
    problem = get_problem("ev-load-levelling", scenario=1, fleet="flexible")
    rng = np.random.default_rng(6)
    U = rng.uniform(-1, 1, (6, 96))
    charging_only_gw = problem.fleet.charging_only_kw() / 1e6
    for u, value in zip(U, problem.evaluate(U).F[:, 0]):
        flexible_gw = (0.2 * 1.2e6 * u[:48] + 0.2 * 0.35e6 * u[48:]) * 7.0 * 23.5 / 48 / 1e6
        ps_gw = problem.base + charging_only_gw + flexible_gw
        assert value == pytest.approx(np.var(ps_gw), rel=1e-12)


def test_flexible_state_of_charge_constraints():
    """BEV cohort of ev-res-support (300 BEVs, 25.2 kWh): charging at its full 7 kW x 23.5 / 48 from E_0 overfills
    the battery by the hand-computed amount; idling all day keeps it at E_0, above E_end = 0.5."""
    problem = get_problem("ev-res-support", loss=0.07, fleet="flexible")
    soc0 = problem.cohorts[0].soc0
    full = problem.evaluate(np.ones((1, 48)))
    assert full.G[0, 0] == pytest.approx(soc0 + 48 * 0.5 * 7.0 * 23.5 / 48 / 25.2 - 1.0, rel=1e-12)
    idle = problem.evaluate(np.zeros((1, 48)))
    np.testing.assert_allclose(idle.G[0], [soc0 - 1.0, 0.5 - soc0, 0.5 - soc0], atol=1e-12)  # floor min(E_0, E_end)
    assert soc0 > 0.5


def test_stored_optima_level_the_curve():
    """Flexible model (the default): the fleet charges in the valley and discharges at the peak in every scenario,
    and the variance falls as the flexible share grows (Table 3)."""
    values = []
    for scenario in (1, 2, 3):
        problem = get_problem("ev-load-levelling", scenario=scenario)
        fleet_gw = problem.net_demand(stored(problem)[None])[0] - problem.offset
        assert fleet_gw[np.argmin(problem.base)] > 0.1 and fleet_gw[np.argmax(problem.base)] < -0.1
        values.append(problem.known_optimum.value)
    assert values[0] > values[1] > values[2]


def test_flexible_scenario1_matches_the_paper():
    """Section 7.1.2 (Fig. 2): scenario 1's optimised peak-valley difference is 10,219 MW; ours within 1 %."""
    problem = get_problem("ev-load-levelling", scenario=1, fleet="flexible")
    ps_mw = problem.net_demand(stored(problem)[None])[0] * 1e3
    assert np.ptp(ps_mw) == pytest.approx(PAPER_PEAK_VALLEY_MW[1], rel=0.01)
    assert np.ptp(problem.base) * 1e3 == pytest.approx(PAPER_PEAK_VALLEY_MW[0])


def test_fleet_model_is_checked():
    with pytest.raises(ValueError, match="ev-load-levelling.*fleet"):
        get_problem("ev-load-levelling", fleet="sessions")


@pytest.mark.parametrize("algorithm", ["de", "pso", "eo"])
@pytest.mark.parametrize("fleet", ["session", "flexible"])
def test_no_metaheuristic_beats_the_qp(algorithm, fleet):
    problem = get_problem("ev-res-support", loss=0.07, fleet=fleet)
    best = problem.known_optimum.value
    for seed in range(2):
        result = minimize(problem, get_algorithm(algorithm), max_evals=3000, seed=seed)
        assert result.violation > 0 or result.f >= best * (1 - 1e-9)
