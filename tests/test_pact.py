"""PACT ProductFootprints: values worked by hand, the mill's totals recovered, the schema, the
lifecycle across exports, and the errors a user can fix."""

import datetime as dt
import json
import uuid
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st
from numpy.testing import assert_allclose

from greentex import pact
from greentex.assessment import Options, assess
from greentex.cli import cli
from greentex.errors import GreentexError
from greentex.io.workbook import read_workbook

from conftest import write_workbook

SAMPLES = sorted((Path(__file__).parent.parent / "samples").glob("*.xlsx"))
SCHEMA = json.loads((Path(pact.__file__).parent / "pact_schema.json").read_text(encoding="utf-8"))
NOW = dt.datetime(2025, 3, 1, 8, 30, tzinfo=dt.timezone.utc)


DQRS = ("technologicalDQR", "temporalDQR", "geographicalDQR", "completenessDQR", "reliabilityDQR")
O_STAR = ("pCfIncludingBiogenic", "dLucGhgEmissions", "landManagementGhgEmissions", "otherBiogenicGhgEmissions",
          "biogenicCarbonWithdrawal", "biogenicAccountingMethodology", "primaryDataShare", "dqi")


def validate(items):
    jsonschema.Draft202012Validator(SCHEMA).validate(items)


def two_products(path, *, kwh=100_000, electricity_unit="kWh", site_extra=(), products=None, months=("2024-01",),
                 production=None, energy_months=None):
    """Electricity (user market factor 0.5 kgCO2/kWh) and 10 t soda ash, untagged, each month;
    1000 hm woven (20 kg per 100 m) and 20 t knit a month; Site shares 0.6 / 0.4."""
    site = [("key", "value"), ("name", "Test Mill"), ("统一社会信用代码", "91320500MA00000009"),
            ("province", "江苏"), ("allocation", "woven_fabric: 0.6; knit_fabric: 0.4"), *site_extra]
    factor = 1000 if electricity_unit == "MWh" else 1
    energy = [("period", "item", "quantity", "unit")] + [(m, "electricity", kwh / factor, electricity_unit)
                                                          for m in energy_months or months]
    chemicals = [("period", "item", "quantity", "unit")] + [(m, "soda_ash", 10, "t") for m in months]
    production = [("period", "item", "quantity", "unit")] + (production or [
        row for m in months for row in ((m, "woven_fabric", 1000, "hm"), (m, "knit_fabric", 20, "t"))])
    sheets = {"Site": site, "Energy": energy, "Chemicals": chemicals, "Production": production,
              "Factors": [("item", "parameter", "value", "unit", "source"),
                          ("electricity", "market_factor", 0.5, "kgCO2/kWh", "supplier contract 2024")]}
    sheets["产品信息"] = products if products is not None else [
        ("产品类别", "产品名称", "百米重 [kg/hm]"), ("机织物", "府绸", 20)]
    return write_workbook(path, sheets)


def footprints_of(path, **kw):
    return pact.footprints(assess(read_workbook(path), options=kw.pop("options", None)), now=NOW, **kw)


def test_two_products_by_hand(tmp_path):
    """Scope 1 + 2 (market) of 2024-01: electricity 100 000 kWh x 0.5 kgCO2/kWh (supplier, user
    factor: primary) = 50 t; soda ash 10 t x 0.4152 tCO2/t (bundled: secondary) = 4.152 t; mill
    total 54.152 t. Shares 0.6 / 0.4 (Site allocation):
      woven 0.6 x 54.152 = 32.4912 t over 1000 hm x 20 kg/hm = 20 000 kg -> 1.62456 kgCO2e/kg
      knit  0.4 x 54.152 = 21.6608 t over 20 t = 20 000 kg               -> 1.08304 kgCO2e/kg
    primary data share 50 / 54.152 = 92.33269... % for both; nothing biogenic."""
    items = footprints_of(two_products(tmp_path / "m.xlsx"))
    by = {pf["productNameCompany"]: pf for pf in items}
    assert set(by) == {"府绸", "knit_fabric"}
    woven, knit = by["府绸"]["pcf"], by["knit_fabric"]["pcf"]
    assert_allclose(float(woven["pCfExcludingBiogenic"]), 1.62456)
    assert_allclose(float(knit["pCfExcludingBiogenic"]), 1.08304)
    for c in (woven, knit):
        assert c["declaredUnit"] == "kilogram" and c["unitaryProductAmount"] == "1"
        assert c["fossilGhgEmissions"] == c["pCfIncludingBiogenic"] == c["pCfExcludingBiogenic"]
        assert_allclose(c["primaryDataShare"], 100 * 50 / 54.152)
        assert c["geographyCountrySubdivision"] == "CN-JS" and "geographyCountry" not in c
        assert (c["referencePeriodStart"], c["referencePeriodEnd"]) == ("2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z")
    # the consistency the brands rely on: footprint x kg over the products = the mill's total
    assert_allclose(float(woven["pCfExcludingBiogenic"]) * 20_000 + float(knit["pCfExcludingBiogenic"]) * 20_000,
                    54_152.0)
    assert by["knit_fabric"]["companyIds"] == ["urn:pact:company:customcode:vendor-assigned:91320500MA00000009"]
    assert by["knit_fabric"]["productCategoryCpc"] == "281"
    validate(items)


