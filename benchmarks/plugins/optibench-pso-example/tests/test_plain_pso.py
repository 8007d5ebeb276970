"""optibench's contract suite run on this package's optimizer, as a plug-in's own tests do it."""

from optibench_pso_example import PlainPSO

from optibench.testing import parametrize_with_checks


@parametrize_with_checks([PlainPSO, PlainPSO(pop_size=80)])
def test_optibench_contract(optimizer, check):
    check(optimizer)
