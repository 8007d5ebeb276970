"""Uniform random search: the floor every algorithm must beat."""

from __future__ import annotations

import numpy as np

from optibench.checks import integer
from optibench.optimizer import Optimizer


class RandomSearch(Optimizer):
    """Uniform samples of the search box, ``pop_size`` per population."""

    n_obj_supported = None
    param_rules = {"pop_size": integer(1)}
    expected_failures = {
        "check_beats_random_search": "it is random search: the baseline cannot beat itself",
        "check_finds_feasible_point_near_the_constrained_optimum": (
            "uniform samples rarely fall in g06's thin feasible crescent near the optimum"
        ),
    }

    def __init__(self, pop_size: int = 50):
        self.pop_size = pop_size

    def ask(self) -> np.ndarray:
        return self._uniform(self.pop_size)

    def tell(self, F: np.ndarray, G: np.ndarray) -> None:
        pass
