"""Write an Assessment as a formatted Excel report, in English or Chinese, ready to print.

Sheets, in order: Summary (key figures, benchmark verdicts, charts and the data they plot),
Metrics (the tidy ``metric, item, period, value, unit`` table, headers, ids and pint units as the
contract has them so scripts can read it; hidden, so that it does not print), one detail sheet per
domain (every line with its input as written, the converted quantity, factor and factor source,
then totals per item and a grand total that tie to the Summary), Benchmarks (the long notes once,
in a numbered notes block), Factors (every factor used, weaker statuses highlighted), Data issues
and About (version, generation time, input file and SHA-256, options, site, row counts).

Everything a person reads goes through greentex.display (words and units in the report's
language); the workbook is written by greentex.io.xlsx (XlsxWriter), atomically.
"""

from __future__ import annotations

import datetime as dt
import re
import os  # noqa: F401  (the module whose replace() atomic_path calls, as callers may patch it here)

import numpy as np
import pandas as pd

import greentex
from greentex.benchmarks import headline
from greentex.display import Words, decimals, period_word, text_width, unit_text
from greentex.io import monthly
from greentex.io.xlsx import (CHART_H, CHART_ROWS, CHART_W, FILL_FAIL, FILL_PASS, FILL_USER, FILL_WEAK, PX_CM,
                              Book, Footer, Sheet, save)
from greentex.labels import labels
from greentex.periods import month_mask
from greentex.units import conversion_factor

# Every word the report shows, in one place (greentex/labels.csv).
LABELS = labels()
_Words = Words   # the planning reports' name for it


def mill_name(a) -> str:
    """The mill's name for a title: the Site sheet's, else the input file's."""
    return (a.site or {}).get("name") or a.inventory.source.get("name", "")


def display_unit(unit) -> str:
    """A pint unit string as a reader writes it (English): m**3 -> m³, percent -> %, hm -> 100 m."""
    return unit_text(unit)


def months_of(a) -> list[str]:
    """The months (YYYY-MM) an assessment's totals cover."""
    m = a.metrics
    return sorted({p for p in map(str, pd.unique(m["period"])) if len(p) == 7 and p[4] == "-"}) if len(m) else []


def footer(a, w: Words, version: str, what: str = "") -> Footer:
    """The page footer of a report on ``a``."""
    src = a.inventory.source
    return Footer(mill=mill_name(a) + (f" · {what}" if what else ""), period=period_word(months_of(a), w.lang),
                  version=version, generated=generated(), sha256=src.get("sha256", ""), page=w["footer_page"])


