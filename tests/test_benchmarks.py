"""Benchmark verdicts worked by hand."""

import math

import pandas as pd
from click.testing import CliRunner
from numpy.testing import assert_allclose

from greentex.assessment import Options, assess
from greentex.cli import cli
from greentex.inventory import Inventory

from conftest import SAMPLES


def _mill(site=None, reused=30_000):
    """2024-01: electricity 2 000 000 kWh x 0.1229 = 245.8 tce over 10 000 hm = 24.58 kgce/hm
    (limit 30: pass, margin 5.42 = 18.07 %); tap water 20 000 m3 / 10 000 hm = 2.0 m3/hm (limit 1.6:
    fail, reduction needed 0.4 m3/hm); reuse 30 000 / (30 000 + 20 000) = 60 % (at least 40: pass)."""
    energy = pd.DataFrame({"period": ["2024-01"], "item": ["electricity"], "quantity": [2_000_000], "unit": ["kWh"]})
    water = pd.DataFrame({"period": ["2024-01"] * 2, "item": ["tap_water", "reused_water"],
                          "quantity": [20_000, reused], "unit": ["m3", "m3"]})
    prod = pd.DataFrame({"period": ["2024-01"], "item": ["woven_fabric"], "quantity": [10_000], "unit": ["hm"]})
    return Inventory.from_frames(energy=energy, water=water, production=prod,
                                 site={"year": 2024, **(site or {})})


def _line(b, metric, period="total", benchmark=None):
    hit = b[(b.metric == metric) & (b.period == period)]
    if benchmark:
        hit = hit[hit.benchmark == benchmark]
    assert len(hit) == 1, hit
    return hit.iloc[0]


def test_pass_and_fail_with_margins():
    b = assess(_mill()).benchmarks
    e = _line(b, "energy_intensity")
    assert e.verdict == "pass" and e.limit == 30
    assert_allclose([e.value, e.margin, e.margin_pct], [24.58, 5.42, 5.42 / 30 * 100])
    assert math.isnan(e.reduction_needed)
    w = _line(b, "water_intensity")
    assert w.verdict == "fail"
    assert_allclose([w.value, w.margin, w.margin_pct, w.reduction_needed], [2.0, -0.4, -0.4 / 1.6 * 100, 0.4])
    r = _line(b, "water_reuse_rate")
    assert r.verdict == "pass" and r.comparison == "at_least"
    assert_allclose([r.value, r.margin], [60.0, 20.0])
    # secondary values are flagged, primary ones are not
    assert e.check == "check against the standard text"
    assert e.source and e.status == "secondary"


def test_monthly_lines_are_there_too():
    b = assess(_mill()).benchmarks
    assert _line(b, "energy_intensity", "2024-01").verdict == "pass"


def test_condition_on_the_site_selects_the_line():
    inv = _mill(site={"discharge": "indirect"})
    inv.activity = pd.concat([inv.activity, Inventory.from_frames(water=pd.DataFrame({
        "period": ["2024-01"] * 3, "item": ["wastewater", "cod_in", "cod_out"], "quantity": [18_000, 1800, 250],
        "unit": ["m3", "mg/L", "mg/L"]})).activity], ignore_index=True)
    b = assess(inv).benchmarks
    cod = b[(b.metric == "wastewater_cod") & (b.period == "total")].set_index("limit")
    # 250 mg/L against 200 (indirect): fail, 50 mg/L to cut; the 500 line is for park plants
    assert cod.loc[200.0, "verdict"] == "fail" and cod.loc[200.0, "reduction_needed"] == 50
    assert cod.loc[500.0, "verdict"] == "not applicable"
    missing = assess(_mill(site={})).benchmarks
    # no COD data at all: not assessed, never a pass
    assert set(missing.loc[missing.metric == "wastewater_cod", "verdict"]) == {"not assessed"}


def test_new_versus_existing_enterprise(tmp_path):
    path = SAMPLES / "mill_internal_targets_2025.csv"
    existing = assess(_mill(site={"enterprise": "existing"}), options=Options(benchmarks=(str(path),))).benchmarks
    new = assess(_mill(site={"enterprise": "new"}), options=Options(benchmarks=(str(path),))).benchmarks
    unknown = assess(_mill(), options=Options(benchmarks=(str(path),))).benchmarks
    assert set(existing.loc[existing.metric == "wastewater_cod", "verdict"]) == {"not assessed"}  # no COD data
    assert _line(new, "wastewater_cod").verdict == "not applicable"
    assert "does not say existing or new" in _line(unknown, "wastewater_cod").note


