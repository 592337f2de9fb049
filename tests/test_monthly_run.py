"""The monthly run: a workbook of a year in progress (January to month k) is the year to date,
with no warning for the months still to come, and never called a whole year."""

import openpyxl
import pandas as pd
import pytest

from conftest import JIANGSU_TARGETS, SAMPLES, cut_workbook
from greentex.assessment import assess
from greentex.io.html import render_html
from greentex.io.report import write_report
from greentex.io.workbook import read_workbook
from greentex.quality import coverage

JIANGSU = SAMPLES / "jiangsu_woven_dyeing_2024.xlsx"


def _activity(months):
    return pd.DataFrame({"period": months, "domain": "energy"})


def _keys(issues):
    return {(i.severity, i.key) for i in issues}


def test_months_still_to_come_are_not_missing():
    """Site year 2024, data Jan–Jul 2024: a note (year to date), no warning."""
    got = coverage(_activity([f"2024-{m:02d}" for m in range(1, 8)]), 2024)
    assert _keys(got) == {("note", "year_to_date")}
    assert "2024-01 to 2024-07" in got[0].message


@pytest.mark.parametrize("months, why", [
    ([f"2024-{m:02d}" for m in range(3, 8)], "January and February are past"),
    ([f"2023-{m:02d}" for m in range(1, 8)] + ["2024-01"], "August to December 2023 are past: 2024 has data"),
])
def test_months_missing_in_the_past_are_a_warning(months, why):
    year = int(months[0][:4])
    assert ("warning", "partial_year") in _keys(coverage(_activity(months), year)), why


def test_a_gap_before_the_last_month_is_still_a_warning(tmp_path):
    """Jiangsu cut to Jan–Jul with March's energy row deleted: missing_month for 2024-03 stays."""
    path = cut_workbook(JIANGSU, tmp_path / "m.xlsx", "2024-07")
    wb = openpyxl.load_workbook(path)
    wb["能源"].delete_rows(4)   # row 4: 2024年3月
    wb.save(path)
    a = assess(read_workbook(path))
    assert [i.cell for i in a.issues if i.key == "missing_month"] == ["2024-03"]


def test_the_partial_year_report_is_the_year_to_date(tmp_path):
    """Jiangsu cut to Jan–Jul with its 目标 sheet: no warning at all; the Chinese report and page
    say 2024年1–7月 and 本年累计, never 全年; the English ones Jan–Jul 2024, never 'whole year'."""
    path = cut_workbook(JIANGSU, tmp_path / "m.xlsx", "2024-07", JIANGSU_TARGETS)
    a = assess(read_workbook(path))
    assert [i for i in a.issues if i.severity != "note"] == []
    assert any(i.key == "year_to_date" for i in a.issues)
    for lang, part, ytd, whole in (("zh", "2024年1–7月", "本年累计", "全年"), ("en", "Jan–Jul 2024", "year to date",
                                                                           "whole year")):
        out = tmp_path / f"r_{lang}.xlsx"
        write_report(a, out, lang=lang)
        wb = openpyxl.load_workbook(out)
        text = "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                         if isinstance(c.value, str))
        assert part in wb.worksheets[0]["A1"].value and ytd in text and whole not in text
        page = render_html(a, lang=lang)
        assert part in page and ytd in page and whole not in page