def test_one_footprint_per_product_and_year_and_totals_per_year(tmp_path):
    """Two months in two years: the same month values each year, so each year's footprint is
    the hand value above, and the years are never summed."""
    items = footprints_of(two_products(tmp_path / "m.xlsx", months=("2023-12", "2024-01")))
    years = sorted((pf["productNameCompany"], pf["pcf"]["referencePeriodStart"][:4]) for pf in items)
    assert years == [("knit_fabric", "2023"), ("knit_fabric", "2024"), ("府绸", "2023"), ("府绸", "2024")]
    assert len({pf["id"] for pf in items}) == 4
    for pf in items:
        expected = 1.62456 if pf["productNameCompany"] == "府绸" else 1.08304
        assert_allclose(float(pf["pcf"]["pCfExcludingBiogenic"]), expected)


# the samples' products: name in the export -> (category, kg per unit of output, from the
# Products sheets: 210 g/m2 x 1.48 m x 100 m = 31.08 kg; 120 g/m2 x 1.5 m x 100 m = 18 kg; 16.5 kg
# per 100 m as given; 1 t = 1000 kg)
SAMPLE_PRODUCTS = {
    "baseline_mill_2023_2024.xlsx": {"Cotton twill, dyed": ("woven_fabric", 210 * 1.48 * 100 / 1000)},
    "jiangsu_woven_dyeing_2024.xlsx": {"全棉府绸染色布": ("woven_fabric", 120 * 1.5 * 100 / 1000)},
    "knit_dyeing_2024.xlsx": {"knit_fabric": ("knit_fabric", 1000)},
    "multi_product_2024.xlsx": {"Poplin, dyed": ("woven_fabric", 16.5), "Single jersey, dyed": ("knit_fabric", 1000)},
}


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_every_sample_sums_back_to_the_mills_market_total(sample):
    """Per year: sum over products of footprint [kgCO2e/kg] x output [kg] = the mill's scope 1 +
    market-based scope 2 of that year's months [t] x 1000; and every export fits the schema."""
    a = assess(read_workbook(sample))
    items = pact.footprints(a, now=NOW)
    validate(items)
    m = a.metrics
    m = m[m.period.str.fullmatch(r"\d{4}-\d{2}")]  # months only: the years and the total are their sums
    monthly = m[(m.metric == "ghg") & (m.item == "total_market")]
    made = m[m.metric == "production"]
    names = SAMPLE_PRODUCTS[sample.name]
    assert {pf["productNameCompany"] for pf in items} == set(names)
    for year in sorted({pf["pcf"]["referencePeriodStart"][:4] for pf in items}):
        mill = monthly[monthly.period.str.startswith(year)]["value"].sum() * 1000
        parts = 0.0
        for pf in (pf for pf in items if pf["pcf"]["referencePeriodStart"].startswith(year)):
            product, kg_per_unit = names[pf["productNameCompany"]]
            output = made[(made["item"] == product) & made.period.str.startswith(year)]["value"].sum()
            parts += float(pf["pcf"]["pCfExcludingBiogenic"]) * output * kg_per_unit
        assert_allclose(parts, mill, rtol=1e-9)