def test_user_benchmark_file():
    """Internal target 26 kgce/hm: 24.58 passes with 1.42 to spare; reuse 60 % >= 45 %."""
    path = SAMPLES / "mill_internal_targets_2025.csv"
    b = assess(_mill(), options=Options(benchmarks=(str(path),))).benchmarks
    assert set(b.benchmark) == {"mill_internal_targets_2025"}
    e = _line(b, "energy_intensity")
    assert e.verdict == "pass" and e.status == "user"
    assert_allclose(e.margin, 1.42)


def test_missing_metric_is_not_assessed():
    energy = pd.DataFrame({"period": ["2024-01"], "item": ["electricity"], "quantity": [1000], "unit": ["kWh"]})
    prod = pd.DataFrame({"period": ["2024-01"], "item": ["woven_fabric"], "quantity": [10], "unit": ["hm"]})
    b = assess(Inventory.from_frames(energy=energy, production=prod, site={"year": 2024})).benchmarks
    assert _line(b, "water_intensity").verdict == "not assessed"
    assert _line(b, "water_reuse_rate").verdict == "not assessed"


def test_indicative_levels_never_fail():
    """Knit mill: 30 000 m3 / 100 t = 300 m3/t, above the typical 250: indicative, not a fail."""
    water = pd.DataFrame({"period": ["2024-01"], "item": ["tap_water"], "quantity": [30_000], "unit": ["m3"]})
    prod = pd.DataFrame({"period": ["2024-01"], "item": ["knit_fabric"], "quantity": [100], "unit": ["t"]})
    b = assess(Inventory.from_frames(water=water, production=prod, site={"year": 2024})).benchmarks
    line = _line(b, "water_intensity", benchmark="ifc_pact_water_indicative")
    assert line.verdict == "indicative: above typical"
    from greentex.benchmarks import failed
    assert "ifc_pact_water_indicative" not in set(failed(b).benchmark)


def test_standard_product_coefficient_changes_the_intensity():
    """Coefficient 1.25: 10 000 hm -> 12 500 standard hm; 245.8 tce / 12 500 = 19.664 kgce/hm."""
    inv = _mill()
    inv.overrides = pd.DataFrame([{"item": "woven_fabric", "parameter": "standard_product_coefficient",
                                   "value": 1.25, "unit": "dimensionless", "source": "FZ/T 01002 conversion",
                                   "sheet": "Factors", "cell": "C2"}])
    a = assess(inv)
    assert_allclose(a.value("energy_intensity", "woven_fabric"), 19.664)
    assert_allclose(a.value("production", "woven_fabric"), 10_000)
    assert_allclose(a.value("production_standard", "woven_fabric"), 12_500)
    assert any("standard product" in i.message for i in a.issues)


def test_check_exit_codes():
    runner = CliRunner()
    ok = runner.invoke(cli, ["check", str(SAMPLES / "jiangsu_woven_dyeing_2024.xlsx")])
    assert ok.exit_code == 0 and ok.output.splitlines()[-1] == "compliant"
    bad = runner.invoke(cli, ["check", str(SAMPLES / "knit_dyeing_2024.xlsx")])
    assert bad.exit_code == 1 and bad.output.splitlines()[-1] == "not compliant"
    monthly = runner.invoke(cli, ["check", "--monthly", str(SAMPLES / "jiangsu_woven_dyeing_2024.xlsx")])
    assert monthly.exit_code == 1  # February 2024 is above 30 kgce/100 m
    nope = runner.invoke(cli, ["check", str(SAMPLES / "knit_dyeing_2024.xlsx"), "--benchmarks", "nope"])
    assert nope.exit_code == 2 and "no benchmark set 'nope'" in nope.output


def test_benchmarks_command():
    runner = CliRunner()
    listed = runner.invoke(cli, ["benchmarks"])
    assert "cn_dyeing_norms_2017 [CN]" in listed.output
    shown = runner.invoke(cli, ["benchmarks", "show", "cn_dyeing_norms_2017"])
    assert shown.exit_code == 0 and "energy_intensity" in shown.output
