"""Read a mill's workbook into an Inventory.

Sheets are matched by name in English or Chinese (Site/基本信息, Energy/能源, Water/水,
Chemicals/化学品, Production/产量, Factors/因子, Drivers/驱动因素, Targets/目标); other sheets are
listed as a note. Activity sheets are long (period, item, quantity, unit[, note][, product]) or wide (period, then one
column per item with its unit in brackets: ``Electricity [kWh]``, ``电力（万kWh）``).

Cells are read column-wise with calamine (cached values of formulas, as Excel saved them).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd

from greentex import intensity
from greentex.errors import GreentexError, Issue
from greentex.factors import FactorLibrary, load_library, match_key
from greentex.inventory import (DriverTable, ExcelError, Inventory, _factorize, build_activity,
                                is_total_label, month_only, normalize_overrides,
                                parse_number, is_blank, parse_period, parse_site, says_nothing)
from greentex.io import paused_gc
from greentex.io.filecheck import uncached_formulas
from greentex.io.sheets import Book, grid, open_book as _open
from greentex.names import Names, _parts, _strips, read_names_table
from greentex.targets import read_targets
from greentex.units import normalize_text, parse_unit

SHEETS = {
    "site": ["site", "基本信息", "企业信息", "info", "基本情况", "概况", "企业概况", "site info"],
    "energy": ["energy", "能源", "能耗", "能源消耗", "能源消费", "能源购进、消费与库存", "能源购进消费与库存"],
    "water": ["water", "水", "用水", "水资源", "取水", "取用水", "水耗", "用排水"],
    "chemicals": ["chemicals", "化学品", "染化料", "化工原料"],
    "production": ["production", "产量", "产品产量", "生产", "产值产量", "工业产品产量"],
    "refrigerants": ["refrigerants", "制冷剂", "冷媒", "制冷剂充注"],
    "factors": ["factors", "因子", "排放因子", "参数"],
    "drivers": ["drivers", "driver", "驱动因素", "相关变量"],
    "products": ["products", "产品信息", "产品清单", "产品规格"],
    "names": ["names", "名称对照", "名称对照表", "names map"],
    "targets": ["targets", "目标", "年度目标", "目标值", "能耗目标", "节能目标", "用能目标", "能耗双控目标", "targets and budgets"],
    "ignored": ["instructions", "填写说明", "说明", "lists", "readme"],
}
ACTIVITY_SHEETS = ("energy", "water", "chemicals", "production", "refrigerants")
COLUMNS = {
    "period": ["period", "month", "月份", "月", "期间", "日期", "时间", "年月"],
    "item": ["item", "名称", "项目", "品种", "能源品种", "类别"],
    "quantity": ["quantity", "amount", "value", "数量", "用量", "消耗量", "数值", "实物量"],
    "unit": ["unit", "units", "单位", "计量单位"],
    "note": ["note", "notes", "comment", "备注", "说明"],
    "product": ["product", "line", "产品", "产线"],
    "parameter": ["parameter", "参数"],
    "source": ["source", "来源", "数据来源"],
}
PRODUCT_COLUMNS = {  # Products sheet: one row per product category of the Production sheet
    "product": ["product", "product category", "产品", "产品类别", "类别"],
    "name": ["name", "trade name", "产品名称", "品名", "商品名称"],
    "product_id": ["product id", "product_id", "产品编号", "货号", "编号"],
    "cpc": ["cpc", "cpc code", "产品分类代码"],
    "gsm": ["gsm", "grams per square metre", "mass per area", "克重", "面密度"],
    "width": ["width", "幅宽", "门幅"],
    "mass_per_length": ["mass per length", "kg per 100 m", "百米重", "百米重量"],
    "biogenic_carbon": ["biogenic carbon", "biogenic carbon content", "生物碳含量", "生物质碳含量"],
    "fossil_carbon": ["fossil carbon", "fossil carbon content", "化石碳含量"],
}
PRODUCT_UNITS = {"gsm": "g/m**2", "width": "cm", "mass_per_length": "kg/hm",  # when the header names none
                 "biogenic_carbon": "%", "fossil_carbon": "%"}  # carbon per mass of product
TEMPLATE_MARK = "example row"
_HEADER_UNIT = re.compile(r"^(.*?)\s*[\[(](.+)[\])]\s*$")


def column_letter(index: int) -> str:
    """Excel column letters of a 0-based column index (0 -> A, 27 -> AB)."""
    s = ""
    index += 1
    while index:
        index, r = divmod(index - 1, 26)
        s = chr(65 + r) + s
    return s


def _blank_frame(data: pd.DataFrame) -> pd.DataFrame:
    """Blank cells (None, NaN, '' or white space only), column by column without a Python call
    per cell: only text cells are checked further."""
    out = {}
    for c in data.columns:
        col = data[c]
        blank = col.isna().to_numpy() | (col == "").to_numpy()
        if col.dtype == object:
            text = np.fromiter((isinstance(v, str) for v in col.to_numpy()), bool, len(col)) & ~blank
            if text.any():
                blank[text] = col[text].str.strip().eq("").to_numpy()
        out[c] = blank
    return pd.DataFrame(out, index=data.index)


def _name_index(table: dict) -> dict:
    """{matched name: kind} from {kind: names}; where two kinds share a name, the first wins."""
    index: dict[str, str] = {}
    for kind, names in table.items():
        for n in names:
            index.setdefault(match_key(n), kind)
    return index


_SHEET_KIND = _name_index(SHEETS)
_COLUMN_ROLE = _name_index(COLUMNS)


_YEAR = re.compile(r"^(?:19|20)\d\d(?:年度?)?|(?:19|20)\d\d(?:年度?)?$")


def _kind_of_sheet(name: str, library: FactorLibrary | None = None) -> str | None:
    """The kind of a sheet from its name as written: 能源, or with the words ledgers put around
    it (2024年能源消耗统计表, 企业基本情况, 用水台账; the words are factors/name_parts.csv rows
    of kind ``sheet``, split off as names.py splits measure words off a label)."""
    key = match_key(name)
    if key in _SHEET_KIND:
        return _SHEET_KIND[key]
    parts = _parts(library or load_library())
    core = _YEAR.sub("", key)
    for c in [core] + [c for c, _ in _strips(parts, core, parts.sheet_ends)]:
        if c in _SHEET_KIND:
            return _SHEET_KIND[c]
    return None


def _site_keys_in(rows: list[list], library: FactorLibrary) -> list[str]:
    """Site keys (name, province, year ...) written in the first column of ``rows``."""
    return [str(r[0]) for r in rows[:60] if r and not is_blank(r[0]) and library.resolve_site_key(str(r[0]))]


def _column_role(header) -> str | None:
    return None if is_blank(header) else _COLUMN_ROLE.get(match_key(str(header)))


def sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _grid_checked(wb: Book, name: str, file: str) -> list[list]:
    """A sheet's rows from A1 (greentex.io.sheets.grid); Excel error values come back as
    ExcelError, not empty."""
    rows, errors = grid(wb, name, file)
    for (r, c), text in errors.items():
        if r < len(rows) and c < len(rows[r]):
            rows[r][c] = ExcelError(text)
    return rows


def _header_index(rows: list[list]) -> int | None:
    for i, row in enumerate(rows):
        if any(not is_blank(v) for v in row):
            return i
    return None


def _per_value(column, fn) -> np.ndarray:
    """``fn`` of each cell of a column, called once per distinct value (a sheet of many rows has
    few months)."""
    codes, uniques = _factorize(column)
    return np.array([fn(v) for v in uniques], dtype=object)[codes]


def _next_month(month: str) -> str:
    m = int(month[:4]) * 12 + int(month[5:7])
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def _rows_left_out(frame: pd.DataFrame, sheet_name: str, empty: np.ndarray) -> list[Issue]:
    """A warning for each item of a long sheet that has a quantity in one month and none in the
    next, where the sheet has other rows for that next month: a row left out, perhaps, or a row
    whose quantity cell is empty (``empty``, per row), named by its cell (the last such row).
    Works on (item, month) codes: the loop runs over distinct pairs, not rows."""
    item_code, items = pd.factorize(frame["item"].astype(str).to_numpy(dtype=object))
    month_code, months = pd.factorize(_per_value(frame["period"], _month_or_text).astype(str))
    pair = item_code.astype(np.int64) * len(months) + month_code
    present = set(np.unique(pair[~empty]).tolist())
    blank_pairs = pair[empty]
    last_blank = {}
    if len(blank_pairs):
        uniq, last = np.unique(blank_pairs[::-1], return_index=True)
        cells = frame["cell"].to_numpy()[empty][::-1]
        last_blank = dict(zip(uniq.tolist(), cells[last]))
    n, month_index = len(months), {m: k for k, m in enumerate(months)}
    out = []
    for item, m, p in sorted((items[p // n], months[p % n], p) for p in present):
        after = _next_month(m) if re.fullmatch(r"\d{4}-\d\d", m) else ""
        if after not in month_index:
            continue
        next_pair = p - p % n + month_index[after]
        if next_pair in present:
            continue
        ref = last_blank.get(next_pair)
        if ref is not None:
            out.append(Issue.of("warning", sheet_name, ref, "empty_cell", item=item, ref=ref, period=after))
        else:
            out.append(Issue.of("warning", sheet_name, after, "row_left_out", item=item, period=after, before=m))
    return out


def _long_frame(rows, h, roles, sheet_name, issues=None) -> tuple[pd.DataFrame, int, list[int], int]:
    """A long sheet's rows; returns (rows, data rows read, [] (no row is dropped here), empty
    quantity cells), like _wide_frame; with ``issues``, a row that looks left out is a warning there."""
    if len(rows) <= h + 1:
        return pd.DataFrame(), 0, [], 0
    data = pd.DataFrame(rows[h + 1:], columns=range(len(rows[h])))
    blank = _blank_frame(data)
    keep = ~blank.all(axis=1)
    data = data[keep]
    col_of = {role: idx for idx, role in roles.items()}
    blanks = int(blank.loc[keep, col_of["quantity"]].sum())
    excel_rows = (data.index.to_numpy() + h + 2).astype(str)
    frame = pd.DataFrame({role: (data[col_of[role]].to_numpy() if role in col_of else None)
                          for role in ("period", "item", "quantity", "unit", "note", "product")})
    frame["sheet"] = sheet_name
    for column, role in (("cell", "quantity"), ("item_cell", "item"), ("unit_cell", "unit"),
                         ("period_cell", "period")):
        frame[column] = np.char.add(column_letter(col_of[role]), excel_rows)
    if issues is not None and len(frame):
        issues += _rows_left_out(frame, sheet_name, blank.loc[keep, col_of["quantity"]].to_numpy())
    return frame, len(data), [], blanks


def _header_columns(header: list, h: int, sheet: str, file, what: str, hint: str,
                    unit_needed: bool = True) -> list[tuple[int, str, str]]:
    """(column, name, unit) of every column after the first of a header row whose cells read
    'name [unit]', 'name (unit)' or 'name（unit）'; a header without a unit is an error, or
    (``unit_needed`` false: each cell then carries its unit, 135.5万kWh) has the unit ''."""
    out = []
    for j, text in enumerate(header[1:], start=1):
        if is_blank(text):
            continue
        m = _HEADER_UNIT.match(normalize_text(str(text)))
        if not m and not unit_needed:
            out.append((j, normalize_text(str(text)), ""))
            continue
        if not m:
            raise GreentexError(f"{what} '{text}' has no unit", file=file, sheet=sheet,
                                cell=f"{column_letter(j)}{h + 1}", hint=hint)
        out.append((j, m.group(1).strip(), m.group(2).strip()))
    return out


def _month_or_text(value) -> str:
    """The month a cell names (YYYY-MM), or its text when it names none (reported later)."""
    try:
        return parse_period(value)
    except GreentexError:
        return str(value)


def _empty_cells(blank: pd.DataFrame, cols, items, excel_rows, values_blank, month, sheet_name) -> list[Issue]:
    """A warning for each empty cell of an item in a row that has other values, where the row
    before has one for that item: a value left out, perhaps (it counts as not used)."""
    out = []
    for item, j in zip(items, cols):
        empty = blank[j].to_numpy()
        for k in np.flatnonzero(empty[1:] & ~empty[:-1] & ~values_blank[1:]) + 1:
            out.append(Issue.of("warning", sheet_name, f"{column_letter(j)}{excel_rows[k]}", "empty_cell",
                                item=item, ref=f"{column_letter(j)}{excel_rows[k]}", period=month.get(k, "")))
    return out


def _nothing_cells(body: pd.DataFrame, blank: pd.DataFrame, cols, items, excel_rows, values_blank,
                   sheet_name) -> list[Issue]:
    """A note per item column whose cells say nothing this month ('-', '—', '/', 无) in rows that
    have other values: they count as not used, so that month has no figure for the item."""
    out = []
    for item, j in zip(items, cols):
        if body[j].dtype != object:  # a column of numbers only
            continue
        said = _per_value(body[j], says_nothing).astype(bool) & ~blank[j].to_numpy() & ~values_blank
        if said.any():
            refs = [f"{column_letter(j)}{r}" for r in excel_rows[said]]
            out.append(Issue.of("note", sheet_name, refs[0], "nothing_cells", item=item, n=len(refs),
                                refs=", ".join(refs[:6]) + (" …" if len(refs) > 6 else "")))
    return out


def _wide_frame(rows, h, sheet_name, file, issues=None) -> tuple[pd.DataFrame, int, list[int], int]:
    """Melt a wide sheet; returns (rows, data rows read, rows without values, empty value cells);
    an empty cell that looks left out is a warning in ``issues``."""
    header = rows[h]
    columns = _header_columns(header, h, sheet_name, file, "column header",
                              "write the unit in brackets, e.g. 'Electricity [kWh]' or '电力（万kWh）'", unit_needed=False)
    cols = [c[0] for c in columns]
    items = [c[1] for c in columns]
    units = [c[2] for c in columns]
    body = pd.DataFrame(rows[h + 1:]) if len(rows) > h + 1 else pd.DataFrame(columns=range(len(header)))
    if body.empty:
        return pd.DataFrame(), 0, [], 0
    blank = _blank_frame(body)
    keep = ~blank.all(axis=1)
    body, blank = body[keep], blank[keep]
    excel_rows = body.index.to_numpy() + h + 2
    values_blank = blank[cols].all(axis=1).to_numpy() if cols else np.ones(len(body), bool)
    # months must be unique in a wide sheet, however they are written (2024-01, 2024/1, 2024年1月)
    period = body[0]
    month = period[~values_blank].map(_month_or_text)
    repeated = month[month.duplicated(keep=False)]
    if len(repeated):
        label = repeated.iloc[0]
        r = excel_rows[body.index.get_indexer(repeated[repeated == label].index)]
        raise GreentexError(f"month '{label}' appears in rows {', '.join(map(str, r))}", file=file,
                            sheet=sheet_name, cell=f"A{r[1]}",
                            hint="a wide sheet has one row per month: add the values up in one row")
    parts = []
    for item, unit, j in zip(items, units, cols):
        vals = body[j]
        mask = ~blank[j].to_numpy()
        if not mask.any():
            continue
        parts.append(pd.DataFrame({
            "period": period.to_numpy()[mask], "item": item, "quantity": vals.to_numpy()[mask], "unit": unit,
            "product": None, "note": None, "sheet": sheet_name,
            "cell": np.char.add(column_letter(j), excel_rows[mask].astype(str)),
            "item_cell": f"{column_letter(j)}{h + 1}", "unit_cell": f"{column_letter(j)}{h + 1}",
            "period_cell": np.char.add("A", excel_rows[mask].astype(str)),
        }))
    if issues is not None:
        months = dict(zip(np.flatnonzero(~values_blank), month.tolist()))
        issues += _empty_cells(blank, cols, items, excel_rows, values_blank, months, sheet_name)
        issues += _nothing_cells(body, blank, cols, items, excel_rows, values_blank, sheet_name)
    rejected_rows = [int(r) for r in excel_rows[values_blank]]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    blanks = int(blank[cols].to_numpy().sum()) if cols else 0
    return frame, len(body), rejected_rows, blanks


@paused_gc()
def read_workbook(path: str | Path, *, library: FactorLibrary | None = None) -> Inventory:
    """Read a workbook into an Inventory. Raises GreentexError naming file, sheet and cell."""
    path = Path(path)
    library = library or load_library()
    wb, file_type = _open(path)
    file = path.name
    issues: list[Issue] = []
    found: dict[str, str] = {}
    unknown = []
    for name in wb.sheet_names:
        kind = _kind_of_sheet(name, library)
        if kind == "ignored":
            continue
        if kind is None:
            unknown.append(name)
        elif kind in found:
            raise GreentexError(f"two {kind} sheets: '{found[kind]}' and '{name}'", file=file, sheet=name,
                                hint="keep one sheet per kind")
        else:
            found[kind] = name
    for name in unknown:
        _unknown_sheet(wb, name, file, found, library, issues)
    hidden = wb.hidden()
    for kind, name in found.items():
        if name in hidden:
            issues.append(Issue.of("note", name, "", "sheet_hidden", state=hidden[name]))
    if not any(k in found for k in ACTIVITY_SHEETS):
        raise GreentexError("no activity sheet", file=file,
                            hint="name a sheet Energy/能源, Water/水, Chemicals/化学品 or Production/产量; "
                                 "`greentex template` writes a workbook to fill")
    def check_formulas(sheets: list[str]) -> None:
        """A formula with no saved value reads as an empty cell: look for one wherever a cell
        came back empty (complete sheets are not scanned)."""
        if file_type != "xlsx" or not sheets:
            return
        for name, cells in uncached_formulas(path, sheets).items():
            more = f" (and {len(cells) - 1} more)" if len(cells) > 1 else ""
            raise GreentexError(f"formula with no saved value{more}", file=file, sheet=name, cell=cells[0],
                                hint="the file was written by a program and never calculated: open it in "
                                     "Excel or LibreOffice, let it calculate, and save it")

    check_formulas([found[k] for k in ("site", "factors", "drivers", "names", "targets") if k in found])
    sheet_names = _read_names(_grid_checked(wb, found["names"], file), found["names"], library, file) \
        if "names" in found else {}
    names = Names(library, sheet_names)
    site = {}
    if "site" in found:
        rows = _grid_checked(wb, found["site"], file)
        pairs = [(r[0], r[1] if len(r) > 1 else None, f"B{i + 1}") for i, r in enumerate(rows) if r]
        first = pairs[0][0] if pairs else None
        if first is not None and library.resolve_site_key(str(first)) is None and \
                (_column_role(first) or match_key(str(first)) == "key"):  # a header row, not a key
            pairs = pairs[1:]
        site = parse_site(pairs, library, file=file, sheet=found["site"], names=names, issues=issues)
        site_pairs = pairs
        for key, value, cell in pairs:
            if not is_blank(key) and library.resolve_site_key(str(key)) is None:
                issues.append(Issue.of("note", found["site"], f"A{cell[1:]}", "unknown_site_key", name=key))
    else:
        site = parse_site([], library)
    parts, rejected, counts = [], [], {}
    template_rows = 0
    masses = None
    for kind in ACTIVITY_SHEETS:
        if kind not in found:
            continue
        name = found[kind]
        rows = _grid_checked(wb, name, file)
        h = _header_index(rows)
        if h is None:
            counts[name] = {"read": 0, "used": 0, "rejected": 0}
            continue
        roles = {}
        for j, text in enumerate(rows[h]):
            role = _column_role(text)
            if role and role not in roles.values():
                roles[j] = role
        if {"item", "quantity", "unit"} <= set(roles.values()):
            if "period" not in roles.values():
                raise GreentexError("no period column", file=file, sheet=name, cell=f"A{h + 1}",
                                    hint="add a column 'period' (月份) with the month of each row")
            continuous = issues if kind in ("energy", "water") else None  # used every month, unlike chemicals
            raw, n_read, wide_rejected, blanks = _long_frame(rows, h, roles, name, continuous)
            if kind == "production":
                masses = _production_masses(rows, h, roles, name, file, names)
        else:
            raw, n_read, wide_rejected, blanks = _wide_frame(rows, h, name, file, issues)
        del rows  # the sheet's cells are in ``raw`` now: not held while they are resolved
        if blanks:
            check_formulas([name])
        example = raw["note"].astype(str).str.contains(TEMPLATE_MARK, case=False, na=False) \
            if len(raw) else pd.Series(False, index=raw.index)
        template_rows += int(example.sum())
        if example.any():
            rejected.append(raw.loc[example, ["sheet", "cell"]].assign(reason="template example row"))
            raw = raw[~example]
        raw, totals = _months_and_totals(raw, name, _sheet_year(name) or site.get("year"), issues)
        if totals:
            rejected.append(pd.DataFrame({"sheet": name, "cell": [f"row {r}" for r in totals],
                                          "reason": "total row (the months are summed by greentex)"}))
        if len(raw):
            try:
                act, rej = build_activity(raw, kind, library, file=file, names=names)
            except GreentexError as exc:
                raise exc.located(file=file, sheet=name) from None
        else:
            act, rej = pd.DataFrame(), pd.DataFrame(columns=["sheet", "cell", "reason"])
        rej = pd.concat([rej, pd.DataFrame({"sheet": name, "cell": [f"row {r}" for r in wide_rejected],
                                            "reason": "no values in this row"})], ignore_index=True)
        parts.append(act)
        rejected.append(rej)
        n_rejected = len(rej) + int(example.sum()) + len(totals)
        counts[name] = {"read": n_read, "used": n_read - n_rejected, "rejected": n_rejected}
    activity = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else None
    if activity is None:
        if template_rows:
            raise GreentexError("the workbook holds only the template's example rows", file=file,
                                hint="replace the example rows with the mill's own data")
        raise GreentexError("no data in any activity sheet", file=file,
                            hint="fill in at least one month of energy, water, chemicals or production")
    drivers = _read_drivers(_grid_checked(wb, found["drivers"], file), found["drivers"], file) \
        if "drivers" in found else None
    if site.get("allocation") and "site" in found:
        _check_allocation(site, site_pairs, activity, library, names, file, found["site"])
    overrides = None
    if "factors" in found:
        overrides = _read_factors(_grid_checked(wb, found["factors"], file), found["factors"], library, file)
    inv = Inventory(activity=activity, site=site, issues=issues, counts=counts, names=sheet_names,
                    rejected=pd.concat(rejected, ignore_index=True),
                    source={"path": str(path), "name": file, "sha256": sha256(path),
                            "sheets": found})
    if overrides is not None:
        inv.overrides = overrides
    inv.drivers = drivers
    inv.product_masses = masses
    if "targets" in found:
        inv.targets = read_targets(_grid_checked(wb, found["targets"], file), names, file=file,
                                   sheet=found["targets"], site_year=site.get("year"))
    if "products" in found:
        inv.products = _read_products(_grid_checked(wb, found["products"], file), found["products"], file, names)
    return inv


_PRODUCT_ROLE = _name_index(PRODUCT_COLUMNS)




def _unknown_sheet(wb, name: str, file: str, found: dict, library: FactorLibrary, issues: list) -> None:
    """A sheet whose name is not understood: read as the Site sheet when its first column holds
    Site keys (and there is none), else ignored with a warning when it holds anything."""
    rows = _grid_checked(wb, name, file)
    keys = _site_keys_in(rows, library) if "site" not in found else []
    if len(keys) >= 2:
        found["site"] = name
        issues.append(Issue.of("note", name, "", "sheet_read_as_site", keys="、".join(keys[:4])))
    elif any(not is_blank(v) for r in rows for v in r):
        issues.append(Issue.of("warning", name, "", "sheet_ignored"))
    else:
        issues.append(Issue.of("note", name, "", "sheet_empty_ignored"))


def _sheet_year(name: str) -> int | None:
    """The year a sheet's name carries (2024年能源消耗统计表, Energy 2024), or None."""
    m = re.search(r"(?<!\d)((?:19|20)\d\d)(?!\d)", str(name))
    return int(m.group(1)) if m else None


