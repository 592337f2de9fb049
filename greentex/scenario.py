"""What-if scenarios: what planned projects would do to the figures the norms judge.

A scenarios file (CSV, or a sheet of an .xlsx workbook; no YAML, to keep greentex free of a YAML
dependency) lists changes, one per row, with the columns

    scenario, change, item, value, unit, to, efficiency_old, efficiency_new, note

Rows with the same ``scenario`` name form one scenario; its changes apply in file order. Each
scenario transforms a copy of the inventory's activity rows and is assessed by the same
``assess()`` as the mill's own data, so every figure keeps its factors and its benchmark verdicts.
Changed rows keep their input cell and are marked ``scenario:<name>`` (their ``sheet``); added rows
name the scenarios file row they come from. Change types (``value`` in the unit of ``unit``; shares
and rates as ``%``):

``fuel_switch``
    Replace ``value`` % (blank: all) of fuel ``item`` (raw_coal, natural_gas, fuel_oil ...) by
    carrier ``to`` (natural_gas or another fuel, steam or heat bought, electricity) delivering the
    same useful heat: useful heat [GJ] = quantity x NCV x efficiency_old; the new carrier's energy
    [GJ] = useful heat / efficiency_new, in its own unit through its NCV (m3 of gas), in GJ for
    steam and heat, in kWh for electricity (efficiency_new is then a COP and may exceed 1). Without
    an NCV the old fuel's energy follows from its standard-coal coefficient (29.307 GJ/tce).
    efficiency_new defaults to 1 for bought steam or heat (delivered to the same users).
``rooftop_pv``
    ``value`` kWh (or MWh, 万kWh) a year of self-consumed PV, replacing grid electricity, spread
    over the months in proportion to each month's grid electricity (a simplification: the annual
    figures do not depend on it); a workbook of m months gets value x m / 12.
``green_electricity``
    ``value`` % of grid electricity bought as certified green electricity instead.
``heat_recovery``
    ``value`` % of purchased steam and heat saved (or of ``item``, e.g. the boiler's fuel).
``water_reuse``
    Raise the reuse rate to ``value`` % in every month below it, keeping the month's water demand
    (intake + reused): reused' = target x demand, intake' = (1 - target) x demand, the intake
    sources scaled alike. Wastewater discharged is left as reported.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from greentex.assessment import HEADLINE_INTENSITIES, FactorSelector, Options, assess
from greentex.errors import GreentexError, Issue
from greentex.factors import _read_csv, load_library, match_key
from greentex.inventory import is_blank, parse_number
from greentex.io.jsonout import document, records, write_document
from greentex.io.workbook import _grid_checked, _header_index, _name_index, _open, column_letter
from greentex.units import conversion_factor, parse_unit, same_dimension

CHANGES = ("fuel_switch", "rooftop_pv", "green_electricity", "heat_recovery", "water_reuse")
CHANGE_ALIASES = {"燃料替代": "fuel_switch", "煤改气": "fuel_switch", "屋顶光伏": "rooftop_pv", "光伏": "rooftop_pv",
                  "绿电": "green_electricity", "绿色电力": "green_electricity", "余热回收": "heat_recovery",
                  "中水回用": "water_reuse", "水回用": "water_reuse"}
COLUMNS = {
    "scenario": ["scenario", "情景", "方案"],
    "change": ["change", "type", "措施", "变更"],
    "item": ["item", "项目", "品种"],
    "value": ["value", "quantity", "数值", "数量"],
    "unit": ["unit", "单位"],
    "to": ["to", "new", "替代为", "改为"],
    "efficiency_old": ["efficiency_old", "efficiencyold", "old_efficiency", "原效率"],
    "efficiency_new": ["efficiency_new", "efficiencynew", "new_efficiency", "新效率"],
    "note": ["note", "notes", "备注", "说明"],
}
SCENARIO_SHEETS = ("scenarios", "scenario", "情景", "方案")
_SCENARIO_COLUMN = _name_index(COLUMNS)
FIGURES = [("energy", "total"), ("ghg", "total_location"), ("ghg", "total_market"), ("ghg", "scope1"),
           ("ghg", "scope2_location"), ("ghg", "scope2_market"), ("water_intake", "total"),
           ("water_reused", "total"), ("water_reuse_rate", "total")]
COMPARISON_COLUMNS = ["scenario", "metric", "item", "unit", "before", "after", "change", "change_pct"]
VERDICT_COLUMNS = ["scenario", "benchmark", "metric", "item", "level", "comparison", "limit", "unit", "before",
                   "after", "before_verdict", "after_verdict"]


@dataclass
class Change:
    """One row of the scenarios file, checked: items are canonical ids, shares are fractions (0-1),
    PV in kWh per year, efficiencies as fractions (a COP for electricity)."""

    scenario: str
    change: str
    item: str | None = None
    value: float | None = None
    unit: str = ""
    to: str | None = None
    efficiency_old: float | None = None
    efficiency_new: float | None = None
    note: str = ""
    where: str = ""


@dataclass
class Scenario:
    name: str
    changes: list = field(default_factory=list)


# -- the arithmetic, over whole columns --------------------------------------------------------

def switched_energy(energy_old_gj, efficiency_old: float, efficiency_new: float):
    """Energy [GJ] of the new carrier that delivers the same useful heat:
    energy_old [GJ] x efficiency_old / efficiency_new."""
    return np.asarray(energy_old_gj, dtype=float) * efficiency_old / efficiency_new


def pv_by_month(kwh_per_year: float, grid_kwh, months_per_year: int = 12) -> np.ndarray:
    """PV [kWh] per month: a year's output, pro rata for the months given, spread in proportion
    to each month's grid electricity [kWh]."""
    grid = np.asarray(grid_kwh, dtype=float)
    total = kwh_per_year * len(grid) / months_per_year
    return total * grid / grid.sum() if grid.sum() > 0 else np.zeros_like(grid)


