"""Many mills in one run: every workbook assessed with the same options, a bad file reported and
skipped, never stopping the rest.

``assess_many(paths)`` returns a Portfolio: one tidy metrics frame and one benchmarks frame with
``site`` and ``path`` columns, a summary row per mill and year, and the files that failed with
their one-line reason. Work runs in this process (``jobs=1``), across processes (``jobs=N``), or
on Dask (``engine="dask"``, the optional extra ``greentex[dask]``) with the same per-file function.
"""

from __future__ import annotations

import copy
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from greentex.assessment import HEADLINE_INTENSITIES
from greentex.benchmarks import failed
from greentex.errors import GreentexError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
SUMMARY_FIGURES = [  # (column, metric, item)
    ("energy_tce", "energy", "total"),
    ("ghg_scope1_tco2e", "ghg", "scope1"),
    ("ghg_scope2_location_tco2e", "ghg", "scope2_location"),
    ("ghg_total_location_tco2e", "ghg", "total_location"),
    ("ghg_total_market_tco2e", "ghg", "total_market"),
    ("water_intake_m3", "water_intake", "total"),
    ("water_reuse_rate_percent", "water_reuse_rate", "total"),
    ("chemicals_kg", "chemicals", "total"),
]


def is_portfolio(path) -> bool:
    """True for a workbook that greentex wrote as a portfolio (it has the Mills and Failed files
    sheets, 各企业 and 失败的文件 in Chinese): an earlier run's output, not a mill."""
    import python_calamine as pc

    try:
        names = set(pc.CalamineWorkbook.from_path(str(path)).sheet_names)
        return {"Mills", "Failed files"} <= names or {"各企业", "失败的文件"} <= names   # English or Chinese
    except Exception:  # not a workbook calamine can open: not a portfolio
        return False


def find_workbooks(paths, exclude=()) -> list[Path]:
    """Files as given, and the workbooks inside folders (sorted, recursively); Office lock files
    (~$name.xlsx) and anything at or under an ``exclude`` path (the run's own outputs) are skipped."""
    skip = [Path(e).resolve() for e in exclude if e]

    def own(f: Path) -> bool:
        f = f.resolve()
        return any(f == s or s in f.parents for s in skip)

    out = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.suffix.lower() in WORKBOOK_SUFFIXES
                          and f.is_file() and not f.name.startswith("~$") and not own(f))
        else:
            out.append(p)
    return out


@dataclass
class MillResult:
    """One workbook's outcome: its tidy tables, or the reason it failed."""

    path: str
    site: str = ""
    metrics: pd.DataFrame | None = None
    benchmarks: pd.DataFrame | None = None
    summary: list = field(default_factory=list)  # one row per calendar year
    error: str | None = None


def assess_file(path, options_kwargs: dict | None = None, factor_paths=(), report_dir=None,
                lang: str = "en") -> MillResult:
    """Assess one workbook; never raises for the workbook's own faults (they become ``error``).

    Runs in a worker process too, so it takes plain arguments and loads its own factor library.
    """
    from greentex.assessment import Options, assess
    from greentex.factors import load_library
    from greentex.io.workbook import read_workbook

    path = str(path)
    try:
        lib = load_library(list(factor_paths))
        inv = read_workbook(path, library=lib)
        a = assess(inv, options=Options(**(options_kwargs or {})), library=lib)
        if report_dir:
            from greentex.io.report import write_report

            write_report(a, Path(report_dir) / (Path(path).stem + "_report.xlsx"), lang=lang)
    except GreentexError as exc:
        return MillResult(path=path, error=str(exc))
    except Exception as exc:  # a bug must not stop the batch either; it is reported as such
        return MillResult(path=path, error=f"internal error: {type(exc).__name__}: {exc}".replace("\n", " "))
    site = str(a.site.get("name") or Path(path).name)
    metrics = a.metrics.assign(site=site, path=path)
    benchmarks = a.benchmarks.assign(site=site, path=path)
    years = sorted({p[:4] for p in inv.periods})
    if len(years) <= 1:
        rows = [summary_row(a, site, path)]
    else:  # a row per calendar year: each year assessed on its own months
        rows = []
        for year in years:
            part = copy.copy(inv)
            part.activity = inv.activity[inv.activity["period"].str.startswith(year + "-")]
            part.site = dict(inv.site, year=int(year))
            rows.append(summary_row(assess(part, options=Options(**(options_kwargs or {})), library=lib),
                                    site, path))
    return MillResult(path=path, site=site, metrics=metrics, benchmarks=benchmarks, summary=rows)


def intensity_column(metric: str, product: str, unit: str) -> str:
    """The portfolio column of one product's intensity: 'energy_intensity:woven_fabric [kgce/hm]'."""
    return f"{metric}:{product} [{unit}]"


def parse_intensity_column(column: str) -> tuple[str, str, str]:
    """(metric, product, unit) of an intensity_column."""
    metric, _, rest = column.partition(":")
    product, _, unit = rest.partition(" [")
    return metric, product, unit.removesuffix("]")


