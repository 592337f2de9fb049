"""The year's targets (greentex.targets): year to date, run rate, baseline forecast and verdicts."""

import math

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from greentex.assessment import assess
from greentex.cli import cli
from greentex.errors import GreentexError
from greentex.factors import load_library
from greentex.inventory import Inventory
from greentex.io.workbook import read_workbook
from greentex.names import Names
from greentex.targets import read_targets, verdict

# electricity at 1 kgce/kWh (a user coefficient): 1000 kWh is 1 tce
ONE_KGCE = pd.DataFrame({"item": ["electricity"], "parameter": ["coefficient"], "value": [1.0],
                         "unit": ["kgce/kWh"], "source": ["test: 1 kgce per kWh"]})


def _months(year, n):
    return [f"{year}-{m:02d}" for m in range(1, n + 1)]


def _mill(months, tce, output_hm, intake=None, reused=None):
    """Electricity worth ``tce`` per month (1000 kWh = 1 tce), woven fabric ``output_hm``, water."""
    energy = pd.DataFrame({"period": months, "item": "electricity", "quantity": np.asarray(tce, float) * 1000,
                           "unit": "kWh"})
    prod = pd.DataFrame({"period": months, "item": "woven_fabric", "quantity": output_hm, "unit": "hm"})
    water = None
    if intake is not None:
        n = len(months)
        water = pd.DataFrame({"period": months * 2, "item": ["tap_water"] * n + ["reused_water"] * n,
                              "quantity": list(intake) + list(reused), "unit": "m3"})
    return Inventory.from_frames(energy=energy, production=prod, water=water, factors=ONE_KGCE,
                                 site={"year": months[-1][:4], "enterprise": "existing"})


def _targets(*rows):
    """Targets as read_targets gives them: (year, target, item, value, unit)."""
    return pd.DataFrame([dict(zip(["year", "target", "item", "value", "unit"], r), sheet="Targets", cell=f"D{k + 2}")
                         for k, r in enumerate(rows)])


def _judge(inv, *rows):
    inv.targets = _targets(*rows)
    return assess(inv).targets.set_index("target")


def test_energy_budget_by_run_rate():
    """Six months of 10, 11, 12, 13, 14, 15 tce: year to date 75 tce, elapsed 6/12 = 50 %, run
    rate 75 x 12 / 6 = 150 tce. A budget of 160 tce is on track, 140 at risk (150 > 140), 70
    exceeded (75 > 70 already); 0.0149 万tce = 149 tce is at risk."""
    inv = _mill(_months(2024, 6), [10, 11, 12, 13, 14, 15], [100] * 6)
    for budget, unit, want in ((160, "tce", "on_track"), (140, "tce", "at_risk"), (70, "tce", "exceeded"),
                               (0.0149, "万tce", "at_risk")):
        t = _judge(inv, (2024, "energy", "total", budget, unit)).loc["energy"]
        assert t.ytd == pytest.approx(75.0) and t.months == 6 and t.elapsed_pct == pytest.approx(50.0)
        assert t.forecast == pytest.approx(150.0) and t.verdict == want, (budget, unit)
        assert t.target_value == pytest.approx(budget * (1e4 if unit == "万tce" else 1))
        assert t.reason == "no_baseline" and math.isnan(t.forecast_baseline)  # no 2023 in the workbook


def test_intensity_and_reuse_rate_are_ratios_of_sums():
    """Intensity: (10 + 20) tce / (100 + 300) hm = 0.075 tce/hm = 75 kgce/hm; the run rate keeps
    the ratio. A cap of 70 kgce/hm: at risk after 2 months (the ratio can still fall), exceeded in
    a complete year. Reuse rate: (300 + 500) / (300 + 500 + 700 + 1100) = 800 / 2600 = 30.77 %
    (not the mean of 30 % and 31.25 %); a floor of 35 % is at risk; a floor of 30 % on track."""
    inv = _mill(_months(2024, 2), [10, 20], [100, 300], intake=[700, 1100], reused=[300, 500])
    t = _judge(inv, (2024, "energy_intensity", "woven_fabric", 70, "kgce/hm"),
               (2024, "water_reuse_rate", "total", 35, "%"))
    assert t.loc["energy_intensity", "ytd"] == pytest.approx(75.0)
    assert t.loc["energy_intensity", "forecast"] == pytest.approx(75.0)
    assert t.loc["energy_intensity", "verdict"] == "at_risk"
    assert t.loc["water_reuse_rate", "ytd"] == pytest.approx(800 / 2600 * 100)
    assert t.loc["water_reuse_rate", "verdict"] == "at_risk"
    assert _judge(inv, (2024, "water_reuse_rate", "total", 30, "%")).loc["water_reuse_rate", "verdict"] == "on_track"
    year = _mill(_months(2024, 12), [10, 20] * 6, [100, 300] * 6, intake=[700, 1100] * 6, reused=[300, 500] * 6)
    t = _judge(year, (2024, "energy_intensity", "woven_fabric", 70, "kgce/hm"),
               (2024, "water_reuse_rate", "total", 35, "percent"))
    assert t.loc["energy_intensity", "verdict"] == "exceeded"
    assert t.loc["water_reuse_rate", "verdict"] == "missed"


