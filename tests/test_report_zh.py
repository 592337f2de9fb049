"""The Chinese report is Chinese: every cell a person reads (the Metrics sheet aside) is walked
and no English id or English word of greentex's own may appear, outside a short allow-list."""

import csv
import re
from importlib import resources
from pathlib import Path

import openpyxl
import pytest

from greentex.assessment import assess
from greentex.io.report import write_report
from greentex.io.workbook import read_workbook
from greentex.labels import labels

from conftest import JIANGSU_TARGETS, cut_workbook, write_workbook

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

# units, symbols, acronyms and names that are the same in a Chinese text
ALLOWED = {"tce", "kgce", "tco", "kgco", "gj", "mj", "kwh", "mwh", "nm", "mg", "kg", "ch", "co", "cod", "gwp",
           "ar", "sha", "greentex", "ipcc", "pact", "ifc", "gb", "ndrc", "lang", "zh", "utc", "ncv", "mcf", "doe",
           "enpi", "cusum", "xlsx", "csv", "hm"}


def _english_words() -> set[str]:
    """greentex's own English: the words of every English label and every item and product id."""
    words = set()
    for text in labels()["en"].values():
        words |= {t.lower() for t in re.findall(r"[A-Za-z]{3,}", re.sub(r"\{[^}]*\}", " ", text))}
    with (resources.files("greentex.factor_data") / "items.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            words.add(row["item"].lower())
            words |= {t.lower() for t in re.findall(r"[A-Za-z]{3,}", row["label_en"])}
    return words - ALLOWED


def _citation(sheet: str, header: str | None, value: str, own: set[str]) -> bool:
    """Text the allow-list lets through: a cited source or note (the data's own words, in the
    notes blocks and the Factors sheet's source and note columns), the user's own text."""
    return (re.match(r"^\[\d+\] ", value) is not None or (sheet == "因子" and header in ("来源与出处", "说明"))
            or value in own or value.startswith("Status: "))


@pytest.mark.parametrize("name", ["jiangsu_woven_dyeing_2024", "knit_dyeing_2024", "multi_product_2024",
                                  "jiangsu_2024_07_targets", "baseline_2024_07_targets", "ledger_zh"])
def test_every_cell_of_the_chinese_report_is_chinese(name, tmp_path):
    """Each sample; the Jiangsu sample cut to January–July with a 目标 sheet (the monthly run:
    the Targets table, its chart data and notes); the two-year baseline sample cut to July 2024
    with an English Targets sheet (key figures per year, 同比 / 环比 tables, the baseline forecast);
    and the Chinese ledger of test_ledger_zh with a month row left empty (rejected rows and their
    reasons, the note on how 好氧 was read)."""
    if name == "ledger_zh":
        from test_ledger_zh import LEDGER

        sheets = {**LEDGER, "能源": LEDGER["能源"] + [["2024年4月", None, None, None, None]]}
        path = write_workbook(tmp_path / "台账.xlsx", sheets)
    elif name == "jiangsu_2024_07_targets":
        path = cut_workbook(SAMPLES / "jiangsu_woven_dyeing_2024.xlsx", tmp_path / "m.xlsx", "2024-07", JIANGSU_TARGETS)
    elif name == "baseline_2024_07_targets":
        path = cut_workbook(SAMPLES / "baseline_mill_2023_2024.xlsx", tmp_path / "m.xlsx", "2024-07",
                            {"Targets": [["year", "target", "product", "value", "unit"], [2024, "energy", None, 15000, "tce"],
                                         [2024, "energy_intensity", "woven_fabric", 30, "kgce/hm"]]})
    else:
        path = SAMPLES / f"{name}.xlsx"
    a = assess(read_workbook(path))
    assert len(a.targets) == {"jiangsu_2024_07_targets": 4, "baseline_2024_07_targets": 2}.get(name, 0)
    out = tmp_path / "r.xlsx"
    write_report(a, out, lang="zh")
    src = a.inventory.source
    own = {str(v) for v in (a.site or {}).values() if not isinstance(v, dict)} | {src["name"], src["sha256"]} | \
        set((src.get("sheets") or {}).values())     # the mill's text: site values, file and sheet names
    english = _english_words()
    found = []
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        if ws.title == "指标":
            assert ws.sheet_state == "hidden"      # the machine table keeps its ids, and does not print
            continue
        header = {}
        for row in ws.iter_rows():
            for c in row:
                if not isinstance(c.value, str):
                    continue
                if c.fill is not None and c.fill.fgColor is not None and str(c.fill.fgColor.rgb).endswith("2E6B47"):
                    header[c.column] = c.value          # a table header: its column's name
                if _citation(ws.title, header.get(c.column), c.value, own):
                    continue
                text = c.value
                text = re.sub(r"[^\s!]+![A-Z]+\d+", " ", text)     # input cells: Energy!C6
                for mine in sorted(own, key=len, reverse=True):   # the mill's own text inside a line
                    text = text.replace(mine, " ")
                ids = re.findall(r"\b[a-z]+_[a-z_]+\b", text)
                words = {t.lower() for t in re.findall(r"[A-Za-z]{3,}", text)} & english
                if ids or words:
                    found.append(f"{ws.title}!{c.coordinate}: {c.value!r}")
    assert not found, "\n".join(found[:40])
