"""Factors in their true roles: the Chinese guideline's combustion defaults for Chinese sites,
IPCC 2006 elsewhere; grid factors by role (location- and market-based) and by the site's province."""

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from greentex.assessment import FactorSelector, Options, assess
from greentex.errors import GreentexError
from greentex.factors import load_library
from greentex.inventory import Inventory


def _energy(item, quantity, unit, **site):
    energy = pd.DataFrame({"period": ["2024-01"], "item": [item], "quantity": [quantity], "unit": [unit]})
    return dict(energy=energy, site={"year": 2024, **site})


def test_a_chinese_site_without_factors_gets_the_guideline_natural_gas_co2():
    """Guideline default table: NCV 389.31 GJ/10^4 Nm3, carbon 15.3 tC/TJ, oxidation 99 %.
    Per m3: 389.31 / 10 000 = 0.038931 GJ x 0.0153 tC/GJ x 0.99 x 44/12 = 0.00216221 tCO2
    = 2.16221 kg CO2/m3; 10 000 m3 -> 21.6221 t."""
    a = assess(Inventory.from_frames(**_energy("天然气", 1, "万m3", province="江苏")))
    assert_allclose(a.value("ghg", "combustion:natural_gas"), 21.6221, rtol=0.003)
    assert_allclose(a.value("ghg", "combustion:natural_gas"), 0.038931 * 0.0153 * 0.99 * 44 / 12 * 10_000,
                    rtol=1e-9)
    # energy content uses the same NCV: 10 000 m3 x 0.038931 GJ/m3 = 389.31 GJ
    assert_allclose(a.value("energy_content", "natural_gas"), 389.31)
    assert a.options["combustion_defaults"] == "cn"
    assert "常用化石燃料相关参数缺省值" in a.options["combustion_note"]
    used = a.factors.set_index(["item", "parameter"])
    assert "NDRC" in used.loc[("natural_gas", "oxidation"), "source"]


def test_other_countries_get_ipcc_2006_and_the_option_overrides():
    """IPCC 2006 LPG: NCV 47.3 GJ/t, carbon 17.2 tC/TJ, oxidation 1: 10 t x 47.3 = 473 GJ x 0.0172
    x 44/12 = 8.1356 x 3.666667 = 29.830533 t CO2. IPCC gives natural gas per mass only: gas in m3 needs the supplier's NCV.
    The Chinese table per tonne of diesel: 43.330 x 0.0202 x 0.98 x 44/12 = 3.14506 t CO2/t; IPCC:
    43.0 x 0.0202 x 44/12 = 3.18487."""
    a = assess(Inventory.from_frames(**_energy("lpg", 10, "t", country="DE")))
    assert_allclose(a.value("ghg", "combustion:lpg"), 29.830533, rtol=1e-6)
    assert a.options["combustion_defaults"] == "ipcc"
    gas = assess(Inventory.from_frames(**_energy("natural_gas", 1000, "m3", country="DE")))
    assert any("combustion CO2 of natural_gas not computed: no ncv" in i.message for i in gas.issues)
    cn = assess(Inventory.from_frames(**_energy("diesel", 1, "t")))
    ipcc = assess(Inventory.from_frames(**_energy("diesel", 1, "t")), options=Options(combustion_defaults="ipcc"))
    assert_allclose(cn.value("ghg", "combustion:diesel"), 43.330 * 0.0202 * 0.98 * 44 / 12)
    assert_allclose(ipcc.value("ghg", "combustion:diesel"), 43.0 * 0.0202 * 44 / 12)
    assert "(chosen)" in ipcc.options["combustion_note"]
    with pytest.raises(GreentexError, match="combustion defaults"):
        assess(Inventory.from_frames(**_energy("diesel", 1, "t")), options=Options(combustion_defaults="xx"))


def test_when_the_tce_coefficient_and_the_ncv_disagree_the_report_says_so():
    """LPG: 1.7143 kgce/kg x 29.307 MJ/kgce = 50.241 GJ/t against the guideline NCV 47.31 GJ/t
    (+6.2 %): a note. Natural gas: 1.33 kgce/m3 x 29.307 = 38.98 MJ/m3 against 38.931 (+0.1 %): none."""
    lpg = assess(Inventory.from_frames(**_energy("lpg", 1, "t")))
    notes = [i.message for i in lpg.issues if "standard-coal coefficient implies" in i.message]
    assert notes == ["lpg (t): the standard-coal coefficient implies 50.24 GJ per t, the NCV used for energy "
                     "content and CO2 is 47.31 (+6.2 %); the tce figure follows GB/T 2589, GJ and CO2 follow "
                     "the NCV"]
    assert_allclose(lpg.value("energy_content", "lpg"), 47.31)
    gas = assess(Inventory.from_frames(**_energy("natural_gas", 1000, "m3")))
    assert not [i for i in gas.issues if "standard-coal coefficient implies" in i.message]


