"""Sums of a column by integer group codes, as a pandas groupby makes them."""

from __future__ import annotations

import numpy as np
import pandas as pd


def group_sums(codes: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Sum of ``values`` for each code 0..n-1 (missing values count 0; a code with no rows, 0),
    with pandas' compensated summation: the same sums, to the last digit, as a groupby."""
    sums = pd.Series(np.asarray(values, dtype=float)).groupby(np.asarray(codes)).sum()
    out = np.zeros(n)
    out[sums.index.to_numpy()] = sums.to_numpy()
    return out
