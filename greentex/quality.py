"""Warnings for data that are usable but suspicious: never a silent change to the figures.

- a month missing between the first and last month of a sheet;
- a month more than SPIKE times, or less than 1/SPIKE of, the median of the months around it
  (NEIGHBOURS on each side) for the same item;
- data covering only part of the Site's reporting year, or months outside it (the months after
  the last month of a year in progress are still to come: a note says the figures are the year
  to date, no warning);
- an energy carrier written in another unit in some months whose standard coal, after
  conversion, is an order of magnitude (PLAUSIBLE times) or more away from its other months
  (natural gas typed as kWh where the other months are in m3);
- a product intensity outside a wide plausible band: from a PLAUSIBLE-th of the lowest to
  PLAUSIBLE times the highest value of the shipped benchmarks for that metric and product (the
  dyeing norms, the IFC PaCT water references); a product without a shipped benchmark has no band.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from greentex.errors import Issue
from greentex.tables import group_sums

SPIKE = 3.0
NEIGHBOURS = 2
PLAUSIBLE = 10.0  # an order of magnitude


def _month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (YYYY-MM), both included."""
    a = int(first[:4]) * 12 + int(first[5:7]) - 1
    b = int(last[:4]) * 12 + int(last[5:7]) - 1
    return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(a, b + 1)]


def missing_months(activity: pd.DataFrame) -> list[Issue]:
    """A warning for each month, from the workbook's first to its last, with no data of a kind
    (energy, water, chemicals, production)."""
    out = []
    periods_of: dict[str, set] = {}
    sheet_of: dict[str, str] = {}  # the sheet each domain was read from: its first line's
    for domain, period, cells in zip(*(activity[c].tolist() for c in ("domain", "period", "cells"))):
        periods_of.setdefault(domain, set()).add(period)
        sheet_of.setdefault(domain, str(cells).partition("!")[0])
    # the months the workbook covers (every sheet's first to last): a sheet that starts later or
    # ends sooner than the others lacks those months too (their intensities are not computed)
    every = sorted(set().union(*periods_of.values())) if periods_of else []
    for domain, periods in periods_of.items():
        gaps = sorted(set(_month_range(every[0], every[-1])) - periods)
        for p in gaps:
            out.append(Issue.of("warning", sheet_of[domain], p, "missing_month", domain=domain, period=p,
                                first=every[0], last=every[-1]))
    return out


