"""Performance benchmark: greentex against plain pandas / numpy doing the same work, in one run.

    python bench/run.py                      # sizes 1e3, 1e4, 1e5, 1e6 rows
    python bench/run.py --sizes 1000,100000  # a quicker run

For each size (activity rows across Energy, Water, Chemicals, Production; 120 months):

  read     greentex read_workbook  vs  pandas.read_excel(engine="calamine") of the same sheets
  compute  assess() on an Inventory  vs  a hand-written numpy baseline of the same arithmetic
           from the same frames (factorize item and unit, one factor per pair, multiply, sum by
           month), which must agree with greentex's energy, combustion CO2 and chemicals to 1e-9 or
           the run stops; building the Inventory from the frames (resolving every name, unit and month)
           is timed too, and shown alone and with assess()
  write    greentex write_report   vs  DataFrame.to_excel of the same tables (openpyxl)
  e2e      `greentex report FILE -o OUT` run in this process (the command line's own entry
           point, after imports)  vs  raw read + raw write in this process; and, both paying
           interpreter start and imports, the command in a fresh process  vs  the same raw read
           and write as a fresh process
           and the command in a fresh process  vs  a fresh process that only reads the same
           workbook with pandas.read_excel(engine="calamine") (the target: within 1.5x)
  memory   peak RSS of that fresh process above an empty interpreter's  vs  the input frames' size
and once: `import greentex` and `greentex --help` in fresh processes, and the time write_report
takes for each workbook in samples/ (English and Chinese; the target: 0.3 s).

Prints a table with the targets and writes bench/results/latest.json. Needs the bench extra:
pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import frames as make_frames, write_xlsx  # noqa: E402

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
TARGETS = {"compute": 2.0, "read": 1.3, "e2e": 1.5, "e2e_process": 1.5, "e2e_read_process": 1.5, "memory": 5.0,
           "help_s": 0.3, "linear": 12.0, "sample_write_s": 0.3}
SAMPLES = HERE.parent / "samples"


def best_of(fn, repeat: int):
    """(fastest time, result) of ``repeat`` calls, each starting from a collected heap: whatever
    ran before must not leave the cyclic garbage collector a debt that this call pays (it made
    the numpy baseline vary between 0.027 and 0.050 s at 100 000 rows)."""
    times, result = [], None
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def numpy_baseline(sheets: dict, to_base: dict, coef: dict, co2: dict) -> dict:
    """The core arithmetic by hand: tce and tCO2 by month, water and chemicals by month (each
    in its canonical unit). One factor per (item, unit) pair, looked up through the codes."""
    out = {}
    e = sheets["Energy"]
    pair, pairs = pd.factorize(pd.MultiIndex.from_arrays([e["item"], e["unit"]]))
    base = np.array([to_base[p] for p in pairs])
    c = np.array([coef[p] for p in pairs])
    g = np.array([co2[p] for p in pairs])
    month, months = pd.factorize(e["period"])
    q = e["quantity"].to_numpy() * base[pair]
    out["tce"] = np.bincount(month, weights=q * c[pair], minlength=len(months)) / 1000
    out["tco2"] = np.bincount(month, weights=q * g[pair], minlength=len(months))
    for sheet in ("Water", "Chemicals"):
        f = sheets[sheet]
        pair, pairs = pd.factorize(pd.MultiIndex.from_arrays([f["item"], f["unit"]]))
        base = np.array([to_base[p] for p in pairs])
        month, months = pd.factorize(f["period"])
        out[sheet] = np.bincount(month, weights=f["quantity"].to_numpy() * base[pair], minlength=len(months))
    return out


def baseline_factors(sheets: dict) -> tuple[dict, dict, dict]:
    """For each (item, unit) pair, from greentex's own data (not timed): the factor to the item's
    canonical unit, kgce and combustion tCO2 per canonical unit (exports negative), as assess()
    applies them."""
    from greentex.assessment import FactorSelector, Options
    from greentex.factors import load_library
    from greentex.units import conversion_factor, same_dimension

    lib = load_library()
    sel = FactorSelector(lib, pd.DataFrame(columns=["item", "parameter"]), Options())
    to_base, coef, co2 = {}, {}, {}
    for sheet, frame in sheets.items():
        for item, unit in frame[["item", "unit"]].drop_duplicates().itertuples(index=False):
            canon = next((u for u in lib.item_units(item) if same_dimension(unit, u)), None)
            if canon is None and same_dimension(unit, "t"):  # water in tonnes: 1 t = 1 m3
                to_base[(item, unit)], canon = conversion_factor(unit, "t"), lib.item_units(item)[0]
            else:
                to_base[(item, unit)] = conversion_factor(unit, canon)
            if sheet != "Energy":
                continue
            sign = float(lib.item_table.at[item, "sign"])
            coef[(item, unit)] = sel.coefficient(item, canon).value_in(f"kgce/({canon})") * sign
            gj = conversion_factor(canon, "GJ") if same_dimension(canon, "GJ") else (
                sel.ncv(item, canon).value_in(f"GJ/({canon})") if sel.ncv(item, canon) else 0.0)
            cc, ox = sel.parameter(item, "carbon_content"), sel.parameter(item, "oxidation")
            co2[(item, unit)] = gj * cc.value_in("tC/GJ") * ox.value_in("dimensionless") * 44 / 12 \
                if cc and ox and lib.item_table.at[item, "class"] == "fuel" else 0.0
    return to_base, coef, co2


def peak_rss_mb(args: list[str]) -> tuple[float, float, float]:
    """(seconds, peak RSS in MB, CPU seconds: user + system) of a command in a fresh process (on a
    machine shared with others CPU seconds vary much less than wall time)."""
    code = ("import resource,subprocess,sys,time;t=time.perf_counter();"
            f"r=subprocess.run({args!r},capture_output=True);u=resource.getrusage(resource.RUSAGE_CHILDREN);"
            "print(time.perf_counter()-t, u.ru_maxrss/1024, u.ru_utime+u.ru_stime, r.returncode);"
            "sys.stderr.write(r.stderr.decode()[-500:])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    secs, mb, cpu, rc = out.stdout.split()
    if rc != "0":
        raise RuntimeError(out.stderr)
    return float(secs), float(mb), float(cpu)


def fresh_runs(args: list[str], n: int) -> tuple[float, float, float]:
    """(fastest wall seconds, fewest CPU seconds, largest peak RSS MB) of ``n`` fresh runs."""
    runs = [peak_rss_mb(args) for _ in range(n)]
    return min(r[0] for r in runs), min(r[2] for r in runs), max(r[1] for r in runs)


def run_command(args: list[str]) -> None:
    """`greentex ARGS` through the command line's entry point, in this process."""
    from greentex.cli import cli

    with contextlib.redirect_stdout(io.StringIO()):
        try:
            cli.main(args, prog_name="greentex", standalone_mode=False)
        except SystemExit as exc:  # 1: a benchmark failed, the report is still written
            if exc.code not in (0, 1, None):
                raise RuntimeError(f"greentex {' '.join(args)} exited with {exc.code}") from None