# -- electricity ------------------------------------------------------------------------------

def _elec(site=None, factors=None, **kw):
    energy = pd.DataFrame({"period": ["2024-01"] * 2, "item": ["electricity", "green_electricity"],
                           "quantity": [1_000_000, 200_000], "unit": ["kWh", "kWh"]})
    return assess(Inventory.from_frames(energy=energy, site={"year": 2024, **(site or {})}, factors=factors), **kw)


def test_a_jiangsu_site_gets_the_jiangsu_factor_location_based():
    """Report year 2024 -> data year 2022; Jiangsu 2022 = 0.5978 kgCO2/kWh. Location-based: (grid +
    green) 1 200 000 kWh x 0.5978 = 717.36 t; market-based: grid 1 000 000 x national residual 2022
    0.5856 = 585.6 t, green electricity at zero."""
    a = _elec({"province": "江苏省"})
    assert_allclose(a.value("ghg", "scope2_location"), 717.36)
    assert_allclose(a.value("ghg", "scope2_market"), 585.6)
    assert a.site["grid_used"] == {"grid": "jiangsu", "year": 2022, "basis": "province"}
    assert_allclose(_elec({"province": "Jiangsu"}).value("ghg", "scope2_location"), 717.36)


@pytest.mark.parametrize("site, grid, year, factor", [
    ({"province": "江苏", "year": 2025}, "east", 2023, 0.5500),      # no 2023 provincial values: its region
    ({"province": "西藏", "year": 2024}, "southwest", 2022, 0.2268),  # no provincial factor at all
    ({"province": "内蒙古", "year": 2025}, "national", 2023, 0.5306),  # split between two regions
    ({"year": 2024}, "national", 2022, 0.5366),                      # no province
    ({"province": "江苏", "grid": "north:2021", "year": 2024}, "north", 2021, 0.7120),  # named in the Site sheet
])
def test_the_most_precise_shipped_grid_for_the_data_year(site, grid, year, factor):
    sel = FactorSelector(load_library(), pd.DataFrame(columns=["item", "parameter"]), Options(), site)
    assert sel.grid_choice(site)[:2] == (grid, year)
    loc, _ = sel.grid(site)
    assert_allclose(loc.value_in("kgCO2/kWh"), factor)


def test_grid_choice_is_a_function_of_site_and_year():
    site = {"province": "江苏", "year": 2024}
    sel = FactorSelector(load_library(), pd.DataFrame(columns=["item", "parameter"]), Options(), site)
    assert sel.grid_choice(site, 2023)[:2] == ("jiangsu", 2021)
    assert sel.grid_choice(site, 2026)[:2] == ("east", 2023)


def test_a_factors_sheet_grid_factor_changes_location_based_and_a_supplier_factor_market_based():
    """Grid factor 0.6 kgCO2/kWh: location 1 200 000 x 0.6 = 720 t, market unchanged 585.6 t.
    Supplier factor 0.45 tCO2/MWh: market 1 000 000 kWh x 0.45 = 450 t, location unchanged 717.36 t."""
    site = {"province": "江苏"}
    row = lambda p, v, u: pd.DataFrame([{"item": "电力", "parameter": p, "value": v, "unit": u, "source": "x"}])
    for parameter in ("grid_factor", "emission_factor"):
        a = _elec(site, row(parameter, 0.6, "kgCO2/kWh"))
        assert_allclose([a.value("ghg", "scope2_location"), a.value("ghg", "scope2_market")], [720.0, 585.6])
    a = _elec(site, row("market_factor", 0.45, "tCO2/MWh"))
    assert_allclose([a.value("ghg", "scope2_location"), a.value("ghg", "scope2_market")], [717.36, 450.0])
    used = a.factors.set_index("parameter")
    assert used.loc["grid_factor_market", "status"] == "user" and bool(used.loc["grid_factor_market", "overridden"])


