"""Writing output files without debris: each output goes to a temporary file in its own folder and
is renamed over the target when complete; the outputs of one run are renamed together at its end
(``output_group``), so a run leaves all of them or none.

Temporary files are named ``.greentex-tmp-<host>-<pid>-<random>-<target name>.tmp``. They are
removed on any exit Python can catch (an error, Ctrl-C, SIGTERM through the CLI's handler); a run
that was killed outright leaves its temporary file, and the next run that writes into that folder
removes it (its process is gone, or the file is over a day old).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
import socket
import tempfile
import time
from pathlib import Path

from greentex.errors import GreentexError

TMP_PREFIX = ".greentex-tmp-"
STALE_SECONDS = 24 * 3600  # a temporary file this old is a leftover whoever wrote it
_pending: contextvars.ContextVar = contextvars.ContextVar("greentex_output_group", default=None)


class WriteError(GreentexError, OSError):
    """An output that cannot be written (a folder that refuses it, a full disk): the user's
    environment, not a bug."""


def _host() -> str:
    return hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]


def _alive(pid: int) -> bool:
    """True when a process ``pid`` runs on this machine (POSIX; elsewhere assumed alive)."""
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but belongs to someone else
        return True
    return True


def sweep(folder) -> int:
    """Remove the temporary files that killed runs left in ``folder`` (their process gone, or
    older than a day); returns how many were removed. Never raises."""
    removed, host = 0, _host()
    try:
        names = [e for e in os.scandir(folder) if e.name.startswith(TMP_PREFIX) and e.name.endswith(".tmp")]
    except OSError:
        return 0
    for entry in names:
        parts = entry.name[len(TMP_PREFIX):].split("-", 2)
        try:
            old = time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
            mine = len(parts) == 3 and parts[0] == host and parts[1].isdigit()
            if old or (mine and int(parts[1]) != os.getpid() and not _alive(int(parts[1]))):
                os.unlink(entry.path)
                removed += 1
        except OSError:
            pass
    return removed


def check_target(target: Path) -> Path:
    """The folder of an output file, after checking that it exists and that the target is not
    a folder (GreentexError otherwise)."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise GreentexError("folder not found", file=str(folder), hint="create it or choose another output path")
    if target.is_dir():
        raise GreentexError("is a folder, not a file name", file=str(target))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WriteError("cannot write in this folder (permission denied)", file=str(target),
                         hint="choose a folder you can write to")
    return folder


def _temporary(path: Path) -> str:
    folder = check_target(path)
    sweep(folder)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f"{TMP_PREFIX}{_host()}-{os.getpid()}-",
                                   suffix=f"-{path.name[:100]}.tmp")
    except OSError as exc:
        raise WriteError(f"cannot write in this folder: {exc.strerror or exc}", file=str(path),
                         hint="choose a folder you can write to") from None
    os.close(fd)
    return tmp


def _publish(tmp: str, path: Path) -> None:
    """Give ``tmp`` an ordinary new file's permissions (not mkstemp's owner-only mode) and rename it
    over ``path``."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, path)


def _discard(tmp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)


@contextlib.contextmanager
def atomic_path(path: Path):
    """A temporary file name in ``path``'s folder to write to: renamed over ``path`` when the block
    ends without an error (at the end of the enclosing ``output_group``, if any), removed when it
    fails."""
    path = Path(path)
    tmp = _temporary(path)
    try:
        yield tmp
        group = _pending.get()
        if group is None:
            _publish(tmp, path)
        else:
            group.append((tmp, path))
    except BaseException:
        _discard(tmp)
        raise


@contextlib.contextmanager
def output_group():
    """Outputs written inside the block appear together when it ends (write all, then rename all),
    or none of them when it fails: their temporary files are removed."""
    pending: list = []
    token = _pending.set(pending)
    try:
        yield
        for tmp, path in pending:
            _publish(tmp, path)
    finally:
        _pending.reset(token)
        for tmp, _ in pending:
            if os.path.exists(tmp):
                _discard(tmp)


@contextlib.contextmanager
def atomic_writer(path: Path):
    """A binary file to write ``path`` through (see atomic_path)."""
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        yield fh


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    with atomic_writer(path) as fh:
        fh.write(data)


def _same_file(a, b) -> bool:
    a, b = Path(a), Path(b)
    if a.exists() and b.exists():
        return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


def check_outputs(outputs, inputs=()) -> None:
    """Before any work: every output can be written (check_target), no two outputs are one file,
    and no output is one of the ``inputs`` ((path, what) pairs, e.g. (mill.xlsx, "workbook")).
    GreentexError otherwise."""
    outputs = [Path(o) for o in outputs if o]
    for k, target in enumerate(outputs):
        check_target(target)
        if any(_same_file(target, other) for other in outputs[:k]):
            raise GreentexError("two outputs would be the same file", file=str(target),
                                hint="give each output its own path")
        for source, what in inputs:
            if source and _same_file(source, target):
                raise GreentexError(f"the output would overwrite the input {what}", file=str(target),
                                    hint="choose another output path")
