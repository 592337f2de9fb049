"""Inventory: a mill's activity data as tidy tables, with site metadata and provenance.

Every activity row keeps where it came from (sheet and cell) and what was written (label,
quantity, unit), next to its canonical item, period (``YYYY-MM``), quantity and unit. Names and
units are resolved once per distinct spelling; quantities are converted to the item's canonical
unit with one multiplication per distinct unit string.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from greentex.errors import GreentexError, Issue
from greentex.factors import FactorLibrary, check_value, load_library, match_key
from greentex.names import Names
from greentex.units import conversion_factor, normalize_text, parse_unit, same_dimension

RAW_COLUMNS = ["period", "item", "quantity", "unit", "product", "note", "sheet", "cell",
               "item_cell", "unit_cell", "period_cell"]
ACTIVITY_COLUMNS = ["domain", "period", "item", "quantity", "unit", "product",
                    "label", "input_quantity", "input_unit", "sheet", "cell"]

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_PERIOD_PATTERNS = [
    (re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*\d{1,2})?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"), "ym"),
    (re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*\d{1,2}\s*日)?$"), "ym"),
    (re.compile(r"^(\d{4})(\d{2})$"), "ym"),
    (re.compile(r"^([A-Za-z]{3})[A-Za-z]*\.?\s*[-/ ]?\s*(\d{4})$"), "my"),
    (re.compile(r"^(\d{4})\s*[-/ ]?\s*([A-Za-z]{3})[A-Za-z]*\.?$"), "ym_name"),
]
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
MAX_QUANTITY = 1e12  # one row's quantity in its item's own unit (kWh, m3, kg ...): no mill comes near it


class ExcelError(str):
    """An Excel error value (#DIV/0!, #N/A, #REF! ...) read from a cell: bad input, never empty."""


def parse_period(value) -> str:
    """A month as ``YYYY-MM`` from an Excel date, a date, or text such as 2024-01, 2024/1,
    Jan 2024 or 2024年1月. Raises GreentexError (location added by the caller)."""
    if isinstance(value, (dt.datetime, dt.date, pd.Timestamp)):
        if not 1900 <= value.year <= 2200:  # 202401 typed into a date cell is the day 202401: 2454-02-24
            raise GreentexError(f"the date {value.year:04d}-{value.month:02d}-{value.day:02d} is not a month of a "
                                "ledger", hint="a number such as 202401 typed into a date cell shows as a date "
                                "in 2454: write the month as 2024-01")
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        v = float(value)
        if 200001 <= v <= 210012 and v == int(v) and 1 <= int(v) % 100 <= 12:
            return f"{int(v) // 100:04d}-{int(v) % 100:02d}"
        if 25000 <= v <= 80000:  # an Excel date serial (1968-2119) whose cell lost its date format
            d = EXCEL_EPOCH + dt.timedelta(days=v)
            return f"{d.year:04d}-{d.month:02d}"
        raise GreentexError(f"'{value}' is not a month",
                            hint="write the month as 2024-01, 2024年1月, Jan 2024 or an Excel date")
    text = normalize_text(value) if value is not None else ""
    for pattern, kind in _PERIOD_PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        if kind == "ym":
            year, month = int(m.group(1)), int(m.group(2))
        elif kind == "my":
            year, month = int(m.group(2)), _MONTHS.get(m.group(1).lower(), 0)
        else:
            year, month = int(m.group(1)), _MONTHS.get(m.group(2).lower(), 0)
        if 1 <= month <= 12 and 1900 <= year <= 2200:
            return f"{year:04d}-{month:02d}"
    if month_only(text):
        raise GreentexError(f"'{value}' has no year",
                            hint="give the reporting year in the Site sheet (报告年度) or in the sheet's name "
                                 "(2024年能源), or write the month as 2024年1月")
    raise GreentexError(f"'{value}' is not a month" if text else "the month is empty",
                        hint="write the month as 2024-01, 2024年1月, Jan 2024 or an Excel date")


_MONTH_ONLY = re.compile(r"^(\d{1,2})\s*月份?$|^([A-Za-z]{3})[A-Za-z]*\.?$")
#: what a ledger writes in the month column of a row that sums the months (合计, 全年 ...)
TOTAL_WORDS = {"合计", "总计", "小计", "累计", "全年", "全年合计", "年度合计", "本年累计", "年累计", "合计数",
               "total", "totals", "sum", "subtotal", "year total", "annual total", "ytd"}


def month_only(value) -> int | None:
    """The month of a cell that names a month without its year (1月, 12月份, Jan, March), or None."""
    if not isinstance(value, str):
        return None
    m = _MONTH_ONLY.match(normalize_text(value).strip())
    if not m:
        return None
    month = int(m.group(1)) if m.group(1) else _MONTHS.get(m.group(2).lower(), 0)
    return month if 1 <= month <= 12 else None


def is_total_label(value) -> bool:
    """A month cell that says the row is the sum of the months (合计, 全年, Total ...)."""
    return isinstance(value, str) and re.sub(r"\s+", " ", normalize_text(value).strip()).lower() in TOTAL_WORDS


EMPTY_WORDS = {"", "-", "--", "—", "——", "–", "/", "无"}  # what ledgers write for "nothing this month"
_NUMBER = re.compile(r"^([+-]?(?:\d[\d,]*)?(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*(.*)$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?:[eE][+-]?\d+)?$")
UNIT_WHERE = ("write the unit in the unit column, in the header in brackets ('电力（万kWh）') or after the "
              "number in the cell ('135.5万kWh')")
NUMBER_HINT = "write only the number in the cell, with its unit in the unit column or header"


def site_value_note(note: str):
    """The note on how a Site value was read (site_values.csv) as an Issue worded in each
    language (labels msg_svnote_*), or the note itself where no label words it."""
    from greentex.labels import labels

    key = next((k for k, text in labels()["en"].items() if k.startswith("msg_svnote_") and text == note), None)
    return Issue.of("note", "", "", key[4:]) if key else note


def says_nothing(value) -> bool:
    """A text cell that says nothing this month (EMPTY_WORDS: '-', '—', '/', 无, full-width forms
    too), or text of white space only."""
    return isinstance(value, str) and re.sub(r"\s+", "", normalize_text(value)) in EMPTY_WORDS


def _is_number(value) -> bool:
    try:
        float(value)
        return True
    except (TypeError, ValueError):
        return False


def is_blank(value) -> bool:
    """None, NaN, or text of white space only."""
    return value is None or (isinstance(value, str) and value.strip() == "") or \
        (isinstance(value, float) and np.isnan(value))


def parse_number(value) -> float:
    """A quantity from a number cell or number-like text. Empty gives NaN. Raises GreentexError
    for text that is not a number, and for a number followed by a unit (see split_quantity)."""
    number, unit = split_quantity(value)
    if unit:
        raise GreentexError(f"'{value}' is not a number", hint=NUMBER_HINT)
    return number


def split_quantity(value) -> tuple[float, str]:
    """(number, unit written after it or '') of a cell as ledgers write it: full-width digits,
    thousands separators (1,234.5), a unit typed after the number (135.5万kWh), and ``—``, ``-``,
    ``/`` or ``无`` for an empty cell (NaN). A comma that is not a thousands separator (12,3) is
    refused: it may be a decimal comma. Raises GreentexError (location added by the caller)."""
    if value is None:
        return np.nan, ""
    if isinstance(value, ExcelError):
        raise GreentexError(f"the cell holds the Excel error {value}",
                            hint="correct the formula (or type the number) in Excel and save")
    if isinstance(value, (bool, np.bool_)):
        raise GreentexError(f"'{value}' (a true/false cell) is not a number")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value), ""
    if says_nothing(value):
        return np.nan, ""
    text = normalize_text(value).replace("，", ",")
    m = _NUMBER.match(text)
    digits, unit = (m.group(1), m.group(2).strip()) if m else ("", text)
    if not re.search(r"\d", digits):
        raise GreentexError(f"'{value}' is not a number", hint=NUMBER_HINT)
    if "," in digits and not _THOUSANDS.match(digits):
        raise GreentexError(f"'{value}' is ambiguous: a comma that is not a thousands separator may be a "
                            "decimal comma", hint="write the decimal point as '.', e.g. 12.3 (or 1,234 for a thousands separator)")
    number = float(digits.replace(",", ""))
    if not np.isfinite(number):
        raise GreentexError(f"'{value}' is not a number", hint="write a finite number")
    if unit:
        try:
            if not re.match(r"[^\W\d_]|%", unit):  # a unit starts with a letter (kWh, 万, 吨)
                raise GreentexError(unit)
            parse_unit(unit)
        except GreentexError:
            raise GreentexError(f"'{value}' is not a number", hint=NUMBER_HINT) from None
    return number, unit


