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
VERDICT_FILLS = {"exceeded": FILL_BAD, "missed": FILL_BAD, "at_risk": FILL_RISK, "on_track": FILL_GOOD}


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


def target_fills(a) -> list:
    """A colour per target row: red exceeded or missed, yellow at risk, green on track."""
    return [VERDICT_FILLS.get(v) for v in a.targets["verdict"]]


def target_chart_frame(a, w: Words) -> pd.DataFrame:
    """Chart data, one row per target assessed: year to date, forecast and the target itself,
    each as % of the target (targets of different units on one axis)."""
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
    years = ", ".join(sorted({str(int(y)) for y in t["year"].dropna()}))
    s.line(row, w["targets_heading"].format(period=years, n=int(t["months"].max())), "heading")
    p = [0 if u in ("tce", "tCO2e", "m**3") else 2 for u in t["unit"]]
    places = {w["col_target_value"]: p, w["col_ytd"]: p, w["col_forecast"]: p, w["col_of_target"]: 0}
    row = s.table(frame, row=row + 1, places=places, freeze=False, autofilter=False,
                  wrap={w["col_target"]: 30, w["col_forecast_baseline"]: 18},
                  cell_fills={w["col_verdict"]: target_fills(a)})
    for name, reason in zip(target_names(t, w), t["reason"]):
        if reason:
            s.note(row, f"{name}: {w.target_reason(reason)}")
            row += 1
    return row + 1


def targets_chart(s, w: Words, head: int, n: int):
    """Columns of year to date and forecast (% of target) per target, the target as a line at 100."""
    chart = s.chart("column", w["chart_targets"])
    cats = s.ref(head + 1, 1, head + n, 1)
    for j in (2, 3):
        chart.add_series({"name": s.ref(head, j), "categories": cats, "values": s.ref(head + 1, j, head + n, j)})
    line = s.book.wb.add_chart({"type": "line"})
    line.add_series({"name": s.ref(head, 4), "categories": cats, "values": s.ref(head + 1, 4, head + n, 4),
                     "line": {"color": "#C00000", "width": 2, "dash_type": "dash"}, "marker": {"type": "none"}})
    chart.combine(line)
    chart.set_y_axis({"name": w["axis_pct_target"], "min": 0, "num_format": "0", "name_font": {"size": 9, "bold": False},
                      "num_font": {"size": 9}, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_x_axis({"num_font": {"size": 9}})
    return chart


def chart_blocks(s, a, w: Words) -> list:
    """(title, chart data, chart maker) blocks of the monthly run for the Summary's charts."""
    blocks = []
    frame = target_chart_frame(a, w) if getattr(a, "targets", None) is not None and len(a.targets) else pd.DataFrame()
    if len(frame):
        blocks.append((w["chart_targets"], frame, lambda head, n=len(frame): targets_chart(s, w, head, n)))
    return blocks


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
