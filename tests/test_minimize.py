"""minimize's non-dominated archive against the definition, pair by pair."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from optibench.minimize import nondominated


def by_definition(F):
    """Keep a point unless another dominates it or an earlier one equals it."""
    keep = []
    for j, b in enumerate(F):
        dominated = any(np.all(a <= b) and np.any(a < b) for a in F)
        repeated = any(np.array_equal(F[i], b) for i in range(j))
        keep.append(not (dominated or repeated))
    return np.array(keep, dtype=bool)


points = st.integers(1, 3).flatmap(
    lambda m: arrays(np.float64, st.tuples(st.integers(1, 40), st.just(m)), elements=st.integers(0, 3).map(float))
)


@settings(max_examples=300, deadline=None)
@given(points, st.integers(0, 40))
def test_nondominated_matches_the_definition(F, split):
    assert np.array_equal(nondominated(F), by_definition(F))
    # with a known front first, only the comparisons with later rows are made
    head = F[: min(split, len(F))]
    front = head[by_definition(head)]
    G = np.vstack([front, F[len(head) :]])
    assert np.array_equal(nondominated(G, n_known=len(front)), by_definition(G))


def test_blocks_of_many_points():
    F = np.random.default_rng(0).integers(0, 30, (700, 2)).astype(float)
    assert np.array_equal(nondominated(F), by_definition(F))
