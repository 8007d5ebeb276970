"""Steady-state voltage stability reserve of a radial feeder (paper 003, section 6, eq. 30).

Every load (the base loads plus any added, e.g. an EV fleet at one bus) is
scaled by a common factor ``lambda`` at constant power factor until the
backward/forward sweep stops converging: the largest converged factor is the
maximum loadability ``lambda_max`` (the nose of the P-V curve). Then

* power reserve ``K_P = (P_max - P0) / P0 = lambda_max - 1`` with
  ``P0`` the total active load and ``P_max = lambda_max P0``;
* voltage reserve ``K_U = (U0 - U_cr) / U0`` at the bus of lowest voltage,
  ``U0`` its voltage at ``lambda = 1`` and ``U_cr`` its voltage at
  ``lambda_max`` (the critical voltage).

Continuation: the factors ``1, 2, 4, ..., 2^doublings`` bracket the nose in
one batch; each refinement step then solves ``points`` factors spread evenly
inside the bracket as one ``solve_batch`` call and keeps the last converged
one and the first diverged one, until the bracket is narrower than ``tol``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .network import Network
from .powerflow import PowerFlowResult, solve_batch

STABILITY_MAX_ITER = 5000
"""Sweep limit near the nose, where the sweep converges slowly (see "Loadability" in results/seed003/README.md)."""


@dataclass(frozen=True)
class StabilityReserve:
    """Loadability and reserves of a loading (eq. 30).

    Attributes:
        lambda_max: largest load scaling with a power-flow solution (within ``tol`` below the nose).
        bracket: (converged, diverged) scalings around the nose.
        p0_kw, pmax_kw: total active load at scaling 1 and at ``lambda_max`` (kW).
        k_p: power reserve ``(P_max - P0) / P0`` (fraction).
        u0_pu, ucr_pu: voltage of the weakest bus at scaling 1 and at ``lambda_max`` (p.u.).
        weakest_bus: 1-based number of the bus of lowest voltage at ``lambda_max``.
        k_u: voltage reserve ``(U0 - U_cr) / U0`` (fraction).
        flows: power flows solved.
    """

    lambda_max: float
    bracket: tuple[float, float]
    p0_kw: float
    pmax_kw: float
    k_p: float
    u0_pu: float
    ucr_pu: float
    weakest_bus: int
    k_u: float
    flows: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def stability_reserve(
    network: Network,
    p_kw: ArrayLike | None = None,
    q_kvar: ArrayLike | None = None,
    *,
    tol: float = 1e-4,
    points: int = 16,
    doublings: int = 12,
    max_iter: int = STABILITY_MAX_ITER,
) -> StabilityReserve:
    """Maximum loadability and the reserves K_P, K_U of a loading.

    Args:
        network: the feeder.
        p_kw: active loads at scaling 1 (kW), shape (n_bus,); default the network's base loads.
        q_kvar: reactive loads at scaling 1 (kvar), shape (n_bus,); default the network's base loads.
        tol: width of the final bracket in load scaling.
        points: scalings solved per refinement step (one batch).
        doublings: the first batch tries ``2^0 .. 2^doublings``.
        max_iter: sweep limit per power flow.
    """
    p = network.p_kw if p_kw is None else np.asarray(p_kw, dtype=np.float64)
    q = network.q_kvar if q_kvar is None else np.asarray(q_kvar, dtype=np.float64)

    def solve(scales: np.ndarray) -> PowerFlowResult:
        return solve_batch(network, scales[:, None] * p, scales[:, None] * q, max_iter=max_iter)

    scales = 2.0 ** np.arange(doublings + 1)
    res = solve(scales)
    flows = len(scales)
    if not res.converged[0]:
        raise ValueError(f"network {network.name!r}: no power-flow solution at the given loading (scaling 1)")
    u0 = res.vm_pu[0]
    if res.converged.all():
        raise ValueError(f"network {network.name!r}: still converged at {scales[-1]:g} x the loading")
    lo, hi = _bracket(scales, res.converged)
    best = res.vm_pu[np.flatnonzero(scales == lo)[0]]
    while hi - lo > tol:
        scales = np.linspace(lo, hi, points + 2)[1:-1]
        res = solve(scales)
        flows += points
        new_lo, hi = _bracket(np.concatenate([[lo], scales, [hi]]), np.concatenate([[True], res.converged, [False]]))
        if new_lo > lo:
            best = res.vm_pu[np.flatnonzero(scales == new_lo)[0]]
        lo = new_lo
    weakest = int(np.argmin(best))
    u0_w, ucr = float(u0[weakest]), float(best[weakest])
    p0 = float(p[np.arange(network.n_bus) != network.slack].sum())
    return StabilityReserve(
        lambda_max=float(lo),
        bracket=(float(lo), float(hi)),
        p0_kw=p0,
        pmax_kw=float(lo) * p0,
        k_p=float(lo) - 1.0,
        u0_pu=u0_w,
        ucr_pu=ucr,
        weakest_bus=int(network.bus_ids[weakest]),
        k_u=(u0_w - ucr) / u0_w,
        flows=flows,
    )


def _bracket(scales: np.ndarray, converged: np.ndarray) -> tuple[float, float]:
    """(last converged scaling before the first diverged one, that diverged scaling); scales ascending."""
    first_bad = int(np.argmin(converged))
    return float(scales[first_bad - 1]), float(scales[first_bad])