def generated() -> str:
    """The time the report is made (UTC, to the minute)."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _places(units, values=None) -> np.ndarray:
    """Decimals per row from each row's unit (greentex.display.decimals); values below 1 keep
    about three significant digits."""
    d = np.array([decimals(u) for u in units], dtype=int)
    if values is not None:
        a = np.abs(pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float))
        with np.errstate(divide="ignore", invalid="ignore"):
            small = np.isfinite(a) & (a > 0) & (a < 1)
            need = np.where(small, np.ceil(-np.log10(np.where(small, a, 1.0))) + 2, 0)
        d = np.clip(np.maximum(d, need), 0, 8).astype(int)
    return d


# -- sheets ----------------------------------------------------------------------------------

def _metrics_sheet(s: Sheet, a, w: Words) -> None:
    """The metrics table exactly as assess() made it (English headers, ids, pint units); hidden:
    it is for scripts, and the other sheets show its figures."""
    s.table(a.metrics[["metric", "item", "period", "value", "unit"]].reset_index(drop=True), least=6)
    s.ws.hide()


def _col(d: pd.DataFrame, name: str, default=""):
    return d[name] if name in d else pd.Series(default, index=d.index)


def _detail_frame(d: pd.DataFrame, kind: str, w: Words) -> pd.DataFrame:
    """The columns of one detail sheet, with translated headers and words; the input as written
    beside the converted quantity; columns that are empty throughout left out."""
    u = lambda x: unit_text(x, w.lang)  # noqa: E731
    out = {w["col_period"]: _col(d, "period")}
    if kind == "ghg":
        out.update({w["col_source_name"]: _col(d, "source_name").map(w.source),
                    w["col_scope"]: _col(d, "scope").map(lambda s: w.t.get(s, s))})
    else:
        out[w["col_name"]] = _col(d, "item").map(w.name)
    out[w["col_product"]] = _col(d, "product").map(w.short)
    if "written_quantity" in d:
        out[w["col_written"]] = d["written_quantity"]
        out[w["col_written_unit"]] = d["written_unit"].map(u)
    if kind == "ghg":
        out.update({w["col_activity"]: _col(d, "activity"), w["col_activity_unit"]: _col(d, "activity_unit").map(u),
                    w["col_factor"]: _col(d, "factor"), w["col_factor_unit"]: _col(d, "factor_unit").map(u),
                    w["col_factor_source"]: _col(d, "factor_source"),
                    w["col_factor_status"]: _col(d, "factor_status").map(w.status), w["col_tco2e"]: _col(d, "tco2e")})
    else:
        out[w["col_quantity"]] = _col(d, "quantity")
        out[w["col_unit"]] = _col(d, "unit").map(u)
    if kind == "energy":
        out.update({w["col_sign"]: _col(d, "sign"), w["col_factor"]: _col(d, "factor"),
                    w["col_factor_unit"]: _col(d, "factor_unit").map(u), w["col_factor_source"]: _col(d, "source"),
                    w["col_factor_status"]: _col(d, "status").map(w.status),
                    w["col_energy_tce"]: _col(d, "energy_tce"), w["col_energy_gj"]: _col(d, "energy_gj")})
    out[w["col_cells"]] = _col(d, "cells")
    frame = pd.DataFrame(out)
    empty = [c for c in frame.columns if frame[c].map(lambda v: v is None or v == "" or v != v).all()]
    return frame.drop(columns=empty)


# the result column of each detail sheet, summed in its totals (None: the quantity)
RESULTS = {"energy": ("energy_tce", "tce"), "ghg": ("tco2e", "tCO2e"), "water": (None, None),
           "chemicals": (None, None), "production": (None, None)}
NOT_SUMMED = {"mg/L"}   # concentrations: averaged by the rules, never summed here


def _totals(d: pd.DataFrame, kind: str, w: Words):
    """(frame, decimals, bold rows) of the totals over the whole period: per item and unit (per
    source and scope for GHG) and the grand total of the result (tce; tCO2e per scope) — the
    figures the Summary shows. None when nothing adds up (concentrations only)."""
    col, unit = RESULTS[kind]
    d = d[~d["unit"].isin(NOT_SUMMED)]
    if d.empty:
        return None
    if kind == "ghg":   # per scope and source, with the source's method (the same on each of its lines)
        d = d.assign(method=_col(d, "method").astype(str))
        g = d.groupby(["scope", "source_name", "method"], sort=False)["tco2e"].sum(min_count=1).reset_index()
        rows = [(w.t.get(sc, sc), w.source(src), w.t.get("method:" + m, m), v) for sc, src, m, v in
                g.itertuples(index=False)]
        for sc, v in d.groupby("scope", sort=False)["tco2e"].sum(min_count=1).items():
            rows.append((w.t.get(sc, sc), w["item_total"], "", v))
        frame = pd.DataFrame(rows, columns=[w["col_scope"], w["col_source_name"], w["col_method"], w["col_tco2e"]])
        return frame, {w["col_tco2e"]: decimals("tCO2e")}, range(len(g), len(frame))
    g = d.groupby(["item", "unit"], sort=False)
    keys = list(g.groups)
    frame = pd.DataFrame({w["col_name"]: [w.name(i) for i, _ in keys],
                          w["col_quantity"]: g["quantity"].sum().to_numpy(),
                          w["col_unit"]: [unit_text(u, w.lang) for _, u in keys]})
    qty = _places([u for _, u in keys], frame[w["col_quantity"]])
    if not col:
        return frame, {w["col_quantity"]: qty}, ()
    frame[w["col_energy_tce"]] = g[col].sum(min_count=1).to_numpy()
    total = {w["col_name"]: w["item_total"], w["col_quantity"]: np.nan, w["col_unit"]: "",
             w["col_energy_tce"]: d[col].sum(min_count=1)}
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    return frame, {w["col_quantity"]: np.append(qty, 0), w["col_energy_tce"]: decimals(unit)}, [len(frame) - 1]


def _narrow(w: Words) -> dict:
    """Widths (characters) at which the long text columns of the detail, benchmark and factor
    sheets wrap, so that a sheet prints across one A4 page at 8 pt or more."""
    return {w[k]: n for k, n in (("col_factor_source", 20), ("col_method", 18), ("col_name", 18),
                                 ("col_source_name", 16), ("col_scope", 12), ("col_product", 14),
                                 ("col_benchmark", 18), ("col_metric", 14), ("col_item", 14), ("col_period", 10),
                                 ("col_verdict", 14), ("col_parameter", 20), ("col_source", 36), ("col_note", 36),
                                 ("col_dataset", 14), ("col_comparison", 8), ("col_level", 10))}


def _detail_sheet(s: Sheet, a, kind: str, w: Words) -> None:
    d = a.details.get(kind)
    if d is None or not len(d):
        s.line(1, w["no_data"])
        return
    d = d.reset_index(drop=True)
    frame = _detail_frame(d, kind, w)
    places = {w["col_quantity"]: _places(d["unit"], d["quantity"])} if kind != "ghg" else {}
    if "written_quantity" in d:
        places[w["col_written"]] = _places(d["written_unit"], d["written_quantity"])
    for key, unit in (("col_energy_tce", "tce"), ("col_energy_gj", "GJ"), ("col_tco2e", "tCO2e")):
        if w[key] in frame:
            places[w[key]] = decimals(unit)
    if kind == "ghg":
        places[w["col_activity"]] = _places(d["activity_unit"], d["activity"])
    sources = _col(d, "factor_source" if kind == "ghg" else "source").fillna("").astype(str)
    numbers = {t: k + 1 for k, t in enumerate(dict.fromkeys(x for x in sources if x))}
    if w["col_factor_source"] in frame:   # each source once, in the notes below: one line per row
        frame[w["col_factor_source"]] = [f"[{numbers[x]}]" if x else "" for x in sources]
    row = s.table(frame, places=places, least=4, wrap=_narrow(w))
    got = _totals(d, kind, w)
    if got is not None:
        totals, tplaces, bold = got
        s.line(row + 1, w["h_totals"].format(period=period_word(months_of(a), w.lang)), "heading")
        row = s.table(totals, row=row + 2, col=2, places=tplaces, freeze=False, autofilter=False, bold_rows=bold,
                      wrap=_narrow(w))
    if numbers:
        s.line(row + 1, w["h_factor_sources"], "heading")
        for k, (text, n) in enumerate(numbers.items()):
            s.note(row + 2 + k, f"[{n}] {w.factor_source(text)}", span=min(len(frame.columns), 12))


BENCHMARK_COLUMNS = ["benchmark", "metric", "item", "period", "value", "limit", "unit", "comparison", "level",
                     "verdict", "margin", "margin_pct", "reduction_needed", "source", "reference", "status",
                     "check", "note"]
NOTE_COLUMNS = ["source", "reference", "check", "note"]


def _benchmark_frame(b: pd.DataFrame, w: Words, months, columns=None) -> pd.DataFrame:
    """Benchmark lines with translated headers and words (set names, metrics, products,
    comparisons, levels, verdicts, statuses, the period word for the whole period)."""
    cols = [c for c in (columns or BENCHMARK_COLUMNS) if c in b]
    out = b[cols].reset_index(drop=True).copy()
    maps = {"benchmark": w.benchmark, "metric": w.metric, "item": w.short, "unit": lambda x: unit_text(x, w.lang),
            "comparison": w.comparison, "level": w.level, "verdict": w.verdict, "status": w.status,
            "period": lambda p: w.period(p, months), "check": lambda c: w.t.get(f"chk_{c}", c),
            "note": w.reason}
    for c, f in maps.items():
        if c in out:
            out[c] = out[c].map(f)
    out.columns = [w["key_period"] if c == "period" else w.t.get(f"col_{c}", str(c)) for c in cols]
    return out


def _benchmark_places(b: pd.DataFrame, w: Words) -> dict:
    """Decimals of value, limit, margin and reduction by each line's unit; margin % with one."""
    p = _places(b["unit"]) if "unit" in b else 2
    return {w["col_value"]: p, w["col_limit"]: p, w["col_margin"]: p, w["col_reduction_needed"]: p,
            w["col_margin_pct"]: 1}


