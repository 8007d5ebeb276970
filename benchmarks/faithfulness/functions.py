"""The classic test functions F1-F13 (Yao, Liu, Lin, "Evolutionary programming made faster", IEEE Trans.
Evolutionary Computation 3(2), 1999, functions f1-f13), as tabled and coded in the GWO, WOA, SCA, HHO and EO
papers and their published MATLAB code (``Get_Functions_details.m``), at dimension 30.

Each function is vectorised, ``f(X: (pop, d)) -> (pop,)``; the search box is ``[lb, ub]^d``; ``f_min`` is the
global minimum at d = 30, reached at ``x_min * ones(d)``.

Where the papers' code and Yao et al. differ, the code is followed, since the published tables were made
with it:

* F6, the step function, is ``sum(floor(x_i + 0.5)^2)`` in Yao et al.; the papers write
  ``sum([x_i + 0.5]^2)`` and the code computes ``sum(|x_i + 0.5|^2)``, a shifted sphere with minimum 0 at
  ``x = -0.5``. The code's form is used.
* F7, the noisy quartic, adds one uniform number in [0, 1) per evaluation; it comes from the generator passed
  to :meth:`TestFunction.evaluate`, never from a global one.
* F8 (Schwefel 2.26) has ``f_min = -418.9828872724338 d`` (-12569.4866 at d = 30); the GWO paper's table prints
  "-418.9829 x 5".

Ranges are Yao et al.'s; the EO code alone widens F2 to [-100, 100] (its ``published/eo.toml`` says so).
F1, F5, F9 and F10 are the objectives of optibench's own ``sphere``, ``rosenbrock``, ``rastrigin`` and
``ackley`` problems; the other functions take ``X`` (pop, d) and return (pop,) as well.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import optibench

DIM = 30
"""The dimension of every function in the papers' tables."""

SCHWEFEL_X = 420.968746359982
"""Minimiser of ``-x sin(sqrt|x|)`` on [-500, 500] (one coordinate of F8's minimiser)."""

SCHWEFEL_F = -418.9828872724338
"""Minimum of ``-x sin(sqrt|x|)`` on [-500, 500]; F8's minimum is ``SCHWEFEL_F * d``."""


@dataclass(frozen=True)
class TestFunction:
    """One test function on the box ``[lb, ub]^dim``.

    Attributes:
        name: ``"F1"`` ... ``"F13"``.
        title: the usual name (``"sphere"``, ``"penalised 2"``...).
        f: the deterministic part, vectorised: ``f(X: (pop, d)) -> (pop,)``.
        lb, ub: the bounds of every coordinate.
        f_min: the global minimum at ``dim``.
        x_min: the value of every coordinate of the global minimiser.
        noisy: True for F7, whose value adds a uniform number in [0, 1) per point.
        dim: the dimension of the papers' protocol.
    """

    __test__ = False  # not a pytest test class

    name: str
    title: str
    f: Callable[[np.ndarray], np.ndarray]
    lb: float
    ub: float
    f_min: float
    x_min: float
    noisy: bool = False
    dim: int = DIM

    def evaluate(self, X: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
        """The function's values at the rows of ``X`` (pop, d), shape (pop,); the noise of F7 is drawn from ``rng``."""
        values = self.f(np.atleast_2d(X))
        if not self.noisy:
            return values
        if rng is None:
            raise ValueError(f"{self.name} is noisy: pass the generator its noise is drawn from")
        return values + rng.random(len(values))


def schwefel_222(X):
    A = np.abs(X)
    return np.sum(A, axis=1) + np.prod(A, axis=1)


def schwefel_12(X):
    return np.sum(np.cumsum(X, axis=1) ** 2, axis=1)


def schwefel_221(X):
    return np.max(np.abs(X), axis=1)


def shifted_step(X):
    return np.sum((X + 0.5) ** 2, axis=1)


def quartic(X):
    return np.sum(np.arange(1, X.shape[1] + 1) * X**4, axis=1)


def schwefel_226(X):
    return np.sum(-X * np.sin(np.sqrt(np.abs(X))), axis=1)


def griewank(X):
    i = np.arange(1, X.shape[1] + 1)
    return np.sum(X * X, axis=1) / 4000.0 - np.prod(np.cos(X / np.sqrt(i)), axis=1) + 1.0


def penalty(X, a: float, k: float, m: int):
    """Yao et al.'s boundary penalty ``sum u(x_i, a, k, m)``: ``k (|x_i| - a)^m`` outside [-a, a], shape (pop,)."""
    return np.sum(k * np.maximum(np.abs(X) - a, 0.0) ** m, axis=1)


def penalised_1(X):
    d = X.shape[1]
    Y = 1.0 + (X + 1.0) / 4.0
    s = np.sin(np.pi * Y)
    inner = np.sum((Y[:, :-1] - 1.0) ** 2 * (1.0 + 10.0 * s[:, 1:] ** 2), axis=1)
    return np.pi / d * (10.0 * s[:, 0] ** 2 + inner + (Y[:, -1] - 1.0) ** 2) + penalty(X, 10.0, 100.0, 4)


def penalised_2(X):
    inner = np.sum((X[:, :-1] - 1.0) ** 2 * (1.0 + np.sin(3.0 * np.pi * X[:, 1:]) ** 2), axis=1)
    last = (X[:, -1] - 1.0) ** 2 * (1.0 + np.sin(2.0 * np.pi * X[:, -1]) ** 2)
    return 0.1 * (np.sin(3.0 * np.pi * X[:, 0]) ** 2 + inner + last) + penalty(X, 5.0, 100.0, 4)


def _shared(problem: str):
    """The vectorised objective of optibench's own test problem ``problem`` at dimension :data:`DIM`."""
    return optibench.get_problem(problem, dim=DIM).f


FUNCTIONS = {
    t.name: t
    for t in (
        TestFunction("F1", "sphere", _shared("sphere"), -100.0, 100.0, 0.0, 0.0),
        TestFunction("F2", "Schwefel 2.22", schwefel_222, -10.0, 10.0, 0.0, 0.0),
        TestFunction("F3", "Schwefel 1.2", schwefel_12, -100.0, 100.0, 0.0, 0.0),
        TestFunction("F4", "Schwefel 2.21", schwefel_221, -100.0, 100.0, 0.0, 0.0),
        TestFunction("F5", "Rosenbrock", _shared("rosenbrock"), -30.0, 30.0, 0.0, 1.0),
        TestFunction("F6", "step (shifted sphere, as coded)", shifted_step, -100.0, 100.0, 0.0, -0.5),
        TestFunction("F7", "quartic with noise", quartic, -1.28, 1.28, 0.0, 0.0, noisy=True),
        TestFunction("F8", "Schwefel 2.26", schwefel_226, -500.0, 500.0, SCHWEFEL_F * DIM, SCHWEFEL_X),
        TestFunction("F9", "Rastrigin", _shared("rastrigin"), -5.12, 5.12, 0.0, 0.0),
        TestFunction("F10", "Ackley", _shared("ackley"), -32.0, 32.0, 0.0, 0.0),
        TestFunction("F11", "Griewank", griewank, -600.0, 600.0, 0.0, 0.0),
        TestFunction("F12", "penalised 1", penalised_1, -50.0, 50.0, 0.0, -1.0),
        TestFunction("F13", "penalised 2", penalised_2, -50.0, 50.0, 0.0, 1.0),
    )
}
"""F1 ... F13 by name."""
