"""Row-level lineage (greentex report --rows): every row read, its conversion and its energy."""

import gzip
import io

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from greentex.assessment import assess
from greentex.cli import cli
from greentex.inventory import Inventory
from greentex.io.lineage import lineage_frame, write_lineage


def _assessment():
    energy = pd.DataFrame({
        "period": ["2024-01", "2024-01", "2024-01", "2024-02"],
        "item": ["electricity", "电力", "electricity_export", "electricity"],
        "quantity": [1000, 1, 200, None],
        "unit": ["kWh", "MWh", "kWh", "kWh"],
        "sheet": "Energy", "cell": ["B2", "B3", "=B4", "B5"]})
    return assess(Inventory.from_frames(energy=energy, site={"year": 2024}))


def test_each_row_with_its_coefficient_and_standard_coal():
    """Electricity 0.1229 kgce/kWh (GB/T 2589 calorific equivalent):
    B2  1 000 kWh            x 0.1229 / 1000 = 0.1229 tce
    B3  1 MWh = 1 000 kWh    x 0.1229 / 1000 = 0.1229 tce (written 电力 in MWh)
    B4  200 kWh exported     x 0.1229 x -1 / 1000 = -0.02458 tce
    B5  no quantity: rejected, with the reason
    The rows add up to the energy figure: 0.1229 + 0.1229 - 0.02458 = 0.22122 tce."""
    a = _assessment()
    rows = lineage_frame(a)
    assert list(rows["cell"]) == ["B2", "B3", "=B4", "B5"]
    assert list(rows["status"]) == ["used", "used", "used", "rejected"]
    assert rows.loc[3, "reason"] == "no quantity"
    assert rows.loc[1, "label"] == "电力" and rows.loc[1, "input_unit"] == "MWh"
    assert rows.loc[1, "quantity"] == pytest.approx(1000) and rows.loc[1, "unit"] == "kWh"
    assert list(rows["coefficient"][:3]) == [0.1229] * 3
    assert rows.loc[0, "coefficient_unit"] == "kgce/kWh"
    assert list(rows["energy_tce"][:3]) == pytest.approx([0.1229, 0.1229, -0.02458])
    assert rows["energy_tce"].sum() == pytest.approx(0.22122)
    assert a.value("energy") == pytest.approx(0.22122)


@pytest.mark.parametrize("name", ["rows.csv", "rows.csv.gz"])
def test_written_as_csv_that_cannot_run_as_a_formula(tmp_path, name):
    path = tmp_path / name
    assert write_lineage(_assessment(), path) == 4
    data = path.read_bytes()
    data = gzip.decompress(data) if name.endswith(".gz") else data
    assert data.startswith(b"\xef\xbb\xbf")  # a byte-order mark: Excel reads the Chinese label
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(back["cell"]) == ["B2", "B3", "'=B4", "B5"]
    assert back["energy_tce"].sum() == pytest.approx(0.22122)


energy_rows = st.lists(st.tuples(st.sampled_from([("electricity", "kWh"), ("electricity", "MWh"),
                                                  ("natural_gas", "m3"), ("steam", "t"), ("steam", "GJ"),
                                                  ("electricity_export", "kWh")]),
                                 st.integers(1, 12), st.floats(0, 1e6, allow_nan=False)), min_size=1, max_size=30)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(energy_rows)
def test_rows_add_up_to_the_energy_of_every_month(data):
    frame = pd.DataFrame([{"period": f"2024-{m:02d}", "item": item, "quantity": q, "unit": unit}
                          for (item, unit), m, q in data])
    a = assess(Inventory.from_frames(energy=frame, site={"year": 2024}))
    rows = lineage_frame(a)
    assert len(rows) == len(frame)
    by_month = rows.groupby("period")["energy_tce"].sum()
    for period, value in by_month.items():
        assert value == pytest.approx(a.value("energy", "total", period), rel=1e-9, abs=1e-9)


def test_report_writes_the_rows_on_request_and_never_over_the_input(make_workbook, tmp_path):
    path = make_workbook({"Energy": [["period", "Electricity [kWh]"], ["2024-01", 1000], ["2024-02", 2000]],
                          "Production": [["period", "Woven fabric [hm]"], ["2024-01", 10], ["2024-02", 20]]})
    runner = CliRunner()
    out, rows = tmp_path / "r.xlsx", tmp_path / "rows.csv"
    result = runner.invoke(cli, ["report", str(path), "-o", str(out), "--rows", str(rows)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == f"wrote {out} and {rows}"
    back = pd.read_csv(rows, encoding="utf-8-sig")
    assert list(back["cell"]) == ["B2", "B3", "B2", "B3"]  # energy, then production
    assert list(back["energy_tce"][:2]) == pytest.approx([0.1229, 0.2458])
    before = path.read_bytes()
    refused = runner.invoke(cli, ["report", str(path), "-o", str(out), "--rows", str(path)])
    assert refused.exit_code == 2 and "would overwrite the input" in refused.output
    assert path.read_bytes() == before