def _factorize(values) -> tuple[np.ndarray, list]:
    """(codes, distinct values in order of appearance) of a column or array, missing values
    kept as one distinct None."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    uniques = list(uniques)
    missing = codes < 0
    if missing.any():
        first = int(np.argmax(missing))
        k = int(codes[:first].max()) + 1 if first else 0  # distinct values seen before it
        codes = np.where(missing, k, codes + (codes >= k))
        uniques.insert(k, None)
    return codes, uniques


def _as_text(values: np.ndarray) -> np.ndarray:
    """Object array of str: as given when it is already all text, else each value as str."""
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return values
    return pd.Series(values, dtype=object).astype(str).to_numpy(dtype=object)


def _take_cell_units(raw: pd.DataFrame, rows: np.ndarray, units: np.ndarray, fail) -> None:
    """Rows whose quantity cell carried a unit (135.5万kWh): the unit is used where the row has
    none (blank unit column, header without a unit); a different unit from the row's is refused."""
    has = units != ""
    if not has.any():
        return
    rows, units = rows[has], units[has]
    given = raw["unit"].to_numpy(dtype=object)[rows]
    blank = np.array([is_blank(u) for u in given])
    for k in np.flatnonzero(~blank):
        if normalize_text(units[k]) != normalize_text(given[k]) and \
                (not same_dimension(units[k], given[k]) or conversion_factor(units[k], given[k]) != 1.0):
            mask = np.zeros(len(raw), bool)
            mask[rows[k]] = True
            raise fail(GreentexError(f"the cell says {units[k]}, the unit given for it is {given[k]}",
                                     hint="write the number alone, or the same unit in the cell and the header"),
                       mask, "cell")
    raw["unit"] = raw["unit"].astype(object)
    raw.loc[rows[blank], "unit"] = units[blank]
    raw.loc[rows[blank], "unit_cell"] = raw.loc[rows[blank], "cell"]


