"""Water intake, reuse and discharge."""

from __future__ import annotations

import numpy as np


def reuse_rate(reused_m3, intake_m3):
    """Water reuse rate [percent] = reused / (reused + intake) x 100.

    Returns NaN where reused + intake is zero.
    """
    reused = np.asarray(reused_m3, dtype=float)
    total = reused + np.asarray(intake_m3, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, reused / total * 100.0, np.nan)
