"""The report as one self-contained HTML page: key figures, charts (inline SVG), verdicts, data
issues with their sheet and cell, the factors used with their status, and About.

No script, no external file, no web font: the page reads in any browser offline, and its print
style sheet lays it out on A4 so that the browser's "print to PDF" gives a report to sign. The
charts are drawn by matplotlib's SVG backend with text kept as text (so the page's own fonts,
Chinese included, draw it, and a PDF made from the page holds the chart words as text). The
local web app (``greentex serve``) shows this same page.
"""

from __future__ import annotations

import html
import io
import math
import re
import threading
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import greentex
from greentex.io.atomic import atomic_write_bytes
from greentex.io.atomic import check_outputs
from greentex.benchmarks import headline
from greentex.display import Words, period_word, unit_text
from greentex.io import monthly, report as _r

COLORS = ["#2e6b47", "#d08a2c", "#3a78b5", "#a23b3b", "#7b5aa6", "#5b9c9a", "#8c6d3f", "#c25c8e"]
LIMIT_COLOR = "#a23b3b"
FONTS = ["DejaVu Sans", "Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei"]
_CHART_LOCK = threading.Lock()  # matplotlib's settings are global and it is not thread-safe

CSS = """
:root{--green:#2e6b47;--ink:#1d2521;--mute:#5d6a63;--line:#d5ddd8;--pass:#d9ead3;--fail:#f4cccc;--weak:#fff2cc;--user:#f8cbad}
*{box-sizing:border-box}
body{font-family:system-ui,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;color:var(--ink);
 margin:0 auto;max-width:68rem;padding:1.2rem 1.2rem 3rem;line-height:1.4;font-size:15px}
h1{font-size:1.5rem;margin:.2rem 0 .2rem;color:var(--green)}
h2{font-size:1.15rem;margin:1.6rem 0 .5rem;color:var(--green);border-bottom:2px solid var(--green);padding-bottom:.15rem}
.sub{color:var(--mute);margin:0 0 .8rem;font-size:.9rem}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.3rem 0 .8rem}
th,td{border:1px solid var(--line);padding:.25rem .45rem;text-align:left;vertical-align:top;min-width:2.6em}
th{background:var(--green);color:#fff;font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.pass td{background:var(--pass)} tr.fail td{background:var(--fail)} tr.weak td{background:var(--weak)}
tr.user td{background:var(--user)}
.figs{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.5rem;margin:.4rem 0 .8rem}
.fig{border:1px solid var(--line);border-left:4px solid var(--green);padding:.4rem .6rem;break-inside:avoid}
.fig .k{font-size:.8rem;color:var(--mute)} .fig .v{font-size:1.25rem;font-weight:600;font-variant-numeric:tabular-nums}
.fig .u{font-size:.85rem;color:var(--mute);margin-left:.2rem}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(30rem,1fr));gap:.8rem}
figure{margin:0;break-inside:avoid;border:1px solid var(--line);padding:.3rem}
figure svg{width:100%;height:auto;display:block}
svg text{font-family:"DejaVu Sans","Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif !important}
figcaption{font-size:.85rem;font-weight:600;color:var(--ink);margin:.1rem .2rem}
.note{font-size:.8rem;color:var(--mute)}
.mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace;word-break:break-all}
@page{size:A4;margin:14mm 12mm 16mm}
@media print{
 body{max-width:none;padding:0;font-size:9.5pt}
 h2{break-after:avoid} thead{display:table-header-group} tr,figure,.fig{break-inside:avoid}
 .charts{grid-template-columns:1fr;gap:4mm} figure{width:88%;margin:0 auto} table{font-size:8pt}
 th{background:#2e6b47 !important;color:#fff !important}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""


# -- formatting --------------------------------------------------------------------------------

def esc(value) -> str:
    """Text for HTML (None and NaN as empty)."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    return html.escape(str(value))


