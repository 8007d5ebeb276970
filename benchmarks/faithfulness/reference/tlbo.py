"""Port of the TLBO loop of R. V. Rao and V. Patel's published MATLAB code (``ETLBO.m``,
``Define_rangeopti_new.m``, https://sites.google.com/site/tlborao), for the faithfulness check only.

The code's control flow is kept: for each learner in turn, its teacher step (the mean and the teacher taken from
the class as already updated, ``TF = round(1 + rand)``, a fresh ``rand`` per variable), clipping, evaluation and
greedy acceptance, then its partner step (partner ``ceil(n rand)`` redrawn until it differs from the learner;
towards the partner unless the learner is strictly better), clipping, evaluation and greedy acceptance. What
the published file adds for the elitist variant (Rao and Patel 2012) is left out, as TLBO (2011) has none of
it: the elite copies, the teacher step's standard-deviation term, the whole-class re-evaluation and the
duplicate removal. The code runs a fixed number of iterations of ``2 n`` evaluations; here the run stops after
``pop_size * max_iter`` evaluations (the initial class included), optibench's budget at the same protocol, and
the curve holds the best value after every ``pop_size`` evaluations. MATLAB's ``rand`` is ``rng.random``.
"""

from __future__ import annotations

import math

import numpy as np


class _Budget(Exception):
    """The evaluation budget is spent."""


def run(objective, lb: float, ub: float, dim: int, pop_size: int, max_iter: int, rng: np.random.Generator) -> np.ndarray:
    """One run; returns the best value after each ``pop_size`` evaluations, shape (max_iter,)."""
    curve = np.empty(max_iter)
    state = {"evals": 0, "best": np.inf}

    def evaluate(x):
        if state["evals"] == pop_size * max_iter:
            raise _Budget
        value = objective(x)
        state["evals"] += 1
        state["best"] = min(state["best"], value)
        if state["evals"] % pop_size == 0:
            curve[state["evals"] // pop_size - 1] = state["best"]
        return value

    cs = lb + (ub - lb) * rng.random((pop_size, dim))
    result = np.array([evaluate(x) for x in cs])
    try:
        while True:
            for i in range(pop_size):
                mean = cs.mean(axis=0)
                TF = round(1 + rng.random())  # round(1.5) is 2 in Python as in MATLAB
                best = cs[np.argmin(result)]
                new = np.clip(cs[i] + (best - TF * mean) * rng.random(dim), lb, ub)
                value = evaluate(new)
                if value < result[i]:
                    cs[i], result[i] = new, value
                hh = math.ceil(pop_size * rng.random()) - 1
                while hh == i:
                    hh = math.ceil(pop_size * rng.random()) - 1
                if result[i] < result[hh]:
                    new = cs[i] + (cs[i] - cs[hh]) * rng.random(dim)
                else:
                    new = cs[i] + (cs[hh] - cs[i]) * rng.random(dim)
                new = np.clip(new, lb, ub)
                value = evaluate(new)
                if value < result[i]:
                    cs[i], result[i] = new, value
    except _Budget:
        return curve
