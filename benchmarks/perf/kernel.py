"""Power-flow kernel benchmark: ``python benchmarks/perf/kernel.py [--json]``.

The same as ``optibench bench kernel``; see optibench/benchmarking/kernel.py.
Needs the ``bench`` extra: ``pip install -e ".[bench]"``.
"""
import sys

from optibench.benchmarking.kernel import main

sys.exit(main())