def reuse_to_target(intake_m3, reused_m3, target: float) -> tuple[np.ndarray, np.ndarray]:
    """(intake', reused') [m3] that reach the reuse rate ``target`` (0-1) with the demand
    intake + reused unchanged; months already at or above the target are left as they are."""
    intake = np.asarray(intake_m3, dtype=float)
    reused = np.asarray(reused_m3, dtype=float)
    demand = intake + reused
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(demand > 0, reused / demand, 1.0)
    raise_ = rate < target
    return np.where(raise_, (1.0 - target) * demand, intake), np.where(raise_, target * demand, reused)


# -- reading the scenarios file ----------------------------------------------------------------

def _rows_of(path: Path) -> tuple[list[dict], str, dict]:
    """(records with 'row' numbers, where prefix, column of each role) from a CSV or a workbook sheet."""

    if not path.exists():
        raise GreentexError("file not found", file=str(path), hint="check the --scenarios path")
    if path.suffix.lower() == ".csv":
        frame = _read_csv(path, path.name)
        header = list(frame.columns)
        body = frame.values.tolist()
        first_row, sheet = 2, None
    elif path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):

        wb, _ = _open(path)
        keys = {match_key(k) for k in SCENARIO_SHEETS}
        sheet = next((n for n in wb.sheet_names if match_key(n) in keys), wb.sheet_names[0])
        rows = _grid_checked(wb, sheet, path.name)
        h = _header_index(rows)
        if h is None:
            raise GreentexError("the scenarios sheet is empty", file=path.name, sheet=sheet)
        header, body, first_row = rows[h], rows[h + 1:], h + 2
    else:
        raise GreentexError("a scenarios file is a .csv file or an .xlsx workbook", file=path.name,
                            hint="YAML is not read (greentex has no YAML dependency): write the changes as a table")
    roles = {}  # role -> the first column that has it
    for j, text in enumerate(header):
        role = None if is_blank(text) else _SCENARIO_COLUMN.get(match_key(str(text)))
        if role and role not in roles:
            roles[role] = j
    missing = [r for r in ("scenario", "change") if r not in roles]
    if missing:
        raise GreentexError("the scenarios table needs the columns " + ", ".join(COLUMNS), file=path.name,
                            sheet=sheet, hint="missing: " + ", ".join(missing))
    records = []
    for i, row in enumerate(body):
        rec = {role: (row[j] if j < len(row) else None) for role, j in roles.items()}
        if all(is_blank(v) for v in rec.values()):
            continue
        rec = {k: (v.strip() if isinstance(v, str) else v) for k, v in rec.items()}
        rec["row"] = first_row + i
        records.append(rec)
    return records, sheet, roles


