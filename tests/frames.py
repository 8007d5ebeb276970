"""Comparison of results tables for the runner, store and report tests."""

import pandas as pd


def plain(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its text columns as objects: pandas 3 gives text read from Arrow its string dtype, and text
    built from dicts objects; the values, not that choice, are compared."""
    text = [c for c in df.columns if pd.api.types.is_string_dtype(df[c]) or df[c].dtype == object]
    return df.astype({c: object for c in text}).reset_index(drop=True)


def assert_same_runs(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Equal to the bit in every column but the wall time (arrays in cells compared exactly)."""
    pd.testing.assert_frame_equal(plain(a.drop(columns="time_s")), plain(b.drop(columns="time_s")), check_exact=True)
