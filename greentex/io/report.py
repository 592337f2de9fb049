"""Write an Assessment as a formatted Excel report, in English or Chinese.

Sheets, in order: Summary (key figures, benchmark verdicts, charts and the data they plot),
Metrics (the tidy ``metric, item, period, value, unit`` table, headers always in English so
scripts can read it), one detail sheet per domain (every line with its input cells, factor and
factor source), Benchmarks, Factors (every factor used, weaker statuses highlighted), Data issues
and About (version, input file and SHA-256, options, site, row counts).

Text from the input workbook is written as text, never as a formula, and the file is written
atomically: a temporary file in the target's folder, then ``os.replace``.
"""

from __future__ import annotations

import math
from copy import copy
from functools import lru_cache
import os  # noqa: F401  (the module whose replace() atomic_path calls, as callers may patch it here)

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RichTextProperties
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

import greentex
from greentex.io.jsonout import FORMULA_START, atomic_path, check_outputs
from greentex.display import Words, text_width as _text_width, unit_text
from greentex.labels import labels
from greentex.units import conversion_factor

# Every word the report shows, in one place (greentex/labels.csv).
LABELS = labels()

HEADER_FONT = Font(name="Calibri", bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="2E6B47")
HEADER_ALIGN = Alignment(vertical="top", wrap_text=True)
HEADER_RIGHT = Alignment(horizontal="right", vertical="top", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)
TOP = Alignment(vertical="top")
TITLE_FONT = Font(name="Calibri", bold=True, size=14)
HEADING_FONT = Font(name="Calibri", bold=True, size=12, color="2E6B47")
BOLD = Font(name="Calibri", bold=True)
FILL_WEAK = PatternFill("solid", fgColor="FFF2CC")      # factor status not primary
FILL_USER = PatternFill("solid", fgColor="F8CBAD")      # factor overridden by the user
FILL_FAIL = PatternFill("solid", fgColor="F4CCCC")      # benchmark not met
FILL_PASS = PatternFill("solid", fgColor="D9EAD3")      # benchmark met
MAX_WIDTH = 66                                          # characters; a SHA-256 fits
CHART_W, CHART_H = 16.0, 7.5                            # cm
CHART_ROWS = 17                                         # rows of 20 px that one chart plus a gap takes


# -- cells and tables ------------------------------------------------------------------------

def _plain(value):
    """A Python value openpyxl can store: NaN/NA -> None, numpy scalars -> Python, text cleaned."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (list, tuple, set)):
        value = ", ".join(map(str, value))
    if isinstance(value, (bool, int, float, str)):
        return _clean_text(value) if isinstance(value, str) else value
    return _clean_text(str(value))


def _put(ws, row: int, col: int, value):
    """Write one value; text that looks like a formula stays text."""
    value = _plain(value)
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
    return cell


class _StyleCache:
    """Styles applied once, then copied: openpyxl hashes a style object on every assignment,
    which dominates the time of large tables; a cell's compiled style array copies cheaply."""

    def __init__(self):
        self._arrays = {}

    def apply(self, cell, key, number_format=None, alignment=None, fill=None) -> None:
        arr = self._arrays.get(key)
        if arr is not None:
            cell._style = copy(arr)
            return
        if number_format is not None:
            cell.number_format = number_format
        if alignment is not None:
            cell.alignment = alignment
        if fill is not None:
            cell.fill = fill
        self._arrays[key] = copy(cell._style)