def _number(text, what: str, err) -> float | None:

    if is_blank(text):
        return None
    s = str(text).strip()
    percent = s.endswith("%")
    try:
        v = parse_number(s.rstrip("%"))
    except GreentexError:
        raise err(f"{what} '{text}' is not a number") from None
    return v / 100.0 if percent else v


def _share(rec: dict, what: str, err, default: float | None = None) -> float:
    """A share or rate (0-1) from value and unit (% or any dimensionless unit)."""

    v = _number(rec.get("value"), "value", err)
    if v is None:
        if default is not None:
            return default
        raise err(f"no value: give the {what}", hint="e.g. value 30 and unit %")
    unit = "" if is_blank(rec.get("unit")) else str(rec.get("unit"))
    if str(rec.get("value")).strip().endswith("%"):
        share = v
    elif not unit:
        raise err(f"value {v:g} has no unit", hint=f"the {what} is a percentage: write the unit %")
    else:
        try:
            q = parse_unit(unit)
        except GreentexError as exc:
            raise err(exc.message) from None
        if not q.dimensionless:
            raise err(f"unit '{unit}' is not a share", hint="write %")
        share = v * conversion_factor(unit, "dimensionless")
    if not 0.0 < share <= 1.0:
        raise err(f"{what} {share * 100:g} % is not between 0 and 100 %")
    return share


def _efficiency(rec: dict, key: str, err, *, cop: bool = False, default: float | None = None) -> float:
    v = _number(rec.get(key), key, err)
    if v is None:
        if default is not None:
            return default
        raise err(f"no {key}", hint="give the boiler efficiencies, e.g. efficiency_old 0.70 and efficiency_new 0.92")
    if v <= 0 or (v > 1 and not cop) or v > 10:
        raise err(f"{key} {v:g} is not an efficiency", hint="write 0.75 or 75% (a COP up to 10 for electricity)")
    return v


