"""A run's private copy of NumPy's global random state, for libraries that draw from the global one.

pymoo's CMA-ES and parts of nevergrad (sub-optimizers that seed their own
parametrizations, some mutations) call ``numpy.random`` directly. An adapter
keeps one :class:`PrivateGlobalState` per run and makes every call into the
library inside :meth:`PrivateGlobalState.swapped_in`: the run's copy is
swapped in and the caller's state put back after, so a run neither depends
on nor changes the global state. One lock serialises the swaps, so runs in
threads of one process do not interfere.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

_LOCK = threading.Lock()  # held while a run's copy of NumPy's global random state is swapped in


class PrivateGlobalState:
    """A copy of NumPy's global random state, seeded with ``seed`` (an integer in [0, 2**32))."""

    def __init__(self, seed: int) -> None:
        self._state = np.random.RandomState(seed).get_state()

    @contextmanager
    def swapped_in(self) -> Iterator[None]:
        """Run the block with this copy as NumPy's global random state, then put the caller's back."""
        with _LOCK:
            outer = np.random.get_state()
            np.random.set_state(self._state)
            try:
                yield
            finally:
                self._state = np.random.get_state()
                np.random.set_state(outer)
