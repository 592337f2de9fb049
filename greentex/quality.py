"""Warnings for data that are usable but suspicious: never a silent change to the figures.

- a month missing between the first and last month of a sheet;
- a month more than SPIKE times, or less than 1/SPIKE of, the median of the months around it
  (NEIGHBOURS on each side) for the same item;
- data covering only part of the Site's reporting year, or months outside it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from greentex.errors import Issue

SPIKE = 3.0
NEIGHBOURS = 2


def _month_range(first: str, last: str) -> list[str]:
    return [str(p) for p in pd.period_range(first, last, freq="M")]


def missing_months(activity: pd.DataFrame) -> list[Issue]:
    out = []
    by_domain = activity.groupby("domain", sort=False)
    for (domain, periods), cells in zip(by_domain["period"].unique().items(), by_domain["cells"].first()):
        periods = sorted(periods)
        gaps = sorted(set(_month_range(periods[0], periods[-1])) - set(periods))
        sheet = str(cells).partition("!")[0]  # the sheet the domain was read from
        for p in gaps:
            out.append(Issue("warning", sheet, p,
                             f"no {domain} data for {p}, between {periods[0]} and {periods[-1]}"))
    return out


def _neighbour_median(q: np.ndarray) -> np.ndarray:
    """Median of up to NEIGHBOURS values on each side of every element (itself excluded)."""
    n = len(q)
    padded = np.concatenate([np.full(NEIGHBOURS, np.nan), q, np.full(NEIGHBOURS, np.nan)])
    offsets = [o for o in range(-NEIGHBOURS, NEIGHBOURS + 1) if o != 0]
    around = np.stack([padded[NEIGHBOURS + o:NEIGHBOURS + o + n] for o in offsets])
    return np.nanmedian(around, axis=0)


def spikes(activity: pd.DataFrame) -> list[Issue]:
    """Months far from the median of their neighbours, per item (concentrations included)."""
    out = []
    monthly = activity.groupby(["domain", "item", "period"], sort=True).agg(
        quantity=("quantity", "sum"), rows=("rows", "sum"), cells=("cells", "first")).reset_index()
    quality = monthly["domain"].eq("water") & monthly["item"].isin(["cod_in", "cod_out"])
    monthly.loc[quality, "quantity"] /= monthly.loc[quality, "rows"]  # concentrations: monthly means
    for (domain, item), grp in monthly.groupby(["domain", "item"], sort=False):
        if len(grp) < 3:
            continue
        q = grp["quantity"].to_numpy(dtype=float)
        med = _neighbour_median(q)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            ratio = q / med
        flag = (med > 0) & ((ratio > SPIKE) | (ratio < 1 / SPIKE))
        for i in np.flatnonzero(flag):
            row = grp.iloc[i]
            sheet, _, cell = str(row["cells"]).partition("!")
            out.append(Issue("warning", sheet, cell.split(" ")[0],
                             f"{item} in {row['period']} is {ratio[i]:.2g} times the median of the months "
                             f"around it ({q[i]:,.6g} against {med[i]:,.6g}): check the value and its unit"))
    return out


def coverage(activity: pd.DataFrame, year) -> list[Issue]:
    if not year:
        return []
    periods = set(activity["period"].unique())
    inside = {p for p in periods if p.startswith(f"{int(year):04d}-")}
    out = []
    if len(inside) < 12:
        out.append(Issue("warning", "", "", f"the data cover {len(inside)} of the 12 months of {year}: "
                         "totals and intensities are for those months only"))
    outside = sorted(periods - inside)
    if outside:
        out.append(Issue("warning", "", "", f"months outside the reporting year {year}: "
                         + ", ".join(outside[:6]) + (" ..." if len(outside) > 6 else "")
                         + " (they are included in the totals)"))
    return out


def data_warnings(activity: pd.DataFrame, site: dict) -> list[Issue]:
    """All the warnings above, from the monthly lines of greentex.assessment.aggregate (columns domain,
    item, period, quantity, rows, cells)."""
    if activity is None or activity.empty:
        return []
    return missing_months(activity) + spikes(activity) + coverage(activity, site.get("year"))