def read_scenarios(path, library=None) -> list[Scenario]:
    """The scenarios of a CSV or workbook file, checked. Raises GreentexError naming file, row and
    column of the first change it cannot use."""

    path = Path(path)
    library = library or load_library()
    items = library.item_table
    records, sheet, roles = _rows_of(path)
    letters = {role: column_letter(j) for role, j in roles.items()}
    scenarios: dict[str, Scenario] = {}
    for rec in records:
        r = rec["row"]

        def err(message, hint=None, role="value", r=r):
            cell = f"{letters[role]}{r}" if role in letters else f"row {r}"
            return GreentexError(message, file=path.name, sheet=sheet, cell=cell, hint=hint)

        name = "" if is_blank(rec.get("scenario")) else str(rec["scenario"])
        if not name:
            raise err("the scenario has no name", role="scenario")
        kind_text = "" if is_blank(rec.get("change")) else str(rec["change"])
        kind = CHANGE_ALIASES.get(kind_text.strip(), kind_text)
        kind = next((c for c in CHANGES if match_key(c) == match_key(kind)), None)
        if kind is None:
            raise err(f"unknown change '{kind_text}'", hint="use one of " + ", ".join(CHANGES), role="change")

        def item_of(role, required=True, r=r):
            text = rec.get(role)
            if is_blank(text):
                if required:
                    raise err(f"{kind} needs the {'fuel replaced' if role == 'item' else 'new carrier'} "
                              f"in the column {role}", role=role,
                              hint="e.g. item raw_coal, to natural_gas")
                return None
            item = library.resolve_item(str(text))
            if item is None or items.at[item, "domain"] != "energy":
                close = [i for i in library.suggest_items(str(text)) if items.at[i, "domain"] == "energy"]
                raise err(f"unknown energy item '{text}'", role=role,
                          hint=("did you mean " + ", ".join(close) + "? " if close else "")
                          + "names are listed by `greentex factors show items`")
            return item

        ch = Change(name, kind, note="" if is_blank(rec.get("note")) else str(rec["note"]),
                    where=f"{path.name} row {r}")
        if kind == "fuel_switch":
            ch.item, ch.to = item_of("item"), item_of("to")
            if items.at[ch.item, "class"] != "fuel":
                raise err(f"{ch.item} is not a fuel", role="item", hint="fuel_switch replaces a fuel burnt on site")
            if ch.to == ch.item or int(items.at[ch.to, "sign"]) < 0 or ch.to in ("solar_pv",):
                raise err(f"{ch.to} cannot replace {ch.item}", role="to",
                          hint="replace a fuel by another fuel, steam, heat or electricity")
            ch.value = _share(rec, "share of the fuel replaced", err, default=1.0)
            ch.unit = "%"
            ch.efficiency_old = _efficiency(rec, "efficiency_old", lambda m, hint=None: err(m, hint, "efficiency_old"))
            to_class = items.at[ch.to, "class"]
            ch.efficiency_new = _efficiency(rec, "efficiency_new", lambda m, hint=None: err(m, hint, "efficiency_new"),
                                            cop=to_class == "electricity",
                                            default=1.0 if to_class == "heat" else None)
        elif kind == "rooftop_pv":
            v = _number(rec.get("value"), "value", err)
            unit = "" if is_blank(rec.get("unit")) else str(rec["unit"])
            if v is None or v <= 0:
                raise err("rooftop_pv needs its output a year in value", hint="e.g. 800000 and unit kWh")
            if not unit:
                raise err(f"value {v:g} has no unit", hint="write kWh, MWh or 万kWh", role="unit")
            try:
                parse_unit(unit)
            except GreentexError as exc:
                raise err(exc.message, role="unit") from None
            if not same_dimension(unit, "kWh"):
                raise err(f"unit '{unit}' is not energy", hint="write kWh, MWh or 万kWh", role="unit")

            ch.value, ch.unit = v * conversion_factor(unit, "kWh"), "kWh"
        elif kind == "green_electricity":
            ch.value, ch.unit = _share(rec, "share of grid electricity", err), "%"
        elif kind == "heat_recovery":
            ch.item = item_of("item", required=False)
            if ch.item is not None and items.at[ch.item, "class"] not in ("heat", "fuel"):
                raise err(f"heat recovery saves steam, heat or a boiler fuel, not {ch.item}", role="item")
            ch.value, ch.unit = _share(rec, "share of steam saved", err), "%"
        elif kind == "water_reuse":
            ch.value, ch.unit = _share(rec, "target reuse rate", err), "%"
            if ch.value >= 1.0:
                raise err("a reuse rate of 100 % leaves no intake", hint="give a target below 100 %")
        scenarios.setdefault(name, Scenario(name)).changes.append(ch)
    if not scenarios:
        raise GreentexError("the scenarios file lists no change", file=path.name, sheet=sheet,
                            hint="one row per change: scenario, change, item, value, unit ...")
    return list(scenarios.values())


# -- applying a scenario -----------------------------------------------------------------------

def _mark(act: pd.DataFrame, mask, name: str, text: str) -> None:
    """Mark changed rows: sheet 'scenario:<name>', cell = where the row came from, note = what changed."""
    rows = act.index[np.asarray(mask)]  # only the changed rows are looked at
    sheet, cell, note = (act.loc[rows, c].astype(str) for c in ("sheet", "cell", "note"))
    act.loc[rows, "cell"] = np.where(sheet.str.startswith("scenario:"), cell, sheet + "!" + cell)
    act.loc[rows, "sheet"] = f"scenario:{name}"
    act.loc[rows, "note"] = np.where(note != "", note + "; " + text, text)


def _added(groups: pd.DataFrame, domain: str, item: str, unit: str, ch: Change, text: str) -> pd.DataFrame:
    """New activity rows (columns period, product, quantity in ``groups``) made by change ``ch``."""
    g = groups[groups["quantity"] > 0]
    return pd.DataFrame({
        "domain": domain, "period": g["period"].to_numpy(), "item": item, "quantity": g["quantity"].to_numpy(),
        "unit": unit, "product": g["product"].to_numpy(), "label": f"{item} (scenario)",
        "input_quantity": g["quantity"].to_numpy(), "input_unit": unit, "sheet": f"scenario:{ch.scenario}",
        "cell": ch.where, "note": text})


