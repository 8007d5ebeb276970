"""The compiled feasibility-first rule (optibench/compiled_constraints.py) agrees with NumPy's, NaN, inf and -0.0 included."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from optibench import compiled_constraints
from optibench.constraints import best_index, better, better_one, rank, sort_key

values = st.sampled_from([0.0, -0.0, 1.0, 2.0, -1.0, np.inf, -np.inf, np.nan])
violations = st.sampled_from([0.0, -0.0, 0.0, 0.5, 1.0, np.inf, np.nan])
solutions = st.lists(st.tuples(values, violations), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(solutions)
def test_one_pair_compares_as_better(pairs):
    f, v = map(np.array, zip(*pairs))
    for a in range(len(f)):
        for b in range(len(f)):
            expected = bool(better(f[a], v[a], f[b], v[b]))
            assert bool(better_one(f[a], v[a], f[b], v[b])) == expected
            assert compiled_constraints.better_one(f[a], v[a], f[b], v[b]) == expected


@settings(max_examples=300, deadline=None)
@given(solutions)
def test_best_index_is_the_first_of_sort_key(pairs):
    f, v = map(np.array, zip(*pairs))
    assert best_index(f, v) == sort_key(f, v)[0]


@settings(max_examples=300, deadline=None)
@given(solutions)
def test_rank_counts_strict_improvements_along_sort_key(pairs):
    """NaN breaks the order's transitivity, so rank is pinned to its construction: steps of better() along sort_key."""
    f, v = map(np.array, zip(*pairs))
    order = sort_key(f, v)
    steps = better(f[order[:-1]], v[order[:-1]], f[order[1:]], v[order[1:]])
    expected = np.empty(len(f), dtype=np.int64)
    expected[order] = np.concatenate(([0], np.cumsum(steps)))
    assert rank(f, v).tolist() == expected.tolist()


def sequential_cascade(slot_rank, r):
    """The authors' chain on ranks: a particle takes the first slot it beats if it is worse than every slot before."""
    slots, holders = list(slot_rank), [-1] * len(slot_rank)
    for i, ri in enumerate(r):
        for s in range(len(slots)):
            if ri < slots[s]:
                slots[s], holders[s] = ri, i
                break
            if not ri > slots[s]:
                break
    return holders


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(values, violations), min_size=4, max_size=4), solutions)
def test_leader_cascade_follows_the_ranks(slots, particles):
    """Compared pairwise when no value is NaN, by ranks otherwise: the same holders as the chain on ranks."""
    from optibench.algorithms.leaders import cascade

    (slot_f, slot_v), (f, v) = (map(np.array, zip(*slots)), map(np.array, zip(*particles)))
    r = rank(np.concatenate([slot_f, f]), np.concatenate([slot_v, v]))
    assert cascade(slot_f, slot_v, f, v).tolist() == sequential_cascade(r[:4].tolist(), r[4:].tolist())
