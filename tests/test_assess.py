"""assess() end to end: one month of a woven-fabric mill worked by hand, and invariants."""

import math

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck
from numpy.testing import assert_allclose

from greentex.assessment import Options, assess
from greentex.errors import GreentexError
from greentex.inventory import Inventory


def test_one_month_of_a_woven_mill_by_hand(woven_month):
    """2024-01, grid east; a 2024 report uses data year 2022 factors (0.5617 location,
    0.5856 national residual).

    energy  electricity 150 万kWh = 1 500 000 kWh x 0.1229 kgce/kWh = 184.35 tce
            natural gas 20 万m3 = 200 000 m3 x 1.3300 kgce/m3     = 266.00 tce
            steam 6 000 t x 0.1286 kgce/kg = 6 000 x 128.6 kgce      = 771.60 tce
            total                                                  = 1 221.95 tce
    output  400 万米 = 4 000 000 m = 40 000 hm -> 1 221 950 / 40 000 = 30.54875 kgce/100 m
    GHG     electricity 1 500 000 kWh x 0.5617 kg/kWh = 842.55 t (market 0.5856: 878.40 t)
            gas (Chinese guideline table for a CN site) 200 000 m3 x 389.31 GJ/10^4 m3 = 7 786.2 GJ
                x 15.3 tC/TJ x 0.99 x 44/12 = 7 786.2 x 0.0153 x 0.99 x 3.666667 = 432.437762 t
            steam 6 000 t x 3.763 GJ/t = 22 578 GJ x 0.11 tCO2/GJ = 2 483.58 t
            soda ash 3 t x 0.4152 = 1.2456 t
            wastewater 45 000 m3 x 1 900 g/m3 = 85 500 kg COD x 0.25 x 0.8 = 17 100 kg CH4 x 28 (AR5)
                       = 478.8 t
            scope 1 = 432.437762 + 1.2456 + 478.8 = 912.483362; scope 2 = 842.55 + 2 483.58 = 3 326.13
            total (location) = 4 238.613362 t -> / 40 000 hm = 105.96533405 kgCO2e/100 m
    water   reuse 30 000 / (30 000 + 50 000) = 37.5 %; intake 50 000 / 40 000 = 1.25 m3/100 m
    """
    a = assess(Inventory.from_frames(**woven_month))
    v = a.value
    assert_allclose(v("energy", "electricity"), 184.35)
    assert_allclose(v("energy", "natural_gas"), 266.0)
    assert_allclose(v("energy", "steam"), 771.6)
    assert_allclose(v("energy"), 1221.95)
    assert_allclose(v("energy_content"), 1_500_000 * 0.0036 + 7786.2 + 22_578)
    assert_allclose(v("production", "woven_fabric"), 40_000)
    assert_allclose(v("energy_intensity", "woven_fabric"), 30.54875)
    assert a.unit("energy_intensity", "woven_fabric") == "kgce/hm"
    assert_allclose(v("ghg", "electricity"), 842.55)
    assert_allclose(v("ghg", "electricity_market"), 878.40)
    assert_allclose(v("ghg", "combustion:natural_gas"), 432.437762)
    assert_allclose(v("ghg", "heat"), 2483.58)
    assert_allclose(v("ghg", "carbonate"), 1.2456)
    assert_allclose(v("ghg", "wastewater_ch4"), 478.8)
    assert_allclose(v("ghg", "scope1"), 912.483362)
    assert_allclose(v("ghg", "scope2_location"), 3326.13)
    assert_allclose(v("ghg", "scope2_market"), 878.40 + 2483.58)
    assert_allclose(v("ghg", "total_location"), 4238.613362)
    assert_allclose(v("ghg_intensity", "woven_fabric"), 105.96533405)
    assert_allclose(v("water_reuse_rate"), 37.5)
    assert_allclose(v("water_intensity", "woven_fabric"), 1.25)
    assert_allclose(v("chemicals"), 3800)
    assert_allclose(v("chemicals", "class:basic"), 3000)
    assert [i.message for i in a.issues] == [  # January of the Site year: the monthly run, no warning
        "year to date: the data run from 2024-01 to 2024-01 (1 of the 12 months of 2024); the months still to come "
        "are not missing, and every 2024 figure is the year to date"]