def _n(x: float) -> str:
    """A quantity for a description: thousands separators, no exponent."""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.4g}"


def _u(unit: str) -> str:
    """A unit as a reader writes it (m**3 -> m3)."""
    return str(unit).replace("**", "")


def _gj_per_unit(sel, item: str, unit: str) -> float:
    """Energy content [GJ per unit] of a fuel: its NCV, else its standard-coal coefficient converted
    to GJ (1 kgce = 29 307 kJ, GB/T 2589, from the unit registry)."""

    if same_dimension(unit, "GJ"):
        return conversion_factor(unit, "GJ")
    ncv = sel.ncv(item, unit)
    if ncv is not None:
        return ncv.value_in(f"GJ/({unit})")
    coef = sel.coefficient(item, unit)
    if coef is None:
        raise GreentexError(f"no NCV or standard-coal coefficient for {item} in {unit}",
                            hint="give one in the Factors sheet")
    return coef.value_in(f"GJ/({unit})")


def _fuel_switch(act, ch: Change, sel, lib):
    rows = (act["domain"] == "energy") & (act["item"] == ch.item)
    if not rows.any():
        raise GreentexError(f"{ch.where}: the workbook has no {ch.item} to replace",
                            hint="name a fuel the mill uses in the item column")
    sub = act[rows]
    per_unit_old = {u: _gj_per_unit(sel, ch.item, u) for u in sub["unit"].unique()}  # one lookup per unit
    gj_old = sub["quantity"].to_numpy() * sub["unit"].map(per_unit_old).to_numpy(dtype=float) * ch.value
    gj_new = switched_energy(gj_old, ch.efficiency_old, ch.efficiency_new)
    to_class = lib.item_table.at[ch.to, "class"]
    if to_class == "heat":
        unit, per_unit = "GJ", 1.0
    elif to_class == "electricity":
        unit, per_unit = "kWh", conversion_factor("kWh", "GJ")
    else:
        unit = lib.item_units(ch.to)[0]
        ncv = sel.ncv(ch.to, unit)
        if ncv is not None:
            per_unit = ncv.value_in(f"GJ/({unit})")
        elif "GJ" in lib.item_units(ch.to):
            unit, per_unit = "GJ", 1.0
        else:
            per_unit = _gj_per_unit(sel, ch.to, unit)
    q_new = gj_new / per_unit
    old_units = sorted(set(sub["unit"]))
    quantity = f"{_n(sub['quantity'].sum())} {_u(old_units[0])}" if len(old_units) == 1 else f"all {ch.item}"
    text = (f"{ch.item} -> {ch.to}: {ch.value * 100:g} % of {quantity} ({_n(gj_old.sum())} GJ) x efficiency "
            f"{ch.efficiency_old:g} / {ch.efficiency_new:g} = {_n(gj_new.sum())} GJ"
            + ("" if unit == "GJ" else f" = {_n(q_new.sum())} {_u(unit)}") + f" of {ch.to}")
    groups = pd.DataFrame({"period": sub["period"].to_numpy(), "product": sub["product"].to_numpy(),
                           "quantity": q_new}).groupby(["period", "product"], as_index=False)["quantity"].sum()
    act.loc[rows, "quantity"] = act.loc[rows, "quantity"] * (1.0 - ch.value)
    _mark(act, rows, ch.scenario, text)
    return pd.concat([act, _added(groups, "energy", ch.to, unit, ch, text)], ignore_index=True), text


