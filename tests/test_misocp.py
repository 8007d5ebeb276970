"""The mixed-integer branch-flow models (SCIP) of the placement families and of reconfiguration: agreement with
enumeration and brute force, and the status rule of their certificates."""

import itertools
import json

import cvxpy as cp
import numpy as np
import pytest

import optibench as ob
from optibench.cli import main
from optibench.exact import BranchFlowModel
from optibench.exact.placement import PlacedUnits
from optibench.exact.switches import SwitchingModel
from optibench.known_optima import MISOCP_METHOD, SWITCHING_METHOD, certify, mip_fields
from optibench.powerflow import solve_batch
from optibench.switching import SwitchGraph
from optibench.synthetic import synthetic_feeder

pytest.importorskip("pyscipopt")
from optibench.problems import placement_certify  # noqa: E402  (after the skip: SCIP solves every model here)

SCIP = {"scip_params": {"numerics/feastol": placement_certify.FEASTOL}}


def test_evcs_case_1_matches_the_enumeration():
    """The stored optimum of case 1 comes from enumerating all 300,696 placements; the MISOCP finds the same."""
    problem = ob.get_problem("evcs-placement", case=1)
    enumerated = problem.known_optimum
    assert enumerated.method.startswith("enumeration") and enumerated.status == "proven"
    fields, _ = placement_certify.certify(problem)
    assert fields["status"] == "proven" and fields["method"] == MISOCP_METHOD
    assert fields["solution"] == enumerated.solution == "28,3,2"
    assert abs(fields["value"] - enumerated.value) <= problem.success_atol
    # the second-best placement is 5.2e-3 kW worse, so this is the placement and not a near tie
    assert abs(fields["value"] - enumerated.value) < 1e-4


def test_fixed_loads_on_a_synthetic_feeder_match_brute_force():
    """Two loads of different sizes on 9 buses: every ordered placement through the AC power flow."""
    net = synthetic_feeder(10, seed=3)
    load_kw = np.array([400.0, 150.0])
    candidates = [int(b) for b in net.bus_ids[1:]]
    model = BranchFlowModel(net, relaxation="socp")
    units = model.add(PlacedUnits("loads", candidates, [1, 1], load_kw=load_kw, q_per_p=0.5))
    solution = model.solve(cp.sum(model.loss_kw), **SCIP)
    assert solution.status == "optimal" and solution.mip_gap <= placement_certify.GAP_TOL

    pairs = [pair for pair in itertools.permutations(range(1, net.n_bus), 2)]
    p = np.repeat(net.p_kw[None, :], len(pairs), axis=0)
    q = np.repeat(net.q_kvar[None, :], len(pairs), axis=0)
    for row, (a, b) in enumerate(pairs):
        p[row, [a, b]] += load_kw
        q[row, [a, b]] += 0.5 * load_kw
    loss = solve_batch(net, p, q).loss_kw
    best = int(np.argmin(loss))
    assert units.sites() == [[int(net.bus_ids[pairs[best][0]])], [int(net.bus_ids[pairs[best][1]])]]
    assert solution.recheck.loss_kwh == pytest.approx(loss[best], abs=1e-6)
    assert solution.objective == pytest.approx(loss[best], abs=1e-3)
    assert np.sort(loss)[1] - loss[best] > 1e-2  # a unique optimum, so the sites above are a real check


def test_least_generation_for_a_voltage_limit_matches_brute_force():
    """One generator of least size lifting every voltage to 0.95 p.u.: bisection of its size at every bus."""
    net = synthetic_feeder(10, seed=3, target_drop_pu=0.1)
    vmin = 0.95
    model = BranchFlowModel(net, relaxation="socp", v_min_pu=vmin, v_max_pu=1.0)
    units = model.add(PlacedUnits("dg", [int(b) for b in net.bus_ids[1:]], [1], max_kw=5000.0))
    solution = model.solve(net.s_base_kva * cp.sum(units.size), **SCIP)
    assert solution.status == "optimal" and solution.recheck.voltage_violation_pu <= 1e-8

    def least_kw(index: int) -> float:
        """Smallest injection at ``index`` whose AC minimum voltage reaches vmin (inf if none up to 5 MW)."""
        low, high = 0.0, 5000.0
        sizes = np.linspace(low, high, 201)
        p = np.repeat(net.p_kw[None, :], len(sizes), axis=0)
        p[:, index] -= sizes
        res = solve_batch(net, p, np.repeat(net.q_kvar[None, :], len(sizes), axis=0))
        ok = (res.vmin_pu >= vmin) & (res.vmax_pu <= 1.0)
        if not ok.any():
            return np.inf
        first = int(np.argmax(ok))
        low, high = (sizes[first - 1] if first else 0.0), sizes[first]
        for _ in range(60):
            mid = 0.5 * (low + high)
            p1 = net.p_kw.copy()
            p1[index] -= mid
            res = solve_batch(net, p1, net.q_kvar)
            low, high = (low, mid) if res.vmin_pu[0] >= vmin and res.vmax_pu[0] <= 1.0 else (mid, high)
        return high

    least = np.array([least_kw(i) for i in range(1, net.n_bus)])
    best = int(np.argmin(least))
    assert units.sites() == [[int(net.bus_ids[best + 1])]]
    assert solution.objective == pytest.approx(least[best], abs=1e-3)


