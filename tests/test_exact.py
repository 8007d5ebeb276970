"""Branch-flow models: the cone relaxation against AC power flows, LinDistFlow against its closed form, devices."""

import cvxpy as cp
import numpy as np
import pytest

from optibench import load_network
from optibench.benchmarking.references import PandapowerCase
from optibench.exact import BranchFlowModel, PhotovoltaicUnit, ScaledLoad, StaticVarGenerator, Storage
from optibench.powerflow import solve

# hourly load shape for multi-period tests (fraction of the rated loads)
DAY = np.array(
    [
        0.6,
        0.55,
        0.5,
        0.5,
        0.55,
        0.65,
        0.8,
        0.9,
        0.95,
        1.0,
        1.0,
        0.95,
        0.9,
        0.9,
        0.95,
        1.0,
        1.05,
        1.1,
        1.1,
        1.05,
        0.95,
        0.85,
        0.75,
        0.65,
    ]
)


@pytest.fixture(scope="module")
def net():
    return load_network("ieee33")


def day_model(net, **options):
    return BranchFlowModel(net, len(DAY), load_kw=DAY[:, None] * net.p_kw, load_kvar=DAY[:, None] * net.q_kvar, **options)


def test_socp_single_period_is_the_ac_power_flow(net):
    model = BranchFlowModel(net)
    sol = model.solve(cp.sum(model.loss_kw))
    check = sol.recheck
    assert sol.status == "optimal" and sol.solver == "CLARABEL"
    assert check.relaxation_gap < 1e-6
    # the cone solution is the kernel's power flow: same voltages and loss
    assert np.max(np.abs(sol.v_pu[0] - solve(net).vm_pu[0])) < 1e-6
    assert check.voltage_error_pu < 1e-6
    _, loss_nr = PandapowerCase(net).solve(net.p_kw, net.q_kvar)
    assert abs(sol.loss_kw[0] - loss_nr) < 1e-3
    assert abs(check.loss_kwh - loss_nr) < 1e-3
    # the flows balance the loads: substation supplies load plus loss
    assert sol.branch_p_kw[0, 0] == pytest.approx(net.p_kw.sum() + loss_nr, abs=1e-3)


def test_lindistflow_matches_its_closed_form(net):
    """LinDistFlow: branch flow = downstream load, v_j = v_i - 2 (r P + x Q), computed here bus by bus."""
    model = BranchFlowModel(net, relaxation="linear")
    sol = model.solve(cp.Constant(0.0))
    assert sol.status == "optimal" and sol.solver == "HIGHS"
    base = net.s_base_kva
    p, q = net.p_kw / base, net.q_kvar / base
    flow_p, flow_q = p.copy(), q.copy()
    for i in reversed(net.order[1:]):
        flow_p[net.parent[i]] += flow_p[i]
        flow_q[net.parent[i]] += flow_q[i]
    v = np.empty(net.n_bus)
    v[net.slack] = net.slack_voltage_pu**2
    for i in net.order[1:]:
        v[i] = v[net.parent[i]] - 2 * (net.r_pu[i] * flow_p[i] + net.x_pu[i] * flow_q[i])
    assert np.max(np.abs(sol.v_pu[0] - np.sqrt(v))) < 1e-8
    assert np.max(np.abs(sol.branch_p_kw[0] - base * flow_p[net.order[1:]])) < 1e-6
    # the linearisation neglects losses; the AC re-check sees them and lower voltages
    assert sol.recheck.relaxation_gap is None
    assert sol.recheck.loss_kwh == pytest.approx(202.68, abs=0.01)
    assert 0.002 < sol.recheck.voltage_error_pu < 0.005  # 0.0028 p.u. at bus 18


