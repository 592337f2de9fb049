"""Refrigerants charged or topped up: scope 1 fugitive emissions = mass x GWP, blends by the mass
fractions of their components; HCFCs (R-22) on their own line, outside the Kyoto-gas totals."""

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from greentex import refrigerants
from greentex.assessment import Options, assess
from greentex.inventory import Inventory
from greentex.io.workbook import read_workbook


def _charged(item, kg, gwp="AR5", year=2024, energy=None):
    rf = pd.DataFrame({"period": ["2024-01"], "item": [item], "quantity": [kg], "unit": ["kg"]})
    return assess(Inventory.from_frames(refrigerants=rf, energy=energy, site={"year": year}), options=Options(gwp=gwp))


# GWP100 of the components (IPCC tables):      SAR   AR4   AR5   AR6
#   HFC-32                                       650   675   677   771
#   HFC-125                                     2800  3500  3170  3740
#   HFC-134a                                    1300  1430  1300  1530
#   HFC-143a                                    3800  4470  4800  5810
@pytest.mark.parametrize("item, gwp, blend_gwp", [
    # R-410A = 0.5 HFC-32 + 0.5 HFC-125
    ("r410a", "SAR", 0.5 * 650 + 0.5 * 2800),    # 1 725
    ("r410a", "AR4", 0.5 * 675 + 0.5 * 3500),    # 2 087.5
    ("r410a", "AR5", 0.5 * 677 + 0.5 * 3170),    # 1 923.5
    ("r410a", "AR6", 0.5 * 771 + 0.5 * 3740),    # 2 255.5
    # R-407C = 0.23 HFC-32 + 0.25 HFC-125 + 0.52 HFC-134a
    ("r407c", "SAR", 0.23 * 650 + 0.25 * 2800 + 0.52 * 1300),   # 149.5 + 700 + 676 = 1 525.5
    ("r407c", "AR4", 0.23 * 675 + 0.25 * 3500 + 0.52 * 1430),   # 155.25 + 875 + 743.6 = 1 773.85
    ("r407c", "AR5", 0.23 * 677 + 0.25 * 3170 + 0.52 * 1300),   # 155.71 + 792.5 + 676 = 1 624.21
    ("r407c", "AR6", 0.23 * 771 + 0.25 * 3740 + 0.52 * 1530),   # 177.33 + 935 + 795.6 = 1 907.93
    # R-404A = 0.44 HFC-125 + 0.52 HFC-143a + 0.04 HFC-134a
    ("r404a", "SAR", 0.44 * 2800 + 0.52 * 3800 + 0.04 * 1300),  # 1 232 + 1 976 + 52 = 3 260
    ("r404a", "AR4", 0.44 * 3500 + 0.52 * 4470 + 0.04 * 1430),  # 1 540 + 2 324.4 + 57.2 = 3 921.6
    ("r404a", "AR5", 0.44 * 3170 + 0.52 * 4800 + 0.04 * 1300),  # 1 394.8 + 2 496 + 52 = 3 942.8
    ("r404a", "AR6", 0.44 * 3740 + 0.52 * 5810 + 0.04 * 1530),  # 1 645.6 + 3 021.2 + 61.2 = 4 728
    # R-507A = 0.5 HFC-125 + 0.5 HFC-143a
    ("r507a", "SAR", 0.5 * 2800 + 0.5 * 3800),   # 3 300
    ("r507a", "AR4", 0.5 * 3500 + 0.5 * 4470),   # 3 985
    ("r507a", "AR5", 0.5 * 3170 + 0.5 * 4800),   # 3 985
    ("r507a", "AR6", 0.5 * 3740 + 0.5 * 5810),   # 4 775
    # single gases
    ("r134a", "AR4", 1430), ("r32", "AR6", 771),
])
def test_a_top_up_adds_mass_times_gwp_to_scope_1(item, gwp, blend_gwp):
    """20 kg topped up = 0.02 t x GWP tCO2e, in ghg refrigerant:<item>, fugitive, scope1 and the totals."""
    a = _charged(item, 20, gwp)
    expected = 0.02 * blend_gwp
    for figure in (f"refrigerant:{item}", "fugitive", "scope1", "total_location", "total_market"):
        assert_allclose(a.value("ghg", figure), expected, rtol=1e-12, err_msg=figure)


