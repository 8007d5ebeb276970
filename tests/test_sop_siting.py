"""Paper 001's SOP siting MILP on the dual-feeder system: plans, AC re-check, monotonicity in SOPs and delta."""

import json

import numpy as np
import pytest

from optibench.cli import main
from optibench.network import load_network
from optibench.problems.sop_siting import SitingCase, largest_capacity, solve_plan

VOLTAGE_TOL_PU = 0.03
"""AC vs LinDistFlow voltage error allowed in a plan (p.u.); observed 0.024 on the dual system (eq. 21 plan,
3757 kW of stations): LinDistFlow ignores the series loss, so it over-states the far-end voltages."""

BRANCH_TOL = 0.15
"""AC branch flow above the linear model's 0.8 x rating, as a fraction of that limit; observed 485 kVA of
4000 kVA (12 %) at the feeder head of the eq. 21 plan: the series loss LinDistFlow leaves out."""


@pytest.fixture(scope="module")
def plan():
    case = SitingCase("dual")
    return case, solve_plan(case)


def test_systems_load_with_candidate_ties():
    dual, quad = load_network("ieee33x2"), load_network("ieee33x4")
    assert (dual.n_bus, len(dual.ties)) == (65, 3) and (quad.n_bus, len(quad.ties)) == (129, 8)
    assert dual.p_kw.sum() == pytest.approx(2 * 3715.0)


def test_plan_respects_sop_balance_limits_and_ac_tolerance(plan):
    case, out = plan
    assert out["status"] == "optimal"
    assert out["total_capacity_kw"] > 1000.0
    assert out["sops"], "the default costs make at least one SOP worth building on the dual system"
    for sop in out["sops"]:
        assert sop["max_imbalance_kw"] < 1e-6
        assert sop["max_end_kva"] <= sop["capacity_kva"] * (1 + 1e-6) <= case.sop_max_kva * (1 + 1e-6)
    check = out["ac_recheck"]
    assert check["converged"]
    assert check["voltage_error_pu"] < VOLTAGE_TOL_PU
    assert check["vmin_pu"] > 0.95 - VOLTAGE_TOL_PU
    assert check["branch_violation_kva"] < BRANCH_TOL * 0.8 * 5000.0
    assert 0.0 <= out["renewable_utilisation"] <= 1.0 + 1e-9


def test_cli_prints_plan(capsys):
    assert main(["exact", "sop-siting", "--instance", "system=dual,sops=false", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sops"] == [] and out["total_capacity_kw"] > 0 and "ac_recheck" in out


def test_free_sops_never_lower_capacity_and_delta_one_never_raises_it():
    without = largest_capacity(SitingCase("dual", sops=False))
    free = largest_capacity(SitingCase("dual", sop_cost_factor=0.0))
    rigid = largest_capacity(SitingCase("dual", delta=1.0))
    assert free >= without - 1e-6 * without
    assert free > without * 1.2  # SOPs relieve the voltage limit between the feeders
    assert rigid <= free + 1e-6 * free
    assert np.isfinite([without, free, rigid]).all()
