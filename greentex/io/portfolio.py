"""The portfolio workbook of a batch: a row per mill and year, ranking and distribution charts
against the limit, every metric and verdict with its site, and the files that failed."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import greentex
from greentex.batch import Portfolio, parse_intensity_column
from greentex.display import Words, unit_text
from greentex.io.report import _benchmark_frame, bar_chart, generated, limit_lines, place_charts
from greentex.io.xlsx import CHART_ROWS, Book, Footer, Sheet, save

BINS = 8


def _limit_for(p: Portfolio, metric: str, product: str, unit: str) -> tuple[float, str] | None:
    """(limit in ``unit``, benchmark set) of the first applicable whole-period 'limit' line for
    this metric and product (the report's limit_lines)."""
    for name, level, by_period in limit_lines(p.benchmarks, metric, product, unit):
        if level == "limit" and by_period.get("total") is not None:
            return by_period["total"], name
    return None


def _ranking(s: Sheet, p: Portfolio, column: str, row: int, w: Words):
    """Mills ranked by one intensity column (best first), with the limit as a dashed line."""
    metric, product, unit = parse_intensity_column(column)
    data = p.summary[["site", "year", column]].dropna(subset=[column]).sort_values(column)
    if data.empty:
        return None, row
    limit = _limit_for(p, metric, product, unit)
    names = [(x if len(x) <= 28 else x[:27] + "…") + (f" {int(y)}" if pd.notna(y) else "")
             for x, y in zip(data["site"].astype(str), data["year"])]
    zh, u = w.lang == "zh", unit_text(unit, w.lang)
    what = w.short(product) if zh else product
    frame = pd.DataFrame({w["pf_mill"]: names, f"{what} [{u}]": data[column].to_numpy()})
    if limit:
        frame[w["pf_limit"].format(set=w.benchmark(limit[1]) if zh else limit[1])] = limit[0]
    s.line(row, w["pf_heading"].format(metric=w.metric(metric) if zh else metric.replace('_', ' '), product=what),
           "heading")
    head = row + 1
    end = s.table(frame, row=head, freeze=False, autofilter=False)
    title = w["pf_ranking"].format(metric=w.metric(metric) if zh else metric.replace('_', ' ').capitalize(),
                                   product=what)
    bars = bar_chart(s, title, head, len(frame), 2, w["pf_mill"], u, horizontal=False)
    if limit:
        line = s.book.wb.add_chart({"type": "line"})
        line.add_series({"name": s.ref(head, 3), "categories": s.ref(head + 1, 1, head + len(frame), 1),
                         "values": s.ref(head + 1, 3, head + len(frame), 3),
                         "line": {"dash_type": "dash", "width": 1.75}, "marker": {"type": "none"}})
        bars.combine(line)
        bars.set_legend({"position": "bottom"})
    return bars, end + 1


def _distribution(s: Sheet, p: Portfolio, column: str, row: int, w: Words):
    """How many mills fall in each band of an intensity."""
    values = p.summary[column].dropna().to_numpy(dtype=float)
    if len(values) < 2:
        return None, row
    counts, edges = np.histogram(values, bins=min(BINS, len(values)))
    labels = [f"{lo:,.3g}–{hi:,.3g}" for lo, hi in zip(edges[:-1], edges[1:])]
    frame = pd.DataFrame({w["pf_band"]: labels, w["pf_mills"]: counts.astype(int)})
    end = s.table(frame, row=row, freeze=False, autofilter=False)
    metric, product, unit = parse_intensity_column(column)
    title = (w["pf_distribution"].format(metric=w.metric(metric), product=w.short(product)) if w.lang == "zh"
             else f"Distribution: {metric}:{product}".replace("_", " "))
    chart = bar_chart(s, title, row, len(frame), 2, unit_text(unit, w.lang), w["pf_mills"], horizontal=False)
    return chart, end + 1


def _mills_frame(summary: pd.DataFrame, w: Words) -> pd.DataFrame:
    """The Mills table; in Chinese with Chinese headers (an intensity column as metric：product [unit])."""
    if w.lang == "en":
        return summary
    summary = summary.copy()
    if "failed_lines" in summary:   # "energy_intensity woven_fabric (cn_dyeing_norms_2017); ..." in words
        line = re.compile(r"(\S+) (\S+) \(([^)]*)\)")
        summary["failed_lines"] = [
            "；".join(line.sub(lambda m: f"{w.metric(m[1])} {w.short(m[2])}（{w.benchmark(m[3])}）", part)
                     for part in str(v).split("; ")) if isinstance(v, str) and v else v for v in summary["failed_lines"]]
    names = {}
    for c in summary.columns:
        if ":" in str(c):
            metric, product, unit = parse_intensity_column(c)
            names[c] = f"{w.metric(metric)}：{w.short(product)} [{unit_text(unit, 'zh')}]"
        else:
            names[c] = w.t.get(f"pf_col_{c}", c)
    return summary.rename(columns=names)


def build(book: Book, p: Portfolio, lang: str = "en") -> None:
    """Write the portfolio into ``book``, its words in ``lang`` (the Metrics sheet keeps the
    contract's ids and pint units, as in the report)."""
    w = Words(lang)
    zh = lang == "zh"
    s = book.sheet(w["pf_sheet_summary"])
    s.line(1, w["pf_title"].format(n=p.assessed, failed=len(p.errors)), "title")
    sets = p.options.get("benchmarks")
    sets = ("、" if zh else ", ").join((w.benchmark(x) if zh else x) for x in sets) if sets else w["pf_default_sets"]
    s.line(2, w["pf_subtitle"].format(version=greentex.__version__, gwp=p.options.get("gwp"), sets=sets))
    columns = [c for c in p.summary.columns if c.startswith("energy_intensity:")] + \
              [c for c in p.summary.columns if c.startswith("ghg_intensity:")]
    charts, row = [], 4
    for column in columns:
        chart, row = _ranking(s, p, column, row, w)
        if chart is not None:
            charts.append(chart)
        if column.startswith("energy_intensity:"):
            chart, row = _distribution(s, p, column, row, w)
            if chart is not None:
                charts.append(chart)
    if charts:   # on pages of their own, two rows of charts a page
        end = place_charts(s, charts, row + 1)
        s.breaks = list(range(row, end - 1, 2 * CHART_ROWS)) + [end - 1]
    else:
        s.line(row, w["pf_no_intensities"], "bold")

    mills = book.sheet(w["pf_sheet_mills"])
    if len(p.summary):
        mills.table(_mills_frame(p.summary, w))
    else:
        mills.line(1, w["pf_no_mills"])
    bench = p.benchmarks.reset_index(drop=True)
    if zh and len(bench):
        rest = [c for c in bench.columns if c not in ("site", "path")]
        bench = pd.concat([bench[["site", "path"]].rename(columns={"site": w["pf_col_site"], "path": w["pf_col_path"]}),
                           _benchmark_frame(bench, w, (), rest)], axis=1)
    for key, frame in (("metrics", p.metrics.reset_index(drop=True)), ("benchmarks", bench)):
        sheet = book.sheet(w[f"pf_sheet_{key}"])
        if len(frame):
            sheet.table(frame)
        else:
            sheet.line(1, w[f"pf_no_{key}"])
        if key == "metrics":   # the machine table, for scripts, as in each report: ~110 pages on paper
            sheet.ws.hide()
    failed = book.sheet(w["pf_sheet_failed"])
    if p.errors:
        failed.table(pd.DataFrame(p.errors, columns=["path", "message"]).rename(
            columns={"path": w["pf_col_path"], "message": w["pf_col_message"]}))
    else:
        failed.line(1, w["pf_all_assessed"])
    rows = [(w["pf_about_version"], greentex.__version__), (w["pf_about_generated"], generated()),
            (w["pf_about_assessed"], p.assessed), (w["pf_about_failed"], len(p.errors))] + \
        [((w["pf_about_option"].format(k=w.key(k)) if zh else f"option {k}"), str(w.value(k, v)) if zh else str(v))
         for k, v in p.options.items()]
    book.sheet(w["pf_sheet_about"]).table(pd.DataFrame(rows, columns=[w["pf_col_item"], w["pf_col_value"]]),
                                          freeze=False, autofilter=False)


def write_portfolio(p: Portfolio, path, lang: str = "en") -> None:
    """Write the portfolio workbook atomically, in English or Chinese."""
    w = Words(lang)
    save(lambda book: build(book, p, lang), Path(path),
         footer=Footer(mill=w["pf_footer"].format(n=p.assessed), version=greentex.__version__, generated=generated(),
                       page=w["footer_page"]))
