"""Test functions with known optima, for checking algorithms (instance parameter ``dim``)."""
from __future__ import annotations

import numpy as np

from optibench.problem import Evaluation, KnownOptimum, Problem
from optibench.registry import register_problem
from optibench.variables import Real, VariableSpace


@register_problem("sphere")
class Sphere(Problem):
    """f(x) = sum x_i^2 on [-100, 100]^dim; optimum 0 at x = 0."""

    def __init__(self, dim: int = 30):
        super().__init__(VariableSpace([Real(f"x{i + 1}", -100.0, 100.0) for i in range(dim)]), dim=dim)
        self.known_optimum = KnownOptimum(0.0, [0.0] * dim, "analytic")

    def _evaluate(self, Z):
        return Evaluation(F=np.sum(Z * Z, axis=1)[:, None], G=np.empty((len(Z), 0)))
