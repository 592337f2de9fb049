"""assess(inventory) -> Assessment: every figure, the factors behind it, and the issues found.

Data flows one way: the inventory's rows are summed per item, unit, month and product; each
sum is multiplied by the factor chosen for it (one factor per item and unit, converted once);
the lines are summed into the tidy metrics table (``metric, item, period, value, unit``) for
every month and for ``total``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from greentex import (benchmarks as bench, chemicals, comparisons, emissions, energy, intensity, quality,
                      refrigerants, targets, water)
from greentex.display import DERIVED_FROM_NCV
from greentex.errors import GreentexError, Issue
from greentex.factors import FactorLibrary, load_library
from greentex.inventory import Inventory
from greentex.names import Names
from greentex.options import DEFAULT_GWP, Options
from greentex.periods import PeriodIndex, is_month, year_months
from greentex.tables import group_sums
from greentex.units import conversion_factor, same_dimension

METRIC_COLUMNS = ["metric", "item", "period", "value", "unit"]
COMBUSTION_NOTES = {"cn": "fuel NCV, carbon content and oxidation from the Chinese GHG accounting guidelines' "
                          "default table (常用化石燃料相关参数缺省值)",
                    "ipcc": "fuel NCV, carbon content and oxidation from IPCC 2006 Vol.2 Ch.1 Tables 1.2-1.4"}
INTENSITY_METRICS = ("energy_intensity", "ghg_intensity", "water_intensity", "chemical_intensity")
HEADLINE_INTENSITIES = INTENSITY_METRICS[:3]  # the ones portfolios and scenario comparisons show


@dataclass
class Factor:
    """One factor used, with its citation."""

    item: str
    parameter: str
    value: float
    unit: str
    source: str
    reference: str = ""
    status: str = ""
    dataset: str = ""
    overridden: bool = False
    note: str = ""

    def value_in(self, unit: str) -> float:
        """The value converted to ``unit``."""
        return self.value * conversion_factor(self.unit, unit)


@dataclass
class Assessment:
    """Everything assess() found: metrics, per-domain detail lines, factors used, issues."""

    metrics: pd.DataFrame
    details: dict
    factors: pd.DataFrame
    issues: list
    site: dict
    options: dict
    inventory: Inventory
    benchmarks: pd.DataFrame = field(default_factory=lambda: pd.DataFrame())
    targets: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=targets.TARGET_COLUMNS))

    def _lookup(self) -> dict:
        """(metric, item, period) -> (value, unit), built once from the metrics table."""
        m = self.metrics
        if getattr(self, "_index_of", None) is None or self._index_len != len(m):
            cols = [m[c].tolist() for c in METRIC_COLUMNS]  # lists: iterating a column is slow
            self._index_of = {(a, b, c): (v, u) for a, b, c, v, u in zip(*cols)}
            self._units_of = {(a, b): u for a, b, _, _, u in zip(*cols)}
            self._index_len = len(m)
        return self._index_of

    def figure(self, metric: str, item: str = "total", period: str = "total") -> tuple | None:
        """(value, unit) of one line of the metrics table, or None when there is no such line
        (a line whose value could not be computed has NaN)."""
        return self._lookup().get((metric, item, period))

    def value(self, metric: str, item: str = "total", period: str = "total") -> float:
        """One figure from the metrics table (NaN when absent or not computed)."""
        hit = self.figure(metric, item, period)
        return float(hit[0]) if hit is not None else math.nan

    def unit(self, metric: str, item: str = "total") -> str:
        self._lookup()
        return str(self._units_of.get((metric, item), ""))


def _fits(factor_unit: str, quantity_unit: str, result: str) -> bool:
    """True when factor_unit x quantity_unit has the dimension of ``result``."""
    return same_dimension(factor_unit, f"{result}/({quantity_unit})")


def _is_number(value) -> bool:
    try:
        float(value)
        return True
    except (TypeError, ValueError):
        return False


def _from_row(row: dict, dataset: str, parameter: str, label: str) -> Factor:
    """A bundled dataset row as the Factor used for ``label``'s ``parameter``."""
    return Factor(label, parameter, float(row["value"]), row["unit"], row["source"], row["reference"],
                  row["status"], dataset, note=row.get("note", ""))


def _grid_years(ds) -> dict[str, list[int]]:
    """{grid: the years it has a factor for} of the grid dataset, worked out once per frame (a
    batch asks it for every mill and year)."""
    cached = getattr(ds, "_grid_years", None)
    if cached is None or cached[0] is not ds.frame:
        years = {g: sorted(int(y) for y in grp["year"]) for g, grp in ds.frame.groupby("grid")}
        cached = (ds.frame, years)
        ds._grid_years = cached
    return cached[1]


