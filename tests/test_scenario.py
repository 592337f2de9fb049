"""What-if scenarios, each change type checked against hand arithmetic with greentex's default
factors (raw coal NCV 22.3 GJ/t, 0.0256 tC/GJ, oxidation 0.93, 0.7143 kgce/kg; natural gas
0.038931 GJ/m3, 1.33 kgce/m3, 0.0153 tC/GJ; heat 34.12 kgce/GJ and 0.11 tCO2/GJ; steam 3.763 GJ/t
and 128.6 kgce/t; electricity 0.1229 kgce/kWh; national grid 0.5366 and residual 0.5856
kgCO2/kWh for a 2024 report)."""

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from numpy.testing import assert_allclose

from greentex.assessment import assess
from greentex.cli import cli
from greentex.errors import GreentexError
from greentex.inventory import Inventory
from greentex.scenario import (Change, Scenario, apply_scenario, compare_scenarios, pv_by_month, read_scenarios,
                               reuse_to_target, scenario_dict, switched_energy)

from conftest import SAMPLES

SITE = {"year": 2024}  # national grid factor of 2022 (0.5366), residual 0.5856


def _run(inv, *changes, name="s"):
    before = assess(inv)
    result = compare_scenarios(before, [Scenario(name, [Change(name, **c) for c in changes])])
    return before, result.after[name], result


def _coal(months=1):
    energy = pd.DataFrame({"period": [f"2024-{m:02d}" for m in range(1, months + 1)], "item": "raw_coal",
                           "quantity": 100.0, "unit": "t"})
    return Inventory.from_frames(energy=energy, site=SITE)


# -- the pure functions ------------------------------------------------------------------------

def test_column_functions_by_hand():
    assert_allclose(switched_energy([2230.0], 0.7, 0.9), [1734.4444], rtol=1e-6)
    # 240 000 kWh a year over 12 months of 100 000 / 300 000 kWh: 10 % of each month
    grid = np.array([100_000.0] * 6 + [300_000.0] * 6)
    assert_allclose(pv_by_month(240_000, grid), grid * 0.1)
    # two months only: 240 000 x 2 / 12 = 40 000, split 1 : 3
    assert_allclose(pv_by_month(240_000, [100_000, 300_000]), [10_000, 30_000])
    # demand 50 000 at 60 % stays; 50 000 at 20 % -> 25 000 / 25 000
    i, r = reuse_to_target([20_000, 40_000], [30_000, 10_000], 0.5)
    assert_allclose(i, [20_000, 25_000])
    assert_allclose(r, [30_000, 25_000])


# -- each change type against hand arithmetic --------------------------------------------------

def test_coal_boiler_to_natural_gas():
    """Chinese guideline table (CN site). 100 t raw coal x 23.204 GJ/t = 2 320.4 GJ; before: 100 t x
    0.7143 = 71.43 tce, CO2 2 320.4 x 0.02618 x 0.93 x 44/12 = 207.150926 t. Boiler 0.70 -> 0.90:
    useful heat 2 320.4 x 0.7 = 1 624.28 GJ, gas 1 624.28 / 0.9 = 1 804.75556 GJ = 1 804.75556 /
    0.038931 = 46 357.80 m3 -> 46 357.80 x 1.33 / 1000 = 61.655875 tce and 1 804.75556 x 0.0153 x 0.99
    x 44/12 = 100.234319 t CO2."""
    before, after, result = _run(_coal(), dict(change="fuel_switch", item="raw_coal", to="natural_gas", value=1.0,
                                               efficiency_old=0.7, efficiency_new=0.9, where="row 2"))
    assert_allclose(before.value("energy"), 71.43, rtol=1e-9)
    assert_allclose(before.value("ghg", "total_location"), 207.150926, rtol=1e-5)
    assert_allclose(after.value("energy", "natural_gas"), 61.655875, rtol=1e-5)
    assert_allclose(after.value("energy", "raw_coal"), 0.0, atol=1e-12)
    assert_allclose(after.value("ghg", "combustion:natural_gas"), 100.234319, rtol=1e-5)
    assert_allclose(after.value("ghg", "total_location"), 100.234319, rtol=1e-5)
    gas = after.details["energy"]
    assert_allclose(gas.loc[gas.item == "natural_gas", "quantity"].sum(), 46_357.80, rtol=1e-5)
    c = result.comparison.set_index(["metric", "item"])
    assert_allclose(c.loc[("energy", "total"), "change"], 61.655875 - 71.43, rtol=1e-5)
    assert_allclose(c.loc[("ghg", "total_market"), "change"], 100.234319 - 207.150926, rtol=1e-5)


