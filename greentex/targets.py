"""The year's targets: progress of the year to date, a forecast to year end and a verdict.

A ``Targets`` (目标) sheet, long form, one row per target: year (年度; empty: the Site year, else
the latest year with data), target (指标), product (产品, for an intensity), value (目标值) and
unit (单位; empty: the figure's own unit); a row whose note says 'example row' is the template's. Targets and the figure of the metrics table each
judges (TARGETS below; words in English or Chinese, e.g. 能耗总量, 单位产品能耗, 水重复利用率):

- ``energy``: the year's energy budget, a cap on energy / total [tce];
- ``energy_intensity``, ``ghg_intensity``, ``water_intensity``: caps on a product's intensity;
- ``ghg`` (location-based total, scope 1 + 2) and ``ghg_market``: caps [tCO2e];
- ``water_intake``: a cap [m3];
- ``water_reuse_rate``: a floor [percent].

For each target of year Y, with n = the months of Y that have data for its figure:

- year to date (``ytd``): the figure of period ``Y`` (a sum of its months, or a ratio of summed
  months, see greentex.periods);
- share of the year elapsed: n / 12 [percent];
- forecast to year end by run rate: a sum x 12 / n; a ratio stays the year-to-date ratio (its
  numerator and denominator both scale by 12 / n);
- for the energy budget, also the baseline model (greentex.baseline, fitted on the 12 months of
  Y - 1 when the workbook, or last year's workbook passed as previous, holds them and the model
  is valid): year to date + the model's expected
  energy for the 12 - n months left, their drivers taken at the year-to-date mean, with the 90 %
  interval t(0.95, df) x the standard error of that sum (Fit.sum_stderr);
- verdict: ``exceeded`` when a sum already passes its cap, or the year is complete (n = 12) and a
  ratio is over its cap; ``missed`` when the year is complete and a floor is not reached;
  otherwise ``at_risk`` when the run-rate forecast, or the upper end of the baseline interval,
  passes a cap (or the forecast is below a floor); else ``on_track``. ``not_assessed`` when Y
  has no data for the figure.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from greentex.errors import GreentexError
from greentex.factors import match_key
from greentex.periods import calendar_years
from greentex.units import conversion_factor, parse_unit, same_dimension


@dataclass(frozen=True)
class Kind:
    """What a target judges: a metric and item of the metrics table, capped or floored."""

    metric: str
    item: str | None  # None: the row's product
    bound: str        # "cap" (at most) or "floor" (at least)
    unit: str         # the unit a value without one is read in (intensities: the figure's)
    words: tuple


TARGETS = {
    "energy": Kind("energy", "total", "cap", "tce", (
        "energy budget", "energy total", "total energy", "energy consumption", "能耗总量", "能源消费总量",
        "综合能耗", "综合能源消费量", "能源消耗总量", "用能总量", "能耗预算")),
    "energy_intensity": Kind("energy_intensity", None, "cap", "", (
        "energy intensity", "单位产品能耗", "单位产品综合能耗", "能耗强度", "能源强度", "单耗")),
    "ghg": Kind("ghg", "total_location", "cap", "tCO2e", (
        "ghg total", "emissions", "co2", "温室气体排放", "温室气体排放总量", "碳排放", "碳排放总量", "排放总量")),
    "ghg_market": Kind("ghg", "total_market", "cap", "tCO2e", (
        "ghg market", "market based emissions", "市场法排放", "市场法碳排放")),
    "ghg_intensity": Kind("ghg_intensity", None, "cap", "", (
        "ghg intensity", "carbon intensity", "单位产品碳排放", "碳排放强度", "单位产品排放")),
    "water_intake": Kind("water_intake", "total", "cap", "m**3", (
        "water", "water total", "取水总量", "用水总量", "新鲜水取水量", "取水量")),
    "water_intensity": Kind("water_intensity", None, "cap", "", (
        "water intensity", "单位产品取水量", "单位产品用水量", "取水强度", "单位产品水耗")),
    "water_reuse_rate": Kind("water_reuse_rate", "total", "floor", "percent", (
        "reuse rate", "water reuse", "水重复利用率", "重复利用率", "回用率", "中水回用率")),
}


def _words() -> dict[str, str]:
    """{matched word: target id}: ids, the words above and the report's names (labels tgt_*)."""
    from greentex.labels import labels

    names = [(k, lang[f"tgt_{k}"]) for lang in labels().values() for k in TARGETS if f"tgt_{k}" in lang]
    pairs = [(k, w) for k, kind in TARGETS.items() for w in (k, k.replace("_", " ")) + kind.words] + names
    return {match_key(w): k for k, w in pairs}


