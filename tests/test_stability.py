"""Voltage stability reserve (paper 003, eq. 30) against repeated Newton-Raphson of pandapower."""

import json
import subprocess
import sys

import pytest

from optibench.benchmarking.references import PandapowerCase
from optibench.network import load_network
from optibench.stability import stability_reserve


def newton_raphson_loadability(net, p, q, tol=1e-5):
    """Largest load scaling at which pandapower's NR (flat start) converges, by plain bisection."""
    case = PandapowerCase(net)

    def converges(scale):
        try:
            case.solve(scale * p, scale * q)
            return True
        except Exception:  # pandapower raises LoadflowNotConverged
            return False

    lo, hi = 1.0, 8.0
    while hi - lo > tol:
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if converges(mid) else (lo, mid)
    return lo


@pytest.mark.parametrize("name, ev", [("ieee33", None), ("ieee69", None), ("ieee69", (61, 350.0))])
def test_loadability_matches_newton_raphson(name, ev):
    net = load_network(name)
    p = net.p_kw.copy()
    if ev is not None:
        p[net.index_of(ev[0])] += ev[1]
    reserve = stability_reserve(net, p, net.q_kvar, tol=1e-4)
    nr = newton_raphson_loadability(net, p, net.q_kvar)
    assert abs(reserve.lambda_max - nr) <= 1e-3
    assert reserve.bracket[1] - reserve.bracket[0] <= 1e-4
    assert reserve.k_p == pytest.approx(reserve.lambda_max - 1)
    assert reserve.pmax_kw == pytest.approx(reserve.lambda_max * (p.sum() - p[net.slack]))
    assert 0 < reserve.k_u < 1 and reserve.ucr_pu < reserve.u0_pu


def test_cli_json():
    command = [sys.executable, "-m", "optibench.cli", "stability", "ieee69", "--ev-bus", "61", "--ev-kw", "350", "--json"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    data = json.loads(out)
    net = load_network("ieee69")
    assert data["p0_kw"] == pytest.approx(net.p_kw.sum() + 350.0)
    assert data["lambda_max"] < stability_reserve(net).lambda_max  # the EV load lowers the margin
