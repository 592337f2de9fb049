"""The assessment as strict JSON (no NaN or Infinity: a figure not computed is null)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

import greentex
from greentex.io.atomic import atomic_write_bytes


FORMULA_START = ("=", "+", "-", "@")  # text a spreadsheet would run: every writer keeps it text


def _clean(value):
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(float(value)) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if value is pd.NaT:
        return None
    return value


def records(frame: pd.DataFrame | None) -> list[dict]:
    """A frame's rows as dicts (document() makes them strict)."""
    return frame.to_dict("records") if frame is not None and len(frame) else []


def document(body: dict, assessment=None, *, options: dict | None = None, head: dict | None = None) -> dict:
    """A strict JSON document (NaN and infinities null, numpy scalars plain), cleaned once:
    greentex_version, then for an ``assessment`` its input, ``head``, site and options
    (``options`` instead when given), then ``body``."""
    doc = {"greentex_version": greentex.__version__}
    if assessment is not None:
        src = assessment.inventory.source
        doc["input"] = {"path": src.get("path"), "sha256": src.get("sha256")}
        doc.update(head or {})
        doc["site"] = assessment.site
        doc["options"] = assessment.options if options is None else options
    doc.update(body)
    return _clean(doc)


def assessment_dict(assessment) -> dict:
    """The design's JSON document: version, input, site, options, metrics, benchmarks, targets
    (greentex.targets.TARGET_COLUMNS), factors, issues."""
    return document({
        "metrics": records(assessment.metrics),
        "benchmarks": records(assessment.benchmarks),
        "targets": records(getattr(assessment, "targets", None)),
        "factors": records(assessment.factors),
        "issues": [i.as_dict() for i in assessment.issues],
        "rows": assessment.inventory.counts,
    }, assessment)


def write_json(assessment, path: str | Path) -> None:
    """Write the assessment's JSON document atomically (temporary file, then rename)."""
    write_document(assessment_dict(assessment), path)


def write_document(doc: dict, path: str | Path) -> None:
    """Write a document made by document() as strict JSON (NaN or Infinity refused), atomically."""
    text = json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False)
    atomic_write_bytes(Path(path), text.encode("utf-8"))