class FactorSelector:
    """Chooses each factor (user override first, then the bundled default) and records it."""

    def __init__(self, library: FactorLibrary, overrides: pd.DataFrame, options: Options, site: dict | None = None):
        self.lib = library
        self.options = options
        self.overrides = {(r.item, r.parameter): r for r in overrides.itertuples(index=False)}
        self.used: dict[tuple, Factor] = {}
        self.grid_used: dict = {}  # reporting year -> {"grid", "year", "basis"} as grid() chose
        country = str((site or {}).get("country") or "CN").upper()
        self.in_china = country in ("CN", "CHN")
        #: the fuel_properties table of combustion defaults: the option, else by the site's country
        self.combustion_table = options.combustion_defaults or ("cn" if country in ("CN", "CHN") else "ipcc")

    def _record(self, f: Factor) -> Factor:
        self.used[(f.item, f.parameter, f.unit, f.note)] = f  # the note tells a grid's data years apart
        return f

    def _user(self, item: str, parameter: str) -> Factor | None:
        r = self.overrides.get((item, parameter))
        if r is None:
            return None
        return Factor(item, parameter, float(r.value), r.unit, r.source,
                      reference=f"{r.sheet}!{r.cell}", status="user", dataset="input workbook",
                      overridden=True)

    def _bundled(self, dataset: str, as_parameter: str, label: str, **keys) -> Factor | None:
        row = self.lib.dataset(dataset).row(**keys)
        return None if row is None else _from_row(row, dataset, as_parameter, label)

    def lookup_item(self, item: str) -> str:
        """The item whose factors apply (green electricity uses electricity's, and so on)."""
        as_ = self.lib.item_table.at[item, "energy_as"]
        return as_ if isinstance(as_, str) and as_ else item

    def coefficient(self, item: str, unit: str) -> Factor | None:
        """Standard-coal coefficient for ``item`` measured in ``unit`` [kgce per unit]."""
        base = self.lookup_item(item)
        if base == "electricity" and self.options.electricity_method == "primary":
            f = self._user("electricity", "primary_coefficient")
            if f is None and self.options.primary_coefficient is not None:
                f = Factor("electricity", "primary_coefficient", float(self.options.primary_coefficient),
                           "kgce/kWh", "given with --primary-coefficient", status="user",
                           dataset="command line", overridden=True)
            if f is None:
                raise GreentexError(
                    "the primary-energy method needs that year's coefficient for electricity (等价值)",
                    hint="greentex ships none (it changes every year and no citable table was found): "
                         "add a Factors row 'electricity | primary_coefficient | value | kgce/kWh | source' "
                         "or use --primary-coefficient")
            return self._record(f)
        f = self._user(base, "coefficient")
        if f is not None and _fits(f.unit, unit, "kgce"):
            return self._record(f)
        ncv = self._user(base, "ncv")
        if ncv is not None and _fits(ncv.unit, unit, "MJ"):
            value = energy.coefficient_from_ncv(ncv.value_in(f"MJ/({unit})"))
            return self._record(Factor(base, "coefficient", float(value), f"kgce/({unit})",
                                       DERIVED_FROM_NCV + str(ncv.source), ncv.reference,
                                       "user", "input workbook", True,
                                       note="NCV [MJ/unit] / 29.307 MJ/kgce (GB/T 2589 definition)"))
        for row in self.lib.dataset("gbt2589_coefficients").rows(item=base, default="1"):
            if _fits(row["unit"], unit, "kgce"):
                return self._record(_from_row(row, "gbt2589_coefficients", "coefficient", base))
        if same_dimension(unit, "GJ"):  # a carrier given in energy units: by its energy content
            f = self._bundled("gbt2589_coefficients", "coefficient", "heat", item="heat", variant="calorific")
            if f is not None:
                f.note = f"{item} given in energy units: converted by energy content. " + f.note
                return self._record(f)
        return None

    def ncv(self, item: str, unit: str) -> Factor | None:
        """Net calorific value [GJ per unit]; None when ``unit`` is already energy."""
        base = self.lookup_item(item)
        f = self._user(base, "ncv") or self._default(base, "ncv")
        if f is not None and _fits(f.unit, unit, "GJ"):
            return self._record(f)
        return None

    def _default(self, item: str, parameter: str) -> Factor | None:
        """A fuel property from the chosen combustion table, else from the table for any site."""
        return self._bundled("fuel_properties", parameter, item, table=self.combustion_table, item=item,
                             parameter=parameter) or \
            self._bundled("fuel_properties", parameter, item, table="any", item=item, parameter=parameter)

    def parameter(self, item: str, parameter: str) -> Factor | None:
        """carbon_content [tC/GJ] or oxidation [fraction] of a fuel."""
        base = self.lookup_item(item)
        f = self._user(base, parameter) or self._default(base, parameter)
        return self._record(f) if f is not None else None

    def user_emission_factor(self, item: str) -> Factor | None:
        f = self._user(self.lookup_item(item), "emission_factor")
        return self._record(f) if f is not None else None

    def grid_choice(self, site: dict, year: int | None = None) -> tuple[str, int, str]:
        """(grid, data year, basis) of the shipped location-based factor for a report on ``year``
        (default: the Site year). ``--grid NAME[:YEAR]`` or the Site ``grid`` names it; otherwise the
        data year is Y - 2 (factors are published two years late; the latest shipped year if older
        data are missing) and the grid the most precise one shipped for that year: the site's
        province, else its regional grid, else the national average."""
        years = _grid_years(self.lib.dataset("cn_grid_electricity"))
        spec = self.options.grid or (None if _is_number(site.get("grid")) else site.get("grid"))
        if spec:
            name, _, fixed = str(spec).partition(":")
            code = self.lib.resolve_province(name)
            name = self.lib.provinces.at[code, "grid"] if code and self.lib.provinces.at[code, "grid"] \
                else name.strip().lower()
            if name not in years:
                raise GreentexError(f"unknown grid '{name}'", hint="use one of " + ", ".join(sorted(years)))
            if fixed and int(fixed) not in years[name]:
                raise GreentexError(f"no {name} grid factor for {fixed}",
                                    hint="available years: " + ", ".join(map(str, years[name])))
            chosen = [name]
        else:
            code = self.lib.resolve_province(site.get("province"))
            province, region = self.lib.provinces.loc[code, ["grid", "region"]] if code else ("", "")
            chosen = [g for g in (province, region) if g and g in years] + ["national"]
            fixed = ""
        if fixed:
            return chosen[0], int(fixed), "given"
        report_year = year or site.get("year")
        target = int(report_year) - 2 if report_year else max(years["national"])
        data_year = max([y for y in years["national"] if y <= target] or [min(years["national"])])
        if spec:  # the grid named: its latest year up to the data year
            older = [y for y in years[chosen[0]] if y <= data_year]
            return chosen[0], max(older) if older else min(years[chosen[0]]), "given"
        name = next(g for g in chosen if data_year in years[g])  # the national series has every year
        return name, data_year, ("province" if name == chosen[0] and name == province else
                                 "national" if name == "national" else "region")

    def grid(self, site: dict, year: int | None = None) -> tuple[Factor, Factor]:
        """(location-based, market-based) electricity factors [kgCO2/kWh] for a report on ``year``.

        Location-based: a grid factor given (Factors sheet ``grid_factor`` or ``emission_factor``
        of electricity, Site ``grid_factor``), else the shipped average grid_choice() names.
        Market-based: a supplier's contractual factor given (``market_factor``), else the national
        residual factor (excluding market-traded non-fossil power) of that data year."""
        loc = self._user("electricity", "grid_factor") or self._user("electricity", "emission_factor") \
            or self._site_factor(site, "grid_factor")
        if loc is None and not self.in_china and not (self.options.grid or site.get("grid")):
            raise GreentexError(f"no grid factor for a site in {site.get('country')}: the grid factors shipped are "
                                "China's", sheet="Site",
                                hint="give the site's grid factor: a Site row 'grid_factor' in kgCO2/kWh, or a Factors "
                                     "row 'electricity | grid_factor | value | unit | source'")
        name, data_year, basis = self.grid_choice(site, year)
        report = str(year or site.get("year") or "")
        if loc is None:
            loc = self._bundled("cn_grid_electricity", "grid_factor_location", "electricity",
                                grid=name, year=data_year)
            loc.note = f"grid {name}, data year {data_year}, chosen by: {basis}. " + loc.note
            self.grid_used[report] = {"grid": name, "year": data_year, "basis": basis}
        else:
            loc.parameter = "grid_factor_location"
            self.grid_used[report] = {"grid": f"given ({loc.reference})", "year": "-", "basis": "given"}
        market = self._user("electricity", "market_factor") or self._site_factor(site, "market_factor")
        if market is None and not self.in_china:  # no residual mix shipped: the grid average stands in
            market = replace(loc, note="no residual mix shipped outside China: the location-based grid factor "
                                       "stands in (GHG Protocol Scope 2 Guidance, market-based hierarchy). "
                                       + (loc.note or ""))
        if market is None:
            ds = self.lib.dataset("cn_grid_electricity").frame
            res_years = sorted(int(y) for y in ds.loc[ds["grid"] == "national_residual", "year"])
            ry = max([y for y in res_years if y <= data_year] or res_years)
            market = self._bundled("cn_grid_electricity", "grid_factor_market", "electricity",
                                   grid="national_residual", year=ry)
            market.note = f"national residual factor, data year {ry}. " + market.note
        else:
            market.parameter = "grid_factor_market"
        return self._record(loc), self._record(market)

    def _site_factor(self, site: dict, key: str) -> Factor | None:
        """A grid or supplier factor written in the Site sheet [kgCO2/kWh = tCO2/MWh], or None."""
        value = site.get(key)
        if key == "grid_factor" and value is None and _is_number(site.get("grid")):
            value = site.get("grid")  # a number under 'grid factor' is the factor, not a grid's name
        if value is None or str(value).strip() == "":
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise GreentexError(f"{key} '{value}' is not a number", sheet="Site",
                                hint="write the factor in kgCO2/kWh (= tCO2/MWh), e.g. 0.5978") from None
        if not 0 <= number <= 2:
            raise GreentexError(f"{key} {number:g} is not a factor in kgCO2/kWh", sheet="Site",
                                hint="write the factor in kgCO2/kWh (= tCO2/MWh), e.g. 0.5978, or give it with "
                                     "its unit in the Factors sheet")
        return Factor("electricity", key, number, "kgCO2/kWh", "Site sheet", reference=f"Site!{key}",
                      status="user", dataset="input workbook", overridden=True)

    def heat_factor(self) -> Factor:
        f = self._user("heat", "emission_factor") or self._user("steam", "emission_factor") \
            or self._bundled("heat_factors", "emission_factor", "heat", item="heat")
        return self._record(f)

    def gwp_ch4(self) -> Factor:
        """GWP of biogenic CH4 (wastewater): the set's non-fossil value where it has one."""
        gwp = self.options.gwp
        f = self._bundled("gwp", f"gwp_{gwp}", "ch4", gwp_set=gwp, gas="ch4_nonfossil") or \
            self._bundled("gwp", f"gwp_{gwp}", "ch4", gwp_set=gwp, gas="ch4")
        return self._record(f)

    def carbonate(self, item: str) -> Factor | None:
        f = self._user(item, "emission_factor") or self._bundled("carbonates", "emission_factor", item, item=item)
        return self._record(f) if f is not None else None

    def refrigerant(self, item: str) -> list[tuple[str, Factor, Factor]]:
        """(component gas, mass fraction, GWP in the chosen set) of each component of a refrigerant."""
        rows = self.lib.dataset("refrigerant_blends").rows(refrigerant=item)
        if not rows:
            raise GreentexError(f"no composition known for refrigerant {item}",
                                hint="add its components to refrigerant_blends.csv with --factors")
        out = []
        for row in rows:
            gas = row["component"]
            gwp = self._bundled("gwp", f"gwp_{self.options.gwp}", gas, gwp_set=self.options.gwp, gas=gas)
            if gwp is None:
                raise GreentexError(f"no {self.options.gwp} GWP for {gas} (in refrigerant {item})",
                                    hint="choose another --gwp set or add the value to gwp.csv with --factors")
            share = _from_row(row, "refrigerant_blends", f"mass_fraction:{gas}", item)
            out.append((gas, self._record(share), self._record(gwp)))
        return out

    def wastewater(self, treatment: str) -> tuple[Factor, Factor]:
        b0 = self._bundled("wastewater_ch4", "b0", "wastewater", parameter="b0", treatment="all")
        mcf = self._bundled("wastewater_ch4", "mcf", "wastewater", parameter="mcf", treatment=treatment)
        if mcf is None:
            ds = self.lib.dataset("wastewater_ch4").frame
            raise GreentexError(f"unknown wastewater treatment '{treatment}'", sheet="Site",
                                hint="use one of " + ", ".join(ds.loc[ds.parameter == "mcf", "treatment"]))
        return self._record(b0), self._record(mcf)

    def table(self) -> pd.DataFrame:
        cols = ["item", "parameter", "value", "unit", "source", "reference", "status", "dataset",
                "overridden", "note"]
        return pd.DataFrame([asdict(f) for f in self.used.values()], columns=cols)


