"""Calendar years, 同比 / 环比 and the year to date (greentex.periods, greentex.comparisons)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from numpy.testing import assert_allclose

from greentex.assessment import Options, assess
from greentex.errors import GreentexError
from greentex.inventory import Inventory
from greentex.periods import PeriodIndex, month_range, shift


def _months(year, n=12):
    return [f"{year}-{m:02d}" for m in range(1, n + 1)]


def _mill(months, kwh, gas_m3, output_hm, intake, reused, soda_kg, year):
    """A woven mill: electricity, natural gas, water, soda ash and output per month."""
    n = len(months)
    energy = pd.DataFrame({"period": months * 2, "item": ["electricity"] * n + ["natural_gas"] * n,
                           "quantity": list(kwh) + list(gas_m3), "unit": ["kWh"] * n + ["m3"] * n})
    water = pd.DataFrame({"period": months * 2, "item": ["tap_water"] * n + ["reused_water"] * n,
                          "quantity": list(intake) + list(reused), "unit": ["m3"] * (2 * n)})
    chem = pd.DataFrame({"period": months, "item": "soda_ash", "quantity": list(soda_kg), "unit": "kg"})
    prod = pd.DataFrame({"period": months, "item": "woven_fabric", "quantity": list(output_hm), "unit": "hm"})
    return Inventory.from_frames(energy=energy, water=water, chemicals=chem, production=prod,
                                 site={"year": year, "enterprise": "existing"})


def _two_years():
    rng = np.random.default_rng(7)
    months = _months(2023) + _months(2024)
    cols = [rng.uniform(8e4, 1.5e5, 24), rng.uniform(1e4, 3e4, 24), rng.uniform(800, 1200, 24),
            rng.uniform(2e4, 4e4, 24), rng.uniform(5e3, 2e4, 24), rng.uniform(500, 900, 24)]
    whole = _mill(months, *cols, year=2024)
    first = _mill(months[:12], *(c[:12] for c in cols), year=2023)
    second = _mill(months[12:], *(c[12:] for c in cols), year=2024)
    return whole, first, second


def test_a_two_year_workbook_gives_each_year_what_a_one_year_workbook_gives():
    """Every figure of 2023 and of 2024 (sums, recomputed ratios, verdicts; grid factor of data
    year 2021 for 2023 and 2022 for 2024) equals the 'total' of a workbook holding that year alone."""
    whole, first, second = _two_years()
    a = assess(whole)
    for year, part in (("2023", first), ("2024", second)):
        b = assess(part)
        base = b.metrics[(b.metrics.period == "total") & ~b.metrics.metric.str.contains("_last_|_pct")]
        got = a.metrics[a.metrics.period == year].set_index(["metric", "item"])["value"]
        want = base.set_index(["metric", "item"])["value"]
        assert len(want) >= 27
        pd.testing.assert_series_equal(got.reindex(want.index), want, rtol=1e-12, check_names=False)
        va = a.benchmarks[a.benchmarks.period == year].set_index(["benchmark", "metric", "item"])["verdict"]
        vb = b.benchmarks[b.benchmarks.period == "total"].set_index(["benchmark", "metric", "item"])["verdict"]
        assessed = vb[vb != "not assessed"]
        assert len(assessed) and (va.reindex(assessed.index) == assessed).all()
    assert a.site["grid_used_by_year"] == {"2023": {"grid": "national", "year": 2021, "basis": "national"},
                                           "2024": {"grid": "national", "year": 2022, "basis": "national"}}
    # the total stays: two years' energy together, and a note says the workbook spans two years
    assert_allclose(a.value("energy"), assess(first).value("energy") + assess(second).value("energy"))
    notes = [i for i in a.issues if i.key == "several_years"]
    assert len(notes) == 1 and notes[0].severity == "note" and "2023, 2024" in notes[0].message


def test_year_option_reports_one_year():
    whole, _, second = _two_years()
    a = assess(whole, options=Options(year=2024))
    assert set(a.metrics.period) == set(_months(2024)) | {"2024", "total"}
    assert_allclose(a.value("energy"), assess(second).value("energy"))
    # the months of 2023 still give the comparison with last year
    assert not np.isnan(a.value("energy_yoy_pct", "total", "2024"))
    assert not any(i.key == "several_years" for i in a.issues)
    with pytest.raises(GreentexError, match="no data for 2022"):
        assess(whole, options=Options(year=2022))


def _ytd_mill():
    """2023 whole year: 100 000 kWh and 1 000 hm a month; 2024 January to March: 110 000,
    110 000, 120 000 kWh and 1 000, 1 000, 1 200 hm."""
    months = _months(2023) + _months(2024, 3)
    kwh = [100_000] * 12 + [110_000, 110_000, 120_000]
    out = [1000] * 12 + [1000, 1000, 1200]
    energy = pd.DataFrame({"period": months, "item": "electricity", "quantity": kwh, "unit": "kWh"})
    prod = pd.DataFrame({"period": months, "item": "woven_fabric", "quantity": out, "unit": "hm"})
    return energy, prod


def test_yoy_and_mom_by_hand():
    """energy 2024-03: 120 000 kWh x 0.1229 kgce/kWh = 14.748 tce; 2023-03: 12.29 tce
       -> 同比 (14.748 - 12.29) / 12.29 = +20 %; 2024-02: 13.519 tce -> 环比 120/110 - 1 = +9.0909 %
    year to date 2024 (Jan-Mar): 340 000 kWh = 41.786 tce; Jan-Mar 2023: 300 000 kWh = 36.87 tce
       -> +13.333 %
    intensity YTD 2024: 41 786 kgce / 3 200 hm = 13.058125 kgce/hm (not the mean of the monthly
       13.519, 13.519, 12.29 = 13.1093); 2023 Jan-Mar: 36 870 / 3 000 = 12.29 -> +6.25 %
    GHG location 2024-03: 120 MWh x 0.5366 (national, data year 2022) = 64.392 t;
       2023-03: 100 MWh x 0.5568 (data year 2021) = 55.68 t -> 64.392 / 55.68 - 1 = +15.6466 %"""
    energy, prod = _ytd_mill()
    a = assess(Inventory.from_frames(energy=energy, production=prod, site={"year": 2024}), options=Options(year=2024))
    v = a.value
    assert_allclose(v("energy", "total", "2024-03"), 14.748)
    assert_allclose(v("energy_last_year", "total", "2024-03"), 12.29)
    assert_allclose(v("energy_yoy_pct", "total", "2024-03"), 20.0)
    assert_allclose(v("energy_last_month", "total", "2024-03"), 13.519)
    assert_allclose(v("energy_mom_pct", "total", "2024-03"), 100 * (120 / 110 - 1))
    assert_allclose(v("energy", "total", "2024"), 41.786)
    assert_allclose(v("energy_last_year", "total", "2024"), 36.87)
    assert_allclose(v("energy_yoy_pct", "total", "2024"), 100 * (340 / 300 - 1))
    assert_allclose(v("energy_intensity", "woven_fabric", "2024"), 13.058125)
    assert_allclose(v("energy_intensity_last_year", "woven_fabric", "2024"), 12.29)
    assert_allclose(v("energy_intensity_yoy_pct", "woven_fabric", "2024"), 6.25)
    assert_allclose(v("ghg", "total_location", "2024-03"), 64.392)
    assert_allclose(v("ghg_last_year", "total_location", "2024-03"), 55.68)
    assert_allclose(v("ghg_yoy_pct", "total_location", "2024-03"), 100 * (64.392 / 55.68 - 1))
    assert_allclose(v("production_yoy_pct", "woven_fabric", "2024-03"), 20.0)
    # 2024-01 has no month before it in the report, but 2023-12 is in the input
    assert_allclose(v("energy_mom_pct", "total", "2024-01"), 10.0)
    assert a.unit("energy_yoy_pct") == "percent"


def test_previous_workbook_gives_last_year():
    """A mill that keeps one workbook per year: 2024's figures with 2023's as --previous equal
    the one two-year workbook's, and 2023 is not reported."""
    energy, prod = _ytd_mill()
    cur = energy.period >= "2024"
    inv = Inventory.from_frames(energy=energy[cur], production=prod[prod.period >= "2024"], site={"year": 2024})
    prev = Inventory.from_frames(energy=energy[~cur], production=prod[prod.period < "2024"], site={"year": 2023})
    a = assess(inv, previous=prev)
    assert not (a.metrics.period.str.startswith("2023")).any()
    assert_allclose(a.value("energy_yoy_pct", "total", "2024"), 100 * (340 / 300 - 1))
    assert_allclose(a.value("energy"), 41.786)
    without = assess(inv)
    assert "energy_yoy_pct" not in set(without.metrics.metric)


