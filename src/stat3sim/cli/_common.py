"""What every command module shares: the one error-and-exit-code path, output checks,
atomic writing, console helpers.

What belongs here: anything two command groups would otherwise each write — raising a
bad input or a failure, checking an output path / format / duration / cell type,
writing a file, printing a table. What does not: parsing that only one group needs
(that lives next to its commands, or in ``_parse.py`` for the signaling model).

The error path, in one place:

* ``bad(field, message)`` raises :class:`BadInput`: one line on stderr,
  ``stat3sim <command>: error: <field>: <message>``, exit code 2. Commands check every
  input before they write anything, so a bad input leaves no file behind.
* ``fail(message)`` raises :class:`Failed` (a simulation that fails numerically, a file
  that cannot be written): ``stat3sim <command>: error: <message>``, exit code 1.
* :class:`CommandGroup` (the ``cls`` of the ``app``) catches both around every command
  and turns them into that line and exit code; nothing else prints errors.
"""
from __future__ import annotations

import contextvars
import math
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator, NoReturn, Optional

import typer
from typer.core import TyperGroup

from .._io import atomic_write, solver_output_hidden  # noqa: F401 (re-exported)
from ..model.cells import CELL_TYPES

CSV_SUFFIXES = (".csv",)
#: figure files ``--plot`` writes; the same as report.figures.FIGURE_FORMATS, kept here so
#: that checking a path does not import matplotlib
PLOT_SUFFIXES = (".png", ".pdf", ".svg")


# --------------------------------------------------------------------- errors
class CommandError(Exception):
    """A command cannot go on: one line on stderr and ``exit_code``."""

    exit_code = 1


class BadInput(CommandError):
    """A person gave a bad input: ``field`` is the option, the message says what is allowed."""

    exit_code = 2

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


#: the old name, for code written against ``stat3sim.cli.InputError``
InputError = BadInput


class Failed(CommandError):
    """The inputs were fine but the work failed (numerically, or writing a file): exit 1."""

    exit_code = 1


def bad(field: str, message: str) -> NoReturn:
    """Reject an input: ``field`` is the option (``--cell``), ``message`` says what is wrong
    and what is allowed (use :func:`allowed`). Exit code 2, one line."""
    raise BadInput(field, message)


def fail(message: str) -> NoReturn:
    """Stop a command whose inputs were fine but whose work failed. Exit code 1, one line."""
    raise Failed(message)


def one_line(text: object) -> str:
    """``text`` with every run of whitespace (newlines included) made one space."""
    return " ".join(str(text).split())


#: the command being run ("stat3sim simulate"), for error and warning lines
_where: contextvars.ContextVar[str] = contextvars.ContextVar("stat3sim_command", default="stat3sim")


def where() -> str:
    """The command being run, as the user typed it: ``stat3sim simulate``."""
    return _where.get()


def warn(message: str) -> None:
    """``stat3sim <command>: warning: <message>`` on stderr; the command goes on."""
    print(f"{where()}: warning: {one_line(message)}", file=sys.stderr)


def _error_line(message: str) -> None:
    print(f"{where()}: error: {one_line(message)}", file=sys.stderr)


class CommandGroup(TyperGroup):
    """The ``app``'s group: records which command runs and turns a :class:`CommandError`
    raised anywhere in it into one line on stderr and its exit code — the one place
    where that happens, whether the app runs from :func:`stat3sim.cli.main`, from
    ``python -m stat3sim.cli`` or from typer's test runner."""

    def resolve_command(self, ctx, args):
        name, cmd, rest = super().resolve_command(ctx, args)
        if name:
            _where.set(f"{ctx.command_path} {name}")
        return name, cmd, rest

    def invoke(self, ctx):
        token = _where.set(ctx.command_path or "stat3sim")
        try:
            return super().invoke(ctx)
        except CommandError as e:
            _error_line(str(e))
            raise typer.Exit(e.exit_code) from None
        finally:
            _where.reset(token)


# ------------------------------------------------------------------ checking
def allowed(values: Iterable[str]) -> str:
    """``a, b, c`` for the "allowed: …" part of a message."""
    return ", ".join(values)


_allowed = allowed


def check_choice(value: str, choices: Iterable[str], option: str, what: str) -> str:
    """``value`` as one of ``choices`` (case and surrounding spaces ignored), else
    ``<option>: unknown <what> '<value>'; allowed: …``."""
    choices = list(choices)
    canonical = {c.lower(): c for c in choices}
    key = value.strip().lower()
    if key not in canonical:
        bad(option, f"unknown {what} {value!r}; allowed: {allowed(choices)}")
    return canonical[key]


