"""Optimizer overhead benchmark: ``python benchmarks/perf/optimizers.py [-o results/perf/optimizers.md]``.

Microseconds per evaluation outside the objective, for every native algorithm
beside mealpy, pymoo and nevergrad; see optibench/benchmarking/optimizers.py.
Needs mealpy (``pip install --no-deps mealpy opfunu``) and nevergrad.
"""

import sys

from optibench.benchmarking import run_benchmark

sys.exit(run_benchmark("optimizers", sys.argv[1:], "python benchmarks/perf/optimizers.py"))