def _verdict_fills(b: pd.DataFrame) -> list:
    """A red fill for failing lines, green for passing ones."""
    if "verdict" not in b:
        return [None] * len(b)
    v = b["verdict"].astype(str)
    return [FILL_FAIL if x == "fail" else FILL_PASS if x == "pass" or x.startswith("level ") else None for x in v]


def _benchmarks_sheet(s: Sheet, a, w: Words) -> None:
    """Every benchmark line; its source, reference, check and note once, in a numbered notes block."""
    b = a.benchmarks
    if b is None or not len(b):
        s.line(1, w["no_benchmarks"])
        return
    b = b.reset_index(drop=True)
    notes_of = b.reindex(columns=NOTE_COLUMNS).astype(object).fillna("").astype(str)
    notes_of["note"] = notes_of["note"].map(w.reason)
    keys = list(zip(*(notes_of[c] for c in NOTE_COLUMNS)))
    numbers: dict = {}
    for k in keys:
        numbers.setdefault(k, len(numbers) + 1)
    frame = _benchmark_frame(b, w, months_of(a), [c for c in BENCHMARK_COLUMNS if c not in NOTE_COLUMNS])
    frame[w["col_notes_ref"]] = [f"[{numbers[k]}]" for k in keys]
    row = s.table(frame, places=_benchmark_places(b, w), fills=_verdict_fills(b), wrap=_narrow(w))
    s.line(row + 1, w["h_notes"], "heading")
    row += 2
    for k, n in numbers.items():
        source, reference, check, note = k
        parts = [source, reference, w.t.get(f"chk_{check}", check) if check else "", note]
        s.note(row, f"[{n}] " + " — ".join(p for p in parts if p), span=min(len(frame.columns), 12))
        row += 1


