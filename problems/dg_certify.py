"""Proven optima of ``dg-placement``: a cone bound for every set of buses, closed by the AC power flow.

For a fixed set of buses the sizing is a continuous problem. Its branch-flow
model with the second-order cone relaxation (Farivar and Low, IEEE Trans.
Power Systems 28(3), 2013; :class:`optibench.exact.BranchFlowModel`) is a
convex program whose optimum is a lower bound on the loss of every sizing of
that set (on a radial feeder the relaxation contains every AC operating
point, voltage limits included); the AC power flow at the relaxation's sizes
gives a feasible loss. The model is compiled once, with the placement as a
cvxpy Parameter (a 0/1 matrix from units to buses), and re-solved for every
set by Clarabel.

Over all sets, the lowest AC loss ``U`` is an incumbent and the lowest cone
bound ``L`` a lower bound of the optimum, so the optimum lies in ``[L, U]``.
The status is:

* ``proven`` when every set's solve ends ``optimal`` (or ``infeasible``: no
  sizing of that set meets the voltage limits) and ``U - L <= tol_kw``;
* ``bound`` (value ``L``, incumbent ``U``) when every set is solved but the
  gap stays wider, i.e. the relaxation is not exact where it matters;
* ``best-known`` (value ``U``) when some set's solver status is anything else
  (``optimal_inaccurate`` included): then no valid bound covers that set.

A set whose solve is not ``optimal`` at Clarabel's defaults is solved again
with the settings of :data:`RETRIES`, in order. The bound's own accuracy is
that of the solver (primal-dual gap and feasibility 1e-8, relative; a
residual of 1e-8 p.u. is 1e-4 kW on a 10 MVA base, ``ieee33`` and ``ieee69``,
and 1e-5 kW on the 1 MVA base of ``ieee33mg``), which is why the default
tolerance is 1e-4 kW and not finer.

With voltage limits a relaxation optimum can sit exactly on a limit, where
the AC re-check may exceed it by rounding (1e-9 p.u.); such sets are solved
again with the limits tightened by :data:`VOLTAGE_MARGINS_PU` until the AC
re-check is feasible, which gives the incumbent (the bound still comes from
the untightened model).
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import cvxpy as cp
import numpy as np

from optibench.exact import BranchFlowModel, Device

if TYPE_CHECKING:
    from .placement import DgPlacement

TOLERANCE_KW = 1e-4
"""Largest gap (kW) between the incumbent's AC loss and the lowest cone bound for ``proven``."""
VOLTAGE_MARGINS_PU = (1e-9, 1e-8, 1e-7)
"""Tightenings of the voltage limits (p.u.), tried in turn, for the incumbents of sets that sit on a limit."""
RETRIES: tuple[dict[str, float], ...] = (
    {},
    {"static_regularization_constant": 1e-10},
    {"equilibrate_max_iter": 50},
    {"iterative_refinement_reltol": 1e-16, "iterative_refinement_abstol": 1e-16, "iterative_refinement_max_iter": 50},
)
"""Clarabel settings tried in turn until a set's status is ``optimal`` or ``infeasible``."""
DECISIVE = ("optimal", "infeasible")
"""Solver statuses that settle a set: a bound, or a certificate that no sizing is feasible."""


class SitedUnits(Device):
    """``units`` generators at unity power factor whose buses are a cvxpy Parameter.

    ``placement`` (shape (n_candidates, units), 0/1) puts unit ``u`` at
    candidate bus ``b`` where ``placement[b, u] = 1``; ``size`` (p.u., shape
    (units,)) is each unit's output, in ``[0, max_kw]``.
    """

    def __init__(self, candidates: Iterable[int], units: int, max_kw: float) -> None:
        self.name = "dg"
        self.candidates = [int(b) for b in candidates]
        self.units = int(units)
        self.max_kw = float(max_kw)

    def attach(self, model: BranchFlowModel) -> list:
        if model.periods != 1:
            raise ValueError("dg-placement certification: the branch-flow model must have one period")
        self.model = model
        self.s_base = model.s_base_kva
        self.index = [model.bus_index(b) for b in self.candidates]
        self.placement = cp.Parameter((len(self.candidates), self.units), nonneg=True, name="placement")
        self.size = cp.Variable(self.units, nonneg=True, name="dg_size")
        return [self.size <= self.max_kw / self.s_base]

    def injections(self) -> list[tuple]:
        return [
            (i, cp.reshape(self.placement[row, :] @ self.size, (1,), order="C"), np.zeros(1)) for row, i in enumerate(self.index)
        ]

    def report(self) -> dict[str, np.ndarray]:
        return {"p_kw": self._kw(self.size)}


