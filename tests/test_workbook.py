"""The reader: sheet names, long and wide forms, header units, periods, Site and Factors."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from numpy.testing import assert_allclose

from greentex.errors import GreentexError
from greentex.io.template import write_template
from greentex.assessment import assess
from greentex.io.workbook import _kind_of_sheet, column_letter, read_workbook

from conftest import SAMPLES


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


@pytest.mark.parametrize("header", ["电力（万kWh）", "电力(万kWh)", "电力 [万kWh]", "Electricity [万kWh]",
                                    "electricity (万千瓦时)", "用电量【万kWh】".replace("【", "[").replace("】", "]")])
def test_wide_header_forms(make_workbook, header):
    path = make_workbook({"能源": [["月份", header], ["2024年1月", 1.5], ["2024年2月", 2]]})
    a = read_workbook(path).activity
    assert a["item"].tolist() == ["electricity"] * 2
    assert a["quantity"].tolist() == [15_000.0, 20_000.0]
    assert a["cell"].tolist() == ["B2", "B3"]


@pytest.mark.parametrize("sheet", ["Energy", "energy", "ENERGY", "能源"])
def test_sheet_names_any_case_and_language(make_workbook, sheet):
    path = make_workbook({sheet: [["period", "Electricity [kWh]"], ["2024-01", 10]]})
    assert len(read_workbook(path).activity) == 1


def test_long_form_in_chinese_with_meters_adding_up(make_workbook):
    path = make_workbook({"能源": [["月份", "项目", "数量", "单位", "备注"],
                                  ["2024-01", "电力", 100, "度", "1号表"],
                                  ["2024-01", "电力", 50, "千瓦时", "2号表"],
                                  [dt.datetime(2024, 2, 1), "天然气", 1.2, "万Nm3", None]]})
    inv = read_workbook(path)
    a = inv.activity
    assert a["period"].tolist() == ["2024-01", "2024-01", "2024-02"]
    assert a["cell"].tolist() == ["C2", "C3", "C4"]
    assert_allclose(a.groupby("item")["quantity"].sum()["electricity"], 150)
    assert inv.counts["能源"] == {"read": 3, "used": 3, "rejected": 0}


def test_site_and_factors_sheets(make_workbook):
    path = make_workbook({
        "基本信息": [["项目", "内容"], ["名称", "某印染厂"], ["年份", 2024], ["企业类型", "新建"], ["电网因子", "jiangsu"]],
        "能源": [["月份", "天然气（万m³）"], ["2024-01", 1]],
        "因子": [["item", "parameter", "value", "unit", "source"], ["天然气", "ncv", 356, "GJ/万Nm3", "cert"]],
        "Notes": [["anything"]],
    })
    inv = read_workbook(path)
    assert inv.site["name"] == "某印染厂" and inv.site["year"] == 2024
    assert inv.site["enterprise"] == "new" and inv.site["grid"] == "jiangsu"
    o = inv.overrides.iloc[0]
    assert (o["item"], o["parameter"], o["value"], o["cell"]) == ("natural_gas", "ncv", 356.0, "C2")
    assert any(i.sheet == "Notes" and "not recognised" in i.message for i in inv.issues)
    assert len(inv.source["sha256"]) == 64


@pytest.mark.parametrize("sheets, message", [
    ({"能源": [["月份", "电力"], ["2024-01", 1]]}, "sheet '能源' cell B1: '电力' has no unit"),
    ({"Energy": [["period", "Electricity [kWh]"], ["2024-01", 1], ["2024-01", 2]]},
     "month '2024-01' appears in rows 2, 3"),
    ({"Energy": [["period", "Electricity [kWh]"], ["2024-01", "lots"]]}, "cell B2: 'lots' is not a number"),
    ({"Energy": [["period", "Electricity [kg]"], ["2024-01", 5]]}, "cell B1: unit 'kg' does not fit electricity"),
    ({"Energy": [["period", "Moonlight [kWh]"], ["2024-01", 5]]}, "cell B1: unknown energy item 'Moonlight'"),
    ({"Energy": [["period", "Electricity [kWh]"], ["2024-13", 5]]}, "cell A2: '2024-13' is not a month"),
    ({"Energy": [["period", "item", "quantity", "unit"], ["2024-01", "electricity", 5, "kWhh"]]},
     "cell D2: unknown unit 'kWhh'"),
    ({"Other": [["x"]]}, "no activity sheet"),
    ({"Energy": [["period", "Electricity [kWh]"]]}, "no data in any activity sheet"),
])
def test_bad_input_names_sheet_and_cell(make_workbook, sheets, message):
    with pytest.raises(GreentexError) as err:
        read_workbook(make_workbook(sheets))
    assert message in str(err.value)
    assert str(err.value).startswith("mill.xlsx")


def test_untouched_template_gives_a_clear_message(tmp_path):
    for lang in ("en", "zh"):
        path = tmp_path / f"t_{lang}.xlsx"
        write_template(path, lang=lang)
        with pytest.raises(GreentexError, match="only the template's example rows"):
            read_workbook(path)


def test_filled_template_reads(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "t.xlsx"
    write_template(path, lang="zh")
    wb = load_workbook(path)
    ws = wb["能源"]
    ws.append(["2024-01", "电力", 1000, "kWh", None, None])
    wb.save(path)
    inv = read_workbook(path)
    assert inv.activity["quantity"].tolist() == [1000.0]
    assert inv.counts["能源"] == {"read": 2, "used": 1, "rejected": 1}
    assert "template example row" in inv.rejected["reason"].tolist()


def test_samples_read_completely():
    for path in sorted(SAMPLES.glob("*.xlsx")):
        inv = read_workbook(path)
        for sheet, c in inv.counts.items():
            assert c["read"] == c["used"] + c["rejected"], (path.name, sheet)
        assert inv.site.get("name")


def test_unknown_site_keys_are_noted(make_workbook):
    path = make_workbook({"Site": [["key", "value"], ["name", "x"], ["favourite colour", "green"]],
                          "Energy": [["period", "Electricity [kWh]"], ["2024-01", 1]]})
    inv = read_workbook(path)
    notes = [i for i in inv.issues if i.sheet == "Site"]
    assert [(i.cell, i.message) for i in notes] == [
        ("A3", "Site key 'favourite colour' is not one greentex knows: it is kept but not used")]


def test_a_legacy_xls_reads_like_the_xlsx_it_was_saved_from():
    """tests/data/knit_dyeing_2024.xls is samples/knit_dyeing_2024.xlsx saved by LibreOffice as
    Excel 97-2003 (libreoffice --headless --convert-to xls): the same rows, cells and figures."""
    from pathlib import Path

    import pandas as pd

    from greentex.assessment import assess

    old = read_workbook(Path(__file__).parent / "data" / "knit_dyeing_2024.xls")
    new = read_workbook(SAMPLES / "knit_dyeing_2024.xlsx")
    assert old.counts == new.counts
    pd.testing.assert_frame_equal(old.activity, new.activity)
    assert assess(old).value("energy") == pytest.approx(assess(new).value("energy"), rel=1e-12)


def test_a_site_sheet_without_a_header_keeps_its_first_key(make_workbook):
    """'名称' is also an item-column alias, but in a Site sheet's first row it is the mill's name."""
    path = make_workbook({"基本信息": [["名称", "某印染厂"], ["年份", 2024]],
                          "Energy": [["period", "Electricity [kWh]"], ["2024-01", 1]]})
    site = read_workbook(path).site
    assert site["name"] == "某印染厂" and site["year"] == 2024


def test_one_month_written_two_ways_in_a_wide_sheet_is_refused(make_workbook):
    path = make_workbook({"Energy": [["period", "Electricity [kWh]"], ["2024-01", 1], ["2024/1", 2]]})
    with pytest.raises(GreentexError, match="month '2024-01' appears in rows 2, 3"):
        read_workbook(path)


def test_a_drivers_formula_without_a_saved_value_is_refused(make_workbook):
    path = make_workbook({"Energy": [["period", "Electricity [kWh]"], ["2024-01", 1], ["2024-02", 2]],
                          "Drivers": [["period", "Heating degree days [K*d]"], ["2024-01", 10], ["2024-02", "=B2*2"]]})
    with pytest.raises(GreentexError, match="sheet 'Drivers' cell B3: formula with no saved value"):
        read_workbook(path)


def test_a_factors_row_is_read_from_the_first_value_column_and_points_to_it(make_workbook):
    path = make_workbook({"Energy": [["period", "Natural gas [m3]"], ["2024-01", 1000]],
                          "Factors": [["item", "parameter", "value", "unit", "source", "数值"],
                                      ["natural_gas", "ncv", 0.036, "GJ/m3", "supplier 2024", 0.099]]})
    o = read_workbook(path).overrides
    assert o["value"].tolist() == [0.036] and o["cell"].tolist() == ["C2"]


@pytest.mark.parametrize("name, kind", [
    ("企业基本情况", "site"), ("基本情况", "site"), ("2024年能源消耗统计表", "energy"), ("能源购进、消费与库存", "energy"),
    ("用水台账", "water"), ("产品产量表", "production"), ("化学品消耗", "chemicals"), ("染化料用量台账", "chemicals"),
    ("Energy 2024", "energy"), ("2024年度 水", "water"), ("杂项", None), ("2024", None),
    ("2025年能耗目标", "targets"), ("节能目标表", "targets"),
])
def test_sheet_names_as_ledgers_write_them(name, kind):
    """Years, 企业 / 台账 / 统计表 / 消耗 ... around a sheet's kind are the ledger's words, not its kind."""
    assert _kind_of_sheet(name) == kind


def test_a_sheet_of_site_keys_is_the_site_sheet_whatever_its_name(make_workbook):
    """基本资料 is no sheet name greentex knows, but its first column is Site keys: read as Site,
    and said so; a data sheet it cannot name is a warning, an empty one a note."""
    inv = read_workbook(make_workbook({
        "基本资料": [["企业名称", "某印染厂"], ["所在省份", "浙江省"], ["报告年度", 2024]],
        "能源": [["月份", "电力（万kWh）"], ["2024-01", 1]],
        "杂项": [["月份", "蒸汽（吨）"], ["2024-01", 5]],
        "空表": [[None]]}))
    assert (inv.site["name"], inv.site["province"], inv.site["year"]) == ("某印染厂", "浙江省", 2024)
    by_sheet = {i.sheet: i for i in inv.issues}
    assert by_sheet["基本资料"].key == "sheet_read_as_site" and "企业名称" in by_sheet["基本资料"].message
    assert (by_sheet["杂项"].severity, by_sheet["杂项"].key) == ("warning", "sheet_ignored")
    assert by_sheet["杂项"].text("zh").startswith("无法识别的工作表，其数据未读取")


def test_issues_are_on_the_sheets_the_workbook_names(make_workbook):
    """A note raised on the Energy rule (diesel's tce coefficient vs its NCV) names 能源消耗, the
    workbook's own sheet."""
    inv = read_workbook(make_workbook({"能源消耗": [["月份", "柴油（吨）"], ["2024-01", 1]]}))
    notes = [i for i in assess(inv).issues if i.key == "ncv_coefficient"]
    assert notes and {i.sheet for i in notes} == {"能源消耗"}


def test_an_empty_cell_left_out_of_a_month_is_named(make_workbook):
    """Natural gas in January and March, its February cell empty while electricity has a value:
    February's energy silently lacked gas (fuzz seed 0 case 103). The empty cell is a warning
    naming it; it still counts as not used. A carrier that starts later is not flagged."""
    path = make_workbook({"Energy": [["period", "Electricity [kWh]", "Natural gas [m3]", "Diesel [t]"],
                                     ["2024-01", 100, 1000, None], ["2024-02", 100, None, None],
                                     ["2024-03", 100, 1000, 2]]})
    inv = read_workbook(path)
    gaps = [(i.sheet, i.cell, i.message) for i in inv.issues if "is empty" in i.message]
    assert gaps == [("Energy", "C3", "Natural gas: cell C3 is empty for 2024-02, though the month before has a "
                     "value and the row has others: an empty cell counts as not used; check it")]
    assert set(inv.activity.loc[inv.activity["period"] == "2024-02", "item"]) == {"electricity"}


def test_a_row_left_out_of_a_month_of_a_long_sheet_is_named(make_workbook):
    """Tap water every month but August, whose reused water is there: August's intake and water
    intensity were silently missing (fuzz seed 0 case 686). A chemical bought now and then is not
    flagged: chemicals are not used every month."""
    rows = [["period", "item", "quantity", "unit"]]
    rows += [[m, "tap_water", 100, "m3"] for m in ("2024-07", "2024-09")]
    rows += [[m, "reused_water", 50, "m3"] for m in ("2024-07", "2024-08", "2024-09")]
    path = make_workbook({"Water": rows, "Chemicals": [rows[0], ["2024-07", "soda_ash", 10, "kg"],
                                                       ["2024-08", "caustic_soda", 5, "kg"]]})
    inv = read_workbook(path)
    left = [(i.sheet, i.cell, i.message) for i in inv.issues if "no row" in i.message]
    assert left == [("Water", "2024-08", "tap_water: no row for 2024-08, though 2024-07 has one and the sheet has "
                     "other rows for 2024-08: nothing is counted for it; check it")]


def test_an_empty_quantity_in_a_long_sheet_is_named_by_its_cell(make_workbook):
    """Electricity's August row is there with its unit but no quantity: August lacked electricity
    with no issue (fuzz seed 7 case 85). Now the warning names the empty cell, C3 (the header is
    row 1, July row 2, August row 3), and nothing is counted for it."""
    rows = [["period", "item", "quantity", "unit"], ["2024-07", "electricity", 1000, "kWh"],
            ["2024-08", "electricity", None, "kWh"], ["2024-07", "steam", 5, "t"], ["2024-08", "steam", 6, "t"]]
    inv = read_workbook(make_workbook({"Energy": rows}))
    empty = [(i.sheet, i.cell, i.key) for i in inv.issues if i.key in ("empty_cell", "row_left_out")]
    assert empty == [("Energy", "C3", "empty_cell")]
    assert "for 2024-08" in next(i.message for i in inv.issues if i.key == "empty_cell")
    assert list(inv.activity.loc[inv.activity["item"] == "electricity", "period"]) == ["2024-07"]


def _rows_left_out_by_rows(frame, empty):
    """The rule of _rows_left_out row by row: for each (item, month) with a quantity, the next
    month, when the sheet has rows for it and the item has no quantity there, is an empty cell
    (the item's last empty row of that month) or a row left out."""
    months = set(frame["period"])
    present = {(i, m) for i, m, e in zip(frame["item"], frame["period"], empty) if not e}
    blank = {(i, m): c for i, m, c, e in zip(frame["item"], frame["period"], frame["cell"], empty) if e}
    out = []
    for item, m in sorted(present):
        after = f"{int(m[:4]) + int(m[5:]) // 12}-{int(m[5:]) % 12 + 1:02d}"
        if after in months and (item, after) not in present:
            out.append(("empty_cell", item, after, blank[item, after]) if (item, after) in blank
                       else ("row_left_out", item, after, after))
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["electricity", "steam", "tap_water"]),
                          st.sampled_from(["2023-11", "2023-12", "2024-01", "2024-02", "2024-04"]),
                          st.booleans()), min_size=1, max_size=40))
