"""Reports of `greentex baseline` and `greentex scenario`: the model, tracking and savings, and
the before / after comparison of what-if scenarios, in English or Chinese."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
import greentex
from greentex.io.report import (BOLD, CHART_ROWS, CHART_W, FILL_FAIL, FILL_PASS, HEADING_FONT, TITLE_FONT,
                                _bar_chart, _column_after, _line, _line_chart, assemble,
                                _save_atomic, _verdict_fills, _Words, _write_table, display_unit,
                                mill_name, FIGURE_LABELS)


P_FORMAT = '[<0.0001]"<0.0001";0.0000'
ENERGY = "tce"
HEADLINE = [("energy", "total", "tce"), ("ghg", "total_location", "tCO2e"), ("ghg", "total_market", "tCO2e"),
            ("water_intake", "total", "m³")]  # the figures a scenario is summed up by


def _format_column(ws, col: int, first: int, last: int, fmt: str) -> None:
    for r in range(first, last + 1):
        ws.cell(row=r, column=col).number_format = fmt


def _fmt_num(v, digits: int = 1) -> str:
    return "–" if v is None or v != v else f"{v:,.{digits}f}"


def _charts_side_by_side(ws, charts: list, row: int) -> None:
    """Anchor up to two charts at ``row``: one in column A, the next one chart-width to its right."""
    right = _column_after(ws, 1, CHART_W * 96 / 2.54 + 16)
    for k, chart in enumerate(charts):
        ws.add_chart(chart, f"{get_column_letter(1 if k % 2 == 0 else right)}{row + (k // 2) * CHART_ROWS}")


def _baseline_sheet(ws, result, w: _Words, version: str) -> None:
    a = result.assessment
    src = a.inventory.source
    bm, rm = result.baseline_months, result.reporting_months
    _line(ws, 1, w["b_title"].format(name=mill_name(a)), TITLE_FONT)
    _line(ws, 2, w["b_subtitle"].format(b=f"{bm[0]}..{bm[-1]}", n=len(bm),
                                        r=f"{rm[0]}..{rm[-1]}" if rm else "–", m=len(rm),
                                        file=src.get("name", ""), version=version))
    total = result.model("total")
    s = result.summary[result.summary["item"] == "total"]
    if len(s):
        s = s.iloc[0]
        _line(ws, 3, w["b_savings"].format(s=_fmt_num(s.savings), se=_fmt_num(s.savings_stderr),
                                           ci=_fmt_num(s.savings_ci90), pct=_fmt_num(s.savings_pct, 1),
                                           e=_fmt_num(s.expected, 0), enpi=_fmt_num(s.enpi, 3)), BOLD)
    else:
        _line(ws, 3, w["b_no_reporting"], BOLD)
    if total is not None:
        _line(ws, 4, w["b_valid"] if total.valid else w["b_invalid"].format(why=total.why(w.lang)),
              Font(name="Calibri", bold=True, color="2E6B47" if total.valid else "C00000"))
    if len(result.out_of_range):
        _line(ws, 5, w["b_flags"].format(n=len(result.out_of_range)))
    has_charts = len(result.tracking) > 0
    row = 7 + (CHART_ROWS if has_charts else 0)
    u = f" [{ENERGY}]"

    # the models
    _line(ws, row, w["h_model"], HEADING_FONT)
    t = result.terms(w.lang)
    frame = pd.DataFrame({
        w["col_item"]: t["item"].map(w.short), w["col_term"]: t["term"],
        w["col_value"]: t["value"], w["col_unit"]: t["unit"].map(display_unit), w["col_stderr"]: t["stderr"],
        w["col_p"]: t["p"], w["col_r2"]: t["r2"], w["col_adj_r2"]: t["adj_r2"], w["col_f_p"]: t["f_p"],
        w["col_n"]: t["n"].astype(int), w["col_valid"]: np.where(t["valid"].astype(bool), w["yes"], w["no"]),
        w["col_reasons"]: t["reasons"]})
    head = row + 1
    row = _write_table(ws, frame, row=head, freeze=False, autofilter=False, precise={w["col_value"], w["col_stderr"]})
    for col in (6, 9):
        _format_column(ws, col, head + 1, head + len(frame), P_FORMAT)
    for col in (7, 8):
        _format_column(ws, col, head + 1, head + len(frame), "0.000")
    for i, ok in enumerate(t["valid"].astype(bool)):
        ws.cell(row=head + 1 + i, column=11).fill = FILL_PASS if ok else FILL_FAIL
    row += 1

    # savings over the period
    if len(result.summary):
        _line(ws, row, w["h_savings"], HEADING_FONT)
        sm = result.summary
        frame = pd.DataFrame({
            w["col_item"]: sm["item"].map(w.short), w["col_months"]: sm["months"].astype(int),
            w["col_actual"] + u: sm["actual"], w["col_expected"] + u: sm["expected"],
            w["col_savings"] + u: sm["savings"], w["col_savings_stderr"] + u: sm["savings_stderr"],
            w["col_savings_ci90"] + u: sm["savings_ci90"], w["col_savings_pct"]: sm["savings_pct"],
            w["col_enpi"]: sm["enpi"]})
        head = row + 1
        row = _write_table(ws, frame, row=head, freeze=False, autofilter=False) + 1
        for col in range(3, 9):
            _format_column(ws, col, head + 1, head + len(frame), "#,##0.0")
        _format_column(ws, 9, head + 1, head + len(frame), "0.000")
    if len(result.out_of_range):
        _line(ws, row, w["h_range"], HEADING_FONT)
        o = result.out_of_range
        frame = pd.DataFrame({w["col_period"]: o["period"], w["col_driver"]: o["driver"],
                              w["col_unit"]: o["unit"].map(display_unit), w["col_value"]: o["value"],
                              w["col_low"]: o["low"], w["col_high"]: o["high"]})
        row = _write_table(ws, frame, row=row + 1, freeze=False, autofilter=False) + 1

    # tracking: the total first (the charts plot its rows)
    if not has_charts:
        return
    _line(ws, row, w["h_tracking"], HEADING_FONT)
    tr = result.tracking.copy()
    order = {item: k for k, item in enumerate(m.item for m in result.models)}
    tr = tr.assign(_o=tr["item"].map(order)).sort_values(["_o", "period"], kind="stable").drop(columns="_o")
    flags = result.out_of_range.groupby("period")["driver"].apply(lambda d: ", ".join(d)) \
        if len(result.out_of_range) else pd.Series(dtype=object)
    frame = pd.DataFrame({
        w["col_period"]: tr["period"], w["col_item"]: tr["item"].map(w.short),
        w["col_actual"] + u: tr["actual"], w["col_expected"] + u: tr["expected"], w["col_savings"] + u: tr["savings"],
        w["col_savings_stderr"] + u: tr["savings_stderr"], w["col_cusum"] + u: tr["cusum"],
        w["col_enpi"]: tr["enpi"], w["col_outside"]: tr["period"].map(flags).fillna("")}).reset_index(drop=True)
    head = row + 1
    _write_table(ws, frame, row=head, freeze=False, autofilter=True)
    for col in range(3, 8):
        _format_column(ws, col, head + 1, head + len(frame), "#,##0.0")
    _format_column(ws, 8, head + 1, head + len(frame), "0.000")
    ntot = int((tr["item"] == "total").sum())
    chart_frame = frame.iloc[:ntot]
    actual = _line_chart(ws, w["chart_actual"], w["axis_tce"], head, chart_frame,
                         {ENERGY: [w["col_actual"] + u, w["col_expected"] + u]}, {w["col_expected"] + u}, w)
    lowest = float(np.nanmin(tr.loc[tr["item"] == "total", ["actual", "expected"]].to_numpy()))
    if lowest > 0:  # start the axis near the data: the gap between the lines is what matters
        step = 10 ** math.floor(math.log10(lowest))
        actual.y_axis.scaling.min = math.floor(lowest * 0.8 / step) * step
    cus = _line_chart(ws, w["chart_cusum"], w["axis_tce"], head, chart_frame, {ENERGY: [w["col_cusum"] + u]}, set(), w)
    cus.legend = None
    cus.x_axis.tickLblPos = "low"   # month labels below the plot, not on the zero line
    _charts_side_by_side(ws, [actual, cus], 7)


def _model_data_sheet(ws, result, w: _Words) -> None:
    d = result.data
    cols = {w["col_period"]: d["period"], w["col_role"]: d["role"].map(lambda r: w[f"role_{r}"])}
    units = dict(result.driver_units)
    for c in d.columns:
        if c in ("period", "role"):
            continue
        if c in units or c.startswith("production"):
            cols[f"{c} [{display_unit(units.get(c, ''))}]"] = d[c]
        else:
            cols[f"{w.short(c)} [tce]"] = d[c]
    _write_table(ws, pd.DataFrame(cols))


def build_baseline_workbook(result, *, lang: str = "en", version: str | None = None) -> Workbook:
    """The baseline report (sheets Baseline, Model data, Data issues, About) as a Workbook."""
    w = _Words(lang)
    version = version or greentex.__version__
    a = result.assessment
    options = dict(a.options or {})
    options.update({"baseline_period": f"{result.baseline_months[0]}..{result.baseline_months[-1]}",
                    "reporting_period": (f"{result.reporting_months[0]}..{result.reporting_months[-1]}"
                                         if result.reporting_months else ""),
                    "drivers": ", ".join(f"{d} [{u}]" for d, u in result.driver_units.items())})
    return assemble(a, w, version, [(w["baseline"], lambda ws: _baseline_sheet(ws, result, w, version)),
                                     (w["model_data"], lambda ws: _model_data_sheet(ws, result, w))],
                     result.issues, options)


def write_baseline_report(result, path, *, lang: str = "en", version: str | None = None) -> None:
    """Write the baseline report of a greentex.baseline result to ``path`` atomically."""
    wb = build_baseline_workbook(result, lang=lang, version=version)
    _save_atomic(wb, path, result.assessment.inventory)


def _figure_label(metric: str, item: str, w: _Words) -> str:
    if (metric, item) in FIGURE_LABELS:
        return w[FIGURE_LABELS[(metric, item)]]
    if metric == "energy":
        return w["fig_energy_of"].format(p=w.short(item))
    key = f"fig_{metric}"
    return w[key].format(p=w.short(item)) if key in w.t else f"{metric}: {item}"


def _scenario_headline(result, w: _Words) -> pd.DataFrame:
    """One row per scenario (the data as reported first): energy, GHG (location, market), water
    intake and their changes, and the benchmark verdicts that change."""
    comp = result.comparison.set_index(["scenario", "metric", "item"])
    names = [s.name for s in result.scenarios]
    figs = [(metric, item, FIGURE_LABELS[(metric, item)], unit) for metric, item, unit in HEADLINE]
    rows = []
    for n in [None] + names:
        row = {w["col_scenario"]: w["as_reported"] if n is None else n}
        for metric, item, key, unit in figs:
            k = (names[0] if n is None else n, metric, item)
            hit = comp.loc[k] if k in comp.index else None
            value = np.nan if hit is None else (hit["before"] if n is None else hit["after"])
            row[f"{w[key]} [{unit}]"] = value
            row[w["change_of"].format(s=w[key])] = np.nan if hit is None or n is None else hit["change"]
        if n is not None:
            v = result.benchmarks
            moved = v[(v["scenario"] == n) & (v["before_verdict"] != v["after_verdict"])]
            row[w["col_verdict_changes"]] = "; ".join(
                f"{w.metric(r.metric)} {w.short(r.item)}: {w.verdict(r.before_verdict)} → "
                f"{w.verdict(r.after_verdict)}" for r in moved.itertuples())
        else:
            row[w["col_verdict_changes"]] = ""
        rows.append(row)
    return pd.DataFrame(rows)


def _scenario_sheet(ws, result, w: _Words, version: str) -> None:
    a = result.before
    src = a.inventory.source
    _line(ws, 1, w["s_title"].format(name=mill_name(a)), TITLE_FONT)
    _line(ws, 2, w["s_subtitle"].format(file=src.get("name", ""), sfile=result.source.get("name", ""),
                                        version=version))
    row = 4 + CHART_ROWS + 1

    _line(ws, row, w["h_headline"], HEADING_FONT)
    headline = _scenario_headline(result, w)
    row = _write_table(ws, headline, row=row + 1, freeze=False, autofilter=False) + 1

    _line(ws, row, w["h_comparison"], HEADING_FONT)
    comp = result.comparison
    frame = pd.DataFrame({w["col_scenario"]: comp["scenario"],
                          w["col_figure"]: [_figure_label(m, i, w) for m, i in zip(comp["metric"], comp["item"])],
                          w["col_unit"]: comp["unit"].map(display_unit), w["col_before"]: comp["before"],
                          w["col_after"]: comp["after"], w["col_delta"]: comp["change"],
                          w["col_change_pct"]: comp["change_pct"]})
    row = _write_table(ws, frame, row=row + 1, freeze=False, autofilter=True) + 1

    v = result.benchmarks
    if len(v):
        _line(ws, row, w["h_verdicts"], HEADING_FONT)
        frame = pd.DataFrame({w["col_scenario"]: v["scenario"], w["col_benchmark"]: v["benchmark"],
                              w["col_metric"]: v["metric"].map(w.metric),
                              w["col_item"]: v["item"].map(w.short), w["col_limit"]: v["limit"],
                              w["col_unit"]: v["unit"].map(display_unit), w["col_before"]: v["before"],
                              w["col_verdict_before"]: v["before_verdict"].map(w.verdict),
                              w["col_after"]: v["after"], w["col_verdict_after"]: v["after_verdict"].map(w.verdict)})
        head = row + 1
        row = _write_table(ws, frame, row=head, freeze=False, autofilter=False) + 1
        for col, raw in ((8, v["before_verdict"]), (10, v["after_verdict"])):
            for i, fill in enumerate(_verdict_fills(pd.DataFrame({"verdict": raw.tolist()}))):
                if fill is not None:
                    ws.cell(row=head + 1 + i, column=col).fill = fill

    # chart data below everything; the charts above the tables
    labels = list(headline[w["col_scenario"]])
    _line(ws, row, w["chart_data"], HEADING_FONT)
    ghg = pd.DataFrame({w["col_scenario"]: labels,
                        w["fig_total_location"]: headline[f"{w['fig_total_location']} [tCO2e]"],
                        w["fig_total_market"]: headline[f"{w['fig_total_market']} [tCO2e]"]})
    head_g = row + 1
    row = _write_table(ws, ghg, row=head_g, freeze=False, autofilter=False) + 1
    energy = pd.DataFrame({w["col_scenario"]: labels, w["axis_energy"]: headline[f"{w['fig_energy']} [tce]"]})
    head_e = row
    _write_table(ws, energy, row=head_e, freeze=False, autofilter=False)
    charts = [_bar_chart(ws, w["chart_s_ghg"], head_g, len(labels), 3, w["axis_scenario"], w["axis_emissions"]),
              _bar_chart(ws, w["chart_s_energy"], head_e, len(labels), 2, w["axis_scenario"], w["axis_energy"])]
    for c in charts:
        c.y_axis.scaling.min = 0
    _charts_side_by_side(ws, charts, 4)


def _changes_sheet(ws, result, w: _Words) -> None:
    c = result.changes
    frame = pd.DataFrame({w["col_scenario"]: c["scenario"], w["col_change"]: c["change"],
                          w["col_where"]: c["where"], w["col_description"]: c["description"],
                          w["col_note"]: c["note"]})
    _write_table(ws, frame)


def build_scenario_workbook(result, *, lang: str = "en", version: str | None = None) -> Workbook:
    """The scenario report (sheets Scenarios, Scenario changes, Data issues, About) as a Workbook."""
    w = _Words(lang)
    version = version or greentex.__version__
    options = dict(result.before.options or {})
    options["scenarios_file"] = result.source.get("path", "")
    options["scenarios_sha256"] = result.source.get("sha256", "")
    return assemble(result.before, w, version,
                     [(w["scenarios"], lambda ws: _scenario_sheet(ws, result, w, version)),
                      (w["scenario_changes"], lambda ws: _changes_sheet(ws, result, w))],
                     result.issues, options)


def write_scenario_report(result, path, *, lang: str = "en", version: str | None = None) -> None:
    """Write the scenario comparison of a greentex.scenario result to ``path`` atomically."""
    wb = build_scenario_workbook(result, lang=lang, version=version)
    _save_atomic(wb, path, result.before.inventory)
