"""The monthly run's report blocks: the year's targets (greentex.targets) and this year against
last year (同比), as tables and chart data for the Summary sheet, the HTML summary and the CLI.

Only words and layout here; every figure comes from the assessment (its ``targets`` table and
its metrics table)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from greentex.display import Words, unit_text

FILL_BAD = "#F4CCCC"
FILL_RISK = "#FFF2CC"
FILL_GOOD = "#D9EAD3"
#: how a target's verdict looks: its class in the HTML page and its fill on the Summary sheet
VERDICT_CLASSES = {"exceeded": "fail", "missed": "fail", "at_risk": "weak", "on_track": "pass"}
VERDICT_FILLS = {v: {"fail": FILL_BAD, "weak": FILL_RISK, "pass": FILL_GOOD}[c] for v, c in VERDICT_CLASSES.items()}


def _interval(low, high, places: int) -> str:
    return "" if not (np.isfinite(low) and np.isfinite(high)) else f"{low:,.{places}f} – {high:,.{places}f}"


def _is_total(item) -> bool:
    return item in ("total", "total_location", "total_market")


def target_names(t: pd.DataFrame, w: Words) -> list[str]:
    """Each target's name, with its product for an intensity (Energy intensity – Woven fabric)."""
    return [w.target(k) + ("" if _is_total(i) else f" – {w.short(i)}") for k, i in zip(t["target"], t["item"])]


def target_frame(a, w: Words) -> pd.DataFrame:
    """The targets table as read: target (and product), year (when several), verdict, target
    value, unit, year to date, forecast by run rate, forecast / target, forecast by the baseline
    model with its 90 % interval (when one was fitted). Empty without targets."""
    t = getattr(a, "targets", None)
    if t is None or not len(t):
        return pd.DataFrame()
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(t["target_value"] > 0, t["forecast"] / t["target_value"] * 100, np.nan)
    out = pd.DataFrame({w["col_target"]: target_names(t, w)})
    if t["year"].nunique() > 1:
        out[w["key_year"]] = t["year"].astype("Int64").astype(str).to_numpy()
    out[w["col_verdict"]] = [w.target_verdict(v) for v in t["verdict"]]
    out[w["col_target_value"]] = t["target_value"].astype(float).to_numpy()
    out[w["col_unit"]] = [unit_text(u, w.lang) for u in t["unit"]]
    out[w["col_ytd"]] = t["ytd"].astype(float).to_numpy()
    out[w["col_forecast"]] = t["forecast"].astype(float).to_numpy()
    out[w["col_of_target"]] = share
    if t["forecast_baseline"].notna().any():
        out[w["col_forecast_baseline"]] = [
            "" if not np.isfinite(f) else f"{f:,.0f} ({_interval(lo, hi, 0)})"
            for f, lo, hi in zip(t["forecast_baseline"], t["forecast_low"], t["forecast_high"])]
    return out


def target_heading(a, w: Words) -> str:
    """The targets table's heading: the years judged and the most months of data among them."""
    t = a.targets
    years = ", ".join(sorted({str(int(y)) for y in t["year"].dropna()}))
    return w["targets_heading"].format(period=years, n=int(t["months"].max()))


def target_notes(a, w: Words) -> list[str]:
    """Why a target has no forecast or verdict (name: reason), one line per such target."""
    return [f"{name}: {w.target_reason(reason)}"
            for name, reason in zip(target_names(a.targets, w), a.targets["reason"]) if reason]


def target_fills(a) -> list:
    """A colour per target row: red exceeded or missed, yellow at risk, green on track."""
    return [VERDICT_FILLS.get(v) for v in a.targets["verdict"]]


def target_chart_frame(a, w: Words) -> pd.DataFrame:
    """Chart data, one row per target assessed: year to date, forecast and the target itself
    (100), each as % of the target (targets of different units on one axis; horizontal bars)."""
    t = a.targets[(a.targets["verdict"] != "not_assessed") & (a.targets["target_value"] > 0)]
    if not len(t):
        return pd.DataFrame()
    return pd.DataFrame({w["col_target"]: target_names(t, w),
                         w["col_ytd"]: (t["ytd"] / t["target_value"] * 100).to_numpy(),
                         w["col_forecast"]: (t["forecast"] / t["target_value"] * 100).to_numpy(),
                         w["series_target"]: 100.0})


