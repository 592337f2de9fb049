"""Words, units and period words people read (greentex.display)."""

import pytest

from greentex.display import Words, decimals, number_format, period_word, unit_text


@pytest.mark.parametrize("unit, en, zh", [
    ("m**3", "m³", "m³"), ("percent", "%", "%"), ("kgce/hm", "kgce/(100 m)", "kgce/百米"),
    ("GJ/(1e4*Nm3)", "GJ/万Nm³", "GJ/万Nm³"), ("t*km", "t·km", "t·km"),
    ("tCO2e", "tCO₂e", "tCO₂e"), ("万kWh", "万kWh", "万kWh"), ("kgce/(m**3)", "kgce/m³", "kgce/m³"),
    ("m**3/hm", "m³/(100 m)", "m³/百米"), ("hm", "100 m", "百米"), ("万Nm3", "万Nm³", "万Nm³"),
    ("tCO2/MWh", "tCO₂/MWh", "tCO₂/MWh"), (None, "", ""), (float("nan"), "", ""),
])
def test_unit_text(unit, en, zh):
    assert unit_text(unit, "en") == en
    assert unit_text(unit, "zh") == zh


def test_decimals_per_unit():
    assert (decimals("tce"), decimals("m**3"), decimals("percent"), decimals("kgce/hm")) == (2, 0, 1, 2)
    assert number_format(0) == "#,##0" and number_format(2) == "#,##0.00"


def test_period_words():
    year = [f"2024-{m:02d}" for m in range(1, 13)]
    assert period_word(year, "zh") == "2024年全年"
    assert period_word(year[:3], "zh") == "2024年1–3月"        # a part year is never 全年
    assert period_word(year[:3], "en") == "Jan–Mar 2024"
    assert period_word(year[1:4], "zh") == "2024年本年累计"
    assert period_word(year + ["2025-01"], "en") == "Jan 2024 – Jan 2025"   # several years: their span
    assert period_word(["2023-03"] + year, "zh") == "2023年3月–2024年12月"
    assert period_word([], "en") == "whole period"


def test_zh_words_for_ids():
    w = Words("zh")
    assert w.verdict("pass") == "达标" and w.verdict("fail") == "未达标"
    assert w.status("secondary") == "转引"
    assert w.parameter("ncv") == "低位发热量"
    assert w.comparison("at_most") == "不高于"
    assert w.grid("east") == "华东区域电网"
    assert w.benchmark("cn_dyeing_norms_2017") == "印染行业规范条件（2017版）"
    assert w.value("electricity_method", "calorific") == "当量值"
    assert w.value("grid_used", {"grid": "east", "year": 2022}) == "华东区域电网（数据年份 2022）"
    assert w.name("reused_water") == "回用水"
    assert w.key("enterprise") == "企业类型"
    assert Words("en").benchmark("cn_dyeing_norms_2017") == "Dyeing industry norms (2017)"


def test_a_derived_factor_source_in_the_report_language():
    """The coefficient greentex derives from a user's NCV says so in Chinese; the document's own
    title after it is kept as written."""
    text = "derived from the NCV given: 2024年燃气公司天然气气质检测报告"
    assert Words("zh").factor_source(text) == "由所给低位发热量推算：2024年燃气公司天然气气质检测报告"
    assert Words("en").factor_source(text) == text
    assert Words("zh").factor_source("GB/T 2589-2020") == "GB/T 2589-2020"


def test_the_chinese_factors_sheet_words_the_derived_source(tmp_path):
    from openpyxl import load_workbook

    from conftest import SAMPLES
    from greentex.assessment import assess
    from greentex.io.report import write_report
    from greentex.io.workbook import read_workbook

    out = tmp_path / "r.xlsx"
    write_report(assess(read_workbook(SAMPLES / "jiangsu_woven_dyeing_2024.xlsx")), out, lang="zh")
    cells = [str(c) for ws in load_workbook(out) for row in ws.iter_rows(values_only=True) for c in row if c]
    assert any(c.startswith("由所给低位发热量推算") or "] 由所给低位发热量推算" in c for c in cells)
    assert not any("derived from the NCV given" in c for c in cells)
