"""The classic DG problem (``dg-placement``): literature values, the stored optima and their certificate."""

import json

import numpy as np
import pytest
from scipy.optimize import minimize, minimize_scalar

import optibench as ob
from optibench.cli import main as cli
from optibench.problems import dg_certify

NETWORKS = ("ieee33", "ieee33mg", "ieee69")

# One DG at unity power factor, no voltage limit, minimising loss: bus, size (MW), loss (kW) as published,
# with the rounding of the printed figures as the tolerance.
# ieee33mg is the data of these studies (base loss 211 kW: Baran & Wu's feeder with branch 7-8 at
# 1.7114 + j1.2351 ohm). Acharya, Mahat, Mithulananthan, "An analytical approach for DG allocation in
# primary distribution network", Int. J. Electr. Power Energy Syst. 28(10) (2006) 669-678, and Hung,
# Mithulananthan, Bansal, "Analytical expressions for DG allocation in primary distribution networks",
# IEEE Trans. Energy Convers. 25(3) (2010) 814-820, place it at bus 6 with about 2.59-2.60 MW and a loss of
# about 111.0-111.1 kW (IEEE 33) and at bus 61 with about 1.87 MW and 83.2 kW (IEEE 69, base 225 kW).
LITERATURE = {
    "ieee33mg": dict(base_kw=(211.0, 0.05), bus=6, mw=(2.59, 0.02), loss_kw=(111.0, 0.1)),
    "ieee69": dict(base_kw=(225.0, 0.05), bus=61, mw=(1.87, 0.005), loss_kw=(83.2, 0.05)),
}
# MATPOWER's case33bw, the other IEEE 33 variant (branch 7-8 at 0.7114 + j0.2351 ohm): base loss 202.7 kW.
BASE_LOSS_KW = {"ieee33": (202.7, 0.05), **{name: ref["base_kw"] for name, ref in LITERATURE.items()}}


def single_unit_search(problem):
    """Best loss of one unit at every bus by a bounded Brent search of its size: [(loss kW, bus, kW)], best first.

    Independent of the certificate: only the problem's own evaluation (AC power flow) is used; an
    infeasible size counts 1e6 kW plus its violation, so the search stays on the feasible side.
    """

    def loss(bus, kw):
        ev = problem.evaluate_values([[bus, kw]])
        return ev.F[0, 0] if np.all(ev.G <= 0) else 1e6 + ev.G.max()

    found = []
    for bus in problem.candidate_buses():
        r = minimize_scalar(
            lambda kw, bus=bus: loss(bus, kw), bounds=(0.0, problem.max_unit_kw), method="bounded", options={"xatol": 1e-4}
        )
        found.append((r.fun, bus, r.x))
    return sorted(found)


def test_default_instance_is_the_classic_one_without_voltage_limits():
    problem = ob.get_problem("dg-placement", network="ieee33mg")
    assert problem.instance == dict(network="ieee33mg", units=1, vmin=None, vmax=None, max_unit_kw=None)
    assert problem.constraint_names == ("power_flow_diverged",)
    limited = ob.get_problem("dg-placement", network="ieee33mg", vmin=1, vmax=1.05)
    assert limited.instance["vmin"] == 1.0 and isinstance(limited.instance["vmin"], float)
    assert len(limited.constraint_names) == 3


@pytest.mark.parametrize("network", NETWORKS)
def test_base_loss(network):
    problem = ob.get_problem("dg-placement", network=network)
    value, tol = BASE_LOSS_KW[network]
    assert problem.evaluate_values([[2, 0.0]]).F[0, 0] == pytest.approx(value, abs=tol)


@pytest.mark.parametrize("network", sorted(LITERATURE))
def test_stored_single_unit_optimum_is_the_published_one(network):
    ref = LITERATURE[network]
    optimum = ob.get_problem("dg-placement", network=network, units=1).known_optimum
    bus, kw = optimum.solution.split(":")
    assert optimum.status == "proven"
    assert int(bus) == ref["bus"]
    assert float(kw) / 1000 == pytest.approx(ref["mw"][0], abs=ref["mw"][1])
    assert optimum.value == pytest.approx(ref["loss_kw"][0], abs=ref["loss_kw"][1])


@pytest.mark.parametrize("network", NETWORKS)
def test_no_bus_beats_the_stored_single_unit_optimum(network):
    problem = ob.get_problem("dg-placement", network=network, units=1)
    best, bus, kw = single_unit_search(problem)[0]
    optimum = problem.known_optimum
    assert best >= optimum.value - 1e-6
    assert best == pytest.approx(optimum.value, abs=1e-4)
    assert optimum.solution.startswith(f"{bus}:")


@pytest.mark.parametrize("network", NETWORKS)
@pytest.mark.parametrize("units", [1, 2, 3])
def test_stored_optima_of_the_classic_instances_are_proven(network, units):
    problem = ob.get_problem("dg-placement", network=network, units=units)
    optimum = problem.known_optimum
    assert optimum.status == "proven" and optimum.method.startswith("SOCP relaxation of the branch-flow model")
    assert "within 0.0001 kW" in optimum.tolerance
    ev = problem.evaluate_values(problem.parse_solution(optimum.solution))
    assert np.all(ev.G <= 0) and ev.F[0, 0] == pytest.approx(optimum.value, abs=1e-9)
    if units > 1:  # one more unit never loses: the optima decrease with the number of units
        fewer = ob.get_problem("dg-placement", network=network, units=units - 1).known_optimum
        assert optimum.value < fewer.value


