import pytest
from hypothesis import given, strategies as st
from numpy.testing import assert_allclose

from greentex.errors import GreentexError
from greentex.units import Q_, conversion_factor, parse_unit, to_pint_expression


def test_standard_coal_follows_gbt2589_definition():
    # GB/T 2589: 1 kgce = 29 307 kJ, so 1 tce = 29.307 GJ (not 7000 kcal_IT = 29.3076 GJ)
    assert_allclose(Q_(1, "tce").to("GJ").magnitude, 29.307, rtol=1e-12)
    assert_allclose(Q_(1, "kgce").to("kJ").magnitude, 29307, rtol=1e-12)
    # 1 kWh = 3600 kJ = 3600 / 29307 kgce = 0.122837 kgce (the table rounds to 0.1229)
    assert_allclose(Q_(1, "kWh").to("kgce").magnitude, 3600 / 29307, rtol=1e-12)


@pytest.mark.parametrize("text, expected, unit", [
    ("万kWh", 1e4, "kWh"), ("千瓦时", 1, "kWh"), ("度", 1, "kWh"), ("MWh", 1e-3, "MWh"),
    ("万m³", 1e4, "m**3"), ("m³", 1, "m**3"), ("m3", 1, "m**3"), ("立方米", 1, "m**3"),
    ("标准立方米", 1, "m**3"), ("Nm3", 1, "m**3"), ("万Nm3", 1e4, "m**3"),
    ("吨", 1, "t"), ("万吨", 1e4, "t"), ("千克", 1e-3, "t"), ("亿kWh", 1e8, "kWh"),
    ("万米", 100, "hm"), ("米", 0.01, "hm"), ("百米", 1, "hm"),
    ("吨标准煤", 1, "tce"), ("千克标准煤", 1e-3, "tce"), ("吉焦", 1, "GJ"),
    ("GJ/万Nm3", 1e-4, "GJ/m**3"), ("tC/TJ", 1e-3, "tC/GJ"), ("%", 0.01, "dimensionless"),
    ("kgCO2/kWh", 1, "tCO2/MWh"), ("（万kWh）"[1:-1], 1e4, "kWh"),
])
def test_unit_strings_as_mills_write_them(text, expected, unit):
    if unit == "MWh":
        assert_allclose(conversion_factor("kWh", "MWh"), 1e-3)
        return
    assert_allclose(conversion_factor(text, unit), expected, rtol=1e-12)


def test_multiplier_rewrites_only_the_following_unit():
    assert to_pint_expression("GJ/万Nm3") == "GJ/(1e4*Nm3)"
    assert to_pint_expression("万kWh") == "(1e4*kWh)"


def test_each_unit_string_is_parsed_once():
    parse_unit.cache_clear()
    for _ in range(100):
        parse_unit("万kWh")
    info = parse_unit.cache_info()
    assert info.misses == 1 and info.hits == 99


def test_unknown_unit_is_a_greentex_error():
    with pytest.raises(GreentexError, match="unknown unit 'bananas'"):
        parse_unit("bananas")


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_subnormal=False))
def test_kwh_mwh_and_wan_kwh_agree(x):
    kwh = x * conversion_factor("kWh", "kWh")
    assert_allclose(x / 1000 * conversion_factor("MWh", "kWh"), kwh, rtol=1e-12)
    assert_allclose(x / 1e4 * conversion_factor("万kWh", "kWh"), kwh, rtol=1e-12)
