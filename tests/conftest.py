"""Shared fixtures: the sample workbooks and a small woven-mill inventory worked by hand."""

from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@pytest.fixture
def woven_month() -> dict:
    """One month (2024-01) of a woven-fabric dyeing mill, as long frames (see test_assess)."""
    return dict(
        energy=pd.DataFrame({"period": ["2024年1月"] * 3, "item": ["电力", "天然气", "蒸汽"],
                             "quantity": [150, 20, 6000], "unit": ["万kWh", "万m³", "吨"]}),
        water=pd.DataFrame({"period": ["2024-01"] * 5,
                            "item": ["自来水", "回用水", "废水排放量", "进水COD", "出水COD"],
                            "quantity": [50000, 30000, 45000, 2000, 100],
                            "unit": ["m3", "m³", "m3", "mg/L", "mg/L"]}),
        chemicals=pd.DataFrame({"period": ["2024-01"] * 2, "item": ["纯碱", "活性染料"],
                                "quantity": [3000, 800], "unit": ["kg", "千克"]}),
        production=pd.DataFrame({"period": ["2024-01"], "item": ["机织物"], "quantity": [400], "unit": ["万米"]}),
        site={"年份": 2024, "电网因子": "east", "污水处理方式": "anaerobic_reactor", "产品类别": "机织物"},
    )


def write_workbook(path: Path, sheets: dict) -> Path:
    """Write {sheet name: list of rows} with openpyxl (values as given; datetimes become dates)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


@pytest.fixture
def make_workbook(tmp_path):
    def make(sheets: dict, name: str = "mill.xlsx") -> Path:
        return write_workbook(tmp_path / name, sheets)
    return make


def cut_workbook(src: Path, dest: Path, last: str, extra: dict | None = None) -> Path:
    """A copy of the workbook ``src`` holding only the months up to ``last`` (YYYY-MM) — the
    monthly run of a year in progress — with the sheets ``extra`` ({name: rows}) added."""
    from openpyxl import load_workbook

    from greentex.errors import GreentexError
    from greentex.inventory import parse_period

    wb = load_workbook(src)
    for ws in wb:
        for r in range(ws.max_row, 1, -1):
            try:
                month = parse_period(ws.cell(r, 1).value)
            except GreentexError:
                continue
            if month > last:
                ws.delete_rows(r)
    for name, rows in (extra or {}).items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    wb.save(dest)
    return dest


#: targets of the Jiangsu sample's year, in Chinese (a 目标 sheet)
JIANGSU_TARGETS = {"目标": [["年度", "指标", "产品", "目标值", "单位"], [2024, "能耗总量", None, 14000, "吨标准煤"],
                            [2024, "单位产品能耗", "机织物", 28, "kgce/百米"],
                            [2024, "温室气体排放总量", None, 50000, "tCO2e"], [2024, "水重复利用率", None, 40, "%"]]}