def _rooftop_pv(act, ch: Change, sel, lib):
    rows = (act["domain"] == "energy") & (act["item"] == "electricity")
    if not rows.any():
        raise GreentexError(f"{ch.where}: the workbook has no grid electricity for PV to replace")
    monthly = act[rows].groupby("period")["quantity"].sum()
    pv = pd.Series(pv_by_month(ch.value, monthly.to_numpy()), index=monthly.index)
    if pv.sum() > monthly.sum() * (1 + 1e-12):
        raise GreentexError(f"{ch.where}: {pv.sum():,.0f} kWh of PV exceed the {monthly.sum():,.0f} kWh of grid "
                            "electricity they would replace", hint="exported PV is not modelled: lower the value")
    fraction = (pv / monthly).where(monthly > 0, 0.0)
    f = act.loc[rows, "period"].map(fraction).to_numpy()
    text = (f"rooftop PV {ch.value:,.0f} kWh a year x {len(monthly)}/12 months = {pv.sum():,.0f} kWh, "
            f"{pv.sum() / monthly.sum() * 100:.1f} % of grid electricity, in proportion to each month's use")
    groups = pd.DataFrame({"period": act.loc[rows, "period"].to_numpy(), "product": act.loc[rows, "product"].to_numpy(),
                           "quantity": act.loc[rows, "quantity"].to_numpy() * f}) \
        .groupby(["period", "product"], as_index=False)["quantity"].sum()
    act.loc[rows, "quantity"] = act.loc[rows, "quantity"] * (1.0 - f)
    _mark(act, rows, ch.scenario, text)
    return pd.concat([act, _added(groups, "energy", "solar_pv", "kWh", ch, text)], ignore_index=True), text


def _green_electricity(act, ch: Change, sel, lib):
    rows = (act["domain"] == "energy") & (act["item"] == "electricity")
    if not rows.any():
        raise GreentexError(f"{ch.where}: the workbook has no grid electricity to buy as green electricity")
    total = act.loc[rows, "quantity"].sum()
    text = f"{ch.value * 100:g} % of grid electricity ({total * ch.value:,.0f} kWh) bought as certified green electricity"
    groups = pd.DataFrame({"period": act.loc[rows, "period"].to_numpy(), "product": act.loc[rows, "product"].to_numpy(),
                           "quantity": act.loc[rows, "quantity"].to_numpy() * ch.value}) \
        .groupby(["period", "product"], as_index=False)["quantity"].sum()
    act.loc[rows, "quantity"] = act.loc[rows, "quantity"] * (1.0 - ch.value)
    _mark(act, rows, ch.scenario, text)
    return pd.concat([act, _added(groups, "energy", "green_electricity", "kWh", ch, text)], ignore_index=True), text


def _heat_recovery(act, ch: Change, sel, lib):
    items = lib.item_table
    energy = act["domain"] == "energy"
    if ch.item is not None:
        rows = energy & (act["item"] == ch.item)
        what = ch.item
    else:
        cls = act["item"].map(items["class"])
        sign = act["item"].map(items["sign"]).astype(float)
        rows = energy & (cls == "heat") & (sign > 0)
        what = "purchased steam and heat"
    if not rows.any():
        raise GreentexError(f"{ch.where}: the workbook has no {what} for heat recovery to save",
                            hint="name the boiler's fuel in the item column (e.g. natural_gas)")
    text = f"heat recovery saves {ch.value * 100:g} % of {what}"
    act.loc[rows, "quantity"] = act.loc[rows, "quantity"] * (1.0 - ch.value)
    _mark(act, rows, ch.scenario, text)
    return act, text


