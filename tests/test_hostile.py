"""Broken and hostile files, all made by this test code: each gives one clear line and exit 2."""

import zipfile

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from openpyxl.utils.exceptions import IllegalCharacterError

from greentex.cli import cli
from greentex.errors import GreentexError
from greentex.inventory import Inventory
from greentex.io import filecheck
from greentex.io.workbook import read_workbook

from conftest import SAMPLES, write_workbook

GOOD = [["period", "Electricity [kWh]"], ["2024-01", 100]]


def _run(path, tmp_path):
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(cli, ["report", str(path), "-o", str(out)])
    assert "Traceback" not in result.output
    assert not out.exists(), "no output may be written for input that fails"
    return result


def _expect(path, tmp_path, message):
    result = _run(path, tmp_path)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    return lines[0]


def _rezip(src, dst, change):
    """Copy an xlsx, letting change(name, data) return new bytes for a member."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change(info.filename, zin.read(info.filename)))
    return dst


def test_csv_under_an_xlsx_name(tmp_path):
    path = tmp_path / "mill.xlsx"
    path.write_text("period,item,quantity,unit\n2024-01,electricity,100,kWh\n", encoding="utf-8")
    _expect(path, tmp_path, "mill.xlsx: this is a text file (CSV?), not a workbook (open it in Excel")


def test_encrypted_workbook(tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(filecheck.OLE2 + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 100)
    _expect(path, tmp_path, "locked.xlsx: the workbook is password-protected (encrypted)")


def test_damaged_legacy_xls(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(filecheck.OLE2 + b"\x01" * 600)
    _expect(path, tmp_path, "old.xls: the workbook is damaged and cannot be read")


def test_truncated_workbook(tmp_path):
    whole = (SAMPLES / "knit_dyeing_2024.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    _expect(path, tmp_path, "cut.xlsx: the file is damaged or incomplete")


def test_empty_file_and_word_document(tmp_path):
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    _expect(empty, tmp_path, "empty.xlsx: the file is empty (0 bytes)")
    doc = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(doc, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    _expect(doc, tmp_path, "this is a Word or PowerPoint file, not a workbook")


def test_opendocument_spreadsheet_is_read(tmp_path):
    content = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Energy">
<table:table-row><table:table-cell office:value-type="string"><text:p>period</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>Electricity [kWh]</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><text:p>2024-01</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="1234"><text:p>1234</text:p></table:table-cell></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"""
    manifest = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"""
    path = tmp_path / "mill.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content.replace("\n", ""))
        zf.writestr("META-INF/manifest.xml", manifest)
    inv = read_workbook(path)
    assert inv.activity["quantity"].tolist() == [1234.0]


def test_zip_bomb_is_refused_before_inflating(tmp_path):
    good = write_workbook(tmp_path / "good.xlsx", {"Energy": GOOD})
    bomb = tmp_path / "bomb.xlsx"
    _rezip(good, bomb, lambda n, d: d)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\0" * (24 << 20))  # 24 MiB of zeros -> ~24 KiB
    assert bomb.stat().st_size < 200_000
    _expect(bomb, tmp_path, "inflates")


def test_total_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(filecheck, "MAX_UNCOMPRESSED", 1000)
    path = write_workbook(tmp_path / "big.xlsx", {"Energy": GOOD})
    with pytest.raises(GreentexError, match="looks like a zip bomb"):
        read_workbook(path)


def test_xml_entity_declarations_are_refused(tmp_path):
    good = write_workbook(tmp_path / "good.xlsx", {"Energy": GOOD})
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>')

    def poison(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', b"").replace(
                b"<worksheet", laughs.encode() + b"<worksheet", 1)
        return data

    bad = _rezip(good, tmp_path / "laughs.xlsx", poison)
    _expect(bad, tmp_path, "declares XML entities")


def test_formula_without_a_cached_value(tmp_path):
    path = write_workbook(tmp_path / "calc.xlsx", {"Energy": [["period", "Electricity [kWh]"], ["2024-01", 100],
                                                              ["2024-02", "=B2*2"]]})
    _expect(path, tmp_path, "calc.xlsx: sheet 'Energy' cell B3: formula with no saved value")


def test_input_file_is_never_changed(tmp_path):
    import shutil

    path = tmp_path / "mill.xlsx"
    shutil.copy(SAMPLES / "jiangsu_woven_dyeing_2024.xlsx", path)
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    result = CliRunner().invoke(cli, ["report", str(path), "-o", str(tmp_path / "r.xlsx"),
                                      "--json", str(tmp_path / "r.json")])
    assert result.exit_code == 0
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime


def test_existing_output_survives_a_failed_run(tmp_path):
    out = tmp_path / "report.xlsx"
    out.write_bytes(b"previous report")
    bad = write_workbook(tmp_path / "bad.xlsx", {"Energy": [["period", "Electricity [kWh]"], ["2024-01", "x"]]})
    result = CliRunner().invoke(cli, ["report", str(bad), "-o", str(out)])
    assert result.exit_code == 2
    assert out.read_bytes() == b"previous report"


cells = st.one_of(
    st.none(), st.integers(-10**6, 10**9), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.sampled_from(["2024-01", "2024年2月", "Jan 2024", "电力", "kWh", "万kWh", "t",
                                          "electricity", "natural gas", "=1+1", "1,000", "１２", "-5"]),
    st.dates(), st.booleans())
headers = st.lists(st.one_of(st.sampled_from(["period", "item", "quantity", "unit", "月份", "电力（万kWh）",
                                              "Natural gas [m3]", "Steam (t)", "", "???"]), st.text(max_size=8)),
                   min_size=1, max_size=5)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                               HealthCheck.too_slow])
@given(st.sampled_from(["Energy", "能源", "Water", "Production", "Site", "Factors", "x"]), headers,
       st.lists(st.lists(cells, min_size=0, max_size=5), max_size=6))
def test_random_malformed_sheets_give_a_result_or_a_greentex_error(tmp_path, sheet, header, body):
    path = tmp_path / "fuzz.xlsx"
    try:
        write_workbook(path, {sheet: [header] + body, "Energy" if sheet != "Energy" else "Water": GOOD})
    except (ValueError, TypeError, IllegalCharacterError):
        return  # openpyxl cannot store this cell; nothing to read
    try:
        inv = read_workbook(path)
    except GreentexError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert isinstance(inv, Inventory)
    for c in inv.counts.values():
        assert c["read"] == c["used"] + c["rejected"]


def test_outputs_get_ordinary_file_permissions(tmp_path):
    import os
    import stat

    js = tmp_path / "r.json"
    result = CliRunner().invoke(cli, ["report", str(SAMPLES / "knit_dyeing_2024.xlsx"), "-o", str(tmp_path / "r.xlsx"),
                                      "--json", str(js)])
    assert result.exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(js.stat().st_mode) == 0o666 & ~umask