def _factors_sheet(s: Sheet, a, w: Words) -> None:
    f = a.factors.reset_index(drop=True)
    s.note(1, w["factor_legend"], span=9)
    if not len(f):
        return
    overridden = f["overridden"].fillna(False).astype(bool)
    source = f["source"].map(w.factor_source) + np.where(f["reference"].fillna("").astype(str) != "",
                                                           " — " + f["reference"].fillna("").astype(str), "")
    frame = pd.DataFrame({
        w["col_name"]: f["item"].map(w.name), w["col_parameter"]: f["parameter"].map(w.parameter),
        w["col_value"]: f["value"], w["col_unit"]: f["unit"].map(lambda x: unit_text(x, w.lang)),
        w["col_status"]: f["status"].map(w.status), w["col_overridden"]: np.where(overridden, w["yes"], w["no"]),
        w["col_dataset"]: f["dataset"].map(lambda d: w.t.get(f"ds_{d}", d)), w["col_source"]: source,
        w["col_note"]: f["note"]})
    fills = [FILL_USER if o else (FILL_WEAK if st != "primary" else None) for o, st in zip(overridden, f["status"])]
    s.table(frame, row=3, least=4, fills=fills, wrap=_narrow(w))


def _cell_words(cell, w: Words) -> str:
    """A rejected row's place: a cell as written (E2), or a whole row ('row 5') in words."""
    m = re.fullmatch(r"row (\d+)", str(cell))
    return w["cell_row"].format(n=m.group(1)) if m else cell


def _issues_sheet(s: Sheet, issues: list, inventory, w: Words) -> None:
    """The issues found, then the rows the reader rejected, each with its sheet and cell."""
    rows = [(w.severity(i.severity), i.sheet, i.cell, i.text(w.lang, w.names)) for i in issues]
    rej = inventory.rejected
    if rej is not None and len(rej):
        rows += [(w["sev_rejected"], r.sheet, _cell_words(r.cell, w), w.t.get(f"reason_{r.reason}", r.reason))
                 for r in rej.itertuples(index=False)]
    if not rows:
        s.line(1, w["no_issues"])
        return
    s.table(pd.DataFrame(rows, columns=[w["col_severity"], w["col_sheet"], w["col_cell"], w["col_message"]]))


