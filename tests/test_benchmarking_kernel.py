"""Measurement helpers of the kernel benchmark (optibench/benchmarking/kernel.py)."""

import numpy as np
import pytest

from optibench import load_network
from optibench.benchmarking.kernel import _cache_line_aligned, _injections, bytes_per_row
from optibench.powerflow import PARALLEL_MIN_WORK


def test_yardstick_arrays_start_on_a_cache_line():
    values = np.linspace(1.0, 2.0, 64)
    for _ in range(20):  # NumPy places small arrays on 16-byte boundaries, so some would be misaligned
        aligned = _cache_line_aligned(values)
        assert aligned.ctypes.data % 64 == 0
        assert np.array_equal(aligned, values)


def test_memory_per_row_does_not_count_loading_the_parallel_kernel():
    net = load_network("ieee33")
    batch = -(-PARALLEL_MIN_WORK // net.n_bus)  # large enough for the parallel kernel
    p, q = _injections(net, batch)
    first, second = bytes_per_row(net, p, q), bytes_per_row(net, p, q)
    # the two threads' block allocations may overlap differently by a few bytes, not by compiled code
    assert first == pytest.approx(second, rel=0.05)
    # results (about 60 B per row) and one kernel block per thread; no compiled code
    assert first < 200 + 2 * 48 * net.n_bus * 64 / batch
