"""What each problem family declares for reports: its objective's name and unit, and how a solution reads."""

import numpy as np
import pytest

from optibench.problem import Problem, format_values
from optibench.problems import BUILTIN
from optibench.registry import get_problem, registered


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_every_family_names_its_objective(name):
    family = registered("problems", name)
    assert family.objective_name != Problem.objective_name and family.objective_name
    assert family.objective_label() == (
        f"{family.objective_name} ({family.objective_unit})" if family.objective_unit else family.objective_name
    )


def test_objective_labels_of_the_power_flow_families():
    assert registered("problems", "evcs-placement").objective_label() == "loss (kW)"
    assert registered("problems", "res-placement").objective_label() == "renewable power (kW)"
    assert registered("problems", "sphere").objective_label() == "f(x)"


def test_solutions_read_as_in_the_papers_and_parse_back():
    dg = get_problem("dg-placement", network="ieee33", units=2)
    assert dg.format_solution([13.0, 30.0, 846.2, 1159.4]) == "13: 846 kW, 30: 1159 kW"
    np.testing.assert_array_equal(dg.parse_solution(dg.format_solution([13.0, 30.0, 846.0, 1159.0])), [13, 30, 846, 1159])
    res = get_problem("res-placement", case=1)
    assert res.format_solution([64.0, 65.0, 61.0, 248.3, 80.4, 0.0]) == "64: 248 kW, 65: 80 kW, 61: 0 kW"
    assert get_problem("evcs-placement", case=1).format_solution([28.0, 3.0, 2.0]) == "28, 3, 2"
    assert format_values(np.arange(12) / 4) == "0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, … (12 values)"
