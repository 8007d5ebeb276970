"""Statistical comparison of algorithm configurations: all pairs per instance, ranks across instances.

Only complete runs enter; scores are feasibility first (an infeasible run
counts as +inf, see :mod:`optibench.cases`); lower is better.

* :func:`holm`: Holm-Bonferroni adjusted p-values.
* :func:`a12`: the Vargha-Delaney effect size.
* :func:`pairwise_tests`: every pair of configurations on each instance,
  two-sided: Wilcoxon signed-rank test when the two configurations' runs are
  paired by seed (the same seeds), Wilcoxon rank-sum (Mann-Whitney U)
  otherwise; Holm-corrected within each instance, with A12.
* :func:`friedman`: Friedman test over instances (blocks) on each
  configuration's median score, mean ranks and the Nemenyi post-hoc test
  (scikit-posthocs), with the critical difference of the ranks.
* :func:`critical_difference`: mean ranks, Nemenyi p-values and critical
  difference, what a critical-difference diagram draws.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scikit_posthocs
from numpy.typing import ArrayLike
from scipy import stats

from .cases import complete_runs, with_case

DEFAULT_ALPHA = 0.05
"""Significance level of the tests after correction."""


def holm(pvalues: ArrayLike) -> np.ndarray:
    """Holm-Bonferroni adjusted p-values, in the order given, shape (m,)."""
    p = np.asarray(pvalues, dtype=np.float64)
    order = np.argsort(p)
    m = len(p)
    adjusted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    out = np.empty(m)
    out[order] = adjusted
    return out


def a12(a: ArrayLike, b: ArrayLike) -> float:
    """Vargha-Delaney A12 for minimisation: P(a run of ``a`` scores lower than one of ``b``) + P(equal) / 2.

    0.5: no difference; 1: every run of ``a`` beats every run of ``b``;
    0.56 / 0.64 / 0.71 are the conventional small / medium / large effects.
    ``a`` (m,), ``b`` (n,): scores (lower is better; +inf allowed).
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    # U of b against a counts the pairs with b > a, ties one half
    return float(stats.mannwhitneyu(b, a).statistic) / (len(a) * len(b))


def _paired(x: pd.DataFrame, y: pd.DataFrame) -> bool:
    """Whether two configurations' runs are paired: the same seeds, each once (unpaired without a ``seed`` column)."""
    if "seed" not in x:
        return False
    seeds = x["seed"].to_numpy()
    return len(set(seeds)) == len(seeds) and set(seeds) == set(y["seed"])


def _test(x: pd.DataFrame, y: pd.DataFrame) -> tuple[str, float]:
    """(test name, two-sided p-value) of the scores of two configurations' complete runs."""
    if _paired(x, y):
        a = x.set_index("seed")["score"]
        b = y.set_index("seed")["score"].reindex(a.index)
        d = np.where(a.to_numpy() == b.to_numpy(), 0.0, a.to_numpy() - b.to_numpy())  # both infeasible: a tie
        return "signed-rank", 1.0 if not d.any() else float(stats.wilcoxon(d).pvalue)
    a, b = x["score"].to_numpy(), y["score"].to_numpy()
    if np.unique(np.concatenate([a, b])).size == 1:  # every run the same value: no difference
        return "rank-sum", 1.0
    return "rank-sum", float(stats.mannwhitneyu(a, b, alternative="two-sided").pvalue)