class SetSolver:
    """The cone relaxation of one ``dg-placement`` instance, compiled once, solved per bus set.

    Args:
        problem: the :class:`~optibench.problems.placement.DgPlacement` instance.
        margin_pu: tightening of its voltage limits (p.u.; 0 for the bound itself).
    """

    def __init__(self, problem: DgPlacement, margin_pu: float = 0.0) -> None:
        vmin, vmax = problem.vmin_limit, problem.vmax_limit
        self.model = BranchFlowModel(
            problem.network,
            relaxation="socp",
            v_min_pu=None if vmin is None else vmin + margin_pu,
            v_max_pu=None if vmax is None else vmax - margin_pu,
        )
        self.candidates = problem.candidate_buses()
        self.row = {b: r for r, b in enumerate(self.candidates)}
        self.units = self.model.add(SitedUnits(self.candidates, problem.units, problem.max_unit_kw))
        self.cone = self.model.problem(cp.sum(self.model.loss_kw))

    def solve(self, buses: Sequence[int]) -> tuple[str, float, np.ndarray, int]:
        """Relaxation of the bus set ``buses`` (1-based, one per unit).

        Returns (status, bound in kW (+inf when infeasible, NaN when undecided),
        sizes in kW (units,), number of settings tried).
        """
        placement = np.zeros((len(self.candidates), len(buses)))
        placement[[self.row[b] for b in buses], np.arange(len(buses))] = 1.0
        self.units.placement.value = placement
        # the last value of tries is returned after the loop
        for tries, options in enumerate(RETRIES, start=1):  # noqa: B007
            with warnings.catch_warnings():  # an inaccurate solution is reported in the status
                warnings.filterwarnings("ignore", message="Solution may be inaccurate")
                try:
                    self.cone.solve(solver="CLARABEL", **options)
                    status = self.cone.status
                except cp.error.SolverError:
                    status = "solver_error"
            if status in DECISIVE:
                break
        if status == "infeasible":
            return status, math.inf, np.full(len(buses), np.nan), tries
        if status != "optimal":
            return status, math.nan, np.full(len(buses), np.nan), tries
        return status, float(self.cone.value), self.units.size.value * self.model.s_base_kva, tries


def bus_sets(problem: DgPlacement) -> np.ndarray:
    """Every set of ``problem.units`` distinct candidate buses, ascending, shape (n_sets, units)."""
    return np.array(list(itertools.combinations(problem.candidate_buses(), problem.units)), dtype=np.float64)


