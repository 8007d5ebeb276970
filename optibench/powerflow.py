"""Batched backward/forward-sweep power flow of radial feeders.

``solve_batch(network, p_kw, q_kvar)`` solves one power flow per row of
``p_kw`` / ``q_kvar`` (shape ``(batch, n_bus)``, network bus order, net load:
consumption positive, generation negative). Loads are constant power; the
slack bus holds ``network.slack_voltage_pu`` at angle 0 and its own load is
ignored (it is supplied directly by the substation).
``solve_trees(network, order, parent, r_pu, x_pu, p_kw, q_kvar)`` does the
same for a batch whose rows each have their own tree (reconfiguration: one
radial configuration of the network's branches per row).

A row that does not converge (voltage collapse, or ``max_iter`` too small) is
flagged in ``converged`` and its voltages, losses and voltage extremes are NaN;
nothing is raised.

The Numba kernel indexes buses without bounds checks, so :func:`solve_batch`
checks everything it hands over first: the shapes of the injections and the
warm start on every call, and the network's bus indices (``order`` a
permutation of the buses starting at the slack, every ``parent`` a bus swept
earlier, finite impedances) once per :class:`~optibench.network.Network`
object. A :class:`Network` built by ``from_arrays`` always passes; one put
together by hand may not, and gets a ValueError instead of a crash.
:func:`solve_trees` checks every row's tree the same way on every call.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .network import Network
from .sweep_kernel import bad_trees, lanes_for, sweep_batch, sweep_batch_serial, sweep_trees, sweep_trees_serial

DEFAULT_TOL = 1e-9
"""Largest change of a voltage component (p.u.) between two sweeps at convergence."""
DEFAULT_MAX_ITER = 100
PARALLEL_MIN_WORK = 50_000
"""Batches of at least this many bus-rows (batch x n_bus) use all of Numba's threads by default."""
_CHECKED: weakref.WeakSet = weakref.WeakSet()
"""Networks whose bus indices :func:`check_network` has accepted (each is immutable)."""


@dataclass(frozen=True, eq=False)
class PowerFlowResult:
    """Results of a batch of power flows; every array's first axis is the batch row.

    Attributes:
        network: the solved network.
        v: complex bus voltages (p.u.), shape (batch, n_bus), network bus order;
            ``None`` when solved with ``store_voltages=False``.
        loss_kw, loss_kvar: total series losses (kW, kvar), shape (batch,).
        vmin_pu, vmax_pu: extreme voltage magnitudes (p.u.), shape (batch,).
        vmin_index: network bus index of ``vmin_pu``, shape (batch,).
        iterations: sweeps used, shape (batch,).
        converged: True where the row met the tolerance, shape (batch,).
    """

    network: Network
    v: np.ndarray | None
    loss_kw: np.ndarray
    loss_kvar: np.ndarray
    vmin_pu: np.ndarray
    vmax_pu: np.ndarray
    vmin_index: np.ndarray
    iterations: np.ndarray
    converged: np.ndarray

    @property
    def batch(self) -> int:
        return len(self.loss_kw)

    @property
    def vmin_bus(self) -> np.ndarray:
        """1-based bus number of the lowest voltage, shape (batch,)."""
        return self.network.bus_ids[self.vmin_index]

    @property
    def vm_pu(self) -> np.ndarray:
        """Voltage magnitudes (p.u.), shape (batch, n_bus)."""
        return np.abs(self._voltages())

    @property
    def va_deg(self) -> np.ndarray:
        """Voltage angles (degrees), shape (batch, n_bus)."""
        return np.degrees(np.angle(self._voltages()))

    @cached_property
    def branch_current_pu(self) -> np.ndarray:
        """Complex current of each in-service branch, upstream to downstream (p.u.).

        Shape (batch, n_bus - 1); row order of ``network.branch_buses``.
        """
        net = self.network
        child = net.order[1:]
        v = self._voltages()
        z = net.r_pu[child] + 1j * net.x_pu[child]
        return (v[:, net.parent[child]] - v[:, child]) / z

    @property
    def branch_current_a(self) -> np.ndarray:
        """Branch current magnitudes (A), shape (batch, n_bus - 1)."""
        i_base_a = self.network.s_base_kva / (np.sqrt(3.0) * self.network.base_kv)
        return np.abs(self.branch_current_pu) * i_base_a

    @cached_property
    def branch_flow_kva(self) -> np.ndarray:
        """Complex power entering each branch at its upstream end (kW + j kvar).

        Shape (batch, n_bus - 1); row order of ``network.branch_buses``.
        """
        net = self.network
        v_from = self._voltages()[:, net.parent[net.order[1:]]]
        return v_from * np.conj(self.branch_current_pu) * net.s_base_kva

    def _voltages(self) -> np.ndarray:
        if self.v is None:
            raise ValueError("voltages were not stored: solve with store_voltages=True")
        return self.v


