"""Write the 24-month sample workbook for ``greentex baseline`` (a fictional mill, invented data).

Run with any Python that has numpy and openpyxl::

    python samples/make_baseline_sample.py

It writes ``baseline_mill_2023_2024.xlsx`` next to this script, drawn from
``numpy.random.default_rng`` with a fixed seed and saved with fixed timestamps (the helpers of
``make_samples.py``), so a rerun gives a byte-identical file.

The mill
--------
A woven-fabric dyeing and finishing mill in Jiangsu, the same kind and size as
``jiangsu_woven_dyeing_2024.xlsx``, for January 2023 to December 2024, written in English LONG
sheets (``period, item, quantity, unit, note``) with periods ``2023-01``: grid electricity in
kWh, natural gas in m3 (stenters, singeing), purchased steam in t, output of woven fabric in hm
(100 m), and a ``Drivers`` sheet with heating degree days ``[K*d]``.

Its true monthly use (before noise) is a straight line in output plus a heating term::

    electricity [kWh] = 240 000 + 27.5 x output [hm]
    natural gas [m3]  =  14 000 +  4.3 x output
    steam [t]         =     650 + 0.122 x output + 1.2 x HDD [K*d]

so that in tce (0.1229 kgce/kWh, 1.33 kgce/m3, 128.6 kgce/t, greentex's defaults)::

    energy [tce] = 131.71 + 0.024788 x output [hm] + 0.15432 x HDD [K*d]

Each carrier gets 1.5-2 % Gaussian noise. From April 2024 a (fictional) heat-recovery and
condensate-return project saves 7 % of the steam, about 55 tce a month, which
``greentex baseline samples/baseline_mill_2023_2024.xlsx --baseline-period 2023-01..2023-12``
should find, within its uncertainty, against the 2023 baseline.

Where the magnitudes come from
------------------------------
* Output and per-100 m use are those of sample 1 in ``make_samples.py`` (see its docstring:
  about 46 000 hm in a normal month, 27 kWh electricity, 4.3 m3 gas and 0.12 t steam per 100 m,
  fixed loads, the Spring-Festival dip in February), giving about 27-28 kgce per 100 m, under the
  30 kgce/100 m of the 2017 dyeing norms. Output grows 3 % in 2024, so that October and November
  2024 lie above the 2023 range (the baseline flags them).
* Heating degree days (base 18 °C) are invented round numbers with the shape of a Yangtze-delta
  winter (about 390 K*d in January, none from June to September), varied by +-10 % between the
  two years; they are not climate data. The heating term (1.2 t steam per K*d) makes winter steam
  about 7 % above summer steam, as the HEAT_SEASON profile of ``make_samples.py`` does.
* The 7 % steam saving is in the range usually claimed for stenter exhaust heat recovery plus
  condensate return; it is an assumption for the demonstration, not a measured result.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_samples import OUTPUT_SEASON, build_all, new_workbook, noisy, save_reproducibly, write_kv_sheet, write_long_sheet  # noqa: E402

YEARS = (2023, 2024)
HDD_BASE = np.array([390, 330, 230, 90, 15, 0, 0, 0, 0, 40, 170, 320], dtype=float)  # K*d, invented
GROWTH = {2023: 1.00, 2024: 1.03}
SAVING_FROM = "2024-04"
STEAM_SAVING = 0.07

# true model per carrier (see the docstring)
ELEC = (240_000.0, 27.5)          # kWh, kWh/hm
GAS = (14_000.0, 4.3)             # m3, m3/hm
STEAM = (650.0, 0.122, 1.2)       # t, t/hm, t/(K*d)
KGCE = {"electricity": 0.1229, "natural_gas": 1.33, "steam": 128.6}  # per kWh, m3, t


def true_tce_model() -> dict:
    """The true total model in tce: intercept [tce], slope per hm [tce/hm], per K*d [tce/(K*d)]."""
    k = KGCE
    return {"intercept": (ELEC[0] * k["electricity"] + GAS[0] * k["natural_gas"] + STEAM[0] * k["steam"]) / 1000,
            "production": (ELEC[1] * k["electricity"] + GAS[1] * k["natural_gas"] + STEAM[1] * k["steam"]) / 1000,
            "hdd": STEAM[2] * k["steam"] / 1000}


def build(path: Path) -> dict:
    rng = np.random.default_rng(20230101)
    periods, output, hdd = [], [], []
    for year in YEARS:
        periods += [f"{year}-{m:02d}" for m in range(1, 13)]
        output += list(noisy(rng, 46_000 * OUTPUT_SEASON * GROWTH[year], 0.02))
        hdd += list(HDD_BASE * rng.uniform(0.9, 1.1, 12))
    output, hdd = np.array(output), np.round(np.array(hdd))
    elec = noisy(rng, ELEC[0] + ELEC[1] * output, 0.015)
    gas = noisy(rng, GAS[0] + GAS[1] * output, 0.02)
    steam = noisy(rng, STEAM[0] + STEAM[1] * output + STEAM[2] * hdd, 0.015)
    project = np.array([p >= SAVING_FROM for p in periods])
    steam_actual = np.where(project, steam * (1 - STEAM_SAVING), steam)

    energy, production, drivers = [], [], []
    for i, p in enumerate(periods):
        energy.append((p, "electricity", round(float(elec[i])), "kWh", "grid, main meter"))
        energy.append((p, "natural_gas", round(float(gas[i])), "m3", "stenters and singeing"))
        note = "park CHP steam" + (" (heat recovery in service)" if project[i] else "")
        energy.append((p, "steam", round(float(steam_actual[i]), 1), "t", note))
        production.append((p, "woven_fabric", round(float(output[i])), "hm", "finished fabric"))
        drivers.append((p, float(hdd[i])))

    wb = new_workbook()
    write_kv_sheet(wb, "Site", ["key", "value"], [
        ("name", "Example Woven Dyeing Mill (fictional, baseline sample)"),
        ("company_id", "91320500MA00000003"),
        ("country", "CN"), ("province", "Jiangsu"), ("enterprise", "existing"),
        ("product", "woven_fabric"), ("grid", "east"),
    ])
    headers = ["period", "item", "quantity", "unit", "note"]
    write_long_sheet(wb, "Energy", headers, energy)
    write_long_sheet(wb, "Production", headers, production)
    write_long_sheet(wb, "Products", ["product", "name", "gsm [g/m2]", "width [cm]"], [
        ("woven_fabric", "Cotton twill, dyed", 210, 148),
    ])
    ws = wb.create_sheet("Drivers")
    ws.append(["period", "Heating degree days [K*d]"])
    for row in drivers:
        ws.append(list(row))
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 28
    save_reproducibly(wb, path)
    saved = (steam - steam_actual) * KGCE["steam"] / 1000
    return {"true_model_tce": {k: round(v, 6) for k, v in true_tce_model().items()},
            "steam_saving_tce_2024": round(float(saved.sum()), 1),
            "output_range_2023_hm": (round(float(output[:12].min())), round(float(output[:12].max())))}


def main() -> None:
    build_all({"baseline_mill_2023_2024.xlsx": build})


if __name__ == "__main__":
    main()
