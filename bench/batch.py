"""Batch throughput: 500 generated mill workbooks, files per second with 1 job and with N jobs.

    python bench/batch.py [--mills 500] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import frames, write_xlsx  # noqa: E402

HERE = Path(__file__).resolve().parent


def make_mills(n: int, folder: Path) -> list[Path]:
    """n small workbooks (a year of monthly rows, a few meters each), seeded per mill."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"mill_{i:04d}.xlsx"
        if not path.exists():
            write_xlsx(frames(400, months=12, seed=i), path)
        paths.append(path)
    return paths


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mills", type=int, default=500)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--out", default=str(HERE / "results" / "batch.json"))
    args = p.parse_args(argv)
    from greentex.batch import assess_many

    paths = make_mills(args.mills, HERE / "data" / "mills")
    runs = {}
    for jobs in sorted({1, args.jobs}):
        t = time.perf_counter()
        result = assess_many(paths, jobs=jobs)
        secs = time.perf_counter() - t
        runs[jobs] = {"seconds": secs, "files_per_second": len(paths) / secs, "failed": len(result.errors)}
        print(f"{jobs} job(s): {len(paths)} mills in {secs:.1f} s = {len(paths) / secs:.1f} files/s, "
              f"{len(result.errors)} failed")
    if len(runs) > 1:
        print(f"speed-up with {args.jobs} jobs: {runs[1]['seconds'] / runs[args.jobs]['seconds']:.2f}x "
              f"on {os.cpu_count()} CPUs")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"mills": len(paths), "cpus": os.cpu_count(), "runs": runs}, indent=1))


if __name__ == "__main__":
    main()