class TreesFlowResult(PowerFlowResult):
    """A :class:`PowerFlowResult` of :func:`solve_trees`: rows on their own trees, so no branch quantities of the network's."""

    @property
    def branch_current_pu(self) -> np.ndarray:
        raise ValueError("branch quantities of solve_trees results are not defined on the network's tree; use the voltages")

    @property
    def branch_flow_kva(self) -> np.ndarray:
        raise ValueError("branch quantities of solve_trees results are not defined on the network's tree; use the voltages")


def check_network(network: Network) -> None:
    """Raise ValueError unless ``network``'s arrays are safe for the kernel; O(n_bus), once per network."""
    if network in _CHECKED:
        return
    if not isinstance(network, Network):
        raise ValueError(f"solve_batch needs an optibench Network, got {type(network).__name__}")
    n = network.n_bus
    order, parent = np.asarray(network.order), np.asarray(network.parent)
    where = f"network {network.name!r}"
    for label, arr in (("order", order), ("parent", parent), ("r_ohm", network.r_ohm), ("x_ohm", network.x_ohm)):
        if np.shape(arr) != (n,):
            raise ValueError(f"{where}: {label} must have shape ({n},) like bus_ids; got {np.shape(arr)}")
    if order.dtype != np.int64 or parent.dtype != np.int64:
        raise ValueError(f"{where}: order and parent must be int64 bus indices")
    if n == 0 or not np.array_equal(np.sort(order), np.arange(n)):
        raise ValueError(f"{where}: order must list every bus index 0..{n - 1} once")
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    feeds = parent[order[1:]]
    if parent[order[0]] != -1 or not (
        np.all((feeds >= 0) & (feeds < n)) and np.all(position[np.clip(feeds, 0, n - 1)] < np.arange(1, n))
    ):
        raise ValueError(f"{where}: parent must be -1 at the slack bus and, for every other bus, a bus earlier in order")
    if not (np.isfinite(network.r_pu).all() and np.isfinite(network.x_pu).all()):
        raise ValueError(f"{where}: branch impedances must be finite")
    _CHECKED.add(network)


def solve_batch(
    network: Network,
    p_kw: ArrayLike,
    q_kvar: ArrayLike,
    *,
    v_start: ArrayLike | None = None,
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
    store_voltages: bool = True,
    parallel: bool | None = None,
) -> PowerFlowResult:
    """Solve one power flow per row of ``p_kw`` / ``q_kvar``.

    Args:
        network: the feeder.
        p_kw: net active load per bus (kW), shape (batch, n_bus) or (n_bus,),
            network bus order; generation is negative.
        q_kvar: net reactive load per bus (kvar), same shape and order as ``p_kw``.
        v_start: optional warm start, complex p.u., shape (n_bus,) or (batch, n_bus).
        tol: convergence tolerance on voltage components (p.u.).
        max_iter: sweep limit; rows that need more are reported as not converged.
        store_voltages: keep the (batch, n_bus) complex voltages; ``False``
            saves memory when only losses and voltage extremes are needed.
        parallel: spread the batch over Numba's threads (``numba.set_num_threads``
            limits them); by default only when batch x n_bus >= PARALLEL_MIN_WORK,
            since starting the threads costs more than a small batch.
            Results do not depend on it.
    """
    check_network(network)
    return _sweep(network, None, p_kw, q_kvar, v_start, tol, max_iter, store_voltages, parallel)


def solve_trees(
    network: Network,
    order: ArrayLike,
    parent: ArrayLike,
    r_pu: ArrayLike,
    x_pu: ArrayLike,
    p_kw: ArrayLike,
    q_kvar: ArrayLike,
    *,
    v_start: ArrayLike | None = None,
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
    store_voltages: bool = True,
    parallel: bool | None = None,
) -> PowerFlowResult:
    """Solve one power flow per row, each row on its own tree (a radial configuration of ``network``'s buses).

    Args:
        network: the feeder whose buses, loads, bases and slack voltage are used
            (its own tree is not).
        order: bus indices of each row's tree in topological order, shape
            (batch, n_bus), ``order[b, 0]`` the slack bus.
        parent: upstream bus index of each bus in each row's tree (-1 at the
            slack), shape (batch, n_bus).
        r_pu, x_pu: p.u. impedance of the branch feeding each bus in each row's
            tree (0 at the slack), shape (batch, n_bus).
        p_kw, q_kvar, v_start, tol, max_iter, store_voltages, parallel: as for
            :func:`solve_batch` (``parallel`` by default when batch x n_bus >= PARALLEL_MIN_WORK).

    Rows are swept one at a time (:func:`optibench.sweep_kernel.sweep_trees`);
    a row whose tree equals the network's gives :func:`solve_batch`'s result
    to rounding (1e-12 p.u.).
    The result's branch quantities (``branch_current_pu``, ``branch_flow_kva``)
    refer to the network's own tree and are refused. Raises ValueError, before
    anything is solved, when a row's arrays do not describe a tree of the
    network's buses rooted at its slack bus, or an impedance is not finite.
    """
    check_network(network)
    n = network.n_bus
    arrays = [np.ascontiguousarray(np.atleast_2d(np.asarray(a, dtype=t))) for a, t in ((order, np.int64), (parent, np.int64))]
    arrays += [np.ascontiguousarray(np.atleast_2d(np.asarray(a, dtype=np.float64))) for a in (r_pu, x_pu)]
    batch = np.shape(np.atleast_2d(p_kw))[0]
    for label, arr in zip(("order", "parent", "r_pu", "x_pu"), arrays):
        if arr.shape != (batch, n):
            raise ValueError(f"solve_trees: {label} must have shape ({batch}, {n}) like p_kw; got {arr.shape}")
    _check_trees(network, *arrays)
    return _sweep(network, tuple(arrays), p_kw, q_kvar, v_start, tol, max_iter, store_voltages, parallel)