def test_three_dg_units_match_the_per_set_proof():
    """IEEE 33, three DGs: the optimum stored by the cone bound of all 4,960 bus sets (dg_certify)."""
    problem = ob.get_problem("dg-placement", network="ieee33", units=3)
    stored = problem.known_optimum
    assert stored.status == "proven" and "4,960 sets" in stored.method
    fields, _ = placement_certify.certify(problem)
    assert fields["status"] == "proven"
    buses = [int(pair.split(":")[0]) for pair in fields["solution"].split(",")]
    assert buses == [int(pair.split(":")[0]) for pair in stored.solution.split(",")] == [14, 24, 30]
    assert abs(fields["value"] - stored.value) <= problem.success_atol


def test_written_sizes_meet_the_voltage_limits():
    """res-placement's optimum sits on V_min; the written sizes are AC-feasible and within 1e-3 kW of the bound."""
    problem = ob.get_problem("res-placement", case=1, scenario=2)
    fields, _ = placement_certify.certify(problem)
    ev = problem.evaluate_values(problem.parse_solution(fields["solution"])[None, :])
    assert fields["status"] == "proven" and np.all(ev.G <= 0)
    assert 0 <= ev.F[0, 0] - fields["value"] <= problem.success_atol
    # the buses of the best run of WSO in results/seed002/tables.md (328.71 kW), found by search
    assert [pair.split(":")[0] for pair in fields["solution"].split(",")][:2] == ["64", "65"]


def test_a_gap_left_open_gives_a_bound_with_its_incumbent():
    """Stopped after one node, SCIP's dual bound is stored with the AC-evaluated incumbent (status bound)."""
    problem = ob.get_problem("dg-placement", network="ieee33", units=3)
    solution, values = placement_certify.solve(problem, **{"limits/nodes": 1})
    assert solution.status == "optimal_inaccurate" and solution.mip_gap > placement_certify.GAP_TOL
    fields = mip_fields(problem, solution, values, gap_tol=placement_certify.GAP_TOL)
    optimum = problem.known_optimum.value
    assert fields["status"] == "bound" and fields["value"] == solution.mip_bound
    assert fields["value"] <= optimum + 1e-6 and fields["incumbent"] >= optimum - 1e-6
    assert fields["incumbent"] > fields["value"]


def test_bad_input_is_refused_before_solving():
    with pytest.raises(ValueError, match="no mixed-integer placement model"):
        placement_certify.solve(ob.get_problem("ev-station-siting"))
    with pytest.raises(ValueError, match="network 'ieee69' does not have the buses of 'ieee33'"):
        placement_certify.placement_model(ob.get_problem("dg-placement"), ob.load_network("ieee69"))
    with pytest.raises(ValueError, match="time_limit_s must be positive"):
        placement_certify.solve(ob.get_problem("dg-placement"), time_limit_s=0)
    with pytest.raises(ValueError, match="counts must be positive and at most 32"):
        PlacedUnits("dg", range(2, 34), [40], max_kw=1.0)
    with pytest.raises(ValueError, match="either load_kw"):
        PlacedUnits("dg", range(2, 34), [1])
    with pytest.raises(ValueError, match="one period"):
        BranchFlowModel(ob.load_network("ieee33"), periods=2).add(PlacedUnits("dg", [2], [1], max_kw=1.0))


def test_ieee33_switch_states_match_the_enumeration(capsys):
    """The stored IEEE 33 optimum enumerates all 50,751 radial configurations; the switching MISOCP finds the same
    open branches and loss, proven (``optibench certify`` chooses enumeration there; ``--option method=misocp``
    the program)."""
    problem = ob.get_problem("reconfiguration", network="ieee33")
    enumerated = problem.known_optimum
    assert enumerated.method.startswith("enumeration") and enumerated.status == "proven"
    argv = ["certify", "reconfiguration", "--instance", "network=ieee33", "--option", "method=misocp", "--json"]
    assert main(argv) == 0
    fields = json.loads(capsys.readouterr().out)
    assert fields["status"] == "proven" and fields["method"] == SWITCHING_METHOD
    assert fields["solution"] == enumerated.solution == "7,9,14,32,37"
    assert abs(fields["value"] - enumerated.value) <= problem.success_atol


