"""The ``stat3sim`` command: simulate, export, validate, describe (signaling model);
scenarios, run, and ``--scenario`` on simulate/export/describe (tumor microenvironment).

Every input is checked before anything runs. A bad input (unknown cell, stimulus,
gene, unit or format; a negative concentration; non-positive minutes; a malformed
``NAME=VALUE``; a missing SBML file) gets one line on stderr naming the option and the
allowed values, exit code 2, and no output file. A simulation that fails numerically
gets its solver message and exit code 1. Output files are written atomically.

Examples::

    stat3sim simulate --cell tumor --stimulus IL6=1nM --minutes 240 --out il6.csv --plot il6.png
    stat3sim simulate --sbml model.xml --stimulus var_il6=40 --no-presimulate --out run.csv
    stat3sim export --format sbml --out tumor.xml
    stat3sim validate --json
    stat3sim describe --cell tumor --format md --out docs/model.md
    stat3sim scenarios
    stat3sim run tnbc --out results/tnbc
    stat3sim rerun results/tnbc
    stat3sim scan --scenario tnbc --therapy "tocilizumab {dose} mg/kg iv q4w" --doses 1,2,4,8 --out toci.csv
    stat3sim simulate --scenario tnbc --days 30 --knockout myeloid:STAT3 --out ko.csv

Layout of this package:

* ``__init__.py`` — the ``app``, :func:`main` (the ``stat3sim`` script), and the imports
  that register the command modules. Nothing else.
* ``_common.py`` — the one error-and-exit-code path (``bad``, ``fail``, ``warn``), output
  checks (``check_output``, ``check_format``, ``check_minutes``, ``check_cell``,
  ``check_choice``), atomic writing (``writing``, ``write_file``, ``write_text``, ``emit``),
  console helpers (``console``, ``fmt``, ``allowed``, ``solver_output_hidden``).
* ``_parse.py`` — stimuli, knock-outs, gene levels and SBML inputs of the signaling model.
* ``signaling.py`` — ``simulate``, ``export``, ``validate``, ``describe``.
* ``tme.py`` — ``scenarios``, ``run``, and the ``--scenario`` side of ``simulate``,
  ``export`` and ``describe`` (scenario loading with ``--days``/``--knockout``/``--set``).
* ``rerun.py`` — ``rerun``: a ``run`` re-created from its summary.json, numbers compared.
* ``scan.py`` — ``scan``: a readout at a day against a parameter range or a regimen's dose.

Adding a command group (e.g. ``drugs``):

1. Write ``cli/drugs.py`` with a docstring saying what belongs there; register commands
   on the shared app: ``from . import app`` then ``@app.command()`` (or, for
   ``stat3sim drugs list``-style sub-commands, ``sub = typer.Typer(cls=CommandGroup)``
   and ``app.add_typer(sub, name="drugs")``).
2. Import it at the bottom of this file, next to ``signaling``.
3. Check every input first, with ``_common.bad(field, message)`` for anything wrong
   (one line, exit code 2; mention the allowed values via ``_common.allowed``) and the
   ``check_*`` helpers; only then compute. Use ``_common.fail(message)`` for a failure
   of the work itself (exit code 1), ``_common.warn(message)`` for a warning, and
   ``write_file``/``emit``, or ``with _common.writing(path):`` around a library call that
   writes, for output. Never print an error or raise ``typer.Exit`` for one yourself:
   :class:`~._common.CommandGroup` turns ``bad``/``fail`` into the message and exit code.
"""
from __future__ import annotations

import sys
from typing import Optional

import typer

from ._common import CommandGroup, one_line

app = typer.Typer(
    name="stat3sim",
    help="Mechanistic simulator of STAT3 signaling in breast cancer (To et al., Cancers 2022).",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=CommandGroup,
)

# the command modules register their commands on ``app`` when imported
from . import signaling, tme, therapy, analysis, rerun, scan, cohort, trial, serve, sensitivity, fit  # noqa: E402,F401

# what ``stat3sim.cli`` offered as one module, for code and tests that import it from here
from ._common import (CSV_SUFFIXES, PLOT_SUFFIXES, BadInput, Failed, InputError, bad,  # noqa: E402
                      check_cell, check_format, check_minutes, check_output, fail)
from ._parse import (STIMULUS_UNITS, SBMLInputs, StimulusArg, check_gene_levels,  # noqa: E402
                     check_knockouts, check_sbml, check_sbml_stimuli, check_stimuli, parse_stimulus)
from .signaling import DESCRIBE_FORMATS, EXPORT_FORMATS, SUMMARY_READOUTS  # noqa: E402

__all__ = ["app", "main", "BadInput", "Failed", "InputError", "bad", "fail", "check_cell", "check_format",
           "check_minutes", "check_output", "parse_stimulus", "check_stimuli", "check_knockouts",
           "check_gene_levels", "check_sbml", "check_sbml_stimuli", "StimulusArg", "SBMLInputs",
           "STIMULUS_UNITS", "CSV_SUFFIXES", "PLOT_SUFFIXES", "EXPORT_FORMATS", "DESCRIBE_FORMATS",
           "SUMMARY_READOUTS"]


def main(argv: Optional[list[str]] = None) -> None:
    """Entry point of the ``stat3sim`` script: usage errors are one line on stderr, exit 2.
    (Errors raised by the commands themselves are handled by ``CommandGroup``.)"""
    command = typer.main.get_command(app)
    try:
        rc = command.main(args=argv, prog_name="stat3sim", standalone_mode=False)
    except typer.Abort:
        print("stat3sim: aborted", file=sys.stderr)
        sys.exit(130)
    except typer.TyperException as e:  # click's UsageError / BadParameter / NoSuchOption …
        if type(e).__name__ == "NoArgsIsHelpError":
            print(e.format_message())
            sys.exit(0)
        ctx = getattr(e, "ctx", None)
        where = ctx.command_path if ctx is not None else "stat3sim"
        print(f"{where}: error: {one_line(e.format_message())}", file=sys.stderr)
        sys.exit(getattr(e, "exit_code", 2))
    sys.exit(rc if isinstance(rc, int) else 0)
