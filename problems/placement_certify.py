"""Optima of the placement families by a mixed-integer cone program: binary sites on the branch-flow model.

For ``evcs-placement``, ``res-placement`` and ``dg-placement`` the sites are
0/1 variables (:class:`optibench.exact.placement.PlacedUnits`) on the
branch-flow model of the feeder with the second-order cone relaxation
(Farivar and Low, IEEE Trans. Power Systems 28(3), 2013;
:class:`optibench.exact.BranchFlowModel`), solved by SCIP:

* ``evcs-placement``: each level's stations are fixed loads (kW at the
  instance's power factor) on distinct buses; objective the series loss (kW);
* ``res-placement``: the stations are fixed loads at their sites (or placed
  too with ``joint``), the renewable units generators of 0 to
  ``max_unit_kw`` at unity power factor on distinct buses; objective their
  total power (kW) under the scenario's voltage limits;
* ``dg-placement``: the generators likewise; objective the series loss (kW)
  under the instance's voltage limits, if any.

On a radial feeder the relaxation contains every AC operating point, so
SCIP's dual bound is a lower bound on the optimum; the incumbent is then
evaluated by the problem itself (the AC power flow) and
:func:`optibench.known_optima.mip_fields` gives the status: ``proven`` when
SCIP closes its gap and the AC value of the incumbent equals the program's
objective within the problem's ``success_atol`` (1e-3 kW; 1e-4 kW for
``dg-placement``), else ``bound`` with the incumbent. SCIP runs with a
feasibility tolerance of :data:`FEASTOL`: at its default (1e-6) the cone may
be violated enough to understate the loss by about 1e-3 kW, more than the
5e-3 kW between the two best placements of ``evcs-placement`` case 1 allows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cvxpy as cp
import numpy as np

from optibench.exact import BranchFlowModel, Solution
from optibench.exact.placement import PlacedUnits
from optibench.known_optima import mip_fields
from optibench.network import Network

from .placement import DgPlacement, EvcsPlacement, ResPlacement

TIME_LIMIT_S = 600.0
"""SCIP's time limit per instance (s); a run stopped there stores SCIP's dual bound with its incumbent."""
FEASTOL = 1e-9
"""SCIP's feasibility tolerance (``numerics/feastol``): how far the model's constraints, the cone included, may be violated."""
GAP_TOL = 1e-6
"""Largest relative gap between SCIP's incumbent and its dual bound that counts as closed."""
SIZE_MARGINS_KW = (0.0, 1e-5, 1e-4)
"""Margins (kW) added in turn to every unit's size when an incumbent is written out (:func:`written`); the
largest adds 3e-4 kW to three units' total, below the families' ``success_atol`` (1e-3 kW)."""


def _levels(problem: EvcsPlacement | ResPlacement) -> tuple[np.ndarray, np.ndarray]:
    """Station counts per level present, shape (G,), and the kW of one station of each, shape (G,)."""
    levels, counts = np.unique(problem.levels, return_counts=True)
    return counts, np.array([problem.station_kw[problem.levels == level][0] for level in levels])


def _evcs(problem: EvcsPlacement, network: Network) -> tuple[BranchFlowModel, cp.Expression, Callable[[], list[float]]]:
    model = BranchFlowModel(network, relaxation="socp", v_min_pu=problem.vmin_limit, v_max_pu=problem.vmax_limit)
    counts, kw = _levels(problem)
    stations = model.add(PlacedUnits("stations", problem.candidate_buses(), counts, load_kw=kw, q_per_p=problem.q_ratio))
    return model, cp.sum(model.loss_kw), lambda: [float(b) for group in stations.sites() for b in group]


def _res(problem: ResPlacement, network: Network) -> tuple[BranchFlowModel, cp.Expression, Callable[[], list[float]]]:
    load_kw = network.p_kw.copy()
    if problem.stations is not None and not problem.joint:
        np.add.at(load_kw, [network.index_of(int(b)) for b in problem.stations], problem.station_kw)
    model = BranchFlowModel(network, relaxation="socp", load_kw=load_kw, v_min_pu=problem.vmin_limit, v_max_pu=problem.vmax_limit)
    candidates = problem.candidate_buses()
    stations = None
    if problem.joint:
        counts, kw = _levels(problem)
        stations = model.add(PlacedUnits("stations", candidates, counts, load_kw=kw))
    units = model.add(PlacedUnits("res", candidates, [problem.units], max_kw=float(problem.instance["max_unit_kw"])))

    def values() -> list[float]:
        sites = [] if stations is None else [float(b) for group in stations.sites() for b in group]
        return sites + [float(b) for b in units.sites()[0]] + units.sizes_kw()[0]

    return model, model.s_base_kva * cp.sum(units.size), values


def _dg(problem: DgPlacement, network: Network) -> tuple[BranchFlowModel, cp.Expression, Callable[[], list[float]]]:
    model = BranchFlowModel(network, relaxation="socp", v_min_pu=problem.vmin_limit, v_max_pu=problem.vmax_limit)
    units = model.add(PlacedUnits("dg", problem.candidate_buses(), [problem.units], max_kw=problem.max_unit_kw))
    return model, cp.sum(model.loss_kw), lambda: [float(b) for b in units.sites()[0]] + units.sizes_kw()[0]