def number(value, places: int | None = None, least: int = 2) -> str:
    """A number with thousands separators and ``places`` decimals (default: at least ``least``,
    and about four significant digits below 1); text stays text."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        return esc(value)
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if not np.isfinite(value):
        return ""
    if places is None:
        small = 0 < abs(value) < 1
        places = min(10, max(least, math.ceil(-math.log10(abs(value))) + 3)) if small else least
    return f"{float(value):,.{int(places)}f}"


def table(frame: pd.DataFrame, classes=None, places: dict | None = None, least: int = 2) -> str:
    """An HTML table of ``frame`` (headers as given); numbers right-aligned, with the decimals
    ``places`` gives per column (a number, or one per row); ``classes`` gives a CSS class per row."""
    head = "".join(f"<th>{esc(c)}</th>" for c in frame.columns)
    places = places or {}
    rows = []
    for k, values in enumerate(frame.itertuples(index=False)):
        cells = []
        for col, v in zip(frame.columns, values):
            numeric = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
            p = places.get(col)
            p = p[k] if isinstance(p, (list, tuple, np.ndarray, pd.Series)) else p
            cells.append(f'<td class="n">{number(v, p, least)}</td>' if numeric else f"<td>{esc(v)}</td>")
        cls = classes[k] if classes is not None and classes[k] else ""
        rows.append(f'<tr class="{cls}">' + "".join(cells) + "</tr>" if cls else "<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


# -- charts ------------------------------------------------------------------------------------

def _svg(fig) -> str:
    """The figure as an inline <svg> element: text as text, no fixed size, stable ids."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "greentex"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    return re.sub(r'<svg([^>]*?) width="[^"]+" height="[^"]+"', r'<svg\1 role="img"', svg, count=1)


def _figure(height: float = 3.3):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.2, height), dpi=100)
    ax = fig.add_subplot()
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="both", color="#e3e8e5", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig, ax


def _line_chart(frame: pd.DataFrame, groups: dict, limits: set, y_title: str, w) -> str:
    """Monthly lines per product, limits dashed; a second unit on a right axis; axes from zero."""
    fig, ax = _figure()
    x = np.arange(len(frame))
    axes = [ax] + ([ax.twinx()] if len(groups) > 1 else [])
    handles, k = [], 0
    for axis, (unit, columns) in zip(axes, groups.items()):
        for h in columns:
            values = pd.to_numeric(frame[h], errors="coerce").to_numpy(dtype=float)
            if h in limits:
                line, = axis.plot(x, values, linestyle="--", color=LIMIT_COLOR, linewidth=1.4, label=h)
            else:
                line, = axis.plot(x, values, marker="o", markersize=3, color=COLORS[k % len(COLORS)],
                                  linewidth=1.8, label=h)
                k += 1
            handles.append(line)
        axis.set_ylabel(y_title.format(u=unit))
        axis.set_ylim(bottom=0)
    ax.set_xticks(x, [str(p) for p in frame.iloc[:, 0]], rotation=45, ha="right", fontsize=8)
    ax.set_xlabel(w["axis_month"])
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=1, fontsize=8, frameon=False)
    return _svg(fig)


def _bar_chart(frame: pd.DataFrame, value_title: str, stacked: bool) -> str:
    """Horizontal bars: categories in the first column, one series per further column."""
    n = len(frame)
    fig, ax = _figure(height=max(1.8, 0.45 * n + 1.2))
    y = np.arange(n)
    left_pos, left_neg = np.zeros(n), np.zeros(n)
    series = list(frame.columns[1:])
    for k, name in enumerate(series):
        values = pd.to_numeric(frame[name], errors="coerce").fillna(0.0).to_numpy(dtype=float)
        left = np.where(values >= 0, left_pos, left_neg) if stacked else 0
        ax.barh(y, values, left=left, color=COLORS[k % len(COLORS)], label=str(name), height=0.6)
        if stacked:
            left_pos += np.where(values >= 0, values, 0)
            left_neg += np.where(values < 0, values, 0)
    ax.set_yticks(y, [str(c) for c in frame.iloc[:, 0]], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(value_title)
    ax.xaxis.set_major_formatter(_thousands())
    ax.axvline(0, color="#555", linewidth=0.8)
    if len(series) > 1:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=3, fontsize=8, frameon=False)
    return _svg(fig)


def _thousands():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: f"{v:,.0f}")


