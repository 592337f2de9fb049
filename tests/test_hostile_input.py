"""The second round of hostile input (issue 18): each defect found has its regression test here.

Values are checked once, whatever carries them; units are units; a sheet's real extent is
checked before the reading library sizes its grid; user data files are read as users save them.
"""

import subprocess
import sys
import time
import zipfile

import pandas as pd
import pytest
from click.testing import CliRunner

from greentex.cli import cli
from greentex.errors import GreentexError
from greentex.factors import load_library
from greentex.inventory import Inventory
from greentex.io.workbook import read_workbook
from greentex.units import parse_unit

from conftest import SAMPLES, write_workbook

LONG = ["period", "item", "quantity", "unit"]


def _long(tmp_path, rows, name="mill.xlsx", sheet="Energy"):
    return write_workbook(tmp_path / name, {sheet: [LONG] + rows})


def _error(path, **kw) -> str:
    with pytest.raises(GreentexError) as err:
        read_workbook(path, **kw)
    return str(err.value)


def _rezip(src, dst, member, change):
    """Copy an xlsx, letting change(data) return new bytes for one member."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info.filename, change(data) if info.filename == member else data)
    return dst


def _cli(*args, timeout=60, **kw):
    """greentex in its own process (a crash or hang there cannot take the test run with it)."""
    return subprocess.run([sys.executable, "-c", "from greentex.cli import main; main()", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, **kw)


# -- units: a unit is a unit ------------------------------------------------------------------

def test_a_power_tower_in_a_unit_is_refused_at_once():
    """'10**10**10*kWh' made pint compute a 10-billion-digit integer, forever."""
    code = "from greentex.units import parse_unit\ntry:\n parse_unit('10**10**10*kWh')\nexcept Exception as e:\n print(e)"
    start = time.monotonic()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert time.monotonic() - start < 20
    assert "is not a unit" in out.stdout


@pytest.mark.parametrize("unit", ["nan*kWh", "-1*kWh", "0*kWh", "inf*kWh", "2*kWh", "kWh**100",
                                  "(kWh)**2", "10**-100*kWh", "kWh" * 30, "1e306*MWh"])
def test_numbers_inside_a_unit_are_refused(unit):
    with pytest.raises(GreentexError, match="not a unit"):
        parse_unit(unit)


@pytest.mark.parametrize("unit, multiplier", [("10^4 kWh", 1e4), ("1e4 kWh", 1e4), ("万kWh", 1e4),
                                              ("kWh^-1", 1), ("m**3", 1), ("1000 m3", 1e3)])
def test_units_that_legitimately_hold_numbers_still_parse(unit, multiplier):
    assert parse_unit(unit).magnitude == pytest.approx(multiplier)


@pytest.mark.parametrize("unit", ["nan*kWh", "-1*kWh", "0*kWh", "inf*kWh"])
def test_a_unit_carrying_a_number_is_refused_in_an_activity_sheet(tmp_path, unit):
    """'nan*kWh' used to make the row 'used' with a NaN quantity (energy fell, exit 0)."""
    path = _long(tmp_path, [["2024-01", "electricity", 100, unit], ["2024-02", "electricity", 100, "kWh"]])
    assert "cell D2" in _error(path)


def test_a_unit_carrying_a_number_is_refused_in_the_factors_sheet(tmp_path):
    path = write_workbook(tmp_path / "m.xlsx", {
        "Energy": [LONG, ["2024-01", "electricity", 100, "kWh"]],
        "Factors": [["item", "parameter", "value", "unit", "source"],
                    ["natural_gas", "ncv", 38, "nan*GJ/m3", "supplier"]]})
    assert "not a unit" in _error(path)


# -- values: finite, in range, not booleans or Excel errors -----------------------------------

def test_true_in_a_quantity_cell_is_not_one(tmp_path):
    """TRUE / FALSE became 1 / 0 with no issue."""
    path = _long(tmp_path, [["2024-01", "electricity", 100, "kWh"], ["2024-02", "electricity", True, "kWh"]])
    message = _error(path)
    assert "cell C3" in message and "true/false" in message


def test_true_in_a_wide_sheet_is_not_one(tmp_path):
    path = write_workbook(tmp_path / "w.xlsx", {"Energy": [["period", "Electricity [kWh]"], ["2024-01", False]]})
    assert "cell B2" in _error(path)


def test_overflow_is_bad_input_not_a_null(tmp_path):
    """1e306 MWh converted to inf kWh: 'energy inf tce', null in the JSON, exit 0.
    1e306 MWh = 1e309 kWh > 1e12 kWh (MAX_QUANTITY) and > the largest double (1.8e308)."""
    path = _long(tmp_path, [["2024-01", "electricity", 1e306, "MWh"]])
    message = _error(path)
    assert "cell C2" in message and "above the limit" in message


def test_a_quantity_at_the_limit_after_its_multiplier_is_refused(tmp_path):
    """2e8 万kWh = 2e12 kWh: over the 1e12 kWh limit only once the 万 (1e4) is applied."""
    path = _long(tmp_path, [["2024-01", "electricity", 2e8, "万kWh"]])
    assert "above the limit" in _error(path)


def _with_error_cell(tmp_path, rows, cell, text):
    src = write_workbook(tmp_path / "src.xlsx", {"Energy": rows})

    def change(data):
        start = data.index(f'<c r="{cell}"'.encode())
        end = data.index(b"</c>", start) + 4
        return data[:start] + f'<c r="{cell}" t="e"><v>{text}</v></c>'.encode() + data[end:]
    return _rezip(src, tmp_path / "err.xlsx", "xl/worksheets/sheet1.xml", change)


@pytest.mark.parametrize("text", ["#DIV/0!", "#N/A", "#REF!"])
def test_an_excel_error_in_a_long_sheet_is_bad_input(tmp_path, text):
    """It read as empty: the row was rejected as 'no quantity' with no data issue."""
    path = _with_error_cell(tmp_path, [LONG, ["2024-01", "electricity", 100, "kWh"],
                                       ["2024-02", "electricity", 7, "kWh"]], "C3", text)
    message = _error(path)
    assert "cell C3" in message and text in message


def test_an_excel_error_in_a_wide_sheet_is_bad_input(tmp_path):
    """The cell disappeared, the row counted as used and the month went missing."""
    path = _with_error_cell(tmp_path, [["period", "Electricity [kWh]", "Natural gas [m3]"],
                                       ["2024-01", 100, 5], ["2024-02", 7, 5]], "B3", "#DIV/0!")
    message = _error(path)
    assert "cell B3" in message and "#DIV/0!" in message


def test_a_long_cell_is_quoted_short(tmp_path):
    """An error message quoted a whole 32,767-character cell."""
    path = _long(tmp_path, [["2024-01", "electricity", "x" * 32767, "kWh"]])
    message = _error(path)
    assert len(message) < 400 and "cell C2" in message


# -- the real extent of a sheet ------------------------------------------------------------------

def _far_cell(tmp_path, ref, sheet="Energy", name="far.xlsx"):
    src = write_workbook(tmp_path / "src.xlsx", {"Energy": [LONG, ["2024-01", "electricity", 100, "kWh"]],
                                                 "Site": [["name", "Mill"]]})
    member = "xl/worksheets/sheet1.xml" if sheet == "Energy" else "xl/worksheets/sheet2.xml"
    row = "".join(ch for ch in ref if ch.isdigit())
    return _rezip(src, tmp_path / name, member, lambda d: d.replace(
        b"</sheetData>", f'<row r="{row}"><c r="{ref}"><v>1</v></c></row></sheetData>'.encode()))


@pytest.mark.parametrize("ref, sheet", [("XFD1048576", "Energy"), ("XFD10000", "Energy"), ("XFD1048576", "Site")])
def test_a_stray_far_cell_is_refused_in_well_under_a_second(tmp_path, ref, sheet):
    """One cell at XFD1048576 (a 5 KB file) aborted the process (exit 134); XFD10000 took 54 s
    and 6.5 GB. Run in its own process so that the old behaviour fails instead of killing the run."""
    path = _far_cell(tmp_path, ref, sheet)
    start = time.monotonic()
    out = _cli("validate", path, timeout=120)
    elapsed = time.monotonic() - start
    assert out.returncode == 2, out.stderr
    assert ref in out.stderr and len(out.stderr.strip().splitlines()) == 1
    read_start = time.monotonic()
    with pytest.raises(GreentexError, match=ref):
        read_workbook(path)
    assert time.monotonic() - read_start < 0.5, elapsed


@pytest.mark.parametrize("ref, sheet", [("C1048576", "Site"), ("D1048576", "Energy")])
def test_a_stray_value_under_the_cell_limit_is_refused_quickly(tmp_path, ref, sheet):
    """A value at C1048576 of a 3-column Site sheet (3.1 M cells, under the 10 M limit) was read as
    a million-row grid: 7-11 s (fuzz seed 0 case 11)."""
    path = _far_cell(tmp_path, ref, sheet)
    start = time.monotonic()
    with pytest.raises(GreentexError, match=f"stray value at cell {ref}"):
        read_workbook(path)
    assert time.monotonic() - start < 0.5


def test_the_largest_sheet_read_ahead_is_taken_once_and_dropped_after(tmp_path, monkeypatch):
    """``largest_sheet_ahead`` parses the largest sheet (Water, 40 rows, against Energy's 2) in a
    background thread; the reader takes it instead of parsing it again, and the inventory equals
    one read without it. A file changed meanwhile is read again; nothing is left held after the
    block, and a block inside another for the same file starts no second read."""
    from greentex.io import sheets

    data = {"Energy": [LONG, ["2024-01", "electricity", 100, "kWh"]],
            "Water": [LONG] + [[f"2024-{m:02d}", "tap_water", 50 + k, "m3"] for m in range(1, 11) for k in range(4)]}
    path = write_workbook(tmp_path / "w.xlsx", data)
    parsed = []
    monkeypatch.setattr(sheets, "_read_grid", lambda b, n, f, _read=sheets._read_grid: parsed.append(n) or _read(b, n, f))
    plain = read_workbook(path)
    assert sorted(parsed) == ["Energy", "Water"]

    parsed.clear()
    with sheets.largest_sheet_ahead(path):
        with sheets.largest_sheet_ahead(path):
            assert len(sheets._ahead) == 1
        ahead = read_workbook(path)
    assert sorted(parsed) == ["Energy", "Water"]  # Water once, in the background
    assert ahead.activity.equals(plain.activity) and not sheets._ahead

    parsed.clear()
    with sheets.largest_sheet_ahead(path):
        sheets._ahead[next(iter(sheets._ahead))].result()
        write_workbook(path, {**data, "Energy": data["Energy"] + [["2024-02", "electricity", 7, "kWh"]]})
        changed = read_workbook(path)
    assert sorted(parsed) == ["Energy", "Water", "Water"]  # the read ahead was of the old file
    assert len(changed.activity) == len(plain.activity) + 1 and not sheets._ahead


def test_a_refused_largest_sheet_says_the_same_with_or_without_reading_ahead(tmp_path):
    """A stray value far below the largest sheet's table: the command (which reads that sheet
    ahead) and the reader alone give the same one-line error, exit 2."""
    path = _far_cell(tmp_path, "D900000", "Energy")
    with pytest.raises(GreentexError) as caught:
        read_workbook(path)
    out = _cli("report", path, "-o", tmp_path / "r.xlsx")
    assert out.returncode == 2 and out.stderr.strip() == f"greentex: error: {caught.value}"


def test_a_formatted_empty_cell_far_away_is_not_content(tmp_path):
    """A bold but empty cell at XFD1048576 (no value: the reading library skips it) made the sheet
    refused for its size."""
    path = _rezip(write_workbook(tmp_path / "src.xlsx", {"Energy": [LONG, ["2024-01", "electricity", 100, "kWh"]]}),
                  tmp_path / "styled.xlsx", "xl/worksheets/sheet1.xml", lambda d: d.replace(
                      b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>'))
    inv = read_workbook(path)
    assert inv.counts["Energy"] == {"read": 1, "used": 1, "rejected": 0}


def test_a_far_cell_within_the_limit_is_read(tmp_path):
    path = _far_cell(tmp_path, "Z300")
    inv = read_workbook(path)
    assert inv.counts["Energy"]["read"] == inv.counts["Energy"]["used"] + inv.counts["Energy"]["rejected"]


def test_hidden_sheets_are_read_with_a_note(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Energy"
    ws.append(LONG)
    ws.append(["2024-01", "electricity", 100, "kWh"])
    water = wb.create_sheet("Water")
    water.append(LONG)
    water.append(["2024-01", "tap_water", 50, "m3"])
    water.sheet_state = "veryHidden"
    wb.save(tmp_path / "h.xlsx")
    inv = read_workbook(tmp_path / "h.xlsx")
    assert "water" in set(inv.activity["domain"])
    notes = [i for i in inv.issues if i.sheet == "Water"]
    assert notes and "very hidden" in notes[0].message


# -- user data files ---------------------------------------------------------------------------

GRID_HEAD = "grid,year,label_zh,value,unit,source,reference,status,note\n"


def _grid_file(tmp_path, value, encoding="utf-8", label="全国", name="cn_grid_electricity.csv"):
    path = tmp_path / name
    path.write_bytes((GRID_HEAD + f"national,2022,{label},{value},tCO2/MWh,supplier,letter,user,\n").encode(encoding))
    return path


@pytest.mark.parametrize("value", ["nan", "inf", "1e308", "-0.5978"])
def test_bad_factor_values_in_a_user_file_are_refused_with_file_and_row(tmp_path, value):
    """A grid factor of -0.5978 made GHG negative; nan and 1e308 made it null; exit 0."""
    path = _grid_file(tmp_path, value)
    with pytest.raises(GreentexError) as err:
        load_library([path])
    assert "row 2" in str(err.value) and path.name in str(err.value)


def test_a_benchmark_limit_of_nan_is_refused(tmp_path):
    """A limit 'nan' gave 'fail' with a blank limit and `check` exit 1."""
    text = (SAMPLES / "mill_internal_targets_2025.csv").read_text(encoding="utf-8")
    path = tmp_path / "targets.csv"
    path.write_text(text.replace("at_most,26,", "at_most,nan,"), encoding="utf-8")
    out = CliRunner().invoke(cli, ["check", str(SAMPLES / "jiangsu_woven_dyeing_2024.xlsx"), "--benchmarks", str(path)])
    assert out.exit_code == 2 and "row 2" in out.output


def test_unknown_items_in_a_user_factor_file_are_refused(tmp_path):
    path = tmp_path / "fuel_properties.csv"
    path.write_text("item,parameter,value,unit,source,reference,status\n"
                    "natral_gas,ncv,38,GJ/m**3,supplier,letter,user\n", encoding="utf-8")
    with pytest.raises(GreentexError, match="unknown item 'natral_gas'"):
        load_library([path])


@pytest.mark.parametrize("encoding, label", [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"),
                                             ("gbk", "GBK/GB18030"), ("gb18030", "GBK/GB18030"),
                                             ("utf-16", "UTF-16"), ("utf-16-le", "UTF-16")])
def test_user_files_are_read_as_users_save_them(tmp_path, encoding, label, woven_month):
    """A factor CSV saved by Chinese Excel (GBK) was refused. The encoding is said in About
    (the assessment's options)."""
    from greentex.assessment import assess

    path = _grid_file(tmp_path, "0.5", encoding=encoding, label="全国电网（用户）")
    lib = load_library([path])
    row = lib.dataset("cn_grid_electricity").row(grid="national", year="2022")
    assert row["label_zh"] == "全国电网（用户）" and row["value"] == 0.5
    a = assess(Inventory.from_frames(**woven_month, library=lib), library=lib)
    assert f"{path.name} ({label})" in a.options["user_files"]


def test_a_file_in_no_known_encoding_is_refused_with_its_name(tmp_path):
    path = tmp_path / "cn_grid_electricity.csv"
    path.write_bytes(GRID_HEAD.encode() + b"national,2022,caf\xe9 \xff\xfe,0.5,tCO2/MWh,s,r,user,\n")
    with pytest.raises(GreentexError, match="cn_grid_electricity.csv.*not UTF-8, UTF-16 or GBK"):
        load_library([path])


@pytest.mark.parametrize("option", ["--factors", "--benchmarks", "--scenarios"])
def test_an_empty_data_file_is_bad_input(tmp_path, option):
    """A 0-byte --factors / --benchmarks / --scenarios file gave exit 3."""
    empty = tmp_path / ("cn_grid_electricity.csv" if option == "--factors" else "x.csv")
    empty.write_bytes(b"")
    command = "scenario" if option == "--scenarios" else "report"
    out = CliRunner().invoke(cli, [command, str(SAMPLES / "jiangsu_woven_dyeing_2024.xlsx"), option, str(empty),
                                   "-o", str(tmp_path / "o.xlsx")])
    assert out.exit_code == 2, out.output
    assert "empty" in out.output and len(out.output.strip().splitlines()) == 1