def run_size(rows: int, months: int, workdir: Path, repeat: int) -> dict:
    from greentex.assessment import assess
    from greentex.inventory import Inventory
    from greentex.io.report import write_report
    from greentex.io.workbook import read_workbook

    sheets = make_frames(rows, months)
    DATA.mkdir(exist_ok=True)
    path = DATA / f"mill_{rows}_{months}.xlsx"
    if not path.exists():
        write_xlsx(sheets, path)
    names = list(sheets)
    r = {"rows": rows, "months": months, "file_mb": path.stat().st_size / 2**20}
    input_mb = sum(f.memory_usage(deep=True).sum() for f in sheets.values()) / 2**20
    r["input_frames_mb"] = input_mb

    r["read_greentex_s"], inv_read = best_of(lambda: read_workbook(path), repeat)
    r["read_raw_s"], raw = best_of(lambda: pd.read_excel(path, sheet_name=names, engine="calamine"), repeat)

    to_base, coef, co2 = baseline_factors(sheets)
    kw = {k.lower(): v for k, v in sheets.items()}
    r["inventory_s"], inv = best_of(lambda: Inventory.from_frames(**kw, site={"year": 2020, "grid": "east:2022"}),
                                    repeat)
    r["compute_greentex_s"], a = best_of(lambda: assess(inv), repeat)
    r["compute_numpy_s"], base = best_of(lambda: numpy_baseline(sheets, to_base, coef, co2), repeat)
    # the same arithmetic: the two must agree
    checks = {"energy": base["tce"].sum(), "ghg:combustion": base["tco2"].sum(),
              "chemicals": base["Chemicals"].sum()}
    got = {"energy": a.value("energy"), "chemicals": a.value("chemicals"),
           "ghg:combustion": sum(a.value("ghg", s) for s in set(a.metrics["item"]) if s.startswith("combustion:"))}
    r["check_rel_diff"] = {k: abs(got[k] - v) / abs(v) for k, v in checks.items()}
    if max(r["check_rel_diff"].values()) > 1e-9:
        raise RuntimeError(f"greentex and the numpy baseline disagree: {r['check_rel_diff']}")

    out_g, out_p = workdir / "g.xlsx", workdir / "p.xlsx"
    r["write_greentex_s"], _ = best_of(lambda: write_report(a, out_g), repeat)
    tables = {"Metrics": a.metrics, **{k.capitalize(): v for k, v in a.details.items()},
              "Factors": a.factors, "Benchmarks": a.benchmarks}

    def raw_write():
        with pd.ExcelWriter(out_p, engine="openpyxl") as xw:
            for name, t in tables.items():
                t.to_excel(xw, sheet_name=name[:31], index=False)
    r["write_raw_s"], _ = best_of(raw_write, repeat)

    r["e2e_greentex_s"], _ = best_of(lambda: run_command(["report", str(path), "-o", str(workdir / "e.xlsx")]),
                                     repeat)
    exe = str(Path(sys.executable).with_name("greentex"))
    n = min(repeat, 3)
    r["e2e_greentex_process_s"], r["e2e_greentex_process_cpu_s"], rss = fresh_runs(
        [exe, "report", str(path), "-o", str(workdir / "f.xlsx")], n)
    # a fresh process that only reads the workbook with pandas + calamine
    read_only = f"import pandas as pd; pd.read_excel({str(path)!r}, sheet_name={names!r}, engine='calamine')"
    r["read_only_process_s"], r["read_only_process_cpu_s"], _ = fresh_runs([sys.executable, "-c", read_only], n)
    r["ratio_e2e_read_process"] = r["e2e_greentex_process_s"] / r["read_only_process_s"]
    r["ratio_e2e_read_process_cpu"] = r["e2e_greentex_process_cpu_s"] / r["read_only_process_cpu_s"]
    # the same raw read and write as a fresh process too: both sides then pay interpreter start
    pd.to_pickle(tables, workdir / "tables.pkl")
    script = ("import pandas as pd;"
              f"pd.read_excel({str(path)!r}, sheet_name={names!r}, engine='calamine');"
              f"t = pd.read_pickle({str(workdir / 'tables.pkl')!r});"
              f"xw = pd.ExcelWriter({str(workdir / 'q.xlsx')!r}, engine='openpyxl');"
              "[f.to_excel(xw, sheet_name=n[:31], index=False) for n, f in t.items()];"
              "xw.close()")
    r["e2e_raw_process_s"], _, _ = fresh_runs([sys.executable, "-c", script], n)
    r["ratio_e2e_process"] = r["e2e_greentex_process_s"] / r["e2e_raw_process_s"]
    _, empty, _ = peak_rss_mb([sys.executable, "-c", "import pandas, numpy"])
    r["e2e_raw_s"] = r["read_raw_s"] + r["write_raw_s"]
    r["peak_rss_mb"], r["baseline_rss_mb"] = rss, empty
    r["ratio_read"] = r["read_greentex_s"] / r["read_raw_s"]
    r["ratio_compute"] = r["compute_greentex_s"] / r["compute_numpy_s"]
    r["ratio_inventory_and_compute"] = (r["inventory_s"] + r["compute_greentex_s"]) / r["compute_numpy_s"]
    r["ratio_write"] = r["write_greentex_s"] / r["write_raw_s"]
    r["ratio_e2e"] = r["e2e_greentex_s"] / r["e2e_raw_s"]
    r["ratio_memory"] = max(rss - empty, 0) / input_mb
    return r