def build_activity(raw: pd.DataFrame, domain: str, library: FactorLibrary,
                   file: str | None = None, names: Names | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Resolve and convert raw rows of one activity domain.

    ``raw`` has RAW_COLUMNS (as read: labels, numbers or text, unit strings, sheet and cell
    addresses); ``names`` resolves the labels (greentex.names, with the user's Names).
    Returns (activity rows, rejected rows). Raises GreentexError at the first
    cell that cannot be understood. Each distinct label, unit string, (item, unit) pair and
    month is resolved once; the rows get the results through their codes.
    """
    raw = raw.reindex(columns=RAW_COLUMNS).reset_index(drop=True)

    def fail(exc: GreentexError, mask, column: str) -> GreentexError:
        i = int(np.flatnonzero(np.asarray(mask))[0])
        where = raw.at[i, column]
        if is_blank(where):
            where = raw.at[i, "cell"]
        sheet = raw.at[i, "sheet"]
        return exc.located(file=file, sheet=None if pd.isna(sheet) else str(sheet), cell=str(where))

    # quantities: numbers pass through; each distinct text is parsed once (it may carry a unit)
    qty = raw["quantity"]
    if qty.dtype == object or qty.dtype == bool:
        flags = np.fromiter((isinstance(v, (bool, np.bool_)) for v in qty.to_numpy()), bool, len(qty))
        if flags.any():
            raise fail(GreentexError(f"'{qty[flags].iloc[0]}' (a true/false cell) is not a quantity",
                                     hint="write the number, or leave the cell empty"), flags, "cell")
    num = pd.to_numeric(qty, errors="coerce").to_numpy(dtype=float, copy=True)
    todo = np.isnan(num) & qty.notna().to_numpy()
    if todo.any():
        codes, texts = _factorize(qty[todo])
        values, cell_units = np.empty(len(texts)), []
        for k, text in enumerate(texts):
            try:
                values[k], unit = split_quantity(text)
            except GreentexError as exc:
                mask = np.zeros(len(raw), bool)
                mask[np.flatnonzero(todo)[codes == k]] = True
                raise fail(exc, mask, "cell") from None
            cell_units.append(unit)
        num[todo] = values[codes]
        _take_cell_units(raw, np.flatnonzero(todo), np.array(cell_units, dtype=object)[codes], fail)
    if np.isinf(num).any():
        bad = np.isinf(num)
        raise fail(GreentexError(f"'{qty[bad].iloc[0]}' is not a number", hint="write a finite number"),
                   bad, "cell")
    if (num < 0).any():
        bad = num < 0
        raise fail(GreentexError(f"negative quantity {num[bad][0]:g}",
                                 hint="quantities are amounts used; enter exports as their own item "
                                      "(e.g. electricity_export) and corrections in the month they belong to"),
                   bad, "cell")

    empty = np.isnan(num)
    rejected = pd.DataFrame({"sheet": raw.loc[empty, "sheet"].astype(str), "cell": raw.loc[empty, "cell"].astype(str),
                             "reason": "no quantity"})
    keep = np.flatnonzero(~empty)
    if not len(keep):
        return pd.DataFrame(columns=ACTIVITY_COLUMNS), rejected.reset_index(drop=True)

    def rows_mask(codes, k):
        mask = np.zeros(len(raw), bool)
        mask[keep[codes == k]] = True
        return mask

    every = len(keep) == len(raw)

    def kept(column: str) -> np.ndarray:
        values = raw[column].to_numpy(dtype=object)
        return values if every else values[keep]

    # items: one lookup per distinct label (with the units written for it, which tell 布 in 万米
    # from 布 in t)
    icodes, labels = _factorize(kept("item"))
    label_units = pd.Series(kept("unit")).groupby(icodes).agg(lambda u: tuple(str(x) for x in u.unique() if not is_blank(x)))
    names = names or Names(library)
    resolved = []
    for k, label in enumerate(labels):
        text = "" if label is None else str(label)
        try:
            if not text.strip():
                raise GreentexError("the item name is empty", hint="name the item, e.g. electricity or 电力")
            item = names.resolve(text, domain, label_units.get(k, ()))
            other = library.item_table.at[item, "domain"]
            if other != domain:
                raise GreentexError(f"'{label}' is a {other} item, not a {domain} item",
                                    hint=f"move it to the {other.capitalize()} sheet")
        except GreentexError as exc:
            raise fail(exc, rows_mask(icodes, k), "item_cell") from None
        resolved.append(item)

    # units: one conversion per distinct (item, unit string)
    ucodes, units = _factorize(kept("unit"))
    units = ["" if u is None else str(u) for u in units]
    pcodes, pairs = pd.factorize(icodes.astype(np.int64) * len(units) + ucodes)  # one code per (item, unit)
    pair_factor = np.empty(len(pairs))
    pair_unit = np.empty(len(pairs), dtype=object)
    for k, pair in enumerate(pairs):
        item, unit = resolved[pair // len(units)], units[pair % len(units)]
        if not unit.strip():
            label = labels[icodes[np.flatnonzero(pcodes == k)[0]]]
            raise fail(GreentexError(f"'{label}' has no unit", hint=UNIT_WHERE), rows_mask(pcodes, k), "unit_cell")
        try:
            parse_unit(unit)
        except GreentexError as exc:
            raise fail(exc, rows_mask(pcodes, k), "unit_cell") from None
        canon = library.item_units(item)
        target = next((u for u in canon if same_dimension(unit, u)), None)
        if target is None and domain == "water" and same_dimension(unit, "t") and same_dimension(canon[0], "m**3"):
            # water written in tonnes (吨), as Chinese statistics do: 1 t of water = 1 m3
            pair_factor[k], pair_unit[k] = conversion_factor(unit, "t"), canon[0]
            continue
        if target is None:
            raise fail(GreentexError(f"unit '{unit}' does not fit {item}",
                                     hint=f"give {item} in a unit convertible to {' or '.join(canon)}"),
                       rows_mask(pcodes, k), "unit_cell")
        pair_factor[k], pair_unit[k] = conversion_factor(unit, target), target

    # periods: one parse per distinct value
    tcodes, periods = _factorize(kept("period"))
    parsed = []
    for k, value in enumerate(periods):
        try:
            parsed.append(parse_period(value))
        except GreentexError as exc:
            raise fail(exc, rows_mask(tcodes, k), "period_cell") from None

    # products (optional tag on a row)
    rcodes, tags = _factorize(kept("product"))
    products = []
    for k, label in enumerate(tags):
        if label is None or not str(label).strip():
            products.append("")
            continue
        try:
            item = names.resolve(str(label), "production")
            if library.item_table.at[item, "domain"] != "production":
                raise GreentexError(f"'{label}' is not a product",
                                    hint="use a product category such as woven_fabric, knit_fabric or yarn")
        except GreentexError as exc:
            raise fail(exc, rows_mask(rcodes, k), "cell") from None
        products.append(item)

    items = np.array(resolved, dtype=object)[icodes]
    with np.errstate(over="ignore", invalid="ignore"):
        converted = num[keep] * pair_factor[pcodes]
    too_big = ~(converted <= MAX_QUANTITY)
    if too_big.any():
        k = int(np.argmax(too_big))
        mask = np.zeros(len(raw), bool)
        mask[keep[k]] = True
        raise fail(GreentexError(f"quantity {num[keep][k]:g} {units[ucodes[k]]} is {converted[k]:g} "
                                 f"{pair_unit[pcodes[k]]}, above the limit of {MAX_QUANTITY:g} {pair_unit[pcodes[k]]}",
                                 hint="check the number and its unit (万 is 10 000, 亿 is 100 000 000)"), mask, "cell")
    activity = pd.DataFrame({
        "domain": domain,
        "period": np.array(parsed, dtype=object)[tcodes],
        "item": items,
        "quantity": converted,
        "unit": pair_unit[pcodes],
        "product": items if domain == "production" else np.array(products, dtype=object)[rcodes],
        "label": np.array(["" if v is None else str(v) for v in labels], dtype=object)[icodes],
        "input_quantity": num[keep],
        "input_unit": np.array(units, dtype=object)[ucodes],
        "sheet": _as_text(kept("sheet")),
        "cell": _as_text(kept("cell")),
    })
    return activity, rejected.reset_index(drop=True)


def parse_site(pairs: list[tuple[str, object, str]], library: FactorLibrary,
               file: str | None = None, sheet: str = "Site", names: Names | None = None,
               issues: list | None = None) -> dict:
    """Site metadata from (key as written, value, cell) triples, keys and values in English or
    Chinese (省份 / 所在省份, 华东 / 华东电网, 现有 / 现有企业, 间接排放 ...). Values of keys with a
    closed list (enterprise, grid, wastewater_treatment, discharge, electricity_method) and the
    product are read into their ids; one that is not understood is an error naming its cell.
    Unknown keys are kept as written. A value read by a stated choice (好氧 ->
    aerobic_poorly_managed, the higher MCF) adds a note to ``issues``."""
    site: dict = {}
    cells: dict = {}
    for key, value, cell in pairs:
        if is_blank(key) or is_blank(value):
            continue
        canon = library.resolve_site_key(str(key)) or match_key(str(key))
        site[canon] = normalize_text(value) if isinstance(value, str) else value
        cells[canon] = cell
    loc = lambda key: dict(file=file, sheet=sheet, cell=cells.get(key) or None)  # noqa: E731
    if "year" in site:
        m = re.match(r"^\s*(\d{4})(?:\.0+)?\s*(?:年度?)?\s*$", str(site["year"]))
        if not m:
            raise GreentexError(f"year '{site['year']}' is not a year", **loc("year"),
                                hint="write the reporting year, e.g. 2024 or 2024年")
        site["year"] = int(m.group(1))
    if "grid" in site and _is_number(site["grid"]):  # a number under 'grid factor' is the factor itself
        site.setdefault("grid_factor", site.pop("grid"))
        cells.setdefault("grid_factor", cells.get("grid"))
    for key in library.site_value_keys():
        if key not in site:
            continue
        written = str(site[key])
        value, note = library.resolve_site_value(key, written)
        if value is None:
            raise GreentexError(f"{key} '{written}' is not understood", **loc(key),
                                hint="write one of " + ", ".join(library.site_values(key)) + " (or its Chinese name)")
        site[key] = value
        if note and issues is not None:
            issues.append(Issue.of("note", sheet, cells.get(key, ""), "site_value_read", name=key, value=written,
                                   read=value, why=site_value_note(note)))
    if "product" in site:
        try:
            site["product"] = (names or Names(library)).resolve(str(site["product"]), "production")
        except GreentexError as exc:
            raise exc.located(**loc("product")) from None
    site.setdefault("country", "CN")
    return site


@dataclass
class DriverTable:
    """Monthly values of the drivers of a ``Drivers`` sheet (degree days, operating days ...):
    period x driver, with units and cells."""

    values: pd.DataFrame                      # index: period (YYYY-MM); one column per driver
    units: dict = field(default_factory=dict)  # driver -> pint unit string
    cells: dict = field(default_factory=dict)  # (period, driver) -> cell address
    sheet: str = "Drivers"
    file: str | None = None


@dataclass
class Inventory:
    """A mill's activity data, site metadata and user factor overrides, with provenance."""

    activity: pd.DataFrame
    site: dict = field(default_factory=dict)
    overrides: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["item", "parameter", "value", "unit", "source", "sheet", "cell"]))
    rejected: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["sheet", "cell", "reason"]))
    issues: list[Issue] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    source: dict = field(default_factory=dict)
    drivers: DriverTable | None = None
    products: pd.DataFrame | None = None  # the Products sheet as written (io.workbook._read_products)
    product_masses: pd.DataFrame | None = None  # mass columns of the Production sheet (io.workbook._production_masses)
    targets: pd.DataFrame | None = None   # the Targets sheet (greentex.targets.read_targets)
    names: dict = field(default_factory=dict)  # the workbook's Names sheet: label -> item (greentex.names)

    @classmethod
    def from_frames(cls, *, energy: pd.DataFrame | None = None, water: pd.DataFrame | None = None,
                    chemicals: pd.DataFrame | None = None, production: pd.DataFrame | None = None,
                    refrigerants: pd.DataFrame | None = None,
                    site: dict | None = None, factors: pd.DataFrame | None = None,
                    library: FactorLibrary | None = None) -> "Inventory":
        """Build an Inventory from long frames with columns period, item, quantity, unit
        (optional product, note). Names and units may be written in English or Chinese.

        ``factors`` overrides defaults: columns item, parameter, value, unit, source.
        """
        library = library or load_library()
        parts, rejected, counts = [], [], {}
        for domain, frame in (("energy", energy), ("water", water), ("chemicals", chemicals),
                              ("production", production), ("refrigerants", refrigerants)):
            if frame is None:
                continue
            raw = frame.reset_index(drop=True)  # a new frame: the caller's is not changed
            raw["sheet"] = raw["sheet"] if "sheet" in raw else domain.capitalize()
            raw["cell"] = raw["cell"] if "cell" in raw else np.array(
                [f"row {i}" for i in range(2, len(raw) + 2)], dtype=object)
            act, rej = build_activity(raw, domain, library)
            parts.append(act)
            rejected.append(rej)
            counts[domain.capitalize()] = {"read": len(raw), "used": len(act), "rejected": len(rej)}
        activity = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=ACTIVITY_COLUMNS)
        site_dict = parse_site([(k, v, "") for k, v in (site or {}).items()], library)
        overrides = normalize_overrides(factors, library) if factors is not None else None
        inv = cls(activity=activity, site=site_dict, counts=counts,
                  rejected=pd.concat(rejected, ignore_index=True) if rejected else None)
        if overrides is not None:
            inv.overrides = overrides
        if inv.rejected is None:
            inv.rejected = pd.DataFrame(columns=["sheet", "cell", "reason"])
        return inv

    @property
    def periods(self) -> list[str]:
        return sorted(self.activity["period"].unique().tolist())


