"""Numbers as ledgers write them: thousands separators, full-width digits, dashes and 无 for
nothing, a unit typed in the cell; a decimal comma refused as ambiguous, with its cell."""

import math

import pytest
from hypothesis import given, strategies as st
from numpy.testing import assert_allclose

from greentex.assessment import assess
from greentex.errors import GreentexError
from greentex.inventory import parse_number, split_quantity
from greentex.io.workbook import read_workbook


@pytest.mark.parametrize("text, number, unit", [
    ("1,234.5", 1234.5, ""), ("1,234", 1234.0, ""), ("12,345,678", 12345678.0, ""), ("-1,000", -1000.0, ""),
    ("１２３．５", 123.5, ""), ("１，２３４", 1234.0, ""), (" 42 ", 42.0, ""), ("1e3", 1000.0, ""),
    ("135.5万kWh", 135.5, "万kWh"), ("135.5 万kWh", 135.5, "万kWh"), ("6,028.5吨", 6028.5, "吨"),
    ("19.51万m³", 19.51, "万m3"), (".5", 0.5, ""),
])
def test_split_quantity(text, number, unit):
    assert split_quantity(text) == (number, unit)


@pytest.mark.parametrize("text", ["", "  ", "-", "—", "——", "－", "/", "无", "--", None])
def test_empty_words(text):
    assert math.isnan(parse_number(text))


@pytest.mark.parametrize("text", ["12,3", "1,23", "1,2345", "12,30", "0,5"])
def test_decimal_comma_is_refused(text):
    with pytest.raises(GreentexError, match="ambiguous"):
        parse_number(text)


@pytest.mark.parametrize("text", ["abc", "12 apples", "1.2.3", "万kWh", "about 5"])
def test_not_a_number(text):
    with pytest.raises(GreentexError, match="is not a number"):
        split_quantity(text)


def test_parse_number_refuses_a_unit():
    """Where a bare number is wanted (Factors values, drivers), a unit in the cell is an error."""
    with pytest.raises(GreentexError, match="is not a number"):
        parse_number("35 MJ")


@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False))
def test_thousands_separators_read_back(d):
    """Any amount written with thousands separators (Excel's #,##0.00 as text) reads back."""
    assert_allclose(parse_number(f"{d:,.2f}"), float(d), rtol=1e-12)


def _read(make_workbook, rows):
    return read_workbook(make_workbook({"能源": rows}))


def test_unit_in_the_cell_when_the_header_has_none(make_workbook):
    """电力 135.5万kWh + 99.75万kWh = 2 352 500 kWh; x 0.1229 kgce/kWh = 289 122.25 kgce = 289.12225 tce."""
    inv = _read(make_workbook, [["月份", "电力"], ["2024年1月", "135.5万kWh"], ["2024年2月", "997,500 kWh"]])
    assert_allclose(inv.activity["quantity"].sum(), 2_352_500)
    assert_allclose(assess(inv).value("energy"), 289.12225)


def test_unit_in_the_cell_same_as_the_header(make_workbook):
    inv = _read(make_workbook, [["月份", "电力（万kWh）"], ["2024-01", "135.5万kWh"], ["2024-02", "1,000"]])
    assert_allclose(inv.activity["quantity"].sum(), 1_355_000 + 10_000_000)


def test_unit_in_the_cell_that_disagrees_is_refused(make_workbook):
    with pytest.raises(GreentexError) as e:
        _read(make_workbook, [["月份", "电力（万kWh）"], ["2024-01", 1], ["2024-02", "135.5 kWh"]])
    assert e.value.cell == "B3" and "the cell says kWh" in str(e.value)


def test_long_sheet_unit_from_the_cell(make_workbook):
    inv = _read(make_workbook, [["月份", "项目", "数量", "单位"], ["2024-01", "天然气", "19.51万m³", None],
                                ["2024-01", "电力", "1,355,100", "kWh"]])
    assert_allclose(sorted(inv.activity["quantity"]), [195_100, 1_355_100])


def test_no_unit_anywhere(make_workbook):
    with pytest.raises(GreentexError) as e:
        _read(make_workbook, [["月份", "电力"], ["2024-01", 5]])
    assert e.value.cell == "B1" and "has no unit" in str(e.value)


def test_decimal_comma_names_its_cell(make_workbook):
    with pytest.raises(GreentexError) as e:
        _read(make_workbook, [["月份", "电力（kWh）"], ["2024-01", "1,234"], ["2024-02", "12,3"]])
    assert (e.value.sheet, e.value.cell) == ("能源", "B3") and "ambiguous" in str(e.value)


def test_dash_and_wu_are_empty_months(make_workbook):
    """'—' and '无' are 'nothing this month': listed as rejected (no quantity), never a zero."""
    inv = _read(make_workbook, [["月份", "电力（kWh）", "蒸汽（t）"], ["2024-01", 100, "无"], ["2024-02", "—", 5]])
    assert len(inv.activity) == 2
    assert set(inv.rejected["cell"]) >= {"C2", "B3"}
