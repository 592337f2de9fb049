"""Seeded generator of large mill inputs for the performance benchmark.

``frames(rows, months)`` returns long-form Energy, Water, Chemicals and Production frames with
``rows`` activity rows in all (several meters per item and month, mixed units such as kWh / MWh /
万kWh); ``write_xlsx`` writes them as a workbook with xlsxwriter (fast, constant memory).
Magnitudes follow the sample workbooks (see samples/make_samples.py); only sizes matter here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

# item, unit choices (with their multiplier to the base unit), base magnitude per meter-month
ENERGY = [("electricity", [("kWh", 1), ("MWh", 1e-3), ("万kWh", 1e-4)], 2e4),
          ("natural_gas", [("m3", 1), ("Nm3", 1), ("万m³", 1e-4)], 3e3),
          ("steam", [("t", 1), ("GJ", 3.763)], 80),
          ("diesel", [("t", 1), ("kg", 1e3)], 0.2),
          ("solar_pv", [("kWh", 1), ("MWh", 1e-3)], 5e3)]
WATER = [("tap_water", [("m3", 1), ("t", 1)], 800), ("groundwater", [("m3", 1)], 200),
         ("reused_water", [("m3", 1), ("万吨", 1e-4)], 500), ("wastewater", [("m3", 1)], 900)]
CHEMICALS = [(name, [("kg", 1), ("t", 1e-3)], mag) for name, mag in
             (("reactive_dye", 40), ("disperse_dye", 15), ("auxiliary", 150), ("soda_ash", 35),
              ("caustic_soda", 200), ("hydrogen_peroxide", 120), ("sodium_sulfate", 70))]
SHARES = {"Energy": 0.5, "Water": 0.25, "Chemicals": 0.2, "Production": 0.05}


def _periods(months: int) -> list[str]:
    return [str(p) for p in pd.period_range("2015-01", periods=months, freq="M")]


def _sheet(rng, n: int, items, periods) -> pd.DataFrame:
    idx = rng.integers(0, len(items), n)
    per = rng.integers(0, len(periods), n)
    item_names = np.array([i[0] for i in items], dtype=object)
    units = np.empty(n, dtype=object)
    qty = np.empty(n)
    for k, (_, choices, mag) in enumerate(items):
        mask = idx == k
        pick = rng.integers(0, len(choices), mask.sum())
        units[mask] = np.array([c[0] for c in choices], dtype=object)[pick]
        mult = np.array([c[1] for c in choices])[pick]
        qty[mask] = np.round(mag * rng.uniform(0.5, 1.5, mask.sum()) * mult, 6)
    return pd.DataFrame({"period": np.array(periods, dtype=object)[per], "item": item_names[idx],
                         "quantity": qty, "unit": units})


def frames(rows: int, months: int = 120, seed: int = 42) -> dict[str, pd.DataFrame]:
    """Long frames per sheet, ``rows`` rows in all, over ``months`` months."""
    rng = np.random.default_rng(seed)
    periods = _periods(months)
    out = {}
    for sheet, items in (("Energy", ENERGY), ("Water", WATER), ("Chemicals", CHEMICALS)):
        out[sheet] = _sheet(rng, int(rows * SHARES[sheet]), items, periods)
    n = rows - sum(len(f) for f in out.values())
    prod = _sheet(rng, max(n, months), [("woven_fabric", [("hm", 1), ("万米", 1e-2)], 1e3)], periods)
    prod.loc[:months - 1, "period"] = periods  # every month has output
    out["Production"] = prod
    return out


def write_xlsx(sheets: dict[str, pd.DataFrame], path: Path) -> Path:
    """Write the frames as a workbook (plus a Site sheet) with xlsxwriter."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_numbers": False})
    site = wb.add_worksheet("Site")
    for r, (k, v) in enumerate([("key", "value"), ("name", "Benchmark mill"), ("year", 2020),
                                ("grid", "east:2022")]):
        site.write_row(r, 0, [k, v])
    for name, frame in sheets.items():
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, list(frame.columns))
        cols = [frame[c].tolist() for c in frame.columns]
        for r, row in enumerate(zip(*cols), start=1):
            ws.write_row(r, 0, row)
    wb.close()
    return path
