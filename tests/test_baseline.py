"""Energy baselines: the t and F distributions, least squares, validity rules, tracking, the
Drivers sheet, the report and the command line, each checked against values worked by hand or
read in printed tables."""

import json
import math

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from greentex.assessment import assess
from greentex.baseline import (betainc, cusum, energy_baseline, enpi, f_ppf, f_sf, months_of, ols, read_drivers,
                               savings, t_cdf, t_ppf, t_two_sided_p, validity, baseline_dict)
from greentex.cli import cli
from greentex.errors import GreentexError
from greentex.inventory import Inventory

from conftest import SAMPLES

SAMPLE = SAMPLES / "baseline_mill_2023_2024.xlsx"
KWH_PER_TCE = 1000 / 0.1229   # electricity at the default 0.1229 kgce/kWh


# -- distributions, pinned to printed tables -----------------------------------------------------

@pytest.mark.parametrize("q, df, table", [
    (0.975, 10, "2.228"), (0.95, 20, "1.725"), (0.975, 1, "12.706"), (0.975, 30, "2.042"), (0.995, 5, "4.032"),
])
def test_t_quantiles_match_the_table(q, df, table):
    """Student's t table (e.g. any statistics textbook's appendix), to the table's digits."""
    assert f"{t_ppf(q, df):.3f}" == table


@pytest.mark.parametrize("q, d1, d2, table", [
    (0.95, 2, 10, "4.10"), (0.99, 1, 20, "8.10"), (0.95, 3, 12, "3.49"), (0.99, 5, 10, "5.64"), (0.95, 1, 1, "161"),
])
def test_f_quantiles_match_the_table(q, d1, d2, table):
    """F table, to its three significant digits."""
    assert float(f"{f_ppf(q, d1, d2):.3g}") == float(table)


def test_closed_forms():
    """df = 1 is the Cauchy distribution, 0.5 + atan(t)/pi; df = 2: 0.5 + t / (2 sqrt(2 + t^2));
    I_x(1, 1) = x, I_x(a, 1) = x^a, I_x(1, b) = 1 - (1 - x)^b; F(1, d) is t(d) squared."""
    for t in (-7.0, -1.3, 0.0, 0.4, 2.5, 30.0):
        assert_allclose(t_cdf(t, 1), 0.5 + math.atan(t) / math.pi, rtol=1e-12)
        assert_allclose(t_cdf(t, 2), 0.5 + t / (2 * math.sqrt(2 + t * t)), rtol=1e-12)
        assert_allclose(f_sf(t * t, 1, 7), t_two_sided_p(t, 7), rtol=1e-12)
    for x in (0.0, 0.01, 0.3, 0.77, 1.0):
        assert_allclose(betainc(1, 1, x), x, atol=1e-15)
        assert_allclose(betainc(3.5, 1, x), x ** 3.5, atol=1e-14)
        assert_allclose(betainc(1, 4.2, x), 1 - (1 - x) ** 4.2, atol=1e-14)


@settings(max_examples=200, deadline=None)
@given(st.floats(0.05, 60), st.floats(0.05, 60), st.floats(0, 1), st.floats(0, 1))
def test_incomplete_beta_is_a_distribution_function(a, b, x1, x2):
    lo, hi = sorted((x1, x2))
    assert 0.0 <= betainc(a, b, lo) <= betainc(a, b, hi) + 1e-14 <= 1.0 + 1e-14
    assert_allclose(betainc(a, b, x1) + betainc(b, a, 1 - x1, x1), 1.0, atol=1e-12)  # 1 - x given exactly


@settings(max_examples=100, deadline=None)
@given(st.floats(-50, 50), st.integers(1, 200), st.floats(0.51, 0.999))
def test_t_symmetry_and_quantile_inverts_the_cdf(t, df, q):
    assert_allclose(t_cdf(-t, df), 1 - t_cdf(t, df), atol=1e-13)
    assert_allclose(t_cdf(t_ppf(q, df), df), q, rtol=1e-10)
    assert t_ppf(q, df) > 0 > t_ppf(1 - q, df)


# -- least squares worked by hand --------------------------------------------------------------