def _as_written(value):
    """A number of About's value column as text, as the Site sheet has it (a year is 2024, not a
    figure with a thousands separator, 2,024)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value == value:
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else str(value)
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _about_sheet(s: Sheet, a, options: dict, w: Words, version: str) -> None:
    """Version, generation time, input file and SHA-256, options, Site, and rows read = used +
    rejected per sheet."""
    inventory, site = a.inventory, a.site
    src = inventory.source
    rows = [(w["sec_report"], w["key_version"], version),
            (w["sec_report"], w["key_generated"], generated()),
            (w["sec_report"], w["key_language"], w["language_note"]),
            (w["sec_report"], w["key_period"], period_word(months_of(a), w.lang)),
            (w["sec_input"], w["key_file"], src.get("name", "")),
            (w["sec_input"], w["key_sha256"], src.get("sha256", ""))]
    rows += [(w["sec_options"], w.key(k), _as_written(w.value(k, v))) for k, v in (options or {}).items()]
    rows += [(w["sec_site"], w.key(k), _as_written(w.value(k, v))) for k, v in (site or {}).items()]
    frame = pd.DataFrame(rows, columns=[w["col_section"], w["col_key"], w["col_value"]], dtype=object)
    s.table(frame)
    counts = inventory.counts
    if counts:  # to the right of the first table, so that each keeps its own column widths
        # the check before the counts: a right-aligned count header beside it read as one with it
        table = pd.DataFrame([(w.t.get(f"sheet_{k}", k),
                               w["ok"] if c["read"] == c["used"] + c["rejected"] else w["mismatch"],
                               c["read"], c["used"], c["rejected"]) for k, c in counts.items()],
                             columns=[w["col_sheet"], w["col_counts_check"], w["col_read"], w["col_used"],
                                      w["col_rejected"]])
        s.table(table, col=5, freeze=False, autofilter=False)
        for c in range(6, 10):
            s.width(c, 11)


# -- summary ---------------------------------------------------------------------------------

# the whole-mill figures and their labels, in the order the Summary lists them
KEY_FIGURES = [("energy", "total", "fig_energy"), ("energy_content", "total", "fig_energy_content"),
               ("ghg", "scope1", "fig_scope1"), ("ghg", "scope2_location", "fig_scope2_location"),
               ("ghg", "scope2_market", "fig_scope2_market"), ("ghg", "total_location", "fig_total_location"),
               ("ghg", "total_market", "fig_total_market"), ("water_intake", "total", "fig_water_intake"),
               ("water_reuse_rate", "total", "fig_reuse_rate"), ("chemicals", "total", "fig_chemicals")]
FIGURE_LABELS = {(m, i): key for m, i, key in KEY_FIGURES} | {("water_reused", "total"): "fig_water_reused"}


def key_figure_spec(a, w: Words) -> list[tuple[str, str, str]]:
    """(label, metric, item) of the key figures: KEY_FIGURES, then output and the intensities of
    each product."""
    m = a.metrics
    spec = [(w[key], metric, item) for metric, item, key in KEY_FIGURES]
    products = list(m.loc[(m.metric == "production") & (m.period == "total"), "item"])
    for key, metric in (("fig_production", "production"), ("fig_energy_intensity", "energy_intensity"),
                        ("fig_ghg_intensity", "ghg_intensity"), ("fig_water_intensity", "water_intensity")):
        spec += [(w[key].format(p=w.short(p)), metric, p) for p in products]
    return spec


def _key_figures(a, w: Words) -> tuple[pd.DataFrame, list[str]]:
    """(Figure, Value, Unit) rows and each row's pint unit."""
    rows, units = [], []
    for label, metric, item in key_figure_spec(a, w):
        hit = a.figure(metric, item)
        if hit is None:
            continue
        value = hit[0] if pd.notna(hit[0]) else w["not_computed"]
        rows.append((label, value, unit_text(hit[1], w.lang)))
        units.append(hit[1])
    return pd.DataFrame(rows, columns=[w["col_figure"], w["col_value"], w["col_unit"]], dtype=object), units


def limit_lines(b: pd.DataFrame | None, metric: str, product: str, unit: str) -> list[tuple[str, str, dict]]:
    """(benchmark set, level, {period: limit in ``unit``}) of the applicable limits on one
    product's intensity, one per set and level; limits in a unit that does not convert are left out."""
    if b is None or not len(b) or not {"benchmark", "metric", "item", "period", "limit", "unit"} <= set(b.columns):
        return []
    rows = b[(b["metric"] == metric) & (b["item"] == product) & b["limit"].notna()]
    if "verdict" in rows:
        rows = rows[rows["verdict"].astype(str) != "not applicable"]
    level = rows["level"].fillna("").astype(str) if "level" in rows else pd.Series("", index=rows.index)
    out = []
    for (name, lvl), grp in rows.groupby([rows["benchmark"], level], sort=False):
        try:
            scale = conversion_factor(grp["unit"].iloc[0], unit)
        except Exception:  # a unit that does not convert: leave that limit off the chart
            continue
        out.append((name, lvl, dict(zip(grp["period"], grp["limit"].astype(float) * scale))))
    return out