def test_sample_footprints_by_hand():
    """knit_dyeing_2024: one product, so the footprint is the mill's 2024 market total over its
    output: total_market [t] x 1000 / (knit t x 1000 kg/t)."""
    a = assess(read_workbook(SAMPLES[2]))
    [pf] = pact.footprints(a, now=NOW)
    out_t = a.value("production", "knit_fabric")
    assert_allclose(float(pf["pcf"]["pCfExcludingBiogenic"]), a.value("ghg", "total_market") / out_t)
    assert pf["companyIds"] == ["urn:pact:company:customcode:buyer-assigned:SX-0042"]
    assert pf["pcf"]["geographyCountrySubdivision"] == "CN-ZJ"


def test_mass_per_length_from_gsm_and_width(tmp_path):
    """120 g/m2 x 150 cm = 120 x 1.5 = 180 g per metre = 18 kg per 100 m, so the woven footprint
    is 32.4912 t / (1000 x 18 kg) = 1.805066... kgCO2e/kg."""
    products = [("product", "name", "gsm [g/m2]", "width [cm]"), ("woven_fabric", "poplin", 120, 150)]
    items = footprints_of(two_products(tmp_path / "m.xlsx", products=products))
    woven = next(pf for pf in items if pf["productNameCompany"] == "poplin")
    assert_allclose(float(woven["pcf"]["pCfExcludingBiogenic"]), 32_491.2 / 18_000)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kwh=st.floats(1_000, 1e7), unit=st.sampled_from(["kWh", "MWh"]))
def test_same_electricity_in_kwh_or_mwh_gives_the_same_footprints(tmp_path_factory, kwh, unit):
    base = tmp_path_factory.mktemp("u")
    a = footprints_of(two_products(base / "a.xlsx", kwh=kwh))
    b = footprints_of(two_products(base / "b.xlsx", kwh=kwh, electricity_unit=unit))
    for x, y in zip(a, b):
        assert x["id"] == y["id"]
        assert_allclose(float(x["pcf"]["pCfExcludingBiogenic"]), float(y["pcf"]["pCfExcludingBiogenic"]))


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.floats(0.05, 1.0), min_size=1, max_size=4))
def test_electricity_split_over_several_meters_gives_the_same_footprints(tmp_path_factory, parts):
    """100 000 kWh as one row or as several meter rows of the same month (in any order)."""
    base = tmp_path_factory.mktemp("s")
    whole = footprints_of(two_products(base / "a.xlsx"))
    path = two_products(base / "b.xlsx")
    from openpyxl import load_workbook
    wb = load_workbook(path)
    ws = wb["Energy"]
    ws.delete_rows(2)
    for w in reversed(parts):
        ws.append(["2024-01", "electricity", 100_000 * w / sum(parts), "kWh"])
    wb.save(path)
    split = footprints_of(path)
    for x, y in zip(whole, split):
        assert x["id"] == y["id"]
        assert_allclose(float(x["pcf"]["pCfExcludingBiogenic"]), float(y["pcf"]["pCfExcludingBiogenic"]), rtol=1e-12)


def test_ids_are_stable_uuid4_and_json_is_strict(tmp_path):
    path = two_products(tmp_path / "m.xlsx")
    a, b = footprints_of(path), footprints_of(path)
    assert [pf["id"] for pf in a] == [pf["id"] for pf in b]
    assert all(uuid.UUID(pf["id"]).version == 4 for pf in a)
    out = tmp_path / "f.json"
    pact.write_footprints(a, out)
    json.loads(out.read_text(encoding="utf-8"), parse_constant=lambda c: pytest.fail(f"{c} in JSON"))


def test_lifecycle_unchanged_changed_and_new_method(tmp_path):
    """Re-export of the same data: same ids and versions. Changed data: version 2 and 'updated'.
    Another GWP set (a major change): new ids naming the old ones in precedingPfIds, and the old
    ones once more as Deprecated."""
    first = footprints_of(two_products(tmp_path / "a.xlsx"))
    later = NOW + dt.timedelta(days=30)
    same = pact.footprints(assess(read_workbook(tmp_path / "a.xlsx")), previous=first, now=later)
    assert [(p["id"], p["version"], p["created"]) for p in same] == [(p["id"], 1, p["created"]) for p in first]
    assert all("updated" not in p for p in same)
    changed = pact.footprints(assess(read_workbook(two_products(tmp_path / "b.xlsx", kwh=120_000))),
                              previous=first, now=later)
    assert [p["id"] for p in changed] == [p["id"] for p in first]
    assert all(p["version"] == 2 and p["updated"] == "2025-03-31T08:30:00Z" and p["created"] == "2025-03-01T08:30:00Z"
               for p in changed)
    ar6 = pact.footprints(assess(read_workbook(tmp_path / "a.xlsx"), options=Options(gwp="AR6")),
                          previous=first, now=later)
    old_ids = {p["id"] for p in first}
    deprecated = [p for p in ar6 if p["status"] == "Deprecated"]
    active = [p for p in ar6 if p["status"] == "Active"]
    assert {p["id"] for p in deprecated} == old_ids and all(p["version"] == 2 for p in deprecated)
    assert {p["precedingPfIds"][0] for p in active} == old_ids and not old_ids & {p["id"] for p in active}
    validate(ar6)


