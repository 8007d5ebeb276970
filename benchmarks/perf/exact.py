"""Exact-baseline benchmark: ``python benchmarks/perf/exact.py [--jobs J] [--no-sweep] [--json]``.

Times one 24-hour hosting-capacity cone program and the 512-program sweep of
paper 000; see optibench/benchmarking/exact.py.
"""

import sys

from optibench.benchmarking import run_benchmark

sys.exit(run_benchmark("exact", sys.argv[1:], "python benchmarks/perf/exact.py"))