def _limits(a, metric: str, product: str, unit: str, periods: list, w: Words) -> dict:
    """{column header: values per period} of the benchmark limits for one product's intensity,
    converted to the intensity's unit; one line per benchmark set and level, named by the set."""
    out = {}
    for name, lvl, by_period in limit_lines(a.benchmarks, metric, product, unit):
        values = [by_period.get(p, by_period.get("total")) for p in periods]
        if any(v is not None for v in values):
            label = w["limit_series"].format(b=w.benchmark(name) + (f" {w.level(lvl)}" if lvl and lvl != "limit"
                                                                    else ""))
            out[f"{label} – {w.short(product)}"] = values
    return out


def _intensity_table(a, metric: str, w: Words):
    """(frame Month x product [+ limits], {unit: headers}, limit headers) for a monthly chart, or None."""
    m = a.metrics
    rows = m[(m.metric == metric) & month_mask(m.period)]
    if rows.empty:
        return None
    periods = sorted(set(rows["period"]))
    frame = pd.DataFrame({w["col_period"]: periods})
    groups: dict[str, list[str]] = {}   # unit text -> column headers: each unit gets its own axis
    limits = set()
    for product, grp in rows.groupby("item", sort=False):
        unit = grp["unit"].iloc[0]
        u = unit_text(unit, w.lang)
        header = f"{w.short(product)} [{u}]"
        frame[header] = frame[w["col_period"]].map(dict(zip(grp["period"], grp["value"])))
        groups.setdefault(u, []).append(header)
        for head, values in _limits(a, metric, product, unit, periods, w).items():
            frame[head] = values
            groups[u].append(head)
            limits.add(head)
    if len(groups) > 2:  # more than two units: one axis whose title lists them all
        groups = {", ".join(groups): [h for hs in groups.values() for h in hs]}
    return frame, groups, limits


def _mix_table(a, w: Words):
    """(carriers with positive tce, exported carriers) for the energy-mix chart."""
    m = a.metrics
    rows = m[(m.metric == "energy") & (m.period == "total") & (m.item != "total")]
    pos = rows[rows["value"] > 0]
    neg = rows[rows["value"] < 0]
    frame = pd.DataFrame({w["col_carrier"]: [w.short(i) for i in pos["item"]],
                          w["axis_energy"]: pos["value"].to_numpy()})
    exported = pd.DataFrame({w["col_carrier"]: [w["exported"].format(x=w.short(i)) for i in neg["item"]],
                             w["axis_energy"]: neg["value"].to_numpy()})
    return frame, exported


def _scope_table(a, w: Words):
    """Scope x source table (tCO2e, whole period) for the stacked emissions chart, or None."""
    m = a.metrics
    skip = {"scope1", "scope2_location", "scope2_market", "total_location", "total_market"}
    rows = m[(m.metric == "ghg") & (m.period == "total") & ~m.item.isin(skip)]
    if rows.empty:
        return None
    g = a.details.get("ghg")
    scope_of = dict(zip(g["source_name"], g["scope"])) if g is not None and "scope" in g else {}
    table: dict[str, dict[str, float]] = {}   # source label -> {scope: tCO2e}
    for name, value in zip(rows["item"], rows["value"]):
        scope = scope_of.get(name) or ("scope2_market" if name.endswith("_market") else
                                       "scope2_location" if name in ("electricity", "heat") else "scope1")
        table.setdefault(w.source(name), {})[scope] = value
    scopes = [s for s in ("scope1", "scope2_location", "scope2_market") if any(s in v for v in table.values())]
    frame = pd.DataFrame({w["col_scope"]: [w[s] for s in scopes]})
    for source, by_scope in table.items():
        frame[source] = [by_scope.get(s) for s in scopes]
    return frame


AXIS_FONT = {"size": 9}


