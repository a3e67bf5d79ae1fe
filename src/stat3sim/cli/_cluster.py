"""What ``stat3sim cohort`` and ``stat3sim trial`` (and any command on the cohort
machinery) share: the checks of ``--workers``/``--scheduler``/``--out``/``--resume``, the
Dask client's life (connect, close, clean up an output folder that a failed first run
left empty), the manifest and the progress bar."""
from __future__ import annotations

import json
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from ._common import bad, fail


def check_cluster_options(workers: Optional[int], scheduler: Optional[str]) -> None:
    if workers is not None and workers <= 0:
        bad("--workers", f"must be ≥ 1, got {workers}")
    if workers is not None and scheduler:
        bad("--workers", "give --workers (a local cluster) or --scheduler (an existing one), not both")


def check_out(out: Path, manifest_name: str, resume: bool, what: str) -> Path:
    """``out`` must be a folder: empty (or new) for a first run, holding ``manifest_name``
    for ``--resume``. Returns the manifest's path."""
    if out.exists() and not out.is_dir():
        bad("--out", f"{out} is a file; give a folder")
    manifest = out / manifest_name
    if resume and not manifest.is_file():
        bad("--resume", f"{out} holds no {what} to resume (no {manifest_name})")
    if not resume and out.is_dir() and any(out.iterdir()):
        bad("--out", f"{out} is not empty; give --resume to continue the {what} there, or another folder")
    return manifest


def check_resume(manifest: Path, differing: list[str], what: str) -> None:
    if differing:
        bad("--resume", f"{manifest.parent} holds a {what} with other settings ({', '.join(differing)}); "
                        "give the same options")


def read_manifest(manifest: Path) -> dict:
    return json.loads(manifest.read_text())


def write_manifest(manifest: Path, content: dict) -> None:
    from .._io import atomic_write

    atomic_write(manifest, lambda tmp: Path(tmp).write_text(json.dumps(content, indent=2)))


@contextmanager
def cluster_session(workers: Optional[int], scheduler: Optional[str], out: Path, resume: bool,
                    parts_glob: str, interrupted: str) -> Iterator[object]:
    """A Dask client (a local cluster of ``workers`` processes, or the scheduler at
    ``scheduler``) for the ``with`` block, closed after it. An unreachable scheduler is
    bad input (exit 2). Ctrl-C says how to resume; any other error removes ``out`` when
    this run created it and no results (``parts_glob``) were written."""
    from ..cohort import CohortError, connect, disconnect

    try:
        client = connect(workers, scheduler)
    except CohortError as e:
        bad(e.field, e.message)
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        yield client
    except KeyboardInterrupt:
        fail(f"interrupted; {interrupted}: continue with --resume")
    except Exception:
        if created and not resume and not any(out.glob(parts_glob)):
            shutil.rmtree(out, ignore_errors=True)
        raise
    finally:
        disconnect(client)


def progress(first_column: str):
    """The progress bar of a cohort or trial on stderr: label, bar, done/total, rate,
    elapsed time and ETA (``rate`` is a task field the caller updates)."""
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    return Progress(TextColumn(first_column), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                    TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                    console=Console(stderr=True), transient=False)
