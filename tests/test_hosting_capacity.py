"""Paper 000's hosting capacity: the cone program, its AC re-check, the metaheuristic instance and the CLI."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from optibench import get_problem
from optibench.cli import main
from optibench.constraints import violation
from optibench.problems.hosting_capacity import PROFILES_FILE, HostingCapacity, HostingCapacityCase, load_profiles

F_TOL_KW = 1e-3
"""Metaheuristic objective at the convex solution vs the convex objective (kW): solver tolerance plus AC vs model loss."""


@pytest.fixture(scope="module")
def bus18():
    """Scenario 1, EV type 1, at the far end of the main feeder."""
    return HostingCapacityCase(1, 1, 18).solve()


def test_capacity_is_ac_feasible_and_maximal(bus18):
    check = bus18.solution.recheck
    assert bus18.solution.status == "optimal"
    assert 200.0 < bus18.capacity_kw < 1000.0
    assert check.converged
    assert check.voltage_violation_pu <= 1e-4
    assert check.relaxation_gap < 1e-6
    assert check.vmin_pu.min() == pytest.approx(0.95, abs=1e-4)  # the voltage floor is what limits it
    case = bus18.case
    assert case.solve(fixed_kw=1.01 * bus18.capacity_kw).solution.status == "infeasible"
    assert case.solve(fixed_kw=0.99 * bus18.capacity_kw).solution.solved


def test_relaxed_storage_binaries_are_not_used(bus18):
    """The relaxation does not charge and discharge at once here, so it solves the mixed-integer model too."""
    assert bus18.simultaneous_kw < 1e-2
    assert bus18.exact


def test_electrical_distance_and_ev_type_as_in_the_paper(bus18):
    near = HostingCapacityCase(1, 1, 2).solve()
    night = HostingCapacityCase(1, 2, 18).solve()
    assert near.capacity_kw > 2 * bus18.capacity_kw
    assert night.capacity_kw > bus18.capacity_kw  # type 2 charges when the residential load is low
    # near the substation the 4 MW line limit binds, not the voltage
    head_flow = near.solution.branch_p_kw[:, 0]
    assert head_flow.max() == pytest.approx(4000.0, abs=1e-2)
    assert near.solution.recheck.vmin_pu.min() > 0.95 + 1e-3


def test_linear_model_needs_the_binaries():
    """LinDistFlow has no losses to make wasting energy costly: relaxed storage then charges and discharges at once."""
    case = HostingCapacityCase(1, 2, 33)
    relaxed = case.solve("linear")
    binary = case.solve("linear", binary=True)
    assert relaxed.simultaneous_kw > 1.0
    assert binary.simultaneous_kw == 0.0
    assert binary.capacity_kw <= relaxed.capacity_kw + 1e-6
    # without losses the linear model overstates the capacity and the AC re-check finds the voltage too low
    assert relaxed.capacity_kw > case.solve().capacity_kw
    assert relaxed.solution.recheck.voltage_violation_pu > 1e-3


def test_metaheuristic_instance_at_the_convex_solution(bus18):
    problem = get_problem("hosting-capacity", scenario=1, ev=1, bus=18)
    optimum = problem.known_optimum  # stored by scripts/certify_shipped.py
    assert optimum.value == pytest.approx(bus18.solution.objective, abs=1e-6)
    assert optimum.status == "proven" and optimum.method.startswith("SOCP relaxation")
    fields, _ = problem.certify()
    assert fields["status"] == "proven" and fields["value"] == pytest.approx(optimum.value, abs=1e-6)
    ev = problem.evaluate_values(np.asarray(optimum.solution)[None, :])
    assert abs(ev.F[0, 0] - optimum.value) < F_TOL_KW
    assert violation(ev.G)[0] < 1e-5
    assert ev.extras["loss_kwh"][0] == pytest.approx(bus18.solution.recheck.loss_kwh, abs=1e-3)
    # 2 % more EV load at the same set-points violates the voltage floor
    z = np.asarray(optimum.solution).copy()
    z[0] *= 1.02
    assert violation(problem.evaluate_values(z[None, :]).G)[0] > 1e-4


def test_metaheuristic_evaluation_is_one_batch_per_population():
    problem = get_problem("hosting-capacity", scenario=3, ev=2, bus=25)
    rng = np.random.default_rng(1)
    X = rng.uniform(problem.xl, problem.xu, (5, problem.n_var))
    together = problem.evaluate(X)
    for i in range(5):
        alone = problem.evaluate(X[i])
        assert np.allclose(alone.F, together.F[i]) and np.allclose(alone.G, together.G[i])
    assert problem.n_var == 1 + 4 * 24 * 2 + 2 * 24
    assert problem.n_con == len(problem.constraint_names) == 1 + 3 * 24 + 3 * 4


def test_storage_state_of_charge_in_the_metaheuristic_instance():
    problem = get_problem("hosting-capacity", scenario=1, ev=1, bus=10)
    _, ess_p, _, _ = problem.split(np.zeros((1, problem.n_var)))
    ess_p[0, 0, :] = 100.0  # discharge 100 kW into the grid every hour: 100 / 0.95 kWh from the 400 kWh battery
    soc = problem.state_of_charge(ess_p)
    assert soc[0, 0, 1] == pytest.approx(0.5 - 100.0 / 0.95 / 400.0)
    assert soc[0, 0, -1] < 0.0
    ess_p[0, 1, :] = -50.0  # charge 50 kW: 47.5 kWh stored per hour
    assert problem.state_of_charge(ess_p)[0, 1, 2] == pytest.approx(0.5 + 2 * 47.5 / 400.0)


def test_profiles_are_replaceable(tmp_path):
    table = load_profiles()
    assert len(table) == 24 and table["ev_type1_pu"].max() == 1.0 and table["ev_type2_pu"].max() == 1.0
    lighter = table.copy()
    lighter["residential_load_pu"] *= 0.5
    path = tmp_path / "lighter.csv"
    lighter.to_csv(path, index=False)
    base = HostingCapacityCase(1, 1, 18).solve().capacity_kw
    assert HostingCapacityCase(1, 1, 18, profiles=str(path)).solve().capacity_kw > base + 100.0
    pd.read_csv(PROFILES_FILE).drop(columns="pv_pu").to_csv(path, index=False)
    with pytest.raises(ValueError, match="pv_pu"):
        HostingCapacityCase(1, 1, 18, profiles=str(path))


def test_readings_are_instance_keys():
    """Load fraction, substation voltage, ESS limit and scenario 7's source: checked, recorded, applied."""
    default = get_problem("hosting-capacity")
    assert default.instance == {
        "scenario": 1,
        "ev": 1,
        "bus": 18,
        "load_fraction": 0.8,
        "v_source": 1.0,
        "ess_limit": "square",
        "scenario_source": "text",
    }
    problem = get_problem(
        "hosting-capacity", scenario=7, load_fraction=1, v_source=0.985, ess_limit="rated", scenario_source="table1"
    )
    assert problem.instance["load_fraction"] == 1.0 and isinstance(problem.instance["load_fraction"], float)
    assert problem.known_optimum is None  # a reading is part of the instance's identity
    case, base = problem.case, default.case
    np.testing.assert_allclose(case.load_kw, base.load_kw / 0.8, rtol=1e-12)
    np.testing.assert_allclose(case.load_kvar, base.load_kvar / 0.8, rtol=1e-12)
    assert case.network.slack_voltage_pu == 0.985 and base.network.slack_voltage_pu == 1.0
    assert base.ess_p_max_kw == pytest.approx(200.0 / np.sqrt(2.0))  # Figure 1's inscribed square of the 0.2 MW circle
    assert case.ess_p_max_kw == 300.0  # Table 1's 0.3 MW of scenario 7 as the limit itself
    assert problem.xu[problem.space.slices["ess1_p_kw_0"]][0] == pytest.approx(0.95 * 300.0)
    assert case.scenario.svg_kvar == (600.0, 800.0)  # Table 1's scenario 7; the text's has the base SVGs
    assert HostingCapacityCase(7).scenario.svg_kvar == (400.0, 600.0)
    assert all(
        HostingCapacityCase(s, scenario_source="table1").scenario == HostingCapacityCase(s).scenario
        for s in (1, 2, 3, 4, 5, 6, 8)
    )
    for key, value in [
        ("load_fraction", 0.0),
        ("load_fraction", "0.9"),
        ("v_source", 0.9),
        ("v_source", 1.06),
        ("ess_limit", "circle"),
        ("scenario_source", "table2"),
    ]:
        with pytest.raises(ValueError, match=f"problem 'hosting-capacity': {key} must be"):
            HostingCapacity(**{key: value})


