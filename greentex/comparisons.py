"""同比 and 环比: each headline figure against the same period a year before and the month before.

For every month ``YYYY-MM`` and calendar year ``YYYY`` (a year in progress: the year to date) of
the metrics table, the figure is also computed over the period it is compared with, by the same
rule (a sum of months, or a ratio recomputed from summed months, see greentex.periods):

- ``<metric>_last_year``: the same months a year before (上年同期); for ``YYYY`` the same months
  of the year before as the year holds (the year to date against the same months last year);
- ``<metric>_last_month``: the month before (上月), for months only;
- ``<metric>_yoy_pct`` (同比) and ``<metric>_mom_pct`` (环比): the change in percent,
  (this - that) / |that| x 100 (NaN where that is 0 or missing).

A compared period is used only when the input holds every one of its months (a year before the
first month, or a gap, gives no row).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from greentex.periods import LAST_MONTH, LAST_YEAR

#: metric -> the items compared (None: every item)
HEADLINE = {
    "energy": None,
    "ghg": ("scope1", "scope2_location", "scope2_market", "total_location", "total_market"),
    "water_intake": ("total",),
    "water_reuse_rate": ("total",),
    "production": None,
    "energy_intensity": None,
    "ghg_intensity": None,
    "water_intensity": None,
    "chemical_intensity": None,
}
CHANGES = {LAST_YEAR: "yoy_pct", LAST_MONTH: "mom_pct"}


def compared(metric: str, item: str) -> bool:
    """True when the figure (metric, item) gets 同比 / 环比 rows."""
    if metric not in HEADLINE:
        return False
    items = HEADLINE[metric]
    return items is None or item in items


def change_pct(value, base) -> np.ndarray:
    """(value - base) / |base| x 100 [percent]; NaN where base is 0 (or too small to divide by:
    below the smallest normal float) or missing."""
    value = np.asarray(value, dtype=float)
    base = np.asarray(base, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(np.abs(base) >= np.finfo(float).tiny, (value - base) / np.abs(base) * 100.0, np.nan)


def change_rows(metrics: pd.DataFrame) -> pd.DataFrame:
    """Rows ``<metric>_yoy_pct`` and ``<metric>_mom_pct`` (unit percent) of a metrics table that
    holds ``<metric>_last_year`` / ``_last_month`` rows beside the figures themselves."""
    parts = []
    value_of = metrics.set_index(["metric", "item", "period"])["value"]
    for kind, suffix in CHANGES.items():
        base = metrics[metrics["metric"].str.endswith("_" + kind)]
        if base.empty:
            continue
        metric = base["metric"].str[: -len(kind) - 1]
        keys = pd.MultiIndex.from_arrays([metric, base["item"], base["period"]])
        this = value_of.reindex(keys).to_numpy(dtype=float)
        parts.append(pd.DataFrame({"metric": (metric + "_" + suffix).to_numpy(), "item": base["item"].to_numpy(),
                                   "period": base["period"].to_numpy(),
                                   "value": change_pct(this, base["value"].to_numpy(dtype=float)),
                                   "unit": "percent"}))
    return pd.concat(parts, ignore_index=True) if parts else metrics.iloc[:0]