def sample_writes(repeat: int = 5) -> list[dict]:
    """Seconds write_report takes for each sample workbook, in English and in Chinese (best of
    ``repeat``, after one unmeasured write)."""
    from greentex.assessment import assess
    from greentex.io.report import write_report
    from greentex.io.workbook import read_workbook

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(SAMPLES.glob("*.xlsx")):
            a = assess(read_workbook(path))
            row = {"sample": path.name}
            for lang in ("en", "zh"):
                target = Path(tmp) / f"{lang}.xlsx"
                write_report(a, target, lang=lang)
                row[f"write_{lang}_s"], _ = best_of(lambda: write_report(a, target, lang=lang), repeat)
            out.append(row)
    return out


def startup() -> dict:
    exe = str(Path(sys.executable).with_name("greentex"))
    imp = min(peak_rss_mb([sys.executable, "-c", "import greentex"])[0] for _ in range(5))
    none = min(peak_rss_mb([sys.executable, "-c", "pass"])[0] for _ in range(5))
    helps = min(peak_rss_mb([exe, "--help"])[0] for _ in range(5))
    return {"import_s": imp - none, "help_s": helps, "python_startup_s": none}


def compile_greentex() -> None:
    """Write greentex's bytecode, as installing it from a wheel does: an editable install under
    PYTHONDONTWRITEBYTECODE would otherwise compile every module in each fresh process measured
    (about 0.08 s that a user's installed copy never pays), while pandas' bytecode is there."""
    import compileall

    import greentex

    compileall.compile_dir(str(Path(greentex.__file__).parent), quiet=1)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1000,10000,100000,1000000")
    p.add_argument("--months", type=int, default=120)
    p.add_argument("--out", default=str(HERE / "results" / "latest.json"))
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    compile_greentex()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            repeat = 5 if n <= 100_000 else 1
            results.append(run_size(n, args.months, Path(tmp), repeat))
            print(f"... {n} rows done", file=sys.stderr)
    st = startup()
    samples = sample_writes()
    machine = {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
               "processor": platform.processor() or platform.machine(),
               "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)}
    by = {r["rows"]: r for r in results}
    def whole(r):  # the Inventory and assess(): every step that grows with rows
        return r["inventory_s"] + r["compute_greentex_s"]
    linear = whole(by[1_000_000]) / whole(by[100_000]) if 1_000_000 in by and 100_000 in by else None
    doc = {"machine": machine, "targets": TARGETS, "sizes": results, "startup": st, "compute_1m_over_100k": linear,
           "samples": samples}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(doc, indent=1))
    print(table(doc))