# -- aggregation helpers ---------------------------------------------------------------------

def aggregate(activity: pd.DataFrame) -> pd.DataFrame:
    """Sum rows per domain, item, unit, month and product (one pass over all rows, on integer
    codes); keep the row count and the first input cell, as ``cells`` ("Energy!C7 (+3)").
    Lines come sorted by those keys; rows with a missing key are not lines (as in a groupby)."""
    keys = ["domain", "item", "unit", "period", "product"]
    if activity.empty:
        return pd.DataFrame(columns=keys + ["quantity", "rows", "cells"])
    written = "input_unit" in activity and "input_quantity" in activity
    columns = {k: activity[k].to_numpy(dtype=object) for k in keys + ["sheet", "cell"]
               + (["input_unit", "input_quantity"] if written else [])}
    qty = activity["quantity"].to_numpy(dtype=float)
    flat = np.zeros(len(activity), dtype=np.int64)
    complete = np.ones(len(activity), dtype=bool)
    for k in keys:
        codes, uniques = pd.factorize(columns[k], sort=True)  # sorted codes: flat keys sort like the keys
        flat = flat * (len(uniques) + 1) + codes
        complete &= codes >= 0
    if not complete.all():
        flat, qty = flat[complete], qty[complete]
        columns = {k: v[complete] for k, v in columns.items()}
    group, lines = pd.factorize(flat)  # lines in order of first appearance
    first = np.flatnonzero(np.diff(np.maximum.accumulate(group), prepend=-1) > 0)  # each line's first row
    order = np.argsort(lines)
    n = len(lines)
    count = np.bincount(group, minlength=n)[order]
    at = first[order]
    out = pd.DataFrame({k: columns[k][at] for k in keys})
    out["quantity"] = group_sums(group, qty, n)[order]
    out["rows"] = count
    more = np.where(count > 1, " (+" + (count - 1).astype(str).astype(object) + ")", "")
    out["cells"] = (columns["sheet"][at].astype(str).astype(object) + "!"
                    + columns["cell"][at].astype(str).astype(object) + more)
    if written:
        out["written_quantity"], out["written_unit"] = _written(group, order, n, columns)
    return out


def _written(group: np.ndarray, order: np.ndarray, n: int, columns: dict) -> tuple[np.ndarray, np.ndarray]:
    """Each line's quantity and unit as the input wrote them (e.g. 135.51 万kWh): the sum of the
    written quantities when all its rows wrote one unit, else NaN and an empty unit."""
    codes, units = pd.factorize(columns["input_unit"])
    span = pd.Series(codes).groupby(group).agg(["min", "max"]).to_numpy()[order]
    one = (span[:, 0] == span[:, 1]) & (span[:, 0] >= 0)
    sums = group_sums(group, pd.to_numeric(pd.Series(columns["input_quantity"]), errors="coerce"), n)[order]
    unit = np.where(one, np.asarray(units, dtype=object)[np.maximum(span[:, 0], 0)] if len(units) else "", "")
    return np.where(one, sums, np.nan), unit.astype(object)