@lru_cache(maxsize=65536)
def _clean_text(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _decimals(values, least: int) -> np.ndarray:
    """Decimals that show each value with about four significant digits, at least ``least``
    (at most 10); values of 1 and more, zero and non-finite ones get ``least``."""
    a = np.abs(np.asarray(values, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        small = np.isfinite(a) & (a > 0) & (a < 1)
        need = np.where(small, np.ceil(-np.log10(np.where(small, a, 1.0))) + 3, least)
    return np.clip(need, least, 10).astype(int)


def _widen(ws, col: int, width: float) -> None:
    letter = get_column_letter(col)
    current = ws.column_dimensions[letter].width if letter in ws.column_dimensions else 0
    ws.column_dimensions[letter].width = max(current or 0, 8, min(MAX_WIDTH, width))


def _write_table(ws, frame: pd.DataFrame, *, row: int = 1, col: int = 1, precise=(), freeze: bool = True,
                 autofilter: bool = True, fills=None) -> int:
    """Write ``frame`` as a table: styled header, number formats, widths, freeze, filter.

    ``precise`` names columns (factors) shown with at least 4 decimals; ``fills`` gives a fill
    (or None) per data row. Returns the first free row below the table.
    """
    ncol = len(frame.columns)
    styles = _StyleCache()
    widths, wrapped = [], []   # wrapped: (row, column, text width) of cells whose text wraps
    for j, name in enumerate(frame.columns):
        cell = _put(ws, row, col + j, name)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
        widths.append(min(_text_width(name) + 3, 18))  # longer headers wrap
        wrapped.append((row, j, _text_width(name) + 1))
    for j in range(ncol):
        series = frame.iloc[:, j]
        integer = pd.api.types.is_integer_dtype(series) and not pd.api.types.is_bool_dtype(series)
        least = 4 if frame.columns[j] in precise else 2
        wrap, numbers, texts = False, 0, 0
        if series.dtype.kind == "f":  # a float column: formats and widths worked out at once
            if _write_floats(ws, series.to_numpy(), row + 1, col + j, least, widths, j, fills, styles):
                ws.cell(row=row, column=col + j).alignment = HEADER_RIGHT   # over right-aligned numbers
            _widen(ws, col + j, widths[j])
            continue
        for i, value in enumerate(series.tolist()):
            cell = _put(ws, row + 1 + i, col + j, value)
            v = cell.value
            fill = fills[i] if fills is not None else None
            if isinstance(v, str):
                texts += 1
                w = _text_width(v) + 2
                widths[j] = max(widths[j], w)
                if w > MAX_WIDTH:
                    styles.apply(cell, ("wrap", id(fill)), alignment=WRAP, fill=fill)
                    wrap = True
                    wrapped.append((row + 1 + i, j, w))
                else:
                    styles.apply(cell, ("text", id(fill)), alignment=TOP, fill=fill)
            elif isinstance(v, float):
                numbers += 1
                d = int(_decimals(v, least))
                styles.apply(cell, ("num", d, id(fill)), number_format="#,##0." + "0" * d, alignment=TOP, fill=fill)
                widths[j] = max(widths[j], len(f"{v:,.{d}f}") + 2)
            elif isinstance(v, int) and not isinstance(v, bool):
                numbers += 1
                if integer:
                    styles.apply(cell, ("int", id(fill)), number_format="#,##0", alignment=TOP, fill=fill)
                    widths[j] = max(widths[j], len(f"{v:,}") + 2)
                elif fill is not None:
                    styles.apply(cell, ("fill", id(fill)), fill=fill)
            elif fill is not None:
                styles.apply(cell, ("fill", id(fill)), fill=fill)
        if numbers and not texts:
            ws.cell(row=row, column=col + j).alignment = HEADER_RIGHT   # over right-aligned numbers
        _widen(ws, col + j, widths[j] if not wrap else MAX_WIDTH)
    _fit_heights(ws, col, wrapped)
    last = row + len(frame)
    if freeze:
        ws.freeze_panes = ws.cell(row=row + 1, column=col).coordinate
    if autofilter and ncol:
        ws.auto_filter.ref = f"{ws.cell(row=row, column=col).coordinate}:" \
                             f"{ws.cell(row=max(last, row), column=col + ncol - 1).coordinate}"
    return last + 1


def _write_floats(ws, values: np.ndarray, row: int, col: int, least: int, widths: list, j: int, fills,
                  styles: _StyleCache) -> int:
    """Write a float column: about four significant digits (at least ``least`` decimals), NaN as
    an empty cell. Returns how many numbers were written."""
    finite = np.isfinite(values)
    decimals = _decimals(values, least)
    formats = {d: "#,##0." + "0" * d for d in range(0, 11)}
    for i, (v, ok, d) in enumerate(zip(values.tolist(), finite.tolist(), decimals.tolist())):
        fill = fills[i] if fills is not None else None
        if not ok:
            if fill is not None:
                styles.apply(ws.cell(row=row + i, column=col), ("fill", id(fill)), fill=fill)
            continue
        styles.apply(ws.cell(row=row + i, column=col, value=v), ("num", d, id(fill)),
                     number_format=formats[d], alignment=TOP, fill=fill)
    if finite.any():
        big = float(np.max(np.abs(values[finite])))
        widths[j] = max(widths[j], len(f"{big:,.{int(decimals[finite].max())}f}") + 3)
    return int(finite.sum())


def _fit_heights(ws, col: int, wrapped) -> None:
    """Row heights for wrapped text (LibreOffice does not grow rows on its own)."""
    lines: dict[int, int] = {}
    for r, j, width in wrapped:
        letter = get_column_letter(col + j)
        room = max(1.0, (ws.column_dimensions[letter].width or 8.43) - 1.5)
        lines[r] = max(lines.get(r, 1), math.ceil(width * 1.05 / room))
    for r, n in lines.items():
        if n > 1:
            ws.row_dimensions[r].height = 15 * min(n, 12)


def _line(ws, row: int, text: str, font=None, col: int = 1):
    """One line of text (a heading or a note)."""
    cell = _put(ws, row, col, text)
    if font is not None:
        cell.font = font
    return cell


def _page_setup(ws) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


# -- labels ----------------------------------------------------------------------------------

_Words = Words   # the planning reports' name for it


def mill_name(a) -> str:
    """The mill's name for a title: the Site sheet's, else the input file's."""
    return (a.site or {}).get("name") or a.inventory.source.get("name", "")


def display_unit(unit) -> str:
    """A pint unit string as a reader writes it (English): m**3 -> m³, percent -> %, hm -> 100 m."""
    return unit_text(unit)


# -- sheets ----------------------------------------------------------------------------------

def _metrics_sheet(ws, a, w: _Words) -> None:
    """The metrics table exactly as assess() made it (English headers, ids, pint units)."""
    _write_table(ws, a.metrics[["metric", "item", "period", "value", "unit"]])


def _detail_frame(d: pd.DataFrame, kind: str, w: _Words) -> pd.DataFrame:
    """The columns of one detail sheet, with translated headers."""
    def col(name, default=""):
        return d[name] if name in d else pd.Series(default, index=d.index)

    units = col("unit").map(display_unit)
    if kind == "ghg":
        return pd.DataFrame({
            w["col_period"]: col("period"), w["col_scope"]: col("scope").map(lambda s: w.t.get(s, s)),
            w["col_source_name"]: col("source_name").map(w.source), w["col_item"]: col("item"),
            w["col_product"]: col("product"), w["col_quantity"]: col("quantity"), w["col_unit"]: units,
            w["col_method"]: col("method").map(lambda m: w.t.get("method:" + m, m)),
            w["col_activity"]: col("activity"),
            w["col_activity_unit"]: col("activity_unit").map(display_unit), w["col_factor"]: col("factor"),
            w["col_factor_unit"]: col("factor_unit").map(display_unit),
            w["col_factor_source"]: col("factor_source"), w["col_factor_status"]: col("factor_status"),
            w["col_tco2e"]: col("tco2e"), w["col_cells"]: col("cells")})
    out = {w["col_period"]: col("period"), w["col_item"]: col("item"), w["col_name"]: col("item").map(w.name),
           w["col_product"]: col("product"), w["col_quantity"]: col("quantity"), w["col_unit"]: units}
    if kind == "energy":
        out.update({w["col_sign"]: col("sign"), w["col_factor"]: col("factor"),
                    w["col_factor_unit"]: col("factor_unit").map(display_unit),
                    w["col_factor_source"]: col("source"), w["col_factor_status"]: col("status"),
                    w["col_energy_tce"]: col("energy_tce"), w["col_energy_gj"]: col("energy_gj")})
    out.update({w["col_rows"]: col("rows", 0), w["col_cells"]: col("cells")})
    return pd.DataFrame(out)


def _detail_sheet(ws, a, kind: str, w: _Words) -> None:
    d = a.details.get(kind)
    if d is None or not len(d):
        _line(ws, 1, w["no_data"])
        return
    _write_table(ws, _detail_frame(d.reset_index(drop=True), kind, w), precise={w["col_factor"]})


BENCHMARK_COLUMNS = ["benchmark", "metric", "item", "period", "value", "limit", "unit", "comparison", "level",
                     "verdict", "margin", "margin_pct", "reduction_needed", "source", "reference", "status",
                     "check", "note"]


def _benchmark_frame(b: pd.DataFrame, w: _Words, columns=None, labels: bool = False) -> pd.DataFrame:
    """Benchmark lines with translated headers; ``labels`` also translates metric and verdict."""
    cols = [c for c in (columns or BENCHMARK_COLUMNS) if c in b]
    cols += [c for c in b.columns if c not in BENCHMARK_COLUMNS and columns is None]
    out = b[cols].reset_index(drop=True)
    if "unit" in out:
        out["unit"] = out["unit"].map(display_unit)
    if labels and "metric" in out:
        out["metric"] = out["metric"].map(w.metric)
    if labels and "item" in out:
        out["item"] = out["item"].map(w.short)
    if labels and "verdict" in out:
        out["verdict"] = out["verdict"].map(w.verdict)
    if labels and "level" in out:
        out["level"] = out["level"].map(w.level)
    out.columns = [w.t.get(f"col_{c}", str(c)) for c in cols]
    return out


def _verdict_fills(b: pd.DataFrame) -> list:
    """A red fill for failing lines, green for passing ones."""
    if "verdict" not in b:
        return [None] * len(b)
    v = b["verdict"].astype(str)
    return [FILL_FAIL if x == "fail" else FILL_PASS if x == "pass" or x.startswith("level ") else None for x in v]


def _benchmarks_sheet(ws, a, w: _Words) -> None:
    b = a.benchmarks
    if b is None or not len(b):
        _line(ws, 1, w["no_benchmarks"])
        return
    b = b.reset_index(drop=True)
    _write_table(ws, _benchmark_frame(b, w), precise={w["col_limit"]}, fills=_verdict_fills(b))


def _factors_sheet(ws, a, w: _Words) -> None:
    f = a.factors.reset_index(drop=True)
    _line(ws, 1, w["factor_legend"])
    if not len(f):
        return
    overridden = f["overridden"].fillna(False).astype(bool)
    frame = pd.DataFrame({
        w["col_item"]: f["item"], w["col_name"]: f["item"].map(w.name), w["col_parameter"]: f["parameter"],
        w["col_value"]: f["value"], w["col_unit"]: f["unit"].map(display_unit), w["col_source"]: f["source"],
        w["col_reference"]: f["reference"], w["col_status"]: f["status"], w["col_dataset"]: f["dataset"],
        w["col_overridden"]: np.where(overridden, w["yes"], w["no"]), w["col_note"]: f["note"]})
    fills = [FILL_USER if o else (FILL_WEAK if s != "primary" else None)
             for o, s in zip(overridden, f["status"])]
    _write_table(ws, frame, row=3, precise={w["col_value"]}, fills=fills)


def _issues_sheet(ws, issues: list, inventory, w: _Words) -> None:
    """The issues found, then the rows the reader rejected, each with its sheet and cell."""
    rows = [(w.severity(i.severity), i.sheet, i.cell, i.text(w.lang, w.names)) for i in issues]
    rej = inventory.rejected
    if rej is not None and len(rej):
        rows += [(w["sev_rejected"], r.sheet, r.cell, r.reason) for r in rej.itertuples(index=False)]
    if not rows:
        _line(ws, 1, w["no_issues"])
        return
    cols = [w["col_severity"], w["col_sheet"], w["col_cell"], w["col_message"]]
    _write_table(ws, pd.DataFrame(rows, columns=cols))


def _about_sheet(ws, inventory, options: dict, site: dict, w: _Words, version: str) -> None:
    """Version, input file and SHA-256, options, Site, and rows read = used + rejected per sheet."""
    src = inventory.source
    rows = [(w["sec_report"], w["key_version"], version),
            (w["sec_report"], w["key_language"], w["language_note"]),
            (w["sec_input"], w["key_file"], src.get("name", "")),
            (w["sec_input"], w["key_sha256"], src.get("sha256", ""))]
    rows += [(w["sec_options"], k, v) for k, v in (options or {}).items()]
    site = dict(site or {})
    if isinstance(site.get("grid_used"), dict):
        site["grid_used"] = w["grid_used"].format(**site["grid_used"])
    rows += [(w["sec_site"], k, v) for k, v in site.items()]
    frame = pd.DataFrame(rows, columns=[w["col_section"], w["col_key"], w["col_value"]], dtype=object)
    _write_table(ws, frame)
    counts = inventory.counts
    if counts:  # to the right of the first table, so that each keeps its own column widths
        table = pd.DataFrame([(s, c["read"], c["used"], c["rejected"],
                               w["ok"] if c["read"] == c["used"] + c["rejected"] else w["mismatch"])
                              for s, c in counts.items()],
                             columns=[w["col_sheet"], w["col_read"], w["col_used"], w["col_rejected"],
                                      w["col_counts_check"]])
        _write_table(ws, table, col=5, freeze=False, autofilter=False)


# -- summary ---------------------------------------------------------------------------------

# the whole-mill figures and their labels, in the order the Summary lists them
KEY_FIGURES = [("energy", "total", "fig_energy"), ("energy_content", "total", "fig_energy_content"),
               ("ghg", "scope1", "fig_scope1"), ("ghg", "scope2_location", "fig_scope2_location"),
               ("ghg", "scope2_market", "fig_scope2_market"), ("ghg", "total_location", "fig_total_location"),
               ("ghg", "total_market", "fig_total_market"), ("water_intake", "total", "fig_water_intake"),
               ("water_reuse_rate", "total", "fig_reuse_rate"), ("chemicals", "total", "fig_chemicals")]
FIGURE_LABELS = {(m, i): key for m, i, key in KEY_FIGURES} | {("water_reused", "total"): "fig_water_reused"}


def _key_figures(a, w: _Words) -> pd.DataFrame:
    m = a.metrics
    spec = [(key, metric, item) for metric, item, key in KEY_FIGURES]
    products = list(m.loc[(m.metric == "production") & (m.period == "total"), "item"])
    for key, metric in (("fig_production", "production"), ("fig_energy_intensity", "energy_intensity"),
                        ("fig_ghg_intensity", "ghg_intensity"), ("fig_water_intensity", "water_intensity")):
        spec += [((key, p), metric, p) for p in products]
    rows = []
    for key, metric, item in spec:
        hit = a.figure(metric, item)
        if hit is None:
            continue
        label = w[key[0]].format(p=w.short(key[1])) if isinstance(key, tuple) else w[key]
        value = hit[0] if pd.notna(hit[0]) else w["not_computed"]
        rows.append((label, value, display_unit(hit[1])))
    return pd.DataFrame(rows, columns=[w["col_figure"], w["col_value"], w["col_unit"]], dtype=object)


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


def _limits(a, metric: str, product: str, unit: str, periods: list, w: _Words) -> dict:
    """{column header: values per period} of the benchmark limits for one product's intensity,
    converted to the intensity's unit; one line per benchmark set and level."""
    out = {}
    for name, lvl, by_period in limit_lines(a.benchmarks, metric, product, unit):
        values = [by_period.get(p, by_period.get("total")) for p in periods]
        if any(v is not None for v in values):
            label = w["limit_series"].format(b=name + (f" {lvl}" if lvl and lvl != "limit" else ""))
            out[f"{label} – {w.short(product)} [{display_unit(unit)}]"] = values
    return out


def _intensity_table(a, metric: str, w: _Words):
    """(frame Month x product [+ limits], {unit: headers}, limit headers) for a monthly chart, or None."""
    m = a.metrics
    rows = m[(m.metric == metric) & (m.period != "total")]
    if rows.empty:
        return None
    periods = sorted(set(rows["period"]))
    frame = pd.DataFrame({w["col_period"]: periods})
    groups: dict[str, list[str]] = {}   # display unit -> column headers: each unit gets its own axis
    limits = set()
    for product, grp in rows.groupby("item", sort=False):
        unit = grp["unit"].iloc[0]
        header = f"{w.short(product)} [{display_unit(unit)}]"
        frame[header] = frame[w["col_period"]].map(dict(zip(grp["period"], grp["value"])))
        groups.setdefault(display_unit(unit), []).append(header)
        for header, values in _limits(a, metric, product, unit, periods, w).items():
            frame[header] = values
            groups[display_unit(unit)].append(header)
            limits.add(header)
    if len(groups) > 2:  # more than two units: one axis whose title lists them all
        groups = {", ".join(groups): [h for hs in groups.values() for h in hs]}
    return frame, groups, limits


def _mix_table(a, w: _Words):
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


def _scope_table(a, w: _Words):
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


def _axes(chart, x_title: str, y_title: str, y_format: str = "General") -> None:
    chart.x_axis.title = x_title
    chart.y_axis.title = y_title
    chart.y_axis.number_format = y_format
    chart.x_axis.delete = False   # openpyxl 3.1 otherwise hides the axes in current Excel
    chart.y_axis.delete = False
    chart.width, chart.height = CHART_W, CHART_H


def _line_chart(ws, title: str, y_title: str, head: int, frame: pd.DataFrame, groups: dict, limits: set,
                w: _Words):
    """Line chart of ``frame``'s columns (header at row ``head``): the first unit on the left
    axis, a second unit (another product measured differently) on a right axis; limits dashed."""
    n = len(frame)
    headers = list(frame.columns)
    charts = []
    for unit, columns in groups.items():
        c = LineChart()
        for h in columns:
            j = headers.index(h) + 1
            c.add_data(Reference(ws, min_col=j, min_row=head, max_row=head + n), titles_from_data=True)
            s = c.series[-1]
            s.smooth = False
            s.graphicalProperties.line.width = 22000
            if h in limits:
                s.graphicalProperties.line.dashStyle = "dash"
        c.set_categories(Reference(ws, min_col=1, min_row=head + 1, max_row=head + n))
        _axes(c, w["axis_month"], y_title.format(u=unit))
        charts.append(c)
    chart = charts[0]
    chart.title = title
    chart.legend.position = "b"
    chart.x_axis.txPr = _rotated(-45)
    chart.x_axis.axPos = "b"
    if len(charts) == 2:  # as Excel does it: a hidden second category axis, a value axis on the right
        second = charts[1]
        second.x_axis.axId, second.x_axis.delete, second.x_axis.title = 500, True, None
        second.y_axis.axId, second.y_axis.crossAx, second.y_axis.crosses = 200, 500, "max"
        second.y_axis.axPos = "r"
        second.y_axis.majorGridlines = None
        chart += second
    return chart


def _rotated(degrees: int) -> RichText:
    """Axis label text properties with the labels turned by ``degrees``."""
    return RichText(bodyPr=RichTextProperties(rot=degrees * 60000, vert="horz"),
                    p=[Paragraph(pPr=ParagraphProperties(defRPr=CharacterProperties()),
                                 endParaRPr=CharacterProperties())])


def _bar_chart(ws, title: str, head: int, n: int, ncol: int, cat_title: str, value_title: str, *,
               stacked: bool = False):
    """Horizontal bar chart: categories in column 1, one series per further column."""
    c = BarChart()
    c.type = "bar"
    if stacked:
        c.grouping, c.overlap = "stacked", 100
    c.add_data(Reference(ws, min_col=2, max_col=ncol, min_row=head, max_row=head + n), titles_from_data=True)
    c.set_categories(Reference(ws, min_col=1, min_row=head + 1, max_row=head + n))
    c.title = title
    _axes(c, cat_title, value_title, "#,##0")
    c.x_axis.scaling.orientation = "maxMin"   # first row on top, as in the table
    c.y_axis.crosses = "max"                  # and the value axis at the bottom
    if ncol == 2:
        c.legend = None
    else:
        c.legend.position = "b"
    return c


def _column_after(ws, start: int, pixels: float) -> int:
    """The column index at least ``pixels`` to the right of column ``start``'s left edge."""
    col, x = start, 0.0
    while x < pixels:
        letter = get_column_letter(col)
        width = ws.column_dimensions[letter].width if letter in ws.column_dimensions else 8.43
        x += (width or 8.43) * 7 + 5
        col += 1
    return col


def _summary_sheet(ws, a, w: _Words, version: str) -> None:
    """Title, key figures and verdicts (columns A-C), four charts to their right, and below
    everything the chart data the charts plot."""
    site, opts = a.site or {}, a.options or {}
    src = a.inventory.source
    _line(ws, 1, w["title"].format(name=mill_name(a), year=site.get("year", "")),
          TITLE_FONT)
    grid = site.get("grid_used") or {}
    _line(ws, 2, w["subtitle"].format(file=src.get("name", ""), version=version, gwp=opts.get("gwp", ""),
                                      grid=w["grid_used"].format(**grid) if grid else ""))
    _line(ws, 4, w["key_figures"], HEADING_FONT)
    row = _write_table(ws, _key_figures(a, w), row=5, freeze=False, autofilter=False) + 1
    # (title, table, chart maker) for each chart, gathered first: the charts' rows come first
    blocks = []
    for metric, key, axis in (("energy_intensity", "chart_energy_intensity", "axis_energy_intensity"),
                              ("ghg_intensity", "chart_ghg_intensity", "axis_ghg_intensity")):
        got = _intensity_table(a, metric, w)
        if got is not None:
            blocks.append((w[key], got[0], lambda head, key=key, axis=axis, got=got:
                           _line_chart(ws, w[key], w[axis], head, *got, w)))
    mix, exported = _mix_table(a, w)
    if len(mix):
        blocks.append((w["chart_mix"], pd.concat([mix, exported], ignore_index=True), lambda head, n=len(mix):
                       _bar_chart(ws, w["chart_mix"], head, n, 2, w["col_carrier"], w["axis_energy"])))
    scopes = _scope_table(a, w)
    if scopes is not None:
        blocks.append((w["chart_scopes"] + " [tCO2e]", scopes, lambda head: _bar_chart(
            ws, w["chart_scopes"], head, len(scopes), scopes.shape[1], w["axis_scope"], w["axis_emissions"],
            stacked=True)))

    row = max(row, 4 + math.ceil(len(blocks) / 2) * CHART_ROWS) + 1
    _line(ws, row, w["verdicts"], HEADING_FONT)
    b = a.benchmarks
    if b is None or not len(b):
        _line(ws, row + 1, w["no_benchmarks"])
        row += 3
    else:
        shown = b[b["period"] == "total"] if "period" in b and (b["period"] == "total").any() else b
        shown = shown.reset_index(drop=True)
        cols = ["benchmark", "metric", "item", "level", "value", "limit", "unit", "verdict", "margin"]
        row = _write_table(ws, _benchmark_frame(shown, w, cols, labels=True), row=row + 1, freeze=False,
                           autofilter=False, fills=_verdict_fills(shown)) + 1
    if blocks:
        _line(ws, row, w["chart_data"], HEADING_FONT)
        row += 1
    charts = []
    for title, frame, make in blocks:
        _line(ws, row, title, BOLD)
        charts.append(make(row + 1))
        row = _write_table(ws, frame, row=row + 1, freeze=False, autofilter=False) + 1

    # a 2 x 2 grid right of the key figures; columns there get an explicit width so that
    # Excel and LibreOffice agree on where the second chart starts
    left = 5
    for col in range(left, left + 40):
        if get_column_letter(col) not in ws.column_dimensions:
            ws.column_dimensions[get_column_letter(col)].width = 9
    right = _column_after(ws, left, CHART_W * 96 / 2.54 + 16)
    for k, chart in enumerate(charts):
        ws.add_chart(chart, f"{get_column_letter(left if k % 2 == 0 else right)}{4 + (k // 2) * CHART_ROWS}")


# -- the workbook ----------------------------------------------------------------------------

def build_workbook(assessment, *, lang: str = "en", version: str | None = None) -> Workbook:
    """The report as an openpyxl Workbook (not saved)."""
    w = _Words(lang)
    version = version or greentex.__version__
    a = assessment
    sheets = [(w["summary"], lambda ws: _summary_sheet(ws, a, w, version)),
              (w["metrics"], lambda ws: _metrics_sheet(ws, a, w))]
    sheets += [(w[kind], lambda ws, kind=kind: _detail_sheet(ws, a, kind, w))
               for kind in ("energy", "ghg", "water", "chemicals", "production")]
    sheets += [(w["benchmarks"], lambda ws: _benchmarks_sheet(ws, a, w)),
               (w["factors"], lambda ws: _factors_sheet(ws, a, w))]
    return assemble(a, w, version, sheets)


def assemble(a, w: _Words, version: str, sheets: list, issues=(), options: dict | None = None) -> Workbook:
    """A report workbook: the (sheet name, writer) pairs in order, then Data issues (``a``'s
    and ``issues``) and About (``a``'s options, or ``options``), every page set up to print."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, write in sheets:
        write(wb.create_sheet(name))
    _issues_sheet(wb.create_sheet(w["issues"]), list(a.issues) + list(issues), a.inventory, w)
    _about_sheet(wb.create_sheet(w["about"]), a.inventory, a.options if options is None else options, a.site,
                 w, version)
    for ws in wb.worksheets:
        _page_setup(ws)
    return wb


def write_report(assessment, path, *, lang: str = "en", version: str | None = None) -> None:
    """Write the report workbook to ``path`` atomically (temporary file, then os.replace)."""
    _save_atomic(build_workbook(assessment, lang=lang, version=version), path, assessment.inventory)


def _save_atomic(wb: Workbook, path, inventory=None) -> None:
    """Save ``wb`` to ``path`` through a temporary file in the same folder; never over the
    ``inventory``'s own workbook."""
    check_outputs([path], [(inventory.source.get("path") if inventory is not None else None, "workbook")])
    with atomic_path(path) as tmp:
        wb.save(tmp)
