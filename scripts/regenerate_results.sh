#!/usr/bin/env bash
# Regenerate every batch folder under results/ by the command its README names, then the tables
# built from them. Run from anywhere; about 55 minutes on a 2-core machine.
#   bash scripts/regenerate_results.sh [EXPERIMENT ...]   (default: all of them)
set -euo pipefail
cd "$(dirname "$0")/.."
experiments=("$@")
[ ${#experiments[@]} -gt 0 ] || experiments=(example seed002 seed003 seed000 seed002-res seed002-res-baselines seed002-baselines reconfiguration)
for name in "${experiments[@]}"; do
  out=$(python -c "from optibench.experiment import load_experiment; print(load_experiment('benchmarks/$name.toml').output)")
  rm -rf "$out"
  optibench run "benchmarks/$name.toml" --jobs 2
done
python benchmarks/seed002_report.py
python benchmarks/seed003_results.py