def test_half_the_coal_to_purchased_steam():
    """50 % of 100 t: 1 160.2 GJ x 0.7 = 812.14 GJ of steam (efficiency_new 1 for bought steam)
    -> 812.14 x 34.12 / 1000 = 27.7102168 tce and 812.14 x 0.11 = 89.3354 t CO2 (scope 2); 50 t coal
    left: 35.715 tce and 207.150926 / 2 = 103.575463 t CO2."""
    _, after, _ = _run(_coal(), dict(change="fuel_switch", item="raw_coal", to="steam", value=0.5,
                                     efficiency_old=0.7, efficiency_new=1.0, where="row 2"))
    assert_allclose(after.value("energy", "steam"), 27.7102168, rtol=1e-5)
    assert_allclose(after.value("energy", "raw_coal"), 35.715, rtol=1e-9)
    assert_allclose(after.value("ghg", "heat"), 89.3354, rtol=1e-5)
    assert_allclose(after.value("ghg", "scope1"), 207.150926 / 2, rtol=1e-5)
    assert_allclose(after.value("energy"), 27.7102168 + 35.715, rtol=1e-5)


def test_rooftop_pv():
    """Grid 100 000 kWh a month in Jan-Jun, 300 000 in Jul-Dec (2 400 000 kWh); 240 000 kWh of PV a
    year = 10 % of every month. Energy unchanged (294.96 tce); location scope 2 -240 000 x 0.5366 =
    -128.784 t; market -240 000 x 0.5856 = -140.544 t; January: 90 000 kWh grid + 10 000 kWh PV."""
    energy = pd.DataFrame({"period": [f"2024-{m:02d}" for m in range(1, 13)], "item": "electricity",
                           "quantity": [100_000.0] * 6 + [300_000.0] * 6, "unit": "kWh"})
    before, after, result = _run(Inventory.from_frames(energy=energy, site=SITE),
                                 dict(change="rooftop_pv", value=240_000.0, unit="kWh", where="row 2"))
    assert_allclose([before.value("energy"), after.value("energy")], [294.96, 294.96], rtol=1e-9)
    assert_allclose(after.value("ghg", "scope2_location") - before.value("ghg", "scope2_location"), -128.784,
                    rtol=1e-9)
    assert_allclose(after.value("ghg", "scope2_market") - before.value("ghg", "scope2_market"), -140.544, rtol=1e-9)
    d = after.details["energy"]
    jan = d[d.period == "2024-01"].set_index("item")["quantity"]
    assert_allclose([jan["electricity"], jan["solar_pv"]], [90_000, 10_000])
    assert "10.0 % of grid electricity" in result.changes["description"].iloc[0]


def test_green_electricity():
    """100 000 kWh, 30 % green: location scope 2 stays 53.66 t; market 100 000 x 0.5856 = 58.56 t
    -> 70 000 x 0.5856 = 40.992 t (-17.568); energy stays 12.29 tce."""
    energy = pd.DataFrame({"period": ["2024-01"], "item": "electricity", "quantity": [100_000.0], "unit": "kWh"})
    before, after, _ = _run(Inventory.from_frames(energy=energy, site=SITE),
                            dict(change="green_electricity", value=0.3, unit="%", where="row 2"))
    assert_allclose([before.value("ghg", "scope2_location"), after.value("ghg", "scope2_location")], [53.66, 53.66])
    assert_allclose([before.value("ghg", "scope2_market"), after.value("ghg", "scope2_market")], [58.56, 40.992])
    assert_allclose(after.value("energy"), 12.29)
    assert_allclose(after.value("energy", "green_electricity"), 3.687)


def test_heat_recovery():
    """10 % of 1 000 t steam: 128.6 -> 115.74 tce; heat CO2 1 000 x 3.763 x 0.11 = 413.93 ->
    372.537 t."""
    energy = pd.DataFrame({"period": ["2024-01"], "item": "steam", "quantity": [1000.0], "unit": "t"})
    before, after, _ = _run(Inventory.from_frames(energy=energy, site=SITE),
                            dict(change="heat_recovery", value=0.1, unit="%", where="row 2"))
    assert_allclose([before.value("energy"), after.value("energy")], [128.6, 115.74])
    assert_allclose([before.value("ghg", "heat"), after.value("ghg", "heat")], [413.93, 372.537])


