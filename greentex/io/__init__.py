"""Reading workbooks and writing reports, the JSON, the row lineage and the HTML page."""

import gc
from contextlib import contextmanager


@contextmanager
def paused_gc():
    """The cyclic garbage collector paused: reading a sheet and writing a report make hundreds of
    thousands of small objects and no cycles worth finding, and each collection while they pile
    up walks all of them again (0.2 s of a 100 000-row report). The reader, the writer and
    run_report around both pause it (``@paused_gc()`` or ``with``); nested, the outermost
    turns it back on."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