def _months_and_totals(raw: pd.DataFrame, sheet: str, year: int | None, issues: list) -> tuple[pd.DataFrame, list[int]]:
    """Months written without their year (1月, Jan) dated ``year`` (the sheet name's, else the
    Site year), with a note; rows that sum the months (合计, 全年, Total) taken out, a note naming
    them and a warning where one differs from the months it sums. Returns (raw rows left, the
    sheet rows taken out)."""
    if raw.empty:
        return raw, []
    total = _per_value(raw["period"], is_total_label).astype(bool)
    rows = []
    if total.any():
        tot, rest = raw[total], raw[~total]
        rows = sorted({int(re.sub(r"\D", "", str(c)) or 0) for c in tot["cell"]})
        issues.append(Issue.of("note", sheet, f"A{rows[0]}", "total_row", rows=", ".join(map(str, rows))))
        issues.extend(_total_differs(tot, rest, sheet))
        raw = rest.reset_index(drop=True)
    dated_as = _per_value(raw["period"], lambda v: f"{int(year):04d}-{m:02d}" if year and (m := month_only(v)) else None)
    dated = pd.notna(dated_as)
    if dated.any():
        raw = raw.copy()
        raw.loc[dated, "period"] = dated_as[dated]
        first = raw.loc[dated, "period_cell"].iloc[0] if "period_cell" in raw else ""
        issues.append(Issue.of("note", sheet, str(first or ""), "months_dated", year=int(year)))
    return raw, rows