# -- the Summary sheet ---------------------------------------------------------------------

def write_targets(s, a, w: Words, row: int) -> int:
    """The targets table under its heading at ``row`` of a report sheet, and the notes on missing
    forecasts below it; returns the next free row (``row`` itself when there are no targets)."""
    frame = target_frame(a, w)
    if not len(frame):
        return row
    t = a.targets
    s.line(row, target_heading(a, w), "heading")
    p = [0 if u in ("tce", "tCO2e", "m**3") else 2 for u in t["unit"]]
    places = {w["col_target_value"]: p, w["col_ytd"]: p, w["col_forecast"]: p, w["col_of_target"]: 1}
    row = s.table(frame, row=row + 1, places=places, freeze=False, autofilter=False,
                  wrap={w["col_target"]: 30, w["col_forecast_baseline"]: 18},
                  cell_fills={w["col_verdict"]: target_fills(a)})
    for note in target_notes(a, w):
        s.note(row, note)
        row += 1
    return row + 1


def chart_blocks(s, a, w: Words) -> list:
    """(title, chart data, chart maker) blocks of the monthly run for the Summary's charts."""
    blocks = []
    frame = target_chart_frame(a, w) if getattr(a, "targets", None) is not None and len(a.targets) else pd.DataFrame()
    if len(frame):
        blocks.append((w["chart_targets"], frame, lambda head, n=len(frame): _r().bar_chart(
            s, w["chart_targets"], head, n, 4, w["col_target"], w["axis_pct_target"])))
    months = energy_by_month(a, w)
    if len(months):
        last, year = months.columns[1:3]
        title = w["chart_yoy"].format(y=year, ly=last)
        blocks.append((title + " [tce]", months, lambda head, n=len(months): _r().bar_chart(
            s, title, head, n, 3, w["axis_month"], w["axis_energy"], horizontal=False)))
    return blocks


def _r():
    from greentex.io import report

    return report


# -- the command line ------------------------------------------------------------------------

def _fmt(v, places: int = 2) -> str:
    return "" if v is None or v != v else f"{v:,.{places}f}"


def target_lines(a, w: Words) -> tuple[list[str], list[str]]:
    """(head, rows) of the targets for a text table: name, product, year, target value, unit, year
    to date, year elapsed, forecast by run rate, baseline forecast with its interval, verdict,
    note."""
    t = a.targets
    rows = [[w.target(r.target) if w.lang == "zh" else r.target, "" if _is_total(r.item) else w.short(r.item),
             str(r.year), _fmt(r.target_value), unit_text(r.unit, w.lang), _fmt(r.ytd), _fmt(r.elapsed_pct, 0),
             _fmt(r.forecast), "" if r.forecast_baseline != r.forecast_baseline else
             f"{_fmt(r.forecast_baseline)} ({_fmt(r.forecast_low)} – {_fmt(r.forecast_high)})",
             w.target_verdict(r.verdict), w.target_reason(r.reason)] for r in t.itertuples()]
    return w["cli_targets_head"].split("|"), rows


# -- calendar years and 同比 / 环比 ---------------------------------------------------------

def _years(a) -> list[str]:
    from greentex.periods import calendar_years

    return calendar_years(a.metrics["period"].unique())


def _months_of_year(a, year: str) -> list[str]:
    from greentex.io.report import months_of
    from greentex.periods import year_months

    return year_months(months_of(a), year)


def year_word(a, year: str, w: Words) -> str:
    """What a year's figures cover: 2023年全年 / whole year 2023, 2024年1–7月 / Jan–Jul 2024 ..."""
    from greentex.display import period_word

    return period_word(_months_of_year(a, year), w.lang)


def year_figures(a, w: Words):
    """(Figure x year table, places, heading words) of the key figures of each calendar year when
    the report covers more than one (greentex.periods.headline_periods), else None."""
    from greentex.io.report import _places, key_figure_spec

    years = _years(a)
    if len(years) < 2:
        return None
    heads = [year_word(a, y, w) for y in years]
    rows, units = [], []
    for label, metric, item in key_figure_spec(a, w):
        hits = [a.figure(metric, item, y) for y in years]
        if all(h is None for h in hits):
            continue
        units.append(next(h[1] for h in hits if h is not None))
        rows.append([label] + [np.nan if h is None else h[0] for h in hits] + [unit_text(units[-1], w.lang)])
    frame = pd.DataFrame(rows, columns=[w["col_figure"]] + heads + [w["col_unit"]])
    places = {h: _places(units, frame[h]) for h in heads}
    return frame, places, ", ".join(heads)


