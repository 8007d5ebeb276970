"""Loss minimisation with soft open points on a feeder's tie lines (Cao et al. 2016).

Source: W. Cao, J. Wu, N. Jenkins, C. Wang, T. Green, "Benefits analysis of
Soft Open Points for electrical distribution network operation", Applied
Energy 165 (2016) 36-47. An SOP (:class:`~optibench.exact.sop.SoftOpenPoint`)
replaces each chosen normally open tie switch; the feeder stays radial and
the SOP is a pair of injections at the tie line's ends::

    minimise  series loss (kW) + converter loss A (|S_i| + |S_j|) (kW)

over the SOP set-points, one period at the network's rated loads, subject to
the power flow, each end's rating and optional voltage limits. The cone
program (branch-flow SOCP, Clarabel) is the exact baseline (``optibench
exact sop-operation``, :meth:`SopOperation.exact`): when its relaxation gap
is zero its optimum is the AC optimum, and ``optibench certify`` stores it
as ``proven`` (else as a ``bound``).

Instance parameters:

* ``network``: a shipped network with tie lines (default ``ieee33``).
* ``ties``: which tie lines get an SOP: ``"all"``, ``"none"``, or bus pairs
  ``"8-21,9-15"`` (also ``"8-21+9-15"``; either order of the two buses).
* ``rating_kva``: converter rating of each end (kVA); None (default) for no limit.
* ``loss_coefficient``: converter loss coefficient A (default 0; Cao et al. use 0.02).
* ``vmin``, ``vmax``: voltage limits (p.u.) or None (default: none, as the loss-only study).

Metaheuristic variables, per SOP k (the tie line's first bus is end i):
``sop{k}_p_i_kw`` (active power injected at i), ``sop{k}_q_i_kvar``,
``sop{k}_q_j_kvar``, each in [-rating, rating] (without a rating, within the
feeder's total apparent load, more than any useful transfer). End j's
active power follows from the balance, :func:`far_end_power`. Constraints:
power-flow divergence, the voltage limits, and per SOP and end ``|S| -
rating`` (fraction of the rating) when rated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from optibench.checks import check_values, real
from optibench.known_optima import cone_fields, lookup
from optibench.network import Network, load_network
from optibench.problem import Evaluation
from optibench.variables import Real, VariableSpace

from .feeder import FEEDER_RULES, FeederProblem

if TYPE_CHECKING:
    from optibench.exact import BranchFlowModel, Solution

EXACT_GAP_TOL = 1e-6
"""Relaxation gap (p.u.^2) below which the cone solution is taken as AC-exact."""


Ties = str | Sequence[Sequence[int]] | None
"""Tie lines named by text (``"all"``, ``"none"``, ``"8-21,9-15"``), by bus pairs, or None (none)."""


def select_ties(network: Network, ties: Ties) -> np.ndarray:
    """The tie lines named by ``ties`` as rows (bus_i, bus_j) of 1-based buses, shape (k, 2).

    ``ties`` is ``"all"``, ``"none"`` / None / ``""``, text of bus pairs
    ``"8-21,9-15"`` or ``"8-21+9-15"``, or a sequence of pairs. Rows keep the
    network's orientation and order; a pair that is not a tie line raises.
    """
    available = network.ties[:, :2].astype(np.int64)
    if isinstance(ties, str) and ties.strip().lower() == "all":
        return available
    if ties is None or (isinstance(ties, str) and ties.strip().lower() in ("", "none")):
        return available[:0]
    pairs: list[tuple[int, ...]] = []
    if isinstance(ties, str):
        for item in filter(None, re.split(r"[,+\s]+", ties.strip())):
            match = re.fullmatch(r"(\d+)-(\d+)", item)
            if match is None:
                raise ValueError(f"ties: {item!r} is not a bus pair such as 8-21")
            pairs.append((int(match[1]), int(match[2])))
    else:
        pairs = [tuple(int(b) for b in pair) for pair in ties]
    chosen = []
    for pair in pairs:
        hit = np.flatnonzero(np.all(np.sort(available, axis=1) == sorted(pair), axis=1))
        if len(hit) == 0:
            listed = ", ".join(f"{a}-{b}" for a, b in available)
            raise ValueError(f"ties: {pair[0]}-{pair[1]} is not a tie line of {network.name} ({listed})")
        if hit[0] in chosen:
            raise ValueError(f"ties: {pair[0]}-{pair[1]} is named twice")
        chosen.append(int(hit[0]))
    return available[sorted(chosen)]


def far_end_power(p_i: np.ndarray, q_i: np.ndarray, q_j: np.ndarray, loss_coefficient: float) -> np.ndarray:
    """Active power at end j (kW) that balances the SOP: ``P_i + P_j + A (|S_i| + |S_j|) = 0``.

    Arrays broadcast together (kW, kvar). With ``c = -P_i - A |S_i|`` the
    balance ``P_j = c - A sqrt(P_j^2 + Q_j^2)`` has the root
    ``P_j = (c - A sqrt(c^2 + (1 - A^2) Q_j^2)) / (1 - A^2)``.
    """
    a = loss_coefficient
    c = -p_i - a * np.hypot(p_i, q_i)
    return (c - a * np.sqrt(c * c + (1.0 - a * a) * q_j * q_j)) / (1.0 - a * a)


class SopOperationCase:
    """One instance's data and its cone program; see the module docstring for the parameters."""

    def __init__(
        self,
        network: str = "ieee33",
        ties: Ties = "all",
        rating_kva: float | None = None,
        loss_coefficient: float = 0.0,
        vmin: float | None = None,
        vmax: float | None = None,
    ) -> None:
        rules = {**FEEDER_RULES, "rating_kva": real(above=0, optional=True), "loss_coefficient": real(0, below=1)}
        check_values(
            "problem 'sop-operation'",
            rules,
            dict(network=network, rating_kva=rating_kva, loss_coefficient=loss_coefficient, vmin=vmin, vmax=vmax),
        )
        self.network = load_network(network)
        self.ties = select_ties(self.network, ties)
        self.rating_kva = None if rating_kva is None else float(rating_kva)
        self.loss_coefficient = float(loss_coefficient)
        self.vmin, self.vmax = vmin, vmax

    def model(self, relaxation: str = "socp") -> BranchFlowModel:
        """The branch-flow model with one SOP per chosen tie line (devices ``sop1``, ``sop2``, ...)."""
        from optibench.exact import BranchFlowModel, SoftOpenPoint

        model = BranchFlowModel(self.network, 1, relaxation=relaxation, v_min_pu=self.vmin, v_max_pu=self.vmax)
        for k, (bus_i, bus_j) in enumerate(self.ties, start=1):
            model.add(SoftOpenPoint(f"sop{k}", bus_i, bus_j, self.rating_kva, self.loss_coefficient))
        return model

    def solve(self, **solver_options: Any) -> SopOperationResult:
        """Minimise series plus converter loss by the cone program and re-check it by AC power flow."""
        import cvxpy as cp

        model = self.model("socp")
        converter = sum((self.loss_coefficient * cp.sum(sop.s) for sop in model.devices.values()), cp.Constant(0.0))
        objective = cp.sum(model.loss_kw) + model.s_base_kva * converter
        return SopOperationResult(self, model.solve(objective, **solver_options))