def test_storage_shifts_energy_and_keeps_its_balance(net):
    plain = day_model(net)
    base_loss = plain.solve(cp.sum(plain.loss_kw)).recheck.loss_kwh
    model = day_model(net)
    ess = model.add(Storage("ess", 18, energy_kwh=600.0, p_max_kw=150.0, q_max_kvar=100.0, eta_charge=0.9, eta_discharge=0.9))
    sol = model.solve(cp.sum(model.loss_kw))
    r = sol.devices["ess"]
    assert sol.recheck.relaxation_gap < 1e-6
    assert abs(sol.recheck.loss_kwh - sol.recheck.model_loss_kwh) < 1e-3
    # state of charge follows E dsoc = eta_c P_cha dt - P_dis dt, ends at least where it started
    assert np.allclose(600.0 * np.diff(r["soc"]), 0.9 * r["charge_kw"] - r["discharge_kw"], atol=1e-4)
    assert r["soc"][0] == pytest.approx(0.5) and r["soc"][-1] >= 0.5 - 1e-7
    assert r["soc"].min() >= -1e-7 and r["soc"].max() <= 1 + 1e-7
    assert np.allclose(r["p_kw"], 0.9 * r["discharge_kw"] - r["charge_kw"], atol=1e-6)
    assert r["q_kvar"].min() >= -1e-4 and r["q_kvar"].max() <= 100.0 + 1e-4
    # it charges in the night valley, discharges at the evening peak, and cuts the loss
    assert r["p_kw"][2] < -100.0 and r["p_kw"][17] > 100.0
    assert np.max(r["simultaneous_kw"]) < 1e-2
    assert sol.recheck.loss_kwh < base_loss - 50.0
    assert ess.p.shape == (len(DAY),)


def test_svg_lifts_the_voltage_floor(net):
    """IEEE 33 at full load falls to 0.913 p.u.: a 0.95 p.u. floor needs reactive support at the feeder ends."""
    bare = BranchFlowModel(net, v_min_pu=0.95)
    assert bare.solve(cp.sum(bare.loss_kw)).status == "infeasible"
    model = BranchFlowModel(net, v_min_pu=0.95)
    model.add(StaticVarGenerator("svg18", 18, 1500.0))
    model.add(StaticVarGenerator("svg33", 33, 1500.0))
    sol = model.solve(cp.sum(model.loss_kw))
    assert sol.status == "optimal"
    assert sol.recheck.relaxation_gap < 1e-6
    assert sol.recheck.vmin_pu[0] >= 0.95 - 1e-6
    assert sol.recheck.loss_kwh < 202.68 - 30.0  # reactive support also cuts the loss
    assert max(abs(sol.devices[k]["q_kvar"][0]) for k in ("svg18", "svg33")) <= 1500.0 + 1e-4


def light_load_with_pv(net, relaxation, curtailable):
    """IEEE 33 at 20 % load with 2 MW of PV at bus 18, which lifts bus 18 to 1.104 p.u. (AC)."""
    model = BranchFlowModel(net, load_kw=0.2 * net.p_kw, load_kvar=0.2 * net.q_kvar, v_max_pu=1.05, relaxation=relaxation)
    return model, model.add(PhotovoltaicUnit("pv", 18, 2000.0, np.ones(1), curtailable=curtailable))


def test_recheck_exposes_an_inexact_relaxation(net):
    """With the upper voltage limit binding, the cone "solves" by inventing losses; the AC re-check shows it."""
    model, _ = light_load_with_pv(net, "socp", curtailable=False)
    sol = model.solve(cp.sum(model.loss_kw))
    check = sol.recheck
    assert sol.solved
    assert check.relaxation_gap > 0.1
    assert check.model_loss_kwh > 3 * check.loss_kwh
    assert check.vmax_pu[0] == pytest.approx(1.1043, abs=1e-3)
    assert check.voltage_violation_pu == pytest.approx(check.vmax_pu[0] - 1.05)