def _this_year(a) -> tuple[str, str] | None:
    """(year, its last month) of the 同比 table: the latest calendar year with last year's figures."""
    years = _years(a)
    if not years or a.figure("energy_last_year", "total", years[-1]) is None and not (
            a.metrics["metric"].str.endswith("_last_year") & (a.metrics["period"] == years[-1])).any():
        return None
    months = _months_of_year(a, years[-1])
    return (years[-1], months[-1]) if months else None


def yoy_frames(a, w: Words) -> list:
    """[(table, places)] of this year against last year (同比) and the month before (环比) for the
    headline figures: this month, the same month last year, change %, last month, change %; then
    the year to date, the same months last year, change %. Empty without last year's figures."""
    from greentex.comparisons import compared
    from greentex.io.report import _places, key_figure_spec

    got = _this_year(a)
    if got is None:
        return []
    year, month = got
    spec = [(label, metric, item) for label, metric, item in key_figure_spec(a, w)
            if compared(metric, item) and a.figure(metric, item, year) is not None]
    units = [a.unit(metric, item) for _, metric, item in spec]
    names = [f"{label} [{unit_text(u, w.lang)}]" for (label, _, _), u in zip(spec, units)]
    out = []
    for period, cols in ((month, [("", w["col_this_month"].format(m=month)), ("_last_year", w["col_same_month_ly"]),
                                  ("_yoy_pct", w["col_yoy"]), ("_last_month", w["col_last_month"]),
                                  ("_mom_pct", w["col_mom"])]),
                         (year, [("", w["col_ytd_period"].format(p=year_word(a, year, w))),
                                 ("_last_year", w["col_same_months_ly"]), ("_yoy_pct", w["col_yoy_ytd"])])):
        frame = pd.DataFrame({w["col_figure"]: names})
        for suffix, head in cols:
            frame[head] = [a.value(metric + suffix, item, period) for _, metric, item in spec]
        places = {head: 1 if suffix.endswith("pct") else _places(units, frame[head]) for suffix, head in cols}
        if len(spec):
            out.append((frame, places))
    return out


def yoy_heading(a, w: Words) -> str:
    """The heading of the 同比 / 环比 tables: what this year's figures cover."""
    year, _ = _this_year(a)
    return w["yoy_heading"].format(period=year_word(a, year, w))


def write_yoy(s, a, w: Words, row: int) -> int:
    """The 同比 / 环比 tables (this month, the year to date) under their heading at ``row``;
    returns the next free row."""
    tables = yoy_frames(a, w)
    if not tables:
        return row
    s.line(row, yoy_heading(a, w), "heading")
    row += 1
    for frame, places in tables:
        row = s.table(frame, row=row, places=places, freeze=False, autofilter=False) + 1
    return row


def _month_name(n: int, lang: str) -> str:
    return f"{n}月" if lang == "zh" else "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()[n - 1]


def energy_by_month(a, w: Words) -> pd.DataFrame:
    """Chart data: total energy [tce] of each month of this year and of the same month last year
    (from last year's own months where the report holds them, else the comparison rows), and the
    change in %. Empty without last year's figures."""
    from greentex.comparisons import change_pct

    got = _this_year(a)
    if got is None:
        return pd.DataFrame()
    year = got[0]
    last = str(int(year) - 1)
    this = [a.value("energy", "total", f"{year}-{m:02d}") for m in range(1, 13)]
    before = [a.value("energy", "total", f"{last}-{m:02d}") for m in range(1, 13)]
    before = [b if b == b else a.value("energy_last_year", "total", f"{year}-{m:02d}")
              for m, b in zip(range(1, 13), before)]
    n = max([m for m in range(1, 13) if this[m - 1] == this[m - 1] or before[m - 1] == before[m - 1]], default=0)
    if not any(b == b for b in before):
        return pd.DataFrame()
    return pd.DataFrame({w["col_period"]: [_month_name(m, w.lang) for m in range(1, n + 1)],
                         last: before[:n], year: this[:n], w["col_yoy"]: change_pct(this[:n], before[:n])})
