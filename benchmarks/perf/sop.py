"""SOP siting benchmark: ``python benchmarks/perf/sop.py [--system quad] [--points N] [--json]``.

Times one eq. 21 MILP and an N-point Pareto front of paper 001's siting
problem; see optibench/benchmarking/sop.py.
"""

import sys

from optibench.benchmarking import run_benchmark

sys.exit(run_benchmark("sop", sys.argv[1:], "python benchmarks/perf/sop.py"))
