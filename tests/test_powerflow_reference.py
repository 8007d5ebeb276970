"""The Numba sweep against pandapower's Newton-Raphson and a plain Python sweep."""

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optibench import available_networks, load_network
from optibench.benchmarking.references import PandapowerCase
from optibench.powerflow import solve, solve_batch
from optibench.synthetic import synthetic_feeder
from reference import plain_sweep

V_TOL = 1e-6  # p.u.
LOSS_TOL = 1e-3  # kW


def random_injections(net, rng, rows):
    """Loads scaled 0-1.6x per bus, plus generation at a few buses large enough to reverse flows."""
    p = net.p_kw * rng.uniform(0.0, 1.6, (rows, net.n_bus))
    q = net.q_kvar * rng.uniform(0.0, 1.6, (rows, net.n_bus))
    total = net.p_kw.sum()
    for row in range(rows):
        k = rng.integers(1, 4)
        buses = rng.choice(np.arange(1, net.n_bus), size=k, replace=False)
        p[row, buses] -= rng.uniform(0.0, 0.6, k) * total
        q[row, buses] -= rng.uniform(-0.2, 0.3, k) * net.q_kvar.sum()
    return p, q


def assert_base_case_matches_newton_raphson(net):
    res = solve(net)
    v_ref, loss_ref = PandapowerCase(net).solve(net.p_kw, net.q_kvar)
    assert res.converged[0]
    assert np.max(np.abs(res.v[0] - v_ref)) <= V_TOL
    assert abs(res.loss_kw[0] - loss_ref) <= LOSS_TOL


@pytest.mark.parametrize("name", available_networks())
def test_base_case_matches_newton_raphson(name):
    assert_base_case_matches_newton_raphson(load_network(name))


@pytest.mark.parametrize("name", ["ieee33", "ieee69"])
def test_200_random_injections_with_reverse_flow(name):
    net = load_network(name)
    rng = np.random.default_rng(20261121)
    p, q = random_injections(net, rng, 200)
    res = solve_batch(net, p, q)
    case = PandapowerCase(net)
    assert res.converged.all()
    reverse_rows = 0
    for row in range(200):
        v_ref, loss_ref = case.solve(p[row], q[row])
        assert np.max(np.abs(res.v[row] - v_ref)) <= V_TOL, f"row {row}"
        assert abs(res.loss_kw[row] - loss_ref) <= LOSS_TOL, f"row {row}"
        reverse_rows += np.any(res.branch_flow_kva[row].real < 0)
    assert reverse_rows >= 100  # the patterns do exercise reverse power flow


@settings(max_examples=25, deadline=None)
@given(n_bus=st.integers(2, 80), seed=st.integers(0, 2**31 - 1), drop=st.floats(0.01, 0.12))
def test_random_synthetic_feeders_match_newton_raphson(n_bus, seed, drop):
    assert_base_case_matches_newton_raphson(synthetic_feeder(n_bus, seed, target_drop_pu=drop))


@pytest.mark.parametrize("name", ["ieee33", "case118zh"])
def test_numba_kernel_equals_plain_sweep(name):
    net = load_network(name)
    rng = np.random.default_rng(7)
    p, q = random_injections(net, rng, 19)  # not a multiple of the SIMD block
    res = solve_batch(net, p, q, tol=1e-12)
    for row in range(len(p)):
        v_ref, loss_ref, ok = plain_sweep(net, p[row], q[row])
        assert ok and res.converged[row]
        assert np.max(np.abs(res.v[row] - v_ref)) < 1e-10
        assert res.loss_kw[row] == pytest.approx(loss_ref, rel=1e-9)


@pytest.mark.parametrize("name", ["ieee33", "ieee69"])
def test_cli_json_matches_newton_raphson(name):
    out = subprocess.run(
        [sys.executable, "-m", "optibench.cli", "powerflow", name, "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(out.stdout)
    net = load_network(name)
    v_ref, loss_ref = PandapowerCase(net).solve(net.p_kw, net.q_kvar)
    vm = np.abs(v_ref)
    assert report["converged"] is True and report["network"] == name
    assert abs(report["loss_kw"] - loss_ref) <= LOSS_TOL
    assert abs(report["vmin_pu"] - vm.min()) <= V_TOL
    assert report["vmin_bus"] == net.bus_ids[np.argmin(vm)]
    assert abs(report["vmax_pu"] - vm.max()) <= V_TOL
    assert report["iterations"] > 1 and report["loss_kvar"] > 0
