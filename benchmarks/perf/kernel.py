"""Power-flow kernel benchmark: ``python benchmarks/perf/kernel.py [--json]``.

The same as ``optibench bench kernel``; see optibench/benchmarking/kernel.py.
Needs the ``bench`` extra: ``pip install -e ".[bench]"``.
"""

import sys

from optibench.benchmarking import run_benchmark

sys.exit(run_benchmark("kernel", sys.argv[1:], "python benchmarks/perf/kernel.py"))