def normalize_overrides(frame: pd.DataFrame, library: FactorLibrary, file: str | None = None,
                        sheet: str = "Factors") -> pd.DataFrame:
    """Validate a Factors table (item, parameter, value, unit, source): known item and
    parameter (however written: ``emission_factor``, ``Emission factor``, 排放因子), numeric
    value, parsable unit, a source. Returns canonical rows; ``cell`` is the value's cell.
    Errors name the cell at fault (``<column>_cell`` where the table has it, else ``cell``)."""
    frame = frame.copy().reset_index(drop=True)
    if "cell" not in frame:
        frame["cell"] = [f"row {i + 2}" for i in range(len(frame))]
    out = []
    for row in frame.to_dict("records"):
        cell = row.get("cell", "")
        if all(is_blank(row.get(c)) for c in ("item", "parameter", "value")):
            continue

        def loc(column: str) -> dict:
            where = row.get(f"{column}_cell")
            return dict(file=file, sheet=sheet, cell=cell if is_blank(where) else where)

        item = library.resolve_item(str(row.get("item", "")))
        if item is None:
            raise GreentexError(f"unknown item '{row.get('item')}' in the factors table", **loc("item"),
                                hint="use an item name from `greentex factors show items`")
        param = library.resolve_parameter(str(row.get("parameter", "")))
        if param is None:
            raise GreentexError(f"unknown parameter '{row.get('parameter')}'", **loc("parameter"),
                                hint="use one of " + ", ".join(library.parameters))
        try:
            value = parse_number(row.get("value"))
        except GreentexError as exc:
            raise exc.located(**loc("value")) from None
        if np.isnan(value):
            raise GreentexError("the factor value is empty", **loc("value"))
        try:
            check_value(value, "the factor value")
        except GreentexError as exc:
            raise exc.located(**loc("value")) from None
        unit = "dimensionless" if is_blank(row.get("unit")) else normalize_text(str(row.get("unit")))
        try:
            parse_unit(unit)
        except GreentexError as exc:
            raise exc.located(**loc("unit")) from None
        source = "" if is_blank(row.get("source")) else str(row.get("source")).strip()
        if not source:
            raise GreentexError("the factor has no source", **loc("source"),
                                hint="say where the value comes from, e.g. the supplier's certificate")
        out.append({"item": item, "parameter": param, "value": value, "unit": unit,
                    "source": source, "sheet": sheet, "cell": cell})
    return pd.DataFrame(out, columns=["item", "parameter", "value", "unit", "source", "sheet", "cell"])