def pairwise_tests(results: pd.DataFrame, alpha: float = DEFAULT_ALPHA) -> pd.DataFrame:
    """Every pair of algorithm configurations on each instance (two-sided, Holm-corrected per instance).

    Columns: case, algorithm, versus (the pair, in the order of first
    appearance), test (``signed-rank`` when paired by seed, else
    ``rank-sum``), n (complete runs of each, ``"30/30"``), p, p_holm, A12
    (:func:`a12` of algorithm against versus) and result (``"better"``,
    ``"worse"`` (algorithm against versus) or ``"no difference"`` at
    ``alpha``). A configuration without complete runs is not tested.
    """
    rows = []
    for case, sub in complete_runs(results).groupby("case", sort=False):
        runs = dict(tuple(sub.groupby("label", sort=False)))
        pairs = list(itertools.combinations(runs, 2))
        tests = [_test(runs[a], runs[b]) for a, b in pairs]
        adjusted = holm([p for _, p in tests])
        for (a, b), (name, p), p_holm in zip(pairs, tests, adjusted):
            effect = a12(runs[a]["score"], runs[b]["score"])
            result = ("better" if effect > 0.5 else "worse") if p_holm < alpha else "no difference"
            rows.append([case, a, b, name, f"{len(runs[a])}/{len(runs[b])}", p, p_holm, effect, result])
    columns = ["case", "algorithm", "versus", "test", "n", "p", "p_holm", "A12", "result"]
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class FriedmanResult:
    """Friedman test of algorithm configurations over instances (blocks) on each instance's median score.

    Attributes:
        mean_ranks: mean rank of each configuration over instances (1 = best), ascending;
            empty with fewer than 2 instances.
        n_cases, n_algorithms: size of the comparison.
        statistic, pvalue: the Friedman chi-square test, NaN with fewer than 3 configurations or 2 instances.
        posthoc: Nemenyi p-values (configurations x configurations), empty with fewer than 2 instances.
        cd: critical difference of the mean ranks at ``alpha`` (Nemenyi), None with fewer than 2 instances.
        alpha: the significance level of ``cd``.
        left_out: instances left out because a configuration has no complete run there.
    """

    mean_ranks: pd.Series
    n_cases: int
    n_algorithms: int
    statistic: float
    pvalue: float
    posthoc: pd.DataFrame
    cd: float | None
    alpha: float = DEFAULT_ALPHA
    left_out: tuple[str, ...] = ()

    @property
    def ranked(self) -> bool:
        """Ranks and the post-hoc test need at least 2 configurations and 2 instances."""
        return self.n_algorithms >= 2 and self.n_cases >= 2

    @property
    def applicable(self) -> bool:
        """The Friedman chi-square test needs at least 3 configurations and 2 instances."""
        return self.n_algorithms >= 3 and self.n_cases >= 2

    def describe(self) -> str:
        """The test's outcome in one sentence, and the instances left out if any."""
        size = f"{self.n_algorithms} algorithm(s), {self.n_cases} instance(s)"
        if not self.ranked:
            text = f"No ranks over instances: they need at least 2 algorithms and 2 problem instances (here {size})."
        elif not self.applicable:
            text = (
                f"Friedman test not applicable: it needs at least 3 algorithms (here {size}); "
                f"mean ranks and the Nemenyi test (critical difference {self.cd:.3f} at alpha = {self.alpha}) below."
            )
        else:
            text = (
                f"Friedman chi-square = {self.statistic:.3f}, p = {self.pvalue:.3g} ({size}); "
                f"Nemenyi critical difference of the mean ranks {self.cd:.3f} at alpha = {self.alpha}."
            )
        if self.left_out:
            text += f" Left out (a configuration has no complete run there): {', '.join(self.left_out)}."
        return text


def friedman(results: pd.DataFrame, alpha: float = DEFAULT_ALPHA) -> FriedmanResult:
    """Friedman test, mean ranks and Nemenyi post-hoc test over instances (see :class:`FriedmanResult`)."""
    labels = list(with_case(results)["label"].unique())
    df = complete_runs(results)
    medians = df.pivot_table(index="case", columns="label", values="score", aggfunc="median", sort=False)
    medians = medians.reindex(columns=labels)
    incomplete = medians.isna().any(axis=1)
    medians = medians[~incomplete]
    n_cases, n_algorithms = medians.shape
    left_out = tuple(incomplete.index[incomplete])
    if n_cases < 2 or n_algorithms < 2:
        empty = pd.Series(dtype=np.float64, name="mean rank")
        return FriedmanResult(empty, n_cases, n_algorithms, np.nan, np.nan, pd.DataFrame(), None, alpha, left_out)
    mean_ranks = medians.rank(axis=1).mean().sort_values().rename("mean rank")
    statistic = pvalue = np.nan
    if n_algorithms >= 3:
        statistic, pvalue = stats.friedmanchisquare(*(medians[c].to_numpy() for c in medians.columns))
    posthoc = scikit_posthocs.posthoc_nemenyi_friedman(medians.replace(np.inf, np.finfo(np.float64).max))
    posthoc = posthoc.reindex(index=mean_ranks.index, columns=mean_ranks.index)
    q = stats.studentized_range.ppf(1 - alpha, n_algorithms, np.inf) / np.sqrt(2)
    cd = float(q * np.sqrt(n_algorithms * (n_algorithms + 1) / (6 * n_cases)))
    return FriedmanResult(mean_ranks, n_cases, n_algorithms, float(statistic), float(pvalue), posthoc, cd, alpha, left_out)


def critical_difference(results: pd.DataFrame, alpha: float = DEFAULT_ALPHA) -> tuple[pd.Series, pd.DataFrame, float | None]:
    """What a critical-difference diagram draws: (mean ranks, Nemenyi p-values, critical difference).

    ``mean_ranks``: mean rank of each configuration over instances (1 = best), ascending;
    ``pvalues``: Nemenyi p-values, configurations x configurations in the same order;
    ``cd``: Demsar's critical difference of the mean ranks at ``alpha``. Empty, empty
    and None with a single instance (or a single configuration): no ranks over instances.
    """
    result = friedman(results, alpha)
    return result.mean_ranks, result.posthoc, result.cd
