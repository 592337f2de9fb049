"""Exit codes that mean what they say, and no debris: 2 for the user's input or environment,
130 for Ctrl-C, a quiet exit when stdout closes, 3 only for a bug; outputs appear all together or
not at all, and temporary files never outlive a run that could clean up (nor the next run)."""

import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

import greentex.io.outputs as outputs
from greentex.cli import cli
from greentex.io.atomic import TMP_PREFIX, _host, sweep

from conftest import ROOT, SAMPLES

MILL = SAMPLES / "knit_dyeing_2024.xlsx"
RUN = [sys.executable, "-c", "from greentex.cli import main; main()"]


def _env():
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _debris(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(TMP_PREFIX) or p.suffix == ".tmp")


def _invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc")
def test_an_output_the_system_refuses_exits_2():
    result = _invoke("report", MILL, "-o", "/proc/self/x.xlsx")
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and "/proc/self/x.xlsx" in result.output
    assert "internal error" not in result.output


def test_a_folder_that_refuses_the_temporary_file_exits_2(tmp_path, monkeypatch):
    """An unwritable folder (here: mkstemp refused, as for a read-only folder or a full disk)."""
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = _invoke("report", MILL, "-o", tmp_path / "r.xlsx")
    assert result.exit_code == 2 and "cannot write in this folder" in result.output
    assert "r.xlsx" in result.output and list(tmp_path.iterdir()) == []


def test_a_read_the_system_refuses_exits_2_naming_the_file(tmp_path, monkeypatch):
    def refuse(path, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(outputs, "assess_file", refuse)
    result = _invoke("report", MILL, "-o", tmp_path / "r.xlsx")
    assert result.exit_code == 2 and "knit_dyeing_2024.xlsx: Permission denied" in result.output


def test_ctrl_c_exits_130_with_one_line_and_no_output(tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(outputs, "assess_file", interrupted)
    result = _invoke("report", MILL, "-o", tmp_path / "r.xlsx")
    assert result.exit_code == 130 and result.output == "greentex: error: interrupted\n"
    assert list(tmp_path.iterdir()) == []


def test_a_bug_exits_3_on_one_readable_line(tmp_path, monkeypatch):
    def bug(*args, **kwargs):
        raise ValueError("x" * 20000 + "\nsecond line")

    monkeypatch.setattr(outputs, "assess_file", bug)
    result = _invoke("report", MILL, "-o", tmp_path / "r.xlsx")
    assert result.exit_code == 3 and result.output.count("\n") == 1
    assert len(result.output) < 700 and "please report it" in result.output


def test_library_warnings_do_not_reach_stderr(tmp_path, monkeypatch):
    real = outputs.assess_file

    def noisy(*args, **kwargs):
        warnings.warn("overflow encountered in multiply", RuntimeWarning)
        return real(*args, **kwargs)

    monkeypatch.setattr(outputs, "assess_file", noisy)
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        result = _invoke("report", MILL, "-o", tmp_path / "r.xlsx")
    assert result.exit_code == 0 and shown == [] and "Warning" not in result.output


def test_a_closed_stdout_after_the_outputs_is_a_quiet_success(tmp_path):
    """``greentex report … | head -1``: the reader is gone before anything is printed; check keeps
    its verdict (the knit mill is not compliant: 1)."""
    for args, code in [(["report", MILL, "-o", tmp_path / "r.xlsx"], 0), (["check", MILL], 1)]:
        p = subprocess.Popen(RUN + [str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=_env(), cwd=tmp_path)
        p.stdout.close()  # the reader went away
        err = p.stderr.read().decode()
        assert p.wait(timeout=120) == code and err == "", err
    assert (tmp_path / "r.xlsx").stat().st_size > 0


def test_a_failing_output_leaves_none_of_the_others(tmp_path, monkeypatch):
    """The HTML summary fails after the workbook, JSON and rows were written: none of them appears."""
    import greentex.io.html as html

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(html, "render_html", broken)
    out = tmp_path / "out"
    out.mkdir()
    result = _invoke("report", MILL, "-o", out / "r.xlsx", "--json", out / "r.json", "--rows", out / "r.csv",
                     "--html", out / "r.html")
    assert result.exit_code == 2 and "No space left on device" in result.output
    assert list(out.iterdir()) == []


def _slow_report(tmp_path) -> subprocess.Popen:
    """A report run that stops (sleeps) once its workbook is written to the temporary file."""
    code = ("import time, greentex.io.xlsx as x\n"
            "close = x.Book.close\n"
            "def slow(self):\n"
            "    close(self); print('written', flush=True); time.sleep(60)\n"
            "x.Book.close = slow\n"
            "from greentex.cli import main; main()\n")
    p = subprocess.Popen([sys.executable, "-c", code, "report", str(MILL), "-o", "r.xlsx", "--json", "r.json"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), cwd=tmp_path, text=True)
    assert p.stdout.readline() == "written\n"
    assert len(_debris(tmp_path)) == 1
    return p


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_sigterm_removes_the_temporary_file(tmp_path):
    p = _slow_report(tmp_path)
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=30) == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_the_next_run_removes_what_a_killed_run_left(tmp_path):
    p = _slow_report(tmp_path)
    p.kill()
    p.wait(timeout=30)
    left = _debris(tmp_path)
    assert len(left) == 1 and left[0].startswith(f"{TMP_PREFIX}{_host()}-{p.pid}-")
    result = _invoke("report", MILL, "-o", tmp_path / "r.xlsx")
    assert result.exit_code == 0
    assert sorted(f.name for f in tmp_path.iterdir()) == ["r.xlsx"]


def test_a_live_run_s_temporary_file_is_left_alone(tmp_path):
    """Two runs writing into one folder: the sweep removes a dead process's file only."""
    live = tmp_path / f"{TMP_PREFIX}{_host()}-{os.getppid()}-abc-r.xlsx.tmp"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = tmp_path / f"{TMP_PREFIX}{_host()}-{gone.pid}-abc-r.xlsx.tmp"
    other = tmp_path / "notes.tmp"
    for f in (live, dead, other):
        f.write_bytes(b"x")
    assert sweep(tmp_path) == 1
    assert sorted(f.name for f in tmp_path.iterdir()) == sorted([live.name, other.name])
