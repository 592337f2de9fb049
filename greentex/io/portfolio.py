"""The portfolio workbook of a batch: a row per mill and year, ranking and distribution charts
against the limit, every metric and verdict with its site, and the files that failed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import greentex
from greentex.batch import Portfolio, parse_intensity_column
from greentex.display import unit_text
from greentex.io.report import bar_chart, generated, limit_lines, place_charts
from greentex.io.xlsx import Book, Footer, Sheet, save

BINS = 8


def _limit_for(p: Portfolio, metric: str, product: str, unit: str) -> tuple[float, str] | None:
    """(limit in ``unit``, benchmark set) of the first applicable whole-period 'limit' line for
    this metric and product (the report's limit_lines)."""
    for name, level, by_period in limit_lines(p.benchmarks, metric, product, unit):
        if level == "limit" and by_period.get("total") is not None:
            return by_period["total"], name
    return None


def _ranking(s: Sheet, p: Portfolio, column: str, row: int):
    """Mills ranked by one intensity column (best first), with the limit as a dashed line."""
    metric, product, unit = parse_intensity_column(column)
    data = p.summary[["site", "year", column]].dropna(subset=[column]).sort_values(column)
    if data.empty:
        return None, row
    limit = _limit_for(p, metric, product, unit)
    names = [(x if len(x) <= 28 else x[:27] + "…") + (f" {int(y)}" if pd.notna(y) else "")
             for x, y in zip(data["site"].astype(str), data["year"])]
    frame = pd.DataFrame({"mill": names, f"{product} [{unit_text(unit)}]": data[column].to_numpy()})
    if limit:
        frame[f"limit ({limit[1]})"] = limit[0]
    s.line(row, f"{metric.replace('_', ' ')}: {product}", "heading")
    head = row + 1
    end = s.table(frame, row=head, freeze=False, autofilter=False)
    bars = bar_chart(s, f"{metric.replace('_', ' ').capitalize()} per mill: {product}", head, len(frame), 2, "mill",
                     unit_text(unit), horizontal=False)
    if limit:
        line = s.book.wb.add_chart({"type": "line"})
        line.add_series({"name": s.ref(head, 3), "categories": s.ref(head + 1, 1, head + len(frame), 1),
                         "values": s.ref(head + 1, 3, head + len(frame), 3),
                         "line": {"dash_type": "dash", "width": 1.75}, "marker": {"type": "none"}})
        bars.combine(line)
        bars.set_legend({"position": "bottom"})
    return bars, end + 1


def _distribution(s: Sheet, p: Portfolio, column: str, row: int):
    """How many mills fall in each band of an intensity."""
    values = p.summary[column].dropna().to_numpy(dtype=float)
    if len(values) < 2:
        return None, row
    counts, edges = np.histogram(values, bins=min(BINS, len(values)))
    labels = [f"{lo:,.3g}–{hi:,.3g}" for lo, hi in zip(edges[:-1], edges[1:])]
    frame = pd.DataFrame({"band": labels, "mills": counts.astype(int)})
    end = s.table(frame, row=row, freeze=False, autofilter=False)
    metric, product, unit = parse_intensity_column(column)
    chart = bar_chart(s, f"Distribution: {metric}:{product}".replace("_", " "), row, len(frame), 2, unit_text(unit),
                      "mills", horizontal=False)
    return chart, end + 1


def build(book: Book, p: Portfolio) -> None:
    """Write the portfolio into ``book``."""
    s = book.sheet("Summary")
    s.line(1, f"Portfolio: {p.assessed} workbooks assessed, {len(p.errors)} failed", "title")
    s.line(2, f"greentex {greentex.__version__} · GWP {p.options.get('gwp')} · benchmark sets: "
              f"{', '.join(p.options.get('benchmarks') or ['default for each site'])}")
    columns = [c for c in p.summary.columns if c.startswith("energy_intensity:")] + \
              [c for c in p.summary.columns if c.startswith("ghg_intensity:")]
    charts, row = [], 4
    for column in columns:
        chart, row = _ranking(s, p, column, row)
        if chart is not None:
            charts.append(chart)
        if column.startswith("energy_intensity:"):
            chart, row = _distribution(s, p, column, row)
            if chart is not None:
                charts.append(chart)
    if charts:
        place_charts(s, charts, row + 1)
    else:
        s.line(row, "No intensities to chart.", "bold")

    mills = book.sheet("Mills")
    if len(p.summary):
        mills.table(p.summary)
    else:
        mills.line(1, "No workbook could be assessed.")
    for name, frame in (("Metrics", p.metrics), ("Benchmarks", p.benchmarks)):
        sheet = book.sheet(name)
        if len(frame):
            sheet.table(frame.reset_index(drop=True))
        else:
            sheet.line(1, f"No {name.lower()}.")
    failed = book.sheet("Failed files")
    if p.errors:
        failed.table(pd.DataFrame(p.errors, columns=["path", "message"]))
    else:
        failed.line(1, "Every workbook was assessed.")
    rows = [("greentex version", greentex.__version__), ("generated", generated()),
            ("workbooks assessed", p.assessed), ("workbooks failed", len(p.errors))] + \
        [(f"option {k}", str(v)) for k, v in p.options.items()]
    book.sheet("About").table(pd.DataFrame(rows, columns=["item", "value"]), freeze=False, autofilter=False)


def write_portfolio(p: Portfolio, path) -> None:
    """Write the portfolio workbook atomically."""
    save(lambda book: build(book, p), Path(path),
         footer=Footer(mill=f"Portfolio of {p.assessed} workbooks", version=greentex.__version__, generated=generated()))
