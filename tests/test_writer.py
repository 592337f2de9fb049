"""The report writer's shortcuts give what the plain per-cell way gives."""

import re

from hypothesis import given, strategies as st

from greentex.io.filecheck import _far_refs
from greentex.io.xlsx import column_values, number_width, plain, wrapped_height

import numpy as np
import pandas as pd

numbers = st.lists(st.tuples(st.one_of(st.floats(allow_nan=False, width=64, min_value=-1e15, max_value=1e15),
                                       st.integers(-10**12, 10**12), st.sampled_from([float("inf"), -float("inf")])),
                             st.integers(0, 8)), max_size=40)


@given(numbers)
def test_number_width_is_the_widest_printed_number(pairs):
    """The width of a column of numbers is its longest printed value (thousands separators,
    the row's decimals) plus 1.5: e.g. 1234.5 at 2 decimals prints '1,234.50' (8 characters),
    -99 at 0 prints '-99' (3): 8 + 1.5 = 9.5."""
    want = max((len(f"{v:,.{d}f}") for v, d in pairs), default=-1.5) + 1.5
    assert number_width(pairs) == want
    assert number_width([(1234.5, 2), (-99, 0)]) == 9.5


@given(st.lists(st.one_of(st.none(), st.floats(), st.integers(-10**6, 10**6), st.text(max_size=5)), max_size=20))
def test_column_values_are_plain_values(values):
    for series in (pd.Series(values, dtype=object), pd.Series([v for v in values if isinstance(v, float)],
                                                              dtype=float)):
        assert column_values(series) == [plain(v) for v in series.tolist()]
    ints = pd.Series(np.arange(5, dtype=np.int64))
    assert column_values(ints) == [plain(v) for v in ints] and all(type(v) is int for v in column_values(ints))


xml = st.lists(st.sampled_from(['<c r="', 'r="', ' spr="', '_r="', 'AB', 'C', '12', '1234567', '"/>', 'x', ' ']),
               max_size=30).map(lambda parts: "".join(parts).encode())


@given(xml)
def test_far_refs_match_the_word_bounded_pattern(data):
    """Searching the literal r=" first and keeping matches whose r begins a word finds what
    the pattern led by \\b finds."""
    for pattern in (rb'r="([A-Z]{2,3})(\d+)"', rb'r="([A-Z]{1,3})(\d{3,})"'):
        want = [(c.decode(), int(r)) for c, r in re.findall(rb"\b" + pattern, data)]
        assert _far_refs(data, pattern) == want


def test_a_long_latin_line_is_given_two_lines():
    """A 50-letter company id in a 44-wide column: 50 x 0.9 = 45 width units > 44 - 2 = 42 of
    room, so two lines of 15 pt (LibreOffice wraps it; one line let it run over the next row);
    the same id in a 60-wide column fits one line (45 <= 58)."""
    urn = "urn:pact:company:customcode:buyer-assigned:SX-0042"
    assert len(urn) == 50
    assert wrapped_height(urn, 44) == 30 and wrapped_height(urn, 60) == 15


def test_about_words_grid_per_year_and_allocation():
    """A grid used per year reads as years and grids, not a Python dict; allocation names its
    products."""
    from greentex.display import Words

    per_year = {"2023": {"grid": "east", "year": 2021, "basis": "given"},
                "2024": {"grid": "east", "year": 2022, "basis": "given"}}
    zh, en = Words("zh"), Words("en")
    assert zh.value("grid_used_by_year", per_year) == "2023: 华东区域电网（数据年份 2021）；2024: 华东区域电网（数据年份 2022）"
    assert en.value("grid_used_by_year", per_year) == \
        "2023: grid East China grid, data year 2021; 2024: grid East China grid, data year 2022"
    assert "woven_fabric" not in zh.value("allocation", "woven_fabric: 0.6; knit_fabric: 0.4")
    assert zh.key("grid_used_by_year") == "各年度采用的电网排放因子"
