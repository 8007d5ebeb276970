"""Trial-runner benchmark: ``python benchmarks/perf/runner.py [-o results/perf/runner.md]``.

Overhead per run and the speed-up of 2 processes over 1; see
optibench/benchmarking/runner.py.
"""

import sys

from optibench.benchmarking import run_benchmark

sys.exit(run_benchmark("runner", sys.argv[1:], "python benchmarks/perf/runner.py"))
