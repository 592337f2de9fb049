"""The portfolio workbook of a batch: a row per mill and year, ranking and distribution charts
against the limit, every metric and verdict with its site, and the files that failed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference

import greentex
from greentex.batch import Portfolio, parse_intensity_column
from greentex.io.report import (BOLD, CHART_ROWS, HEADING_FONT, TITLE_FONT, _axes, _line, _page_setup,
                                _save_atomic, _write_table, display_unit, limit_lines)

BINS = 8


def _limit_for(p: Portfolio, metric: str, product: str, unit: str) -> tuple[float, str] | None:
    """(limit in ``unit``, benchmark set) of the first applicable whole-period 'limit' line for
    this metric and product (the report's limit_lines)."""
    for name, level, by_period in limit_lines(p.benchmarks, metric, product, unit):
        if level == "limit" and by_period.get("total") is not None:
            return by_period["total"], name
    return None


def _columns(ws, head: int, col: int, n: int, title: str, x_title: str, y_title: str, y_format: str = "General"):
    """Column chart of the table at ``head``: categories in column ``col``, values in the next."""
    chart = BarChart()
    chart.type = "col"
    chart.add_data(Reference(ws, min_col=col + 1, min_row=head, max_row=head + n), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=col, min_row=head + 1, max_row=head + n))
    chart.title = title
    _axes(chart, x_title, y_title, y_format)
    return chart


def _ranking(ws, p: Portfolio, column: str, row: int, col: int):
    """Mills ranked by one intensity column (best first), with the limit as a line."""
    metric, product, unit = parse_intensity_column(column)
    data = p.summary[["site", "year", column]].dropna(subset=[column]).sort_values(column)
    if data.empty:
        return None, row
    limit = _limit_for(p, metric, product, unit)
    names = [(s if len(s) <= 28 else s[:27] + "…") + (f" {int(y)}" if pd.notna(y) else "")
             for s, y in zip(data["site"].astype(str), data["year"])]
    frame = pd.DataFrame({"mill": names, f"{product} [{display_unit(unit)}]": data[column].to_numpy()})
    if limit:
        frame[f"limit ({limit[1]})"] = limit[0]
    _line(ws, row, f"{metric.replace('_', ' ')}: {product}", HEADING_FONT, col=col)
    head = row + 1
    end = _write_table(ws, frame, row=head, col=col, freeze=False, autofilter=False)
    bars = _columns(ws, head, col, len(frame), f"{metric.replace('_', ' ').capitalize()} per mill: {product}",
                    "mill", display_unit(unit))
    if limit:
        line = LineChart()
        line.add_data(Reference(ws, min_col=col + 2, min_row=head, max_row=head + len(frame)), titles_from_data=True)
        line.series[0].graphicalProperties.line.dashStyle = "dash"
        line.series[0].graphicalProperties.line.width = 22000
        bars += line
    bars.legend.position = "b"
    return bars, end + 1


def _distribution(ws, p: Portfolio, column: str, row: int, col: int):
    """How many mills fall in each band of an intensity."""
    values = p.summary[column].dropna().to_numpy(dtype=float)
    if len(values) < 2:
        return None, row
    counts, edges = np.histogram(values, bins=min(BINS, len(values)))
    labels = [f"{lo:,.3g}–{hi:,.3g}" for lo, hi in zip(edges[:-1], edges[1:])]
    frame = pd.DataFrame({"band": labels, "mills": counts.astype(int)})
    head = row
    end = _write_table(ws, frame, row=head, col=col, freeze=False, autofilter=False)
    metric, product, unit = parse_intensity_column(column)
    chart = _columns(ws, head, col, len(frame), f"Distribution: {metric}:{product}".replace("_", " "), unit,
                     "mills", "0")
    chart.legend = None
    return chart, end + 1


def build_portfolio(p: Portfolio) -> Workbook:
    """The portfolio as an openpyxl Workbook (not saved)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    _line(ws, 1, f"Portfolio: {p.assessed} workbooks assessed, {len(p.errors)} failed", TITLE_FONT)
    _line(ws, 2, f"greentex {greentex.__version__} · GWP {p.options.get('gwp')} · benchmark sets: "
                 f"{', '.join(p.options.get('benchmarks') or ['default for each site'])}")
    row, charts = 4, []
    columns = [c for c in p.summary.columns if c.startswith("energy_intensity:")] + \
              [c for c in p.summary.columns if c.startswith("ghg_intensity:")]
    for column in columns:
        chart, row = _ranking(ws, p, column, row, 1)
        if chart is not None:
            charts.append(chart)
        if column.startswith("energy_intensity:"):
            chart, row = _distribution(ws, p, column, row, 1)
            if chart is not None:
                charts.append(chart)
    for i, chart in enumerate(charts):  # two charts a row, right of the chart data
        ws.add_chart(chart, f"{'E' if i % 2 == 0 else 'O'}{4 + (i // 2) * CHART_ROWS}")
    if not charts:
        _line(ws, row, "No intensities to chart.", BOLD)

    mills = wb.create_sheet("Mills")
    if len(p.summary):
        _write_table(mills, p.summary, precise=())
    else:
        _line(mills, 1, "No workbook could be assessed.")
    for name, frame in (("Metrics", p.metrics), ("Benchmarks", p.benchmarks)):
        sheet = wb.create_sheet(name)
        if len(frame):
            _write_table(sheet, frame)
        else:
            _line(sheet, 1, f"No {name.lower()}.")
    failed = wb.create_sheet("Failed files")
    if p.errors:
        _write_table(failed, pd.DataFrame(p.errors, columns=["path", "message"]))
    else:
        _line(failed, 1, "Every workbook was assessed.")
    about = wb.create_sheet("About")
    rows = [("greentex version", greentex.__version__), ("workbooks assessed", p.assessed),
            ("workbooks failed", len(p.errors))] + [(f"option {k}", str(v)) for k, v in p.options.items()]
    _write_table(about, pd.DataFrame(rows, columns=["item", "value"]), freeze=False, autofilter=False)
    for sheet in wb.worksheets:
        _page_setup(sheet)
    return wb


def write_portfolio(p: Portfolio, path) -> None:
    """Write the portfolio workbook atomically."""
    _save_atomic(build_portfolio(p), Path(path))
