"""The period index every figure is computed over.

Period labels (the metrics table's ``period``):

- ``YYYY-MM``: a month;
- ``YYYY``: a calendar year, made of the months of that year the input covers (for a year in
  progress that is the year to date);
- ``total``: every month reported.

Each figure is a sum over months (energy, GHG, water, production ...) or a ratio of two such
sums (intensities, the reuse rate): a year's or the total's ratio is recomputed from the summed
numerator and denominator, never summed or averaged from the months' ratios.

The same index gives the periods a monthly report compares with (see greentex.comparisons):
the same month a year before and the month before (同比 and 环比 of a month), and the same
months a year before (同比 of a year to date).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TOTAL = "total"
LAST_YEAR = "last_year"    # the same period a year before (上年同期; 同比 compares with it)
LAST_MONTH = "last_month"  # the month before (上月; 环比 compares with it)


def is_month(period: str) -> bool:
    return len(period) == 7 and period[4] == "-"


def is_year(period: str) -> bool:
    return len(period) == 4 and period.isdigit()


def month_mask(periods) -> np.ndarray:
    """True for each period of a column that is a month (YYYY-MM)."""
    return pd.Series(periods, dtype=object).str.fullmatch(r"\d{4}-\d{2}").fillna(False).to_numpy(dtype=bool)


def shift(month: str, months: int) -> str:
    """The month ``months`` after ``month`` (YYYY-MM; negative: before)."""
    k = int(month[:4]) * 12 + int(month[5:7]) - 1 + months
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (YYYY-MM), both included."""
    n = (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7])
    return [shift(first, k) for k in range(n + 1)]


def year_months(months, year: str) -> list[str]:
    """The months of ``months`` in calendar year ``year``."""
    return sorted(m for m in months if m[:4] == str(year))


def calendar_years(periods) -> list[str]:
    """The calendar-year labels (YYYY) among ``periods``, sorted."""
    return sorted({p for p in map(str, periods) if is_year(p)})


def headline_periods(periods) -> list[str]:
    """The periods a report's headline speaks of: each calendar year when the periods cover more
    than one, else the whole input (``total``)."""
    years = calendar_years(periods)
    return years if len(years) > 1 else [TOTAL]


class PeriodIndex:
    """The months an assessment covers and every period built of them.

    ``months``: every month with data (comparisons may reach all of them); ``reported``: the months
    the figures are reported for (default all; ``--year`` or a previous year's workbook narrow
    them). ``labels``: the reported months, their calendar years and ``total``.
    """

    def __init__(self, months, reported=None, compare: bool = True):
        self.months = sorted(set(months))
        rep = sorted(set(self.months if reported is None else reported) & set(self.months))
        self.reported = rep
        self.years = sorted({m[:4] for m in rep})
        self.labels = rep + self.years + ([TOTAL] if rep else [])
        self._pos = {m: k for k, m in enumerate(self.months)}
        self.groups = [[m] for m in rep] + [year_months(rep, y) for y in self.years] + ([rep] if rep else [])
        # each column of a rollup: (kind, period); kind "" is the period itself, LAST_YEAR and
        # LAST_MONTH the period it is compared with, where the index holds all of its months
        self.columns = [("", label) for label in self.labels]
        if compare:
            self._add_comparisons()
        self.matrix = self.membership(self.groups)

    def _add_comparisons(self) -> None:
        have = set(self.months)
        for label, months in list(zip(self.labels, self.groups)):
            if label == TOTAL:
                continue
            bases = [(LAST_YEAR, [shift(m, -12) for m in months])]
            if is_month(label):
                bases.append((LAST_MONTH, [shift(label, -1)]))
            for kind, base in bases:
                if set(base) <= have:
                    self.columns.append((kind, label))
                    self.groups.append(base)

    def codes(self, months) -> np.ndarray:
        """Position of each month in ``months`` (-1 for a month outside the index)."""
        return np.array([self._pos.get(m, -1) for m in months], dtype=np.int64)

    def membership(self, groups: list[list[str]]) -> np.ndarray:
        """(groups x months) 0/1 matrix: which months make each group."""
        out = np.zeros((len(groups), len(self.months)))
        for g, months in enumerate(groups):
            out[g, self.codes(months)] = 1.0
        return out

    def spread(self, months, values) -> tuple[np.ndarray, np.ndarray]:
        """(values, present) over the index's months of a (rows x len(months)) table given for
        ``months``: months not given are absent (value 0, not present)."""
        values = np.atleast_2d(np.asarray(values, dtype=float))
        out = np.zeros((values.shape[0], len(self.months)))
        present = np.zeros(out.shape, dtype=bool)
        at = self.codes(months)
        out[:, at] = values
        present[:, at] = True
        return out, present

    def rollup(self, values, present=None, matrix=None) -> tuple[np.ndarray, np.ndarray]:
        """Sums of a (rows x months) table over each period (or each group of ``matrix``):
        (rows x periods) sums and a mask of the periods with data. A month not computed (NaN,
        present) makes every period holding it not computed; absent months count 0."""
        values = np.atleast_2d(np.asarray(values, dtype=float))
        present = np.ones(values.shape, dtype=bool) if present is None else np.atleast_2d(present)
        matrix = self.matrix if matrix is None else matrix
        nan = np.isnan(values) & present
        sums = np.where(nan | ~present, 0.0, values) @ matrix.T
        sums[(nan.astype(float) @ matrix.T) > 0] = np.nan
        return sums, (present.astype(float) @ matrix.T) > 0

    def ratio(self, numerator, denominator, present=None, matrix=None) -> tuple[np.ndarray, np.ndarray]:
        """numerator / denominator of each period from the summed months (NaN where the
        denominator is not positive); present where the numerator has data."""
        num, has = self.rollup(numerator, present, matrix)
        den, _ = self.rollup(denominator, None, matrix)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(den > 0, num / den, np.nan), has

    def months_of(self, label: str) -> list[str]:
        """The months of a period of ``labels``."""
        return self.groups[self.labels.index(label)]
