"""The name resolver (greentex.names): labels as ledgers write them, products by fibre x
construction x form, kept qualifiers, ambiguity and near misses; the user's Names sheet and
--names file."""

import pytest
from click.testing import CliRunner

from greentex.assessment import assess
from greentex.cli import cli
from greentex.errors import GreentexError
from greentex.factors import load_library
from greentex.io.template import write_template
from greentex.io.workbook import read_workbook
from greentex.names import Names


@pytest.fixture(scope="module")
def names():
    return Names(load_library())


@pytest.mark.parametrize("label, item", [
    ("本月电力消耗量", "electricity"), ("外购电力（万kWh）", "electricity"), ("天然气 用量", "natural_gas"),
    ("ＮＡＴＵＲＡＬ　ＧＡＳ", "natural_gas"), ("Purchased electricity - total", "electricity"),
    ("外供电力", "electricity_export"), ("余电上网电量", "electricity_export"), ("外售蒸汽", "steam_export"),
    ("Exported heat", "heat_export"), ("中水回用量", "reused_water"), ("地下水取水量", "groundwater"),
    ("纯棉机织坯布", "woven_fabric"), ("涤棉混纺针织布", "knit_fabric"), ("棉纱", "yarn"),
    ("真丝绸", "silk_woven_fabric"), ("精纺毛织物", "worsted_fabric"), ("化纤机织物产量", "woven_fabric"),
])
def test_resolves(names, label, item):
    assert names.resolve(label) == item


@pytest.mark.parametrize("label, domain, units, candidates", [
    ("生活用水", "water", (), ["tap_water", "groundwater", "other_water"]),
    ("棉布", "production", (), ["woven_fabric", "knit_fabric"]),
])
def test_ambiguous_labels_list_the_candidates(names, label, domain, units, candidates):
    with pytest.raises(GreentexError) as e:
        names.resolve(label, domain, units)
    assert "ambiguous" in e.value.message and all(c in e.value.message for c in candidates)
    assert "Names sheet (名称对照)" in e.value.hint


@pytest.mark.parametrize("label", ["取水量", "新鲜水取水量", "新水", "本月新鲜水用量"])
def test_intake_not_split_by_source_is_fresh_water(names, label):
    """新水 / 取水量 is the intake from all sources (GB/T 12452, GB/T 18916.1): one item that says
    the sources are not split, not a guess at tap water."""
    assert names.resolve(label, "water") == "fresh_water"


def test_fresh_water_counts_in_intake_and_the_reuse_rate():
    """2 000 m3 of 新鲜水 + 500 m3 of 自来水 taken, 1 500 m3 reused:
    intake 2 500 m3; reuse rate 1 500 / (1 500 + 2 500) = 37.5 %."""
    import pandas as pd
    from greentex.assessment import assess
    from greentex.inventory import Inventory

    inv = Inventory.from_frames(water=pd.DataFrame({
        "period": ["2024-01"] * 3, "item": ["新鲜水", "自来水", "回用水"],
        "quantity": [2000, 500, 1500], "unit": ["m3", "m3", "m3"]}))
    a = assess(inv)
    assert a.value("water_intake", "total", "2024-01") == pytest.approx(2500)
    assert a.value("water_reuse_rate", "total", "2024-01") == pytest.approx(37.5)


@pytest.mark.parametrize("label", ["活性炭", "酸性", "分散"])
def test_a_class_word_alone_or_without_a_hue_is_no_dye(names, label):
    """活性炭 (activated carbon) starts like 活性黑 but names no hue: not read as a reactive dye."""
    with pytest.raises(GreentexError):
        names.resolve(label, "chemicals")


def test_dye_and_auxiliary_names_only_in_chemicals(names):
    with pytest.raises(GreentexError):
        names.resolve("活性黑KN-B", "energy")


def test_unit_tells_fabric_apart(names):
    """布 in 万米 is measured by length: woven fabric (per 100 m); in t by mass: knit fabric."""
    assert names.resolve("印染棉布", "production", ("万米",)) == "woven_fabric"
    assert names.resolve("印染棉布", "production", ("t",)) == "knit_fabric"


def test_made_on_site_is_refused(names):
    """Steam from the mill's own boiler is not an input: the boiler's fuel is (GB/T 2589 boundary)."""
    with pytest.raises(GreentexError, match="made on site"):
        names.resolve("自产蒸汽")


def test_near_miss_says_did_you_mean(names):
    with pytest.raises(GreentexError) as e:
        names.resolve("天燃气用量", "energy")
    assert e.value.hint.startswith("did you mean natural_gas") and "名称对照" in e.value.hint


def _ledger(make_workbook, extra: dict, name="mill.xlsx"):
    return make_workbook({"能源": [["月份", "电力（万kWh）", "锅炉用柴油（t）"], ["2024-01", 1, 2]], **extra}, name)


def test_names_sheet_teaches_a_label(make_workbook):
    """锅炉用柴油 is mapped to diesel by the Names sheet: 2 t diesel x 1.4571 kgce/kg ... read, not unknown."""
    with pytest.raises(GreentexError) as e:
        read_workbook(_ledger(make_workbook, {}))
    assert "add a row to the Names sheet (名称对照)" in str(e.value) and e.value.cell == "C1"
    inv = read_workbook(_ledger(make_workbook, {"名称对照": [["台账名称", "项目"], ["锅炉用柴油", "柴油"]]}))
    assert sorted(inv.activity["item"]) == ["diesel", "electricity"]


def test_names_sheet_unknown_item_names_its_cell(make_workbook):
    with pytest.raises(GreentexError) as e:
        read_workbook(_ledger(make_workbook, {"Names": [["label", "item"], ["锅炉用柴油", "柴 油油"]]}))
    assert (e.value.sheet, e.value.cell) == ("Names", "B2") and "unknown item" in e.value.message


def test_names_file_on_the_command_line(make_workbook, tmp_path):
    path = _ledger(make_workbook, {})
    names = tmp_path / "names.csv"
    names.write_text("label,item\n锅炉用柴油,diesel\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["validate", str(path)])
    assert r.exit_code == 2 and "名称对照" in r.output
    r = CliRunner().invoke(cli, ["validate", str(path), "--names", str(names)])
    assert r.exit_code == 0, r.output
    bad = tmp_path / "bad.csv"
    bad.write_text("label,item\n锅炉用柴油,dieselx\n", encoding="utf-8")
    r = CliRunner().invoke(cli, ["validate", str(path), "--names", str(bad)])
    assert r.exit_code == 2 and "bad.csv" in r.output and "row 2, column item" in r.output


def test_names_sheet_wins_over_the_file(make_workbook, tmp_path):
    names = tmp_path / "names.csv"
    names.write_text("label,item\n锅炉用柴油,fuel_oil\n", encoding="utf-8")
    lib = load_library([names])
    inv = read_workbook(_ledger(make_workbook, {"名称对照": [["锅炉用柴油", "diesel"]]}), library=lib)
    assert "diesel" in set(inv.activity["item"])
    assert assess(inv, library=lib).value("energy", "diesel") > 0


@pytest.mark.parametrize("lang, sheet", [("en", "Names"), ("zh", "名称对照")])
def test_template_carries_the_names_sheet(tmp_path, lang, sheet):
    from openpyxl import load_workbook

    path = tmp_path / "t.xlsx"
    write_template(path, lang=lang)
    assert sheet in load_workbook(path).sheetnames
