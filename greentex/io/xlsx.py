"""The workbook writer of every greentex report (XlsxWriter): tables with number formats,
widths and wrapped text, headings, charts, and pages set up to print on A4.

Rows and columns are 1-based here, as in a spreadsheet; XlsxWriter's are 0-based. Text is always
written as text (never as a formula, a number or a link), with the characters XML cannot hold
removed. Each sheet prints on A4, fitted to the page width, its table header repeated on every
page, with a footer naming the mill, the period, page x of y, the greentex version, the time the
report was made and the input's SHA-256 prefix.
"""

from __future__ import annotations

import math
import re
from collections import namedtuple
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from greentex.display import number_format, text_width
from greentex.io import paused_gc
from greentex.io.atomic import atomic_path
from greentex.io.atomic import check_outputs

GREEN = "#2E6B47"
FILL_WEAK = "#FFF2CC"      # factor status not primary
FILL_USER = "#F8CBAD"      # factor overridden by the user
FILL_FAIL = "#F4CCCC"      # benchmark not met
FILL_PASS = "#D9EAD3"      # benchmark met
MAX_WIDTH = 44             # characters; longer text wraps
CHART_W, CHART_H = 15.5, 7.5   # cm
CHART_ROWS = 16            # rows of 20 px that one chart plus a gap takes
PX_CM = 96 / 2.54
FONT_PT = 11               # body text; fitted to width it must print at 8 pt or more
MIN_SCALE = 75             # % : 11 pt x 0.75 = 8.25 pt; a sheet wider than that prints across pages
PAGE_MM = {"landscape": 297 - 2 * 13, "portrait": 210 - 2 * 13}   # printable width, 13 mm margins
MARGIN_IN = 13 / 25.4
TOP_IN, BOTTOM_IN = 0.5, 0.6
PAGE_H_IN = {"landscape": 210 / 25.4, "portrait": 297 / 25.4}
KEEP_ROWS = 3          # a heading prints on the page of the 3 rows below it


@dataclass
class Footer:
    """What every printed page says at its foot."""
    mill: str = ""
    period: str = ""
    version: str = ""
    generated: str = ""
    sha256: str = ""
    page: str = "Page &P of &N"

    def text(self) -> str:
        def esc(s):
            return str(s).replace("&", "&&")
        left = " · ".join(esc(s) for s in (self.mill, self.period) if s)
        right = " · ".join(esc(s) for s in (f"greentex {self.version}" if self.version else "", self.generated,
                                              f"SHA-256 {self.sha256[:12]}" if self.sha256 else "") if s)
        return (f"&L&8{left}&C&8{self.page}&R&8{right}")[:255]


# control characters XML 1.0 cannot hold (the set openpyxl refuses), kept out of the import of
# openpyxl, which costs a report ~0.1 s
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


@lru_cache(maxsize=65536)
def clean(text: str) -> str:
    """Text without the characters XML cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


ROW_PT = 15            # the height of a row of one line, points


def wrapped_height(text: str, width: float) -> float:
    """The height (points) of ``text`` wrapped in a column ``width`` characters wide: a Latin
    letter takes about 0.9 of a width unit (the unit is a digit; 0.8 left a 50-letter company id
    in a 44-wide column one line high where LibreOffice wraps it on two, over the next row), a
    CJK character two units and a taller line (17 pt against 15 pt); a line loses a little to
    whole words."""
    text = str(text)
    room = max(1.0, width - 2)
    lines = 0
    for part in text.split("\n"):
        wide = text_width(part) - len(part)          # CJK characters
        units = 0.9 * (len(part) - wide) + 2 * wide
        lines += max(1, math.ceil(units / room))
    return lines * (17 if text_width(text) > len(text) else ROW_PT)


def plain(value):
    """A value to write: NaN/NA -> None, numpy scalars -> Python, lists joined, text cleaned."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (list, tuple, set)):
        value = ", ".join(map(str, value))
    if isinstance(value, (bool, int, float)):
        return value
    return clean(value if isinstance(value, str) else str(value))


def column_values(series: pd.Series) -> list:
    """A column's values as plain() makes them, floats and integers without a call per value."""
    if series.dtype.kind == "f" and isinstance(series.dtype, np.dtype):
        a = series.to_numpy()
        values = a.tolist()
        return [None if v != v else v for v in values] if np.isnan(a).any() else values
    if series.dtype.kind in "iu" and isinstance(series.dtype, np.dtype):
        return series.tolist()
    return [clean(v) if type(v) is str else plain(v) for v in series.tolist()]