def _check_trees(network: Network, order: np.ndarray, parent: np.ndarray, r_pu: np.ndarray, x_pu: np.ndarray) -> None:
    """ValueError naming the first row whose arrays (batch, n_bus) are not a tree rooted at the slack bus."""
    bad = bad_trees(order, parent, r_pu, x_pu, network.slack)
    if bad.any():
        raise ValueError(
            f"solve_trees: row {int(np.argmax(bad))} of order / parent / r_pu / x_pu is not a tree of network "
            f"{network.name!r} rooted at its slack bus with finite impedances ({int(bad.sum())} bad row(s))"
        )


def _rows(values: ArrayLike, dtype: type) -> np.ndarray:
    """``values`` as a C-contiguous 2-D array of ``dtype`` (a vector becomes one row); no copy when it already is one."""
    if type(values) is np.ndarray and values.dtype == dtype and values.ndim == 2 and values.flags.c_contiguous:
        return values
    return np.ascontiguousarray(np.atleast_2d(np.asarray(values, dtype=dtype)))


@lru_cache(maxsize=16)
def _flat_start(n_bus: int) -> np.ndarray:
    """The flat start, 1 + 0j p.u. at every bus, shape (1, n_bus); shared between calls (the kernel only reads it)."""
    return np.ones((1, n_bus), dtype=np.complex128)


def _sweep(
    network: Network,
    trees: tuple[np.ndarray, ...] | None,
    p_kw: ArrayLike,
    q_kvar: ArrayLike,
    v_start: ArrayLike | None,
    tol: float,
    max_iter: int,
    store_voltages: bool,
    parallel: bool | None,
) -> PowerFlowResult:
    """Check the injections and run the kernel: the network's tree (``trees`` None) or one tree per row."""
    n = network.n_bus
    p = _rows(p_kw, np.float64)
    q = _rows(q_kvar, np.float64)
    if p.shape != q.shape or p.ndim != 2 or p.shape[1] != n:
        raise ValueError(
            f"p_kw and q_kvar must both have shape (batch, {n}) for network {network.name!r}; "
            f"got {np.shape(p_kw)} and {np.shape(q_kvar)}"
        )
    if not (tol > 0 and max_iter >= 1):
        raise ValueError(f"tol must be positive and max_iter at least 1; got tol={tol}, max_iter={max_iter}")
    batch = p.shape[0]
    s_base = network.s_base_kva
    if v_start is None:
        start = _flat_start(n)
    else:
        start = _rows(v_start, np.complex128)
        if start.shape not in ((1, n), (batch, n)):
            raise ValueError(f"v_start must have shape ({n},) or ({batch}, {n}); got {np.shape(v_start)}")
    v = np.empty((batch, n) if store_voltages else (1, 1), dtype=np.complex128)
    loss_p = np.empty(batch)
    loss_q = np.empty(batch)
    vmin = np.empty(batch)
    vmax = np.empty(batch)
    vmin_index = np.empty(batch, dtype=np.int64)
    iterations = np.empty(batch, dtype=np.int64)
    converged = np.empty(batch, dtype=np.bool_)
    if parallel is None:
        parallel = batch * n >= PARALLEL_MIN_WORK
    case = (p, q, s_base, start, network.slack_voltage_pu, float(tol), int(max_iter), store_voltages)
    out = (v, loss_p, loss_q, vmin, vmin_index, vmax, iterations, converged)
    if trees is None:
        kernel = sweep_batch if parallel else sweep_batch_serial
        kernel(network.order, network.parent, network.r_pu, network.x_pu, case, out, lanes_for(batch, n))
        result_class = PowerFlowResult
    else:
        order, parent, r, x = trees
        (sweep_trees if parallel else sweep_trees_serial)(order, parent, r, x, case, out)
        result_class = TreesFlowResult
    return result_class(
        network=network,
        v=v if store_voltages else None,
        loss_kw=loss_p,
        loss_kvar=loss_q,
        vmin_pu=vmin,
        vmax_pu=vmax,
        vmin_index=vmin_index,
        iterations=iterations,
        converged=converged,
    )


def solve(
    network: Network, p_kw: ArrayLike | None = None, q_kvar: ArrayLike | None = None, *, load_scale: float = 1.0, **options: Any
) -> PowerFlowResult:
    """One power flow (a batch of one row): the network's base loads times ``load_scale`` by default."""
    p = network.p_kw * load_scale if p_kw is None else p_kw
    q = network.q_kvar * load_scale if q_kvar is None else q_kvar
    return solve_batch(network, p, q, **options)
