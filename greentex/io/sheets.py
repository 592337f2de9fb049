"""A workbook's sheets as rows of cells, each read only after the checks of
greentex.io.filecheck, and read ahead of time where that saves waiting.

The parser (calamine) runs without the interpreter lock, so a sheet can be parsed in a
background thread while Python does other work: ``largest_sheet_ahead`` starts on the
workbook's largest sheet while pandas, pint, the factor library and the rest of greentex load.
(Reading each next sheet while the current one is turned into rows saved 0.1 s more at 100 000
rows but raised the peak memory by 11 MB, a tenth, and was left out.)
Nothing is decided in the background: a read ahead that fails for any reason is dropped, and the
sheet is read again in its turn, raising its error where it always did.

This module imports nothing heavy (no pandas, no pint): it runs before they are loaded.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path

from greentex.errors import GreentexError
from greentex.io.filecheck import DAMAGED_ZIP, _sheet_paths, file_kind, scan_sheet

MAX_ROWS = 1_048_576  # Excel's own limits
MAX_COLUMNS = 16_384


class Book:
    """A calamine workbook with the file it came from and its kind ('xlsx', 'ods', 'xls')."""

    def __init__(self, wb, path: Path, kind: str):
        self.wb, self.path, self.kind = wb, path, kind
        self.sheet_names = wb.sheet_names

    def get_sheet_by_name(self, name: str):
        return self.wb.get_sheet_by_name(name)

    def hidden(self) -> dict[str, str]:
        """{sheet: 'hidden' or 'very hidden'} of the sheets not shown in Excel."""
        out = {}
        for m in getattr(self.wb, "sheets_metadata", []):
            state = str(m.visible).rsplit(".", 1)[-1].lower()
            if state in ("hidden", "veryhidden"):
                out[m.name] = "very hidden" if state == "veryhidden" else "hidden"
        return out


def open_book(path: Path, kind: str | None = None) -> tuple[Book, str]:
    """(workbook, kind) after the file checks of greentex.io.filecheck (``kind``: they were made
    already and said so)."""
    import python_calamine as pc

    if not path.exists():
        raise GreentexError("file not found", file=str(path), hint="check the path")
    if path.is_dir():
        raise GreentexError("is a folder, not a workbook", file=str(path))
    kind = kind or file_kind(path)
    try:
        return Book(pc.CalamineWorkbook.from_path(str(path)), path, kind), kind
    except Exception as exc:  # calamine raises its own types for every unreadable file
        raise GreentexError(f"the workbook is damaged and cannot be read ({type(exc).__name__})", file=path.name,
                            hint="open it in Excel or LibreOffice and save it as .xlsx") from None


def grid(book: Book, name: str, file: str) -> tuple[list[list], dict[tuple[int, int], str]]:
    """(a sheet's rows from A1, {(row, column) 0-based: Excel error text}), after the sheet's real
    extent was checked (filecheck.scan_sheet) where the file says it cheaply (.xlsx). Rows are
    of equal length; an Excel error cell reads as empty there. A sheet read ahead is taken as is."""
    ahead = _take(book.path, name)
    return ahead if ahead is not None else _read_grid(book, name, file)


def _read_grid(book: Book, name: str, file: str) -> tuple[list[list], dict[tuple[int, int], str]]:
    """``grid`` read now."""
    errors = {}
    if book.kind == "xlsx":
        try:
            errors = scan_sheet(book.path, name)
        except (*DAMAGED_ZIP, KeyError, SyntaxError) as exc:
            raise GreentexError(f"the workbook structure is damaged ({type(exc).__name__})", file=file,
                                hint="open it in Excel or LibreOffice and save it again") from None
    try:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:  # a damaged sheet inside a readable archive
        raise GreentexError(f"the sheet is damaged and cannot be read ({type(exc).__name__})", file=file,
                            sheet=name, hint="open the workbook in Excel or LibreOffice and save it again") from None
    if len(rows) > MAX_ROWS or (rows and len(rows[0]) > MAX_COLUMNS):
        raise GreentexError(f"refused: the sheet has {len(rows):,} rows and {len(rows[0]) if rows else 0:,} "
                            f"columns (limits {MAX_ROWS:,} and {MAX_COLUMNS:,})", file=file, sheet=name)
    return rows, errors


# -- the largest sheet, read while the rest of greentex loads ---------------------------------------

_ahead: dict[tuple, Future] = {}
_ahead_lock = threading.Lock()


def _key(path: Path, name: str) -> tuple | None:
    """The read-ahead key of a sheet: the file's resolved path, size and modification time, so
    that a file changed meanwhile is read again, and the sheet's name."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return str(Path(path).resolve()), st.st_size, st.st_mtime_ns, name


def _largest_sheet(path: Path) -> str | None:
    """The name of an .xlsx workbook's largest worksheet (by its XML's recorded size)."""
    import zipfile

    with zipfile.ZipFile(path) as zf:
        sizes = {i.filename: i.file_size for i in zf.infolist()}
        members = _sheet_paths(zf)
    return max(members, key=lambda n: sizes.get(members[n], -1), default=None)


@contextmanager
def largest_sheet_ahead(path):
    """Within the block, the largest sheet of the .xlsx workbook at ``path`` is read in a background
    thread (after the same file checks), for ``grid`` to take; what is not taken is dropped at the
    end. A file that cannot be read ahead is simply read in its turn. The thread does not hold up
    the process's exit; a block inside another for the same file adds nothing."""
    path = Path(path)
    key = _key(path, None)
    with _ahead_lock:
        nested = key is not None and any(k[:-1] == key[:-1] for k in _ahead)
    try:
        name = _largest_sheet(path) if key and not nested and file_kind(path) == "xlsx" else None
    except Exception:  # noqa: BLE001 - whatever is wrong is found and said by the reader itself
        name = None
    if name:
        key = key[:-1] + (name,)
        with _ahead_lock:
            _ahead[key] = _start(lambda: _read_grid(open_book(path, "xlsx")[0], name, path.name))
    try:
        yield
    finally:
        if name:
            with _ahead_lock:
                _ahead.pop(key, None)


def _start(work) -> Future:
    """A Future of ``work()`` run in a daemon thread."""
    future = Future()

    def run():
        if future.set_running_or_notify_cancel():
            try:
                future.set_result(work())
            except BaseException as exc:  # noqa: BLE001 - handed to whoever takes the result
                future.set_exception(exc)

    threading.Thread(target=run, name="greentex-read-ahead", daemon=True).start()
    return future


def _take(path: Path, name: str):
    """The rows and errors of a sheet read ahead, or None (not read ahead, failed, or the file
    changed since)."""
    if not _ahead:
        return None
    key = _key(path, name)
    with _ahead_lock:
        future = _ahead.pop(key, None)
    if future is None:
        return None
    try:
        return future.result()
    except Exception:  # noqa: BLE001 - read again in its turn, raising there
        return None
