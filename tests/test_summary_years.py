"""The Summary of the monthly run: key figures per calendar year, 同比 / 环比 tables and this
year's energy against last year's, month by month (greentex.io.monthly)."""

import numpy as np
import openpyxl
import pandas as pd
import pytest

from greentex.assessment import assess
from greentex.display import Words
from greentex.inventory import Inventory
from greentex.io import monthly
from greentex.io.report import _key_figures, write_report
from test_periods import _two_years

ONE_KGCE = pd.DataFrame({"item": ["electricity"], "parameter": ["coefficient"], "value": [1.0],
                         "unit": ["kgce/kWh"], "source": ["test: 1 kgce per kWh"]})


def _energy(months, tce):
    """Electricity worth ``tce`` a month (1 kgce/kWh: 1000 kWh = 1 tce), 100 hm of woven fabric."""
    energy = pd.DataFrame({"period": months, "item": "electricity", "quantity": np.asarray(tce, float) * 1000,
                           "unit": "kWh"})
    prod = pd.DataFrame({"period": months, "item": "woven_fabric", "quantity": 100.0, "unit": "hm"})
    return Inventory.from_frames(energy=energy, production=prod, factors=ONE_KGCE, site={"year": months[-1][:4]})


M23 = [f"2023-{m:02d}" for m in range(1, 13)]
M24 = ["2024-01", "2024-02", "2024-03"]


def test_key_figures_per_year_equal_one_year_workbooks():
    """A two-year workbook's Summary has a column per year, each equal to the key figures of a
    workbook holding that year alone."""
    whole, first, second = _two_years()
    w = Words("en")
    frame, places, heading = monthly.year_figures(assess(whole), w)
    assert list(frame.columns) == ["Figure", "whole year 2023", "whole year 2024", "Unit"]
    for column, part in (("whole year 2023", first), ("whole year 2024", second)):
        alone, _ = _key_figures(assess(part), w)
        got = frame.set_index("Figure")[column]
        want = alone.set_index("Figure")["Value"].astype(float)
        assert len(want) >= 12
        np.testing.assert_allclose(got.reindex(want.index).to_numpy(float), want.to_numpy(), rtol=1e-12)
    assert monthly.year_figures(assess(second), w) is None   # one year: the usual Value column


@pytest.mark.parametrize("how", ["one workbook", "--previous"])
def test_yoy_tables_by_hand(how):
    """2023: 100 tce every month; 2024: 110, 90, 120. March 2024: 120 against 100 = +20.0 %
    (同比), against February's 90 = +33.3 % (环比); year to date 320 against 300 = +6.7 %.
    Energy intensity (100 hm a month): 1.2 tce/hm = 1200 kgce/hm against 1000, +20 %.
    Last year's workbook passed as previous gives the same tables."""
    if how == "one workbook":
        a = assess(_energy(M23 + M24, [100] * 12 + [110, 90, 120]))
    else:
        a = assess(_energy(M24, [110, 90, 120]), previous=_energy(M23, [100] * 12))
    (month, _), (ytd, _) = monthly.yoy_frames(a, Words("en"))
    row = month.set_index("Figure").loc["Comprehensive energy consumption [tce]"]
    assert list(row) == pytest.approx([120.0, 100.0, 20.0, 90.0, 100 * 30 / 90])
    row = ytd.set_index("Figure").loc["Comprehensive energy consumption [tce]"]
    assert list(row) == pytest.approx([320.0, 300.0, 100 * 20 / 300])
    row = month.set_index("Figure").loc["Energy intensity: Woven fabric [kgce/(100 m)]"]
    assert list(row[:3]) == pytest.approx([1200.0, 1000.0, 20.0])
    chart = monthly.energy_by_month(a, Words("en"))
    n = 12 if how == "one workbook" else 3  # last year's own months, or only those compared with
    assert list(chart["Month"]) == ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                                    "Nov", "Dec"][:n]
    assert list(chart["2024"][:3]) == [110.0, 90.0, 120.0] and list(chart["2023"][:3]) == [100.0] * 3
    assert list(chart["Change on last year [%]"][:3]) == pytest.approx([10.0, -10.0, 20.0])


def test_the_summary_shows_the_yoy_tables_in_chinese(tmp_path):
    """The zh Summary: 同比与环比 heading, 本月（2024-03）, 上年同月, 环比 [%] and the values."""
    a = assess(_energy(M23 + M24, [100] * 12 + [110, 90, 120]))
    out = tmp_path / "r.xlsx"
    write_report(a, out, lang="zh")
    ws = openpyxl.load_workbook(out).worksheets[0]
    cells = {}
    for c in (c for row in ws.iter_rows() for c in row if c.value is not None):
        cells.setdefault(c.value, (c.row, c.column))   # the first: this month's table
    assert "同比与环比（2024年1–3月）" in cells and "本月（2024-03）" in cells and "累计同比 [%]" in cells
    r, _ = cells["综合能源消费量 [tce]"]
    _, c = cells["环比 [%]"]
    assert ws.cell(r, c).value == pytest.approx(100 * 30 / 90)
    assert "月度综合能耗：2024 年与 2023 年对比 [tce]" in cells


def test_no_yoy_without_last_year():
    a = assess(_energy(M24, [110, 90, 120]))
    assert monthly.yoy_frames(a, Words("en")) == [] and monthly.energy_by_month(a, Words("en")).empty
