"""Row-level lineage: every input row read, as CSV, for the auditor who wants each cell.

The report keeps one line per item, unit, month and product (with its first cell and row count);
a large input's rows belong in a file of their own, written on request (``greentex report
--rows FILE.csv``). One line per row read, in the order read:

- where: ``sheet``, ``cell``; ``status`` ``used`` or ``rejected`` (with the ``reason``);
- what was written: ``label``, ``input_quantity``, ``input_unit``;
- what it became: ``domain``, ``item``, ``period``, ``product``, ``quantity`` in ``unit`` (the
  item's canonical unit);
- for energy rows, the standard-coal coefficient applied (``coefficient`` in
  ``coefficient_unit``, its ``coefficient_source`` and ``coefficient_status``) and the row's
  ``energy_tce`` (quantity x coefficient x sign / 1000; exports count negative). These add up to
  the report's energy figures.

Text is written so that a spreadsheet opening the file cannot take it for a formula (a leading
``'`` before ``= + - @``). UTF-8 with a byte-order mark, so Excel reads Chinese names; a name
ending in ``.gz`` is compressed.
"""

from __future__ import annotations

import contextlib
import gzip
import io
from pathlib import Path

import numpy as np
import pandas as pd

from greentex import energy
from greentex.io.atomic import atomic_writer
from greentex.io.jsonout import FORMULA_START

COLUMNS = ["sheet", "cell", "status", "reason", "domain", "label", "input_quantity", "input_unit", "item",
           "period", "product", "quantity", "unit", "coefficient", "coefficient_unit", "coefficient_source",
           "coefficient_status", "energy_tce"]
TEXT = ["sheet", "cell", "reason", "label", "input_unit", "product", "coefficient_source"]


def lineage_frame(assessment) -> pd.DataFrame:
    """Every row read (used, then rejected) with its conversion and, for energy, its coefficient
    and standard coal [tce]."""
    inv = assessment.inventory
    used = inv.activity.reindex(columns=[c for c in COLUMNS if c in inv.activity.columns]).assign(status="used")
    lines = assessment.details.get("energy")
    if lines is not None and len(lines) and len(used):
        pairs = lines.drop_duplicates(["item", "unit"]).set_index(["item", "unit"])
        at = pairs.index.get_indexer(pd.MultiIndex.from_arrays([used["item"], used["unit"]]))
        energy_rows = at >= 0

        def take(column):
            values = pairs[column].to_numpy()[np.where(energy_rows, at, 0)]
            return np.where(energy_rows, values, None if values.dtype == object else np.nan)

        used["coefficient"] = take("factor").astype(float)
        used["coefficient_unit"] = take("factor_unit")
        used["coefficient_source"] = take("source")
        used["coefficient_status"] = take("status")
        used["energy_tce"] = energy.standard_coal(used["quantity"], used["coefficient"],
                                                  take("sign").astype(float)) / 1000.0
    rejected = inv.rejected.assign(status="rejected")
    return pd.concat([used, rejected], ignore_index=True).reindex(columns=COLUMNS)


def _as_text(values: pd.Series) -> np.ndarray:
    """Text that a spreadsheet would read as a formula, led by an apostrophe (each distinct
    value looked at once)."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    safe = np.array([None] + ["'" + u if isinstance(u, str) and u.startswith(FORMULA_START) else u
                              for u in uniques], dtype=object)
    return safe[codes + 1]


def write_lineage(assessment, path: str | Path) -> int:
    """Write the row lineage to ``path`` (CSV, gzip when it ends in .gz) atomically; returns the
    number of rows written."""
    frame = lineage_frame(assessment)
    for column in TEXT:
        frame[column] = _as_text(frame[column])
    path = Path(path)
    with atomic_writer(path) as raw, contextlib.ExitStack() as stack:
        out = stack.enter_context(gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0)) \
            if path.suffix == ".gz" else raw
        text = stack.enter_context(io.TextIOWrapper(out, encoding="utf-8-sig", newline=""))
        frame.to_csv(text, index=False, lineterminator="\n")
    return len(frame)