def test_every_factor_used_is_listed_with_its_status(woven_month):
    a = assess(Inventory.from_frames(**woven_month))
    f = a.factors.set_index(["item", "parameter"])
    assert f.loc[("electricity", "coefficient"), "value"] == 0.1229
    assert f.loc[("electricity", "grid_factor_location"), "value"] == 0.5617
    assert set(a.factors["status"]) <= {"primary", "secondary", "derived", "user"}
    assert (a.factors["source"] != "").all()
    assert not a.factors["overridden"].any()


def test_supplier_ncv_overrides_the_gas_coefficient(woven_month):
    """NCV 356 GJ/万Nm3 = 0.0356 GJ/m3 = 35.6 MJ/m3 -> 35.6 / 29.307 = 1.214727 kgce/m3;
    200 000 m3 -> 242.945 tce; CO2 = 200 000 x 0.0356 x 0.0153 x 0.99 x 44/12 = 395.43768 t (carbon
    content and oxidation still from the Chinese guideline table)."""
    factors = pd.DataFrame([{"item": "天然气", "parameter": "ncv", "value": 356, "unit": "GJ/万Nm3",
                             "source": "gas quality certificate"}])
    a = assess(Inventory.from_frames(**woven_month, factors=factors))
    assert_allclose(a.value("energy", "natural_gas"), 200_000 * 35.6 / 29.307 / 1000)
    assert_allclose(a.value("ghg", "combustion:natural_gas"), 395.43768)
    over = a.factors[a.factors["overridden"]]
    assert set(over["parameter"]) == {"coefficient", "ncv"} and set(over["status"]) == {"user"}


def test_primary_energy_method_needs_a_coefficient(woven_month):
    inv = Inventory.from_frames(**woven_month)
    with pytest.raises(GreentexError, match="primary-energy method needs"):
        assess(inv, options=Options(electricity_method="primary"))
    a = assess(inv, options=Options(electricity_method="primary", primary_coefficient=0.3))
    # 1 500 000 kWh x 0.3 kgce/kWh = 450 tce
    assert_allclose(a.value("energy", "electricity"), 450.0)


def test_gwp_set_changes_wastewater_ch4(woven_month):
    inv = Inventory.from_frames(**woven_month)
    # 17 100 kg CH4: AR6 non-fossil 27.0 -> 461.7 t; SAR 21 -> 359.1 t
    assert_allclose(assess(inv, options=Options(gwp="AR6")).value("ghg", "wastewater_ch4"), 461.7)
    assert_allclose(assess(inv, options=Options(gwp="SAR")).value("ghg", "wastewater_ch4"), 359.1)


def test_grid_choice_and_year(woven_month):
    inv = Inventory.from_frames(**woven_month)
    # carbon market 0.5703 tCO2/MWh x 1 500 MWh = 855.45 t
    assert_allclose(assess(inv, options=Options(grid="carbon_market")).value("ghg", "electricity"), 855.45)
    # Jiangsu 2021: 0.6451 x 1 500 = 967.65 t
    assert_allclose(assess(inv, options=Options(grid="jiangsu:2021")).value("ghg", "electricity"), 967.65)
    with pytest.raises(GreentexError, match="unknown grid 'mars'"):
        assess(inv, options=Options(grid="mars"))


def test_exports_and_green_electricity():
    """grid 100 000 kWh, green 20 000 kWh, export 5 000 kWh, national 2022 (0.5366; residual 0.5856).
    energy: (100 000 + 20 000 - 5 000) x 0.1229 = 14.1335 tce
    location: (100 000 + 20 000 - 5 000) x 0.5366 = 61.709 t; market: (100 000 - 5 000) x 0.5856 = 55.632 t"""
    energy = pd.DataFrame({"period": ["2024-03"] * 3, "item": ["electricity", "green_electricity", "上网电量"],
                           "quantity": [100_000, 20_000, 5_000], "unit": ["kWh"] * 3})
    a = assess(Inventory.from_frames(energy=energy, site={"year": 2024}))
    assert_allclose(a.value("energy"), 14.1335)
    assert_allclose(a.value("ghg", "scope2_location"), 61.709)
    assert_allclose(a.value("ghg", "scope2_market"), 55.632)


