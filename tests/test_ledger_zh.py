"""A Jiangsu woven-fabric dyeing mill's own monthly ledger, written the way Chinese mills write it:
Chinese sheet names, Site keys and values, headers in the wording of the statistics forms, numbers
as text with thousands separators, 无 / — for nothing, a Chinese Factors sheet and a Names sheet.
It reports end to end; the figures are worked out by hand below."""

import pytest
from click.testing import CliRunner
from numpy.testing import assert_allclose

from greentex.assessment import assess
from greentex.cli import cli
from greentex.io.workbook import read_workbook

from conftest import write_workbook

LEDGER = {
    "填写说明": [["本表为企业月度能源、水、化学品台账"]],
    "基本信息": [
        ["项目", "内容"],
        ["单位详细名称", "苏州某印染有限公司"],
        ["所在省份", "江苏省"],
        ["报告年度", "2024年"],
        ["企业类型", "现有企业"],
        ["主要产品", "纯棉机织布"],
        ["所在电网", "华东区域电网"],
        ["污水处理工艺", "好氧"],
        ["废水排放方式", "间接排放"],
    ],
    "能源": [
        ["月份", "本月外购电力消耗量（万kWh）", "天然气用量（万m³）", "外购蒸汽（吨）", "外供蒸汽（吨）"],
        ["2024年1月", "135.5", 19.5, "6,028.5", "无"],
        ["2024年2月", 99.75, "13.4", 4273.9, "—"],
        ["2024年3月", "120.25", 17.1, "5,697.6", "无"],
    ],
    "水": [
        ["月份", "自来水取水量（吨）", "污水站回用水（m³）", "废水排放量（吨）"],
        ["2024年1月", "52,000", 30000, "40,000"],
        ["2024年2月", 41000, "25,000", "40,000"],
        ["2024年3月", "４７，０００", 25000, "40,000"],
    ],
    "化学品": [
        ["月份", "项目", "数量", "单位"],
        ["2024年1月", "纯碱用量", "3,000", "千克"],
        ["2024年2月", "纯碱用量", "3,000", "千克"],
        ["2024年3月", "纯碱用量", "3000", "kg"],
        ["2024年1月", "活性染料", 800, "千克"],
    ],
    "产量": [
        ["月份", "纯棉机织布产量（万米）"],
        ["2024年1月", 120],
        ["2024年2月", 95],
        ["2024年3月", "110"],
    ],
    "因子": [
        ["项目", "参数", "数值", "单位", "来源"],
        ["天然气", "低位发热量", 35, "MJ/m3", "苏州港华燃气 2024 年热值检测报告"],
        ["电力", "供电合同排放因子", 0.5, "kgCO2/kWh", "2024 年绿色电力交易合同"],
    ],
    "名称对照": [
        ["台账名称", "项目"],
        ["污水站回用水", "回用水"],
    ],
}


@pytest.fixture
def ledger(tmp_path):
    return write_workbook(tmp_path / "苏州某印染_2024Q1台账.xlsx", LEDGER)


def test_reads_the_ledger(ledger):
    inv = read_workbook(ledger)
    s = inv.site
    assert (s["name"], s["year"], s["enterprise"], s["product"], s["grid"], s["discharge"]) == \
        ("苏州某印染有限公司", 2024, "existing", "woven_fabric", "east", "indirect")
    assert s["wastewater_treatment"] == "aerobic_poorly_managed"
    assert any(i.key == "site_value_read" for i in inv.issues)
    assert set(inv.activity["item"]) == {"electricity", "natural_gas", "steam", "tap_water", "reused_water",
                                         "wastewater", "soda_ash", "reactive_dye", "woven_fabric"}
    # 无 and — in 外供蒸汽 are nothing this month: three cells listed as rejected, no export counted
    assert set(inv.rejected["cell"]) >= {"E2", "E3", "E4"}


