"""Shared machinery of problems whose fitness is a power flow of one feeder.

A :class:`FeederProblem` adds per-candidate injections to the base loads
(``injections(Z)``), solves the whole population with one ``solve_batch``
call and turns the results into objective and constraint columns:

* ``power_flow_diverged``: 1 where the sweep found no solution (voltage
  collapse), else 0, so a collapsing candidate is infeasible under any
  constraint rule; its loss is reported as ``DIVERGED_LOSS_KW``.
* ``vmin_limit - vmin`` and ``vmax - vmax_limit`` (p.u.) when the instance
  sets voltage limits.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import ArrayLike

from optibench.checks import check_instance, real, text
from optibench.network import load_network
from optibench.powerflow import PowerFlowResult, solve_batch
from optibench.problem import Problem

FEEDER_RULES = {"network": text(), "vmin": real(0.5, 1.5, optional=True), "vmax": real(0.5, 1.5, optional=True)}
"""Instance values every feeder problem takes: a network name or folder, voltage limits in p.u."""
DIVERGED_LOSS_KW = 1e9
"""Objective of a candidate whose power flow has no solution (kW): no real loss comes near it."""


class FeederProblem(Problem):
    """Base of the power-flow problems: a network, its base loads and optional voltage limits.

    Subclasses set ``space`` after this constructor (the variables usually
    depend on the network's buses).

    Args:
        instance: all instance parameters, for reports and the known-optima store.
        network: shipped network name or folder.
        vmin: lower voltage limit (p.u.), or None for no limit.
        vmax: upper voltage limit (p.u.), or None for no limit.

    ``success_atol`` is 1e-3 kW for objectives in kW (losses, renewable
    power): the power flow is checked against Newton-Raphson to 1e-6 p.u.,
    and a voltage error of 1e-6 p.u. moves a loss of a few hundred kW by
    about 2e-6 of itself (loss ~ 1 / V^2), i.e. 5e-4 kW on IEEE 69; its own
    convergence tolerance (1e-9 p.u.) moves the loss by 1e-7 kW. 1 W is
    above both and below the 5.2e-3 kW between the best and the second-best
    placement of ``evcs-placement`` case 1, so a success there means the
    optimal placement was found. Subclasses with other units override it.
    """

    success_atol = 1e-3

    def __init__(self, instance: dict, network: str, vmin: float | None, vmax: float | None):
        check_instance(self, FEEDER_RULES, network=network, vmin=vmin, vmax=vmax)
        if vmin is not None and vmax is not None and vmin >= vmax:
            raise ValueError(f"problem {self.name!r}: vmin must be below vmax, got vmin={vmin}, vmax={vmax}")
        super().__init__(None, **instance)  # type: ignore[arg-type]  # subclasses set space after this constructor
        self.network = load_network(network)
        # network bus index of each 1-based bus number (-1 where there is no such bus), for bus_index
        self._bus_lookup = np.full(int(self.network.bus_ids.max()) + 1, -1, dtype=np.int64)
        self._bus_lookup[self.network.bus_ids] = np.arange(self.network.n_bus)
        self.vmin_limit = vmin
        self.vmax_limit = vmax
        names = ["power_flow_diverged"]
        if vmin is not None:
            names.append(f"vmin >= {vmin} p.u. (p.u. below)")
        if vmax is not None:
            names.append(f"vmax <= {vmax} p.u. (p.u. above)")
        self.constraint_names = tuple(names)
        self.n_con = len(names)

    def candidate_buses(self) -> tuple[int, ...]:
        """1-based numbers of every bus but the substation: where devices may go."""
        return tuple(int(b) for b in self.network.bus_ids if b != self.network.bus_ids[self.network.slack])

    def base_injections(self, pop: int) -> tuple[np.ndarray, np.ndarray]:
        """Base net loads repeated for a population: two arrays (pop, n_bus), kW and kvar."""
        net = self.network
        return np.repeat(net.p_kw[None, :], pop, axis=0), np.repeat(net.q_kvar[None, :], pop, axis=0)

    def injections_at(self, at: np.ndarray, kw: np.ndarray, kvar: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Base net loads with devices added: two arrays (pop, n_bus), kW and kvar.

        ``at``: network bus indices of each candidate's k devices (pop, k);
        ``kw``, ``kvar``: each device's load (k,). The same as
        ``p, q = base_injections(pop)`` then ``p[rows, at] += kw`` and
        ``q[rows, at] += kvar`` (a bus named twice in a row takes the last device only), in one compiled pass.
        """
        net = self.network
        return _loads_at(net.p_kw, net.q_kvar, np.asarray(at, dtype=np.int64), kw, kvar)

    def bus_index(self, buses: np.ndarray) -> np.ndarray:
        """Network bus indices of 1-based bus numbers (any shape)."""
        return self._bus_lookup[np.asarray(buses, dtype=np.int64)]

    def injections(self, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Net loads of decoded solutions ``Z`` (pop, n_var): two arrays (pop, n_bus), kW and kvar."""
        raise NotImplementedError

    def voltage_profile(self, z: ArrayLike) -> np.ndarray:
        """Voltage magnitudes (p.u.) of one decoded solution, shape (n_bus,), network bus order."""
        p, q = self.injections(np.asarray(z, dtype=np.float64)[None, :])
        return solve_batch(self.network, p, q).vm_pu[0]

    def power_flow(self, p_kw: np.ndarray, q_kvar: np.ndarray) -> tuple[PowerFlowResult, np.ndarray, np.ndarray]:
        """Solve every candidate's injections; returns (result, G (pop, n_con), loss_kw (pop,))."""
        res = solve_batch(self.network, p_kw, q_kvar, store_voltages=False)
        return (res, *self.judge(res))

    def judge(self, res: PowerFlowResult) -> tuple[np.ndarray, np.ndarray]:
        """Constraint values G (pop, n_con) and objective loss_kw (pop,) of solved candidates (see the module docstring)."""
        G = [np.where(res.converged, 0.0, 1.0)]
        if self.vmin_limit is not None:
            G.append(np.where(res.converged, self.vmin_limit - res.vmin_pu, 0.0))
        if self.vmax_limit is not None:
            G.append(np.where(res.converged, res.vmax_pu - self.vmax_limit, 0.0))
        loss = np.where(res.converged, res.loss_kw, DIVERGED_LOSS_KW)
        return np.ascontiguousarray(np.array(G).T), loss  # np.stack(G, axis=1), for a fraction of its call cost

    @staticmethod
    def diagnostics(res: PowerFlowResult) -> dict[str, np.ndarray]:
        """Per-candidate power-flow figures for reports, each shape (pop,)."""
        return {
            "loss_kw": res.loss_kw,
            "vmin_pu": res.vmin_pu,
            "vmin_bus": np.where(res.converged, res.vmin_bus, -1),
            "vmax_pu": res.vmax_pu,
            "converged": res.converged,
        }


@njit(cache=True)
def _loads_at(
    base_p: np.ndarray, base_q: np.ndarray, at: np.ndarray, kw: np.ndarray, kvar: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:meth:`FeederProblem.injections_at`: base loads (n_bus,) repeated per row of at (pop, k), kw / kvar (k,) added."""
    pop, k = at.shape
    p, q = np.empty((pop, len(base_p))), np.empty((pop, len(base_q)))
    new_p, new_q = np.empty(k), np.empty(k)
    for row in range(pop):
        p[row], q[row] = base_p, base_q
        for j in range(k):  # every read before any write, as NumPy's p[rows, at] += kw does
            new_p[j], new_q[j] = p[row, at[row, j]] + kw[j], q[row, at[row, j]] + kvar[j]
        for j in range(k):
            p[row, at[row, j]], q[row, at[row, j]] = new_p[j], new_q[j]
    return p, q