_WORDS = _words()
RATIO_METRICS = ("energy_intensity", "ghg_intensity", "water_intensity", "water_reuse_rate")
VERDICTS = ("on_track", "at_risk", "exceeded", "missed", "not_assessed")
FAILING = ("at_risk", "exceeded", "missed")  # check --targets exits 1 on these
COLUMNS = {
    "year": ["year", "年度", "年份", "年"],
    "target": ["target", "metric", "indicator", "目标", "指标", "目标类型", "目标项目"],
    "product": ["product", "产品", "产品类别"],
    "value": ["value", "target value", "目标值", "数值", "值", "目标数值"],
    "unit": ["unit", "单位", "计量单位"],
    "note": ["note", "notes", "备注", "说明"],
}
#: ``reason``: why a forecast or verdict is missing (no_data, no_baseline, baseline_invalid)
TARGET_COLUMNS = ["year", "target", "metric", "item", "bound", "target_value", "unit", "ytd", "months",
                  "elapsed_pct", "forecast", "forecast_baseline", "forecast_low", "forecast_high", "verdict",
                  "reason", "sheet", "cell"]
HINT = "one row per target: year, target (energy, energy_intensity, ghg, water_intake, water_reuse_rate ...), " \
       "product (for an intensity), value, unit"


# -- reading ---------------------------------------------------------------------------------

def _roles(header: list) -> dict[str, int]:
    keys = {match_key(w): role for role, words in COLUMNS.items() for w in words}
    out = {}
    for j, text in enumerate(header):
        role = keys.get(match_key(str(text))) if text is not None else None
        if role and role not in out:
            out[role] = j
    return out