BUILDERS: dict[str, Callable[[Any, Network], tuple[BranchFlowModel, cp.Expression, Callable[[], list[float]]]]] = {
    "evcs-placement": _evcs,
    "res-placement": _res,
    "dg-placement": _dg,
}
"""The mixed-integer model of each family: (branch-flow model with its placed units, objective, incumbent's values)."""


def placement_model(
    problem: EvcsPlacement | ResPlacement | DgPlacement, network: Network | None = None
) -> tuple[BranchFlowModel, cp.Expression, Callable[[], list[float]]]:
    """The mixed-integer model of a placement instance on the branch set of ``network``.

    Args:
        problem: an ``evcs-placement``, ``res-placement`` or ``dg-placement`` instance.
        network: the radial feeder whose branches the model uses (default the instance's own; another
            radial configuration of the same buses, e.g. with other switches open).

    Returns:
        (the branch-flow model with its placed units, the objective in the problem's units, a callable
        giving the solved incumbent in the problem's own terms, shape (n_var,)).
    Raises ValueError for another family, or a network whose buses are not the instance's.
    """
    if problem.name not in BUILDERS:
        raise ValueError(f"{problem.name}: no mixed-integer placement model (families: {', '.join(BUILDERS)})")
    network = problem.network if network is None else network
    if sorted(network.bus_ids.tolist()) != sorted(problem.network.bus_ids.tolist()):
        raise ValueError(f"{problem.name}: network {network.name!r} does not have the buses of {problem.network.name!r}")
    return BUILDERS[problem.name](problem, network)


def solve(
    problem: EvcsPlacement | ResPlacement | DgPlacement, time_limit_s: float = TIME_LIMIT_S, **scip_params: float
) -> tuple[Solution, Callable[[], list[float]]]:
    """Solve the mixed-integer model of a placement instance with SCIP.

    Args:
        problem: an ``evcs-placement``, ``res-placement`` or ``dg-placement`` instance.
        time_limit_s: SCIP's time limit (s).
        scip_params: further SCIP parameters (e.g. ``**{"limits/nodes": 1}``).

    Returns:
        (the solved model, AC re-checked; a callable giving its incumbent in the problem's own terms, shape (n_var,)).
    Raises ValueError for another family or a non-positive time limit, before any model is built.
    """
    if problem.name not in BUILDERS:
        raise ValueError(f"{problem.name}: no mixed-integer placement model (families: {', '.join(BUILDERS)})")
    if not time_limit_s > 0:
        raise ValueError(f"{problem.name}: time_limit_s must be positive, got {time_limit_s}")
    model, objective, values = placement_model(problem)
    params = {"limits/time": time_limit_s, "numerics/feastol": FEASTOL, **scip_params}
    return model.solve(objective, solver="SCIP", scip_params=params), values


def certify(problem: EvcsPlacement | ResPlacement | DgPlacement, time_limit_s: float = TIME_LIMIT_S) -> tuple[dict, int]:
    """The optimum of a placement instance by the mixed-integer cone program (see the module docstring).

    Args:
        problem: an ``evcs-placement``, ``res-placement`` or ``dg-placement`` instance.
        time_limit_s: SCIP's time limit (s).

    Returns:
        (:class:`~optibench.problem.KnownOptimum` fields but ``computed``, number of AC power flows: 1).
    Raises ValueError as :func:`solve`, or when SCIP finds no placement within the limit.
    """
    solution, values = solve(problem, time_limit_s)
    text = written(problem, values()) if solution.solved else ""  # unsolved: mip_fields raises before reading it
    note = f"SCIP feasibility tolerance {FEASTOL:g}, time limit {time_limit_s:g} s"
    fields = mip_fields(problem, solution, lambda: problem.parse_solution(text), gap_tol=GAP_TOL, note=note)
    return {**fields, "solution": text}, 1


def written(problem: EvcsPlacement | ResPlacement | DgPlacement, values: list[float]) -> str:
    """An incumbent as the family's solution text (``"28,3,2"``, ``"64:248.303623,65:80.401989"``).

    Sizes are written to 1 mW, rounded up and raised by the first margin of :data:`SIZE_MARGINS_KW` whose
    AC evaluation meets the voltage limits: the program's optimum sits on a limit, which its own sizes may
    miss by 1e-9 p.u. in the AC power flow. Returns the last try when none meets them.
    """
    if isinstance(problem, EvcsPlacement):
        return ",".join(str(int(b)) for b in values)
    units = problem.units
    stations = len(problem.levels) if isinstance(problem, ResPlacement) and problem.joint else 0
    prefix = ",".join(str(int(b)) for b in values[:stations]) + ";" if stations else ""
    buses, sizes = values[stations : stations + units], np.asarray(values[stations + units :])
    for margin in SIZE_MARGINS_KW:
        up = np.minimum(np.ceil((sizes + margin) * 1e6) / 1e6, problem.xu[-units:])
        text = prefix + ",".join(f"{int(b)}:{kw:.6f}" for b, kw in zip(buses, up))
        if np.all(problem.evaluate_values(problem.parse_solution(text)[None, :]).G <= 0):
            break
    return text
