"""Benchmarks and compliance verdicts: which limits a mill meets, by how much, on whose authority.

A benchmark set is a dataset of kind ``benchmark`` (see ``factors/catalogue.csv``): one row per
metric, item (product category, ``total`` or ``out``), applicability (``all``, ``existing``,
``new``), optional ``condition`` on a Site key (``discharge=indirect``), and level (``limit`` or
named levels I / II / III with ``rank``, 1 = best), with ``comparison`` (``at_most`` or
``at_least``), value, unit, source, reference and status.

Verdicts, for the whole period (``total``) and each month:

- a ``limit`` line: ``pass`` or ``fail``; ``margin`` = headroom in the benchmark unit (limit - value
  for at most, value - limit for at least; negative when failing), ``margin_pct`` = margin / limit
  x 100, and for a fail ``reduction_needed`` = the change that reaches the limit;
- a set of levels: ``level <name>`` for the best level met, else ``no level reached``;
- sets of country ``INT`` are indicative references: their verdicts start with ``indicative:`` and
  never count as a fail;
- ``not assessed`` (with the reason) when the metric was not computed or a Site key needed to
  choose the line is missing: never a pass; ``not applicable`` when the line is for another kind of
  enterprise or condition.

A line whose status is not ``primary`` is flagged "check against the standard text".
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from greentex.errors import GreentexError
from greentex.factors import FactorLibrary, match_key, validate_dataset, _read_csv
from greentex.periods import headline_periods
from greentex.units import conversion_factor, same_dimension

KEYS = ["metric", "item", "applicability", "condition", "level"]
COLUMNS = ["benchmark", "metric", "item", "period", "value", "limit", "unit", "comparison", "level",
           "verdict", "margin", "margin_pct", "reduction_needed", "source", "reference", "status",
           "check", "note"]
NUMERIC = ("value", "limit", "margin", "margin_pct", "reduction_needed")
CHECK_TEXT = "check against the standard text"


def load_benchmark_file(library: FactorLibrary, path: str | Path) -> str:
    """Register a user's benchmark CSV (same columns as the bundled sets) as a set named after
    the file, or add to the bundled set of that name. Returns the set id."""
    path = Path(path)
    if not path.is_file():
        raise GreentexError(f"benchmark file '{path}' does not exist")
    frame = _read_benchmark_file(str(path), path.stat().st_mtime_ns)
    set_id = path.stem
    meta = {} if set_id in library.datasets else {
        "kind": "benchmark", "country": "user", "file": path.name, "title": f"user benchmark set {path.name}"}
    library.add(frame, set_id, KEYS, "extend", meta, str(path))
    return set_id


@lru_cache(maxsize=32)
def _read_benchmark_file(path: str, mtime_ns: int) -> pd.DataFrame:
    """A user's benchmark CSV, read and validated once while it is unchanged (a scenario run or
    a batch assesses many times with the same file); do not change the frame returned."""
    frame = _read_csv(Path(path), path)
    for col, default in (("condition", ""), ("rank", "1"), ("applicability", "all")):
        if col not in frame:
            frame[col] = default
    if "comparison" not in frame:
        raise GreentexError(f"{path}: missing column comparison", hint="at_most or at_least")
    frame = validate_dataset(frame, KEYS, path)
    bad = frame[~frame["comparison"].isin(["at_most", "at_least"])]
    if len(bad):
        raise GreentexError(f"{path}: comparison '{bad['comparison'].iloc[0]}' must be at_most or at_least")
    return frame


def resolve_sets(library: FactorLibrary, specs: list[str] | tuple, site: dict) -> list[str]:
    """Benchmark set ids from ids or file paths; with none given, the sets for the site's country
    (and the indicative international ones)."""
    if not specs:
        country = str(site.get("country") or "CN").upper()
        return [i for i in library.ids("benchmark")
                if str(library.datasets[i].meta.get("country", "")).upper() in (country, "INT")]
    out = []
    for spec in specs:
        if spec in library.datasets and library.datasets[spec].meta.get("kind") == "benchmark":
            out.append(spec)
        elif Path(spec).suffix.lower() == ".csv" or Path(spec).exists():
            out.append(load_benchmark_file(library, spec))
        else:
            raise GreentexError(f"no benchmark set '{spec}'",
                                hint="known sets: " + ", ".join(library.ids("benchmark")) + "; or give a CSV path")
    return out


def _applies(row: dict, site: dict) -> tuple[str, str]:
    """('yes' | 'no' | 'unknown', reason)."""
    app = match_key(row.get("applicability") or "all")
    if app not in ("all", ""):
        ent = site.get("enterprise")
        if not ent:
            return "unknown", f"line for {app} enterprises: the Site sheet does not say existing or new"
        if match_key(str(ent)) != app:
            return "no", f"line for {app} enterprises; this site is {ent}"
    cond = str(row.get("condition") or "").strip()
    if cond:
        key, _, want = cond.partition("=")
        have = site.get(key.strip())
        if have is None or str(have).strip() == "":
            return "unknown", f"line for {cond}: the Site sheet has no {key.strip()}"
        if match_key(str(have)) != match_key(want):
            return "no", f"line for {cond}; this site has {key.strip()}={have}"
    return "yes", ""


def _rank(value) -> float:
    """A level's rank as a number (1 when missing or not a number)."""
    try:
        r = float(value)
    except (TypeError, ValueError):
        return 1.0
    return 1.0 if np.isnan(r) else r