def test_rows_left_out_on_codes_agrees_with_the_rule_row_by_row(rows):
    """The warnings of _rows_left_out (worked on item × month codes) are those of the rule applied
    row by row, across a year's end and a month with no rows (2024-03), whatever the rows' order
    and repetitions."""
    import pandas as pd

    from greentex.io.workbook import _rows_left_out

    frame = pd.DataFrame({"item": [r[0] for r in rows], "period": [r[1] for r in rows],
                          "cell": [f"C{k + 2}" for k in range(len(rows))]})
    empty = np.array([r[2] for r in rows])
    got = [(i.key, dict(i.params)["item"], dict(i.params)["period"], i.cell) for i in _rows_left_out(frame, "Energy", empty)]
    assert got == _rows_left_out_by_rows(frame, empty)


def test_cells_that_say_nothing_are_noted(make_workbook):
    """'-' and 无 in a month with other values count as not used (no figure for that item and
    month): one note per column names the cells, in Chinese too. Steam 5 + 7 t read, May and June
    not: steam's figures for 2024-05 and 2024-06 are absent, not 0."""
    inv = read_workbook(make_workbook({"能源": [
        ["月份", "电力（kWh）", "蒸汽（吨）"],
        ["2024-04", 100, 5], ["2024-05", 120, "-"], ["2024-06", 130, "无"], ["2024-07", 110, 7]]}))
    notes = [i for i in inv.issues if i.key == "nothing_cells"]
    assert len(notes) == 1 and notes[0].cell == "C3" and "C3, C4" in notes[0].message
    assert "2 个单元格" in notes[0].text("zh")
    steam = inv.activity[inv.activity["item"] == "steam"]
    assert sorted(steam["period"]) == ["2024-04", "2024-07"] and steam["quantity"].sum() == 12


