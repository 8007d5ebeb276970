"""The contract every registered algorithm meets, the plugin example included.

The checks are those of :mod:`optibench.testing` (budget spent exactly,
seeded runs identical, parameters round-tripping, bounds respected, better
than random search, ...), run here on every registered algorithm with its
defaults, plus what only the built-ins promise.
"""

import pytest

from optibench import algorithm_names, get_algorithm
from optibench.registry import registered
from optibench.testing import (
    BASELINE,
    check_finds_feasible_point_near_the_constrained_optimum,
    g06_median_gap,
    parametrize_with_checks,
    rastrigin_median,
    zdt1_median_igd,
)

PLUGIN = "plain-pso"
ALGORITHMS = algorithm_names()


@parametrize_with_checks([registered("algorithms", name) for name in ALGORITHMS])
def test_contract(optimizer, check):
    check(optimizer)


def test_plugin_example_is_registered():
    assert PLUGIN in ALGORITHMS, "pip install benchmarks/plugins/optibench-pso-example (.ci/run does)"
    assert registered("algorithms", PLUGIN).__module__ == "optibench_pso_example"


def test_random_search_is_a_floor():
    """The baseline is far from the optima, so beating it means something (best of 20,000 uniform points)."""
    baseline = registered("algorithms", BASELINE)
    assert rastrigin_median(baseline) > 40.0
    assert zdt1_median_igd(baseline) > 1.0
    assert g06_median_gap(baseline) > 0.10


def test_wso_finds_the_constrained_optimum_with_100_soldiers():
    """WSO's expected failure on g06 (its default 30 soldiers) is the swarm size: 100 soldiers find the crescent."""
    check_finds_feasible_point_near_the_constrained_optimum(get_algorithm("wso", pop_size=100))


@pytest.mark.parametrize("name", ["ga", "de", "pso", "cmaes", "nsga2"])
def test_pymoo_defaults_are_pymoos_own(name):
    """The resolved defaults of a pymoo wrapper are those of pymoo's signatures (DE's F, CR, jitter: its Variant)."""
    import importlib
    import inspect

    from pymoo.algorithms.soo.nonconvex.de import Variant
    from pymoo.core.duplicate import DefaultDuplicateElimination

    module, attr = registered("algorithms", name).pymoo_class.split(":")
    pymoo_class = getattr(importlib.import_module(module), attr)
    defaults = {}
    for cls in (*pymoo_class.__mro__, Variant):  # a keyword passed on through **kwargs takes the first default met
        if "__init__" in vars(cls):
            for key, p in inspect.signature(cls.__init__).parameters.items():
                if p.default is not p.empty:
                    defaults.setdefault(key, p.default)
    for key, value in get_algorithm(name).params.items():
        # pymoo turns eliminate_duplicates=True into DefaultDuplicateElimination(), NSGA-II's default
        expected = True if isinstance(defaults[key], DefaultDuplicateElimination) else defaults[key]
        assert expected == value, key


def test_declared_expected_failures_become_strict_xfails_and_unknown_checks_are_refused():
    from optibench.testing import CHECKS

    wso = registered("algorithms", "wso")
    mark = parametrize_with_checks([wso, get_algorithm("wso", pop_size=100)]).mark
    assert [p.id for p in mark.args[1][:2]] == ["wso-check_params_round_trip", "wso-check_bad_pop_size_refused"]
    assert mark.args[1][len(CHECKS)].id == "wso(pop_size=100)-check_params_round_trip"
    xfails = {p.id: m.kwargs for p in mark.args[1] for m in p.marks}
    reason = wso.expected_failures["check_finds_feasible_point_near_the_constrained_optimum"]
    assert xfails == {
        f"{label}-check_finds_feasible_point_near_the_constrained_optimum": {"strict": True, "reason": reason}
        for label in ("wso", "wso(pop_size=100)")
    }

    class Misdeclared(wso):
        expected_failures = {"check_budget": "typo"}

    with pytest.raises(ValueError, match=r"^Misdeclared: expected_failures names unknown check\(s\) check_budget; the checks: "):
        parametrize_with_checks([Misdeclared])