def _total_differs(tot: pd.DataFrame, rest: pd.DataFrame, sheet: str) -> list[Issue]:
    """A warning for each total cell that is not the sum of its item's months (0.5 % or more)."""
    number = lambda q: pd.to_numeric(q.astype(str).str.replace(",", "", regex=False), errors="coerce")  # noqa: E731
    sums = rest.assign(q=number(rest["quantity"])).groupby(["item", "unit"], dropna=False)["q"].sum(min_count=1)
    out = []
    for item, unit, q, cell in zip(tot["item"], tot["unit"], number(tot["quantity"]), tot["cell"]):
        months = sums.get((item, unit), np.nan)
        if np.isfinite(q) and np.isfinite(months) and abs(q - months) > 0.005 * max(abs(q), abs(months)):
            out.append(Issue.of("warning", sheet, str(cell), "total_differs", item=item, total=f"{q:,.6g}",
                                months=f"{months:,.6g}"))
    return out


def _check_allocation(site: dict, pairs, activity: pd.DataFrame, library, names, file, sheet) -> None:
    """The Site sheet's allocation checked against the workbook's products where its cell is
    known (the rule itself is intensity.allocation_shares)."""
    if not site.get("allocation"):
        return
    products = sorted(set(activity.loc[activity["domain"] == "production", "item"]))
    if len(products) < 2:
        return
    cell = next((c for k, _, c in pairs if not is_blank(k) and library.resolve_site_key(str(k)) == "allocation"), None)
    resolver = names or Names(library)
    try:
        intensity.allocation_shares(site["allocation"], products, lambda n: resolver.resolve(n, "production"))
    except GreentexError as exc:
        raise exc.located(file=file, sheet=sheet, cell=cell) from None