def test_full_width_dashes_are_noted_like_dashes(make_workbook):
    """A full-width '－' or '／' (a Chinese input method's) counts as not used, as '-' and '/' do,
    so it is named in the same note: steam 5 + 7 = 12 t read, C3 and C4 noted."""
    inv = read_workbook(make_workbook({"能源": [
        ["月份", "电力（kWh）", "蒸汽（吨）"],
        ["2024-04", 100, 5], ["2024-05", 120, "－"], ["2024-06", 130, " ／ "], ["2024-07", 110, 7]]}))
    notes = [i for i in inv.issues if i.key == "nothing_cells"]
    assert len(notes) == 1 and "C3, C4" in notes[0].message
    assert inv.activity.loc[inv.activity["item"] == "steam", "quantity"].sum() == 12


def _ledger_with_total(make_workbook, site_year=2024, sheet="能源", total_kwh=None):
    """Electricity 100 + ... + 111 万kWh (sum 1 266) by month written 1月 ... 12月, and a 合计 row."""
    rows = [["月份", "电力（万kWh）"]] + [[f"{m}月", 99 + m] for m in range(1, 13)]
    rows.append(["合计", 1266 if total_kwh is None else total_kwh])
    site = {"基本信息": [["报告年度", site_year]]} if site_year else {}
    return make_workbook({**site, sheet: rows})