def test_hand_worked_values_of_the_blends():
    """The table above, worked out: R-410A AR5 1 923.5, R-407C AR4 1 773.85, R-404A AR5 3 942.8,
    R-507A AR4 3 985."""
    assert_allclose(refrigerants.blend_gwp([0.5, 0.5], [677, 3170]), 1923.5)
    assert_allclose(refrigerants.blend_gwp([0.23, 0.25, 0.52], [675, 3500, 1430]), 1773.85)
    assert_allclose(refrigerants.blend_gwp([0.44, 0.52, 0.04], [3170, 4800, 1300]), 3942.8)
    assert_allclose(refrigerants.blend_gwp([0.5, 0.5], [3500, 4470]), 3985.0)
    assert_allclose(refrigerants.fugitive_co2e([10.0, 0.5], 2000.0), [20_000.0, 1_000.0])


def test_every_blend_adds_up_to_one():
    from greentex.factors import load_library

    f = load_library().dataset("refrigerant_blends").frame
    assert_allclose(f.groupby("refrigerant")["value"].sum(), 1.0)


@pytest.mark.parametrize("gwp, value", [("SAR", 1500), ("AR4", 1810), ("AR5", 1760), ("AR6", 1960)])
def test_r22_is_reported_on_its_own_line_outside_the_kyoto_totals(gwp, value):
    """R-22 (HCFC-22, a Montreal Protocol gas) 10 kg = 0.01 t x GWP on montreal:r22; scope 1,
    fugitive and the totals stay at the electricity's figure only (1 000 kWh x 0.5366 = 0.5366 t)."""
    energy = pd.DataFrame({"period": ["2024-01"], "item": ["electricity"], "quantity": [1000], "unit": ["kWh"]})
    a = _charged("R-22", 10, gwp, energy=energy)
    assert_allclose(a.value("ghg", "montreal:r22"), 0.01 * value)
    assert_allclose(a.value("ghg", "total_location"), 0.5366)
    assert_allclose(a.value("ghg", "scope1"), 0.0)
    assert a.figure("ghg", "fugitive") is None


def test_kg_and_t_give_the_same_emissions_and_months_add_up():
    rf = pd.DataFrame({"period": ["2024-01", "2024-01", "2024-03"], "item": ["R410A", "r410a", "R-410A"],
                       "quantity": [0.012, 8, 5], "unit": ["t", "kg", "千克"]})
    a = assess(Inventory.from_frames(refrigerants=rf, site={"year": 2024}))
    # (12 + 8 + 5) kg = 0.025 t x 1 923.5 (AR5) = 48.0875 t; January 0.02 x 1 923.5 = 38.47
    assert_allclose(a.value("ghg", "fugitive"), 48.0875)
    assert_allclose(a.value("ghg", "fugitive", "2024-01"), 38.47)


def test_the_refrigerants_sheet_is_read_in_chinese(make_workbook):
    path = make_workbook({"制冷剂": [["月份", "项目", "数量", "单位"], ["2024年3月", "R410A", 12, "kg"],
                                     ["2024年3月", "R22", 5, "公斤"]],
                          "基本信息": [["项目", "内容"], ["年份", 2024]]})
    a = assess(read_workbook(path))
    assert_allclose(a.value("ghg", "refrigerant:r410a"), 0.012 * 1923.5)
    assert_allclose(a.value("ghg", "montreal:r22"), 0.005 * 1760)
    assert_allclose(a.value("ghg", "scope1"), 0.012 * 1923.5)


def test_the_template_has_the_sheet(tmp_path):
    from openpyxl import load_workbook
    from greentex.io.template import write_template

    for lang, name in (("en", "Refrigerants"), ("zh", "制冷剂")):
        write_template(tmp_path / f"t_{lang}.xlsx", lang=lang)
        assert name in load_workbook(tmp_path / f"t_{lang}.xlsx").sheetnames