def _year(value) -> int | None:
    """A year from 2024, 2024.0, '2024' or '2024年'; None when blank."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == "":
        return None
    m = re.fullmatch(r"\s*(\d{4})(?:\.0+)?\s*(?:年|年度)?\s*", str(value))
    if not m or not 1900 <= int(m.group(1)) <= 2200:
        raise GreentexError(f"'{value}' is not a year", hint="write the year as 2024 (or 2024年)")
    return int(m.group(1))


def read_targets(rows: list[list], names, *, file: str | None = None, sheet: str = "Targets",
                 site_year=None) -> pd.DataFrame:
    """The Targets sheet's rows (a grid from A1) as a frame (year, target, item, value, unit,
    sheet, cell): targets named in English or Chinese, products through ``names``
    (greentex.names.Names), values checked. Errors name the file, sheet and cell."""
    from greentex.inventory import is_blank, parse_number
    from greentex.io.workbook import TEMPLATE_MARK, column_letter

    loc = dict(file=file, sheet=sheet)
    body = [(i, r) for i, r in enumerate(rows, start=1) if any(not is_blank(v) for v in r)]
    if not body:
        return empty()
    h, header = body[0]
    col = _roles(header)
    if not {"target", "value"} <= set(col):
        raise GreentexError("the Targets sheet needs the columns target and value", cell=f"A{h}", hint=HINT, **loc)
    out, seen = [], {}
    for i, r in body[1:]:
        if "note" in col and col["note"] < len(r) and TEMPLATE_MARK in str(r[col["note"]] or "").lower():
            continue  # the template's example row
        def cell(role):
            return f"{column_letter(col[role])}{i}"

        def get(role):
            return r[col[role]] if role in col and col[role] < len(r) else None
        try:
            where = "target"
            kind = _WORDS.get(match_key(str(get("target") or "")))
            if kind is None:
                raise GreentexError(f"unknown target '{get('target')}'", hint="use one of " + ", ".join(TARGETS))
            where = "year"
            year = _year(get("year")) or _year(site_year)
            where = "product"
            item = TARGETS[kind].item
            if item is None:
                if is_blank(get("product")):
                    raise GreentexError(f"a {kind} target needs its product", hint="write the product, e.g. woven_fabric")
                item = names.resolve(str(get("product")), "production")
            where = "value"
            value = parse_number(get("value"))
            if not value >= 0:
                raise GreentexError(f"target value '{get('value')}' is not a number at least 0", hint=HINT)
            where = "unit"
            unit = "" if is_blank(get("unit")) else str(get("unit")).strip()
            if unit:
                parse_unit(unit)
                if TARGETS[kind].unit and not same_dimension(unit, TARGETS[kind].unit):
                    raise GreentexError(f"unit '{unit}' does not fit a {kind} target",
                                        hint=f"use {TARGETS[kind].unit} or a unit of the same kind")
        except GreentexError as exc:
            raise exc.located(cell=cell(where) if where in col else f"A{i}", **loc) from None
        key = (year, kind, item)
        if key in seen:
            raise GreentexError(f"target {kind} {item} {year or ''} is given in rows {seen[key]} and {i}".replace("  ", " "),
                                cell=f"A{i}", hint="one row per target and year", **loc)
        seen[key] = i
        out.append({"year": year, "target": kind, "item": item, "value": value, "unit": unit, "sheet": sheet,
                    "cell": cell("value")})
    return pd.DataFrame(out, columns=["year", "target", "item", "value", "unit", "sheet", "cell"])


def empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["year", "target", "item", "value", "unit", "sheet", "cell"])


# -- judging ---------------------------------------------------------------------------------

def run_rate(ytd: float, months: int, ratio: bool) -> float:
    """Forecast to year end by run rate: a sum x 12 / months; a ratio unchanged."""
    return ytd if ratio else ytd * 12.0 / months


def verdict(bound: str, ratio: bool, months: int, ytd: float, forecast: float, high: float = math.nan,
            low: float = math.nan, target: float = math.nan) -> str:
    """The verdict of one target (see the module docstring)."""
    if months == 0 or not np.isfinite(ytd):
        return "not_assessed"
    done = months >= 12
    if bound == "cap":
        if ytd > target and (done or not ratio):
            return "exceeded"
        return "at_risk" if forecast > target or (np.isfinite(high) and high > target) else "on_track"
    if done and ytd < target:
        return "missed"
    return "at_risk" if forecast < target or (np.isfinite(low) and low < target) else "on_track"


def _months(a, metric: str, item: str, year: int) -> list[str]:
    """The months of ``year`` with a computed figure (metric, item), by the assessment's lookup."""
    return [p for p in (f"{year}-{k:02d}" for k in range(1, 13)) if not math.isnan(a.value(metric, item, p))]


BASELINE_TARGET = "energy"  # the one target also forecast by the baseline model


def needs_baseline(targets: pd.DataFrame) -> bool:
    """Whether a target read is forecast by the baseline model (the energy budget): only then
    does the model need last year's months."""
    return bool((targets["target"] == BASELINE_TARGET).any())


def baseline_forecast(a, year: int, months: list[str], ytd: float) -> tuple[float, float, float, str]:
    """(forecast, low, high, '') of the year's energy [tce] by the baseline model of year - 1, or
    (NaN, NaN, NaN, why not: ``no_baseline`` or ``baseline_invalid``). See the module docstring."""
    from greentex.baseline import energy_baseline, t_ppf

    try:
        result = energy_baseline(a, f"{year - 1}-01..{year - 1}-12", period=months)
    except GreentexError:  # fewer than 12 months of last year, no driver ...
        return math.nan, math.nan, math.nan, "no_baseline"
    model = result.model("total")
    if model is None or not result.reporting_months:
        return math.nan, math.nan, math.nan, "no_baseline"
    if not model.valid:
        return math.nan, math.nan, math.nan, "baseline_invalid"
    data = result.data.set_index("period").loc[result.reporting_months, result.drivers]
    x0 = np.concatenate([[1.0], data.mean().to_numpy(dtype=float)])
    left = 12 - len(months)
    rest = float(model.fit.predict(x0)[0]) * left
    half = t_ppf(0.95, model.fit.df) * model.fit.sum_stderr(np.tile(x0, (left, 1))) if left else 0.0
    f = ytd + rest
    return f, f - half, f + half, ""