def test_no_comparison_with_an_incomplete_year_before():
    """2024 Jan-Mar against a previous year that lacks February: no 同比 for the year to date or
    for February; January and March still have theirs."""
    energy, prod = _ytd_mill()
    keep = energy.period != "2023-02"
    a = assess(Inventory.from_frames(energy=energy[keep], production=prod[prod.period != "2023-02"]),
               options=Options(year=2024))
    assert a.figure("energy_yoy_pct", "total", "2024") is None
    assert a.figure("energy_yoy_pct", "total", "2024-02") is None
    assert_allclose(a.value("energy_yoy_pct", "total", "2024-03"), 20.0)


def test_shift_and_month_range():
    assert shift("2024-01", -1) == "2023-12" and shift("2024-03", -12) == "2023-03"
    assert month_range("2023-11", "2024-02") == ["2023-11", "2023-12", "2024-01", "2024-02"]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(2022, 2024), st.integers(1, 12), st.floats(0, 1e6, allow_nan=False)),
                min_size=1, max_size=30, unique_by=lambda t: t[:2]))
def test_years_add_up_to_the_total(data):
    """The years' sums are the total; a year's sum is the sum of its months."""
    months = [f"{y}-{m:02d}" for y, m, _ in data]
    values = np.array([v for *_, v in data])
    P = PeriodIndex(months)
    order = np.argsort(months)
    sums, present = P.rollup(values[order][None, :])
    by = dict(zip(P.labels, sums[0][: len(P.labels)]))
    assert_allclose(sum(by[y] for y in P.years), by["total"], rtol=1e-9)
    for y in P.years:
        assert_allclose(by[y], sum(v for yy, _, v in data if str(yy) == y), rtol=1e-9)