def test_missing_carbon_content_is_not_a_silent_zero():
    """The IPCC table shipped has no coke row: no silent zero."""
    energy = pd.DataFrame({"period": ["2024-01"], "item": ["coke"], "quantity": [10], "unit": ["t"]})
    a = assess(Inventory.from_frames(energy=energy, site={"year": 2024}),
               options=Options(combustion_defaults="ipcc"))
    assert_allclose(a.value("energy"), 10 * 971.4 / 1000)  # 0.9714 kgce/kg
    assert math.isnan(a.value("ghg", "combustion:coke"))
    assert math.isnan(a.value("ghg", "scope1"))
    assert any("combustion CO2 of coke not computed" in i.message for i in a.issues)


def test_zero_production_gives_null_intensity_and_a_warning():
    energy = pd.DataFrame({"period": ["2024-01", "2024-02"], "item": ["electricity"] * 2,
                           "quantity": [1000, 1000], "unit": ["kWh"] * 2})
    prod = pd.DataFrame({"period": ["2024-01", "2024-02"], "item": ["knit_fabric"] * 2,
                         "quantity": [10, 0], "unit": ["t"] * 2})
    a = assess(Inventory.from_frames(energy=energy, production=prod, site={"year": 2024}))
    m = a.metrics
    feb = m[(m.metric == "energy_intensity") & (m.period == "2024-02")]["value"].iloc[0]
    assert math.isnan(feb)
    # total: 2 000 kWh x 0.1229 = 245.8 kgce = 0.2458 tce over 10 t
    assert_allclose(a.value("energy_intensity", "knit_fabric"), 0.02458)
    assert any("no production in 2024-02" in i.message for i in a.issues)


def test_several_products_by_tag_and_allocation():
    """Steam tagged to knit: 100 t x 128.6 kgce/t = 12.86 tce; untagged electricity 100 000 kWh =
    12.29 tce shared 60/40. woven: 0.6 x 12.29 = 7.374 tce / 1 000 hm = 7.374 kgce/hm;
    knit: 12.86 + 0.4 x 12.29 = 17.776 tce / 50 t = 0.35552 tce/t."""
    energy = pd.DataFrame({"period": ["2024-01"] * 2, "item": ["steam", "electricity"],
                           "quantity": [100, 100_000], "unit": ["t", "kWh"], "product": ["knit_fabric", None]})
    prod = pd.DataFrame({"period": ["2024-01"] * 2, "item": ["woven_fabric", "knit_fabric"],
                         "quantity": [1000, 50], "unit": ["hm", "t"]})
    site = {"year": 2024, "allocation": "woven_fabric: 0.6; knit_fabric: 0.4"}
    a = assess(Inventory.from_frames(energy=energy, production=prod, site=site))
    assert_allclose(a.value("energy_intensity", "woven_fabric"), 7.374)
    assert_allclose(a.value("energy_intensity", "knit_fabric"), 0.35552)
    zh = assess(Inventory.from_frames(energy=energy, production=prod,
                                      site={"year": 2024, "分摊": "纯棉机织布：60%；针织物：40%"}))
    assert_allclose(zh.value("energy_intensity", "woven_fabric"), 7.374)
    no_alloc = assess(Inventory.from_frames(energy=energy, production=prod, site={"year": 2024}))
    assert math.isnan(no_alloc.value("energy_intensity", "woven_fabric"))
    assert any("cannot be shared" in i.message for i in no_alloc.issues)


# -- invariants ----------------------------------------------------------------------------

