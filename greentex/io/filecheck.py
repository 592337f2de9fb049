"""What a file really is, and whether it is safe to open, decided before any parser sees it.

- The kind comes from the file's first bytes, not its name: an .xlsx (zip), an OpenDocument
  spreadsheet (zip with that mimetype), a legacy .xls or an encrypted workbook (both OLE2), or text.
- Zip bombs are refused from the archive's own size records, before anything is inflated: at most
  MAX_UNCOMPRESSED bytes in all, and no large member inflating more than MAX_RATIO times.
- XML with a document type declaration (where entity-expansion attacks live) is refused.
- Formula cells that carry no cached value (a file written by a program and never opened in
  Excel) are found in the sheet XML, so that they are reported instead of read as empty.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from greentex.errors import GreentexError

MAX_UNCOMPRESSED = 1 << 30  # 1 GiB of XML in all: a million-row sheet is about 100 MB
MAX_RATIO = 200  # a member over RATIO_FLOOR bytes may not inflate more than this
RATIO_FLOOR = 10 << 20
MAX_MEMBERS = 10_000
# what a damaged archive raises when read (NotImplementedError: a version or compression method
# field that zipfile does not know, "zip file version 11.3")
DAMAGED_ZIP = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
SAVE_AS = "open it in Excel or LibreOffice and save it as .xlsx (Excel workbook)"


def file_kind(path: Path) -> str:
    """'xlsx', 'ods', 'xls' or raises GreentexError saying what the file is and what to do."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
            if head[:8] == OLE2:
                fh.seek(0)
                if ENCRYPTED_MARK in fh.read(1 << 20):
                    raise GreentexError("the workbook is password-protected (encrypted)", file=path.name,
                                        hint="open it in Excel, remove the password (File > Info > Protect "
                                             "Workbook) and save it again")
                return "xls"
    except OSError as exc:
        raise GreentexError(f"cannot be opened ({exc.strerror})", file=path.name) from None
    if head[:4] == b"PK\x03\x04":
        return _zip_kind(path)
    if head[:2] == b"PK":
        raise GreentexError("the file is damaged (an incomplete zip archive)", file=path.name,
                            hint="copy or download it again, or " + SAVE_AS)
    if not head:
        raise GreentexError("the file is empty (0 bytes)", file=path.name, hint="copy or download it again")
    text = head.lstrip(b"\xef\xbb\xbf")[:1]
    if text.isascii() and (text.isalnum() or text in b'"\',;\t'):
        raise GreentexError("this is a text file (CSV?), not a workbook", file=path.name,
                            hint=SAVE_AS)
    raise GreentexError("this is not an Excel workbook", file=path.name, hint=SAVE_AS)


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            check_zip_sizes(infos, path.name)
            refuse_entities(zf, path.name)
            names = {i.filename for i in infos}
            if "mimetype" in names and b"opendocument.spreadsheet" in zf.read("mimetype")[:100]:
                return "ods"
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "word/document.xml" in names or "ppt/presentation.xml" in names:
                raise GreentexError("this is a Word or PowerPoint file, not a workbook", file=path.name)
            raise GreentexError("this zip archive is not an Excel workbook", file=path.name, hint=SAVE_AS)
    except DAMAGED_ZIP:
        raise GreentexError("the file is damaged or incomplete (a broken zip archive)", file=path.name,
                            hint="copy or download it again, or " + SAVE_AS) from None


def check_zip_sizes(infos: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse archives whose recorded sizes exceed the limits (zip bombs), without inflating."""
    if len(infos) > MAX_MEMBERS:
        raise GreentexError(f"refused: the archive holds {len(infos)} files (limit {MAX_MEMBERS})", file=name)
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise GreentexError(f"refused: the workbook would inflate to {total / 2**20:,.0f} MiB "
                            f"(limit {MAX_UNCOMPRESSED / 2**20:,.0f} MiB); this looks like a zip bomb",
                            file=name, hint="split the data over several workbooks if it is genuine")
    for i in infos:
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise GreentexError(f"refused: '{i.filename}' inflates {i.file_size / max(i.compress_size, 1):,.0f} "
                                f"times (limit {MAX_RATIO}); this looks like a zip bomb", file=name)


_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_FORMULA_CELL = re.compile(rb"<c\b([^>]*)>((?:(?!</c>).)*?<f[\s>/](?:(?!</c>).)*?)</c>", re.DOTALL)
_CELL_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_CACHED = re.compile(rb"<v>[^<]+</v>|<is>")  # a saved value (an empty <v/> is none)


def _sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> member path, from workbook.xml and its relationships (parsed with defusedxml)."""
    from defusedxml import ElementTree

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    wb = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels}
    out = {}
    for sheet in wb.iter(f"{ns_main}sheet"):
        t = target.get(sheet.get(f"{ns_rel}id"), "")
        path = t.lstrip("/") if t.startswith("/") else str(PurePosixPath("xl") / t)
        out[sheet.get("name")] = path
    return out