def _neighbour_median(q: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Median of up to NEIGHBOURS values on each side of every element (itself excluded), among
    the elements of its own group (``group`` sorted, equal for neighbours of one series)."""
    n = len(q)
    around = np.full((2 * NEIGHBOURS, n), np.nan)
    for row, o in enumerate(o for o in range(-NEIGHBOURS, NEIGHBOURS + 1) if o != 0):
        src = np.arange(n) + o
        ok = (src >= 0) & (src < n)
        ok[ok] &= group[src[ok]] == group[ok]
        around[row, ok] = q[src[ok]]
    around.sort(axis=0)  # missing values last
    count = (~np.isnan(around)).sum(axis=0)
    lo, hi = np.maximum(count - 1, 0) // 2, count // 2
    cols = np.arange(n)
    with np.errstate(invalid="ignore"):
        return np.where(count > 0, (around[lo, cols] + around[np.minimum(hi, 2 * NEIGHBOURS - 1), cols]) / 2, np.nan)


def _number(value: float) -> str:
    """Six significant digits, with thousands separators and no exponent up to 10**15."""
    return f"{value:,.0f}" if 1e6 <= abs(value) < 1e15 else f"{value:,.6g}"


def spikes(activity: pd.DataFrame) -> list[Issue]:
    """Months far from the median of their neighbours, per item and unit (an item metered in t
    some months and in GJ others makes two series; concentrations included)."""
    domain_code, domains = pd.factorize(activity["domain"].to_numpy(dtype=object), sort=True)
    item_code, items = pd.factorize(activity["item"].to_numpy(dtype=object), sort=True)
    unit_code, units = pd.factorize(activity["unit"].to_numpy(dtype=object), sort=True)
    period_code, periods = pd.factorize(activity["period"].to_numpy(dtype=object), sort=True)
    series = (domain_code * len(items) + item_code) * len(units) + unit_code
    keys, first, line = np.unique(series * len(periods) + period_code, return_index=True, return_inverse=True)
    quantity = group_sums(line, activity["quantity"].to_numpy(dtype=float), len(keys))
    rows = group_sums(line, activity["rows"].to_numpy(dtype=float), len(keys))
    group = keys // len(periods)
    domain_item = group // len(units)
    domain, item = domains[domain_item // len(items)], items[domain_item % len(items)]
    concentration = (domain == "water") & np.isin(item, ["cod_in", "cod_out"])
    quantity[concentration] /= rows[concentration]  # concentrations: monthly means
    size = np.bincount(group)[group]
    med = _neighbour_median(quantity, group)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = quantity / med
    flag = (size >= 3) & (med > 0) & ((ratio > SPIKE) | (ratio < 1 / SPIKE))
    cells = activity["cells"].to_numpy(dtype=object)
    out = []
    for i in np.flatnonzero(flag):
        sheet, _, cell = str(cells[first[i]]).partition("!")
        out.append(Issue.of("warning", sheet, cell.split(" ")[0], "spike", item=item[i],
                            period=periods[keys[i] % len(periods)], ratio=f"{ratio[i]:.2g}",
                            value=_number(quantity[i]), median=_number(med[i])))
    return out


def coverage(activity: pd.DataFrame, year) -> list[Issue]:
    """The Site year's coverage. The monthly run: when the data end inside the reporting year (its
    last month with data is the input's last), the months after it are still to come: a note
    says the figures are the year to date, and no warning. A month of that year missing before
    its last month with data (or all months after it, when later data exist) is a warning."""
    if not year:
        return []
    periods = set(activity["period"].unique())
    inside = sorted(p for p in periods if p.startswith(f"{int(year):04d}-"))
    out = []
    if len(inside) < 12:
        in_progress = bool(inside) and inside[-1] == max(periods)
        past = _month_range(f"{int(year):04d}-01", inside[-1] if in_progress else f"{int(year):04d}-12")
        if set(past) - set(inside):
            out.append(Issue.of("warning", "", "", "partial_year", n=len(inside), year=year))
        elif in_progress:
            out.append(Issue.of("note", "", "", "year_to_date", year=year, first=inside[0], last=inside[-1],
                                n=len(inside)))
    outside = sorted(periods - set(inside))
    if outside:
        out.append(Issue.of("warning", "", "", "outside_year", year=year,
                            months=", ".join(outside[:6]) + (" ..." if len(outside) > 6 else "")))
    return out


def unit_mixups(lines: pd.DataFrame) -> list[Issue]:
    """Months of an energy carrier written in another unit than its usual one whose standard coal
    is PLAUSIBLE times (or a PLAUSIBLE-th of) the median of its months in the usual unit. ``lines``:
    monthly energy lines (item, unit, period, energy_tce, cells)."""
    out = []
    if lines is None or not len(lines) or "energy_tce" not in lines:
        return out
    for item, g in lines.groupby("item", sort=True):
        if g["unit"].nunique() < 2:
            continue
        months = g.groupby("unit")["period"].nunique()
        main = months.sort_values(ascending=False, kind="stable").index[0]
        tce = g.groupby("period")["energy_tce"].sum().abs()
        usual = float(np.median(tce[sorted(g.loc[g["unit"] == main, "period"].unique())]))
        if not usual > 0:
            continue
        for row in g[g["unit"] != main].itertuples(index=False):
            with np.errstate(over="ignore", invalid="ignore"):
                ratio = tce[row.period] / usual
            if ratio >= PLAUSIBLE or ratio <= 1 / PLAUSIBLE:
                sheet, _, cell = str(row.cells).partition("!")
                out.append(Issue.of("warning", sheet, cell.split(" (")[0], "unit_mixup", item=item,
                                    period=row.period, unit=row.unit, main=main, ratio=f"{ratio:.2g}"))
    return out


def intensity_bands(library) -> dict[tuple[str, str], tuple[float, float, str]]:
    """{(metric, product): (low, high, unit)} from the shipped benchmark sets: a PLAUSIBLE-th of
    the lowest and PLAUSIBLE times the highest value of any line for that metric and product."""
    from greentex.units import conversion_factor

    values: dict[tuple[str, str], list[tuple[float, str]]] = {}
    for set_id in library.ids("benchmark"):
        frame = library.dataset(set_id).frame
        frame = frame[(frame["origin"] == "bundled") & frame["metric"].str.endswith("_intensity")]
        for metric, item, value, unit in zip(frame["metric"], frame["item"], frame["value"], frame["unit"]):
            values.setdefault((metric, item), []).append((float(value), unit))
    bands = {}
    for key, vals in values.items():
        unit = vals[0][1]
        vs = [v * conversion_factor(u, unit) for v, u in vals]
        bands[key] = (min(vs) / PLAUSIBLE, max(vs) * PLAUSIBLE, unit)
    return bands


def implausible_intensities(metrics: pd.DataFrame, library) -> list[Issue]:
    """Product intensities (whole input) outside the band of intensity_bands."""
    from greentex.units import conversion_factor

    bands = intensity_bands(library)
    out = []
    rows = metrics[metrics["metric"].str.endswith("_intensity") & (metrics["period"] == "total")]
    for metric, item, value, unit in zip(rows["metric"], rows["item"], rows["value"], rows["unit"]):
        band = bands.get((metric, item))
        if band is None or value is None or not np.isfinite(value):
            continue
        low, high, bunit = band
        v = float(value) * conversion_factor(unit, bunit)
        if v < low or v > high:
            out.append(Issue.of("warning", "", "", "implausible_intensity", metric=metric, item=item,
                                value=_number(v), unit=bunit, low=_number(low), high=_number(high)))
    return out


def data_warnings(activity: pd.DataFrame, site: dict) -> list[Issue]:
    """All the warnings above, from the monthly lines of greentex.assessment.aggregate (columns domain,
    item, period, quantity, rows, cells)."""
    if activity is None or activity.empty:
        return []
    return missing_months(activity) + spikes(activity) + coverage(activity, site.get("year"))
