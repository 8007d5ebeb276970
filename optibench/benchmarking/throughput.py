"""Arithmetic throughput of one core, measured: the yardstick of the power-flow kernel's floating-point bound.

Both loops work on 64-element float64 arrays that stay in the L1 cache, with
independent elements, so the compiler vectorises them and the time per
element is the throughput of the operations, not their latency or memory.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def arithmetic_loop(a: np.ndarray, b: np.ndarray, c: np.ndarray, reps: int) -> None:
    """Eight float64 multiplications and additions per element, ``reps`` times: ``c <- (((c b + a) b + a) b + a) b + a``.

    Shapes (m,); ``c`` carries from one repetition to the next, so no
    repetition can be skipped; with ``|b| < 1`` it stays finite.
    """
    for _ in range(reps):
        for i in range(a.shape[0]):
            x = a[i]
            y = b[i]
            t = c[i] * y + x
            t = t * y + x
            t = t * y + x
            c[i] = t * y + x


@njit(cache=True, error_model="numpy")
def division_loop(a: np.ndarray, b: np.ndarray, c: np.ndarray, reps: int) -> None:
    """One float64 division per element, ``reps`` times: ``c <- a / (c + b)`` (shapes (m,); positive inputs stay finite)."""
    for _ in range(reps):
        for i in range(a.shape[0]):
            c[i] = a[i] / (c[i] + b[i])