def test_figures_by_hand(ledger):
    """Electricity 135.5 + 99.75 + 120.25 = 355.5 万kWh = 3 555 000 kWh; x 0.1229 kgce/kWh
    = 436 909.5 kgce = 436.9095 tce.
    Natural gas 19.5 + 13.4 + 17.1 = 50 万m³ = 500 000 m³; the Factors sheet's 低位发热量 35 MJ/m³
    gives 35 / 29.307 kgce/m³: 500 000 x 35 / 29.307 = 597 127.03 kgce = 597.12703 tce; energy
    content 500 000 x 35 MJ = 17 500 GJ; CO2 17 500 GJ x 0.0153 tC/GJ x 0.99 x 44/12 = 971.9325 t
    (carbon content and oxidation 99 % from the Chinese guideline table).
    Steam 6 028.5 + 4 273.9 + 5 697.6 = 16 000 t x 128.6 kgce/t = 2 057 600 kgce = 2 057.6 tce.
    Energy 436.9095 + 597.12703 + 2 057.6 = 3 091.63653 tce.
    Scope 2 electricity, location: 3 555 000 kWh x 0.5617 kgCO2/kWh (east grid, data year 2024 - 2
    = 2022) = 1 996.8435 t; market: the Factors sheet's 供电合同排放因子 0.5 kgCO2/kWh -> 1 777.5 t.
    Soda ash 9 000 kg = 9 t x 0.4152 tCO2/t = 3.7368 t carbonate CO2.
    Production 120 + 95 + 110 = 325 万米 = 32 500 hm: energy intensity 3 091 636.53 kgce / 32 500 hm
    = 95.12728 kgce/hm.
    Water: tap 52 000 + 41 000 + 47 000 = 140 000 t = 140 000 m³; reused (the Names sheet maps
    污水站回用水 to reused water) 80 000 m³; reuse rate 80 000 / (80 000 + 140 000) = 36.3636 %;
    water intensity 140 000 / 32 500 = 4.307692 m³/hm; wastewater 120 000 m³."""
    a = assess(read_workbook(ledger))
    v = a.value
    assert_allclose(v("energy", "electricity"), 436.9095, rtol=1e-9)
    assert_allclose(v("energy", "natural_gas"), 500_000 * 35 / 29.307 / 1000, rtol=1e-9)
    assert_allclose(v("energy", "steam"), 2057.6, rtol=1e-9)
    assert_allclose(v("energy"), 436.9095 + 500_000 * 35 / 29.307 / 1000 + 2057.6, rtol=1e-9)
    assert_allclose(v("energy_content", "natural_gas"), 17_500, rtol=1e-9)
    assert_allclose(v("ghg", "combustion:natural_gas"), 971.9325, rtol=1e-9)
    assert_allclose(v("ghg", "electricity"), 1996.8435, rtol=1e-9)
    assert_allclose(v("ghg", "carbonate"), 3.7368, rtol=1e-9)
    assert_allclose(v("energy_intensity", "woven_fabric"), (436.9095 + 500_000 * 35 / 29.307 / 1000 + 2057.6)
                    * 1000 / 32_500, rtol=1e-9)
    assert_allclose(v("water_intake"), 140_000, rtol=1e-9)
    assert_allclose(v("water_reused"), 80_000, rtol=1e-9)
    assert_allclose(v("water_reuse_rate"), 80_000 / 220_000 * 100, rtol=1e-9)
    assert_allclose(v("wastewater"), 120_000, rtol=1e-9)
    assert_allclose(v("water_intensity", "woven_fabric"), 140_000 / 32_500, rtol=1e-9)
    assert_allclose(v("production", "woven_fabric"), 32_500, rtol=1e-9)
    market = a.factors[(a.factors["item"] == "electricity") & (a.factors["parameter"] == "grid_factor_market")]
    assert market["overridden"].all() and market["value"].iloc[0] == 0.5


def test_report_in_chinese(ledger, tmp_path):
    out = tmp_path / "报告.xlsx"
    r = CliRunner().invoke(cli, ["report", str(ledger), "-o", str(out), "--lang", "zh"])
    assert r.exit_code == 0, r.output
    assert out.exists() and "3,091.64 tce" in r.output