def _verdict_levels(values, levels: list[dict], indicative: bool) -> dict:
    """Columns verdict, limit, margin, margin_pct, reduction_needed for each value against the
    levels of one line, best first (computed over the whole column of values at once)."""
    single = len(levels) == 1 and match_key(levels[0]["level"]) == "limit"
    v = np.asarray(values, dtype=float)
    limits = np.array([lv["value"] for lv in levels], dtype=float)
    at_most = np.array([lv["comparison"] == "at_most" for lv in levels])
    names = np.array([str(lv["level"]) for lv in levels], dtype=object)
    ok = np.where(at_most[:, None], v[None, :] <= limits[:, None], v[None, :] >= limits[:, None])
    any_ok = ok.any(axis=0)
    best = np.where(any_ok, ok.argmax(axis=0), len(limits) - 1)  # best level met, else the last
    limit = limits[best]
    margin = np.where(at_most[best], limit - v, v - limit)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(limit != 0, margin / limit * 100.0, np.nan)
    need = np.where(margin < 0, -margin, np.nan)
    if single:
        verdict = np.where(any_ok, "pass", "fail").astype(object)
    else:
        verdict = np.where(any_ok, "level " + names[best], "no level reached").astype(object)
    if indicative:
        line = "the line" if single else None
        verdict = np.where(any_ok, "indicative: within " + (line or names[best]),
                           "indicative: above " + (line or names[-1])).astype(object)
    missing = np.isnan(v)
    verdict[missing] = "not assessed"
    for arr in (margin, pct, need):
        arr[missing] = np.nan
    return {"verdict": verdict, "limit": limit, "margin": margin, "margin_pct": pct,
            "reduction_needed": need}


def _lines(records: list[dict]) -> list[list[dict]]:
    """The lines of a benchmark set: its rows grouped by metric, item, applicability and
    condition (in file order), each line's levels best first."""
    lines: dict[tuple, list[dict]] = {}
    for row in records:
        key = tuple(row[k] for k in ("metric", "item", "applicability", "condition"))
        lines.setdefault(key, []).append({**row, "rank_num": _rank(row.get("rank", 1))})
    return [sorted(levels, key=lambda lv: lv["rank_num"]) for levels in lines.values()]


