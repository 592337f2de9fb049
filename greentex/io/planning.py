"""Reports of `greentex baseline` and `greentex scenario`: the model, tracking and savings, and
the before / after comparison of what-if scenarios, in English or Chinese."""

from __future__ import annotations

import numpy as np
import pandas as pd

import greentex
from greentex.display import Words, period_word, unit_text
from greentex.io.report import (FIGURE_LABELS, _verdict_fills, assemble, bar_chart, footer, line_chart, mill_name,
                                months_of, place_charts)
from greentex.io.xlsx import CHART_ROWS, FILL_FAIL, FILL_PASS, Book, Sheet, save


P_FORMAT = '[<0.0001]"<0.0001";0.0000'
ENERGY = "tce"
HEADLINE = [("energy", "total", "tce"), ("ghg", "total_location", "tCO2e"), ("ghg", "total_market", "tCO2e"),
            ("water_intake", "total", "m³")]  # the figures a scenario is summed up by


def _fmt_num(v, digits: int = 1) -> str:
    return "–" if v is None or v != v else f"{v:,.{digits}f}"


def _baseline_sheet(s: Sheet, result, w: Words, version: str) -> None:
    a = result.assessment
    src = a.inventory.source
    bm, rm = result.baseline_months, result.reporting_months
    s.line(1, w["b_title"].format(name=mill_name(a)), "title")
    s.line(2, w["b_subtitle"].format(b=f"{bm[0]}..{bm[-1]}", n=len(bm), r=f"{rm[0]}..{rm[-1]}" if rm else "–",
                                     m=len(rm), file=src.get("name", ""), version=version))
    total = result.model("total")
    sm = result.summary[result.summary["item"] == "total"]
    if len(sm):
        t = sm.iloc[0]
        s.line(3, w["b_savings"].format(s=_fmt_num(t.savings), se=_fmt_num(t.savings_stderr),
                                        ci=_fmt_num(t.savings_ci90), pct=_fmt_num(t.savings_pct, 1),
                                        e=_fmt_num(t.expected, 0), enpi=_fmt_num(t.enpi, 3)), "bold")
    else:
        s.line(3, w["b_no_reporting"], "bold")
    if total is not None:
        s.line(4, w["b_valid"] if total.valid else w["b_invalid"].format(why=total.why(w.lang)),
               "green" if total.valid else "red")
    if len(result.out_of_range):
        s.line(5, w["b_flags"].format(n=len(result.out_of_range)))
    has_charts = len(result.tracking) > 0
    row = 7 + (CHART_ROWS if has_charts else 0)
    u = f" [{ENERGY}]"

    # the models
    s.line(row, w["h_model"], "heading")
    t = result.terms(w.lang)
    valid = t["valid"].astype(bool)
    frame = pd.DataFrame({
        w["col_item"]: t["item"].map(w.short), w["col_term"]: t["term"],
        w["col_value"]: t["value"], w["col_unit"]: t["unit"].map(lambda x: unit_text(x, w.lang)),
        w["col_stderr"]: t["stderr"], w["col_p"]: t["p"], w["col_r2"]: t["r2"], w["col_adj_r2"]: t["adj_r2"],
        w["col_f_p"]: t["f_p"], w["col_n"]: t["n"].astype(int), w["col_valid"]: np.where(valid, w["yes"], w["no"]),
        w["col_reasons"]: t["reasons"]})
    fmts = {w["col_p"]: P_FORMAT, w["col_f_p"]: P_FORMAT, w["col_r2"]: "0.000", w["col_adj_r2"]: "0.000"}
    row = s.table(frame, row=row + 1, freeze=False, autofilter=False, least=4, formats=fmts,
                  cell_fills={w["col_valid"]: [FILL_PASS if ok else FILL_FAIL for ok in valid]}) + 1

    # savings over the period
    if len(result.summary):
        s.line(row, w["h_savings"], "heading")
        sm = result.summary
        frame = pd.DataFrame({
            w["col_item"]: sm["item"].map(w.short), w["col_months"]: sm["months"].astype(int),
            w["col_actual"] + u: sm["actual"], w["col_expected"] + u: sm["expected"],
            w["col_savings"] + u: sm["savings"], w["col_savings_stderr"] + u: sm["savings_stderr"],
            w["col_savings_ci90"] + u: sm["savings_ci90"], w["col_savings_pct"]: sm["savings_pct"],
            w["col_enpi"]: sm["enpi"]})
        fmts = {c: "#,##0.0" for c in list(frame.columns)[2:8]} | {w["col_enpi"]: "0.000"}
        row = s.table(frame, row=row + 1, freeze=False, autofilter=False, formats=fmts) + 1
    if len(result.out_of_range):
        s.line(row, w["h_range"], "heading")
        o = result.out_of_range
        frame = pd.DataFrame({w["col_period"]: o["period"], w["col_driver"]: o["driver"],
                              w["col_unit"]: o["unit"].map(lambda x: unit_text(x, w.lang)), w["col_value"]: o["value"],
                              w["col_low"]: o["low"], w["col_high"]: o["high"]})
        row = s.table(frame, row=row + 1, freeze=False, autofilter=False) + 1

    # tracking: the total first (the charts plot its rows)
    if not has_charts:
        return
    s.line(row, w["h_tracking"], "heading")
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
    fmts = {c: "#,##0.0" for c in list(frame.columns)[2:7]} | {w["col_enpi"]: "0.000"}
    s.table(frame, row=head, freeze=False, autofilter=True, formats=fmts, repeat=True)
    ntot = int((tr["item"] == "total").sum())
    chart_frame = frame.iloc[:ntot]
    actual = line_chart(s, w["chart_actual"], ENERGY, head, chart_frame,
                        {ENERGY: [w["col_actual"] + u, w["col_expected"] + u]}, {w["col_expected"] + u}, w["axis_month"])
    cus = line_chart(s, w["chart_cusum"], ENERGY, head, chart_frame, {ENERGY: [w["col_cusum"] + u]}, set(),
                     w["axis_month"])
    cus.set_y_axis({"name": ENERGY, "name_font": {"size": 9, "bold": False}, "num_font": {"size": 9}})
    cus.set_x_axis({"name": w["axis_month"], "name_font": {"size": 9, "bold": False}, "label_position": "low",
                    "num_font": {"size": 9, "rotation": -45}})   # CUSUM goes below zero: labels below the plot
    cus.set_legend({"none": True})
    place_charts(s, [actual, cus], 7)