def summary_row(a, site: str, path: str) -> dict:
    """The portfolio's row for one mill: key totals, intensities per product, verdict counts."""
    years = sorted({p[:4] for p in a.inventory.periods})
    row = {"site": site, "path": path, "year": a.site.get("year") or (int(years[0]) if len(years) == 1 else None),
           "province": a.site.get("province", ""), "months": len(a.inventory.periods)}
    for column, metric, item in SUMMARY_FIGURES:
        row[column] = a.value(metric, item)
    m = a.metrics
    for metric in HEADLINE_INTENSITIES:
        for product, unit in m.loc[m.metric == metric, ["item", "unit"]].drop_duplicates().itertuples(index=False):
            row[intensity_column(metric, product, unit)] = a.value(metric, product)
    b = a.benchmarks
    tot = b[b["period"] == "total"] if len(b) else b
    bad = failed(b) if len(b) else b
    row["benchmark_pass"] = int((tot["verdict"] == "pass").sum()) if len(tot) else 0
    row["benchmark_fail"] = len(bad)
    row["benchmark_not_assessed"] = int((tot["verdict"] == "not assessed").sum()) if len(tot) else 0
    row["failed_lines"] = "; ".join(f"{r.metric} {r.item} ({r.benchmark})" for r in bad.itertuples())
    return row


@dataclass
class Portfolio:
    """The result of a batch: tidy tables with ``site`` and ``path``, and the failures."""

    metrics: pd.DataFrame
    benchmarks: pd.DataFrame
    summary: pd.DataFrame
    errors: list[dict]
    options: dict

    @property
    def assessed(self) -> int:
        return int(self.summary["path"].nunique()) if len(self.summary) else 0


def _combine(results: list[MillResult], options: dict) -> Portfolio:
    ok = [r for r in results if r.error is None]
    cols = ["site", "path", "metric", "item", "period", "value", "unit"]
    metrics = pd.concat([r.metrics for r in ok], ignore_index=True)[cols] if ok else pd.DataFrame(columns=cols)
    bench = [r.benchmarks for r in ok if r.benchmarks is not None and len(r.benchmarks)]
    benchmarks = pd.concat(bench, ignore_index=True) if bench else pd.DataFrame(columns=["site", "path"])
    if len(benchmarks):
        benchmarks = benchmarks[["site", "path"] + [c for c in benchmarks.columns if c not in ("site", "path")]]
    summary = pd.DataFrame([row for r in ok for row in r.summary])
    errors = [{"path": r.path, "message": r.error} for r in results if r.error is not None]
    return Portfolio(metrics=metrics, benchmarks=benchmarks, summary=summary, errors=errors, options=options)


def assess_many(paths, *, options=None, factor_paths=(), jobs: int | None = None, engine: str = "processes",
                scheduler: str | None = None, report_dir=None, lang: str = "en", progress=None,
                exclude=()) -> Portfolio:
    """Assess every workbook in ``paths`` (files or folders) with the same options.

    ``jobs``: processes to use (default: the number of CPUs; 1 runs in this process).
    ``engine="dask"`` maps the same per-file function over a dask.bag; ``scheduler`` is a
    distributed scheduler address, or one of Dask's local schedulers ("processes", "threads",
    "synchronous"; default "processes"). ``progress(done, total)`` is called as files finish.
    Workbooks at or under ``exclude`` paths (the run's own outputs) are not taken as mills.
    """
    from dataclasses import asdict

    from greentex.assessment import Options

    options = options or Options()
    options.check()
    kwargs = asdict(options)
    files = find_workbooks(paths, exclude=[*exclude, report_dir])
    if not files:
        raise GreentexError("no workbooks found", hint="give .xlsx files or folders that hold them")
    if report_dir:
        Path(report_dir).mkdir(parents=True, exist_ok=True)
    args = [(str(f), kwargs, tuple(map(str, factor_paths)), str(report_dir) if report_dir else None, lang)
            for f in files]
    if engine == "dask":
        results = _run_dask(args, scheduler, jobs)
    elif engine == "processes":
        results = _run_processes(args, jobs or os.cpu_count() or 1, progress)
    else:
        raise GreentexError(f"unknown engine '{engine}'", hint="use processes or dask")
    return _combine(results, kwargs)


def _call(arg):
    return assess_file(*arg)


def _run_processes(args, jobs: int, progress) -> list[MillResult]:
    results = []
    if jobs <= 1 or len(args) == 1:
        for i, a in enumerate(args, start=1):
            results.append(_call(a))
            if progress:
                progress(i, len(args))
        return results
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        chunk = max(1, len(args) // (jobs * 8))
        for i, r in enumerate(pool.map(_call, args, chunksize=chunk), start=1):
            results.append(r)
            if progress:
                progress(i, len(args))
    return results


def _run_dask(args, scheduler: str | None, jobs: int | None) -> list[MillResult]:
    try:
        import dask.bag as db
    except ImportError:
        raise GreentexError("the dask engine needs Dask", hint="pip install 'greentex[dask]'") from None
    bag = db.from_sequence(args, npartitions=min(len(args), max(1, (jobs or os.cpu_count() or 1) * 4)))
    mapped = bag.map(_call)
    if scheduler and scheduler not in ("processes", "threads", "synchronous", "sync", "single-threaded"):
        try:
            from dask.distributed import Client
        except ImportError:
            raise GreentexError("a scheduler address needs dask.distributed",
                                hint="pip install 'dask[distributed]'") from None
        with Client(scheduler) as client:
            return list(client.compute(mapped).result())
    return list(mapped.compute(scheduler=scheduler or "processes",
                               **({"num_workers": jobs} if jobs and (scheduler or "processes") == "processes" else {})))


def portfolio_frame_for_json(p: Portfolio) -> dict:
    """The JSON document of a batch: metrics and benchmarks rows with site and path, errors."""
    from greentex.io.jsonout import document, records


    return document({"options": p.options, "metrics": records(p.metrics), "benchmarks": records(p.benchmarks),
                     "summary": records(p.summary), "errors": p.errors})

