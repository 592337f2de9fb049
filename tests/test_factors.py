"""Every bundled dataset loads, validates and carries its citation."""

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from greentex.errors import GreentexError
from greentex.pact import PACT_TABLES
from greentex.factors import LOOKUP_TABLES, STATUSES, FactorLibrary, bundled_dir, load_library
from greentex.units import parse_unit


def test_catalogue_lists_every_factor_csv():
    root = bundled_dir()
    lib = load_library()
    files = {p.name for p in root.iterdir() if p.name.endswith(".csv")}
    lookup = {"catalogue.csv", "unit_aliases.csv", *LOOKUP_TABLES, *PACT_TABLES}
    assert files - lookup == {d.meta["file"] for d in lib.datasets.values()}
    assert set(lib.ids("factor")) | set(lib.ids("benchmark")) == set(lib.datasets)


@pytest.mark.parametrize("dataset_id", list(load_library().datasets))
def test_every_row_is_cited(dataset_id):
    ds = load_library().dataset(dataset_id)
    f = ds.frame
    assert len(f) > 0
    assert set(f["status"]) <= STATUSES - {"user"}
    for col in ("source", "reference"):
        assert (f[col].str.strip() != "").all(), f"{dataset_id}: empty {col}"
    for unit in set(f["unit"]):
        parse_unit(unit)
    assert not f.duplicated(subset=ds.keys).any()
    for key in ("title", "publisher", "edition", "licence"):
        assert ds.meta.get(key), f"{dataset_id}: catalogue {key} missing"


@pytest.mark.parametrize("dataset_id, keys, value, unit", [
    ("gbt2589_coefficients", dict(item="electricity", variant="calorific"), 0.1229, "kgce/kWh"),
    ("gbt2589_coefficients", dict(item="heat", variant="calorific"), 0.03412, "kgce/MJ"),
    ("gbt2589_coefficients", dict(item="raw_coal", variant="reference"), 0.7143, "kgce/kg"),
    ("gbt2589_coefficients", dict(item="natural_gas", variant="oilfield"), 1.3300, "kgce/m**3"),
    ("gbt2589_coefficients", dict(item="natural_gas", variant="lower_bound"), 1.1000, "kgce/m**3"),
    ("cn_grid_electricity", dict(grid="carbon_market", year=2022), 0.5703, "tCO2/MWh"),
    ("cn_grid_electricity", dict(grid="national", year=2021), 0.5568, "kgCO2/kWh"),
    ("cn_grid_electricity", dict(grid="east", year=2023), 0.5500, "kgCO2/kWh"),
    ("cn_grid_electricity", dict(grid="jiangsu", year=2022), 0.5978, "kgCO2/kWh"),
    ("heat_factors", dict(item="heat"), 0.11, "tCO2/GJ"),
    ("gwp", dict(gwp_set="AR6", gas="ch4_nonfossil"), 27.0, "dimensionless"),
    ("gwp", dict(gwp_set="AR6", gas="ch4_fossil"), 29.8, "dimensionless"),
    ("wastewater_ch4", dict(parameter="b0", treatment="all"), 0.25, "kgCH4/kgCOD"),
])
def test_values_match_the_reference_notes(dataset_id, keys, value, unit):
    row = load_library().dataset(dataset_id).row(**keys)
    assert row is not None
    assert_allclose(row["value"], value)
    assert row["unit"] == unit


def test_carbonate_factors_follow_molar_masses():
    # Na2CO3: 44.009 / (2 x 22.98977 + 12.011 + 3 x 15.999) = 44.009 / 105.988 = 0.41523
    row = load_library().dataset("carbonates").row(item="soda_ash")
    assert_allclose(row["value"], 44.009 / 105.988, atol=5e-5)
    assert row["status"] == "derived"