def _read_products(rows: list[list], name: str, file: str, names: Names) -> pd.DataFrame:
    """The Products sheet: one row per product, its category resolved into ``item`` like the
    Production sheet's labels; ``attrs`` keeps the sheet name and, per column role, its letter and
    unit (from the header, e.g. '幅宽 [m]', else PRODUCT_UNITS). Numbers are checked here; what
    they mean is greentex.pact's business."""
    h = _header_index(rows)
    if h is None:
        return pd.DataFrame()
    columns, units = _product_header(rows[h], h, name, file, PRODUCT_COLUMNS)
    if "product" not in columns:
        raise GreentexError("no product column", file=file, sheet=name, cell=f"A{h + 1}",
                            hint="name a column 'product' (产品类别) with the categories of the Production sheet")
    out = []
    for i, row in enumerate(rows[h + 1:], start=h + 2):
        if all(is_blank(v) for v in row):
            continue
        rec = _product_values(row, i, columns, name, file)
        cell = f"{column_letter(columns['product'])}{i}"
        try:
            if rec["product"] is None:
                raise GreentexError("the product is empty", hint="write the product category as in the Production sheet")
            rec["item"] = names.resolve(rec["product"], "production")
            if names.lib.item_table.at[rec["item"], "domain"] != "production":
                raise GreentexError(f"'{rec['product']}' is not a product",
                                    hint="use a product category such as woven_fabric, knit_fabric or yarn")
        except GreentexError as exc:
            raise exc.located(file=file, sheet=name, cell=cell) from None
        out.append(rec)
    frame = pd.DataFrame(out, columns=["row", "item"] + list(columns))
    frame.attrs.update(sheet=name, file=file, units=units,
                       letters={role: column_letter(j) for role, j in columns.items()})
    return frame