def test_ols_by_hand():
    """x = 1..5, y = 2, 4, 5, 4, 5: slope 0.6, intercept 2.2, SSE 2.4, sigma² = 2.4/3 = 0.8;
    (X'X)^-1 = [[55, -15], [-15, 5]] / 50, so se(slope) = sqrt(0.8 x 0.1) = 0.28284 and
    se(intercept) = sqrt(0.8 x 1.1) = 0.93808; SST = 6, R² = 0.6, adjusted 1 - 0.4 x 4/3 = 0.46667;
    F = 3.6 / 0.8 = 4.5 on (1, 3); t(slope) = 2.1213, whose two-sided p from the closed form of
    t(3) is 1 - 2 (atan(t/√3) + (t/√3)/(1 + t²/3)) / pi = 0.12403 (= the F-test p)."""
    X = np.column_stack([np.ones(5), [1, 2, 3, 4, 5]])
    f = ols(X, np.array([2, 4, 5, 4, 5.0]))
    assert_allclose(f.coef, [2.2, 0.6], rtol=1e-12)
    assert_allclose(f.stderr, [math.sqrt(0.88), math.sqrt(0.08)], rtol=1e-12)
    assert_allclose([f.r2, f.adj_r2, f.f], [0.6, 1 - 0.4 * 4 / 3, 4.5], rtol=1e-12)
    t = 0.6 / math.sqrt(0.08)
    p = 1 - 2 * (math.atan(t / math.sqrt(3)) + (t / math.sqrt(3)) / (1 + t * t / 3)) / math.pi
    assert_allclose([f.p[1], f.f_p], [p, p], rtol=1e-10)
    assert_allclose(p, 0.12403, atol=1e-5)
    # a new month at x = 6: sigma² (1 + 1/5 + (6 - 3)²/10) = 0.8 x 2.1 = 1.68
    assert_allclose(f.prediction_stderr(np.array([1, 6.0])), [math.sqrt(1.68)], rtol=1e-12)
    # two months at x = 6 and 7: sum = 2 a + 13 b, var = 0.8 (2 + [2, 13] (X'X)^-1 [2, 13]')
    #   = 0.8 (2 + (4 x 55 - 2 x 2 x 13 x 15 + 169 x 5) / 50) = 0.8 x 7.7 = 6.16
    assert_allclose(f.sum_stderr(np.array([[1, 6.0], [1, 7.0]])), math.sqrt(6.16), rtol=1e-12)


