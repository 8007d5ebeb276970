"""Test functions with known optima, for checking algorithms.

The unconstrained functions take the dimension as instance parameter
``dim`` and use the search ranges of Yao, Liu and Lin, "Evolutionary
programming made faster", IEEE Trans. Evolutionary Computation 3(2), 1999
(functions f1, f5, f9, f10). ``g06`` is a constrained problem and ``zdt1`` a
two-objective one, each with its source.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from optibench.checks import check_instance, integer
from optibench.problem import Evaluation, KnownOptimum, Problem
from optibench.variables import Real, VariableSpace

YAO_1999 = "Yao, Liu, Lin, IEEE Trans. Evol. Comput. 3(2), 1999"


def _box(names: Iterable[str], low: Iterable[float], high: Iterable[float]) -> VariableSpace:
    return VariableSpace([Real(name, lo, hi) for name, lo, hi in zip(names, low, high)])


class _TestFunction(Problem):
    """An unconstrained function on ``[low, high]^dim`` with optimum 0 at ``x_star * ones(dim)``."""

    low: float
    high: float
    x_star: float = 0.0
    min_dim: int = 1
    objective_name = "f(x)"

    def __init__(self, dim: int = 30):
        check_instance(self, {"dim": integer(self.min_dim)}, dim=dim)
        names = [f"x{i + 1}" for i in range(dim)]
        super().__init__(_box(names, [self.low] * dim, [self.high] * dim), dim=dim)
        self.known_optimum = KnownOptimum(
            0.0,
            "proven",
            "analytic: non-negative everywhere, zero at x*",
            [self.x_star] * dim,
            tolerance="exact",
            computed=YAO_1999,
        )

    def _evaluate(self, Z: np.ndarray) -> Evaluation:
        return Evaluation(F=self.f(Z)[:, None], G=np.empty((len(Z), 0)))

    def f(self, Z: np.ndarray) -> np.ndarray:
        """Objective of each row of Z (pop, dim), shape (pop,)."""
        raise NotImplementedError


class Sphere(_TestFunction):
    """f(x) = sum x_i^2 on [-100, 100]^dim; optimum 0 at x = 0."""

    low, high = -100.0, 100.0

    def f(self, Z: np.ndarray) -> np.ndarray:
        return np.sum(Z * Z, axis=1)


class Rastrigin(_TestFunction):
    """f(x) = 10 dim + sum (x_i^2 - 10 cos(2 pi x_i)) on [-5.12, 5.12]^dim; optimum 0 at x = 0."""

    low, high = -5.12, 5.12

    def f(self, Z: np.ndarray) -> np.ndarray:
        return 10.0 * Z.shape[1] + np.sum(Z * Z - 10.0 * np.cos(2.0 * np.pi * Z), axis=1)


class Rosenbrock(_TestFunction):
    """f(x) = sum 100 (x_{i+1} - x_i^2)^2 + (x_i - 1)^2 on [-30, 30]^dim (dim >= 2); optimum 0 at x = 1."""

    low, high, x_star, min_dim = -30.0, 30.0, 1.0, 2

    def f(self, Z: np.ndarray) -> np.ndarray:
        head, tail = Z[:, :-1], Z[:, 1:]
        return np.sum(100.0 * (tail - head * head) ** 2 + (head - 1.0) ** 2, axis=1)


class Ackley(_TestFunction):
    """f(x) = -20 exp(-0.2 sqrt(mean x_i^2)) - exp(mean cos(2 pi x_i)) + 20 + e on [-32, 32]^dim; optimum 0 at x = 0."""

    low, high = -32.0, 32.0

    def f(self, Z: np.ndarray) -> np.ndarray:
        rms = np.sqrt(np.mean(Z * Z, axis=1))
        return -20.0 * np.exp(-0.2 * rms) - np.exp(np.mean(np.cos(2.0 * np.pi * Z), axis=1)) + 20.0 + np.e


class G06(Problem):
    """Problem g06 of the CEC 2006 constrained benchmark (from Floudas and Pardalos, 1987).

    minimise (x1 - 10)^3 + (x2 - 20)^3 subject to
    g1 = 100 - (x1 - 5)^2 - (x2 - 5)^2 <= 0 and g2 = (x1 - 6)^2 + (x2 - 5)^2 - 82.81 <= 0,
    13 <= x1 <= 100, 0 <= x2 <= 100. The feasible set is a thin crescent; both
    constraints are active at the optimum x* = (14.095, 0.8429607892154795668),
    f* = -6961.81387558015 (Liang et al., "Problem definitions and evaluation
    criteria for the CEC 2006 special session on constrained real-parameter
    optimization", technical report, 2006).
    """

    n_con = 2
    constraint_names = ("g1", "g2")
    objective_name = "f(x)"
    success_atol = 1e-4
    """The CEC 2006 success criterion, ``f(x) - f(x*) <= 1e-4``."""

    def __init__(self) -> None:
        super().__init__(_box(["x1", "x2"], [13.0, 0.0], [100.0, 100.0]))
        self.known_optimum = KnownOptimum(
            -6961.81387558015,
            "best-known",
            "published best known solution",
            [14.09500000000000064, 0.8429607892154795668],
            computed="Liang et al., CEC 2006 technical report, problem g06",
        )

    def _evaluate(self, Z: np.ndarray) -> Evaluation:
        x1, x2 = Z[:, 0], Z[:, 1]
        F = (x1 - 10.0) ** 3 + (x2 - 20.0) ** 3
        G = np.column_stack([100.0 - (x1 - 5.0) ** 2 - (x2 - 5.0) ** 2, (x1 - 6.0) ** 2 + (x2 - 5.0) ** 2 - 82.81])
        return Evaluation(F=F[:, None], G=G)


class ZDT1(Problem):
    """ZDT1 (Zitzler, Deb, Thiele, Evolutionary Computation 8(2), 2000), two objectives on [0, 1]^dim.

    f1 = x1, g = 1 + 9 sum(x_2..x_dim) / (dim - 1), f2 = g (1 - sqrt(f1 / g));
    the Pareto front is f2 = 1 - sqrt(f1), f1 in [0, 1] (g = 1).
    """

    n_obj = 2
    objective_names = ("f1", "f2")
    objective_name = "f1, f2"

    def __init__(self, dim: int = 30):
        check_instance(self, {"dim": integer(2)}, dim=dim)
        super().__init__(_box([f"x{i + 1}" for i in range(dim)], [0.0] * dim, [1.0] * dim), dim=dim)

    def _evaluate(self, Z: np.ndarray) -> Evaluation:
        f1 = Z[:, 0]
        g = 1.0 + 9.0 * Z[:, 1:].mean(axis=1)
        return Evaluation(F=np.column_stack([f1, g * (1.0 - np.sqrt(f1 / g))]), G=np.empty((len(Z), 0)))

    @staticmethod
    def pareto_front(n_points: int = 1000) -> np.ndarray:
        """``n_points`` evenly spaced in f1 on the Pareto front, shape (n_points, 2)."""
        f1 = np.linspace(0.0, 1.0, n_points)
        return np.column_stack([f1, 1.0 - np.sqrt(f1)])
