"""Site keys and values in Chinese, in the variants people write; every Site error names file,
sheet and cell."""

import pytest

from greentex.assessment import assess
from greentex.errors import GreentexError
from greentex.factors import load_library
from greentex.io.workbook import read_workbook

ENERGY = {"能源": [["月份", "电力（万kWh）"], ["2024-01", 1]]}


def _site(make_workbook, rows):
    return read_workbook(make_workbook({"基本信息": [["项目", "内容"]] + rows, **ENERGY}))


def test_chinese_keys_and_values(make_workbook):
    inv = _site(make_workbook, [
        ["企业名称", "苏州某印染有限公司"], ["所在省份", "江苏省"], ["报告年度", "2024年"],
        ["企业类型", "现有企业"], ["主要产品", "纯棉机织布"], ["所在电网", "华东区域电网"],
        ["污水处理工艺", "厌氧反应器"], ["废水排放方式", "间接排放"], ["电力折标方法", "当量值"]])
    site = inv.site
    assert site["name"] == "苏州某印染有限公司" and site["province"] == "江苏省" and site["year"] == 2024
    assert (site["enterprise"], site["product"], site["grid"]) == ("existing", "woven_fabric", "east")
    assert (site["wastewater_treatment"], site["discharge"], site["electricity_method"]) == \
        ("anaerobic_reactor", "indirect", "calorific")


@pytest.mark.parametrize("key, written, value", [
    ("grid", "华东", "east"), ("grid", "华东电网", "east"), ("grid", "江苏省", "jiangsu"), ("grid", "east", "east"),
    ("grid", "华东：2022", "east:2022"), ("grid", "全国", "national"),
    ("enterprise", "新建", "new"), ("enterprise", "新建企业", "new"), ("enterprise", "existing", "existing"),
    ("wastewater_treatment", "好氧处理", "aerobic_poorly_managed"),
    ("wastewater_treatment", "好氧（管理完善）", "aerobic_well_managed"),
    ("wastewater_treatment", "厌氧", "anaerobic_reactor"),
    ("discharge", "直接排放", "direct"), ("discharge", "园区集中处理印染废水", "indirect_park"),
    ("discharge", "园区污水处理厂", "indirect"), ("discharge", "indirect_park", "indirect_park"),
])
def test_values(key, written, value):
    assert load_library().resolve_site_value(key, written)[0] == value


def test_a_value_read_by_choice_is_noted(make_workbook):
    """好氧 alone may be well managed (MCF 0) or not (0.3): read as the higher, and said so."""
    inv = _site(make_workbook, [["污水处理方式", "好氧"]])
    notes = [i for i in inv.issues if i.key == "site_value_read"]
    assert inv.site["wastewater_treatment"] == "aerobic_poorly_managed"
    assert notes and notes[0].cell == "B2" and "MCF 0.3" in notes[0].message


@pytest.mark.parametrize("rows, cell, words", [
    ([["年份", "二〇二四"]], "B2", "is not a year"),
    ([["企业名称", "x"], ["企业类型", "老厂"]], "B3", "enterprise '老厂' is not understood"),
    ([["所在电网", "火星电网"]], "B2", "grid '火星电网'"),
    ([["污水处理方式", "活性炭"]], "B2", "wastewater_treatment"),
    ([["排水去向", "河里"]], "B2", "discharge"),
    ([["产品类别", "毛巾被"]], "B2", "unknown production item"),
])
def test_errors_name_file_sheet_cell(make_workbook, rows, cell, words):
    with pytest.raises(GreentexError) as e:
        _site(make_workbook, rows)
    assert (e.value.file, e.value.sheet, e.value.cell) == ("mill.xlsx", "基本信息", cell)
    assert words in str(e.value)


def test_unknown_key_stays_a_note(make_workbook):
    inv = _site(make_workbook, [["法人代表", "张三"]])
    assert any(i.key == "unknown_site_key" for i in inv.issues)


TWO_PRODUCTS = {"能源": [["月份", "电力（万kWh）"], ["2024-01", 1]],
                "产量": [["月份", "纯棉机织布（万米）", "针织物（吨）"], ["2024-01", 10, 50]]}


@pytest.mark.parametrize("written, words", [
    ("纯棉机织布：60%；针织物：30%", "add up to 1 (they add up to 0.9)"),
    ("纯棉机织布：60%；毛巾：40%", "names '毛巾', which is not a product"),
    ("纯棉机织布 60%；针织物：40%", "is not 'product: share'"),
])
def test_allocation_errors_name_their_cell(make_workbook, written, words):
    """An allocation that cannot be used is refused at reading, at the cell where it is written."""
    rows = [["项目", "内容"], ["企业名称", "x"], ["分摊比例", written]]
    with pytest.raises(GreentexError) as e:
        read_workbook(make_workbook({"基本信息": rows, **TWO_PRODUCTS}))
    assert (e.value.file, e.value.sheet, e.value.cell) == ("mill.xlsx", "基本信息", "B3")
    assert words in str(e.value)


def test_allocation_as_ledgers_write_it_is_read(make_workbook):
    rows = [["项目", "内容"], ["分摊比例", "纯棉机织布：60%；针织物：40%"]]
    inv = read_workbook(make_workbook({"基本信息": rows, **TWO_PRODUCTS}))
    shares = assess(inv).details["allocation"]
    assert shares.loc["2024-01"].to_dict() == {"knit_fabric": 0.4, "woven_fabric": 0.6}


def test_allocation_by_names_the_names_sheet_teaches(make_workbook):
    """A款布 / B款布 are known only through the workbook's Names sheet: the allocation that names them
    is read and used by the assessment alike (0.6 / 0.4)."""
    inv = read_workbook(make_workbook({
        "基本信息": [["项目", "内容"], ["分摊比例", "A款布：60%；B款布：40%"]],
        "能源": [["月份", "电力（kWh）"], ["2024-01", 1000]],
        "产量": [["月份", "A款布（万米）", "B款布（吨）"], ["2024-01", 10, 50]],
        "名称对照": [["名称", "项目"], ["A款布", "woven_fabric"], ["B款布", "knit_fabric"]]}))
    shares = assess(inv).details["allocation"]
    assert shares.loc["2024-01"].to_dict() == {"knit_fabric": 0.4, "woven_fabric": 0.6}