def certify(problem: DgPlacement, tol_kw: float = TOLERANCE_KW, sets: np.ndarray | None = None) -> tuple[dict, int]:
    """The optimum of a ``dg-placement`` instance over every bus set (see the module docstring).

    Args:
        problem: the :class:`~optibench.problems.placement.DgPlacement` instance.
        tol_kw: largest incumbent-to-bound gap (kW) for ``proven``.
        sets: the bus sets to search, shape (n_sets, units); default :func:`bus_sets`
            (any other choice never gives ``proven``).

    Returns:
        (:class:`~optibench.problem.KnownOptimum` fields but ``computed``, number of AC power flows).
    """
    whole = sets is None
    sets = bus_sets(problem) if whole else np.asarray(sets, dtype=np.float64)
    solver = SetSolver(problem)
    results = [solver.solve([int(b) for b in buses]) for buses in sets]
    status = np.array([r[0] for r in results])
    bound = np.array([r[1] for r in results])
    sizes = np.array([r[2] for r in results]).reshape(len(sets), problem.units)
    retried = sum(r[0] == "optimal" and r[3] > 1 for r in results)
    ac = _ac_loss(problem, sets, sizes)
    flows = int(np.isfinite(bound).sum()) + _close_on_limits(problem, sets, bound, sizes, ac, tol_kw)
    if not np.isfinite(ac).any():
        raise ValueError(f"{problem.name} {problem.instance}: no bus set has a feasible sizing")
    best = int(np.argmin(ac))
    solution, value = _rounded(problem, sets[best], sizes[best])
    undecided = int((~np.isin(status, DECISIVE)).sum())
    n_infeasible = int((status == "infeasible").sum())
    method = (
        f"SOCP relaxation of the branch-flow model (Clarabel) for each of the {len(sets):,} sets of "
        f"{problem.units} bus{'es' if problem.units > 1 else ''}"
        f"{'' if whole else ' given'}, its sizes re-checked by the AC power flow"
    )
    solved = (
        f"solver status optimal for {int((status == 'optimal').sum()):,} sets "
        f"({retried} after re-solving with other settings), infeasible for {n_infeasible}"
    )
    if undecided or not whole:
        reason = (
            f"{undecided} sets without a decisive solver status ({sorted(set(status) - set(DECISIVE))})"
            if undecided
            else "only the given sets were searched"
        )
        return dict(
            value=value,
            status="best-known",
            method=method + "; best AC loss found",
            solution=solution,
            tolerance=f"none: {reason}; {solved}",
        ), flows
    lowest = float(bound.min())
    gap = value - lowest
    base = solver.model.s_base_kva
    figures = (
        f"incumbent's AC loss {value:.6f} kW - lowest cone bound {lowest:.6f} kW = {gap:.1e} kW; {solved}; "
        f"Clarabel gap and feasibility tolerances 1e-8 (a residual of 1e-8 p.u. is {base * 1e-8:.0e} kW "
        f"on the {base / 1000:g} MVA base)"
    )
    if gap <= tol_kw:
        return dict(
            value=value, status="proven", method=method, solution=solution, tolerance=f"within {tol_kw:g} kW: {figures}"
        ), flows
    return dict(
        value=lowest,
        status="bound",
        method=method,
        solution=solution,
        incumbent=value,
        tolerance=f"gap wider than {tol_kw:g} kW: {figures}",
    ), flows


def _close_on_limits(
    problem: DgPlacement, sets: np.ndarray, bound: np.ndarray, sizes: np.ndarray, ac: np.ndarray, tol_kw: float
) -> int:
    """Give AC-feasible sizes to the sets that sit on a voltage limit (see the module docstring).

    The sets whose bound is below the best AC loss by more than ``tol_kw``
    but whose relaxation sizes fail the AC re-check are solved again with the
    limits tightened by each of :data:`VOLTAGE_MARGINS_PU` in turn; ``sizes``
    (n_sets, units) and ``ac`` (n_sets,) are updated in place. Returns the
    number of AC power flows solved.
    """
    if problem.vmin_limit is None and problem.vmax_limit is None:
        return 0
    flows = 0
    for margin in VOLTAGE_MARGINS_PU:
        closing = np.isfinite(bound) & ~np.isfinite(ac) & (bound < ac.min() - tol_kw)
        if not closing.any():
            break
        tight = SetSolver(problem, margin)
        for i in np.flatnonzero(closing):
            status, _, z, _ = tight.solve([int(b) for b in sets[i]])
            if status == "optimal":
                sizes[i] = z
        ac[closing] = _ac_loss(problem, sets[closing], sizes[closing])
        flows += int(closing.sum())
    return flows


def _ac_loss(problem: DgPlacement, sets: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """AC loss (kW) of each set at its sizes, shape (n_sets,); +inf where infeasible or undecided."""
    loss = np.full(len(sets), math.inf)
    ok = np.all(np.isfinite(sizes), axis=1)
    if ok.any():
        Z = np.concatenate([sets[ok], np.clip(sizes[ok], 0.0, problem.max_unit_kw)], axis=1)
        ev = problem._evaluate(Z)
        loss[ok] = np.where(np.all(ev.G <= 0, axis=1), ev.F[:, 0], math.inf)
    return loss


def _rounded(problem: DgPlacement, buses: np.ndarray, sizes: np.ndarray) -> tuple[str, float]:
    """The solution as ``"bus:kW,..."`` with the fewest decimals (3 to 9) that stay feasible, and its AC loss."""
    sizes = np.clip(sizes, 0.0, problem.max_unit_kw)
    for decimals in range(3, 10):
        text = ",".join(f"{int(b)}:{kw:.{decimals}f}" for b, kw in zip(buses, sizes))
        ev = problem.evaluate_values(problem.parse_solution(text)[None, :])
        if np.all(ev.G <= 0):
            return text, float(ev.F[0, 0])
    raise ValueError(
        f"{problem.name} {problem.instance}: the best sizes {sizes.tolist()} at buses "
        f"{buses.tolist()} are infeasible once written out"
    )