def _default_year(a) -> int | None:
    """The latest calendar year of the metrics table (a target row without a year)."""
    years = calendar_years(a.metrics["period"].unique())
    return int(years[-1]) if years else None


def evaluate(a, targets: pd.DataFrame | None, history=None) -> pd.DataFrame:
    """One row per target (TARGET_COLUMNS) from an assessment's metrics table; the baseline model
    is fitted on ``history`` (an assessment that also holds last year's months; default ``a``)."""
    rows = []
    for t in (targets.itertuples(index=False) if targets is not None else ()):
        kind = TARGETS[t.target]
        year = int(t.year) if t.year is not None and t.year == t.year else _default_year(a)
        ratio = kind.metric in RATIO_METRICS
        hit = a.figure(kind.metric, t.item, str(year)) if year else None
        unit = hit[1] if hit else (a.unit(kind.metric, t.item) or kind.unit)
        row = {"year": year, "target": t.target, "metric": kind.metric, "item": t.item, "bound": kind.bound,
               "unit": unit, "sheet": t.sheet, "cell": t.cell, "reason": ""}
        if t.unit and unit and not same_dimension(t.unit, unit):
            raise GreentexError(f"unit '{t.unit}' does not convert to {unit}, the unit of the {t.target} figure",
                                file=a.inventory.source.get("name"), sheet=t.sheet, cell=t.cell,
                                hint=f"write the target in {unit}")
        row["target_value"] = float(t.value) * (conversion_factor(t.unit, unit) if t.unit and unit else 1.0)
        months = _months(a, kind.metric, t.item, year) if year else []
        ytd = float(hit[0]) if hit else math.nan
        row.update(ytd=ytd, months=len(months), elapsed_pct=len(months) / 12 * 100, forecast=math.nan,
                   forecast_baseline=math.nan, forecast_low=math.nan, forecast_high=math.nan)
        if not months or not np.isfinite(ytd):
            row.update(verdict="not_assessed", reason="no_data")
            rows.append(row)
            continue
        row["forecast"] = run_rate(ytd, len(months), ratio)
        if t.target == BASELINE_TARGET and len(months) < 12:
            f, low, high, why = baseline_forecast(a if history is None else history, year, months, ytd)
            row.update(forecast_baseline=f, forecast_low=low, forecast_high=high, reason=why)
        row["verdict"] = verdict(kind.bound, ratio, len(months), ytd, row["forecast"], row["forecast_high"],
                                 row["forecast_low"], row["target_value"])
        rows.append(row)
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


def metric_rows(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of the metrics table (metric, item, period, value, unit) of the targets judged:
    ``<metric>_target``, ``<metric>_forecast`` (run rate), ``<metric>_forecast_baseline`` with
    ``_forecast_low`` / ``_forecast_high`` (the 90 % interval), and ``<metric>_year_elapsed``
    (percent)."""
    parts = []
    t = table[table["year"].notna()]
    for column, suffix in (("target_value", "target"), ("forecast", "forecast"),
                           ("forecast_baseline", "forecast_baseline"), ("forecast_low", "forecast_low"),
                           ("forecast_high", "forecast_high"), ("elapsed_pct", "year_elapsed")):
        part = t[t[column].notna()]
        if column != "target_value":
            part = part[part["verdict"] != "not_assessed"]
        parts.append(pd.DataFrame({"metric": part["metric"] + "_" + suffix, "item": part["item"],
                                   "period": part["year"].astype(int).astype(str),
                                   "value": part[column].astype(float),
                                   "unit": "percent" if suffix == "year_elapsed" else part["unit"]}))
    return pd.concat(parts, ignore_index=True)


def failing(table: pd.DataFrame | None) -> pd.DataFrame:
    """The targets exceeded, missed or at risk (check --targets fails on them)."""
    if table is None or not len(table):
        return pd.DataFrame(columns=TARGET_COLUMNS)
    return table[table["verdict"].isin(FAILING)]