def evaluate(metrics: pd.DataFrame, site: dict, library: FactorLibrary, set_ids: list[str],
             reasons: dict | None = None) -> pd.DataFrame:
    """Verdict rows (COLUMNS) for every applicable line of the given sets."""
    reasons = reasons or {}
    products = set(metrics.loc[metrics["metric"] == "production", "item"])
    where = metrics.groupby(["metric", "item"], sort=False).indices  # (metric, item) -> row positions
    values_of = metrics["value"].to_numpy(dtype=float)
    periods_of = metrics["period"].to_numpy(dtype=object)
    units_of = metrics["unit"].to_numpy(dtype=object)
    parts = []
    for set_id in set_ids:
        ds = library.dataset(set_id)
        indicative = str(ds.meta.get("country", "")).upper() == "INT"
        for levels in _lines(ds.records()):
            first = levels[0]
            metric, item = first["metric"], first["item"]
            if metric.endswith("_intensity") and item not in products:
                continue  # a product this mill does not make
            base = {"benchmark": set_id, "metric": metric, "item": item, "unit": first["unit"],
                    "comparison": first["comparison"], "source": first["source"],
                    "reference": first["reference"], "status": first["status"],
                    "check": "" if first["status"] == "primary" else CHECK_TEXT, "note": first.get("note", "")}
            applies, why = _applies(first, site)
            at = where.get((metric, item))
            if applies != "yes" or at is None or np.isnan(values_of[at]).all():
                if applies == "yes":
                    why = reasons.get(metric) or f"{metric} ({item}) was not computed from this workbook"
                parts.append({**base, "period": ["total"], "value": [np.nan], "limit": [first["value"]],
                              "level": first["level"], "note": why,
                              "verdict": "not applicable" if applies == "no" else "not assessed"})
                continue
            munit = units_of[at[0]]
            if not same_dimension(munit, first["unit"]):
                raise GreentexError(f"benchmark {set_id}: {metric} {item} is in {first['unit']}, "
                                    f"which cannot be compared with {munit}")
            values = values_of[at] * conversion_factor(munit, first["unit"])
            periods = periods_of[at]
            v = _verdict_levels(values, levels, indicative)
            note = np.full(len(at), base["note"], dtype=object)
            unassessed = v["verdict"] == "not assessed"
            note[unassessed] = metric + " not computed for " + periods[unassessed]
            parts.append({**base, **v, "period": periods, "value": values, "note": note,
                          "level": first["level"] if len(levels) == 1 else ""})
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    sizes = [len(p["period"]) for p in parts]
    columns = {}
    for c in COLUMNS:
        dtype = float if c in NUMERIC else object
        columns[c] = np.concatenate([np.asarray(p[c], dtype=dtype) if np.ndim(p.get(c))
                                     else np.full(n, p.get(c, np.nan), dtype=dtype) for p, n in zip(parts, sizes)])
    # whole period first, then months
    order = sorted(range(len(columns["period"])), key=lambda i: (
        columns["benchmark"][i], columns["metric"][i], columns["item"][i], columns["period"][i] != "total",
        columns["period"][i]))
    return pd.DataFrame({c: v[order] for c, v in columns.items()})


def headline(benchmarks: pd.DataFrame) -> pd.DataFrame:
    """The lines a verdict speaks of: each calendar year's when the input covers several, else
    the whole period's (greentex.periods.headline_periods), and the lines not assessed or not
    applicable."""
    p = benchmarks["period"]
    return benchmarks[p.isin(headline_periods(p.unique())) | benchmarks["verdict"].isin(["not assessed", "not applicable"])]


def failed(benchmarks: pd.DataFrame, monthly: bool = False) -> pd.DataFrame:
    """The failing lines (of the headline periods, see headline(), unless ``monthly``: every
    period); indicative lines never fail."""
    b = benchmarks if monthly else headline(benchmarks)
    return b[b["verdict"].isin(["fail", "no level reached"])]