def check_cell(cell: str, option: str = "--cell") -> str:
    return check_choice(cell, CELL_TYPES, option, "cell type")


def check_format(value: str, formats: tuple[str, ...], option: str = "--format") -> str:
    return check_choice(value, formats, option, "format")


def check_minutes(minutes: float, option: str = "--minutes") -> float:
    if not math.isfinite(minutes) or minutes <= 0:
        bad(option, f"must be a positive number of minutes, got {minutes:g}")
    return float(minutes)


def check_output(path: Optional[Path], option: str, suffixes: tuple[str, ...] | None = None) -> Optional[Path]:
    """An output path: not a directory; with one of ``suffixes`` when given."""
    if path is None:
        return None
    if path.is_dir():
        bad(option, f"{str(path)!r} is a directory; give a file name")
    if suffixes and path.suffix.lower() not in suffixes:
        bad(option, f"unsupported file type {path.suffix or '(none)'!r} in {str(path)!r}; allowed: {allowed(suffixes)}")
    return path


# ------------------------------------------------------------------- writing
@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Around code that writes ``path``: a file that cannot be written (permissions, full
    disk) is ``cannot write '<path>': <reason>``, exit code 1, not a traceback."""
    try:
        yield
    except OSError as e:
        fail(f"cannot write {str(path)!r}: {e.strerror or e}")


def write_file(path: Path, write: Callable[[str], None]) -> None:
    """``write(tmp)`` then move the file onto ``path`` (atomic; see :func:`writing`),
    e.g. ``write_file(out, lambda tmp: df.to_csv(tmp, index=False))``."""
    with writing(path):
        atomic_write(path, write)


def write_text(path: Path, text: str) -> None:
    """``text`` to ``path``, UTF-8 with ``\\n`` line ends, atomically."""
    def w(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    write_file(path, w)


def emit(text: str, out: Optional[Path]) -> None:
    """Text to ``out`` (atomically; ``wrote <out>`` on stderr) or, without ``--out``, to
    standard output."""
    if out is None:
        sys.stdout.write(text)
        return
    write_text(out, text)
    print(f"wrote {out}", file=sys.stderr)


# ------------------------------------------------------------------- console
def points_per_day_option(prefix: str = ""):
    """``--points-per-day`` of ``simulate --scenario`` and ``run`` (``prefix``: e.g. "with --scenario: ")."""
    return typer.Option(None, "--points-per-day", metavar="N",
                        help=f"{prefix}output points per day, 1–1440 (default 1; 24 shows a drug's infusion peaks)")


def diameter_option(prefix: str = ""):
    """``--diameter-mm``: the day-0 tumor diameter."""
    return typer.Option(None, "--diameter-mm", metavar="MM",
                        help=f"{prefix}day-0 tumor diameter (mm, 1–100; default: the scenario's, 25 mm if it gives "
                             "none)")


def volume_option(prefix: str = ""):
    """``--volume-mm3``: the day-0 tumor volume, instead of the diameter."""
    return typer.Option(None, "--volume-mm3", metavar="MM3",
                        help=f"{prefix}day-0 tumor volume (mm³), instead of --diameter-mm")


def failed_claim_lines(results) -> list[str]:
    """``TME-8 failed: <statement> (expected: …)`` for each failed claim of ``results``
    (ClaimResult objects or their ``as_dict()``), so the console names what failed."""
    out = []
    for r in results:
        get = r.get if isinstance(r, dict) else (lambda k, _r=r: getattr(_r, k, None))
        if get("passed"):
            continue
        line = f"{get('id')} failed: {one_line(get('statement') or '')}"
        if get("expected"):
            line += f" (expected: {one_line(get('expected'))})"
        for half in ("mechanism", "clinic"):  # a therapy claim: the failing half and the model's reason
            h = get(half)
            if h and h.get("status") == "fail":
                line += f"; {half} half fails: {one_line(h.get('reason') or '')[:400]}"
        if get("error"):
            line += f"; error: {one_line(get('error'))[:300]}"
        out.append(line)
    return out


def console():
    """stdout console; 120 columns when stdout is a file or pipe (rich would use 80)."""
    from rich.console import Console

    c = Console(highlight=False, soft_wrap=False)
    if not c.is_terminal and "COLUMNS" not in os.environ:
        c = Console(highlight=False, soft_wrap=False, width=120)
    return c


def fmt(x: float) -> str:
    """A number in tables and messages: 4 significant digits."""
    return f"{x:.4g}"