def axes(chart, x_title: str, y_title: str, y_format: str = "#,##0", *, from_zero: bool = True,
         rotate: bool = False) -> None:
    """Axis titles (short: the unit) and the value axis from zero."""
    y = {"name": y_title, "name_font": {"size": 9, "bold": False}, "num_format": y_format, "num_font": AXIS_FONT,
         "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}
    if from_zero:
        y["min"] = 0
    x = {"name": x_title, "name_font": {"size": 9, "bold": False}, "num_font": {"size": 9, **(
        {"rotation": -45} if rotate else {})}}
    chart.set_x_axis(x)
    chart.set_y_axis(y)


def line_chart(s: Sheet, title: str, y_title: str, head: int, frame: pd.DataFrame, groups: dict, limits: set,
               x_title: str, *, first_col: int = 1):
    """Line chart of ``frame``'s columns (header at row ``head``): the first unit on the left
    axis, a second unit (another product measured differently) on a right axis; limits dashed;
    value axes from zero."""
    n = len(frame)
    headers = list(frame.columns)
    chart = s.chart("line", title)
    for k, (unit, columns) in enumerate(groups.items()):
        for h in columns:
            j = first_col + headers.index(h)
            series = {"name": s.ref(head, j), "categories": s.ref(head + 1, first_col, head + n, first_col),
                      "values": s.ref(head + 1, j, head + n, j),
                      "line": {"width": 1.75, **({"dash_type": "dash"} if h in limits else {})},
                      "marker": {"type": "none" if h in limits else "circle", "size": 4}}
            if k == 1:
                series["y2_axis"] = True
            chart.add_series(series)
    units = list(groups)
    axes(chart, x_title, y_title.format(u=units[0]) if "{u}" in y_title else y_title, "#,##0.##",
         rotate=n > 6)
    if len(units) == 2:
        chart.set_y2_axis({"name": y_title.format(u=units[1]) if "{u}" in y_title else y_title, "min": 0,
                           "name_font": {"size": 9, "bold": False}, "num_font": AXIS_FONT})
    return chart


def bar_chart(s: Sheet, title: str, head: int, n: int, ncol: int, cat_title: str, value_title: str, *,
              stacked: bool = False, first_col: int = 1, horizontal: bool = True):
    """Bar chart: categories in ``first_col``, one series per further column, values from zero."""
    chart = s.chart("bar" if horizontal else "column", title, subtype="stacked" if stacked else None)
    for j in range(first_col + 1, first_col + ncol):
        chart.add_series({"name": s.ref(head, j), "categories": s.ref(head + 1, first_col, head + n, first_col),
                          "values": s.ref(head + 1, j, head + n, j)})
    value = {"name": value_title, "name_font": {"size": 9, "bold": False}, "num_format": "#,##0", "min": 0,
             "num_font": AXIS_FONT, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}
    cat = {"name": cat_title, "name_font": {"size": 9, "bold": False}, "num_font": AXIS_FONT}
    if horizontal:   # XlsxWriter: a bar chart's x axis is its value axis; first row on top
        chart.set_x_axis(value)
        chart.set_y_axis({**cat, "reverse": True, "crossing": "max"})
    else:
        chart.set_x_axis(cat)
        chart.set_y_axis(value)
    if ncol == 2:
        chart.set_legend({"none": True})
    return chart


def place_charts(s: Sheet, charts: list, row: int, col: int = 1) -> int:
    """Charts two abreast from ``row``; returns the first row below them."""
    for k, chart in enumerate(charts):
        s.insert(chart, row + (k // 2) * CHART_ROWS, col, x_offset=(k % 2) * round(CHART_W * PX_CM + 12))
    return row + ((len(charts) + 1) // 2) * CHART_ROWS + 1 if charts else row


def _summary_sheet(s: Sheet, a, w: Words, version: str) -> None:
    """Title, key figures, verdicts, the charts two abreast, and below them the data they plot."""
    site, opts = a.site or {}, a.options or {}
    src = a.inventory.source
    period = period_word(months_of(a), w.lang)
    s.line(1, w["title"].format(name=mill_name(a), period=period), "title")
    grid = site.get("grid_used") or {}
    s.line(2, w["subtitle"].format(file=src.get("name", ""), version=version, gwp=opts.get("gwp", ""),
                                   grid=w.value("grid_used", grid) if grid else ""))
    by_year = monthly.year_figures(a, w)   # several calendar years: one column each
    if by_year is None:
        figures, units = _key_figures(a, w)
        places = {w["col_value"]: _places(units, pd.to_numeric(figures[w["col_value"]], errors="coerce"))}
        years = period
    else:
        figures, places, years = by_year
    s.line(4, w["key_figures"].format(period=years), "heading")
    row = s.table(figures, row=5, places=places, freeze=False, autofilter=False, repeat=False) + 1
    row = monthly.write_yoy(s, a, w, row)

    s.line(row, w["verdicts"].format(period=years), "heading")
    b = a.benchmarks
    if b is None or not len(b):
        s.line(row + 1, w["no_benchmarks"])
        row += 3
    else:
        shown = b[b["period"] == "total"] if "period" in b and (b["period"] == "total").any() else b
        cols = ["benchmark", "metric", "item", "level", "value", "limit", "unit", "verdict", "margin"]
        if by_year is not None:   # each year's verdict
            shown = headline(b)
            cols.insert(3, "period")
        shown = shown.reset_index(drop=True)
        row = s.table(_benchmark_frame(shown, w, months_of(a), cols), row=row + 1, freeze=False, autofilter=False,
                      places=_benchmark_places(shown, w), fills=_verdict_fills(shown)) + 1
    row = monthly.write_targets(s, a, w, row)

    # (title, table, chart maker) for each chart; charts first, then the data they plot
    blocks = monthly.chart_blocks(s, a, w)
    for metric, key in (("energy_intensity", "chart_energy_intensity"), ("ghg_intensity", "chart_ghg_intensity")):
        got = _intensity_table(a, metric, w)
        if got is not None:
            blocks.append((w[key], got[0], lambda head, key=key, got=got:
                           line_chart(s, w[key], "{u}", head, *got, w["axis_month"])))
    mix, exported = _mix_table(a, w)
    if len(mix):
        blocks.append((w["chart_mix"].format(period=period), pd.concat([mix, exported], ignore_index=True),
                       lambda head, n=len(mix): bar_chart(s, w["chart_mix"].format(period=period), head, n, 2,
                                                          w["col_carrier"], w["axis_energy"])))
    scopes = _scope_table(a, w)
    if scopes is not None:
        title = w["chart_scopes"].format(period=period)
        blocks.append((title + " [tCO₂e]", scopes, lambda head, title=title: bar_chart(
            s, title, head, len(scopes), scopes.shape[1], w["axis_scope"], w["axis_emissions"], stacked=True)))
    chart_row = row
    row = chart_row + ((len(blocks) + 1) // 2) * CHART_ROWS + 1
    # the charts on pages of their own, two rows of charts a page (three rows ran past an A4 page and
    # LibreOffice cut the last chart in two)
    s.breaks = list(range(chart_row - 1, row - 1, 2 * CHART_ROWS)) + [row - 1]
    if blocks:
        s.line(row, w["chart_data"], "heading")
        row += 1
    charts = []
    for title, frame, make in blocks:
        s.line(row, title, "bold")
        charts.append(make(row + 1))
        row = s.table(frame, row=row + 1, freeze=False, autofilter=False) + 1
    place_charts(s, charts, chart_row)
    s.repeat = 1


# -- the workbook ----------------------------------------------------------------------------

def build(book: Book, a, *, lang: str = "en", version: str | None = None) -> None:
    """Write the report of assessment ``a`` into ``book``."""
    w = Words(lang)
    w.messages = {i.message: i.text(lang, w.names) for i in a.issues}
    version = version or greentex.__version__
    sheets = [(w["summary"], True, lambda s: _summary_sheet(s, a, w, version)),
              (w["metrics"], False, lambda s: _metrics_sheet(s, a, w))]
    sheets += [(w[kind], True, lambda s, kind=kind: _detail_sheet(s, a, kind, w))
               for kind in ("energy", "ghg", "water", "chemicals", "production")]
    sheets += [(w["benchmarks"], True, lambda s: _benchmarks_sheet(s, a, w)),
               (w["factors"], True, lambda s: _factors_sheet(s, a, w))]
    assemble(book, a, w, version, sheets)


def assemble(book: Book, a, w: Words, version: str, sheets: list, issues=(), options: dict | None = None) -> None:
    """A report workbook: the (sheet name, landscape, writer) triples in order, then Data issues
    (``a``'s and ``issues``) and About (``a``'s options, or ``options``)."""
    for name, landscape, write in sheets:
        write(book.sheet(name, landscape=landscape))
    _issues_sheet(book.sheet(w["issues"]), list(a.issues) + list(issues), a.inventory, w)
    _about_sheet(book.sheet(w["about"]), a, a.options if options is None else options, w, version)


def write_report(assessment, path, *, lang: str = "en", version: str | None = None) -> None:
    """Write the report workbook to ``path`` atomically (temporary file, then os.replace)."""
    w = Words(lang)
    version = version or greentex.__version__
    save(lambda book: build(book, assessment, lang=lang, version=version), path, assessment.inventory,
         footer(assessment, w, version))


__all__ = ["write_report", "build", "assemble", "limit_lines", "mill_name", "display_unit", "KEY_FIGURES",
           "FIGURE_LABELS", "CHART_H", "text_width"]