def test_substation_voltage_reaches_the_model_and_the_power_flow(bus18):
    """At 0.985 p.u. the cone program, its AC re-check and the metaheuristic evaluation all start from 0.985."""
    problem = get_problem("hosting-capacity", v_source=0.985)
    lower = problem.case.solve()
    assert lower.exact and 0.0 < lower.capacity_kw < bus18.capacity_kw
    assert lower.solution.v_pu[:, problem.case.network.slack] == pytest.approx(0.985, abs=1e-6)
    assert lower.solution.recheck.vmin_pu.min() == pytest.approx(0.95, abs=1e-4)
    ev = problem.evaluate_values(problem.encode_solution(lower)[None, :])
    assert abs(ev.F[0, 0] - lower.solution.objective) < F_TOL_KW and violation(ev.G)[0] < 1e-5
    # the same set-points fed at 1.0 p.u.: the far end sits about 0.015 p.u. higher
    at_one = get_problem("hosting-capacity").evaluate_values(problem.encode_solution(lower)[None, :])
    assert at_one.extras["vmin_pu"][0] == pytest.approx(0.965, abs=2e-3)


def test_cli_prints_capacity_status_time_and_recheck(capsys, bus18):
    assert main(["exact", "hosting-capacity", "--instance", "scenario=1,ev=1,bus=18", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["capacity_kw"] == pytest.approx(bus18.capacity_kw, rel=1e-6)
    assert out["status"] == "optimal" and out["solve_time_s"] > 0
    assert out["ac_recheck"]["voltage_violation_pu"] <= 1e-4
    assert main(["exact", "hosting-capacity", "--instance", "scenario=9"]) == 2
    assert main(["exact", "hosting-capacity", "--options", "solver=none"]) == 2  # not an option of the method
    assert main(["exact", "evcs-placement"]) == 2  # no exact baseline
    capsys.readouterr()
    command = ["exact", "hosting-capacity", "--instance", "scenario=1,ev=2,bus=33", "--options", "relaxation=linear", "--json"]
    assert main(command) == 0
    linear = json.loads(capsys.readouterr().out)
    assert linear["simultaneous_charge_discharge_kw"] > 1.0  # as test_linear_model_needs_the_binaries
    assert main(["exact", "hosting-capacity", "--instance", "load_fraction=0.9", "--json"]) == 0
    heavier = json.loads(capsys.readouterr().out)
    assert heavier["instance"]["load_fraction"] == 0.9 and 0.0 < heavier["capacity_kw"] < bus18.capacity_kw
    # 90 % load at 0.985 p.u. already breaks the voltage floor without EV load: no capacity, exit status 1
    assert (
        main(["exact", "hosting-capacity", "--instance", "scenario=1,ev=1,bus=18,load_fraction=0.9,v_source=0.985", "--json"])
        == 1
    )
    assert json.loads(capsys.readouterr().out)["status"] == "infeasible"
    assert HostingCapacityCase(load_fraction=0.9, v_source=0.985).solve(fixed_kw=0.0).solution.status == "infeasible"


def test_json_output_is_not_mixed_with_solver_banners():
    """HiGHS prints its banner to file descriptor 1 on first use; the command sends it to stderr."""
    out = subprocess.run(
        [sys.executable, "-m", "optibench.cli", "exact", "hosting-capacity", "--options", "relaxation=linear", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["solver"] == "HIGHS"
    assert "HiGHS" in out.stderr
