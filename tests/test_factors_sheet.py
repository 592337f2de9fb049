"""The Factors sheet (因子): every documented parameter read from a workbook, however written,
changes the figure it should, by hand arithmetic; errors name the cell at fault."""

import pytest
from numpy.testing import assert_allclose

from greentex.assessment import Options, assess
from greentex.errors import GreentexError
from greentex.factors import load_library
from greentex.io.workbook import read_workbook

ZH_HEADER = ["项目", "参数", "数值", "单位", "来源"]
EN_HEADER = ["item", "parameter", "value", "unit", "source"]


def _mill(make_workbook, energy_rows, factor_rows, header=ZH_HEADER, production=None, name="mill.xlsx"):
    sheets = {"能源": [["月份", "项目", "数量", "单位"]] + [["2024-01", *r] for r in energy_rows],
              "因子": [header] + factor_rows}
    if production:
        sheets["产量"] = [["月份", "项目", "数量", "单位"]] + [["2024-01", *r] for r in production]
    return read_workbook(make_workbook(sheets, name))


def test_every_documented_parameter_has_its_aliases():
    """The README's parameters, written with underscores, with spaces and in Chinese."""
    lib = load_library()
    for written, canon in [("emission_factor", "emission_factor"), ("Emission factor", "emission_factor"),
                           ("排放因子", "emission_factor"), ("carbon_content", "carbon_content"),
                           ("单位热值含碳量", "carbon_content"), ("碳氧化率", "oxidation"), ("NCV", "ncv"),
                           ("低位发热量", "ncv"), ("折标系数", "coefficient"), ("折标准煤系数", "coefficient"),
                           ("primary_coefficient", "primary_coefficient"), ("等价值", "primary_coefficient"),
                           ("standard_product_coefficient", "standard_product_coefficient"),
                           ("标准品折算系数", "standard_product_coefficient")]:
        assert lib.resolve_parameter(written) == canon, written
    assert {"coefficient", "primary_coefficient", "ncv", "carbon_content", "oxidation", "emission_factor",
            "standard_product_coefficient"} <= set(lib.parameters)


def test_coefficient(make_workbook):
    """天然气 1 万m³ with 折标系数 1.2 kgce/m³: 10 000 m³ x 1.2 kgce/m³ = 12 000 kgce = 12 tce."""
    inv = _mill(make_workbook, [["天然气", 1, "万m³"]],
                [["天然气", "折标系数", 1.2, "kgce/m3", "供气合同 2024"]])
    assert_allclose(assess(inv).value("energy", "natural_gas"), 12.0)


def test_primary_coefficient(make_workbook):
    """电力 10 万kWh by 等价值 0.3 kgce/kWh: 100 000 kWh x 0.3 = 30 000 kgce = 30 tce."""
    inv = _mill(make_workbook, [["电力", 10, "万kWh"]],
                [["电力", "折标系数（等价值）", 0.3, "kgce/kWh", "国家统计局 2024 供电标准煤耗"]])
    a = assess(inv, options=Options(electricity_method="primary"))
    assert_allclose(a.value("energy", "electricity"), 30.0)


def test_ncv(make_workbook):
    """天然气 10 000 m³ with 低位发热量 35 MJ/m³: energy content 10 000 x 35 MJ = 350 GJ;
    coefficient 35 / 29.307 kgce/m³, energy 10 000 x 35 / 29.307 kgce = 11.942539 tce."""
    inv = _mill(make_workbook, [["天然气", 10000, "m3"]],
                [["天然气", "低位发热量", 35, "MJ/m3", "燃气公司检测报告"]])
    a = assess(inv)
    assert_allclose(a.value("energy_content", "natural_gas"), 350.0)
    assert_allclose(a.value("energy", "natural_gas"), 10000 * 35 / 29.307 / 1000, rtol=1e-9)


_COMBUSTION = [["天然气", "低位发热量", 35, "GJ/万m3", "燃气公司检测报告"],
               ["天然气", "单位热值含碳量", 0.0153, "tC/GJ", "GB/T 32151.12-2018 附录"],
               ["天然气", "碳氧化率", 99, "%", "GB/T 32151.12-2018 附录"]]