def _model_data_sheet(s: Sheet, result, w: Words) -> None:
    d = result.data
    cols = {w["col_period"]: d["period"], w["col_role"]: d["role"].map(lambda r: w[f"role_{r}"])}
    units = dict(result.driver_units)
    for c in d.columns:
        if c in ("period", "role"):
            continue
        if c in units or c.startswith("production"):
            cols[f"{c} [{unit_text(units.get(c, ''), w.lang)}]"] = d[c]
        else:
            cols[f"{w.short(c)} [tce]"] = d[c]
    s.table(pd.DataFrame(cols))


def _baseline_book(book: Book, result, w: Words, version: str) -> None:
    a = result.assessment
    options = dict(a.options or {})
    options.update({"baseline_period": f"{result.baseline_months[0]}..{result.baseline_months[-1]}",
                    "reporting_period": (f"{result.reporting_months[0]}..{result.reporting_months[-1]}"
                                         if result.reporting_months else ""),
                    "drivers": ", ".join(f"{d} [{u}]" for d, u in result.driver_units.items())})
    assemble(book, a, w, version, [(w["baseline"], True, lambda s: _baseline_sheet(s, result, w, version)),
                                   (w["model_data"], True, lambda s: _model_data_sheet(s, result, w))],
             result.issues, options)


def write_baseline_report(result, path, *, lang: str = "en", version: str | None = None) -> None:
    """Write the baseline report (sheets Baseline, Model data, Data issues, About) of a
    greentex.baseline result to ``path`` atomically."""
    w = Words(lang)
    version = version or greentex.__version__
    a = result.assessment
    save(lambda book: _baseline_book(book, result, w, version), path, a.inventory, footer(a, w, version))


def _figure_label(metric: str, item: str, w: Words) -> str:
    if (metric, item) in FIGURE_LABELS:
        return w[FIGURE_LABELS[(metric, item)]]
    if metric == "energy":
        return w["fig_energy_of"].format(p=w.short(item))
    key = f"fig_{metric}"
    return w[key].format(p=w.short(item)) if key in w.t else f"{metric}: {item}"


def _scenario_headline(result, w: Words) -> pd.DataFrame:
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