def test_heat_recovery_on_a_boiler_fuel():
    """10 % of the coal of a boiler: 71.43 -> 64.287 tce."""
    _, after, _ = _run(_coal(), dict(change="heat_recovery", item="raw_coal", value=0.1, unit="%", where="row 2"))
    assert_allclose(after.value("energy"), 64.287)


def test_water_reuse():
    """Target 50 %. Jan: tap 20 000 + reused 30 000 (60 %): unchanged. Feb: tap 30 000 + ground
    10 000 + reused 10 000 (20 %): demand 50 000 -> intake 25 000 (tap 18 750, ground 6 250),
    reused 25 000. Mar: tap 10 000, no reuse: tap 5 000 + a new reused row 5 000. Intake
    70 000 -> 50 000; reused 40 000 -> 60 000; rate 60 / 110 = 54.545 %."""
    water = pd.DataFrame({"period": ["2024-01", "2024-01", "2024-02", "2024-02", "2024-02", "2024-03"],
                          "item": ["tap_water", "reused_water", "tap_water", "groundwater", "reused_water",
                                   "tap_water"],
                          "quantity": [20_000, 30_000, 30_000, 10_000, 10_000, 10_000], "unit": "m3"})
    before, after, result = _run(Inventory.from_frames(water=water, site=SITE),
                                 dict(change="water_reuse", value=0.5, unit="%", where="row 2"))
    assert_allclose([before.value("water_intake"), after.value("water_intake")], [70_000, 50_000])
    assert_allclose(after.value("water_reused"), 60_000)
    assert_allclose(after.value("water_reuse_rate"), 60 / 110 * 100)
    w = after.details["water"].groupby(["period", "item"])["quantity"].sum()
    assert_allclose([w[("2024-01", "tap_water")], w[("2024-02", "tap_water")], w[("2024-02", "groundwater")],
                     w[("2024-02", "reused_water")], w[("2024-03", "reused_water")]],
                    [20_000, 18_750, 6_250, 25_000, 5_000])
    assert "in 2 month(s) (1 already at or above it)" in result.changes["description"].iloc[0]


def test_water_reuse_turns_a_failing_benchmark_into_a_pass():
    """Woven mill (test_benchmarks): tap 20 000 m3 / 10 000 hm = 2.0 m3/hm fails the 1.6 limit;
    reuse to 70 %: demand 50 000 -> intake 15 000 -> 1.5 m3/hm, a pass."""
    energy = pd.DataFrame({"period": ["2024-01"], "item": ["electricity"], "quantity": [2_000_000], "unit": ["kWh"]})
    water = pd.DataFrame({"period": ["2024-01"] * 2, "item": ["tap_water", "reused_water"],
                          "quantity": [20_000, 30_000], "unit": ["m3", "m3"]})
    prod = pd.DataFrame({"period": ["2024-01"], "item": ["woven_fabric"], "quantity": [10_000], "unit": ["hm"]})
    inv = Inventory.from_frames(energy=energy, water=water, production=prod, site={"year": 2024})
    _, after, result = _run(inv, dict(change="water_reuse", value=0.7, unit="%", where="row 2"), name="reuse 70")
    assert_allclose(after.value("water_intensity", "woven_fabric"), 1.5)
    v = result.benchmarks
    line = v[(v.metric == "water_intensity") & (v.benchmark == "cn_dyeing_norms_2017")].iloc[0]
    assert (line.before_verdict, line.after_verdict) == ("fail", "pass")
    assert_allclose([line.before, line.after], [2.0, 1.5])
    c = result.comparison.set_index(["metric", "item"])
    assert_allclose(c.loc[("water_intake", "total"), ["before", "after", "change", "change_pct"]].astype(float),
                    [20_000, 15_000, -5_000, -25.0])
    assert_allclose(c.loc[("ghg", "total_location"), "change"], 0.0)