def test_one_default_per_item_and_the_fresh_water_conflict_is_visible():
    f = load_library().dataset("gbt2589_coefficients").frame
    assert (f[f["default"] == "1"].groupby("item").size() == 1).all()
    water = f[f["item"] == "fresh_water"]
    assert sorted(water["value"]) == [0.0857, 0.2571]
    assert all("0.2571" in n and "0.0857" in n for n in water["note"])


def _write(tmp_path, name, rows):
    path = tmp_path / name
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_user_file_extends_a_bundled_dataset(tmp_path):
    path = _write(tmp_path, "heat_factors.csv", [dict(item="heat", value=0.095, unit="tCO2/GJ",
                  source="park CHP supplier statement 2024", reference="contract annex 3", status="user", note="")])
    lib = FactorLibrary([path])
    row = lib.dataset("heat_factors").row(item="heat")
    assert row["value"] == 0.095 and row["origin"] == str(path)
    assert len(lib.dataset("gwp").frame) == len(load_library().dataset("gwp").frame)


@pytest.mark.parametrize("row, message", [
    (dict(status="guess"), "status 'guess'"),
    (dict(unit="bananas"), "unknown unit 'bananas'"),
    (dict(value="n/a"), "value 'n/a' is not a number"),
    (dict(source=""), "source is empty"),
])
def test_user_file_is_validated(tmp_path, row, message):
    good = dict(item="heat", value=0.1, unit="tCO2/GJ", source="x", reference="y", status="user", note="")
    path = _write(tmp_path, "heat_factors.csv", [{**good, **row}])
    with pytest.raises(GreentexError, match=message):
        FactorLibrary([path])


def test_duplicate_keys_are_refused(tmp_path):
    good = dict(item="heat", value=0.1, unit="tCO2/GJ", source="x", reference="y", status="user", note="")
    path = _write(tmp_path, "heat_factors.csv", [good, good])
    with pytest.raises(GreentexError, match="duplicate key item=heat"):
        FactorLibrary([path])


def test_unknown_dataset_name_is_explained(tmp_path):
    path = _write(tmp_path, "my_numbers.csv", [dict(a=1)])
    with pytest.raises(GreentexError, match="no dataset named 'my_numbers'"):
        FactorLibrary([path])


def test_names_resolve_in_english_and_chinese():
    lib = load_library()
    assert lib.resolve_item("电力") == "electricity"
    assert lib.resolve_item("Natural Gas") == "natural_gas"
    assert lib.resolve_item("新鲜水") == "fresh_water"
    assert lib.resolve_item("机织物") == "woven_fabric"
    assert "electricity" in lib.suggest_items("electricty")


def test_every_csv_in_factors_cites_its_source():
    import csv

    for path in bundled_dir().iterdir():
        if not path.name.endswith(".csv"):
            continue
        with path.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert rows and "source" in rows[0], f"{path.name}: no 'source' column"
        assert all(r["source"].strip() for r in rows), f"{path.name}: a row without a source"


def test_a_lookup_table_without_source_is_refused(tmp_path):
    from greentex.factors import read_lookup

    (tmp_path / "items.csv").write_text("item,domain\nelectricity,energy\n", encoding="utf-8")
    with pytest.raises(GreentexError, match="items.csv: no 'source' column"):
        read_lookup(tmp_path, "items.csv")


def test_a_library_with_user_files_reuses_the_bundled_datasets(tmp_path):
    """The user's file overlays its own dataset; every other dataset is the bundled one as read
    once, and the shared library is not changed."""
    path = _write(tmp_path, "heat_factors.csv", [dict(item="heat", value=0.095, unit="tCO2/GJ",
                  source="park CHP supplier statement 2024", reference="contract annex 3", status="user", note="")])
    bundled, mine = load_library(), load_library([path])
    assert mine.dataset("gwp") is bundled.dataset("gwp")
    assert mine.dataset("heat_factors").row(item="heat")["value"] == 0.095
    assert bundled.dataset("heat_factors").row(item="heat")["value"] != 0.095
