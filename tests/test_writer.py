"""The report writer's shortcuts give what the plain per-cell way gives."""

import re

import pytest

from hypothesis import given, strategies as st

from greentex.io.filecheck import _far_refs
from greentex.io.xlsx import column_values, number_width, plain, wrapped_height

import numpy as np
import pandas as pd

numbers = st.lists(st.tuples(st.one_of(st.floats(allow_nan=False, width=64, min_value=-1e15, max_value=1e15),
                                       st.integers(-10**12, 10**12), st.sampled_from([float("inf"), -float("inf")])),
                             st.integers(0, 8)), max_size=40)


@given(numbers)
def test_number_width_is_the_widest_printed_number(pairs):
    """The width of a column of numbers is its longest printed value (thousands separators,
    the row's decimals) plus 1.5: e.g. 1234.5 at 2 decimals prints '1,234.50' (8 characters),
    -99 at 0 prints '-99' (3): 8 + 1.5 = 9.5."""
    want = max((len(f"{v:,.{d}f}") for v, d in pairs), default=-1.5) + 1.5
    assert number_width(pairs) == want
    assert number_width([(1234.5, 2), (-99, 0)]) == 9.5


@given(st.lists(st.one_of(st.none(), st.floats(), st.integers(-10**6, 10**6), st.text(max_size=5)), max_size=20))
def test_column_values_are_plain_values(values):
    for series in (pd.Series(values, dtype=object), pd.Series([v for v in values if isinstance(v, float)],
                                                              dtype=float)):
        assert column_values(series) == [plain(v) for v in series.tolist()]
    ints = pd.Series(np.arange(5, dtype=np.int64))
    assert column_values(ints) == [plain(v) for v in ints] and all(type(v) is int for v in column_values(ints))


xml = st.lists(st.sampled_from(['<c r="', 'r="', ' spr="', '_r="', 'AB', 'C', '12', '1234567', '"/>', 'x', ' ']),
               max_size=30).map(lambda parts: "".join(parts).encode())


@given(xml)
def test_far_refs_match_the_word_bounded_pattern(data):
    """Searching the literal r=" first and keeping matches whose r begins a word finds what
    the pattern led by \\b finds."""
    for pattern in (rb'r="([A-Z]{2,3})(\d+)"', rb'r="([A-Z]{1,3})(\d{3,})"'):
        want = [(c.decode(), int(r)) for c, r in re.findall(rb"\b" + pattern, data)]
        assert _far_refs(data, pattern) == want


def test_a_long_latin_line_is_given_two_lines():
    """A 50-letter company id in a 44-wide column: 50 x 0.9 = 45 width units > 44 - 2 = 42 of
    room, so two lines of 15 pt (LibreOffice wraps it; one line let it run over the next row);
    the same id in a 60-wide column fits one line (45 <= 58)."""
    urn = "urn:pact:company:customcode:buyer-assigned:SX-0042"
    assert len(urn) == 50
    assert wrapped_height(urn, 44) == 30 and wrapped_height(urn, 60) == 15


def test_about_words_grid_per_year_and_allocation():
    """A grid used per year reads as years and grids, not a Python dict; allocation names its
    products."""
    from greentex.display import Words

    per_year = {"2023": {"grid": "east", "year": 2021, "basis": "given"},
                "2024": {"grid": "east", "year": 2022, "basis": "given"}}
    zh, en = Words("zh"), Words("en")
    assert zh.value("grid_used_by_year", per_year) == "2023: 华东区域电网（数据年份 2021）；2024: 华东区域电网（数据年份 2022）"
    assert en.value("grid_used_by_year", per_year) == \
        "2023: grid East China grid, data year 2021; 2024: grid East China grid, data year 2022"
    assert "woven_fabric" not in zh.value("allocation", "woven_fabric: 0.6; knit_fabric: 0.4")
    assert zh.key("grid_used_by_year") == "各年度采用的电网排放因子"


# -- table cells made ahead (greentex.io.xlsx._Cells) against XlsxWriter's own per-cell writes

