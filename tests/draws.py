"""A stand-in for ``numpy.random.Generator`` that hands out predetermined draws.

Used to pin an algorithm's update equations: the test lists the draws in the
order the algorithm documents, and every call must match the next entry's
method and shape.
"""

import numpy as np


class FixedDraws:
    """Serves ``(method, values)`` pairs in order; ``method`` is ``random``, ``integers`` or ``permutation``."""

    def __init__(self, draws):
        self.draws = [(method, np.asarray(values)) for method, values in draws]

    def _next(self, method, shape):
        assert self.draws, f"unexpected extra draw: {method}{shape}"
        expected, values = self.draws.pop(0)
        drawn = (method, tuple(shape))
        assert drawn == (expected, values.shape), f"drew {method}{tuple(shape)}, next is {expected}{values.shape}"
        return values.copy()

    def random(self, size):
        values = self._next("random", np.atleast_1d(size))
        assert np.all((values >= 0) & (values < 1))
        return values

    def integers(self, low, high, size):
        values = self._next("integers", np.atleast_1d(size))
        assert np.all((values >= low) & (values < high))
        return values

    def permutation(self, n):
        values = self._next("permutation", (n,))
        assert sorted(values.tolist()) == list(range(n))
        return values

    def assert_consumed(self):
        assert not self.draws, f"{len(self.draws)} draws left unused"