def charts(a, w) -> list[tuple[str, str]]:
    """(caption, inline SVG) of the summary charts: monthly energy and GHG intensity against the
    limits, the energy mix and the emissions by scope and source."""
    import matplotlib

    out = []
    period = period_word(_r.months_of(a), w.lang)
    with _CHART_LOCK, warnings.catch_warnings(), matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": FONTS,
                                             "font.size": 9, "axes.unicode_minus": False}):
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")  # no CJK font: the page draws it
        for metric, key, axis in (("energy_intensity", "chart_energy_intensity", "axis_energy_intensity"),
                                  ("ghg_intensity", "chart_ghg_intensity", "axis_ghg_intensity")):
            got = _r._intensity_table(a, metric, w)
            if got is not None:
                out.append((w[key], _line_chart(*got, w[axis], w)))
        mix, _exported = _r._mix_table(a, w)
        if len(mix):
            out.append((w["chart_mix"].format(period=period), _bar_chart(mix, w["axis_energy"], stacked=False)))
        scopes = _r._scope_table(a, w)
        if scopes is not None:
            out.append((w["chart_scopes"].format(period=period), _bar_chart(scopes, w["axis_emissions"], stacked=True)))
    return out


# -- the page ----------------------------------------------------------------------------------

def _key_figures(a, w, by_year) -> str:
    """Cards of the key figures; a table with a column per year when the report covers several,
    then the 同比 / 环比 tables when last year's figures are there. ``by_year``: the figures of
    each year (greentex.io.monthly.year_figures), None for one year."""
    yoy = "".join(table(frame, places=places) for frame, places in monthly.yoy_frames(a, w))
    if yoy:
        yoy = f"<h2>{esc(monthly.yoy_heading(a, w))}</h2>" + yoy
    if by_year is not None:
        return table(by_year[0], places=by_year[1]) + yoy
    return _cards(a, w) + yoy


def _cards(a, w) -> str:
    frame, units = _r._key_figures(a, w)
    places = _r._places(units, pd.to_numeric(frame.iloc[:, 1], errors="coerce"))
    cards = []
    for (label, value, unit), p in zip(frame.itertuples(index=False), places):
        cards.append(f'<div class="fig"><div class="k">{esc(label)}</div><div class="v">{number(value, p)}'
                     f'<span class="u">{esc(unit)}</span></div></div>')
    return f'<div class="figs">{"".join(cards)}</div>'


def _verdicts(a, w) -> str:
    b = a.benchmarks
    if b is None or not len(b):
        return f"<p>{esc(w['no_benchmarks'])}</p>"
    shown = headline(b).reset_index(drop=True)
    frame = _r._benchmark_frame(shown, w, _r.months_of(a), ["benchmark", "metric", "item", "period", "level",
                                                            "value", "limit", "unit", "verdict", "margin",
                                                            "status"])
    verdicts = shown["verdict"].astype(str)
    classes = ["fail" if v == "fail" else "pass" if v == "pass" or v.startswith("level ") else "" for v in verdicts]
    return table(frame, classes, _r._benchmark_places(shown, w))


def _targets(a, w) -> str:
    """The targets table (greentex.io.monthly), its heading and the notes on missing forecasts."""
    frame = monthly.target_frame(a, w)
    if not len(frame):
        return ""
    classes = [monthly.VERDICT_CLASSES.get(v, "") for v in a.targets["verdict"]]
    notes = "".join(f'<p class="note">{esc(n)}</p>' for n in monthly.target_notes(a, w))
    return f"<h2>{esc(monthly.target_heading(a, w))}</h2>" + table(frame, classes, {w["col_of_target"]: 1}) + notes


def _issues(a, w) -> str:
    rows = [(w.severity(i.severity), i.sheet, i.cell, i.text(w.lang, w.names)) for i in a.issues]
    rej = a.inventory.rejected
    if rej is not None and len(rej):
        rows += [(w["sev_rejected"], r.sheet, r.cell, w.t.get(f"reason_{r.reason}", r.reason))
                 for r in rej.itertuples(index=False)]
    if not rows:
        return f"<p>{esc(w['no_issues'])}</p>"
    frame = pd.DataFrame(rows, columns=[w["col_severity"], w["col_sheet"], w["col_cell"], w["col_message"]])
    return table(frame, ["fail" if r[0] == w.severity("error") else "" for r in rows])


