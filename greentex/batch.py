"""Many mills in one run: every workbook assessed with the same options, a bad file reported and
skipped, never stopping the rest.

``assess_many(paths)`` returns a Portfolio: one tidy metrics frame and one benchmarks frame with
``site`` and ``path`` columns, a summary row per mill and year, and the files that failed with
their one-line reason. Each workbook is assessed in a worker process of its own (``jobs`` at
once), so that a crash, an abort, a memory blow-up (each worker's address space is limited to
``max_memory_mb`` where the system allows it) or a file taking longer than ``timeout`` seconds
fails that file only; or on Dask (``engine="dask"``, the optional extra ``greentex[dask]``) with
the same per-file function.
"""

from __future__ import annotations

import copy
import os
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from greentex.assessment import HEADLINE_INTENSITIES
from greentex.benchmarks import failed
from greentex.errors import GreentexError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
DEFAULT_TIMEOUT = 900.0  # seconds for one workbook: the largest take well under a minute
DEFAULT_MAX_MEMORY_MB = 8192  # address space of one worker: a million-row sheet needs far less
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


def assess_file(path, options_kwargs: dict | None = None, factor_paths=(), report_path=None,
                lang: str = "en") -> MillResult:
    """Assess one workbook (and write its report to ``report_path``, if given); never raises for
    the workbook's own faults (they become ``error``).

    Runs in a worker process too, so it takes plain arguments and loads its own factor library.
    """
    from greentex.assessment import assess
    from greentex.options import Options
    from greentex.factors import load_library
    from greentex.io.workbook import read_workbook

    path = str(path)
    try:
        lib = load_library(list(factor_paths))
        inv = read_workbook(path, library=lib)
        a = assess(inv, options=Options(**(options_kwargs or {})), library=lib)
        if report_path:
            from greentex.io.report import write_report

            write_report(a, report_path, lang=lang)
    except GreentexError as exc:
        return MillResult(path=path, error=str(exc))
    except MemoryError:
        return _no_memory(path)
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


def report_paths(files, report_dir) -> list[Path]:
    """Each mill's report path in ``report_dir``: ``<name>_report.xlsx`` in the sub-folder that
    mirrors its input folder below the folder common to all the inputs, so that two mills never
    share a report (a/mill.xlsx -> a/mill_report.xlsx, b/mill.xlsx -> b/mill_report.xlsx); two
    inputs of one name in one folder (mill.xlsx, mill.xls) are told apart by their suffix."""
    parents = [Path(f).resolve().parent for f in files]
    try:
        root = Path(os.path.commonpath(parents))
    except ValueError:  # on different drives: no common folder
        root = None
    out, taken = [], set()
    for f, parent in zip(map(Path, files), parents):
        folder = Path(report_dir) / (parent.relative_to(root) if root else parent.relative_to(parent.anchor))
        name, n = f"{f.stem}_report.xlsx", 1
        while str(folder / name).casefold() in taken:
            name = f"{f.stem}_{f.suffix.lstrip('.')}{'' if n == 1 else n}_report.xlsx"
            n += 1
        taken.add(str(folder / name).casefold())
        out.append(folder / name)
    return out


def assess_many(paths, *, options=None, factor_paths=(), jobs: int | None = None, engine: str = "processes",
                scheduler: str | None = None, report_dir=None, lang: str = "en", progress=None,
                exclude=(), timeout: float | None = DEFAULT_TIMEOUT,
                max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB, isolate: bool = True) -> Portfolio:
    """Assess every workbook in ``paths`` (files or folders) with the same options.

    ``jobs``: workers at once (default: the number of CPUs). Each workbook is assessed in a worker
    process of its own, which may use ``max_memory_mb`` of address space (where the system can
    limit it) and ``timeout`` seconds (None or 0: no limit); ``isolate=False`` with ``jobs=1``
    runs in this process instead. ``engine="dask"`` maps the same per-file function over a
    dask.bag (no timeout or memory limit); ``scheduler`` is a distributed scheduler address, or
    one of Dask's local schedulers ("processes", "threads", "synchronous"; default "processes").
    ``report_dir``: write each mill's report there (report_paths names them). ``progress(done,
    total)`` is called as files finish. Workbooks at or under ``exclude`` paths (the run's own
    outputs) are not taken as mills.
    """
    from dataclasses import asdict

    from greentex.options import Options

    options = options or Options()
    options.check()
    kwargs = asdict(options)
    files = find_workbooks(paths, exclude=[*exclude, report_dir])
    if not files:
        raise GreentexError("no workbooks found", hint="give .xlsx files or folders that hold them")
    reports = report_paths(files, report_dir) if report_dir else [None] * len(files)
    for folder in {r.parent for r in reports if r is not None}:
        folder.mkdir(parents=True, exist_ok=True)
    args = [(str(f), kwargs, tuple(map(str, factor_paths)), str(r) if r else None, lang)
            for f, r in zip(files, reports)]
    if engine == "dask":
        results = _run_dask(args, scheduler, jobs)
    elif engine == "processes" and (isolate or (jobs or 0) > 1):
        results = _run_isolated(args, jobs or os.cpu_count() or 1, timeout or None, max_memory_mb or None, progress)
    elif engine == "processes":
        results = _run_here(args, progress)
    else:
        raise GreentexError(f"unknown engine '{engine}'", hint="use processes or dask")
    return _combine(results, kwargs)


