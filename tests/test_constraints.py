"""Feasibility first: rank and Deb's fitness order solutions exactly as better() does."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from optibench.constraints import better, deb_fitness, rank

solutions = st.lists(
    st.tuples(st.integers(-3, 3).map(float), st.sampled_from([0.0, 0.0, 0.5, 1.0, 2.0])), min_size=1, max_size=15
)


@settings(max_examples=300, deadline=None)
@given(solutions)
def test_rank_orders_as_better(pairs):
    f, v = map(np.array, zip(*pairs))
    r = rank(f, v)
    assert r.min() == 0 and set(np.unique(r)) == set(range(r.max() + 1))  # dense
    for a in range(len(f)):
        for b in range(len(f)):
            assert (r[a] < r[b]) == bool(better(f[a], v[a], f[b], v[b]))


@settings(max_examples=300, deadline=None)
@given(solutions)
def test_deb_fitness_orders_a_population_as_better(pairs):
    f, v = map(np.array, zip(*pairs))
    d = deb_fitness(f, v)
    for a in range(len(f)):
        for b in range(len(f)):
            assert (d[a] < d[b]) == bool(better(f[a], v[a], f[b], v[b]))


def test_deb_fitness_values():
    """Deb (2000): infeasible = worst feasible objective + violation; 0 + violation when none is feasible."""
    assert deb_fitness([1.0, 5.0, -3.0], [0.0, 0.0, 2.0]).tolist() == [1.0, 5.0, 7.0]
    assert deb_fitness([1.0, 5.0], [1.5, 0.5]).tolist() == [1.5, 0.5]