def test_changes_apply_in_order_and_keep_provenance():
    """Coal -> gas, then heat recovery of 10 % on the gas: 61.655875 x 0.9 = 53.3284 tce. The changed
    coal rows keep their input cell; the new gas rows name the scenarios file row; the inventory
    given is not touched."""
    inv = _coal()
    original = inv.activity.copy()
    sc = Scenario("gas + recovery", [
        Change("gas + recovery", "fuel_switch", item="raw_coal", to="natural_gas", value=1.0, efficiency_old=0.7,
               efficiency_new=0.9, where="plan.csv row 2"),
        Change("gas + recovery", "heat_recovery", item="natural_gas", value=0.1, where="plan.csv row 3")])
    new, texts = apply_scenario(inv, sc)
    assert_allclose(assess(new).value("energy"), 61.655875 * 0.9, rtol=1e-5)
    pd.testing.assert_frame_equal(inv.activity, original)
    coal = new.activity[new.activity.item == "raw_coal"].iloc[0]
    assert coal.sheet == "scenario:gas + recovery" and coal.cell == "Energy!row 2"
    gas = new.activity[new.activity.item == "natural_gas"].iloc[0]
    assert gas.sheet == "scenario:gas + recovery" and gas.cell == "plan.csv row 2"
    assert "heat recovery saves 10 %" in gas.note and len(texts) == 2


def test_impossible_changes_are_refused():
    energy = pd.DataFrame({"period": ["2024-01"], "item": "electricity", "quantity": [1000.0], "unit": "kWh"})
    inv = Inventory.from_frames(energy=energy, site=SITE)
    with pytest.raises(GreentexError, match="no raw_coal to replace"):
        apply_scenario(inv, Scenario("x", [Change("x", "fuel_switch", item="raw_coal", to="natural_gas", value=1.0,
                                                  efficiency_old=0.7, efficiency_new=0.9, where="f row 2")]))
    with pytest.raises(GreentexError, match="exceed the 1,000 kWh"):
        apply_scenario(inv, Scenario("x", [Change("x", "rooftop_pv", value=20_000.0, where="f row 2")]))
    with pytest.raises(GreentexError, match="no water intake"):
        apply_scenario(inv, Scenario("x", [Change("x", "water_reuse", value=0.5, where="f row 2")]))


# -- the scenarios file ----------------------------------------------------------------------

def test_sample_scenarios_file():
    sc = read_scenarios(SAMPLES / "scenarios_example.csv")
    assert [s.name for s in sc][:2] == ["Gas to park steam", "Rooftop PV 1 MWp"]
    combined = sc[-1]
    assert [c.change for c in combined.changes] == ["rooftop_pv", "green_electricity", "heat_recovery"]
    first = sc[0].changes[0]
    assert (first.item, first.to, first.value, first.efficiency_old, first.efficiency_new) == \
        ("natural_gas", "steam", 1.0, 0.9, 1.0)
    assert sc[1].changes[0].value == 1_050_000 and sc[2].changes[0].value == pytest.approx(0.3)


def test_scenarios_from_a_workbook_in_chinese(make_workbook):
    path = make_workbook({"说明": [["ignored"]], "情景": [
        ["情景", "措施", "项目", "数值", "单位", "替代为", "原效率", "新效率", "备注"],
        ["煤改气", "燃料替代", "原煤", 100, "%", "天然气", "70%", 0.9, ""],
        ["光伏", "屋顶光伏", None, 50, "万kWh", None, None, None, None]]}, name="plan.xlsx")
    sc = read_scenarios(path)
    c = sc[0].changes[0]
    assert (c.change, c.item, c.to, c.efficiency_old, c.efficiency_new) == ("fuel_switch", "raw_coal", "natural_gas",
                                                                            0.7, 0.9)
    assert sc[1].changes[0].value == pytest.approx(500_000)


@pytest.mark.parametrize("row, message, cell", [
    (["a", "solar_farm", "", "10", "%", "", "", "", ""], "unknown change 'solar_farm'", "B2"),
    (["a", "green_electricity", "", "30", "", "", "", "", ""], "has no unit", "D2"),
    (["a", "green_electricity", "", "130", "%", "", "", "", ""], "not between 0 and 100", "D2"),
    (["a", "fuel_switch", "raw_coal", "", "", "natural_gas", "75", "0.9", ""], "efficiency_old 75 is not", "G2"),
    (["a", "fuel_switch", "raw_coal", "", "", "natural_gas", "0.7", "", ""], "no efficiency_new", "H2"),
    (["a", "fuel_switch", "coal dust", "", "", "natural_gas", "0.7", "0.9", ""], "unknown energy item", "C2"),
    (["a", "fuel_switch", "electricity", "", "", "natural_gas", "0.7", "0.9", ""], "is not a fuel", "C2"),
    (["a", "rooftop_pv", "", "800000", "", "", "", "", ""], "has no unit", "E2"),
    (["", "rooftop_pv", "", "800000", "kWh", "", "", "", ""], "no name", "A2"),
])
def test_bad_scenario_rows_name_the_cell(tmp_path, row, message, cell):
    path = tmp_path / "plan.csv"
    head = "scenario,change,item,value,unit,to,efficiency_old,efficiency_new,note\n"
    path.write_text(head + ",".join(row) + "\n", encoding="utf-8")
    with pytest.raises(GreentexError, match=message) as exc:
        read_scenarios(path)
    assert exc.value.cell == cell and exc.value.file == "plan.csv"