def _monthly(agg: pd.DataFrame, domain: str) -> pd.DataFrame:
    """The aggregated lines of one domain."""
    return agg[agg["domain"] == domain].drop(columns="domain").reset_index(drop=True)


def _cod_table(agg: pd.DataFrame) -> dict[str, pd.Series]:
    """Per month: ``wastewater`` volume [m3] (summed) and ``cod_in``, ``cod_out`` [mg/L] (the
    month's rows averaged); an item without data has no series."""
    names = ["wastewater", "cod_in", "cod_out"]
    sums = agg[agg["item"].isin(names)].groupby(["item", "period"])[["quantity", "rows"]].sum()
    have = set(sums.index.get_level_values(0))
    out = {}
    for item in names:
        if item in have:
            s = sums.loc[item]
            out[item] = s["quantity"] if item == "wastewater" else s["quantity"] / s["rows"]
    return out


def _table(keys_a, months, values, periods: PeriodIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sum ``values`` into a (distinct a) x (the index's months) table; a missing value makes its
    cell missing. Returns (table, present cells, sorted a)."""
    ac, a = pd.factorize(np.asarray(keys_a), sort=True)
    bc = periods.codes(months)
    nb = len(periods.months)
    v = np.asarray(values, dtype=float)
    flat = ac * nb + bc
    size = len(a) * nb
    nan = np.isnan(v)
    table = np.bincount(flat, weights=np.where(nan, 0.0, v), minlength=size).reshape(len(a), nb)
    table[np.bincount(flat, weights=nan, minlength=size).reshape(table.shape) > 0] = np.nan
    present = np.bincount(flat, minlength=size).reshape(table.shape) > 0
    return table, present, np.asarray(a, dtype=object)


def _metric_rows(metric: str, frame: pd.DataFrame, col: str, unit: str, periods: PeriodIndex,
                 item_col: str = "item", total_item: str | None = "total", totals_only: bool = False) -> list[dict]:
    """Parts of the metrics table (see _metric): per item and period (months, years, total) where
    the item has data, and (optionally) the all-items total ``total_item``; ``totals_only`` keeps
    just the latter. Sums propagate missing values, as they should."""
    if frame.empty:
        return []
    table, present, items = _table(frame[item_col], frame["period"], frame[col], periods)
    parts = []
    if not totals_only:
        parts.append(_period_rows(metric, items, *periods.rollup(table, present), unit, periods))
    if total_item:
        tot = np.where(present, table, 0.0).sum(axis=0, keepdims=True)
        parts.append(_period_rows(metric, [total_item], *periods.rollup(tot, present.any(axis=0, keepdims=True)),
                                  unit, periods))
    return parts


def _period_rows(metric: str, items, values: np.ndarray, present: np.ndarray, unit: str,
                 periods: PeriodIndex) -> dict:
    """Rows of ``metric`` from a (items x columns) table of PeriodIndex.rollup: one per item and
    period with data; the columns of compared periods become rows of ``<metric>_last_year`` and
    ``<metric>_last_month`` for the headline figures (greentex.comparisons.HEADLINE)."""
    items = np.asarray(items, dtype=object)
    kinds = np.array([k for k, _ in periods.columns], dtype=object)
    compared = np.array([comparisons.compared(metric, item) for item in items], dtype=bool)
    keep = present & ((kinds == "")[None, :] | compared[:, None])
    i, j = np.nonzero(keep)
    names = np.where(kinds[j] == "", metric, metric + "_" + kinds[j].astype(str))
    labels = np.array([p for _, p in periods.columns], dtype=object)
    return _metric(names.astype(object), items[i], labels[j], values[i, j], unit)


def _metric(metric, item, period, value, unit) -> dict:
    """A part of the metrics table: rows of one metric (each field an array or one value)."""
    return {"metric": metric, "item": item, "period": period, "value": np.asarray(value, dtype=float),
            "unit": unit}


def _columns(frame: pd.DataFrame) -> dict:
    """A frame's columns as arrays, for _stack."""
    return {c: frame[c].to_numpy() for c in frame.columns}


def _stack(parts: list[dict], columns: list[str] | None = None) -> pd.DataFrame:
    """One frame from parts, each {column: array, or one value for the whole part}, built column
    by column: what pd.concat of the parts as frames gives, without making them. Columns come in
    order of first appearance (or as ``columns``); where a part lacks one, it is missing."""
    names = columns or list(dict.fromkeys(k for p in parts for k in p))
    sizes = [len(next(v for v in p.values() if np.ndim(v))) for p in parts]
    out = {}
    for name in names:
        given = [np.asarray(p[name]) for p in parts if name in p]
        numeric = all(v.dtype.kind in "iuf" for v in given)
        out[name] = np.concatenate([
            (np.asarray(p[name]) if numeric else np.asarray(p[name], dtype=object)) if np.ndim(p.get(name))
            else np.full(n, p.get(name, np.nan), dtype=None if numeric else object)
            for p, n in zip(parts, sizes)])
    return pd.DataFrame(out, columns=names)


# -- the assessment --------------------------------------------------------------------------

def assess(inventory: Inventory, *, options: Options | None = None, library: FactorLibrary | None = None,
           previous: Inventory | None = None) -> Assessment:
    """Compute every metric of an inventory. See the module docstring for the flow.

    ``previous``: last year's inventory (a mill that keeps one workbook per year): its months
    not in ``inventory`` are used for the comparisons with last year, and never reported."""
    options = options or Options()
    options.check()
    lib = library or load_library()
    sel = FactorSelector(lib, inventory.overrides, options, inventory.site)
    act = aggregate(_with_previous(inventory, previous))
    P = PeriodIndex(act["period"], _reported_months(inventory, options))
    reported = act[act["period"].isin(P.reported)]
    issues: list[Issue] = list(inventory.issues) + quality.data_warnings(reported, inventory.site)
    if len(P.years) > 1:
        issues.append(Issue.of("note", "", "", "several_years", n=len(P.years), years=", ".join(P.years)))
    site = dict(inventory.site)
    items = lib.item_table
    rows: list[dict] = []  # parts of the metrics table, see _metric
    details: dict[str, pd.DataFrame] = {}

    # energy -------------------------------------------------------------------------------
    en = _monthly(act, "energy")
    ncv = {}
    pairs = []  # one factor choice per distinct (item, unit), joined onto the monthly lines
    for (item, unit) in en[["item", "unit"]].drop_duplicates().itertuples(index=False):
        coef = sel.coefficient(item, unit)
        if coef is None:
            issues.append(Issue.of("error", "Energy", "", "no_coefficient", item=item, unit=unit))
        ncv[(item, unit)] = None if same_dimension(unit, "GJ") else sel.ncv(item, unit)
        if coef is not None and ncv[(item, unit)] is not None and coef.status != "user":
            issues += energy.ncv_disagreement(item, unit, coef.value_in(f"kgce/({unit})"),
                                              ncv[(item, unit)].value_in(f"GJ/({unit})"))
        gj = conversion_factor(unit, "GJ") if same_dimension(unit, "GJ") else (
            ncv[(item, unit)].value_in(f"GJ/({unit})") if ncv[(item, unit)] else np.nan)
        pairs.append({"item": item, "unit": unit, "sign": float(items.at[item, "sign"]),
                      "factor": coef.value_in(f"kgce/({unit})") if coef else np.nan,
                      "factor_unit": f"kgce/{unit}", "source": coef.source if coef else "",
                      "status": coef.status if coef else "", "gj_per_unit": gj})
    if len(en):
        en = en.merge(pd.DataFrame(pairs), on=["item", "unit"], how="left", sort=False)
        en["energy_tce"] = energy.standard_coal(en["quantity"], en["factor"], en["sign"]) / 1000.0
        gj_per_unit = en.pop("gj_per_unit").to_numpy()
        # without an NCV the energy content follows from the standard-coal figure
        content = energy.energy_content(en["quantity"], gj_per_unit) * en["sign"]
        from_coal = en["energy_tce"] * conversion_factor("tce", "GJ")
        en["energy_gj"] = np.where(np.isnan(gj_per_unit), from_coal, content)
        rows += _metric_rows("energy", en, "energy_tce", "tce", P)
        rows += _metric_rows("energy_content", en, "energy_gj", "GJ", P)
        issues += quality.unit_mixups(en[en["period"].isin(P.reported)])
    details["energy"] = en

    # GHG ----------------------------------------------------------------------------------
    ghg_lines = []
    energy_class = en["item"].map(items["class"])  # fuel, electricity, heat ... of each line
    fuels = en[energy_class == "fuel"] if len(en) else en
    for (item, unit), grp in fuels.groupby(["item", "unit"], sort=True) if len(fuels) else []:
        ef = sel.user_emission_factor(item)
        gj = grp["energy_gj"].to_numpy() if ncv[(item, unit)] is not None or same_dimension(unit, "GJ") else None
        if ef is not None and _fits(ef.unit, "GJ", "tCO2") and gj is not None:
            t = emissions.by_emission_factor(gj, ef.value_in("tCO2/GJ"))
            how, fval, fu, src, st = "emission factor", ef.value_in("tCO2/GJ"), "tCO2/GJ", ef.source, ef.status
        elif ef is not None and _fits(ef.unit, unit, "tCO2"):
            t = emissions.by_emission_factor(grp["quantity"], ef.value_in(f"tCO2/({unit})"))
            how, fval, fu, src, st = "emission factor", ef.value_in(f"tCO2/({unit})"), f"tCO2/{unit}", ef.source, ef.status
        else:
            cc, of = sel.parameter(item, "carbon_content"), sel.parameter(item, "oxidation")
            if gj is None or cc is None or of is None:
                missing = [n for n, v in (("ncv", gj), ("carbon_content", cc), ("oxidation", of)) if v is None]
                issues.append(Issue.of("error", "Energy", grp["cells"].iloc[0], "no_combustion", item=item,
                                       missing=", ".join(missing)))
                t = np.full(len(grp), np.nan)
                how, fval, fu, src, st = "not computed", np.nan, "", "", ""
            else:
                ccv, ofv = cc.value_in("tC/GJ"), of.value_in("dimensionless")
                t = emissions.combustion_co2(gj, ccv, ofv)
                how = "NCV x carbon content x oxidation x 44/12"
                fval, fu = ccv * ofv * emissions.CO2_PER_C, "tCO2/GJ"
                src, st = f"{cc.source}; {of.source}", _weakest(cc.status, of.status)
        ghg_lines.append({**_columns(grp), "source_name": f"combustion:{item}", "scope": "scope1", "method": how,
                          "activity": gj if gj is not None else grp["quantity"].to_numpy(),
                          "activity_unit": "GJ" if gj is not None else unit,
                          "factor": fval, "factor_unit": fu, "factor_source": src, "factor_status": st,
                          "tco2e": np.asarray(t, dtype=float)})
    # purchased electricity and heat (net of exports)
    if len(en):
        elec = en[energy_class == "electricity"]
        ghg_lines += _grid_lines(elec, sel, site)
        heat = en[energy_class == "heat"]
        if len(heat):
            hf = sel.heat_factor()
            gj = heat["energy_gj"]
            for label, scope in (("heat", "scope2_location"), ("heat_market", "scope2_market")):
                ghg_lines.append({**_columns(heat), "source_name": label, "scope": scope,
                                  "method": "net purchased GJ x heat factor",
                                  "activity": gj.to_numpy(), "activity_unit": "GJ", "factor": hf.value_in("tCO2/GJ"),
                                  "factor_unit": "tCO2/GJ", "factor_source": hf.source, "factor_status": hf.status,
                                  "tco2e": np.asarray(emissions.by_emission_factor(gj, hf.value_in("tCO2/GJ")),
                                                      dtype=float)})
        if sel.grid_used:
            site["grid_used"] = sel.grid_used[max(sel.grid_used)]  # the latest reporting year's
        if len(sel.grid_used) > 1:
            site["grid_used_by_year"] = sel.grid_used
    # carbonates
    ch = _monthly(act, "chemicals")
    ch["kg"] = ch["quantity"] * ch["unit"].map({u: conversion_factor(u, "kg") for u in set(ch["unit"].unique())})
    for item, grp in ch.groupby("item", sort=True) if len(ch) else []:
        f = sel.carbonate(item)
        if f is None:
            continue
        t_mass = grp["kg"] / 1000.0
        ghg_lines.append({**_columns(grp), "source_name": "carbonate", "scope": "scope1",
                          "method": "mass x stoichiometric factor", "activity": t_mass.to_numpy(), "activity_unit": "t",
                          "factor": f.value_in("tCO2/t"), "factor_unit": "tCO2/t", "factor_source": f.source,
                          "factor_status": f.status,
                          "tco2e": np.asarray(chemicals.carbonate_co2(t_mass, f.value_in("tCO2/t")), dtype=float)})
    # refrigerants charged (scope 1 fugitive; Montreal gases on their own lines)
    ghg_lines += refrigerants.lines(_monthly(act, "refrigerants"), sel)
    # wastewater CH4
    wa = _monthly(act, "water")
    cod = _cod_table(act) if len(wa) else {}
    ghg_lines += _wastewater_lines(cod, wa, site, sel, issues)
    ghg = _stack(ghg_lines) if ghg_lines else pd.DataFrame(
        columns=["source_name", "scope", "period", "product", "tco2e", "item"])
    details["ghg"] = ghg
    if len(ghg):
        rows += _metric_rows("ghg", ghg, "tco2e", "tCO2e", P, item_col="source_name", total_item=None)
        table, present, scopes = _table(ghg["scope"], ghg["period"], ghg["tco2e"], P)
        by = dict(zip(scopes, table))  # a scope without lines in a month counts 0; a missing line, NaN
        zero = np.zeros(len(P.months))
        s1, s2l, s2m = (by.get(k, zero) for k in ("scope1", "scope2_location", "scope2_market"))
        names = ["scope1", "scope2_location", "scope2_market", "total_location", "total_market"]
        scope_table = np.vstack([s1, s2l, s2m, s1 + s2l, s1 + s2m])
        any_line = np.broadcast_to(present.any(axis=0), scope_table.shape)
        rows.append(_period_rows("ghg", names, *P.rollup(scope_table, any_line), "tCO2e", P))
        fugitive = ghg[ghg["source_name"].astype(str).str.startswith("refrigerant:")]
        rows += _metric_rows("ghg", fugitive.assign(fugitive="fugitive"), "tco2e", "tCO2e", P, item_col="fugitive",
                             total_item=None)

    # water ---------------------------------------------------------------------------------
    details["water"] = wa
    if len(wa):
        cls = wa["item"].map(items["class"])
        intake = wa[cls == "intake"]
        rows += _metric_rows("water_intake", intake, "quantity", "m**3", P)
        for metric, c in (("water_reused", "reused"), ("wastewater", "discharge")):
            part = wa[cls == c]
            rows += _metric_rows(metric, part, "quantity", "m**3", P, totals_only=True)
        rows += _cod_rows(cod, P)
        if (cls == "reused").any():
            rows.append(_reuse_rate_rows(wa[cls == "reused"], intake, P))

    # chemicals -----------------------------------------------------------------------------
    details["chemicals"] = ch
    if len(ch):
        ch_kg = ch.assign(cls="class:" + ch["item"].map(items["class"]))
        rows += _metric_rows("chemicals", ch_kg, "kg", "kg", P)
        rows += _metric_rows("chemicals", ch_kg, "kg", "kg", P, item_col="cls", total_item=None)

    # production and intensities -------------------------------------------------------------
    pr = _standard_product(_monthly(act, "production"), sel, issues)
    details["production"] = pr
    for (item, unit), grp in pr.groupby(["item", "unit"], sort=True) if len(pr) else []:
        rows += _metric_rows("production", grp, "input_quantity", unit, P, total_item=None)
        if (grp["standard_coefficient"] != 1.0).any():
            rows += _metric_rows("production_standard", grp, "quantity", unit, P, total_item=None)
    reasons: dict[str, str] = {}  # why a metric is missing, for 'not assessed' verdicts
    if len(pr):
        rows += _intensity_rows(en, ghg, wa, ch, pr, site, Names(lib, inventory.names), issues, reasons, details, P)
    elif len(act):
        issues.append(Issue.of("warning", "Production", "", "no_production"))
        reasons.update(dict.fromkeys(INTENSITY_METRICS, issues[-1].message))

    metrics = _stack(rows, METRIC_COLUMNS) if rows else pd.DataFrame(columns=METRIC_COLUMNS)
    metrics = pd.concat([metrics, comparisons.change_rows(metrics)], ignore_index=True)
    issues += quality.implausible_intensities(metrics, lib)
    details = {k: v[v["period"].isin(P.reported)].reset_index(drop=True) if "period" in v else v
               for k, v in details.items()}
    blib = lib.copy() if options.benchmarks else lib  # user files must not leak into the shared library
    set_ids = bench.resolve_sets(blib, list(options.benchmarks), site)
    verdicts = bench.evaluate(metrics, site, blib, set_ids, reasons=reasons)
    opts = asdict(options)
    opts["benchmarks"] = set_ids
    opts["gwp_note"] = f"GWP100 set {options.gwp}" + (" (default)" if options.gwp == DEFAULT_GWP else "")
    opts["combustion_defaults"] = sel.combustion_table
    opts["combustion_note"] = COMBUSTION_NOTES[sel.combustion_table] + (
        " (by the site's country)" if options.combustion_defaults is None else " (chosen)")
    if blib.user_files:  # the user's data files, and how each was saved (UTF-8, GBK/GB18030 ...)
        opts["user_files"] = "; ".join(f"{Path(p).name} ({enc})" for p, enc in blib.user_files.items())
    a = Assessment(metrics=metrics, details=details, factors=sel.table(),
                   issues=_on_sheets_as_named(issues, inventory.source.get("sheets", {})),
                   site=site, options=opts, inventory=inventory, benchmarks=verdicts)
    if inventory.targets is not None and len(inventory.targets):
        history = a  # last year assessed again only when the report leaves it out and a model needs it
        if (previous is not None or options.year) and targets.needs_baseline(inventory.targets):
            history = _history(inventory, previous, options, lib)
        a.targets = targets.evaluate(a, inventory.targets, history)
        a.metrics = pd.concat([a.metrics, targets.metric_rows(a.targets)], ignore_index=True)
    return a


def _history(inventory: Inventory, previous: Inventory | None, options: Options, lib) -> Assessment:
    """Every month of ``inventory`` and ``previous`` assessed together (no --year): the months a
    target's baseline model is fitted on when the report itself leaves last year out."""
    drivers = inventory.drivers
    if previous is not None and previous.drivers is not None:
        if drivers is None:
            drivers = previous.drivers
        else:  # the current workbook's months first
            values = pd.concat([drivers.values, previous.drivers.values[~previous.drivers.values.index.isin(
                drivers.values.index)]]).sort_index()
            drivers = replace(drivers, values=values, units={**previous.drivers.units, **drivers.units})
    merged = replace(inventory, activity=_with_previous(inventory, previous), drivers=drivers, targets=None)
    return assess(merged, options=replace(options, year=None), library=lib)


def _on_sheets_as_named(issues: list[Issue], sheets: dict) -> list[Issue]:
    """Issues raised on a kind of sheet (Energy, Site ...) put on the workbook's own sheet of that
    kind (能源消耗, 企业基本情况 ...), where the reader of the report finds it."""
    named = {kind.capitalize(): name for kind, name in sheets.items()}
    return [replace(i, sheet=named[i.sheet]) if i.sheet in named and named[i.sheet] != i.sheet else i
            for i in issues]


def _with_previous(inventory: Inventory, previous: Inventory | None) -> pd.DataFrame:
    """The activity rows of ``inventory``, and of ``previous`` for the months ``inventory`` lacks."""
    if previous is None or previous.activity.empty:
        return inventory.activity
    prev = previous.activity
    return pd.concat([prev[~prev["period"].isin(inventory.activity["period"].unique())], inventory.activity],
                     ignore_index=True)


def _reported_months(inventory: Inventory, options: Options) -> list[str]:
    """The months the figures are reported for: the inventory's, or those of ``options.year``."""
    months = sorted(inventory.activity["period"].unique())
    if options.year is None:
        return months
    inside = year_months(months, str(options.year))
    if not inside:
        years = sorted({m[:4] for m in months})
        raise GreentexError(f"no data for {options.year}", file=inventory.source.get("name"),
                            hint="the workbook covers " + (", ".join(years) or "no month"))
    return inside


def _grid_lines(elec: pd.DataFrame, sel: FactorSelector, site: dict) -> list[dict]:
    """Scope 2 lines of net purchased electricity [tCO2]: location-based (grid + certified green
    - exported) x the grid factor, market-based (grid - exported) x the residual or supplier
    factor, each calendar year with the factors chosen for that reporting year."""
    if elec.empty:
        return []
    years = sorted({p[:4] for p in elec["period"]})
    out = []
    for year in years:
        loc, market = sel.grid(site, int(year) if year else None)
        in_year = elec["period"].str[:4] == year
        for label, factor, scope, items in (
                ("electricity", loc, "scope2_location", ["electricity", "green_electricity", "electricity_export"]),
                ("electricity_market", market, "scope2_market", ["electricity", "electricity_export"])):
            part = elec[in_year & elec["item"].isin(items)]
            if part.empty:
                continue
            kwh = (part["quantity"] * part["sign"]).to_numpy()
            out.append({**_columns(part), "source_name": label, "scope": scope,
                        "method": "net purchased kWh x grid factor", "activity": kwh, "activity_unit": "kWh",
                        "factor": factor.value_in("kgCO2/kWh"), "factor_unit": "kgCO2/kWh",
                        "factor_source": factor.source, "factor_status": factor.status,
                        "tco2e": np.asarray(emissions.by_emission_factor(kwh, factor.value_in("tCO2/kWh")),
                                            dtype=float)})
    return out


def _cod_rows(cod: dict[str, pd.Series], periods: PeriodIndex) -> list[dict]:
    """Mean COD in and out [mg/L] per month (from _cod_table); a year and the whole period are
    weighted by wastewater volume where it is reported for each of their months, else a plain
    mean of the months."""
    vol = cod.get("wastewater", pd.Series(dtype=float))
    out = []
    for item, name in (("cod_in", "in"), ("cod_out", "out")):
        s = cod[item].dropna() if item in cod else pd.Series(dtype=float)
        labels, values = [], []
        for label, months in zip(periods.labels, periods.groups):
            part = s.reindex([m for m in months if m in s.index])
            if part.empty:
                continue
            weights = vol.reindex(part.index)
            labels.append(label)
            values.append(float(np.average(part, weights=weights)) if weights.notna().all() and weights.sum() > 0
                          else float(part.mean()))
        if labels:
            out.append(_metric("wastewater_cod", name, labels, values, "mg/L"))
    return out


def _reuse_rate_rows(reused: pd.DataFrame, intake: pd.DataFrame, periods: PeriodIndex) -> dict:
    """water_reuse_rate [percent] of each period: reused / (reused + intake), both summed over
    the period's months (water.reuse_rate), never an average of monthly rates."""
    rr, has_r, _ = _table(np.zeros(len(reused)), reused["period"], reused["quantity"], periods)
    ri, has_i, _ = _table(np.zeros(len(intake)), intake["period"], intake["quantity"], periods)
    rr = rr if len(reused) else np.zeros((1, len(periods.months)))
    ri = ri if len(intake) else np.zeros((1, len(periods.months)))
    present = (has_r if len(reused) else np.zeros(rr.shape, bool)) | (has_i if len(intake) else False)
    r_sum, has = periods.rollup(rr, present)
    i_sum, _ = periods.rollup(ri, present)
    return _period_rows("water_reuse_rate", ["total"], water.reuse_rate(r_sum, i_sum), has, "percent", periods)


def _standard_product(pr: pd.DataFrame, sel: "FactorSelector", issues: list[Issue]) -> pd.DataFrame:
    """Output converted to standard product where a coefficient is given (FZ/T 01002 idea:
    standard output = output x coefficient); ``input_quantity`` keeps the output as reported."""
    pr = pr.copy()
    pr["input_quantity"] = pr["quantity"]
    pr["standard_coefficient"] = 1.0
    for item in sorted(set(pr["item"].unique())) if len(pr) else []:
        f = sel._user(item, "standard_product_coefficient")
        if f is None:
            continue
        sel._record(f)
        k = f.value_in("dimensionless")
        pr.loc[pr["item"] == item, "standard_coefficient"] = k
        pr.loc[pr["item"] == item, "quantity"] *= k
        issues.append(Issue.of("note", f.reference.split("!")[0], f.reference.split("!")[-1], "standard_product",
                               item=item, k=f"{k:g}", source=f.source))
    return pr


_STATUS_ORDER = ["primary", "secondary", "derived", "user"]


def _weakest(*statuses: str) -> str:
    """The least certain of several statuses (secondary over primary, and so on)."""
    known = [s for s in statuses if s in _STATUS_ORDER]
    return max(known, key=_STATUS_ORDER.index) if known else ""


def _wastewater_lines(cod, wa, site, sel, issues) -> list[dict]:
    treatment = site.get("wastewater_treatment")
    if not len(wa):
        return []
    have = set(wa["item"].unique())
    if not {"wastewater", "cod_in", "cod_out"} <= have:
        if {"cod_in", "cod_out"} & have:
            issues.append(Issue.of("warning", "Water", "", "ch4_needs_cod"))
        return []
    if not treatment:
        issues.append(Issue.of("note", "Site", "", "ch4_no_treatment"))
        return []
    b0, mcf = sel.wastewater(str(treatment))
    gwp = sel.gwp_ch4()
    vol = cod["wastewater"]
    conc = pd.DataFrame({"cod_in": cod["cod_in"], "cod_out": cod["cod_out"]})
    table = pd.DataFrame({"wastewater": vol}).join(conc.dropna(), how="inner")
    missing = sorted(set(vol.index) - set(table.index))
    if missing:
        issues.append(Issue.of("warning", "Water", "", "ch4_months", months=", ".join(missing)))
    ch4 = emissions.wastewater_ch4(table["wastewater"], table["cod_in"], table["cod_out"],
                                   b0.value_in("kgCH4/kgCOD"), mcf.value_in("dimensionless"))
    g = gwp.value_in("dimensionless")
    removed = table["wastewater"] * (table["cod_in"] - table["cod_out"]) / 1000.0
    return [{
        "source_name": "wastewater_ch4", "scope": "scope1", "item": "wastewater", "unit": "m**3",
        "period": table.index.to_numpy(dtype=object), "product": "", "quantity": table["wastewater"].to_numpy(),
        "method": "COD removed x B0 x MCF x GWP", "activity": removed.to_numpy(), "activity_unit": "kgCOD",
        "factor": b0.value_in("kgCH4/kgCOD") * mcf.value_in("dimensionless") * g,
        "factor_unit": "kgCO2e/kgCOD",
        "factor_source": f"{b0.source}; {mcf.source}; {gwp.source}",
        "factor_status": _weakest(b0.status, mcf.status, gwp.status),
        "tco2e": np.asarray(ch4) * g / 1000.0, "cells": "", "rows": 0}]


def _shares(pr: pd.DataFrame, site: dict, names: Names, issues) -> pd.DataFrame | None:
    """Share (0-1) of untagged consumption per product and period, or None if it cannot be set."""
    products = sorted(set(pr["item"].unique()))
    periods = sorted(set(pr["period"].unique()))
    if len(products) == 1:
        return pd.DataFrame(1.0, index=periods, columns=products)
    alloc = site.get("allocation")
    if alloc:
        try:
            shares = intensity.allocation_shares(alloc, products, lambda n: names.resolve(n, "production"))
        except GreentexError as exc:
            raise exc.located(sheet="Site") from None
        return pd.DataFrame({p: [shares[p]] * len(periods) for p in products}, index=periods)
    units = set(pr["unit"].unique())
    if len(units) == 1:
        out = pr.pivot_table(index="period", columns="item", values="quantity", aggfunc="sum").fillna(0.0)
        tot = out.sum(axis=1)
        return out.div(tot.where(tot > 0), axis=0)
    issues.append(Issue.of("warning", "Site", "", "no_allocation"))
    return None


def _by_product(frames: list[tuple[pd.DataFrame, str]], periods: list[str]) -> list[tuple[dict, np.ndarray]]:
    """For each (frame, column): ({product tag: sums over ``periods``}, months that have any row),
    the column summed per product tag ('' for untagged rows) and month, missing values counting 0;
    rows in other months are left out. One summation for all the frames."""
    if not frames:
        return []
    n, index = len(periods), pd.Index(periods)
    codes, values, layout, offset = [], [], [], 0
    for frame, col in frames:
        month = index.get_indexer(frame["period"].to_numpy(dtype=object))
        tag = frame["product"].fillna("").to_numpy(dtype=object) if "product" in frame \
            else np.full(len(frame), "", dtype=object)
        inside = month >= 0
        tcodes, tags = pd.factorize(tag[inside])
        codes.append(offset + tcodes * n + month[inside])
        values.append(frame[col].to_numpy(dtype=float)[inside])
        layout.append((offset, tags, np.bincount(month[inside], minlength=n) > 0))
        offset += len(tags) * n
    sums = group_sums(np.concatenate(codes), np.concatenate(values), offset)
    return [({t: sums[start + k * n:start + (k + 1) * n] for k, t in enumerate(tags)}, has_data)
            for start, tags, has_data in layout]


def allocated(frames: list[tuple[pd.DataFrame, str]], shares: pd.DataFrame) -> list[tuple[dict, np.ndarray]]:
    """The intensity rule (module greentex.intensity) applied to each (frame, column): ({product:
    amount per month of ``shares.index``, its tagged rows plus its share of the untagged ones},
    months that have any row). ``shares`` is the assessment's ``details["allocation"]``."""
    periods = list(shares.index)
    zeros = np.zeros(len(periods))
    out = []
    for sums, has_data in _by_product(frames, periods):
        untagged = sums.get("", zeros)
        out.append(({p: intensity.allocate(sums.get(p, zeros), untagged, shares[p].to_numpy())
                     for p in shares.columns}, has_data))
    return out


def _intensity_rows(en, ghg, wa, ch, pr, site, names: Names, issues, reasons: dict, details: dict,
                    P: PeriodIndex) -> list[dict]:
    lib = names.lib
    shares = _shares(pr, site, names, issues)
    if shares is None:
        reasons.update(dict.fromkeys(INTENSITY_METRICS, issues[-1].message))
        return []
    details["allocation"] = shares
    items = lib.item_table
    numerators = {
        "energy_intensity": (en, "energy_tce", "tce", "energy_intensity_unit"),
        "ghg_intensity": (ghg[ghg["scope"].isin(["scope1", "scope2_location"])] if len(ghg) else ghg,
                          "tco2e", "tCO2e", "ghg_intensity_unit"),
        "water_intensity": (wa[wa["item"].map(items["class"]) == "intake"] if len(wa) else wa,
                            "quantity", "m**3", "water_intensity_unit"),
        "chemical_intensity": (ch, "kg", "kg", "chemical_intensity_unit"),
    }
    out = []
    periods = list(shares.index)
    numerators = {m: v for m, v in numerators.items() if v[0] is not None and len(v[0])}
    (production, _), = _by_product([(pr.assign(product=pr["item"]), "quantity")], periods)
    summed = allocated([(frame, col) for frame, col, _, _ in numerators.values()], shares)
    prod_units = dict(zip(pr["item"][::-1], pr["unit"][::-1]))  # each product's first unit
    zeros = np.zeros(len(periods))
    zero_reported = set()
    for (metric, (frame, col, unit, unit_col)), (sums, has_data) in zip(numerators.items(), summed):
        for product in shares.columns:
            num = sums[product]
            den = production.get(product, zeros)
            prod_unit = prod_units[product]
            target = lib.products.at[product, unit_col] if product in lib.products.index else f"{unit}/{prod_unit}"
            scale = conversion_factor(f"{unit}/({prod_unit})", target)
            for k in np.flatnonzero(intensity.no_output(den, num) & (num != 0)):
                if (product, periods[k]) not in zero_reported:
                    zero_reported.add((product, periods[k]))
                    issues.append(Issue.of("warning", "Production", periods[k], "zero_production", product=product,
                                           period=periods[k]))
            values, present = _period_intensity(num, den, has_data, periods, P)
            out.append(_period_rows(metric, [product], values * scale, present, target, P))
    return out


def _period_intensity(num, den, has_data, months: list[str], P: PeriodIndex) -> tuple[np.ndarray, np.ndarray]:
    """(1 x periods) intensities num / den of the output months ``months``: a month's own ratio
    (missing where the numerator has no data that month, as has_data says), a year's and the
    total's recomputed from the sums of its months (intensity.intensity; a month whose share
    could not be set counts 0). Present: every output month, and each year and the total that
    has numerator data."""
    month_values = intensity.intensity(num, den)
    month_values[~has_data] = np.nan
    n, present = P.spread(months, np.nan_to_num(num))
    d, _ = P.spread(months, den)
    h, _ = P.spread(months, has_data.astype(float))
    values = intensity.intensity(P.rollup(n, present)[0], P.rollup(d, present)[0])
    has, is_output = P.rollup(h, present)
    month_label = np.array([is_month(x) for _, x in P.columns])
    values[:, month_label] = P.rollup(P.spread(months, month_values)[0], present)[0][:, month_label]
    return values, np.where(month_label, is_output, has > 0)