def test_pv_curtailment_holds_the_upper_voltage_limit(net):
    model, pv = light_load_with_pv(net, "linear", curtailable=True)
    sol = model.solve(-cp.sum(pv.p))
    r = sol.devices["pv"]
    assert 500.0 < r["curtailed_kw"][0] < 1500.0
    assert r["p_kw"][0] + r["curtailed_kw"][0] == pytest.approx(2000.0)
    assert sol.v_pu[0].max() == pytest.approx(1.05, abs=1e-6)  # curtails just enough for the linear model
    assert sol.recheck.vmax_pu[0] <= 1.05  # which neglects losses, so the AC voltage stays below


@pytest.mark.parametrize("relaxation", ["socp", "linear"])
def test_branch_limits(net, relaxation):
    limit = np.full(net.n_bus - 1, 1e5)
    limit[0] = 3000.0  # the feeder head, which carries 3715 kW + 2300 kvar and the loss
    model = BranchFlowModel(net, relaxation=relaxation, branch_limit_kva=limit)
    assert model.solve(cp.Constant(0.0)).status == "infeasible"
    model = BranchFlowModel(net, relaxation=relaxation, branch_limit_kva=limit)
    model.add(StaticVarGenerator("svg", 2, 2500.0))
    model.add(PhotovoltaicUnit("pv", 2, 1500.0, np.ones(1), curtailable=True))
    pv = model.devices["pv"]
    sol = model.solve(cp.sum(pv.p))  # least PV that keeps the head within its rating
    assert sol.solved
    head = np.hypot(sol.branch_p_kw[0, 0], sol.branch_q_kvar[0, 0])
    assert head <= 3000.0 + 1e-3
    # the 16-gon of the linear model is inscribed in the circle, so it is never less conservative
    assert head >= (3000.0 * np.cos(np.pi / 16) if relaxation == "linear" else 3000.0) - 1e-3
    limit[0] = 3950.0  # |P| = 3715 kW + loss fits, |S| = 4400 kVA does not
    model = BranchFlowModel(net, relaxation=relaxation, branch_limit_kva=limit, branch_limit="active")
    assert model.solve(cp.Constant(0.0)).solved
    assert not BranchFlowModel(net, relaxation=relaxation, branch_limit_kva=limit).solve(cp.Constant(0.0)).solved


def test_scaled_load_is_maximised_up_to_the_voltage_floor(net):
    model = BranchFlowModel(net, load_kw=0.5 * net.p_kw, load_kvar=0.5 * net.q_kvar, v_min_pu=0.95)
    ev = model.add(ScaledLoad("ev", 10, np.ones(1), power_factor=0.95))
    sol = model.solve(-ev.size)
    assert sol.status == "optimal"
    assert sol.recheck.vmin_pu[0] == pytest.approx(0.95, abs=1e-5)
    r = sol.devices["ev"]
    # at power factor 0.95 the load draws tan(acos 0.95) kvar per kW
    i = net.index_of(10)
    assert sol.net_load_kvar[0, i] - 0.5 * net.q_kvar[i] == pytest.approx(r["p_kw"][0] * np.tan(np.arccos(0.95)), rel=1e-6)
    assert r["size_kw"][0] == pytest.approx(ev.size_kw)


def test_devices_are_checked(net):
    model = BranchFlowModel(net, periods=2)
    with pytest.raises(ValueError, match="slack bus"):
        model.add(StaticVarGenerator("svg", 1, 100.0))
    with pytest.raises(ValueError, match="profile must have shape"):
        model.add(PhotovoltaicUnit("pv", 5, 100.0, np.ones(3)))
    model.add(StaticVarGenerator("svg", 5, 100.0))
    with pytest.raises(ValueError, match="already attached"):
        model.add(StaticVarGenerator("svg", 6, 100.0))
    with pytest.raises(ValueError, match="neglects losses"):
        BranchFlowModel(net, relaxation="linear").loss_kw
    with pytest.raises(ValueError, match="soc"):
        Storage("ess", 5, 100.0, 50.0, soc_initial=1.5)