@dataclass(frozen=True, eq=False)
class SopOperationResult:
    """A solved instance and its :class:`~optibench.exact.model.Solution` (one period)."""

    case: SopOperationCase
    solution: Solution

    @property
    def converter_loss_kw(self) -> float:
        """Converter loss A (|S_i| + |S_j|) of every SOP (kW)."""
        return float(sum(report["converter_loss_kw"][0] for report in self.solution.devices.values()))

    @property
    def ac_loss_kw(self) -> float:
        """AC series loss of the set-points plus the converter loss (kW)."""
        return float(self.solution.recheck.loss_kw[0]) + self.converter_loss_kw  # type: ignore[union-attr]  # solved and re-checked

    @property
    def exact(self) -> bool:
        """The cone solution is AC-exact (relaxation gap below :data:`EXACT_GAP_TOL`)."""
        check = self.solution.recheck
        return check is not None and check.relaxation_gap is not None and check.relaxation_gap < EXACT_GAP_TOL

    def set_points(self) -> list[dict]:
        """Per SOP: its tie line and P, Q, |S| at both ends (kW, kvar, kVA) and its converter loss (kW)."""
        rows = []
        for (bus_i, bus_j), report in zip(self.case.ties, self.solution.devices.values()):
            rows.append({"tie": f"{bus_i}-{bus_j}", **{key: float(value[0]) for key, value in report.items()}})
        return rows

    def summary(self) -> dict:
        """JSON-ready: instance, set-points, the cone program's loss, the AC re-checked loss and V_min."""
        case, solution = self.case, self.solution
        out = {
            "problem": "sop-operation",
            "instance": {
                "network": case.network.name,
                "ties": [f"{a}-{b}" for a, b in case.ties],
                "rating_kva": case.rating_kva,
                "loss_coefficient": case.loss_coefficient,
                "vmin": case.vmin,
                "vmax": case.vmax,
            },
            **solution.summary(),
        }
        if solution.solved:
            out.update(
                {
                    "set_points": self.set_points(),
                    "cone_loss_kw": solution.objective,
                    "ac_loss_kw": self.ac_loss_kw,
                    "converter_loss_kw": self.converter_loss_kw,
                    "vmin_pu": float(solution.recheck.vmin_pu[0]),  # type: ignore[union-attr]  # solved: re-checked
                    "relaxation_exact": self.exact,
                }
            )
        return out