def table(doc: dict) -> str:
    lines = [f"machine: {doc['machine']['cpus']} CPUs, {doc['machine']['memory_gb']} GB, "
             f"Python {doc['machine']['python']} ({doc['machine']['processor']})", "",
             "rows       read s (x raw)   inventory s  assess s (x numpy; with inventory)   write s (x raw)   "
             "e2e s (x raw read+write)   e2e process s (x raw process)   peak MB (x input)"]
    for r in doc["sizes"]:
        lines.append(f"{r['rows']:>9,}  {r['read_greentex_s']:7.3f} ({r['ratio_read']:4.2f})  "
                     f"{r['inventory_s']:9.3f}    {r['compute_greentex_s']:7.3f} ({r['ratio_compute']:4.2f}; "
                     f"{r['ratio_inventory_and_compute']:4.2f})            "
                     f"{r['write_greentex_s']:7.3f} ({r['ratio_write']:4.2f})   "
                     f"{r['e2e_greentex_s']:8.3f} ({r['ratio_e2e']:4.2f})          "
                     f"{r['e2e_greentex_process_s']:8.3f} ({r['ratio_e2e_process']:4.2f})              "
                     f"{r['peak_rss_mb'] - r['baseline_rss_mb']:7.0f} ({r['ratio_memory']:4.2f})")
    t = doc["targets"]
    by = {r["rows"]: r for r in doc["sizes"]}
    lines.append("")
    if 100_000 in by:
        r = by[100_000]
        for name, key, target in (("compute", "ratio_compute", t["compute"]), ("read", "ratio_read", t["read"]),
                                  ("e2e", "ratio_e2e", t["e2e"]),
                                  ("e2e_process", "ratio_e2e_process", t["e2e_process"]),
                                  ("e2e_readonly", "ratio_e2e_read_process", t["e2e_read_process"]),
                                  ("memory", "ratio_memory", t["memory"])):
            lines.append(f"target {name:11s} at 100k: {r[key]:5.2f} <= {target}  "
                         f"{'met' if r[key] <= target else 'NOT met'}")
    if doc["compute_1m_over_100k"]:
        v = doc["compute_1m_over_100k"]
        lines.append(f"target linear      1M/100k: {v:5.2f} <= {t['linear']}  {'met' if v <= t['linear'] else 'NOT met'}")
    for r in doc.get("sizes", []):
        lines.append(f"{r['rows']:>9,} rows: greentex report as a process {r['e2e_greentex_process_s']:.3f} s, "
                     f"a process that only reads it (pandas + calamine) {r['read_only_process_s']:.3f} s: "
                     f"{r['ratio_e2e_read_process']:.2f}x; CPU seconds {r['e2e_greentex_process_cpu_s']:.3f} "
                     f"against {r['read_only_process_cpu_s']:.3f}: {r['ratio_e2e_read_process_cpu']:.2f}x")
    for r in doc.get("samples", []):
        worst = max(r["write_en_s"], r["write_zh_s"])
        lines.append(f"target write {r['sample']:34s} en {r['write_en_s']:.3f} s, zh {r['write_zh_s']:.3f} s "
                     f"<= {t['sample_write_s']}  {'met' if worst <= t['sample_write_s'] else 'NOT met'}")
    s = doc["startup"]
    lines.append(f"target --help:     {s['help_s']:.3f} s <= {t['help_s']}  "
                 f"{'met' if s['help_s'] <= t['help_s'] else 'NOT met'}"
                 f"   (import greentex {s['import_s']:.3f} s over a bare interpreter)")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