def refuse_entities(zf: zipfile.ZipFile, name: str) -> None:
    """Refuse an archive any of whose XML parts declares a document type or entities (read from
    the first 4 KB of each part, where a declaration must stand)."""
    for info in zf.infolist():
        if info.filename.endswith((".xml", ".rels")):
            with zf.open(info) as fh:
                if _DTD.search(fh.read(4096)):
                    raise GreentexError(f"refused: '{info.filename}' declares XML entities "
                                        "(an XML bomb or external-entity attack)", file=name,
                                        hint="only open workbooks saved by Excel or LibreOffice")


def uncached_formulas(path: Path, sheets: list[str]) -> dict[str, list[str]]:
    """Per sheet, the formula cells that carry no saved value (read from the sheet XML)."""
    from defusedxml import DefusedXmlException

    found: dict[str, list[str]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            try:
                paths = _sheet_paths(zf)
            except (DefusedXmlException, KeyError, SyntaxError) as exc:
                raise GreentexError(f"the workbook structure is damaged ({type(exc).__name__})",
                                    file=path.name, hint="open it in Excel or LibreOffice and save it again") from None
            for name in sheets:
                member = paths.get(name)
                if not member:
                    continue
                data = zf.read(member)
                if not re.search(rb"<f[\s>/]", data):
                    continue
                cells = []
                for m in _FORMULA_CELL.finditer(data):
                    if not _CACHED.search(m.group(2)):
                        ref = _CELL_REF.search(m.group(1))
                        cells.append(ref.group(1).decode() if ref else "?")
                if cells:
                    found[name] = cells
    except DAMAGED_ZIP:
        raise GreentexError("the file is damaged or incomplete (a broken zip archive)", file=path.name) from None
    return found


MAX_GRID_CELLS = 10_000_000  # rows x columns of a sheet as read from A1 (a million rows of 9 columns)
SPARSE_GRID = 1_000_000  # a grid this large with values in under 1 % of its cells: a stray value far away
_CELL = re.compile(rb'<c\b([^>]*?)(/?)>')
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_ERROR_CELL = re.compile(rb'<c\b([^>]*?\bt="e"[^>/]*)>(.*?)</c>', re.DOTALL)
_VALUE = re.compile(rb"<v>([^<]*)</v>")


def column_index(letters: str) -> int:
    """1-based index of Excel column letters (A -> 1, XFD -> 16384)."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _far_refs(data: bytes, pattern: bytes) -> list[tuple[str, int]]:
    """(column letters, row) of the matches of ``pattern`` (which starts with the literal
    ``r="``) whose ``r`` begins a word, as ``\\b`` would say: searched for the literal first,
    which is about ten times faster over a large sheet than a pattern led by ``\\b``."""
    return [(m.group(1).decode(), int(m.group(2))) for m in re.finditer(pattern, data)
            if m.start() == 0 or not (data[m.start() - 1:m.start()].isalnum() or data[m.start() - 1] == 95)]


def sheet_extent(data: bytes) -> tuple[int, int, str]:
    """(rows, columns, farthest cell) of a sheet's XML, from its cell references, read cheaply:
    columns of two or three letters and row numbers longer than the last row's are looked for
    (a sheet of one-letter columns counts as 26 wide unless that is too many)."""
    tail = _ROW_NUMBER.search(data, max(0, data.rfind(b"<row ") - 1))
    last = int(tail.group(1)) if tail else 0
    refs = _far_refs(data, rb'r="([A-Z]{2,3})(\d+)"')
    refs += _far_refs(data, rb'r="([A-Z]{1,3})(\d{%d,})"' % (len(str(last)) + 1))
    rows = max([last] + [r for _, r in refs])
    cols = max([column_index(c) for c, _ in refs], default=0)
    if not cols:  # one-letter columns only: at most 26, counted exactly only where that matters
        cols = 26 if rows * 26 <= MAX_GRID_CELLS else \
            max((column_index(c.decode()) for c in set(re.findall(rb'\br="([A-Z])\d', data))), default=1)
    far = max(refs, key=lambda cr: column_index(cr[0]) * max(cr[1], 1), default=("", 0))
    return rows, cols, f"{far[0]}{far[1]}" if far[0] else ""


def value_extent(data: bytes) -> tuple[int, int, str, int]:
    """(rows, columns, farthest cell, values) of the cells that hold a value (the reading library
    skips formatted empty cells); a loop over every cell, for sparse sheets."""
    rows = cols = values = 0
    far = ""
    for m in _CELL.finditer(data):
        if m.group(2):  # <c r="C9" s="1"/>: formatted, empty
            continue
        end = data.find(b"</c>", m.end())
        body = data[m.end():end if end >= 0 else len(data)]
        ref = _CELL_REF.search(m.group(1))
        if ref and (b"<v" in body or b"<is" in body):
            col, row = re.match(r"([A-Z]+)(\d+)", ref.group(1).decode()).groups()
            values += 1
            r, c = int(row), column_index(col)
            if r * c > rows * cols or not far:
                far = ref.group(1).decode()
            rows, cols = max(rows, r), max(cols, c)
    return rows, cols, far, values


def _sparse(data: bytes, sheet: str, file: str, rows: int, cols: int) -> tuple[int, int]:
    """The grid (rows, columns) of a large sheet whose values fill under 1 % of it, from its value
    cells alone; a stray value far from the table is refused, naming its cell."""
    if rows * cols <= SPARSE_GRID or (data.count(b"</v>") + data.count(b"</is>")) * 100 >= rows * cols:
        return rows, cols
    rows, cols, far, values = value_extent(data)
    if rows * cols > SPARSE_GRID and values * 100 < rows * cols:
        raise GreentexError(f"refused: a stray value at cell {far}, far from the table ({values:,} values in a "
                            f"grid of {rows:,} rows x {cols:,} columns)", file=file, sheet=sheet, cell=far,
                            hint="delete the stray content far from the table (Ctrl+End in Excel goes to it) and save")
    return rows, cols


def error_cells(data: bytes) -> dict[tuple[int, int], str]:
    """{(row, column) 0-based: error text} of the cells holding an Excel error (#DIV/0!, #N/A ...),
    which the reading library returns as empty."""
    out = {}
    if b't="e"' not in data:
        return out
    for m in _ERROR_CELL.finditer(data):
        ref = _CELL_REF.search(m.group(1))
        value = _VALUE.search(m.group(2))
        if ref:
            col, row = re.match(r"([A-Z]+)(\d+)", ref.group(1).decode()).groups()
            out[(int(row) - 1, column_index(col) - 1)] = value.group(1).decode() if value else "#VALUE!"
    return out


def scan_sheet(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    """Before the reading library sizes its grid: refuse a sheet whose cells reach so far that
    rows x columns from A1 exceed MAX_GRID_CELLS (a stray value at XFD1048576 would make it
    allocate hundreds of GiB), or whose values fill under 1 % of a grid over SPARSE_GRID cells (a
    stray value at C1048576 took seconds to read), naming the farthest cell; formatted empty cells
    do not count. Returns the sheet's error_cells."""
    with zipfile.ZipFile(path) as zf:
        member = _sheet_paths(zf).get(sheet)
        if not member:
            return {}
        data = zf.read(member)
    rows, cols, far = sheet_extent(data)
    rows, cols = _sparse(data, sheet, path.name, rows, cols)
    if rows * cols > MAX_GRID_CELLS:
        raise GreentexError(f"refused: the sheet reaches cell {far or f'row {rows:,}'}, making a grid of "
                            f"{rows:,} rows x {cols:,} columns (limit {MAX_GRID_CELLS:,} cells)", file=path.name,
                            sheet=sheet, cell=far or None,
                            hint="delete the stray content far from the table (Ctrl+End in Excel goes to it) and save")
    return error_cells(data)