def test_verdict_rule():
    """Caps: a sum over the cap is exceeded at once; a ratio only when the year is complete;
    the upper end of the interval over the cap is at risk. Floors: missed only in a complete year."""
    assert verdict("cap", False, 3, 101, 404, target=100) == "exceeded"
    assert verdict("cap", True, 3, 101, 101, target=100) == "at_risk"
    assert verdict("cap", True, 12, 101, 101, target=100) == "exceeded"
    assert verdict("cap", False, 6, 40, 80, high=101, target=100) == "at_risk"
    assert verdict("cap", False, 6, 40, 80, high=99, target=100) == "on_track"
    assert verdict("floor", True, 6, 30, 30, target=35) == "at_risk"
    assert verdict("floor", True, 12, 30, 30, target=35) == "missed"
    assert verdict("cap", False, 0, math.nan, math.nan, target=1) == "not_assessed"


def _baseline_mill(energy_2024):
    """2023: output alternating 100, 200 hm and energy 10 + 0.5 x output + (+1, +1, -1, -1, ...)
    tce, the noise orthogonal to the intercept and the output, so least squares gives b0 = 10 and
    b1 = 0.5 exactly; 2024: six months of 150 hm and ``energy_2024`` tce each."""
    p23 = np.array([100, 200] * 6, dtype=float)
    e23 = 10 + 0.5 * p23 + np.array([1, 1, -1, -1] * 3, dtype=float)
    months = _months(2023, 12) + _months(2024, 6)
    return _mill(months, list(e23) + [energy_2024] * 6, list(p23) + [150.0] * 6)


def test_energy_budget_by_the_baseline_model():
    """Model of 2023: expected = 10 + 0.5 x 150 = 85 tce a month at the year-to-date mean output.
    2024 at 80 tce a month: year to date 480, run rate 960, baseline 480 + 6 x 85 = 990 tce.
    Interval: sigma² = SSE / (n - k) = 12 / 10 = 1.2; X'X = [[12, 1800], [1800, 300000]], det
    360000; s = 6 x [1, 150] = [6, 900]; s'(X'X)⁻¹s = (300000 x 36 - 2 x 1800 x 5400 + 12 x
    810000) / 360000 = 3; standard error sqrt(1.2 x (6 + 3)) = sqrt(10.8) = 3.28634;
    t(0.95, 10) = 1.812461 -> half width 5.95642: 984.04 to 995.96. A budget of 993: the run rate
    (960) and the forecast (990) are under it, the upper end (995.96) is not: at risk; 1000: on track."""
    inv = _baseline_mill(80.0)
    t = _judge(inv, (2024, "energy", "total", 993, "tce")).loc["energy"]
    assert (t.ytd, t.forecast, t.forecast_baseline) == pytest.approx((480.0, 960.0, 990.0))
    half = 1.812461 * math.sqrt(10.8)
    assert (t.forecast_low, t.forecast_high) == pytest.approx((990 - half, 990 + half), abs=1e-4)
    assert t.verdict == "at_risk" and t.reason == ""
    assert _judge(inv, (2024, "energy", "total", 1000, "tce")).loc["energy", "verdict"] == "on_track"