def header_width(name: str) -> float:
    """A header's column width: its text up to 8, but never less than its longest Latin word (a
    word broken across lines, Compariso-n, reads badly), up to 14."""
    words = re.findall(r"[A-Za-z0-9%()\[\]./-]+", name)
    return max(min(text_width(name) + 1, 8), min(max((len(w) + 1 for w in words), default=0), 14))


def number_width(numbers: list) -> float:
    """The widest printed length of (value, decimals) pairs written with thousands separators,
    plus 1.5 (0 for none): per number of decimals the largest and the most negative finite
    value print longest (rounding keeps the order), non-finite ones are tried as they are."""
    if not numbers:
        return 0
    v = np.array([x for x, _ in numbers], dtype=float)
    d = np.array([p for _, p in numbers], dtype=int)
    finite = np.isfinite(v)
    tried = [numbers[i] for i in np.flatnonzero(~finite)]
    for p in np.unique(d[finite]):
        idx = np.flatnonzero(finite & (d == p))
        tried += [numbers[idx[np.argmax(v[idx])]], numbers[idx[np.argmin(v[idx])]]]
    return max(len(f"{x:,.{p}f}") for x, p in tried) + 1.5


def significant(values, least: int) -> np.ndarray:
    """Decimals that show each value with about four significant digits, at least ``least``
    (at most 10); values of 1 and more, zero and non-finite ones get ``least``."""
    a = np.abs(np.asarray(values, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        small = np.isfinite(a) & (a > 0) & (a < 1)
        need = np.where(small, np.ceil(-np.log10(np.where(small, a, 1.0))) + 3, least)
    return np.clip(need, least, 10).astype(int)


# A table cell stored with its XML made when the table is written. The type names are XlsxWriter's
# own cell kinds, which its chart code reads back (a chart's cached values: ``number``, ``string``).
_Number = namedtuple("Number", "number format xml")
_String = namedtuple("String", "string format xml")
_Blank = namedtuple("Blank", "format xml")
_MADE = frozenset({_Number, _String, _Blank})
MAX_STRING = 16383   # longer text goes through XlsxWriter's write_string, which truncates it


class _Worksheet(Worksheet):
    """XlsxWriter's worksheet, which writes a cell made ahead (a table cell) as it is: one string
    written instead of XlsxWriter's per-cell attribute lists and format look-ups."""

    def _write_cell(self, row, col, cell) -> None:
        if type(cell) in _MADE:
            self.fh.write(cell.xml)
        else:
            super()._write_cell(row, col, cell)


class _Cells:
    """One column's cells stored as XlsxWriter stores them (in its cell table and shared-string
    table, growing the sheet's extent), each with its XML <c> element made here as XlsxWriter
    writes it: one pass over each kind of cell, not XlsxWriter's checks and look-ups per cell.
    A style is a (format, ' s="N"') pair from ``style``; rows are 0-based."""

    def __init__(self, ws, c0: int):
        self.ws, self.c0, self.letter = ws, c0, xl_col_to_name(c0)

    @staticmethod
    def style(fmt) -> tuple:
        return fmt, (f' s="{fmt._get_xf_index()}"' if fmt is not None else "")

    def _store(self, rows: list, cells: list) -> None:
        table, c0 = self.ws.table, self.c0
        for r, cell in zip(rows, cells):
            table[r][c0] = cell
        if rows:
            self.ws._check_dimensions(min(rows), c0)
            self.ws._check_dimensions(max(rows), c0)

    def strings(self, rows: list, texts: list, styles: list) -> None:
        """Text cells (shared strings, indexed in row order as XlsxWriter's write_string does);
        text too long for a cell goes through write_string, which truncates it."""
        rows, texts, styles = list(rows), list(texts), list(styles)
        long = [k for k, t in enumerate(texts) if len(t) > MAX_STRING]
        for k in reversed(long):
            self.ws.write_string(rows.pop(k), self.c0, texts.pop(k), styles.pop(k)[0])
        sst, col = self.ws.str_table._get_shared_string_index, self.letter
        index = [sst(t) for t in texts]
        self._store(rows, [_String(i, f, f'<c r="{col}{r + 1}"{s} t="s"><v>{i}</v></c>')
                           for r, i, (f, s) in zip(rows, index, styles)])

    def numbers(self, rows: list, values: list, styles: list) -> None:
        """Number cells written as XlsxWriter writes them (%.16G); NaN and infinity go through
        write_number, which refuses them as it always has."""
        rows, values, styles = list(rows), list(values), list(styles)
        odd = [k for k, x in enumerate(values) if not math.isfinite(x)]
        for k in reversed(odd):
            self.ws.write_number(rows.pop(k), self.c0, values.pop(k), styles.pop(k)[0])
        col = self.letter
        self._store(rows, [_Number(x, f, f'<c r="{col}{r + 1}"{s}><v>{x:.16G}</v></c>')
                           for r, x, (f, s) in zip(rows, values, styles)])

    def blanks(self, rows: list, styles: list) -> None:
        col = self.letter
        self._store(rows, [_Blank(f, f'<c r="{col}{r + 1}"{s}/>') for r, (f, s) in zip(rows, styles)])

    def booleans(self, rows: list, values: list, styles: list) -> None:
        for r, v, (f, _) in zip(rows, values, styles):
            self.ws.write_boolean(r, self.c0, v, f)


class _Styles:
    """The cell styles of one table column: a format per distinct (kind, decimals, fill, bold),
    made once; ``fills`` and ``bold`` are per row of the column."""

    def __init__(self, book: "Book", fills: list, bold: list, num_format: str | None):
        self.book, self.fills, self.bold, self.num_format = book, fills, bold, num_format
        self.made: dict = {}

    def _make(self, kind: str, d: int, fill, bold: bool) -> tuple:
        extra = {"bg_color": fill} if fill else {}
        if bold:
            extra["bold"] = True
        if kind == "wrap":
            extra["text_wrap"] = True
        elif kind == "number":
            extra["num_format"] = self.num_format or number_format(d)
        return _Cells.style(self.book.fmt(**extra))

    def __call__(self, idx: list, kinds, places: list | None = None) -> list:
        """The (format, style attribute) of rows ``idx``: ``kinds`` one kind or one per row,
        ``places`` the decimals of each (numbers)."""
        kinds = [kinds] * len(idx) if isinstance(kinds, str) else kinds
        places = places if places is not None else [0] * len(idx)
        keys = [(k, p, self.fills[i], self.bold[i]) for i, k, p in zip(idx, kinds, places)]
        for key in dict.fromkeys(keys):
            if key not in self.made:
                self.made[key] = self._make(*key)
        return [self.made[key] for key in keys]


class Book:
    """One workbook being written; ``close()`` writes it."""

    def __init__(self, target, footer: Footer | None = None):
        self.wb = xlsxwriter.Workbook(target, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                               "strings_to_urls": False, "nan_inf_to_errors": False})
        self.footer = footer or Footer()
        self._formats: dict = {}
        self.sheets: list[Sheet] = []

    def fmt(self, **props):
        """A cell format, made once per distinct set of properties."""
        key = tuple(sorted(props.items()))
        f = self._formats.get(key)
        if f is None:
            f = self._formats[key] = self.wb.add_format({"valign": "top", **props})
        return f

    def sheet(self, name: str, *, landscape: bool = True) -> "Sheet":
        s = Sheet(self, self.wb.add_worksheet(clean(name)[:31], worksheet_class=_Worksheet), name, landscape)
        self.sheets.append(s)
        return s

    def close(self) -> None:
        for s in self.sheets:
            s.finish()
        self.wb.close()


class Sheet:
    """One worksheet: what is written, column widths and wrapped rows, print settings."""

    def __init__(self, book: Book, ws, name: str, landscape: bool):
        self.book, self.ws, self.name, self.landscape = book, ws, name, landscape
        self.widths: dict[int, float] = {}
        self.heights: dict[int, float] = {}   # row -> points its wrapped text needs
        self.repeat: int | None = None         # the header row printed on every page
        self.chart_px = 0                      # right edge of the charts, pixels from column A
        self.breaks: list[int] = []            # rows (1-based) after which a printed page ends
        self.keep: dict[int, int] = {}         # heading row -> the last row that prints on its page
        self.tall: dict[int, float] = {}       # row -> points, of rows taller than one line of text

    # -- cells
    def put(self, row: int, col: int, value, fmt=None) -> None:
        """Write one value at (row, col), 1-based; text stays text."""
        value = plain(value)
        r, c = row - 1, col - 1
        if value is None:
            if fmt is not None:
                self.ws.write_blank(r, c, None, fmt)
        elif isinstance(value, str):
            self.ws.write_string(r, c, value, fmt)
        elif isinstance(value, bool):
            self.ws.write_boolean(r, c, value, fmt)
        else:
            self.ws.write_number(r, c, value, fmt)

    def line(self, row: int, text: str, style: str = "plain", col: int = 1) -> None:
        """A line of text: a title, heading, bold line or plain note (not counted in widths)."""
        if style in ("title", "heading"):
            self.ws.set_row(row - 1, 21 if style == "title" else 18)
            self.tall[row] = 21 if style == "title" else 18
        if style in ("title", "heading", "bold"):
            self.keep[row] = row + KEEP_ROWS
        props = {"title": {"bold": True, "font_size": 14}, "heading": {"bold": True, "font_size": 12,
                 "font_color": GREEN}, "bold": {"bold": True}, "red": {"bold": True, "font_color": "#C00000"},
                 "green": {"bold": True, "font_color": GREEN}, "plain": {}}[style]
        self.put(row, col, text, self.book.fmt(**props) if props else None)

    def note(self, row: int, text: str, col: int = 1, span: int = 8) -> None:
        """A long note wrapped over ``span`` merged columns."""
        text = plain(text) or ""
        f = self.book.fmt(text_wrap=True)
        self.ws.merge_range(row - 1, col - 1, row - 1, col - 2 + span, text, f)
        room = sum(self.widths.get(col + k, 8.43) for k in range(span))
        self.heights[row] = max(self.heights.get(row, 0), wrapped_height(text, room))

    def width(self, col: int, chars: float) -> None:
        self.widths[col] = max(self.widths.get(col, 0), min(MAX_WIDTH, chars))

    # -- tables
    def table(self, frame: pd.DataFrame, *, row: int = 1, col: int = 1, places: dict | None = None,
              least: int = 2, freeze: bool = True, autofilter: bool = True, fills=None, bold_rows=(),
              repeat: bool = False, wrap: dict | None = None, formats: dict | None = None,
              cell_fills: dict | None = None) -> int:
        """Write ``frame`` with a styled header: numbers with ``places`` decimals (a column name ->
        an int or one int per row), else about four significant digits (at least ``least``);
        text wider than MAX_WIDTH wraps; ``fills`` gives a colour (or None) per data row and
        ``bold_rows`` the data rows (0-based) in bold; ``wrap`` narrows a column (name -> width in
        characters) whose longer text wraps; ``formats`` gives a column an Excel number format and
        ``cell_fills`` a column its own colour per row. Returns the first free row below."""
        book, n = self.book, len(frame)
        places = places or {}
        fills = list(fills) if fills is not None else [None] * n
        bold = np.zeros(n, dtype=bool)
        bold[list(bold_rows)] = True
        bold = bold.tolist()
        for j, name in enumerate(frame.columns):
            c = col + j
            series = frame.iloc[:, j]
            numeric = series.dtype.kind in "fiu" or (series.dtype == object and n > 0 and all(
                isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in series if v is not None
                and v == v))
            head = book.fmt(bold=True, font_color="#FFFFFF", bg_color=GREEN, text_wrap=True,
                            **({"align": "right"} if numeric and n else {}))
            self.put(row, c, name, head)
            self.width(c, header_width(str(name)))
            self.heights[row] = max(self.heights.get(row, 0), wrapped_height(str(name), self.widths.get(c, 8)))
            col_fills = (cell_fills or {}).get(name)
            self._column(series, row + 1, c, places.get(name), least, fills if col_fills is None else list(col_fills),
                         bold, (wrap or {}).get(name, MAX_WIDTH), (formats or {}).get(name))
        if freeze:
            self.ws.freeze_panes(row, col - 1)
        if autofilter and len(frame.columns):
            self.ws.autofilter(row - 1, col - 1, row - 1 + n, col - 2 + len(frame.columns))
        if repeat or freeze:
            self.repeat = row if self.repeat is None else self.repeat
        return row + n + 1

    def _column(self, series: pd.Series, first: int, c: int, place, least: int, fills, bold, limit: int,
                num_format: str | None = None) -> None:
        """Write one column's values from row ``first`` (1-based), each kind of cell in one pass: a
        format per distinct (kind, decimals, fill, bold), made once; the column's width from its
        text and, per number of decimals, from its widest number."""
        values = column_values(series)
        dec = None
        if series.dtype.kind == "f" or place is not None:
            nums = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
            dec = (significant(nums, least) if place is None else
                   np.broadcast_to(np.asarray(place, dtype=int), nums.shape)).tolist()
        styles = _Styles(self.book, fills, bold, num_format)
        cells, rows = _Cells(self.ws, c - 1), range(first - 1, first - 1 + len(values))
        kind = [type(v) for v in values]
        widest, last_wrap = self._texts(cells, rows, values, kind, styles, limit)
        n_idx = [i for i, t in enumerate(kind) if t is not str and t is not bool and t is not type(None)]
        nums = [values[i] for i in n_idx]
        d = ([dec[i] for i in n_idx] if dec is not None else
             [int(significant([v], least)[0]) if type(v) is float else 0 for v in nums])
        cells.numbers([rows[i] for i in n_idx], nums, styles(n_idx, "number", d))
        b_idx = [i for i, t in enumerate(kind) if t is type(None) and (fills[i] or bold[i])]
        cells.blanks([rows[i] for i in b_idx], styles(b_idx, "blank"))
        t_idx = [i for i, t in enumerate(kind) if t is bool]
        cells.booleans([rows[i] for i in t_idx], [values[i] for i in t_idx], styles(t_idx, "text"))
        widest = max(widest, number_width([(v, p) for i, v, p in zip(n_idx, nums, d) if i > last_wrap]))
        self.width(c, max(widest, 6))

    def _texts(self, cells: "_Cells", rows: range, values: list, kind: list, styles: "_Styles",
               limit: int) -> tuple[float, int]:
        """A column's text cells; text wider than ``limit`` wraps and makes its row as high as its
        lines. Returns (the width the text needs, the index of the last wrapped value or -1): a
        wrapped value sets the width to ``limit``, only later values can widen it again."""
        idx = [i for i, t in enumerate(kind) if t is str]
        texts = [values[i] for i in idx]
        width = [text_width(t) for t in texts]
        wrap = [w > limit for w in width]
        cells.strings([rows[i] for i in idx], texts, styles(idx, ["wrap" if x else "text" for x in wrap]))
        for i, t, w, x in zip(idx, texts, width, wrap):
            r = rows[i] + 1
            if x:
                self.heights[r] = max(self.heights.get(r, 0), wrapped_height(t, limit))
            elif w > len(t):   # CJK: a line of 17 pt (see wrapped_height), printed as the program sizes it
                self.tall[r] = max(self.tall.get(r, 0), 17)
        last = max((i for i, x in zip(idx, wrap) if x), default=-1)
        widest = max([0] + [limit] * (last >= 0) + [w + 1 for i, w, x in zip(idx, width, wrap) if i > last])
        return widest, last

    # -- charts
    def chart(self, kind: str, title: str, *, subtype: str | None = None):
        """A chart with a one-line title."""
        spec = {"type": kind}
        if subtype:
            spec["subtype"] = subtype
        c = self.book.wb.add_chart(spec)
        c.set_title({"name": title, "name_font": {"size": 11, "bold": True}, "overlay": False})
        c.set_size({"width": round(CHART_W * PX_CM), "height": round(CHART_H * PX_CM)})
        c.set_legend({"position": "bottom", "font": {"size": 9}})
        return c

    def ref(self, row: int, col: int, last_row: int | None = None, last_col: int | None = None) -> list:
        """A range of this sheet for a chart series, 1-based."""
        return [self.name[:31], row - 1, col - 1, (last_row or row) - 1, (last_col or col) - 1]

    def insert(self, chart, row: int, col: int, x_offset: int = 0) -> None:
        left = sum(self.px(k) for k in range(1, col))
        self.chart_px = max(self.chart_px, left + x_offset + round(CHART_W * PX_CM))
        self.ws.insert_chart(row - 1, col - 1, chart, {"x_offset": x_offset, "y_offset": 4, "object_position": 1})

    # -- pages
    def finish(self) -> None:
        """Column widths, row heights of wrapped text, and the print settings."""
        ws = self.ws
        for c, w in self.widths.items():
            ws.set_column(c - 1, c - 1, max(w, 4))
        if self.keep:   # every row as high as laid out in keep_breaks, so that pages break where it says
            ws.set_default_row(ROW_PT + 0.75)   # (a row of the default height would carry no height, and
            for r in range(1, self.last_row() + 1):   # LibreOffice would size it to its font)
                ws.set_row(r - 1, self.height(r))
        for r, h in self.heights.items():
            if h > ROW_PT + 2:
                ws.set_row(r - 1, min(h, 300))
        ws.set_paper(9)
        (ws.set_landscape if self.landscape else ws.set_portrait)()
        scale = self.scale()
        breaks = sorted(set(self.breaks) | set(self.keep_breaks(max(scale, MIN_SCALE))))
        if scale < MIN_SCALE:   # too wide for one page at 8 pt: pages across, column A on each
            ws.set_print_scale(MIN_SCALE)
            ws.repeat_columns(0)
        elif breaks or self.keep:   # a set scale: Excel ignores page breaks on a sheet fitted to the
            ws.set_print_scale(scale)   # page, and the breaks that keep headings are laid out at this scale
        else:
            ws.fit_to_pages(1, 0)
        if breaks:
            ws.set_h_pagebreaks(breaks)
        ws.set_margins(left=MARGIN_IN, right=MARGIN_IN, top=TOP_IN, bottom=BOTTOM_IN)
        ws.set_footer(self.book.footer.text(), {"margin": 0.25})
        if self.repeat is not None:
            ws.repeat_rows(self.repeat - 1)

    def height(self, r: int) -> float:
        """The printed height of row ``r`` (points): its wrapped text, CJK line or heading, else
        one line."""
        return max(min(self.heights.get(r, 0), 300), self.tall.get(r, 0), ROW_PT)

    def last_row(self) -> int:
        return max([self.ws.dim_rowmax + 1 if self.ws.dim_rowmax is not None else 0, *self.keep.values()])

    def keep_breaks(self, scale: int) -> list[int]:
        """Page breaks (the row after which a page ends) that keep each heading on the page of
        the rows below it: the rows laid down page by page at ``scale`` % by their heights, the
        repeated header row at the top of each page after the first."""
        if not self.keep:
            return []
        room = (PAGE_H_IN["landscape" if self.landscape else "portrait"] - TOP_IN - BOTTOM_IN) * 72 * 100 / scale
        head = self.height(self.repeat) if self.repeat else 0.0
        manual, out, used = set(self.breaks), [], 0.0
        for r in range(1, self.last_row() + 1):
            if r - 1 in manual:
                used = head
            need = sum(self.height(k) for k in range(r, self.keep[r] + 1)) if r in self.keep else self.height(r)
            if used + need > room and used > head:
                if r in self.keep:
                    out.append(r - 1)
                used = head
            used += self.height(r)
        return out

    def px(self, col: int) -> int:
        """The width of a column in pixels, as Excel draws it."""
        return int(self.widths.get(col, 8.43) * 7 + 5)

    def scale(self) -> int:
        """The print scale (%) that fits the used columns and the charts to the page width (what
        'fit to width' comes to, within a few %; the body text prints at 11 pt x scale)."""
        used = max(sum(self.px(c) for c in range(1, max(self.widths, default=1) + 1)), self.chart_px)
        page = PAGE_MM["landscape" if self.landscape else "portrait"] / 25.4 * 96
        return max(10, min(100, int(page * 90 / max(used, 1))))   # 10 % to spare


@paused_gc()
def save(build, path, inventory=None, footer: Footer | None = None) -> None:
    """Write a workbook to ``path`` atomically: ``build(book)`` fills it; never over the
    ``inventory``'s own workbook."""
    check_outputs([path], [(inventory.source.get("path") if inventory is not None else None, "workbook")])
    with atomic_path(path) as tmp:
        book = Book(tmp, footer)
        build(book)
        book.close()


def cell(row: int, col: int) -> str:
    """A1 name of a 1-based cell."""
    return xl_rowcol_to_cell(row - 1, col - 1)
