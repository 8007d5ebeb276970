"""Start-up benchmark: ``python benchmarks/perf/startup.py [-o results/perf/startup.md]``.

Wall time of ``optibench --help``, ``list problems`` and ``powerflow ieee69``
beside the 1 s goal, and where their import time goes; see
optibench/benchmarking/startup.py.
"""

import sys

from optibench.benchmarking import run_benchmark

sys.exit(run_benchmark("startup", sys.argv[1:], "python benchmarks/perf/startup.py"))
