"""Comparison of results tables for the runner, store and report tests."""
import pandas as pd


def assert_same_runs(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Equal to the bit in every column but the wall time (arrays in cells compared exactly)."""
    pd.testing.assert_frame_equal(
        a.drop(columns="time_s").reset_index(drop=True),
        b.drop(columns="time_s").reset_index(drop=True),
        check_exact=True,
    )