def test_switch_states_under_a_binding_voltage_limit_match_the_enumeration():
    """IEEE 33's least-loss configuration has V_min 0.9378 p.u.; at V_min >= 0.94 the optimum moves (enumeration of
    all 50,751 radial configurations), and no reference configuration meets the limit, so the program runs on its
    configuration-free bounds."""
    problem = ob.get_problem("reconfiguration", network="ieee33", vmin=0.94)
    assert SwitchingModel(problem.graph, v_min_pu=0.94).reference_loss_kw is None
    unlimited = ob.get_problem("reconfiguration", network="ieee33").known_optimum
    enumerated, _ = problem.certify(method="enumeration")
    assert enumerated["value"] > unlimited.value + 0.3 and enumerated["solution"] != unlimited.solution
    fields, _ = problem.certify(method="misocp")
    assert fields["status"] == "proven" and fields["solution"] == enumerated["solution"]
    assert abs(fields["value"] - enumerated["value"]) <= problem.success_atol


def test_switching_bounds_contain_every_configuration_that_can_be_optimal():
    """The big-M bounds, checked against AC power flows: every radial configuration of IEEE 33 with a loss at most the
    reference's has its voltages, flows and squared currents within them, arc by arc."""
    graph = SwitchGraph(ob.load_network("ieee33"))
    model = SwitchingModel(graph)
    b = model.bounds()
    rng = np.random.default_rng(5)
    keys = rng.random((3000, graph.n_branch))
    keys[:, graph.base_open] += 0.5
    configs = graph.spanning_tree(keys)
    res = model.power_flow(configs)
    keep = res.converged & (res.loss_kw <= model.reference_loss_kw)
    assert keep.sum() > 500
    _, parent, feeder, _ = graph.trees(configs[keep])
    v = res.v[keep]
    arc = {(int(i), int(j)): a for a, (i, j) in enumerate(zip(model.arc_from, model.arc_to))}
    assert np.min(np.abs(v) ** 2) >= b["v_lo"] and np.max(np.abs(v) ** 2) <= b["v_hi"] + 1e-12
    for row in range(len(v)):
        for j in np.flatnonzero(parent[row] >= 0):
            i, k = int(parent[row, j]), int(feeder[row, j])
            current = (v[row, i] - v[row, j]) / (graph.r_pu[k] + 1j * graph.x_pu[k])
            s = v[row, i] * np.conj(current)
            a = arc[(i, j)]
            assert 0 <= s.real <= b["p_max"][a] and 0 <= s.imag <= b["q_max"][a] and abs(current) ** 2 <= b["l_max"][a]


def test_switch_states_with_the_gap_left_open_give_a_bound_with_their_incumbent():
    """Stopped after one node, SCIP's dual bound is stored with the AC-evaluated incumbent (status bound)."""
    problem = ob.get_problem("reconfiguration", network="ieee33")
    solution, open_index = SwitchingModel(problem.graph).solve(60.0, **{"limits/nodes": 1})
    assert solution.status == "optimal_inaccurate" and solution.mip_gap > placement_certify.GAP_TOL
    text = ",".join(str(int(b)) for b in problem.graph.number(open_index))
    fields = mip_fields(
        problem, solution, lambda: problem.parse_solution(text), gap_tol=placement_certify.GAP_TOL, method=SWITCHING_METHOD
    )
    optimum = problem.known_optimum.value
    assert fields["status"] == "bound" and fields["value"] == solution.mip_bound
    assert fields["value"] <= optimum + 1e-6 and fields["incumbent"] >= optimum - 1e-6


def test_switching_input_is_refused_before_solving():
    problem = ob.get_problem("reconfiguration", network="ieee33")
    with pytest.raises(ValueError, match="certify method must be one of"):
        problem.certify(method="branch-and-bound")
    with pytest.raises(ValueError, match="time_limit_s must be positive"):
        problem.certify(method="misocp", time_limit_s=0)
    with pytest.raises(ValueError, match="certify takes no option 'solver' \\(its options: method, time_limit_s, chunk\\)"):
        certify(problem, solver="SCIP")
    with pytest.raises(ValueError, match="use the mixed-integer model"):
        ob.get_problem("reconfiguration", network="case118zh").certify(method="enumeration")
    p_kw = problem.network.p_kw.copy()
    p_kw[problem.network.index_of(7)] = -50.0
    with pytest.raises(ValueError, match="bus 7 has p_kw -50 < 0"):
        SwitchingModel(problem.graph, p_kw=p_kw)