def test_previous_footprints_of_another_mill_or_deprecated_are_refused(tmp_path):
    first = footprints_of(two_products(tmp_path / "a.xlsx"))
    other = footprints_of(two_products(tmp_path / "b.xlsx", site_extra=(("company_id", "urn:pact:company:x:1"),)))
    with pytest.raises(GreentexError, match="not of this mill"):
        pact.footprints(assess(read_workbook(tmp_path / "a.xlsx")), previous=other, now=NOW)
    ar6 = pact.footprints(assess(read_workbook(tmp_path / "a.xlsx"), options=Options(gwp="AR6")), previous=first,
                          now=NOW)
    with pytest.raises(GreentexError, match="Deprecated"):  # back to AR5: its old ids are deprecated
        pact.footprints(assess(read_workbook(tmp_path / "a.xlsx")), previous=ar6, now=NOW)


def test_the_schema_can_fail():
    """The project's schema refuses what §5 forbids: two geographies, an id that is not a UUID v4,
    a missing company id, a Decimal written as a number."""
    [pf] = pact.footprints(assess(read_workbook(SAMPLES[2])), now=NOW)
    validate([pf])
    for change in ({"pcf": dict(pf["pcf"], geographyCountry="CN")}, {"id": str(uuid.uuid1())},
                   {"companyIds": []}, {"pcf": dict(pf["pcf"], pCfExcludingBiogenic=3.07)}):
        with pytest.raises(jsonschema.ValidationError):
            validate([dict(pf, **change)])


def test_a_product_by_length_without_mass_is_a_one_line_error(tmp_path):
    path = two_products(tmp_path / "m.xlsx", products=[("product", "name"), ("knit_fabric", "jersey")])
    with pytest.raises(GreentexError) as err:
        footprints_of(path)
    text = str(err.value)
    assert "\n" not in text and text.startswith("m.xlsx: sheet '产品信息': 'woven_fabric' is reported in hm")
    assert "woven_fabric" in text and "hm" in text and "gsm" in text


@pytest.mark.parametrize("site_extra, products, message", [
    ((("统一社会信用代码", "12345"),), None, "neither a URN nor"),
    ((("province", "Atlantis"),), None, "not a province of China"),
    ((), [("product", "product id", "kg per 100 m"), ("woven_fabric", "W-1", 20)], "is not a URN"),
    ((), [("product", "kg per 100 m"), ("woven_fabric", 0)], "must be greater than 0"),
    ((), [("product", "kg per 100 m"), ("电力", 20)], "sheet '产品信息' cell A2: '电力' is not a product"),
    ((), [("product", "kg per 100 m"), ("woven_fabric", 20), ("机织物", 21)], "a second row for woven_fabric"),
])
def test_bad_pact_input_names_the_place(tmp_path, site_extra, products, message):
    path = two_products(tmp_path / "m.xlsx", site_extra=site_extra, products=products)
    with pytest.raises(GreentexError, match=message):
        footprints_of(path)


