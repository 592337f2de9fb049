"""Warnings for usable but suspicious data: named month and cell, the figures untouched."""

import pandas as pd

from greentex.assessment import assess
from greentex.inventory import Inventory


def _energy(values, months):
    return pd.DataFrame({"period": months, "item": "electricity", "quantity": values, "unit": "kWh",
                         "sheet": "Energy", "cell": [f"B{i + 2}" for i in range(len(months))]})


def test_a_missing_month_is_named():
    a = assess(Inventory.from_frames(energy=_energy([100, 100, 100], ["2024-01", "2024-02", "2024-04"]),
                                     site={"year": 2024}))
    gaps = [(i.sheet, i.cell, i.message) for i in a.issues if "no energy data" in i.message]
    assert gaps == [("Energy", "2024-03", "no energy data for 2024-03, between 2024-01 and 2024-04")]


def test_a_kind_that_starts_after_the_workbook_lacks_its_first_months():
    """Energy from January to March, chemicals from February only: January has no chemicals data
    (fuzz seed 7 case 319: its chemical intensity was null with no issue). The months run from
    the workbook's first to its last, whichever sheet they come from."""
    chem = pd.DataFrame({"period": ["2024-02", "2024-03"], "item": "soda_ash", "quantity": [10, 10], "unit": "kg",
                         "sheet": "Chemicals", "cell": ["C2", "C3"]})
    a = assess(Inventory.from_frames(energy=_energy([100, 100, 100], ["2024-01", "2024-02", "2024-03"]),
                                     chemicals=chem, site={"year": 2024}))
    gaps = [(i.sheet, i.cell, i.message) for i in a.issues if i.key == "missing_month"]
    assert gaps == [("Chemicals", "2024-01", "no chemicals data for 2024-01, between 2024-01 and 2024-03")]


def test_a_spike_against_the_neighbouring_median():
    """Months 100, 100, 400, 100, 100: the median of March's neighbours is 100, and 400 / 100 = 4 > 3.
    A month at 290 (2.9 times) is not flagged."""
    months = [f"2024-{m:02d}" for m in range(1, 6)]
    a = assess(Inventory.from_frames(energy=_energy([100, 100, 400, 100, 100], months), site={"year": 2024}))
    spikes = [(i.cell, i.message) for i in a.issues if "times the median" in i.message]
    assert spikes == [("B4", "electricity in 2024-03 is 4 times the median of the months around it "
                             "(400 against 100): check the value and its unit")]
    assert a.value("energy") == 800 * 0.1229 / 1000  # the figures are not changed
    calm = assess(Inventory.from_frames(energy=_energy([100, 100, 290, 100, 100], months), site={"year": 2024}))
    assert not any("times the median" in i.message for i in calm.issues)


def test_a_month_a_third_of_its_neighbours():
    months = [f"2024-{m:02d}" for m in range(1, 6)]
    a = assess(Inventory.from_frames(energy=_energy([300, 300, 90, 300, 300], months), site={"year": 2024}))
    assert [i.cell for i in a.issues if "times the median" in i.message] == ["B4"]


def test_months_outside_the_reporting_year():
    a = assess(Inventory.from_frames(energy=_energy([1, 1], ["2023-12", "2024-01"]), site={"year": 2024}))
    assert any(i.message.startswith("months outside the reporting year 2024: 2023-12") for i in a.issues)


def test_neighbours_are_taken_from_the_same_item_only():
    """Electricity 100 kWh and gas 1 000 m3 every month, five months each: no spike. Were gas's
    months taken as electricity's neighbours, May's electricity (100) would be set against the
    median of 100, 100, 1 000, 1 000 = 550 and flagged (100 / 550 = 0.18 < 1/3)."""
    months = [f"2024-{m:02d}" for m in range(1, 6)]
    gas = _energy([1000] * 5, months).assign(item="natural_gas", unit="m3")
    a = assess(Inventory.from_frames(energy=pd.concat([_energy([100] * 5, months), gas]), site={"year": 2024}))
    assert not any("times the median" in i.message for i in a.issues)


def test_a_spike_in_a_meter_split_over_two_units_is_summed_first():
    """March's electricity is 100 kWh on one meter plus 0.3 MWh on another: 400 kWh, four times
    its neighbours' 100 kWh median, so it is flagged at the first cell of the month."""
    months = [f"2024-{m:02d}" for m in range(1, 6)]
    frame = pd.concat([_energy([100] * 5, months),
                       pd.DataFrame({"period": ["2024-03"], "item": "electricity", "quantity": [0.3], "unit": "MWh",
                                     "sheet": "Energy", "cell": ["B9"]})])
    a = assess(Inventory.from_frames(energy=frame, site={"year": 2024}))
    assert [(i.cell, i.message.split(" (")[0]) for i in a.issues if "times the median" in i.message] == [
        ("B4", "electricity in 2024-03 is 4 times the median of the months around it")]


def test_large_values_in_a_spike_are_written_out():
    """1 000 000 kWh a month and 4 000 000 in March: 4 times the neighbours' median, written with
    thousands separators rather than as 4e+06."""
    months = [f"2024-{m:02d}" for m in range(1, 6)]
    a = assess(Inventory.from_frames(energy=_energy([1e6, 1e6, 4e6, 1e6, 1e6], months), site={"year": 2024}))
    assert [i.message for i in a.issues if "times the median" in i.message] == [
        "electricity in 2024-03 is 4 times the median of the months around it (4,000,000 against 1,000,000): "
        "check the value and its unit"]


def test_a_carrier_metered_in_t_then_in_gj_is_two_series_not_a_spike():
    """Steam 10 t a month in January-March, then 1 000 GJ a month in April-June. Taken as one
    series, March's 10 would be set against the median of 10, 10, 1 000, 1 000 = 505 and flagged
    (10 / 505 = 0.02 < 1/3); as a t series and a GJ series, nothing is out of line."""
    months = [f"2024-{m:02d}" for m in range(1, 7)]
    steam = pd.DataFrame({"period": months, "item": "steam", "quantity": [10, 10, 10, 1000, 1000, 1000],
                          "unit": ["t"] * 3 + ["GJ"] * 3})
    a = assess(Inventory.from_frames(energy=steam, site={"year": 2024}))
    assert not any("times the median" in i.message for i in a.issues)