def _combustion(make_workbook, replace: int, row: list, header=ZH_HEADER):
    rows = [list(r) for r in _COMBUSTION]
    rows[replace] = row
    inv = _mill(make_workbook, [["天然气", 10, "万m³"]], rows, header=header)
    return assess(inv).value("ghg", "combustion:natural_gas")


def test_carbon_content(make_workbook):
    """10 万m³ x 35 GJ/万m³ = 350 GJ; x 0.0153 tC/GJ x 0.99 x 44/12 = 19.43865 tCO2.
    Written 'carbon_content' with carbon content 0.0160: 350 x 0.016 x 0.99 x 44/12 = 20.328."""
    assert_allclose(_combustion(make_workbook, 1, _COMBUSTION[1]), 350 * 0.0153 * 0.99 * 44 / 12)
    assert_allclose(_combustion(make_workbook, 1, ["natural_gas", "carbon_content", 16, "tC/TJ", "lab"],
                                header=EN_HEADER), 20.328)


def test_oxidation(make_workbook):
    """Oxidation written 'Oxidation rate' 0.98: 350 GJ x 0.0153 x 0.98 x 44/12 = 19.2423 tCO2."""
    assert_allclose(_combustion(make_workbook, 2, ["natural_gas", "Oxidation rate", 0.98, "", "lab"],
                                header=EN_HEADER), 19.2423)


def test_emission_factor_fuel_and_electricity(make_workbook):
    """柴油 10 t with 排放因子 3.1 tCO2/t: 31 tCO2 from combustion. Electricity 10 万kWh: its
    排放因子 is the grid factor, 0.6 kgCO2/kWh -> location-based 100 000 x 0.6 kg = 60 t; the
    supplier's 供电合同排放因子 0.5 kgCO2/kWh -> market-based 100 000 x 0.5 kg = 50 t."""
    inv = _mill(make_workbook, [["柴油", 10, "t"], ["电力", 10, "万kWh"]],
                [["柴油", "排放因子", 3.1, "tCO2/t", "供应商"],
                 ["electricity", "排放因子", 0.6, "kgCO2/kWh", "省级电网平均排放因子"],
                 ["electricity", "供电合同排放因子", 0.5, "kgCO2/kWh", "绿电交易合同"]])
    a = assess(inv)
    assert_allclose(a.value("ghg", "combustion:diesel"), 31.0)
    assert_allclose(a.value("ghg", "scope2_location"), 60.0)
    assert_allclose(a.value("ghg", "scope2_market"), 50.0)


def test_standard_product_coefficient(make_workbook):
    """电力 10 万kWh = 100 000 x 0.1229 kgce = 12 290 kgce; 机织物 10 万米 = 1 000 hm with
    标准品折算系数 1.25 -> 1 250 hm of standard product; intensity 12 290 / 1 250 = 9.832 kgce/hm."""
    inv = _mill(make_workbook, [["电力", 10, "万kWh"]],
                [["机织物", "standard_product_coefficient", 1.25, "", "FZ/T 01002-2010 表1"]],
                production=[["机织物", 10, "万米"]])
    assert_allclose(assess(inv).value("energy_intensity", "woven_fabric"), 9.832)


@pytest.mark.parametrize("row, header, cell, words", [
    (["天然气", "热值", 35, "MJ/m3", "x"], ZH_HEADER, "B2", "unknown parameter '热值'"),
    (["沼气", "ncv", 20, "MJ/m3", "x"], ZH_HEADER, "A2", "unknown item '沼气'"),
    (["天然气", "ncv", "abc", "MJ/m3", "x"], ZH_HEADER, "C2", "'abc' is not a number"),
    (["天然气", "ncv", 35, "MJ/blorp", "x"], ZH_HEADER, "D2", "blorp"),
    (["天然气", "ncv", 35, "MJ/m3", ""], ZH_HEADER, "E2", "no source"),
    (["natural gas", "ncv", None, "MJ/m3", "x"], EN_HEADER, "C2", "empty"),
])
def test_errors_name_the_cell_at_fault(make_workbook, row, header, cell, words):
    with pytest.raises(GreentexError) as e:
        _mill(make_workbook, [["天然气", 1, "万m³"]], [row], header=header)
    assert e.value.sheet == "因子" and e.value.cell == cell and words in str(e.value)