@pytest.mark.parametrize("production, energy_months, message", [
    # Site shares give knit 40 % of 2023-12, when it made nothing all year
    ([("2023-12", "woven_fabric", 1000, "hm"), ("2023-12", "knit_fabric", 0, "t"),
      ("2024-01", "woven_fabric", 1000, "hm"), ("2024-01", "knit_fabric", 20, "t")], None,
     "emissions of 2023 are allocated to knit_fabric, which made nothing that year"),
    # soda ash in 2023-12 and electricity in 2024-02, months the Production sheet does not have
    ([("2024-01", "woven_fabric", 1000, "hm"), ("2024-01", "knit_fabric", 20, "t")], ("2024-01", "2024-02"),
     "the emissions of 2023-12, 2024-02 cannot be shared: no production row that month .enter the output"),
])
def test_emissions_that_no_product_can_carry_stop_the_export(tmp_path, production, energy_months, message):
    """Footprint x kg must add up to the mill's total: emissions no product's output can carry
    are an error, never dropped."""
    path = two_products(tmp_path / "m.xlsx", months=("2023-12", "2024-01"), production=production,
                        energy_months=energy_months)
    with pytest.raises(GreentexError, match=message):
        footprints_of(path)


def test_a_month_without_output_or_untagged_emissions_is_no_problem(tmp_path):
    """2024-02 has output 0 for both products and no energy or chemicals: the footprints are the
    one-month hand case's, and the reference period is still January."""
    production = [("2024-01", "woven_fabric", 1000, "hm"), ("2024-01", "knit_fabric", 20, "t"),
                  ("2024-02", "woven_fabric", 0, "hm"), ("2024-02", "knit_fabric", 0, "t")]
    items = footprints_of(two_products(tmp_path / "m.xlsx", production=production))
    assert sorted(float(pf["pcf"]["pCfExcludingBiogenic"]) for pf in items) == pytest.approx([1.08304, 1.62456])
    assert {pf["pcf"]["referencePeriodEnd"] for pf in items} == {"2024-02-01T00:00:00Z"}


def test_gwp_sets_pact_does_not_accept(tmp_path):
    with pytest.raises(GreentexError, match="AR5 or AR6"):
        footprints_of(two_products(tmp_path / "m.xlsx"), options=Options(gwp="AR4"))