@pytest.mark.parametrize("how", ["--previous", "--year"])
def test_the_baseline_forecast_from_last_years_workbook_or_with_year(how):
    """The same 990 tce (984.04 to 995.96) when 2023 comes from last year's workbook (previous),
    or when a two-year workbook is reported with --year 2024."""
    from greentex.assessment import Options

    whole = _baseline_mill(80.0)
    rows = _targets((2024, "energy", "total", 993, "tce"))
    if how == "--previous":
        act = whole.activity
        prev = _mill(_months(2023, 12), [0.0] * 12, [1.0] * 12)
        prev.activity = act[act["period"] < "2024"].reset_index(drop=True)
        current = _mill(_months(2024, 6), [80.0] * 6, [150.0] * 6)
        current.targets = rows
        a = assess(current, previous=prev)
    else:
        whole.targets = rows
        a = assess(whole, options=Options(year=2024))
    t = a.targets.set_index("target").loc["energy"]
    half = 1.812461 * math.sqrt(10.8)
    assert (t.ytd, t.forecast, t.forecast_baseline) == pytest.approx((480.0, 960.0, 990.0))
    assert (t.forecast_low, t.forecast_high) == pytest.approx((990 - half, 990 + half), abs=1e-4)
    assert not (a.metrics["period"].str.startswith("2023")).any()   # last year is not reported


def test_targets_in_the_metrics_table():
    """<metric>_target, _forecast, _forecast_baseline, _forecast_low / _high and _year_elapsed,
    period the year, in the figure's unit."""
    inv = _baseline_mill(80.0)
    inv.targets = _targets((2024, "energy", "total", 1, "万tce"))
    a = assess(inv)
    assert a.value("energy_target", "total", "2024") == pytest.approx(10000.0)
    assert a.value("energy_forecast", "total", "2024") == pytest.approx(960.0)
    assert a.value("energy_forecast_baseline", "total", "2024") == pytest.approx(990.0)
    assert a.value("energy_year_elapsed", "total", "2024") == pytest.approx(50.0)
    assert a.unit("energy_target") == "tce" and a.unit("energy_year_elapsed") == "percent"


@settings(max_examples=25, deadline=None)
@given(perm=st.permutations(list(range(12))), cut=st.floats(0.05, 0.95), budget=st.floats(100, 200))
def test_row_order_and_split_rows_do_not_change_the_verdict(perm, cut, budget):
    """Six months of electricity, each month's row split in two parts (cut, 1 - cut) and all the
    rows shuffled: same year to date, forecast and verdict as the plain ledger."""
    months = _months(2024, 6)
    tce = np.array([10, 11, 12, 13, 14, 15], dtype=float)
    plain = _judge(_mill(months, tce, [100] * 6), (2024, "energy", "total", budget, "tce")).loc["energy"]
    parts = pd.DataFrame({"period": months * 2, "item": "electricity",
                          "quantity": np.r_[tce * 1000 * cut, tce * 1000 * (1 - cut)], "unit": "kWh"}).iloc[perm]
    prod = pd.DataFrame({"period": months, "item": "woven_fabric", "quantity": 100.0, "unit": "hm"})
    inv = Inventory.from_frames(energy=parts, production=prod, factors=ONE_KGCE, site={"year": 2024})
    split = _judge(inv, (2024, "energy", "total", budget, "tce")).loc["energy"]
    assert split.ytd == pytest.approx(plain.ytd) and split.forecast == pytest.approx(plain.forecast)
    assert split.verdict == plain.verdict == ("at_risk" if budget < 150 else "on_track")


# -- reading ---------------------------------------------------------------------------------

def _names():
    return Names(load_library())


def test_read_a_chinese_targets_sheet():
    """Chinese headers and words; a blank year is the Site year; a product by its Chinese name."""
    rows = [["年度", "指标", "产品", "目标值", "单位", "备注"],
            ["2024年", "单位产品能耗", "机织物", 30, "kgce/百米", None],
            [None, "能耗总量", None, "1.5", "万吨标准煤", None],
            [2024, "水重复利用率", None, 40, "%", None],
            [2024, "能耗总量", None, 9, "tce", "example row: replace or delete"]]
    t = read_targets(rows, _names(), file="mill.xlsx", sheet="目标", site_year=2025)
    assert list(t["target"]) == ["energy_intensity", "energy", "water_reuse_rate"]
    assert list(t["item"]) == ["woven_fabric", "total", "total"]
    assert list(t["year"]) == [2024, 2025, 2024]
    assert list(t["value"]) == [30.0, 1.5, 40.0] and list(t["cell"]) == ["D2", "D3", "D4"]


