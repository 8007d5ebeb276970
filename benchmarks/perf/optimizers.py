"""Optimizer cost benchmark: ``python benchmarks/perf/optimizers.py [-o results/perf/optimizers.md] [--quick]``.

Microseconds per evaluation outside the objective, for every native algorithm
beside mealpy, pymoo and nevergrad, and where each microsecond of an
``evcs-placement`` case 1 evaluation goes (power flow, problem, loop,
algorithm); see optibench/benchmarking/optimizers.py. mealpy
(``pip install --no-deps mealpy opfunu``) and nevergrad are optional: their
rows say "not installed" without them. ``--quick`` is a smoke test.
"""

import sys

from optibench.benchmarking import run_benchmark

sys.exit(run_benchmark("optimizers", sys.argv[1:], "python benchmarks/perf/optimizers.py"))