def _water_reuse(act, ch: Change, sel, lib):
    items = lib.item_table
    water = act["domain"] == "water"
    cls = act["item"].map(items["class"])
    intake_rows, reused_rows = water & (cls == "intake"), water & (cls == "reused")
    if not intake_rows.any():
        raise GreentexError(f"{ch.where}: the workbook has no water intake")
    periods = sorted(set(act.loc[intake_rows | reused_rows, "period"]))
    intake = act[intake_rows].groupby("period")["quantity"].sum().reindex(periods, fill_value=0.0)
    reused = act[reused_rows].groupby("period")["quantity"].sum().reindex(periods, fill_value=0.0)
    new_i, new_r = reuse_to_target(intake.to_numpy(), reused.to_numpy(), ch.value)
    new_i, new_r = pd.Series(new_i, index=periods), pd.Series(new_r, index=periods)
    raised = new_r > reused
    text = (f"reuse rate raised to {ch.value * 100:g} % in {int(raised.sum())} month(s) "
            f"({int((~raised).sum())} already at or above it), demand unchanged: intake "
            f"{(new_i - intake).sum():+,.0f} m3, reused {(new_r - reused).sum():+,.0f} m3; "
            "wastewater discharged left as reported")
    scale_i = (new_i / intake).where(intake > 0, 1.0)
    ri = intake_rows & act["period"].map(raised).fillna(False).astype(bool)
    act.loc[ri, "quantity"] = act.loc[ri, "quantity"] * act.loc[ri, "period"].map(scale_i)
    _mark(act, ri, ch.scenario, text)
    scale_r = (new_r / reused).where(reused > 0, np.nan)
    rr = reused_rows & act["period"].map(raised).fillna(False).astype(bool)
    act.loc[rr, "quantity"] = act.loc[rr, "quantity"] * act.loc[rr, "period"].map(scale_r)
    _mark(act, rr, ch.scenario, text)
    fresh = [p for p in periods if raised[p] and reused[p] == 0]
    if fresh:
        groups = pd.DataFrame({"period": fresh, "product": "", "quantity": new_r[fresh].to_numpy()})
        act = pd.concat([act, _added(groups, "water", "reused_water", "m**3", ch, text)], ignore_index=True)
    return act, text


_APPLY = {"fuel_switch": _fuel_switch, "rooftop_pv": _rooftop_pv, "green_electricity": _green_electricity,
          "heat_recovery": _heat_recovery, "water_reuse": _water_reuse}


def apply_scenario(inventory, scenario: Scenario, *, options=None, library=None):
    """(a changed copy of ``inventory``, one description per change). The input is not touched."""

    library = library or load_library()
    options = options or Options()
    sel = FactorSelector(library, inventory.overrides, options, inventory.site)
    act = inventory.activity.copy()
    if "note" not in act:
        act["note"] = ""
    act["note"] = act["note"].fillna("").astype(str)
    texts = []
    for ch in scenario.changes:
        act, text = _APPLY[ch.change](act, ch, sel, library)
        texts.append(text)
    new = dataclasses.replace(inventory, activity=act.reset_index(drop=True), issues=list(inventory.issues),
                              counts=copy.deepcopy(inventory.counts), source=dict(inventory.source))
    return new, texts


# -- the comparison ----------------------------------------------------------------------------

@dataclass
class ScenarioResult:
    before: object                        # Assessment of the data as reported
    after: dict                           # scenario name -> Assessment
    scenarios: list
    changes: pd.DataFrame                 # one row per change, with its description
    comparison: pd.DataFrame              # COMPARISON_COLUMNS
    benchmarks: pd.DataFrame              # VERDICT_COLUMNS
    issues: list = field(default_factory=list)
    source: dict = field(default_factory=dict)


def _figures(before, after_list) -> list[tuple[str, str]]:
    out = list(FIGURES)
    for a in [before] + after_list:
        m = a.metrics
        carriers = m[(m.metric == "energy") & (m.period == "total") & (m.item != "total")]["item"]
        out += [("energy", c) for c in carriers]
    for a in [before] + after_list:
        m = a.metrics
        for metric in HEADLINE_INTENSITIES:
            out += [(metric, p) for p in m[(m.metric == metric) & (m.period == "total")]["item"]]
    seen, unique = set(), []
    for f in out:
        if f not in seen:
            seen.add(f)
            unique.append(f)
    return unique