def _scenario_sheet(s: Sheet, result, w: Words, version: str) -> None:
    a = result.before
    src = a.inventory.source
    s.line(1, w["s_title"].format(name=mill_name(a)), "title")
    s.line(2, w["s_subtitle"].format(file=src.get("name", ""), sfile=result.source.get("name", ""), version=version))
    row = 4 + CHART_ROWS + 1
    period = period_word(months_of(a), w.lang)

    s.line(row, w["h_headline"].format(period=period), "heading")
    headline = _scenario_headline(result, w)
    row = s.table(headline, row=row + 1, freeze=False, autofilter=False) + 1

    s.line(row, w["h_comparison"].format(period=period), "heading")
    comp = result.comparison
    frame = pd.DataFrame({w["col_scenario"]: comp["scenario"],
                          w["col_figure"]: [_figure_label(m, i, w) for m, i in zip(comp["metric"], comp["item"])],
                          w["col_unit"]: comp["unit"].map(lambda x: unit_text(x, w.lang)),
                          w["col_before"]: comp["before"], w["col_after"]: comp["after"],
                          w["col_delta"]: comp["change"], w["col_change_pct"]: comp["change_pct"]})
    row = s.table(frame, row=row + 1, freeze=False, autofilter=True, repeat=True) + 1

    v = result.benchmarks
    if len(v):
        s.line(row, w["h_verdicts"].format(period=period), "heading")
        frame = pd.DataFrame({w["col_scenario"]: v["scenario"], w["col_benchmark"]: v["benchmark"].map(w.benchmark),
                              w["col_metric"]: v["metric"].map(w.metric),
                              w["col_item"]: v["item"].map(w.short), w["col_limit"]: v["limit"],
                              w["col_unit"]: v["unit"].map(lambda x: unit_text(x, w.lang)), w["col_before"]: v["before"],
                              w["col_verdict_before"]: v["before_verdict"].map(w.verdict),
                              w["col_after"]: v["after"], w["col_verdict_after"]: v["after_verdict"].map(w.verdict)})
        fills = {w["col_verdict_before"]: _verdict_fills(pd.DataFrame({"verdict": v["before_verdict"].tolist()})),
                 w["col_verdict_after"]: _verdict_fills(pd.DataFrame({"verdict": v["after_verdict"].tolist()}))}
        row = s.table(frame, row=row + 1, freeze=False, autofilter=False, cell_fills=fills) + 1

    # chart data below everything; the charts above the tables
    labels = list(headline[w["col_scenario"]])
    s.line(row, w["chart_data"], "heading")
    ghg = pd.DataFrame({w["col_scenario"]: labels,
                        w["fig_total_location"]: headline[f"{w['fig_total_location']} [tCO2e]"],
                        w["fig_total_market"]: headline[f"{w['fig_total_market']} [tCO2e]"]})
    head_g = row + 1
    row = s.table(ghg, row=head_g, freeze=False, autofilter=False) + 1
    energy = pd.DataFrame({w["col_scenario"]: labels, w["axis_energy"]: headline[f"{w['fig_energy']} [tce]"]})
    head_e = row
    s.table(energy, row=head_e, freeze=False, autofilter=False)
    charts = [bar_chart(s, w["chart_s_ghg"].format(period=period), head_g, len(labels), 3, w["axis_scenario"],
                        w["axis_emissions"]),
              bar_chart(s, w["chart_s_energy"].format(period=period), head_e, len(labels), 2, w["axis_scenario"],
                        w["axis_energy"])]
    place_charts(s, charts, 4)


def _changes_sheet(s: Sheet, result, w: Words) -> None:
    c = result.changes
    frame = pd.DataFrame({w["col_scenario"]: c["scenario"], w["col_change"]: c["change"],
                          w["col_where"]: c["where"], w["col_description"]: c["description"],
                          w["col_note"]: c["note"]})
    s.table(frame)


def _scenario_book(book: Book, result, w: Words, version: str) -> None:
    options = dict(result.before.options or {})
    options["scenarios_file"] = result.source.get("path", "")
    options["scenarios_sha256"] = result.source.get("sha256", "")
    assemble(book, result.before, w, version,
             [(w["scenarios"], True, lambda s: _scenario_sheet(s, result, w, version)),
              (w["scenario_changes"], True, lambda s: _changes_sheet(s, result, w))],
             result.issues, options)


def write_scenario_report(result, path, *, lang: str = "en", version: str | None = None) -> None:
    """Write the scenario comparison (sheets Scenarios, Scenario changes, Data issues, About) of
    a greentex.scenario result to ``path`` atomically."""
    w = Words(lang)
    version = version or greentex.__version__
    a = result.before
    save(lambda book: _scenario_book(book, result, w, version), path, a.inventory, footer(a, w, version))