def _per_cell(monkeypatch):
    """_Cells writing each cell with XlsxWriter's public write_* calls, as the writer did before
    it made the cells' XML itself."""
    from greentex.io import xlsx

    def strings(self, rows, texts, styles):
        for r, t, (f, _) in zip(rows, texts, styles):
            self.ws.write_string(r, self.c0, t, f)

    def numbers(self, rows, values, styles):
        for r, x, (f, _) in zip(rows, values, styles):
            self.ws.write_number(r, self.c0, x, f)

    def blanks(self, rows, styles):
        for r, (f, _) in zip(rows, styles):
            self.ws.write_blank(r, self.c0, None, f)

    monkeypatch.setattr(xlsx._Cells, "strings", strings)
    monkeypatch.setattr(xlsx._Cells, "numbers", numbers)
    monkeypatch.setattr(xlsx._Cells, "blanks", blanks)


def _read_back(path) -> dict:
    """Every cell of every sheet as Excel reads it: value, number format, bold, fill, wrap; and
    each sheet's extent, widths, heights, state and print titles."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None or c.has_style:
                    out[ws.title, c.coordinate] = (c.value, c.number_format, c.font.b, c.fill.fgColor.rgb,
                                                   c.alignment.wrap_text)
        out[ws.title] = (ws.dimensions, sorted((k, v.width) for k, v in ws.column_dimensions.items()),
                         sorted((k, v.height) for k, v in ws.row_dimensions.items() if v.height),
                         ws.sheet_state, str(ws.print_title_rows), ws.freeze_panes, str(ws.auto_filter.ref))
    return out


def _chart_parts(path) -> dict:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("xl/charts/")}


MIXED = pd.DataFrame({
    "text": ["a", "纯棉机织布", "x" * 60, None, "a", "tab\there", "\x01control", "z" * 20000],
    "number": [1.5, np.nan, 0.000123, -2e9, 3.0, 12345.678, 0.0, 7.25],
    "mixed": [1, "two", None, True, 2.5, np.nan, "三", False],
    "int": np.arange(8, dtype=np.int64),
})


def _mixed_book(path):
    from greentex.io.xlsx import save

    def build(book):
        s = book.sheet("Mixed")
        end = s.table(MIXED, places={"number": [0, 1, 2, 3, 4, 5, 6, 7]},
                      fills=[None, "#F4CCCC", None, "#D9EAD3", None, None, "#F4CCCC", None], bold_rows=[3, 5],
                      wrap={"text": 18})
        s.table(MIXED[["number", "int"]], row=end + 2, col=3, freeze=False, autofilter=False)
        chart = s.chart("column", "Numbers")
        chart.add_series({"name": "number", "categories": s.ref(2, 4, 9, 4), "values": s.ref(2, 2, 9, 2)})
        s.insert(chart, end + 12, 1)
    save(build, path)


def test_cells_made_ahead_read_back_as_xlsxwriters_own(tmp_path, monkeypatch):
    """A table of every kind of cell (text: CJK, wrapped, with a tab, with a control character
    removed, longer than MAX_STRING and truncated by write_string; numbers with per-row decimals,
    NaN left empty, a number column beside text; booleans; blank cells that show a fill or bold),
    a second table beside it and a chart over it: the workbook reads back cell for cell as when
    every cell goes through XlsxWriter's write_* calls, and the chart's cached values are the
    same bytes."""
    _mixed_book(tmp_path / "ahead.xlsx")
    with monkeypatch.context() as m:
        _per_cell(m)
        _mixed_book(tmp_path / "per_cell.xlsx")
    ahead, per_cell = _read_back(tmp_path / "ahead.xlsx"), _read_back(tmp_path / "per_cell.xlsx")
    assert ahead == per_cell
    assert ahead["Mixed", "A4"][0] == "x" * 60 and ahead["Mixed", "A4"][4]           # wrapped
    assert ahead["Mixed", "A7"][0] == "tab\there" and ahead["Mixed", "A8"][0] == "control"
    assert ahead["Mixed", "B5"] == (-2e9, "#,##0.000", True, "FFD9EAD3", None)  # bold row, its fill, 3 places
    assert ahead["Mixed", "C5"][0] is True and ahead["Mixed", "C2"][0] == 1
    assert _chart_parts(tmp_path / "ahead.xlsx") == _chart_parts(tmp_path / "per_cell.xlsx") != {}


def test_a_sample_report_reads_back_as_with_xlsxwriters_own_cells(tmp_path, monkeypatch):
    """The knit sample's report (every sheet, both languages) is the same workbook cell for cell
    whichever way its table cells are written; the generation time aside."""
    from pathlib import Path

    from greentex.assessment import assess
    from greentex.io.report import write_report
    from greentex.io.workbook import read_workbook

    knit_assessment = assess(read_workbook(Path(__file__).resolve().parent.parent / "samples" / "knit_dyeing_2024.xlsx"))

    monkeypatch.setattr("greentex.io.report.generated", lambda: "2026-01-01 00:00 UTC")
    for lang in ("en", "zh"):
        write_report(knit_assessment, tmp_path / f"ahead_{lang}.xlsx", lang=lang, version="0")
        with monkeypatch.context() as m:
            _per_cell(m)
            write_report(knit_assessment, tmp_path / f"per_cell_{lang}.xlsx", lang=lang, version="0")
        assert _read_back(tmp_path / f"ahead_{lang}.xlsx") == _read_back(tmp_path / f"per_cell_{lang}.xlsx")
        assert _chart_parts(tmp_path / f"ahead_{lang}.xlsx") == _chart_parts(tmp_path / f"per_cell_{lang}.xlsx")


def test_an_infinite_number_is_refused_as_xlsxwriter_refuses_it(tmp_path):
    """XlsxWriter refuses infinity in a number cell (the workbook option that would write #NUM!
    is off); a table cell made ahead goes through the same call for it, not around it."""
    import pytest
    from greentex.io.xlsx import save

    with pytest.raises(TypeError, match="NAN/INF"):
        save(lambda book: book.sheet("S").table(pd.DataFrame({"x": [1.0, float("inf")]})), tmp_path / "inf.xlsx")


def _heading_after_table(path, rows: int):
    """A landscape sheet: a one-column table of ``rows`` numbers from row 1 (header repeated on
    each page), a blank row, a heading, and a three-row table below it."""
    from greentex.io.xlsx import save

    made = {}

    def build(book):
        s = made["sheet"] = book.sheet("S")
        end = s.table(pd.DataFrame({"x": np.arange(rows, dtype=float)}))
        s.line(end + 1, "Totals", "heading")
        s.table(pd.DataFrame({"t": [1.0, 2.0, 3.0]}), row=end + 2, freeze=False, autofilter=False)
    save(build, path)
    return made["sheet"]


def test_a_heading_near_the_page_foot_starts_the_next_page(tmp_path):
    """A4 landscape at 100 %: (210 mm / 25.4 - 0.5 in top - 0.6 in bottom) x 72 = 516.1 pt of rows.
    A header and 32 rows of 15 pt (495 pt), a blank row (510 pt), then a heading of 18 pt that
    keeps the 3 rows below it (18 + 45 = 63 pt) would end 57 pt past the foot: the page ends after
    row 34 and the heading opens the next one. With 20 rows it fits (21 + 1 rows x 15 = 330, +63
    = 393 pt): no break. Every row gets its height, so that the program breaks where this says."""
    import openpyxl

    long = _heading_after_table(tmp_path / "long.xlsx", 32)
    assert long.scale() == 100 and long.keep_breaks(100) == [34]
    ws = openpyxl.load_workbook(tmp_path / "long.xlsx")["S"]
    assert [b.id for b in ws.row_breaks.brk] == [34]
    fit = ws.sheet_properties.pageSetUpPr
    assert ws.page_setup.scale in (None, 100) and not (fit and fit.fitToPage)   # a set scale (100 % is the default)
    assert ws.row_dimensions[2].height == 15 and ws.row_dimensions[35].height == 18
    short = _heading_after_table(tmp_path / "short.xlsx", 20)
    assert short.keep_breaks(100) == []
    assert not openpyxl.load_workbook(tmp_path / "short.xlsx")["S"].row_breaks.brk


def test_the_garbage_collector_is_paused_while_reading_and_writing_and_back_after(tmp_path):
    """Paused inside read_workbook and the writer (nested in run_report, the outermost turns it
    back on), on again after them, after an error too; left off when it was off."""
    import gc

    from greentex.errors import GreentexError
    from greentex.io import paused_gc
    from greentex.io.workbook import read_workbook
    from greentex.io.xlsx import save

    seen = []
    save(lambda book: seen.append(gc.isenabled()), tmp_path / "a.xlsx")
    with paused_gc():
        with paused_gc():
            seen.append(gc.isenabled())
        seen.append(gc.isenabled())
    assert seen == [False, False, False] and gc.isenabled()
    with pytest.raises(GreentexError):
        read_workbook(tmp_path / "missing.xlsx")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