@pytest.mark.parametrize("row, cell, words", [
    ([2024, "能耗上限", None, 1, "tce"], "B2", "unknown target"),
    ([2024, "energy_intensity", None, 1, "kgce/hm"], "C2", "needs its product"),
    ([2024, "energy", None, "lots", "tce"], "D2", "not a number"),
    ([2024, "energy", None, 1, "m3"], "E2", "does not fit"),
    (["24", "energy", None, 1, "tce"], "A2", "not a year"),
])
def test_bad_targets_rows_name_the_cell(row, cell, words):
    with pytest.raises(GreentexError) as err:
        read_targets([["year", "target", "product", "value", "unit"], row], _names(), file="m.xlsx")
    assert err.value.cell == cell and err.value.sheet == "Targets" and words in err.value.message


def test_a_target_given_twice_is_an_error():
    rows = [["year", "target", "value"], [2024, "energy", 1], [2024, "能耗总量", 2]]
    with pytest.raises(GreentexError, match="rows 2 and 3"):
        read_targets(rows, _names())


# -- the workbook, the template and the command line -----------------------------------------

def _workbook(make_workbook, budget):
    energy = [["period", "item", "quantity", "unit"]] + [[m, "electricity", 1000 * v, "kWh"]
                                                          for m, v in zip(_months(2024, 6), range(10, 16))]
    prod = [["period", "item", "quantity", "unit"]] + [[m, "woven_fabric", 1000, "hm"] for m in _months(2024, 6)]
    return make_workbook({"Site": [["year", 2024]], "Energy": energy, "Production": prod,
                          "Factors": [["item", "parameter", "value", "unit", "source"],
                                      ["electricity", "coefficient", 1, "kgce/kWh", "test"]],
                          "目标": [["年度", "指标", "目标值", "单位"], [2024, "能耗总量", budget, "tce"]]})


@pytest.mark.parametrize("budget, code, word", [(160, 0, "every target on track"),
                                                (140, 1, "targets at risk, exceeded or missed: 1")])
def test_check_targets_exit_code(make_workbook, budget, code, word):
    """75 tce in six months, run rate 150 tce: a budget of 160 passes, 140 fails (exit 1)."""
    path = _workbook(make_workbook, budget)
    result = CliRunner().invoke(cli, ["check", str(path), "--targets"])
    assert result.exit_code == code, result.output
    assert word in result.output and "150.00" in result.output
    assert CliRunner().invoke(cli, ["check", str(path)]).exit_code == 0  # without --targets: benchmarks only


def test_the_template_carries_the_targets_sheet(tmp_path):
    """The template's Targets / 目标 sheet: its example row is skipped; a row added is read."""
    from openpyxl import load_workbook

    from greentex.io.template import write_template

    for lang, sheet, word in (("en", "Targets", "energy"), ("zh", "目标", "能耗总量")):
        path = tmp_path / f"t_{lang}.xlsx"
        write_template(path, lang=lang)
        wb = load_workbook(path)
        assert wb[sheet]["B2"].value == word
        wb[sheet].append([2024, word, None, 12000, "tce"])
        energy = wb[wb.sheetnames[2]]
        energy.append(["2024-01", "electricity", 1000, "kWh"])
        wb.save(path)
        inv = read_workbook(path)
        assert list(inv.targets["value"]) == [12000.0] and list(inv.targets["target"]) == ["energy"]


def test_a_target_unit_that_does_not_fit_the_product_is_an_error(make_workbook):
    """Knit fabric counted in t: an intensity target in kgce/hm does not convert (exit 2, one line
    naming the file, sheet and cell)."""
    path = make_workbook({"Energy": [["period", "item", "quantity", "unit"], ["2024-01", "electricity", 1000, "kWh"]],
                          "Production": [["period", "item", "quantity", "unit"], ["2024-01", "knit_fabric", 5, "t"]],
                          "Targets": [["year", "target", "product", "value", "unit"],
                                      [2024, "energy_intensity", "knit_fabric", 30, "kgce/hm"]]})
    result = CliRunner().invoke(cli, ["check", str(path), "--targets"])
    assert result.exit_code == 2
    assert "mill.xlsx: sheet 'Targets' cell D2: unit 'kgce/hm' does not convert to tce/t" in result.output
    assert "Traceback" not in result.output
