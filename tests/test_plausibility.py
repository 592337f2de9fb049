"""Plausibility warnings (greentex.quality): a month an order of magnitude off after conversion
in another unit, and a product intensity outside the band derived from the shipped benchmarks."""

import pandas as pd
import pytest

from greentex.assessment import assess
from greentex.factors import load_library
from greentex.inventory import Inventory
from greentex.quality import PLAUSIBLE, intensity_bands


def _warnings(a, key):
    return [i for i in a.issues if i.key == key]


def _gas(units, quantities):
    months = [f"2024-{m:02d}" for m in range(1, len(units) + 1)]
    energy = pd.DataFrame({"period": months, "item": "天然气", "quantity": quantities, "unit": units})
    return assess(Inventory.from_frames(energy=energy))


def test_gas_typed_as_kwh_is_flagged():
    """195 100 m³ a month x 1.33 kgce/m³ = 259.5 tce; 195 100 kWh = 702.36 GJ x 0.03412 kgce/MJ
    = 23.96 tce: 0.092 of the usual month, below 1/10: flagged, figures unchanged."""
    a = _gas(["m3", "m3", "kWh", "m3"], [195_100, 190_000, 195_100, 200_000])
    w = _warnings(a, "unit_mixup")
    assert len(w) == 1 and "2024-03" in w[0].message and "GJ against m**3" in w[0].message
    assert w[0].cell == "row 4"


def test_gas_in_gj_that_agrees_is_not_flagged():
    """7 000 GJ x 0.03412 kgce/MJ = 238.8 tce against ~259 tce in m³ months: plausible."""
    assert not _warnings(_gas(["m3", "m3", "GJ", "m3"], [195_100, 190_000, 7_000, 200_000]), "unit_mixup")


def test_bands_come_from_the_shipped_benchmarks():
    """Woven energy: dyeing norms 2017 limit 30 kgce/hm -> 3 to 300; woven water 1.6 m³/hm -> 0.16
    to 16; knit water: IFC PaCT best practice 50 and typical 250 m³/t -> 5 to 2 500."""
    bands = intensity_bands(load_library())
    assert PLAUSIBLE == 10
    assert bands[("energy_intensity", "woven_fabric")] == pytest.approx((3.0, 300.0, "kgce/hm"))
    assert bands[("water_intensity", "woven_fabric")][:2] == pytest.approx((0.16, 16.0))
    assert bands[("water_intensity", "knit_fabric")][:2] == pytest.approx((5.0, 2500.0))
    assert ("energy_intensity", "knit_fabric") not in bands  # no shipped benchmark, no band


def _woven(fabric_unit):
    energy = pd.DataFrame({"period": ["2024-01"], "item": ["电力"], "quantity": [100], "unit": ["万kWh"]})
    production = pd.DataFrame({"period": ["2024-01"], "item": ["机织物"], "quantity": [10], "unit": [fabric_unit]})
    return assess(Inventory.from_frames(energy=energy, production=production))


def test_intensity_outside_the_band():
    """1 000 000 kWh x 0.1229 = 122 900 kgce. Production 10 万米 = 1 000 hm: 122.9 kgce/hm, inside
    3-300. Production typed as 10 百米 (10 hm): 12 290 kgce/hm, above 300: warned."""
    assert not _warnings(_woven("万米"), "implausible_intensity")
    w = _warnings(_woven("hm"), "implausible_intensity")
    assert len(w) == 1 and "12,290" in w[0].message and "300" in w[0].message
