import datetime as dt

import numpy as np
import pandas as pd
import pytest

from greentex.errors import GreentexError
from greentex.inventory import Inventory, parse_number, parse_period


@pytest.mark.parametrize("value", [
    "2024-01", "2024-1", "2024/1", "2024/01", "2024.01", "2024年1月", "2024 年 1 月", "Jan 2024", "January 2024",
    "jan-2024", "2024 Jan", "2024-01-15", "２０２４年１月", dt.datetime(2024, 1, 1), dt.date(2024, 1, 31),
    pd.Timestamp("2024-01-01"), 45292.0, 202401,
])
def test_period_forms(value):
    assert parse_period(value) == "2024-01"


@pytest.mark.parametrize("value", ["2024", "13/2024", "2024-13", "Q1 2024", "", None, 7])
def test_not_a_month(value):
    with pytest.raises(GreentexError):
        parse_period(value)


@pytest.mark.parametrize("value, expected", [
    (12.5, 12.5), ("1,234.5", 1234.5), ("１２３", 123.0), (" 42 ", 42.0), ("", np.nan), (None, np.nan),
])
def test_number_forms(value, expected):
    got = parse_number(value)
    assert (np.isnan(got) and np.isnan(expected)) or got == expected


def test_text_in_a_number_cell():
    with pytest.raises(GreentexError, match="'about 30' is not a number"):
        parse_number("about 30")


def _energy(**cols):
    base = {"period": ["2024-01"], "item": ["electricity"], "quantity": [100], "unit": ["kWh"]}
    base.update(cols)
    return pd.DataFrame(base)


def test_unknown_item_suggests_close_names():
    with pytest.raises(GreentexError) as err:
        Inventory.from_frames(energy=_energy(item=["electricty"]))
    assert "unknown energy item 'electricty'" in str(err.value)
    assert "did you mean electricity" in str(err.value)
    assert "row 2" in str(err.value)


def test_item_in_the_wrong_sheet():
    with pytest.raises(GreentexError, match="'tap_water' is a water item, not a energy item"):
        Inventory.from_frames(energy=_energy(item=["tap_water"]))


def test_unit_of_the_wrong_dimension():
    with pytest.raises(GreentexError, match="unit 'kg' does not fit electricity"):
        Inventory.from_frames(energy=_energy(unit=["kg"]))


def test_negative_quantity():
    with pytest.raises(GreentexError, match="negative quantity -100"):
        Inventory.from_frames(energy=_energy(quantity=[-100]))


def test_empty_quantity_is_listed_as_rejected():
    inv = Inventory.from_frames(energy=pd.DataFrame({"period": ["2024-01", "2024-02"], "item": ["电力"] * 2,
                                                     "quantity": [100, None], "unit": ["kWh"] * 2}))
    assert inv.counts["Energy"] == {"read": 2, "used": 1, "rejected": 1}
    assert inv.rejected["reason"].tolist() == ["no quantity"]


def test_conversion_is_per_distinct_unit_and_keeps_the_input():
    inv = Inventory.from_frames(energy=pd.DataFrame({
        "period": ["2024-01"] * 3, "item": ["电力", "Electricity", "power"], "quantity": [1.5, 1000, "2,000"],
        "unit": ["万kWh", "MWh", "kWh"]}))
    a = inv.activity
    assert a["quantity"].tolist() == [15_000.0, 1_000_000.0, 2_000.0]
    assert set(a["unit"]) == {"kWh"}
    assert a["input_unit"].tolist() == ["万kWh", "MWh", "kWh"]
    assert a["label"].tolist() == ["电力", "Electricity", "power"]


def test_water_in_tonnes_is_cubic_metres():
    inv = Inventory.from_frames(water=pd.DataFrame({"period": ["2024-01"] * 2, "item": ["新鲜水", "回用水"],
                                                    "quantity": [1.5, 800], "unit": ["万吨", "t"]}))
    assert inv.activity["quantity"].tolist() == [15_000.0, 800.0]
    assert set(inv.activity["unit"]) == {"m**3"}


def test_distinct_labels_keep_their_order_with_a_missing_one_among_them():
    """The first bad label met is the one reported: a missing value keeps its place."""
    from greentex.inventory import _factorize

    codes, uniques = _factorize(["a", None, "b", "a", float("nan"), "c"])
    assert uniques == ["a", None, "b", "c"]
    assert list(codes) == [0, 1, 2, 0, 1, 3]


def test_a_date_centuries_away_is_not_a_month():
    """202401 typed into a date cell is Excel's day 202401, 2454-02-24: it was read as a month
    and gave some 5 000 'no data' warnings up to 2454 (fuzz seed 0 case 253)."""
    import datetime as dt

    import pytest

    from greentex.errors import GreentexError

    with pytest.raises(GreentexError, match="2454-02-24 is not a month"):
        parse_period(dt.datetime(2454, 2, 24))
    assert parse_period(dt.datetime(2024, 1, 1)) == "2024-01"
