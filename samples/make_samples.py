"""Write the sample input workbooks for greentex (fictional mills, invented data).

Run with any Python that has numpy and openpyxl::

    python samples/make_samples.py

The three workbooks are written next to this script. Everything is drawn from
``numpy.random.default_rng`` with fixed seeds, and the zip entries and document
properties carry fixed timestamps, so a rerun gives byte-identical files.

The mills
---------
jiangsu_woven_dyeing_2024.xlsx
    A cotton / cotton-polyester woven-fabric dyeing & finishing mill in Wujiang
    (Suzhou, Jiangsu), 2024, written the way a Chinese energy manager keeps it:
    Chinese sheet names and headers, WIDE sheets, 万 units (电力（万kWh）,
    天然气（万m³）), purchased steam from a park CHP in t, output in 万米. Periods
    are ``2024年1月`` text in 能源/化学品 and real Excel dates in 水/产量. One 因子
    row gives the gas supplier's NCV as 356 GJ/万Nm3 (= 35.6 MJ/m3). On-site
    anaerobic reactor before discharge to the park treatment plant.
knit_dyeing_2024.xlsx
    A knit-fabric (cotton and polyester) dyeing mill in Shaoxing, Zhejiang. English
    LONG sheets, periods ``2024-01``. Grid electricity in MWh (from May the
    utility bills two metering points, transformer A and B, given as two rows
    that add up to the month's total), self-consumed rooftop PV in kWh, natural
    gas in Nm3, purchased steam in GJ (heat meter) for Jan-Jun and in t (new
    mass-flow meter) from July, forklift diesel in t. No Factors sheet.
multi_product_2024.xlsx
    A Jiangsu mill with a woven line (output in hm) and a knit line (output in
    t). English LONG sheets with a ``product`` column: steam, dyes and some
    auxiliaries are tagged to a line, shared utilities are left untagged and
    split by the Site allocation ``woven_fabric: 0.6; knit_fabric: 0.4``.
    Periods ``Jan 2024``. Green electricity bought from July; a Factors sheet
    gives the gas NCV as 35.6 MJ/m3.

Where the magnitudes come from
------------------------------
* Woven limits, 印染行业规范条件 (2017) as reported in
  /work/shared/reference/cn-standards.md §4.1: comprehensive energy
  <= 30 kgce/100 m, fresh water <= 1.6 t/100 m, water reuse rate >= 40 %.
  Sample 1 is built to sit at about 26-29 kgce/100 m with February (Spring
  Festival, low output on fixed loads, cold water) slightly above 30; fresh
  water about 1.3-1.5 t/100 m; reuse rate rising from about 36 % to 44 %
  as a (fictional) reuse project comes on line.
* Knit dyeing: water 70-150 L/kg and heat 4-8 kWh/kg for conventional
  exhaust dyeing (vendor figures, /work/shared/reference/intl-anchors.md §5.3).
  Samples 2 and 3 use about 95 L/kg fresh water and about 5 kWh/kg heat
  (steam ~5.6-5.8 t per t fabric at an assumed 2.75 GJ/t, plus stenter gas),
  giving about 1.0-1.1 tce/t (February, at low output, about 1.2).
* Conversion used only to design the numbers (greentex takes its own factors):
  1 kWh = 0.1229 kgce, 1 t low-pressure steam = 128.6 kgce, natural gas
  1.33 kgce/m3 by default or NCV/29.3076 = 1.2147 kgce/m3 where the workbook
  gives NCV 35.6 MJ/m3 (samples 1 and 3).
* Scale: a mid-size woven mill makes 3-6 million m a month (30 000-60 000 hm);
  sample 1 runs about 46 000 hm in a normal month. Per 100 m: about 27 kWh
  electricity, 4.3 m3 gas (singeing, stenters) and 0.12 t steam (the steam is
  about two thirds of the energy), plus fixed loads. Soda ash a few tonnes a
  month (continuous pad dyeing); influent COD 1 500-2 500 mg/L, effluent
  60-200 mg/L (indirect-discharge limit 200/500 mg/L, cn-standards.md §4.3).
* Season: output dips at Spring Festival (February) and in high summer;
  steam demand is higher in winter; electricity has a summer cooling load;
  PV follows a Zhejiang monthly yield (~1 050 kWh/kWp a year). Noise is
  1-5 % Gaussian.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

HERE = Path(__file__).resolve().parent
YEAR = 2024
MONTHS = range(1, 13)
FIXED_TIME = dt.datetime(2025, 1, 15, 9, 0, 0)
MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# Monthly profiles (index 0 = January).
OUTPUT_SEASON = np.array([0.88, 0.58, 1.00, 1.04, 1.06, 1.00,
                          0.94, 0.93, 1.05, 1.08, 1.07, 0.98])
HEAT_SEASON = np.array([1.08, 1.09, 1.04, 1.00, 0.97, 0.95,
                        0.94, 0.94, 0.96, 0.99, 1.03, 1.07])
COOLING_KWH = np.array([0, 0, 0, 0, 0, 0.5, 1.0, 1.0, 0.4, 0, 0, 0])  # x peak load
PV_YIELD_KWH_PER_KWP = np.array([60, 62, 80, 95, 105, 95,
                                 125, 125, 100, 88, 65, 55])

# Design-only conversion factors (see docstring).
KGCE_PER_KWH = 0.1229
KGCE_PER_T_STEAM = 128.6
KGCE_PER_M3_GAS_NCV356 = 35.6 / 29.3076
STEAM_GJ_PER_T = 2.75


# --------------------------------------------------------------------------
# period labels
# --------------------------------------------------------------------------
def period_date(m: int) -> dt.datetime:
    return dt.datetime(YEAR, m, 1)


def period_cn(m: int) -> str:
    return f"{YEAR}年{m}月"


def period_iso(m: int) -> str:
    return f"{YEAR}-{m:02d}"


def period_en(m: int) -> str:
    return f"{MONTH_ABBR[m - 1]} {YEAR}"


# --------------------------------------------------------------------------
# small numeric helpers
# --------------------------------------------------------------------------
def noisy(rng: np.random.Generator, values, rel_sd: float) -> np.ndarray:
    """Multiply by (1 + N(0, rel_sd)) element-wise."""
    values = np.asarray(values, dtype=float)
    return values * (1.0 + rng.normal(0.0, rel_sd, size=values.shape))


def rounded(values, ndigits: int) -> list[float]:
    return [round(float(v), ndigits) for v in values]


# --------------------------------------------------------------------------
# sheet writers
# --------------------------------------------------------------------------
BOLD = Font(bold=True)
CN_DATE_FORMAT = 'yyyy"年"m"月"'


def _header(ws, headers) -> None:
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = BOLD
    ws.freeze_panes = "A2"


def _widths(ws, widths) -> None:
    for col, width in zip("ABCDEFGHIJKLMNOP", widths):
        ws.column_dimensions[col].width = width


def write_kv_sheet(wb: Workbook, title: str, header, pairs) -> None:
    """Two-column key | value sheet (Site / 基本信息)."""
    ws = wb.create_sheet(title)
    _header(ws, header)
    for key, value in pairs:
        ws.append([key, value])
    _widths(ws, [24, 48])


def write_wide_sheet(wb: Workbook, title: str, period_header: str, periods,
                     columns: dict[str, list], date_format: str | None = None) -> None:
    """One row per period, one column per item ("header with (unit)")."""
    ws = wb.create_sheet(title)
    _header(ws, [period_header, *columns])
    for i, period in enumerate(periods):
        ws.append([period, *(values[i] for values in columns.values())])
    if date_format:
        for (cell,) in ws.iter_rows(min_row=2, max_col=1):
            cell.number_format = date_format
    _widths(ws, [14] + [16] * len(columns))


def write_long_sheet(wb: Workbook, title: str, headers, rows) -> None:
    """Long form: one row per (period, item[, product]) record."""
    ws = wb.create_sheet(title)
    _header(ws, headers)
    for row in rows:
        ws.append(list(row))
    _widths(ws, [12, 20, 14, 8, 14, 56][: len(headers)])


class _FixedTimeZip(zipfile.ZipFile):
    """ZipFile whose entries all carry FIXED_TIME and the same attributes.

    openpyxl adds most parts with ``writestr`` and the worksheets with
    ``write`` from a temporary file (whose mtime would leak into the zip).
    """

    def writestr(self, zinfo_or_arcname, data, *args, **kwargs):
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname,
                                               date_time=FIXED_TIME.timetuple()[:6])
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o100644 << 16
        return super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename, arcname=None, *args, **kwargs):
        self.writestr(arcname or Path(filename).name, Path(filename).read_bytes())


def save_reproducibly(wb: Workbook, path: Path) -> None:
    """Save with fixed document-property and zip-entry timestamps.

    openpyxl's ``Workbook.save`` stamps "modified" with the current time and
    the zip entries with the wall clock; writing through ExcelWriter into a
    zip with fixed entry dates keeps reruns byte-identical.
    """
    wb.properties.creator = "greentex samples"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    with _FixedTimeZip(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()


def new_workbook() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    return wb


# --------------------------------------------------------------------------
# 1. Jiangsu woven mill (Chinese, wide, 万 units)
# --------------------------------------------------------------------------
def jiangsu_woven(path: Path) -> dict:
    rng = np.random.default_rng(20240101)
    cn_periods = [period_cn(m) for m in MONTHS]
    date_periods = [period_date(m) for m in MONTHS]

    output_hm = noisy(rng, 46_000 * OUTPUT_SEASON, 0.02)
    electricity_kwh = noisy(rng, 240_000 + 27.5 * output_hm + 60_000 * COOLING_KWH, 0.015)
    gas_m3 = noisy(rng, 14_000 + 4.3 * output_hm, 0.02)
    steam_t = noisy(rng, (650 + 0.122 * output_hm) * HEAT_SEASON, 0.015)

    tap_m3 = noisy(rng, 6_000 + 1.18 * output_hm, 0.025)
    reuse_rate = np.linspace(0.36, 0.44, 12) + rng.normal(0, 0.008, 12)
    reused_m3 = tap_m3 * reuse_rate / (1 - reuse_rate)
    wastewater_m3 = tap_m3 * rng.uniform(0.81, 0.86, 12)
    cod_in = np.clip(rng.normal(2_000, 180, 12), 1_500, 2_500)
    cod_out = np.clip(rng.normal(125, 30, 12), 60, 200)

    per_hm = {  # kg per 100 m
        "活性染料（kg）": 0.11, "分散染料（kg）": 0.035, "助剂（kg）": 0.40,
        "纯碱（吨）": 0.09, "烧碱（吨）": 0.55, "双氧水（吨）": 0.32, "元明粉（吨）": 0.20,
    }
    chemicals = {}
    for header, kg_per_hm in per_hm.items():
        kg = noisy(rng, kg_per_hm * output_hm, 0.05)
        chemicals[header] = rounded(kg / 1000, 2) if "吨" in header else rounded(kg, 0)

    energy = {
        "电力（万kWh）": rounded(electricity_kwh / 1e4, 2),
        "天然气（万m³）": rounded(gas_m3 / 1e4, 2),
        "蒸汽（t）": rounded(steam_t, 1),
    }
    water = {
        "自来水（m³）": rounded(tap_m3, 0),
        "回用水（m³）": rounded(reused_m3, 0),
        "废水排放量（m³）": rounded(wastewater_m3, 0),
        "进水COD（mg/L）": rounded(cod_in, 0),
        "出水COD（mg/L）": rounded(cod_out, 0),
    }
    production = {"机织物（万米）": rounded(output_hm / 100, 2)}

    wb = new_workbook()
    write_kv_sheet(wb, "基本信息", ["项目", "内容"], [
        ("名称", "苏州某印染有限公司"),
        ("统一社会信用代码", "91320500MA00000001"),
        ("国家", "CN"),
        ("省份", "江苏"),
        ("年份", YEAR),
        ("企业类型", "现有"),
        ("产品类别", "机织物"),
        ("电网因子", "east"),
        ("污水处理方式", "anaerobic_reactor"),
        ("排放方式", "indirect_park"),
    ])
    write_wide_sheet(wb, "能源", "月份", cn_periods, energy)
    write_wide_sheet(wb, "水", "月份", date_periods, water, CN_DATE_FORMAT)
    write_wide_sheet(wb, "化学品", "月份", cn_periods, chemicals)
    write_wide_sheet(wb, "产量", "月份", date_periods, production, CN_DATE_FORMAT)
    write_long_sheet(wb, "因子", ["item", "parameter", "value", "unit", "source"], [
        ("天然气", "ncv", 356, "GJ/万Nm3", "2024年燃气公司天然气气质检测报告（低位发热量）"),
    ])
    write_long_sheet(wb, "产品信息", ["产品类别", "产品名称", "克重 [g/m2]", "幅宽 [cm]"], [
        ("机织物", "全棉府绸染色布", 120, 150),
    ])
    save_reproducibly(wb, path)

    # Design check, from the values as written.
    elec = np.array(energy["电力（万kWh）"]) * 1e4
    gas = np.array(energy["天然气（万m³）"]) * 1e4
    steam = np.array(energy["蒸汽（t）"])
    hm = np.array(production["机织物（万米）"]) * 100
    tap = np.array(water["自来水（m³）"])
    reused = np.array(water["回用水（m³）"])
    kgce = elec * KGCE_PER_KWH + gas * KGCE_PER_M3_GAS_NCV356 + steam * KGCE_PER_T_STEAM
    return {
        "electricity_kWh": elec.sum(), "natural_gas_m3": gas.sum(),
        "steam_t": steam.sum(), "production_hm": hm.sum(),
        "tap_water_m3": tap.sum(), "reused_water_m3": reused.sum(),
        "kgce_per_hm_by_month": np.round(kgce / hm, 1).tolist(),
        "kgce_per_hm_year": round(kgce.sum() / hm.sum(), 2),
        "fresh_water_t_per_hm_year": round(tap.sum() / hm.sum(), 3),
        "reuse_rate_year": round(reused.sum() / (reused.sum() + tap.sum()), 3),
    }


# --------------------------------------------------------------------------
# 2. Zhejiang knit mill (English, long)
# --------------------------------------------------------------------------
def knit_dyeing(path: Path) -> dict:
    rng = np.random.default_rng(20240102)
    knit_season = np.array([0.85, 0.55, 0.95, 1.00, 1.02, 0.98,
                            1.05, 1.08, 1.10, 1.08, 1.02, 0.95])
    output_t = noisy(rng, 760 * knit_season, 0.02)
    pv_kwh = noisy(rng, 1_500 * PV_YIELD_KWH_PER_KWP, 0.05)
    site_kwh = noisy(rng, 120_000 + 1_150 * output_t + 40_000 * COOLING_KWH, 0.015)
    grid_mwh = (site_kwh - pv_kwh) / 1000
    meter_a_share = rng.uniform(0.56, 0.60, 12)
    gas_nm3 = noisy(rng, 5_000 + 82 * output_t, 0.02)
    steam_t = noisy(rng, (300 + 5.6 * output_t) * HEAT_SEASON, 0.015)
    diesel_t = noisy(rng, np.full(12, 0.9), 0.08)

    tap_m3 = noisy(rng, 3_000 + 68 * output_t, 0.025)
    ground_m3 = noisy(rng, 24 * output_t, 0.03)
    reuse_rate = rng.uniform(0.22, 0.28, 12)
    reused_m3 = (tap_m3 + ground_m3) * reuse_rate / (1 - reuse_rate)
    wastewater_m3 = (tap_m3 + ground_m3) * rng.uniform(0.85, 0.90, 12)
    cod_in = np.clip(rng.normal(1_600, 150, 12), 1_500, 2_500)
    cod_out = np.clip(rng.normal(80, 15, 12), 60, 200)

    chem_kg_per_t = {"reactive_dye": 12, "disperse_dye": 6, "auxiliary": 35,
                     "soda_ash": 50, "sodium_chloride": 120, "hydrogen_peroxide": 20,
                     "caustic_soda": 15, "acetic_acid": 8}
    chem_kg = {item: noisy(rng, k * output_t, 0.05) for item, k in chem_kg_per_t.items()}

    energy, water, chemicals, production = [], [], [], []
    for i, m in enumerate(MONTHS):
        p = period_iso(m)
        total = round(float(grid_mwh[i]), 3)
        if m < 5:
            energy.append((p, "electricity", total, "MWh", "grid, main incoming meter"))
        else:
            meter_a = round(total * float(meter_a_share[i]), 3)
            energy.append((p, "electricity", meter_a, "MWh", "grid, meter A (transformer T1)"))
            energy.append((p, "electricity", round(total - meter_a, 3), "MWh",
                           "grid, meter B (transformer T2); A + B = month total"))
        energy.append((p, "solar_pv", round(float(pv_kwh[i])), "kWh",
                       "rooftop PV 1.5 MWp, self-consumed"))
        energy.append((p, "natural_gas", round(float(gas_nm3[i])), "Nm3", "stenters and dryers"))
        if m < 7:
            energy.append((p, "steam", round(float(steam_t[i]) * STEAM_GJ_PER_T, 1), "GJ",
                           "purchased steam, heat meter reading (GJ) until June"))
        else:
            energy.append((p, "steam", round(float(steam_t[i]), 1), "t",
                           "purchased steam, new mass-flow meter from 2024-07 (t)"))
        energy.append((p, "diesel", round(float(diesel_t[i]), 2), "t", "forklifts"))

        water.append((p, "tap_water", round(float(tap_m3[i])), "m3", "municipal supply"))
        water.append((p, "groundwater", round(float(ground_m3[i])), "m3", "licensed well"))
        water.append((p, "reused_water", round(float(reused_m3[i])), "m3",
                      "membrane reuse plant output"))
        water.append((p, "wastewater", round(float(wastewater_m3[i])), "m3",
                      "to park WWTP, outlet flow meter"))
        water.append((p, "cod_in", round(float(cod_in[i])), "mg/L", "monthly average, lab"))
        water.append((p, "cod_out", round(float(cod_out[i])), "mg/L", "online monitor average"))

        for item, kg in chem_kg.items():
            chemicals.append((p, item, round(float(kg[i])), "kg", ""))
        production.append((p, "knit_fabric", round(float(output_t[i]), 1), "t",
                           "finished fabric, dispatched weight"))

    wb = new_workbook()
    write_kv_sheet(wb, "Site", ["key", "value"], [
        ("name", "Shaoxing Example Knit Dyeing Co., Ltd. (fictional)"),
        ("company_id", "urn:pact:company:customcode:buyer-assigned:SX-0042"),
        ("country", "CN"),
        ("province", "Zhejiang"),
        ("year", YEAR),
        ("enterprise", "existing"),
        ("product", "knit_fabric"),
        ("grid", "national"),
        ("wastewater_treatment", "aerobic_well_managed"),
        ("discharge", "indirect"),
    ])
    headers = ["period", "item", "quantity", "unit", "note"]
    for title, rows in [("Energy", energy), ("Water", water),
                        ("Chemicals", chemicals), ("Production", production)]:
        write_long_sheet(wb, title, headers, rows)
    save_reproducibly(wb, path)

    return {"grid_electricity_MWh": round(sum(r[2] for r in energy if r[1] == "electricity"), 3),
            "production_t": round(sum(r[2] for r in production), 1)}


# --------------------------------------------------------------------------
# 3. Two product lines (English, long, product column)
# --------------------------------------------------------------------------
def multi_product(path: Path) -> dict:
    rng = np.random.default_rng(20240103)
    woven_hm = noisy(rng, 22_000 * OUTPUT_SEASON, 0.02)
    knit_t = noisy(rng, 320 * OUTPUT_SEASON, 0.02)

    grid_kwh = noisy(rng, 180_000 + 26 * woven_hm + 1_100 * knit_t + 50_000 * COOLING_KWH, 0.015)
    green_kwh = np.where(np.arange(12) >= 6, 200_000.0, 0.0)
    grid_kwh = grid_kwh - green_kwh
    gas_m3 = noisy(rng, 8_000 + 4.0 * woven_hm + 80 * knit_t, 0.02)
    steam_woven_t = noisy(rng, (300 + 0.12 * woven_hm) * HEAT_SEASON, 0.015)
    steam_knit_t = noisy(rng, (200 + 5.8 * knit_t) * HEAT_SEASON, 0.015)
    lpg_kg = noisy(rng, np.full(12, 600.0), 0.08)

    fresh_m3 = noisy(rng, 4_000 + 1.2 * woven_hm + 90 * knit_t, 0.025)
    surface_share = rng.uniform(0.30, 0.35, 12)
    reuse_rate = rng.uniform(0.38, 0.43, 12)
    reused_m3 = fresh_m3 * reuse_rate / (1 - reuse_rate)
    wastewater_m3 = fresh_m3 * rng.uniform(0.83, 0.88, 12)
    cod_in = np.clip(rng.normal(1_900, 200, 12), 1_500, 2_500)
    cod_out = np.clip(rng.normal(150, 25, 12), 60, 200)

    # (item, product tag or "" for shared, expected kg per month)
    chemical_recipe = [
        ("reactive_dye", "woven_fabric", 0.11 * woven_hm),
        ("reactive_dye", "knit_fabric", 12.0 * knit_t),
        ("disperse_dye", "knit_fabric", 6.0 * knit_t),
        ("auxiliary", "woven_fabric", 0.40 * woven_hm),
        ("auxiliary", "knit_fabric", 35.0 * knit_t),
        ("caustic_soda", "woven_fabric", 0.55 * woven_hm),
        ("sodium_chloride", "knit_fabric", 120.0 * knit_t),
        ("acetic_acid", "knit_fabric", 8.0 * knit_t),
        ("soda_ash", "", 0.09 * woven_hm + 50.0 * knit_t),
        ("hydrogen_peroxide", "", 0.32 * woven_hm + 20.0 * knit_t),
    ]
    chem_kg = [(item, prod, noisy(rng, kg, 0.05)) for item, prod, kg in chemical_recipe]

    energy, water, chemicals, production = [], [], [], []
    for i, m in enumerate(MONTHS):
        p = period_en(m)
        energy.append((p, "electricity", round(float(grid_kwh[i])), "kWh", "", "grid, shared"))
        if green_kwh[i]:
            energy.append((p, "green_electricity", round(float(green_kwh[i])), "kWh", "",
                           "green power trading contract, certificates held"))
        energy.append((p, "natural_gas", round(float(gas_m3[i])), "m3", "", "stenters, shared"))
        energy.append((p, "steam", round(float(steam_woven_t[i]), 1), "t", "woven_fabric",
                       "sub-meter, woven line"))
        energy.append((p, "steam", round(float(steam_knit_t[i]), 1), "t", "knit_fabric",
                       "sub-meter, knit line"))
        energy.append((p, "lpg", round(float(lpg_kg[i])), "kg", "", "canteen"))

        water.append((p, "tap_water", round(float(fresh_m3[i] * (1 - surface_share[i]))),
                      "m3", "", "municipal supply"))
        water.append((p, "surface_water", round(float(fresh_m3[i] * surface_share[i])),
                      "m3", "", "canal intake, licensed"))
        water.append((p, "reused_water", round(float(reused_m3[i])), "m3", "", ""))
        water.append((p, "wastewater", round(float(wastewater_m3[i])), "m3", "", ""))
        water.append((p, "cod_in", round(float(cod_in[i])), "mg/L", "", ""))
        water.append((p, "cod_out", round(float(cod_out[i])), "mg/L", "", ""))

        for item, prod, kg in chem_kg:
            chemicals.append((p, item, round(float(kg[i])), "kg", prod, ""))
        production.append((p, "woven_fabric", round(float(woven_hm[i])), "hm", "", "100 m units"))
        production.append((p, "knit_fabric", round(float(knit_t[i]), 1), "t", "", ""))

    wb = new_workbook()
    write_kv_sheet(wb, "Site", ["key", "value"], [
        ("name", "Example Jiangsu Woven & Knit Dyeing Co. (fictional)"),
        ("company_id", "91320200MA00000002"),
        ("country", "CN"),
        ("province", "Jiangsu"),
        ("year", YEAR),
        ("enterprise", "existing"),
        ("product", "woven_fabric"),
        ("grid", "jiangsu"),
        ("wastewater_treatment", "aerobic_poorly_managed"),
        ("allocation", "woven_fabric: 0.6; knit_fabric: 0.4"),
    ])
    headers = ["period", "item", "quantity", "unit", "product", "note"]
    for title, rows in [("Energy", energy), ("Water", water),
                        ("Chemicals", chemicals), ("Production", production)]:
        write_long_sheet(wb, title, headers, rows)
    write_long_sheet(wb, "Factors", ["item", "parameter", "value", "unit", "source"], [
        ("natural_gas", "ncv", 35.6, "MJ/m3", "2024 supplier gas quality certificate"),
    ])
    write_long_sheet(wb, "Products", ["product", "name", "product id", "kg per 100 m"], [
        ("woven_fabric", "Poplin, dyed", "urn:pact:example-mill.com:supplier-id:W-101", 16.5),
        ("knit_fabric", "Single jersey, dyed", "urn:pact:example-mill.com:supplier-id:K-201", None),
    ])
    save_reproducibly(wb, path)

    return {"woven_hm": sum(r[2] for r in production if r[1] == "woven_fabric"),
            "knit_t": round(sum(r[2] for r in production if r[1] == "knit_fabric"), 1)}


def build_all(builders: dict) -> None:
    """Write each workbook beside this script and print the totals it was built to."""
    for name, build in builders.items():
        summary = build(HERE / name)
        print(name)
        for key, value in summary.items():
            print(f"    {key}: {value}")


def main() -> None:
    build_all({
        "jiangsu_woven_dyeing_2024.xlsx": jiangsu_woven,
        "knit_dyeing_2024.xlsx": knit_dyeing,
        "multi_product_2024.xlsx": multi_product,
    })


if __name__ == "__main__":
    main()