class SopOperation(FeederProblem):
    """Loss minimisation by SOP set-points for metaheuristics; see the module docstring."""

    n_obj = 1
    objective_names = ("series + converter loss (kW)",)
    objective_name, objective_unit = "series + converter loss", "kW"

    def __init__(
        self,
        network: str = "ieee33",
        ties: Ties = "all",
        rating_kva: float | None = None,
        loss_coefficient: float = 0.0,
        vmin: float | None = None,
        vmax: float | None = None,
    ) -> None:
        self.case = SopOperationCase(network, ties, rating_kva, loss_coefficient, vmin, vmax)
        instance = {
            "network": network,
            "ties": ties,
            "rating_kva": rating_kva,
            "loss_coefficient": loss_coefficient,
            "vmin": vmin,
            "vmax": vmax,
        }
        super().__init__(instance, network, vmin, vmax)
        if len(self.case.ties) == 0:
            raise ValueError("sop-operation: choose at least one tie line (ties=all or ties=8-21,...)")
        rated = self.case.rating_kva is not None
        bound = (
            self.case.rating_kva
            if self.case.rating_kva is not None
            else float(np.hypot(self.network.p_kw.sum(), self.network.q_kvar.sum()))
        )
        variables = []
        for k in range(1, len(self.case.ties) + 1):
            variables += [Real(f"sop{k}_{name}", -bound, bound) for name in ("p_i_kw", "q_i_kvar", "q_j_kvar")]
        self.space = VariableSpace(variables)
        if rated:
            self.constraint_names += tuple(
                f"sop{k} |S_{end}| <= rating (fraction above)" for k in range(1, len(self.case.ties) + 1) for end in "ij"
            )
            self.n_con = len(self.constraint_names)
        self._ends = self.bus_index(self.case.ties)
        self.known_optimum = lookup(self.name, self.instance)

    def set_points(self, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Decoded variables (pop, 3 k) -> injections P, Q at both ends, each (pop, k, 2) (kW, kvar)."""
        pop = len(Z)
        z = Z.reshape(pop, -1, 3)
        p_i, q_i, q_j = z[..., 0], z[..., 1], z[..., 2]
        p_j = far_end_power(p_i, q_i, q_j, self.case.loss_coefficient)
        return np.stack([p_i, p_j], axis=2), np.stack([q_i, q_j], axis=2)

    def _evaluate(self, Z: np.ndarray) -> Evaluation:
        pop = len(Z)
        p_sop, q_sop = self.set_points(Z)
        p, q = self.base_injections(pop)
        rows = np.arange(pop)[:, None, None]
        np.subtract.at(p, (rows, self._ends[None]), p_sop)
        np.subtract.at(q, (rows, self._ends[None]), q_sop)
        res, G, loss = self.power_flow(p, q)
        apparent = np.hypot(p_sop, q_sop)
        converter = self.case.loss_coefficient * apparent.sum(axis=(1, 2))
        if self.case.rating_kva is not None:
            G = np.concatenate([G, apparent.reshape(pop, -1) / self.case.rating_kva - 1.0], axis=1)
        extras = self.diagnostics(res)
        extras["converter_loss_kw"] = converter
        return Evaluation(F=(loss + converter)[:, None], G=G, extras=extras)

    def exact(self) -> dict:
        """Solve the cone program of this instance: :meth:`SopOperationResult.summary`."""
        return self.case.solve().summary()

    def certify(self) -> tuple[dict[str, Any], int]:
        """The cone program's optimum: proven when the relaxation is exact there and the AC evaluation matches.

        Returns (KnownOptimum fields as a dict, power flows of the AC re-check).
        """
        result = self.case.solve()

        def set_points() -> list[list[float]]:
            return [[row["p_i_kw"], row["q_i_kvar"], row["q_j_kvar"]] for row in result.set_points()]

        return cone_fields(self, result.solution, set_points, closed=result.exact, gap_tol=EXACT_GAP_TOL), 1