@pytest.mark.parametrize("network", NETWORKS)
@pytest.mark.parametrize("units", [2, 3])
def test_no_sizing_of_the_stored_buses_beats_the_stored_optimum(network, units):
    """Nelder-Mead on the AC loss from sizes 100 kW off the stored ones returns to the stored value."""
    problem = ob.get_problem("dg-placement", network=network, units=units)
    optimum = problem.known_optimum
    z = problem.parse_solution(optimum.solution)
    buses, sizes = z[:units], z[units:]
    result = minimize(
        lambda kw: problem.evaluate_values(np.concatenate([buses, kw])[None, :]).F[0, 0],
        sizes + 100.0,
        method="Nelder-Mead",
        options={"xatol": 1e-3, "fatol": 1e-9, "maxiter": 4000},
    )
    assert result.fun >= optimum.value - 1e-6
    assert result.fun == pytest.approx(optimum.value, abs=1e-4)


@pytest.mark.slow
@pytest.mark.parametrize("network", NETWORKS)
def test_certificates_regenerate(network):
    """The shipped classic optima come back from a fresh certification (minutes for IEEE 69, three units)."""
    for units in (1, 2, 3):
        problem = ob.get_problem("dg-placement", network=network, units=units)
        fields, _ = problem.certify()
        assert fields["status"] == "proven"
        assert fields["solution"].split(",")[0].split(":")[0] == problem.known_optimum.solution.split(":")[0]
        assert fields["value"] == pytest.approx(problem.known_optimum.value, abs=1e-4)


def test_certificate_of_a_voltage_limited_instance_agrees_with_the_scalar_search():
    problem = ob.get_problem("dg-placement", network="ieee33mg", units=1, vmin=0.95, vmax=1.05)
    fields, flows = problem.certify()
    best, bus, _ = single_unit_search(problem)[0]
    assert fields["status"] == "proven"
    assert fields["solution"].startswith(f"{bus}:") and bus == 7  # the 0.95 p.u. floor moves it from bus 6
    assert fields["value"] == pytest.approx(best, abs=1e-4)
    assert flows >= 17  # the sets whose relaxation is feasible, each re-checked in AC


@pytest.fixture
def few_sets(monkeypatch):
    """Shrink the whole space of ieee33mg, one unit, to four bus sets (the optimum's included)."""
    monkeypatch.setattr(dg_certify, "bus_sets", lambda problem: np.array([[3.0], [6.0], [7.0], [18.0]]))
    return ob.get_problem("dg-placement", network="ieee33mg", units=1)


def test_certificate_is_proven_when_bound_and_ac_loss_meet(few_sets):
    fields, flows = dg_certify.certify(few_sets)
    assert fields["status"] == "proven" and flows == 4
    assert fields["value"] == pytest.approx(few_sets.known_optimum.value, abs=1e-6)


def test_an_inaccurate_solve_is_never_proof(few_sets, monkeypatch):
    solve = dg_certify.SetSolver.solve

    def inaccurate_at_bus_18(self, buses):
        status, bound, sizes, tries = solve(self, buses)
        return ("optimal_inaccurate", np.nan, sizes * np.nan, tries) if buses == [18] else (status, bound, sizes, tries)

    monkeypatch.setattr(dg_certify.SetSolver, "solve", inaccurate_at_bus_18)
    fields, _ = dg_certify.certify(few_sets)
    assert fields["status"] == "best-known" and "optimal_inaccurate" in fields["tolerance"]


def test_an_open_gap_is_a_bound_with_its_incumbent(few_sets, monkeypatch):
    solve = dg_certify.SetSolver.solve

    def loose_at_bus_7(self, buses):
        status, bound, sizes, tries = solve(self, buses)
        return status, bound - 5.0 if buses == [7] else bound, sizes, tries

    monkeypatch.setattr(dg_certify.SetSolver, "solve", loose_at_bus_7)
    fields, _ = dg_certify.certify(few_sets)
    assert fields["status"] == "bound"
    assert fields["incumbent"] == pytest.approx(few_sets.known_optimum.value, abs=1e-6)
    assert fields["value"] < fields["incumbent"] - 1.0


def test_a_partial_search_is_only_best_known():
    problem = ob.get_problem("dg-placement", network="ieee33mg", units=1)
    fields, _ = dg_certify.certify(problem, sets=[[6.0], [7.0]])
    assert fields["status"] == "best-known"


def test_cli_show_prints_the_classic_optimum(capsys):
    assert cli(["show", "dg-placement", "--instance", "network=ieee33mg,units=1", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)["known_optimum"]
    assert shown["status"] == "proven" and shown["solution"].startswith("6:")
    assert shown["value"] == pytest.approx(111.0, abs=0.1)