ITEMS = ["electricity", "natural_gas", "steam", "diesel"]
UNITS = {"electricity": ["kWh", "MWh", "万kWh"], "natural_gas": ["m3", "万m³", "Nm3"],
         "steam": ["t", "kg"], "diesel": ["t", "kg"]}
SCALE = {"kWh": 1, "MWh": 1e-3, "万kWh": 1e-4, "m3": 1, "万m³": 1e-4, "Nm3": 1, "t": 1, "kg": 1000}

rows = st.lists(st.tuples(st.sampled_from(ITEMS), st.integers(1, 12),
                          st.floats(0, 1e7, allow_nan=False), st.integers(0, 2)), min_size=1, max_size=30)


def _frame(data, unit_choice=None):
    out = []
    for item, month, qty, u in data:
        units = UNITS[item]
        unit = units[(u if unit_choice is None else unit_choice) % len(units)]
        out.append({"period": f"2024-{month:02d}", "item": item, "quantity": qty * SCALE[unit], "unit": unit})
    return pd.DataFrame(out)


def _totals(frame):
    prod = pd.DataFrame({"period": sorted(set(frame["period"])), "item": "woven_fabric", "quantity": 1000.0,
                         "unit": "hm"})
    a = assess(Inventory.from_frames(energy=frame, production=prod, site={"year": 2024}))
    return a.metrics.set_index(["metric", "item", "period"])["value"].sort_index()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows)
def test_same_quantity_in_any_unit_gives_the_same_result(data):
    base = _totals(_frame(data, unit_choice=0))
    for choice in (1, 2):
        other = _totals(_frame(data, unit_choice=choice))
        pd.testing.assert_series_equal(base, other, rtol=1e-9, atol=1e-9)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows, st.randoms())
def test_splitting_and_reordering_rows_changes_nothing(data, rnd):
    frame = _frame(data)
    split = frame.loc[frame.index.repeat(2)].copy()
    split["quantity"] = split["quantity"] / 2
    split = split.sample(frac=1, random_state=rnd.randint(0, 2**31))
    pd.testing.assert_series_equal(_totals(frame), _totals(split), rtol=1e-9, atol=1e-6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows)
def test_total_equals_the_sum_of_the_months(data):
    t = _totals(_frame(data)).reset_index()
    extensive = t[t.metric.isin(["energy", "energy_content", "ghg", "production"])]
    months = extensive[extensive.period.str.len() == 7].groupby(["metric", "item"])["value"].sum()
    for period in ("total", "2024"):  # one calendar year: its row is the total too
        total = extensive[extensive.period == period].set_index(["metric", "item"])["value"]
        pd.testing.assert_series_equal(months.sort_index(), total.sort_index(), check_names=False, rtol=1e-9)


activity_rows = st.lists(st.tuples(st.sampled_from(["energy", "water"]), st.sampled_from(["a", "b", "c"]),
                                   st.sampled_from(["kWh", "t"]), st.integers(1, 4), st.sampled_from(["", "knit"]),
                                   st.floats(0, 1e6, allow_nan=False)), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(activity_rows)
def test_monthly_lines_are_a_plain_group_sum(data):
    """aggregate() sums on integer codes; a pandas groupby over the same keys must agree on every
    line, its row count and its first cell."""
    from greentex.assessment import aggregate

    act = pd.DataFrame(data, columns=["domain", "item", "unit", "period", "product", "quantity"])
    act["period"] = "2024-0" + act["period"].astype(str)
    act["sheet"], act["cell"] = "S", [f"C{i}" for i in range(len(act))]
    keys = ["domain", "item", "unit", "period", "product"]
    want = act.groupby(keys, sort=True, as_index=False).agg(
        quantity=("quantity", "sum"), rows=("quantity", "size"), cell=("cell", "first"))
    got = aggregate(act)
    pd.testing.assert_frame_equal(got[keys + ["quantity", "rows"]], want[keys + ["quantity", "rows"]],
                                  check_dtype=False, rtol=1e-12)
    assert [c.split("!")[1].split(" ")[0] for c in got["cells"]] == list(want["cell"])