def _product_header(header: list, h: int, name: str, file: str, roles) -> tuple[dict, dict]:
    """({role: column} of the header cells naming one of ``roles`` (PRODUCT_COLUMNS), {role:
    unit}: the unit in brackets after the name, else PRODUCT_UNITS)."""
    columns, units = {}, {}
    for j, text in enumerate(header):
        if is_blank(text):
            continue
        m = _HEADER_UNIT.match(normalize_text(str(text)))
        label, unit = (m.group(1), m.group(2).strip()) if m else (str(text), None)
        role = _PRODUCT_ROLE.get(match_key(label))
        if role is None or role not in roles or role in columns:
            continue
        columns[role] = j
        if role in PRODUCT_UNITS:
            units[role] = unit or PRODUCT_UNITS[role]
            try:
                parse_unit(units[role])
            except GreentexError as exc:
                raise exc.located(file=file, sheet=name, cell=f"{column_letter(j)}{h + 1}") from None
    return columns, units


def _product_values(row: list, i: int, columns: dict, name: str, file: str) -> dict:
    """One row's values by role: numbers for the PRODUCT_UNITS roles, text for the others."""
    rec = {"row": i}
    for role, j in columns.items():
        value = row[j] if j < len(row) else None
        if role in PRODUCT_UNITS:
            try:
                value = parse_number(value)
            except GreentexError as exc:
                raise exc.located(file=file, sheet=name, cell=f"{column_letter(j)}{i}") from None
        else:
            value = None if is_blank(value) else normalize_text(str(value))
        rec[role] = value
    return rec


