"""Atomic file output: readers never see half a file, an interrupted run leaves none."""
from __future__ import annotations

import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator


def atomic_write(path: str | os.PathLike, write: Callable[[str], None]) -> Path:
    """Call ``write(tmp_path)``, give the file the usual permissions (0666 & ~umask),
    then move it onto ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


@contextmanager
def solver_output_hidden() -> Iterator[None]:
    """Silence what the native solver libraries print straight to file descriptors 1 and 2
    (SUNDIALS warnings, libRoadRunner log lines): a failed run is reported once, in our
    own words, with the solver's message taken from the Results."""
    fds = []
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
            fds.append(stream.fileno())
        except (AttributeError, OSError, ValueError):  # not a real file (embedded use): leave it
            pass
    saved = [os.dup(fd) for fd in fds]
    try:
        with open(os.devnull, "w") as devnull:
            for fd in fds:
                os.dup2(devnull.fileno(), fd)
            try:
                yield
            finally:
                for fd, keep in zip(fds, saved):
                    os.dup2(keep, fd)
    finally:
        for keep in saved:
            os.close(keep)