def test_cli_pact_writes_and_updates(tmp_path):
    path = two_products(tmp_path / "m.xlsx")
    out = tmp_path / "footprints.json"
    r = CliRunner().invoke(cli, ["pact", str(path), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "府绸 2024: 1.625 kgCO2e/kg (version 1, Active)" in r.output
    validate(json.loads(out.read_text(encoding="utf-8")))
    r = CliRunner().invoke(cli, ["pact", str(path), "-o", str(out), "--update-from", str(out)])
    assert r.exit_code == 0 and "version 1" in r.output
    # `report --previous` is last year's workbook; pact's old option of that name is gone
    r = CliRunner().invoke(cli, ["pact", str(path), "-o", str(out), "--previous", str(out)])
    assert r.exit_code == 2 and "No such option '--previous'" in r.output
    late = two_products(tmp_path / "late.xlsx", months=("2025-01",))
    r = CliRunner().invoke(cli, ["pact", str(late), "-o", str(tmp_path / "late.json")])
    assert r.exit_code == 0 and "note:" not in r.output
    written = json.loads((tmp_path / "late.json").read_text(encoding="utf-8"))
    validate(written)  # the 2025 rule of the schema: dqi and the O* properties are there
    assert all(set(pf["pcf"]["dqi"]) == set(DQRS) | {"coveragePercent"} for pf in written)
    r = CliRunner().invoke(cli, ["pact", str(tmp_path / "none.xlsx")])
    assert r.exit_code == 2


def test_a_filled_chinese_template_exports(tmp_path):
    """The template's 统一社会信用代码 row and 产品信息 sheet, filled as a mill would: 100 hm of woven
    fabric at 150 g/m2 x 160 cm = 24 kg per 100 m = 2 400 kg; 10 000 kWh x 0.5 kgCO2/kWh (supplier
    factor) = 5 000 kg -> 2.083333 kgCO2e/kg."""
    from openpyxl import load_workbook
    from greentex.io.template import write_template

    path = tmp_path / "t.xlsx"
    write_template(path, lang="zh")
    wb = load_workbook(path)
    site = wb["基本信息"]
    for row in site.iter_rows(min_row=2):
        key = row[0].value
        row[1].value = {"名称": "某印染厂", "统一社会信用代码": "91320500MA00000010", "省份": "江苏"}.get(key, row[1].value)
    wb["能源"]["A2"], wb["能源"]["B2"], wb["能源"]["C2"], wb["能源"]["D2"], wb["能源"]["E2"] = \
        "2024-03", "电力", 10_000, "kWh", None
    wb["产量"]["A2"], wb["产量"]["B2"], wb["产量"]["C2"], wb["产量"]["D2"], wb["产量"]["E2"] = \
        "2024-03", "机织物", 100, "hm", None
    for name in ("水", "化学品"):
        wb[name].delete_rows(2)
    wb["因子"].append(["电力", "供电合同排放因子", 0.5, "kgCO2/kWh", "供电合同"])
    wb["产品信息"].append(["机织物", "府绸", None, None, 150, 160, None])
    wb.save(path)
    [pf] = footprints_of(path)
    assert_allclose(float(pf["pcf"]["pCfExcludingBiogenic"]), 5_000 / 2_400)
    assert pf["pcf"]["primaryDataShare"] == 100.0 and pf["productNameCompany"] == "府绸"
    validate([pf])


def test_dqi_by_hand():
    """Four inputs of a 2025 footprint, 140 t in all; d (2 t) is not above 5 % (7 t), so a, b and
    c are rated: coverage 138 / 140 = 98.571429 %. Weighted by 100, 30 and 8 t over 138 t:
      technological (1, 2, 2):      (100 + 60 + 16) / 138 = 176 / 138 = 1.275362
      geographical  (1, 2, 3):      (100 + 60 + 24) / 138 = 184 / 138 = 1.333333
      temporal (timeless 1; data year 2023 is 2 years before 2025: 2; unknown: 3)
                                    (100 + 60 + 24) / 138 = 1.333333
      completeness (2 of 2 months: 1; 1 of 2: half, 2; 2 of 2: 1)
                                    (100 + 60 + 8) / 138 = 168 / 138 = 1.217391
      reliability 2 (ledger data, not verified)."""
    lines = [{"tco2e": 100.0, "technological": 1, "geographical": 1, "data_year": 0, "months": 2},
             {"tco2e": 30.0, "technological": 2, "geographical": 2, "data_year": 2023, "months": 1},
             {"tco2e": 8.0, "technological": 2, "geographical": 3, "data_year": None, "months": 2},
             {"tco2e": 2.0, "technological": 3, "geographical": 3, "data_year": None, "months": 0}]
    d = pact.dqi(lines, 2, 2025)
    assert_allclose([d[k] for k in ("coveragePercent",) + DQRS],
                    [100 * 138 / 140, 176 / 138, 184 / 138, 184 / 138, 168 / 138, 2.0], atol=1e-4)


@pytest.mark.parametrize("data_year, rating", [(0, 1), (2025, 1), (2024, 1), (2026, 1), (2023, 2), (2022, 3),
                                               (2006, 3), (None, 3)])
def test_temporal_rating_by_the_factors_data_year(data_year, rating):
    line = {"tco2e": 1.0, "technological": 1, "geographical": 1, "data_year": data_year, "months": 1}
    assert pact.dqi([line], 1, 2025)["temporalDQR"] == rating


def late_mill(path, products=None):
    """2025-01 and 2025-02 as two_products (electricity 100 000 kWh x 0.5 kgCO2/kWh, the mill's
    supplier factor; 10 t soda ash, exact chemistry), plus 10 000 m3 natural gas in January only
    with the bundled NDRC defaults."""
    path = two_products(path, months=("2025-01", "2025-02"), products=products)
    from openpyxl import load_workbook
    wb = load_workbook(path)
    wb["Energy"].append(["2025-01", "natural_gas", 10_000, "m3"])
    wb.save(path)
    return path


def test_a_2025_footprint_by_hand(tmp_path):
    """Inputs of each footprint (the Site shares are the same each month, so both products get the
    same ratings): electricity 2 x 50 t = 100 t (own factor: 1, 1, 1; both months: 1); soda ash
    2 x 4.152 t = 8.304 t (stoichiometry: 1, 1, 1; both months); natural gas 10 000 m3 x 389.31
    GJ/10^4 m3 x 15.3 tC/TJ x 0.99 x 44/12 = 21.621888 t (NDRC default: technological 2,
    geographical 2 (China), temporal 3 (data year not known); one month of two: completeness 2).
    T = 129.925888 t, each input above 5 %: coverage 100 %.
      technological = geographical = completeness = (108.304 + 2 x 21.621888) / T = 1.166417
      temporal = (108.304 + 3 x 21.621888) / T = 1.332834
    primaryDataShare = 100 / T = 76.967... %. The mill's 2025 total comes back from the footprints."""
    path = late_mill(tmp_path / "late.xlsx")
    a = assess(read_workbook(path))
    items = pact.footprints(a, now=NOW)
    gas = 10_000 * 389.31 / 1e4 * 15.3 / 1000 * 0.99 * 44 / 12
    total = 100 + 8.304 + gas
    assert_allclose(gas, 21.621888, rtol=1e-7)
    for pf in items:
        c = pf["pcf"]
        assert set(O_STAR) <= set(c) and c["biogenicAccountingMethodology"] == "GHGP"
        assert c["biogenicCarbonWithdrawal"] == c["biogenicCarbonContent"] == "0"
        assert_allclose([c["dqi"][k] for k in ("coveragePercent",) + DQRS],
                        [100, (108.304 + 2 * gas) / total, (108.304 + 3 * gas) / total,
                         (108.304 + 2 * gas) / total, (108.304 + 2 * gas) / total, 2], atol=1e-4)
        assert_allclose(c["primaryDataShare"], 100 * 100 / total)
        assert "not because the product holds no carbon" in pf["comment"]
    validate(items)
    # footprint x kg over the products = the mill's scope 1 + market scope 2 of 2025
    by = {pf["productNameCompany"]: float(pf["pcf"]["pCfExcludingBiogenic"]) for pf in items}
    assert_allclose(by["府绸"] * 2 * 20_000 + by["knit_fabric"] * 2 * 20_000, total * 1000)
    assert_allclose(a.value("ghg", "total_market"), total)


def test_the_schema_holds_2025_footprints_to_the_o_star_rule(tmp_path):
    """§5.2: a reference period including 2025-01-01 or later must define the O* properties and
    all of dqi (§5.3); an earlier one needs primaryDataShare or dqi; a DQR is between 1 and 3."""
    [late] = [pf for pf in pact.footprints(assess(read_workbook(late_mill(tmp_path / "l.xlsx"))), now=NOW)
              if pf["productNameCompany"] == "府绸"]
    validate([late])
    for key in O_STAR:
        c = {k: v for k, v in late["pcf"].items() if k != key}
        with pytest.raises(jsonschema.ValidationError):
            validate([dict(late, pcf=c)])
    for key in DQRS + ("coveragePercent",):
        c = dict(late["pcf"], dqi={k: v for k, v in late["pcf"]["dqi"].items() if k != key})
        with pytest.raises(jsonschema.ValidationError):
            validate([dict(late, pcf=c)])
    with pytest.raises(jsonschema.ValidationError):
        validate([dict(late, pcf=dict(late["pcf"], dqi=dict(late["pcf"]["dqi"], temporalDQR=3.5)))])
    # a period that ends when 2025 begins (end exclusive) is a 2024 one: dqi alone or the share alone do
    early = dict(late["pcf"], referencePeriodStart="2024-01-01T00:00:00Z", referencePeriodEnd="2025-01-01T00:00:00Z")
    for key in ("dqi", "primaryDataShare"):
        validate([dict(late, pcf={k: v for k, v in early.items() if k not in (key, "biogenicAccountingMethodology")})])
    with pytest.raises(jsonschema.ValidationError):
        validate([dict(late, pcf={k: v for k, v in early.items() if k not in ("dqi", "primaryDataShare")})])
    one_second_later = dict(early, referencePeriodEnd="2025-01-01T00:00:01Z")
    with pytest.raises(jsonschema.ValidationError):
        validate([dict(late, pcf={k: v for k, v in one_second_later.items() if k != "dqi"})])


def test_carbon_content_given_by_the_mill(tmp_path):
    """Products sheet: 生物碳含量 40 % (cotton) and 化石碳含量 [kg/kg] 0.05: biogenicCarbonContent
    0.4 kgC/kg, fossilCarbonContent 0.05 kgC/kg, biogenicCarbonWithdrawal = -0.4 x 44.0095 / 12.011
    = -1.465640 kgCO2e/kg; the footprint itself is the hand value of the two-products case."""
    products = [("产品类别", "产品名称", "百米重 [kg/hm]", "生物碳含量", "化石碳含量 [kg/kg]"), ("机织物", "府绸", 20, 40, 0.05)]
    items = footprints_of(two_products(tmp_path / "m.xlsx", products=products))
    woven = next(pf for pf in items if pf["productNameCompany"] == "府绸")
    c = woven["pcf"]
    assert (c["biogenicCarbonContent"], c["fossilCarbonContent"]) == ("0.4", "0.05")
    assert_allclose(float(c["biogenicCarbonWithdrawal"]), -0.4 * 44.0095 / 12.011)
    assert_allclose(float(c["pCfIncludingBiogenic"]), 1.62456)
    assert "given by the mill" in woven["comment"]
    validate(items)
    bad = [("product", "kg per 100 m", "biogenic carbon [%]"), ("woven_fabric", 20, 140)]
    with pytest.raises(GreentexError, match=r"sheet '产品信息' ?cell C2: biogenic carbon content 1.4 kg per kg"):
        footprints_of(two_products(tmp_path / "b.xlsx", products=bad))


def with_production_masses(path, header, values):
    """Extra columns on the Production sheet of ``path``: ``header`` cells, and ``values`` on the
    rows of woven_fabric (by row order)."""
    from openpyxl import load_workbook
    wb = load_workbook(path)
    ws = wb["Production"]
    for j, text in enumerate(header, start=5):
        ws.cell(1, j, text)
    woven = [r for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value == "woven_fabric"]
    for r, row in zip(woven, values):
        for j, v in enumerate(row, start=5):
            ws.cell(r, j, v)
    wb.save(path)
    return path


def test_mass_from_the_production_sheet(tmp_path):
    """克重 120 g/m2 x 幅宽 150 cm written on the Production rows (no Products sheet) = 18 kg per
    100 m: the woven footprint is 32.4912 t / (1000 hm x 18 kg) = 1.805067 kgCO2e/kg, as with the
    same columns on a Products sheet; a Products row without mass takes them too."""
    path = with_production_masses(two_products(tmp_path / "m.xlsx", products=[]), ["克重 [g/m2]", "幅宽 [cm]"],
                                  [(120, 150)])
    woven = next(pf for pf in footprints_of(path) if pf["productNameCompany"] == "woven_fabric")
    assert_allclose(float(woven["pcf"]["pCfExcludingBiogenic"]), 32_491.2 / 18_000)
    named = with_production_masses(two_products(tmp_path / "n.xlsx", products=[("product", "name"), ("woven_fabric", "poplin")]),
                                   ["kg per 100 m"], [(18,)])
    woven = next(pf for pf in footprints_of(named) if pf["productNameCompany"] == "poplin")
    assert_allclose(float(woven["pcf"]["pCfExcludingBiogenic"]), 32_491.2 / 18_000)


def test_production_rows_of_a_category_must_agree_on_its_mass(tmp_path):
    """Two months of woven fabric at 18 and 20 kg per 100 m: one footprint per category cannot
    take both, so the reader names the second cell."""
    path = with_production_masses(two_products(tmp_path / "m.xlsx", months=("2024-01", "2024-02"), products=[]),
                                  ["百米重 [kg/hm]"], [(18,), (20,)])
    with pytest.raises(GreentexError, match=r"sheet 'Production' ?cell E4: woven_fabric has mass per length 20 "
                                            r"here but 18 in E2"):
        footprints_of(path)
    # only the footprints need one mass per category: the report reads the same workbook
    assert assess(read_workbook(path)).value("production", "woven_fabric") == 2000
    text = with_production_masses(two_products(tmp_path / "t.xlsx", products=[]), ["gsm"], [("heavy",)])
    with pytest.raises(GreentexError, match=r"cell E2"):
        footprints_of(text)
    assert assess(read_workbook(text)).value("production", "woven_fabric") == 1000
    gap = with_production_masses(two_products(tmp_path / "g.xlsx", months=("2024-01", "2024-02"), products=[]),
                                 ["gsm", "width"], [(120, 150), (120, None)])
    with pytest.raises(GreentexError, match=r"cell F4: woven_fabric has width empty here but 150 in F2"):
        footprints_of(gap)
    same = with_production_masses(two_products(tmp_path / "s.xlsx", months=("2024-01", "2024-02"), products=[]),
                                  ["百米重 [kg/hm]"], [(18,), (18,)])
    woven = next(pf for pf in footprints_of(same) if pf["productNameCompany"] == "woven_fabric")
    assert_allclose(float(woven["pcf"]["pCfExcludingBiogenic"]), 32_491.2 / 18_000)