MASS_ROLES = ("gsm", "width", "mass_per_length")


def _production_masses(rows: list[list], h: int, roles: dict, name: str, file: str,
                       names: Names) -> pd.DataFrame | None:
    """The mass columns a Production sheet may carry beside its rows (克重, 幅宽, 百米重), as one
    record per product category like the Products sheet's; every row of a category that gives a
    mass must give the same (footprints are per category). Only `greentex pact` needs them, so
    nothing here stops the reading: a mass that cannot be used is kept as its error in
    ``attrs["problems"]`` by category ('' for the header), for greentex.pact to raise."""
    try:
        columns, units = _product_header(rows[h], h, name, file, MASS_ROLES)
    except GreentexError as exc:
        return _masses_frame([], {}, {}, name, file, {"": exc})
    col = {role: j for j, role in roles.items()}  # roles: the {column: role} read_workbook found
    item_col, unit_col = col.get("item"), col.get("unit")
    if not columns or item_col is None:
        return None
    first: dict[str, dict] = {}
    problems: dict[str, GreentexError] = {}
    resolved: dict[tuple, str | None] = {}
    for i, row in enumerate(rows[h + 1:], start=h + 2):
        if all(j >= len(row) or is_blank(row[j]) for j in columns.values()):
            continue
        key = tuple(None if j is None or j >= len(row) or is_blank(row[j]) else str(row[j])
                    for j in (item_col, unit_col))
        if key not in resolved:
            try:
                resolved[key] = names.resolve(key[0], "production", key[1:] if key[1] else ()) if key[0] else None
            except GreentexError:
                resolved[key] = None  # the activity reader reports the label
        item = resolved[key]
        if item is None or item in problems:
            continue
        try:
            rec = _product_values(row, i, columns, name, file)
        except GreentexError as exc:
            problems[item] = exc
            continue
        rec.update({r: None for r in columns if rec[r] is None or np.isnan(rec[r])}, item=item)
        seen = first.setdefault(item, rec)
        differs = [r for r in columns if rec[r] != seen[r]]
        if differs:
            r = differs[0]
            here, there = ("empty" if v is None else f"{v:g}" for v in (rec[r], seen[r]))
            problems[item] = GreentexError(f"{item} has {r.replace('_', ' ')} {here} here but {there} in "
                                           f"{column_letter(columns[r])}{seen['row']}", file=file, sheet=name,
                                           cell=f"{column_letter(columns[r])}{i}",
                                           hint="a footprint is per product category: give each category one "
                                                "mass, or name the fabrics as separate categories")
    return _masses_frame(list(first.values()), columns, units, name, file, problems)


