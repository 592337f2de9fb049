"""greentex: energy, GHG, water and chemical metrics of textile mills, with cited factors.

The public API is imported lazily so that the command line starts quickly.
"""

__version__ = "0.1.0"

_API = {
    "assess": "greentex.assessment",
    "Assessment": "greentex.assessment",
    "Options": "greentex.assessment",
    "Inventory": "greentex.inventory",
    "read_workbook": "greentex.io.workbook",
    "write_report": "greentex.io.report",
    "write_json": "greentex.io.jsonout",
    "lineage_frame": "greentex.io.lineage",
    "write_lineage": "greentex.io.lineage",
    "write_template": "greentex.io.template",
    "load_library": "greentex.factors",
    "GreentexError": "greentex.errors",
}

__all__ = sorted(_API) + ["__version__"]


def __getattr__(name):
    if name in _API:
        import importlib

        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'greentex' has no attribute {name!r}")