def _synthetic(seed, n=12, a=130.0, b=0.025, sd=12.0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(25_000, 50_000, n)
    return x, a + b * x + rng.normal(0, sd, n)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_a_known_model_is_recovered_within_its_standard_errors(seed):
    x, y = _synthetic(seed)
    f = ols(np.column_stack([np.ones(len(x)), x]), y)
    assert abs(f.coef[0] - 130.0) < 3 * f.stderr[0]
    assert abs(f.coef[1] - 0.025) < 3 * f.stderr[1]


def test_standard_errors_have_the_right_size():
    """Over 400 synthetic mills the slope is within one standard error of the truth about as
    often as t(10) says: P(|T| < 1) = 0.659. Too small or too large errors fail this."""
    inside = 0
    for seed in range(400):
        x, y = _synthetic(1000 + seed)
        f = ols(np.column_stack([np.ones(len(x)), x]), y)
        inside += abs(f.coef[1] - 0.025) < f.stderr[1]
    assert_allclose(1 - t_two_sided_p(1.0, 10), 0.659, atol=1e-3)
    assert 0.58 < inside / 400 < 0.74


# -- validity at its boundaries --------------------------------------------------------------

def test_validity_rules_at_their_boundaries():
    assert validity(0.5, 0.0999, {"production": 0.1999}) == (True, [])
    ok, why = validity(0.4999, 0.0999, {"production": 0.1999})
    assert not ok and why == ["R² = 0.4999 is below 0.5"]  # enough decimals to show it is below
    ok, why = validity(0.9, 0.10, {"production": 0.01})
    assert not ok and why == ["the F test's p-value 0.1 is not below 0.1"]
    ok, why = validity(0.9, 0.01, {"production": 0.01, "HDD": 0.2})
    assert not ok and why == ["HDD: p-value 0.2 is not below 0.2"]
    ok, why = validity(0.3, 0.5, {"production": 0.5})
    assert len(why) == 3
    ok, why = validity(float("nan"), float("nan"), {})
    assert not ok and "does not vary" in why[0]


# -- tracking by hand ------------------------------------------------------------------------

def test_savings_cusum_and_enpi_by_hand():
    """actual 100, 90, 95 against expected 100, 100, 100: savings 0, 10, 5; CUSUM of actual -
    expected 0, -10, -15; EnPI 1, 0.9, 0.95."""
    actual, expected = [100, 90, 95], [100, 100, 100]
    assert_allclose(savings(actual, expected), [0, 10, 5])
    assert_allclose(cusum(actual, expected), [0, -10, -15])
    assert_allclose(enpi(actual, expected), [1, 0.9, 0.95])
    assert math.isnan(enpi([1], [0])[0])


def _mill(energy_tce, output, periods, product="woven_fabric", unit="hm"):
    energy = pd.DataFrame({"period": periods, "item": "electricity",
                           "quantity": np.asarray(energy_tce) * KWH_PER_TCE, "unit": "kWh"})
    prod = pd.DataFrame({"period": periods, "item": product, "quantity": output, "unit": unit})
    return assess(Inventory.from_frames(energy=energy, production=prod, site={"year": 2024}))


def _months(year, n=12):
    return [f"{year}-{m:02d}" for m in range(1, n + 1)]


def test_tracking_of_an_exact_model_by_hand():
    """Baseline 2023: energy = 10 + 2 x output exactly. 2024-01: output 5, actual 19 -> expected 20,
    savings 1, CUSUM -1, EnPI 0.95; 2024-02: output 10, actual 31 -> expected 30, savings -1,
    CUSUM 0, EnPI 31/30."""
    x = np.arange(1.0, 13.0)
    a = _mill(list(10 + 2 * x) + [19, 31], list(x) + [5, 10], _months(2023) + ["2024-01", "2024-02"])
    r = energy_baseline(a, "2023-01..2023-12")
    m = r.model("total")
    assert m.terms == ["intercept", "production"] and m.units == ["tce", "tce/hm"]
    assert_allclose(m.fit.coef, [10, 2], rtol=1e-9)
    assert m.valid and m.fit.r2 == pytest.approx(1.0)
    t = r.tracking[r.tracking.item == "total"]
    assert list(t.period) == ["2024-01", "2024-02"]
    assert_allclose(t.expected, [20, 30], rtol=1e-9)
    assert_allclose(t.savings, [1, -1], atol=1e-8)
    assert_allclose(t.cusum, [-1, 0], atol=1e-8)
    assert_allclose(t.enpi, [19 / 20, 31 / 30], rtol=1e-9)
    s = r.summary.set_index("item").loc["total"]
    assert_allclose([s.actual, s.expected, s.savings], [50, 50, 0], atol=1e-8)


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_a_synthetic_mill_with_a_saving_project(seed):
    """True energy 130 tce + 0.025 tce/hm x output, noise sd 12 tce; from 2024-01 the mill uses
    5 % less. The fitted terms lie within 3 standard errors of the truth and the year's savings
    within 3 standard errors of the true saving."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(25_000, 50_000, 24)
    true = 130 + 0.025 * x
    noisy = true + rng.normal(0, 12, 24)
    actual = np.where(np.arange(24) >= 12, noisy * 0.95, noisy)
    r = energy_baseline(_mill(actual, x, _months(2023) + _months(2024)), "2023")
    f = r.model("total").fit
    assert abs(f.coef[0] - 130) < 3 * f.stderr[0] and abs(f.coef[1] - 0.025) < 3 * f.stderr[1]
    s = r.summary.set_index("item").loc["total"]
    true_saving = float(np.sum(noisy[12:] * 0.05))
    assert abs(s.savings - true_saving) < 3 * s.savings_stderr
    assert s.savings_ci90 > s.savings_stderr


def test_the_carriers_add_up_to_the_total():
    """Least squares is linear in y: with one design matrix the carriers' expected energies add up
    to the total's."""
    r = energy_baseline(assess(_sample_inventory()), "2023-01..2023-12")
    t = r.tracking.pivot(index="period", columns="item", values="expected")
    assert set(t.columns) == {"total", "steam", "natural_gas", "electricity"}
    assert_allclose(t[["steam", "natural_gas", "electricity"]].sum(axis=1), t["total"], rtol=1e-9)


def _sample_inventory():
    from greentex.io.workbook import read_workbook

    return read_workbook(SAMPLE)


def test_fewer_than_twelve_months_is_an_error():
    x = np.arange(1.0, 13.0)
    a = _mill(10 + 2 * x, x, _months(2023))
    with pytest.raises(GreentexError, match="has 11 month.*at least 12"):
        energy_baseline(a, "2023-02..2023-12")
    with pytest.raises(GreentexError, match="has 3 month"):
        energy_baseline(a, "2023-10..2024-03")


def test_periods():
    assert months_of("2023-01..2023-12") == _months(2023)
    assert months_of("2023") == _months(2023)
    assert months_of("Nov 2023..2024年2月") == ["2023-11", "2023-12", "2024-01", "2024-02"]
    for bad in ("2023-01", "2023-12..2023-01", "2023-13..2024-01", "x..y"):
        with pytest.raises(GreentexError):
            months_of(bad)


def test_production_drivers_for_several_products():
    """Products in different units: one driver per product; in one unit: their sum."""
    rng = np.random.default_rng(5)
    periods = _months(2023)
    woven, knit = rng.uniform(1e4, 3e4, 12), rng.uniform(100, 400, 12)
    energy = pd.DataFrame({"period": periods, "item": "electricity",
                           "quantity": (50 + 0.02 * woven + 0.9 * knit + rng.normal(0, 3, 12)) * KWH_PER_TCE,
                           "unit": "kWh"})
    prod = pd.DataFrame({"period": periods * 2, "item": ["woven_fabric"] * 12 + ["knit_fabric"] * 12,
                         "quantity": list(woven) + list(knit), "unit": ["hm"] * 12 + ["t"] * 12})
    site = {"year": 2023, "allocation": "woven_fabric: 0.5; knit_fabric: 0.5"}
    r = energy_baseline(assess(Inventory.from_frames(energy=energy, production=prod, site=site)), "2023")
    m = r.model("total")
    assert m.terms == ["intercept", "production:knit_fabric", "production:woven_fabric"]
    assert m.units == ["tce", "tce/t", "tce/hm"]
    assert_allclose(m.fit.coef[1:], [0.9, 0.02], rtol=0.1)
    same = prod.assign(item=["woven_fabric"] * 12 + ["silk_woven_fabric"] * 12, unit="hm")
    r = energy_baseline(assess(Inventory.from_frames(energy=energy, production=same, site=site | {
        "allocation": "woven_fabric: 0.5; silk_woven_fabric: 0.5"})), "2023")
    assert r.model("total").terms == ["intercept", "production"]
    assert_allclose(r.data.set_index("period")["production"], woven + knit)


def test_a_driver_that_never_changes_is_left_out():
    x = np.arange(1.0, 13.0)
    a = _mill(10 + 2 * x, x, _months(2023))
    from greentex.baseline import DriverTable
    drivers = DriverTable(pd.DataFrame({"Operating days": 26.0}, index=_months(2023)), {"Operating days": "d"})
    r = energy_baseline(a, "2023", drivers=drivers)
    assert r.model("total").terms == ["intercept", "production"]
    assert any("Operating days is the same" in i.message for i in r.issues)



def test_an_invalid_model_and_its_issues_in_a_chinese_report(tmp_path):
    """Energy alternating 5, 9, 5, 9 ... tce against output 1..12: output explains nothing, so the
    model fails every rule; a constant driver is left out. The Chinese report says both in Chinese."""
    from greentex.baseline import DriverTable
    from greentex.io.planning import write_baseline_report

    x = np.arange(1.0, 13.0)
    a = _mill([5.0, 9.0] * 6, x, _months(2023))
    drivers = DriverTable(pd.DataFrame({"Operating days": 26.0}, index=_months(2023)), {"Operating days": "d"})
    r = energy_baseline(a, "2023", drivers=drivers)
    m = r.model("total")
    assert not m.valid and [k for k, _ in m.reason_keys] == ["r2_low", "f_high", "driver_p_high"]
    assert m.why("en").startswith("R² = ") and "the F test's p-value" in m.why("en")
    out = tmp_path / "b.xlsx"
    write_baseline_report(r, out, lang="zh")
    wb = openpyxl.load_workbook(out)
    texts = {c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert any(t.startswith("总能耗模型：不符合 DOE EnPI 规则：R² = ") and "低于 0.5" in t and "F 检验的 p 值" in t
               and "production：p 值" in t for t in texts)
    assert "Operating days 在基准期每个月都相同（26）：无法解释任何变化，已从模型中剔除" in texts
    assert not any("is not below" in t or "is the same" in t for t in texts)


# -- the Drivers sheet -------------------------------------------------------------------------

def test_sample_drivers_sheet_and_out_of_range_flags():
    d = read_drivers(SAMPLE)
    assert list(d.values.columns) == ["Heating degree days"] and d.units == {"Heating degree days": "K*d"}
    assert len(d.values) == 24 and d.cells[("2023-01", "Heating degree days")] == "B2"
    from greentex.baseline import analyse_workbook
    r = analyse_workbook(SAMPLE, "2023-01..2023-12", "2024-01..2024-12")
    assert r.model("total").terms == ["intercept", "production", "Heating degree days"]
    assert r.model("total").units[2] == "tce/(K*d)"
    assert r.model("total").valid
    # 2024 output grows 3 %: months above the 2023 maximum are flagged
    hi = r.data.set_index("period").loc[r.baseline_months, "production"].max()
    above = r.data[(r.data.role == "reporting") & (r.data["production"] > hi)]["period"].tolist()
    assert above and r.out_of_range["period"].tolist() == above
    assert (r.out_of_range["driver"] == "production").all()
    # the sample's steam project (7 % of steam from 2024-04, about 538 tce) is found
    s = r.summary.set_index("item").loc["total"]
    assert abs(s.savings - 537.6) < 3 * s.savings_stderr
    assert not any("not recognised" in i.message for i in r.assessment.issues)


@pytest.mark.parametrize("header, cell, message", [
    (["period", "HDD"], "B1", "has no unit"),
    (["period", "HDD [blorbs]"], "B1", "unknown unit"),
    (["period", "production [t]"], "B1", "reserved"),
])
def test_bad_drivers_headers(make_workbook, header, cell, message):
    path = make_workbook({"Energy": [["period", "Electricity [kWh]"], ["2023-01", 1000]],
                          "Drivers": [header, ["2023-01", 12]]})
    with pytest.raises(GreentexError, match=message) as exc:
        read_drivers(path)
    assert exc.value.sheet == "Drivers" and exc.value.cell == cell


def test_text_in_a_driver_cell_names_the_cell(make_workbook):
    path = make_workbook({"Energy": [["period", "Electricity [kWh]"], ["2023-01", 1000]],
                          "驱动因素": [["月份", "HDD [K*d]"], ["2023-01", 12], ["2023-02", "lots"]]})
    with pytest.raises(GreentexError, match="'lots' is not a number") as exc:
        read_drivers(path)
    assert (exc.value.sheet, exc.value.cell) == ("驱动因素", "B3")


def test_a_missing_driver_in_a_baseline_month_is_an_error(make_workbook):
    rows = [["period", "Electricity [kWh]"]] + [[p, 1e5 + 1000 * i] for i, p in enumerate(_months(2023))]
    prod = [["period", "Woven fabric [hm]"]] + [[p, 1000 + 10 * i] for i, p in enumerate(_months(2023))]
    drivers = [["period", "HDD [K*d]"]] + [[p, (i * 37) % 11] for i, p in enumerate(_months(2023)[:-1])] + \
        [["2023-12", None]]
    path = make_workbook({"Energy": rows, "Production": prod, "Drivers": drivers})
    from greentex.baseline import analyse_workbook
    with pytest.raises(GreentexError, match="no value of 'HDD' for 2023-12") as exc:
        analyse_workbook(path, "2023")
    assert exc.value.sheet == "Drivers" and exc.value.cell == "B13"


# -- JSON, report, command line ------------------------------------------------------------------

def test_json_keys_and_strictness():
    from greentex.baseline import analyse_workbook
    doc = baseline_dict(analyse_workbook(SAMPLE, "2023-01..2023-12"))
    text = json.dumps(doc, allow_nan=False)
    assert "NaN" not in text
    b = doc["baseline"][0]
    assert b["item"] == "total"
    assert {"item", "terms", "r2", "adj_r2", "f_p", "valid", "reasons"} <= set(b)
    assert [t["term"] for t in b["terms"]] == ["intercept", "production", "Heating degree days"]
    assert set(b["terms"][0]) == {"term", "value", "unit", "stderr", "p"}
    row = doc["tracking"][0]
    assert {"period", "item", "actual", "expected", "savings", "cusum", "unit"} <= set(row)
    assert set(row) == {"period", "item", "actual", "expected", "savings", "savings_stderr", "cusum", "enpi", "unit"}
    assert {r["item"] for r in doc["tracking"]} == {m["item"] for m in doc["baseline"]}
    assert doc["savings"][0]["item"] == "total" and doc["out_of_range"]


def test_report_has_the_baseline_sheet_and_two_charts(tmp_path):
    from greentex.baseline import analyse_workbook
    from greentex.io.planning import write_baseline_report
    r = analyse_workbook(SAMPLE, "2023-01..2023-12")
    for lang, names in (("en", ["Baseline", "Model data", "Data issues", "About"]),
                        ("zh", ["能源基准", "模型数据", "数据问题", "关于"])):
        out = tmp_path / f"b_{lang}.xlsx"
        write_baseline_report(r, out, lang=lang)
        wb = openpyxl.load_workbook(out)
        assert wb.sheetnames == names
        ws = wb[names[0]]
        assert len(ws._charts) == 2
        texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert any("537" in t or "tce" in t for t in texts)


def test_cli_baseline(tmp_path):
    runner = CliRunner()
    out, js = tmp_path / "b.xlsx", tmp_path / "b.json"
    res = runner.invoke(cli, ["baseline", str(SAMPLE), "--baseline-period", "2023-01..2023-12", "-o", str(out),
                              "--json", str(js)])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0] == "baseline 2023-01..2023-12 (12 months), drivers: production [hm], Heating degree days [K*d]"
    assert lines[1].startswith("total: ") and lines[1].endswith(": valid")
    assert any(line.startswith("electricity: ") and "not valid" in line for line in lines)
    assert any(line.startswith("total 12 months: actual") for line in lines)
    assert lines[-1] == f"wrote {out} and {js}"
    doc = json.loads(js.read_text())
    assert set(doc) >= {"baseline", "tracking", "savings", "out_of_range", "issues", "input"}
    assert out.exists()


@pytest.mark.parametrize("args, message", [
    (["--baseline-period", "2023-06..2023-12"], "has 7 month(s) of energy data; a baseline needs at least 12"),
    (["--baseline-period", "2023"], None),
    (["--baseline-period", "last year"], "is not FROM..TO"),
])
def test_cli_baseline_errors(tmp_path, args, message):
    res = CliRunner().invoke(cli, ["baseline", str(SAMPLE), "-o", str(tmp_path / "b.xlsx")] + args)
    if message is None:
        assert res.exit_code == 0
        return
    assert res.exit_code == 2
    assert message in res.output and len(res.output.strip().splitlines()) == 1
    assert not (tmp_path / "b.xlsx").exists()


def test_cli_baseline_help():
    res = CliRunner().invoke(cli, ["baseline", "--help"])
    assert res.exit_code == 0 and "--baseline-period" in res.output