def _masses_frame(records: list[dict], columns: dict, units: dict, name: str, file: str,
                  problems: dict) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=["row", "item"] + list(columns))
    frame.attrs.update(sheet=name, file=file, units=units, problems=problems,
                       letters={role: column_letter(j) for role, j in columns.items()})
    return frame


def _read_names(rows: list[list], name: str, library: FactorLibrary, file: str) -> dict[str, str]:
    """The Names sheet (名称对照): the label as the ledger writes it in column A, the item or
    product it means in column B; a first row whose B cell names no item is a header."""
    body = [(i, r) for i, r in enumerate(rows, start=1) if any(not is_blank(v) for v in r[:2])]
    if body and library.resolve_item(str(body[0][1][1] if len(body[0][1]) > 1 else "")) is None \
            and (_column_role(body[0][1][0]) or match_key(str(body[0][1][0])) in ("label", "台账名称", "原名称")):
        body = body[1:]
    return read_names_table([(r[0], r[1] if len(r) > 1 else None, f"A{i}", f"B{i}") for i, r in body],
                            library, file=file, sheet=name)


DRIVER_HINT = "write the unit in brackets, e.g. 'Heating degree days [K*d]', 'Operating days [d]' or 'Shifts [1]'"


def _read_drivers(rows: list[list], name: str, file: str) -> DriverTable | None:
    """The Drivers sheet: the month in the first column, then one column per driver with its
    unit in brackets (``Heating degree days [K*d]``). Errors name the sheet and cell."""
    h = _header_index(rows)
    if h is None:
        return None
    loc = dict(file=file, sheet=name)
    drivers = []  # (column, name, unit)
    for j, driver, unit in _header_columns(rows[h], h, name, file, "driver column", DRIVER_HINT):
        cell = f"{column_letter(j)}{h + 1}"
        try:
            parse_unit(unit)
        except GreentexError as exc:
            raise GreentexError(exc.message, cell=cell, hint="degree days: K*d; days: d; a count: 1", **loc) from None
        if match_key(driver) == "intercept" or match_key(driver).startswith("production"):
            raise GreentexError(f"driver name '{driver}' is reserved", cell=cell,
                                hint="production comes from the Production sheet; name the column otherwise", **loc)
        if driver in [d[1] for d in drivers]:
            raise GreentexError(f"two driver columns named '{driver}'", cell=cell, hint="name each driver once", **loc)
        drivers.append((j, driver, unit))
    if not drivers:
        raise GreentexError("the Drivers sheet has no driver column", cell=f"B{h + 1}", hint=DRIVER_HINT, **loc)
    values, cells, seen = {}, {}, {}
    for i, row in enumerate(rows[h + 1:], start=h + 2):
        if all(is_blank(v) for v in row):
            continue
        try:
            period = parse_period(row[0])
        except GreentexError as exc:
            raise exc.located(cell=f"A{i}", **loc) from None
        if period in seen:
            raise GreentexError(f"month {period} appears in rows {seen[period]} and {i}", cell=f"A{i}",
                                hint="one row per month", **loc)
        seen[period] = i
        values[period] = {}
        for j, driver, _ in drivers:
            cell = f"{column_letter(j)}{i}"
            try:
                values[period][driver] = parse_number(row[j] if j < len(row) else None)
            except GreentexError as exc:
                raise exc.located(cell=cell, **loc) from None
            cells[(period, driver)] = cell
    frame = pd.DataFrame.from_dict(values, orient="index", columns=[d[1] for d in drivers]).sort_index()
    return DriverTable(frame.astype(float), {d[1]: d[2] for d in drivers}, cells, name, file)


def _read_factors(rows, name, library, file) -> pd.DataFrame:
    h = _header_index(rows)
    if h is None:
        return normalize_overrides(pd.DataFrame(columns=["item", "parameter", "value", "unit", "source"]),
                                   library, file, name)
    roles = {}  # column -> role, the first column of each role
    for j, t in enumerate(rows[h]):
        role = {"quantity": "value"}.get(_column_role(t), _column_role(t))
        if role and role not in roles.values():
            roles[j] = role
    need = {"item", "parameter", "value"}
    if not need <= set(roles.values()):
        raise GreentexError("the factors sheet needs columns item, parameter, value, unit, source", file=file,
                            sheet=name, cell=f"A{h + 1}")
    body = rows[h + 1:]
    records = []
    for i, r in enumerate(body):
        rec = {role: r[j] if j < len(r) else None for j, role in roles.items()}
        rec.update({f"{role}_cell": f"{column_letter(j)}{h + 2 + i}" for j, role in roles.items()})
        rec["cell"] = rec["value_cell"]
        records.append(rec)
    return normalize_overrides(pd.DataFrame(records), library, file, name)