def _factors(a, w) -> str:
    f = a.factors.reset_index(drop=True)
    if not len(f):
        return ""
    overridden = f["overridden"].fillna(False).astype(bool)
    frame = pd.DataFrame({
        w["col_name"]: f["item"].map(w.name), w["col_parameter"]: f["parameter"].map(w.parameter),
        w["col_value"]: f["value"], w["col_unit"]: f["unit"].map(lambda u: unit_text(u, w.lang)),
        w["col_status"]: f["status"].map(w.status),
        w["col_overridden"]: np.where(overridden, w["yes"], w["no"]), w["col_source"]: f["source"].map(w.factor_source)})
    classes = ["user" if o else "weak" if s != "primary" else "" for o, s in zip(overridden, f["status"])]
    return f'<p class="note">{esc(w["factor_legend"])}</p>' + table(frame, classes, least=4)


def _about(a, w, version: str, generated: str) -> str:
    src = a.inventory.source
    rows = [(w["sec_report"], w["key_version"], version), (w["sec_report"], w["key_generated"], generated),
            (w["sec_report"], w["key_period"], period_word(_r.months_of(a), w.lang)),
            (w["sec_input"], w["key_file"], src.get("name", "")),
            (w["sec_input"], w["key_sha256"], src.get("sha256", ""))]
    rows += [(w["sec_options"], w.key(k), w.value(k, v)) for k, v in (a.options or {}).items()]
    rows += [(w["sec_site"], w.key(k), w.value(k, v)) for k, v in (a.site or {}).items()]
    rows = [(s, k, "" if v is None else str(v)) for s, k, v in rows]  # as written: a year is not 2,024
    about = table(pd.DataFrame(rows, columns=[w["col_section"], w["col_key"], w["col_value"]], dtype=object))
    counts = a.inventory.counts or {}
    if counts:
        about += table(pd.DataFrame([(w.t.get(f"sheet_{s}", s), c["read"], c["used"], c["rejected"])
                                     for s, c in counts.items()],
                                    columns=[w["col_sheet"], w["col_read"], w["col_used"], w["col_rejected"]]))
    return about


def summary(assessment, *, lang: str = "en", version: str | None = None, generated: str | None = None):
    """(title, body) of the summary: the page's title and its HTML body (without the document
    around it, so that the web app shows it inside its own page)."""
    w = Words(lang)
    a = assessment
    version = version or greentex.__version__
    generated = generated or _r.generated()
    site, opts, src = a.site or {}, a.options or {}, a.inventory.source
    period = period_word(_r.months_of(a), lang)
    title = w["title"].format(name=_r.mill_name(a), period=period)
    grid = site.get("grid_used") or {}
    sub = w["subtitle"].format(file=src.get("name", ""), version=version, gwp=opts.get("gwp", ""),
                               grid=w.value("grid_used", grid) if grid else "")
    by_year = monthly.year_figures(a, w)
    figures = "".join(f"<figure><figcaption>{esc(caption)}</figcaption>{svg}</figure>" for caption, svg in charts(a, w))
    parts = [
        f"<h1>{esc(title)}</h1>", f'<p class="sub">{esc(sub)}</p>',
        f"<h2>{esc(w['key_figures'].format(period=by_year[2] if by_year else period))}</h2>", _key_figures(a, w, by_year),
        f'<div class="charts">{figures}</div>' if figures else "",
        f"<h2>{esc(w['verdicts'].format(period=by_year[2] if by_year else period))}</h2>", _verdicts(a, w),
        _targets(a, w),
        f"<h2>{esc(w['issues'])}</h2>", _issues(a, w),
        f"<h2>{esc(w['factors'])}</h2>", _factors(a, w),
        f"<h2>{esc(w['about'])}</h2>", _about(a, w, version, generated),
    ]
    return title, "\n".join(p for p in parts if p)


def render_html(assessment, *, lang: str = "en", version: str | None = None, generated: str | None = None) -> str:
    """The report summary as one self-contained HTML document (str), in ``lang`` (en or zh).
    ``generated`` is the time shown in About (default: now, UTC, to the minute, as the workbook)."""
    title, body = summary(assessment, lang=lang, version=version, generated=generated)
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head>\n<body>\n{body}\n</body></html>\n")


def write_html(assessment, path: str | Path, *, lang: str = "en") -> None:
    """Write the HTML summary to ``path`` atomically (never over the input workbook)."""
    check_outputs([path], [(assessment.inventory.source.get("path"), "workbook")])
    atomic_write_bytes(Path(path), render_html(assessment, lang=lang).encode("utf-8"))