def _call(arg):
    return assess_file(*arg)


def _run_here(args, progress) -> list[MillResult]:
    results = []
    for i, a in enumerate(args, start=1):
        results.append(_call(a))
        if progress:
            progress(i, len(args))
    return results


def _no_memory(path: str) -> MillResult:
    return MillResult(path=path, error=f"{path}: not enough memory to assess it (see --max-memory)")


def _limit_memory(mb: int | None) -> None:
    """Limit this process's address space to ``mb`` MiB, where the system allows it (POSIX)."""
    try:
        import resource
    except ImportError:  # Windows: no limit
        return
    if mb:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = mb * 2**20 if hard == resource.RLIM_INFINITY else min(mb * 2**20, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _worker(conn, arg, max_memory_mb) -> None:
    """A worker's life: one workbook, its result sent back to the parent."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it ends the workers
    _limit_memory(max_memory_mb)
    try:
        result = _call(arg)
        conn.send(result)
    except MemoryError:  # sending a large result
        conn.send(_no_memory(arg[0]))
    conn.close()


def _death(proc, path: str) -> str:
    """Why a worker ended without a result, in one line."""
    import signal

    proc.join(5)
    code = proc.exitcode
    if code is None or code >= 0:
        return f"{path}: the worker assessing it stopped without a result (exit code {code})"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    why = {"SIGKILL": "killed, perhaps for lack of memory", "SIGSEGV": "a crash, perhaps in a reading library",
           "SIGABRT": "aborted, as a reading library may do on a damaged or oversized file"}.get(name, "")
    return f"{path}: the worker assessing it crashed ({name}{': ' + why if why else ''})"


def _context():
    import multiprocessing as mp

    return mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")


def _start(ctx, arg, max_memory_mb):
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_worker, args=(send, arg, max_memory_mb), daemon=True)
    with warnings.catch_warnings():  # Python 3.12+ warns of fork in a process with threads
        warnings.simplefilter("ignore", DeprecationWarning)
        proc.start()
    send.close()
    return proc, recv, time.monotonic()


def _outcome(proc, recv, started, arg, timeout) -> MillResult | None:
    """The result of a running worker: its own, a failure when it died or ran out of time, or
    None while it is still at work."""
    if recv.poll():
        try:
            return recv.recv()
        except (EOFError, OSError):  # it died before or while sending
            return MillResult(path=arg[0], error=_death(proc, arg[0]))
    if not proc.is_alive():
        return MillResult(path=arg[0], error=_death(proc, arg[0]))
    if timeout and time.monotonic() - started > timeout:
        proc.kill()
        return MillResult(path=arg[0], error=f"{arg[0]}: stopped after {timeout:g} s (--timeout)")
    return None


def _preload(factor_paths) -> None:
    """What every worker needs, imported and read once here before the workers are forked (each
    would otherwise import pandas, pint and the report writer and read the factor library again)."""
    import greentex.assessment  # noqa: F401
    import greentex.io.report  # noqa: F401
    import greentex.io.workbook  # noqa: F401
    from greentex.factors import load_library

    try:
        load_library(list(factor_paths))
    except GreentexError:  # a bad user file: each worker reports it for its workbook
        pass
    import gc

    gc.freeze()  # the collector then leaves these objects alone in the workers: fewer pages copied


def _run_isolated(args, jobs: int, timeout, max_memory_mb, progress) -> list[MillResult]:
    """Each workbook in a worker process of its own, ``jobs`` at once; results in input order."""
    from multiprocessing.connection import wait

    ctx = _context()
    if ctx.get_start_method() == "fork":
        _preload(args[0][2] if args else ())
    results: list = [None] * len(args)
    todo, running, finished = list(range(len(args))), {}, 0
    try:
        while todo or running:
            while todo and len(running) < jobs:
                i = todo.pop(0)
                running[i] = _start(ctx, args[i], max_memory_mb)
            wait([r for _, r, _ in running.values()] + [p.sentinel for p, _, _ in running.values()], timeout=0.5)
            for i, (proc, recv, started) in list(running.items()):
                result = _outcome(proc, recv, started, args[i], timeout)
                if result is None:
                    continue
                proc.join(5)
                recv.close()
                del running[i]
                results[i] = result
                if result.error:  # a killed worker's half-written report
                    _sweep_report(args[i])
                finished += 1
                if progress:
                    progress(finished, len(args))
    finally:  # Ctrl-C, an error here: no worker outlives the batch, nor its half-written report
        for i, (proc, recv, _) in running.items():
            proc.kill()
            proc.join(5)
            recv.close()
            _sweep_report(args[i])
    return results


def _sweep_report(arg) -> None:
    """Remove what a stopped worker left half-written in its report's folder."""
    if arg[3]:
        from greentex.io.atomic import sweep

        sweep(Path(arg[3]).parent)


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