def test_site_sheet_factors_by_role():
    """Site grid factor 0.6 (a number under grid) -> location 720 t; market_factor 0.3 -> 300 t."""
    a = _elec({"grid": 0.6, "market_factor": "0.3"})
    assert_allclose([a.value("ghg", "scope2_location"), a.value("ghg", "scope2_market")], [720.0, 300.0])
    with pytest.raises(GreentexError, match="not a factor in kgCO2/kWh"):
        _elec({"market_factor": 597.8})


def test_a_user_fuel_file_without_a_table_column_applies_under_every_table(tmp_path):
    """Your NCV 0.036 GJ/m3 for natural gas: 1 000 m3 -> 36 GJ, whichever table the site takes."""
    path = tmp_path / "fuel_properties.csv"
    path.write_text("item,parameter,value,unit,source,reference,status\n"
                    "natural_gas,ncv,0.036,GJ/m**3,gas supplier,certificate 2024,user\n", encoding="utf-8")
    lib = load_library([path])
    for country in ("CN", "DE"):
        a = assess(Inventory.from_frames(**_energy("natural_gas", 1000, "m3", country=country)), library=lib)
        assert_allclose(a.value("energy_content", "natural_gas"), 36.0)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_filled_template_uses_the_province_and_the_supplier_factor(tmp_path, lang):
    """Template Site rows: province 江苏, year 2024, market_factor (供电合同排放因子) 0.45; 1 000 kWh:
    location 1 000 x 0.5978 (Jiangsu 2022) = 0.5978 t, market 1 000 x 0.45 = 0.45 t."""
    from openpyxl import load_workbook
    from greentex.io.template import write_template
    from greentex.io.workbook import read_workbook

    path = tmp_path / "t.xlsx"
    write_template(path, lang=lang)
    wb = load_workbook(path)
    values = {"province": "江苏", "省份": "江苏", "year": 2024, "年份": 2024, "market_factor": 0.45, "供电合同排放因子": 0.45}
    for row in wb.worksheets[1].iter_rows(min_row=2):
        row[1].value = values.get(row[0].value, row[1].value)
    energy = wb.worksheets[2]
    for col, v in zip("ABCDE", ("2024-01", "电力", 1000, "kWh", None)):
        energy[f"{col}2"] = v
    for ws in wb.worksheets[3:7]:
        ws.delete_rows(2)
    wb.save(path)
    a = assess(read_workbook(path))
    assert_allclose([a.value("ghg", "scope2_location"), a.value("ghg", "scope2_market")], [0.5978, 0.45])
    assert a.site["grid_used"]["grid"] == "jiangsu"


def test_a_site_outside_china_must_give_its_grid_factor():
    """No shipped factor fits a Bangladeshi grid: refused with the way to give one, not China's."""
    with pytest.raises(GreentexError) as e:
        _elec({"country": "BD"})
    assert "no grid factor for a site in BD" in str(e.value) and "grid_factor" in e.value.hint


def test_outside_china_the_given_grid_factor_stands_in_for_the_residual_mix():
    """Site grid_factor 0.67 kgCO2/kWh: location (1 000 000 + 200 000 green) x 0.67 = 804 t;
    market-based: no residual mix shipped outside China, so the grid average 0.67 stands in for
    the grid kWh (1 000 000 x 0.67 = 670 t), green electricity at zero; a supplier factor 0.5 wins
    (500 t)."""
    a = _elec({"country": "BD", "grid_factor": 0.67})
    assert_allclose([a.value("ghg", "scope2_location"), a.value("ghg", "scope2_market")], [804.0, 670.0])
    note = a.factors.set_index("parameter").loc["grid_factor_market", "note"]
    assert "no residual mix shipped outside China" in note
    b = _elec({"country": "BD", "grid_factor": 0.67, "market_factor": 0.5})
    assert_allclose(b.value("ghg", "scope2_market"), 500.0)


def test_outside_china_without_electricity_needs_no_grid_factor():
    """1 t diesel, IPCC 2006: 43.0 GJ x 0.0202 tC/GJ x 1.0 x 44/12 = 3.18493 t CO2; no scope 2."""
    a = assess(Inventory.from_frames(**_energy("柴油", 1, "t", country="BD")))
    assert_allclose(a.value("ghg", "combustion:diesel"), 43.0 * 0.0202 * 44 / 12, rtol=1e-9)
    assert "grid_used" not in a.site
