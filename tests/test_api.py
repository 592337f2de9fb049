"""The public API as the README shows it."""

import subprocess
import sys

import pandas as pd
from numpy.testing import assert_allclose

import greentex


def test_every_public_name_is_what_it_says():
    for name in greentex.__all__:
        obj = getattr(greentex, name)
        assert obj is not None and not isinstance(obj, type(greentex)), f"greentex.{name} is a module"


def test_readme_example():
    from greentex import Inventory, assess
    from greentex.units import ureg

    energy = pd.DataFrame({"period": ["2024-01"], "item": ["电力"], "quantity": [150], "unit": ["万kWh"]})
    a = assess(Inventory.from_frames(energy=energy, site={"year": 2024, "grid": "east"}))
    # 1 500 000 kWh x 0.1229 kgce/kWh = 184.35 tce = 184.35 x 29.307 GJ = 5 402.745 GJ
    assert_allclose(ureg.Quantity(a.value("energy"), a.unit("energy")).to("GJ").magnitude, 5402.74545)


def test_importing_greentex_stays_light():
    code = "import sys, greentex.cli; print(sorted(m for m in ('pandas', 'pint', 'openpyxl') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