def compare_figures(name: str, before, after, figures) -> pd.DataFrame:
    """Before / after / change (and change in %) of each (metric, item) figure, whole period."""
    rows = []
    for metric, item in figures:
        b, a = before.value(metric, item), after.value(metric, item)
        if b != b and a != a and not (before.unit(metric, item) or after.unit(metric, item)):
            continue
        unit = before.unit(metric, item) or after.unit(metric, item)
        # a carrier or source absent on one side is zero there
        if metric == "energy" and item != "total":
            b = 0.0 if b != b else b
            a = 0.0 if a != a else a
        change = a - b
        if abs(change) <= 1e-9 * max(abs(a), abs(b)):
            change = 0.0  # rounding noise of a figure the scenario does not touch
        rows.append({"scenario": name, "metric": metric, "item": item, "unit": unit, "before": b, "after": a,
                     "change": change, "change_pct": change / b * 100.0 if b else math.nan})
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def compare_verdicts(name: str, before, after) -> pd.DataFrame:
    """Whole-period benchmark verdicts before and after, line by line."""
    keys = ["benchmark", "metric", "item", "level", "comparison", "limit", "unit"]

    def total(a):
        b = a.benchmarks
        if b is None or not len(b):
            return pd.DataFrame(columns=keys + ["value", "verdict", "_n"])
        t = b[b["period"] == "total"][keys + ["value", "verdict"]].copy()
        t["level"] = t["level"].fillna("").astype(str)
        t["_n"] = t.groupby(keys, dropna=False).cumcount()
        return t

    left, right = total(before), total(after)
    merged = left.merge(right, on=keys + ["_n"], how="outer", suffixes=("_before", "_after"))
    out = pd.DataFrame({"scenario": name, **{k: merged[k] for k in keys},
                        "before": merged["value_before"], "after": merged["value_after"],
                        "before_verdict": merged["verdict_before"].fillna(""),
                        "after_verdict": merged["verdict_after"].fillna("")})
    return out[VERDICT_COLUMNS]


def compare_scenarios(before, scenarios: list[Scenario], *, options=None, library=None,
                      source: dict | None = None) -> ScenarioResult:
    """Assess every scenario on a copy of ``before.inventory`` with the same options and library,
    and compare it with ``before`` (the assessment of the data as reported)."""

    library = library or load_library()
    options = options or Options()
    after, changes, issues = {}, [], []
    for sc in scenarios:
        inv, texts = apply_scenario(before.inventory, sc, options=options, library=library)
        after[sc.name] = assess(inv, options=dataclasses.replace(options), library=library)
        for ch, text in zip(sc.changes, texts):
            changes.append({"scenario": sc.name, "change": ch.change, "item": ch.item or "", "to": ch.to or "",
                            "value": ch.value, "unit": ch.unit, "efficiency_old": ch.efficiency_old,
                            "efficiency_new": ch.efficiency_new, "description": text, "note": ch.note,
                            "where": ch.where})
        known = {(i.sheet, i.cell, i.message) for i in before.issues}
        for i in after[sc.name].issues:
            if (i.sheet, i.cell, i.message) not in known and i.severity != "note":
                issues.append(Issue.of(i.severity, i.sheet or f"scenario:{sc.name}", i.cell, "in_scenario",
                                       name=sc.name, issue=i))
    figures = _figures(before, list(after.values()))
    comparison = pd.concat([compare_figures(n, before, a, figures) for n, a in after.items()], ignore_index=True)
    verdicts = pd.concat([compare_verdicts(n, before, a) for n, a in after.items()], ignore_index=True)
    return ScenarioResult(before, after, scenarios, pd.DataFrame(changes), comparison, verdicts, issues,
                          source or {})


def scenario_dict(result: ScenarioResult) -> dict:
    """The JSON document: version, input, site, options, scenarios (their changes, described),
    comparison rows {scenario, metric, item, unit, before, after, change, change_pct}, benchmarks
    rows {scenario, benchmark, metric, item, level, comparison, limit, unit, before, after,
    before_verdict, after_verdict}, issues. Strict JSON: NaN is null."""
    a = result.before
    scen = []
    for sc in result.scenarios:
        rows = result.changes[result.changes["scenario"] == sc.name] if len(result.changes) else result.changes
        scen.append({"scenario": sc.name, "changes": records(rows.drop(columns="scenario"))})
    return document({
        "scenarios": scen,
        "comparison": records(result.comparison),
        "benchmarks": records(result.benchmarks),
        "issues": [i.as_dict() for i in list(a.issues) + list(result.issues)],
    }, a, head={"scenarios_file": result.source})


def write_scenario_json(result: ScenarioResult, path) -> None:
    """Write scenario_dict(result) as strict JSON, atomically."""

    write_document(scenario_dict(result), path)