def test_yaml_is_not_read(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("scenarios: []\n")
    with pytest.raises(GreentexError, match="YAML is not read"):
        read_scenarios(path)


# -- JSON and the command line -----------------------------------------------------------------

def test_json_document():
    before = assess(_coal())
    sc = [Scenario("gas", [Change("gas", "fuel_switch", item="raw_coal", to="natural_gas", value=1.0,
                                  efficiency_old=0.7, efficiency_new=0.9, where="f row 2")])]
    doc = scenario_dict(compare_scenarios(before, sc))
    json.dumps(doc, allow_nan=False)
    assert set(doc) >= {"scenarios", "comparison", "benchmarks", "issues", "input", "options"}
    assert set(doc["comparison"][0]) == {"scenario", "metric", "item", "unit", "before", "after", "change",
                                         "change_pct"}
    assert doc["scenarios"][0]["changes"][0]["description"].startswith("raw_coal -> natural_gas: 100 %")


def test_cli_scenario(tmp_path):
    out, js = tmp_path / "s.xlsx", tmp_path / "s.json"
    res = CliRunner().invoke(cli, ["scenario", str(SAMPLES / "jiangsu_woven_dyeing_2024.xlsx"), "--scenarios",
                                   str(SAMPLES / "scenarios_example.csv"), "-o", str(out), "--json", str(js)])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0].startswith("Gas to park steam: energy ")
    green = next(line for line in lines if line.startswith("Green electricity 30 %"))
    assert "GHG location 51,174.8 tCO2e (+0.0)" in green and "market 48,479.1 tCO2e (-3,120.3)" in green
    assert lines[-1] == f"wrote {out} and {js}"
    doc = json.loads(js.read_text())
    assert {s["scenario"] for s in doc["scenarios"]} == {r["scenario"] for r in doc["comparison"]}
    import openpyxl
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Scenarios", "Scenario changes", "Data issues", "About"]
    assert len(wb["Scenarios"]._charts) == 2


def test_cli_scenario_bad_file_exits_2(tmp_path):
    bad = tmp_path / "plan.csv"
    bad.write_text("scenario,change,value,unit\nx,wind_turbine,1,%\n")
    res = CliRunner().invoke(cli, ["scenario", str(SAMPLES / "jiangsu_woven_dyeing_2024.xlsx"),
                                   "--scenarios", str(bad), "-o", str(tmp_path / "s.xlsx")])
    assert res.exit_code == 2
    assert res.output.strip() == ("greentex: error: plan.csv: cell B2: unknown change 'wind_turbine' "
                                  "(use one of fuel_switch, rooftop_pv, green_electricity, heat_recovery, water_reuse)")
    assert not (tmp_path / "s.xlsx").exists()


def test_a_scenario_s_new_issue_names_the_scenario_in_the_report_language():
    """Coal to coke at a site outside China (IPCC table, which has no coke row), so no carbon
    content or oxidation is known: the scenario's own issue, worded in English for the JSON and in
    Chinese for a Chinese report."""
    from greentex.factors import load_library

    coal = _coal()
    coal = Inventory.from_frames(energy=coal.activity[["period", "item", "quantity", "unit"]],
                                 site={**SITE, "country": "DE"})
    _, _, result = _run(coal, dict(change="fuel_switch", item="raw_coal", to="coke", value=1.0,
                                      efficiency_old=0.7, efficiency_new=0.7, where="row 2"))
    [issue] = result.issues
    assert issue.message == ("scenario s: combustion CO2 of coke not computed: no carbon_content, oxidation; "
                             "give them in the Factors sheet")
    names = load_library().item_table["label_zh"].to_dict()
    assert issue.text("zh", names) == "情景 s：未计算焦炭的燃烧 CO2：缺少 carbon_content, oxidation；请在因子表中给出"