def test_months_without_a_year_take_the_site_year_and_a_total_row_is_left_out(make_workbook):
    """1 266 万kWh = 12 660 000 kWh over 2024-01 .. 2024-12; the 合计 row is not counted again."""
    inv = read_workbook(_ledger_with_total(make_workbook))
    elec = inv.activity[inv.activity["item"] == "electricity"]
    assert sorted(elec["period"]) == [f"2024-{m:02d}" for m in range(1, 13)]
    assert elec["quantity"].sum() == 12_660_000
    keys = {i.key for i in inv.issues}
    assert {"months_dated", "total_row"} <= keys and "total_differs" not in keys
    assert inv.counts["能源"] == {"read": 13, "used": 12, "rejected": 1}
    assert "total row" in inv.rejected["reason"].iloc[-1]


def test_a_total_that_is_not_the_sum_of_its_months_is_a_warning(make_workbook):
    inv = read_workbook(_ledger_with_total(make_workbook, total_kwh=1300))
    warn = [i for i in inv.issues if i.key == "total_differs"]
    assert len(warn) == 1 and warn[0].cell == "B14" and "1,300" in warn[0].message and "1,266" in warn[0].message


def test_the_sheet_names_year_dates_the_months(make_workbook):
    inv = read_workbook(_ledger_with_total(make_workbook, site_year=None, sheet="2023年能源消耗"))
    assert set(inv.activity["period"].str[:4]) == {"2023"}


def test_months_without_any_year_are_refused_with_the_way_to_give_it(make_workbook):
    with pytest.raises(GreentexError) as e:
        read_workbook(_ledger_with_total(make_workbook, site_year=None))
    assert "'1月' has no year" in str(e.value) and "报告年度" in e.value.hint and e.value.cell == "A2"
