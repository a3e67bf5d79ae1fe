"""The ``stat3sim`` command: simulate, export, validate, describe.

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
"""
from __future__ import annotations

import json
import math
import os
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, NoReturn, Optional

import typer

from ._io import atomic_write

from .model.cells import CELL_TYPES
from .model.signaling.parameters import LIGANDS
from .model.units import to_nM

app = typer.Typer(
    name="stat3sim",
    help="Mechanistic simulator of STAT3 signaling in breast cancer (To et al., Cancers 2022).",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

#: concentration units accepted by ``--stimulus`` (ng/mL and pg/mL via the ligand's molar mass)
STIMULUS_UNITS = ("pM", "nM", "uM", "µM", "ng/mL", "pg/mL")
_UNIT_ALIASES = {"ng/ml": "ng/mL", "pg/ml": "pg/mL"}
EXPORT_FORMATS = ("sbml", "antimony")
DESCRIBE_FORMATS = ("md", "html")
CSV_SUFFIXES = (".csv",)
#: figure files ``--plot`` writes; the same as report.figures.FIGURE_FORMATS, kept here so
#: that checking a path does not import matplotlib
PLOT_SUFFIXES = (".png", ".pdf", ".svg")

#: readouts of the built-in model in the summary table (those that rise after stimulation)
SUMMARY_READOUTS = ("pSTAT3", "pSTAT3_total", "active_receptor", "SOCS3_mRNA", "SOCS3_protein", "NFkB",
                    "MYC", "VEGFA", "BCL2L1", "CD274", "FSCN1", "SNAI1")

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_STIM_RE = re.compile(rf"^(?P<name>[^=\s]+)\s*=\s*(?P<value>{_NUMBER})\s*(?P<unit>.*?)\s*$")


# --------------------------------------------------------------------- errors
class InputError(Exception):
    """A person gave a bad input: ``field`` is the option, the message says what is allowed."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


def _bad(field: str, message: str) -> NoReturn:
    raise InputError(field, message)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _err(command: str, message: str) -> None:
    print(f"stat3sim {command}: error: {_one_line(message)}", file=sys.stderr)


@contextmanager
def _errors(command: str) -> Iterator[None]:
    """Turn an InputError into one line on stderr and exit code 2."""
    try:
        yield
    except InputError as e:
        _err(command, str(e))
        raise typer.Exit(2) from None


@contextmanager
def _writing(command: str, path: Path) -> Iterator[None]:
    """A file that cannot be written (permissions, full disk) is exit code 1, not a traceback."""
    try:
        yield
    except OSError as e:
        _err(command, f"cannot write {str(path)!r}: {e.strerror or e}")
        raise typer.Exit(1) from None


@contextmanager
def _solver_output_hidden() -> Iterator[None]:
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


def _allowed(values) -> str:
    return ", ".join(values)


# ------------------------------------------------------------------ checking
def check_cell(cell: str) -> str:
    key = cell.strip().lower()
    if key not in CELL_TYPES:
        _bad("--cell", f"unknown cell type {cell!r}; allowed: {_allowed(CELL_TYPES)}")
    return key


def check_minutes(minutes: float) -> float:
    if not math.isfinite(minutes) or minutes <= 0:
        _bad("--minutes", f"must be a positive number of minutes, got {minutes:g}")
    return float(minutes)


def check_format(value: str, allowed: tuple[str, ...]) -> str:
    key = value.strip().lower()
    if key not in allowed:
        _bad("--format", f"unknown format {value!r}; allowed: {_allowed(allowed)}")
    return key


def check_output(path: Optional[Path], option: str, suffixes: tuple[str, ...] | None = None) -> Optional[Path]:
    """An output path: not a directory; with one of ``suffixes`` when given."""
    if path is None:
        return None
    if path.is_dir():
        _bad(option, f"{str(path)!r} is a directory; give a file name")
    if suffixes and path.suffix.lower() not in suffixes:
        _bad(option, f"unsupported file type {path.suffix or '(none)'!r} in {str(path)!r}; allowed: {_allowed(suffixes)}")
    return path


@dataclass
class StimulusArg:
    name: str
    value: float
    unit: str
    text: str


def parse_stimulus(text: str, require_unit: bool = True) -> StimulusArg:
    """``NAME=VALUE[UNIT]`` -> parts; the checks on the name are the caller's.

    >>> parse_stimulus("IL6=1nM")
    StimulusArg(name='IL6', value=1.0, unit='nM', text='IL6=1nM')
    """
    m = _STIM_RE.match(text.strip())
    example = "IL6=1nM" if require_unit else "NAME=40"
    if not m:
        _bad("--stimulus", f"malformed {text!r}; expected NAME=VALUE, e.g. {example}"
                           + (f" (units: {_allowed(STIMULUS_UNITS)})" if require_unit else ""))
    value = float(m["value"])
    if not math.isfinite(value):
        _bad("--stimulus", f"value in {text!r} must be a finite number")
    return StimulusArg(m["name"], value, m["unit"], text)


def check_stimuli(texts: list[str]) -> tuple[dict[float, dict[str, float]], list[str]]:
    """Medium ligands of the built-in model -> {time (min): {ligand: nM}}, and how the
    user wrote each. ``NAME=VALUE[UNIT]@MIN`` adds the dose MIN minutes after the start.

    >>> check_stimuli(["IL6=21ng/mL", "IL6=1nM@60"])
    ({0.0: {'IL6': 1.0}, 60.0: {'IL6': 1.0}}, ['IL6 21 ng/mL (1 nM)', 'IL6 1 nM at 60 min'])
    """
    canonical = {k.lower(): k for k in LIGANDS}
    out: dict[float, dict[str, float]] = {}
    shown: list[str] = []
    for full in texts:
        text, at = full, 0.0
        if "@" in full:
            text, _, when = full.rpartition("@")
            try:
                at = float(when)
            except ValueError:
                _bad("--stimulus", f"malformed time in {full!r}; expected NAME=VALUE@MINUTES, e.g. IL6=1nM@60")
            if not math.isfinite(at) or at < 0:
                _bad("--stimulus", f"time in {full!r} must be ≥ 0 minutes")
        s = parse_stimulus(text)
        name = canonical.get(s.name.lower())
        if name is None:
            _bad("--stimulus", f"unknown stimulus {s.name!r}; allowed: {_allowed(LIGANDS)}")
        if not s.unit:
            _bad("--stimulus", f"{text!r} has no unit; allowed: {_allowed(STIMULUS_UNITS)}")
        unit = _UNIT_ALIASES.get(s.unit, s.unit)
        if unit not in STIMULUS_UNITS:
            _bad("--stimulus", f"unknown unit {s.unit!r} in {text!r}; allowed: {_allowed(STIMULUS_UNITS)}")
        if s.value < 0:
            _bad("--stimulus", f"concentration of {name} must be ≥ 0, got {s.value:g} {unit}")
        doses = out.setdefault(at, {})
        if name in doses:
            _bad("--stimulus", f"{name} is given twice at {at:g} min; give each dose once")
        doses[name] = to_nM(s.value, unit, LIGANDS[name][0])
        shown.append(f"{name} {s.value:g} {unit}" + ("" if unit == "nM" else f" ({_fmt(doses[name])} nM)")
                     + (f" at {at:g} min" if at else ""))
    return out, shown


def check_knockouts(genes: list[str], known: list[str]) -> list[str]:
    canonical = {g.upper(): g for g in known}
    out = []
    for g in genes:
        sym = canonical.get(g.strip().upper())
        if sym is None:
            _bad("--knockout", f"unknown gene {g!r}; allowed: {_allowed(sorted(known))}")
        if sym not in out:
            out.append(sym)
    return out


def check_gene_levels(texts: list[str], known: list[str]) -> dict[str, float]:
    """``GENE=FACTOR`` -> {gene: level}; 1 = wild type, 0.2 = knock-down, 3 = amplification."""
    canonical = {g.upper(): g for g in known}
    out: dict[str, float] = {}
    for text in texts:
        m = re.match(rf"^\s*([^=\s]+)\s*=\s*({_NUMBER})\s*$", text)
        if not m:
            _bad("--gene-level", f"malformed {text!r}; expected GENE=FACTOR, e.g. PTPN2=0.2 or JAK2=3")
        sym = canonical.get(m[1].upper())
        if sym is None:
            _bad("--gene-level", f"unknown gene {m[1]!r}; allowed: {_allowed(sorted(known))}")
        level = float(m[2])
        if not math.isfinite(level) or level < 0:
            _bad("--gene-level", f"level of {sym} must be a finite number ≥ 0 (1 = wild type), got {m[2]}")
        if sym in out:
            _bad("--gene-level", f"{sym} is given twice; give each gene once")
        out[sym] = level
    return out


@dataclass
class SBMLInputs:
    """What a user's SBML model accepts: species (added after pre-simulation) and
    global parameters not set by a rule (set before the run)."""

    text: str
    species: list[str]
    parameters: list[str]
    stimuli: dict[str, float] = field(default_factory=dict)
    parameter_values: dict[str, float] = field(default_factory=dict)


def check_sbml(path: Path) -> SBMLInputs:
    import libsbml

    if not path.exists():
        _bad("--sbml", f"no such file {str(path)!r}")
    if not path.is_file():
        _bad("--sbml", f"{str(path)!r} is not a file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        _bad("--sbml", f"cannot read {str(path)!r}: {e}")
    doc = libsbml.readSBMLFromString(text)
    fatal = [doc.getError(i) for i in range(doc.getNumErrors())
             if doc.getError(i).getSeverity() >= libsbml.LIBSBML_SEV_ERROR]
    model = doc.getModel()
    if fatal or model is None:
        why = _one_line(fatal[0].getMessage())[:300] if fatal else "no model in the file"
        _bad("--sbml", f"{str(path)!r} is not a readable SBML model: {why}")
    ruled = {model.getRule(i).getVariable() for i in range(model.getNumRules())}
    species = [s.getId() for s in model.getListOfSpecies() if not s.getConstant() and s.getId() not in ruled]
    params = [p.getId() for p in model.getListOfParameters() if p.getId() not in ruled]
    return SBMLInputs(text, species, params)


def check_sbml_stimuli(texts: list[str], model: SBMLInputs) -> None:
    for text in texts:
        s = parse_stimulus(text, require_unit=False)
        if s.unit:
            _bad("--stimulus", f"with --sbml give a plain number in the model's own units, got {text!r}")
        if s.name in model.stimuli or s.name in model.parameter_values:
            _bad("--stimulus", f"{s.name} is given twice; give each stimulus once")
        if s.name in model.species:
            if s.value < 0:
                _bad("--stimulus", f"amount added to species {s.name} must be ≥ 0, got {s.value:g}")
            model.stimuli[s.name] = s.value
        elif s.name in model.parameters:
            model.parameter_values[s.name] = s.value
        else:
            _bad("--stimulus", f"{s.name!r} is neither a species nor a settable global parameter of the model; "
                               f"allowed species: {_allowed(model.species) or '(none)'}; "
                               f"allowed parameters: {_allowed(model.parameters) or '(none)'}")


# ------------------------------------------------------------------- writing
def _emit(command: str, text: str, out: Optional[Path]) -> None:
    """Text to ``out`` (atomically) or, without ``--out``, to standard output."""
    if out is None:
        sys.stdout.write(text)
        return
    with _writing(command, out):
        _write_text(out, text)
    print(f"wrote {out}", file=sys.stderr)


def _write_text(path: Path, text: str) -> None:
    def w(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    atomic_write(path, w)


def _console():
    """stdout console; 120 columns when stdout is a file or pipe (rich would use 80)."""
    from rich.console import Console

    c = Console(highlight=False, soft_wrap=False)
    if not c.is_terminal and "COLUMNS" not in os.environ:
        c = Console(highlight=False, soft_wrap=False, width=120)
    return c


def _observed_text(observed: dict) -> str:
    """Claim metrics one per line; nested metrics (per ligand, per gene) on one line each."""
    lines = []
    for k, v in observed.items():
        if isinstance(v, dict):
            v = ", ".join(f"{kk} = {vv}" for kk, vv in v.items())
        lines.append(f"{k}: {v}")
    return "\n".join(lines)


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _summary_table(res, keys: list[str], title: str):
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=escape(title), title_justify="left")
    t.add_column("readout", no_wrap=True)
    t.add_column("unit", no_wrap=True)
    for name in ("t = 0", "peak", "peak (min)", f"t = {_fmt(float(res.time[-1]))}"):
        t.add_column(name, justify="right", no_wrap=True)
    for key in keys:
        i = res.labels.index(key)
        unit = {"": "model units", "dimensionless": "1"}.get(res.units[i], res.units[i])
        t.add_row(escape(key), escape(unit), _fmt(res.baseline(key)), _fmt(res.peak(key)),
                  _fmt(res.peak_time(key)), _fmt(res.late(key)))
    return t


# ------------------------------------------------------------------ commands
@app.command()
def simulate(
    cell: Optional[str] = typer.Option(None, "--cell", help=f"cell type: {_allowed(CELL_TYPES)} [default: tumor]"),
    stimulus: list[str] = typer.Option([], "--stimulus", "-s", metavar="NAME=VALUE",
                                       help="medium ligand and concentration, e.g. IL6=1nM, IL6=20ng/mL, IL6=1nM@60 (a dose at 60 min) "
                                            f"(ligands: {_allowed(LIGANDS)}; units: {_allowed(STIMULUS_UNITS)}). "
                                            "With --sbml: a species id (added after pre-simulation) or a global "
                                            "parameter (set before the run) and a number in model units. Repeatable."),
    knockout: list[str] = typer.Option([], "--knockout", "-k", metavar="GENE",
                                       help="knock out a gene (e.g. SOCS3); repeatable"),
    gene_level: list[str] = typer.Option([], "--gene-level", "-g", metavar="GENE=FACTOR",
                                         help="scale a gene's level: PTPN2=0.2 (knock-down), JAK2=3 "
                                              "(amplification); 1 = wild type; repeatable"),
    minutes: float = typer.Option(240.0, "--minutes", "-t",
                                  help="time after the stimulus (min; with --sbml in the model's time unit)"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="write the time course as CSV"),
    plot: Optional[Path] = typer.Option(None, "--plot", "-p", help="write a figure (.png, .pdf, .svg)"),
    sbml: Optional[Path] = typer.Option(None, "--sbml", help="simulate this SBML file instead of the built-in model"),
    presimulate: bool = typer.Option(True, "--presimulate/--no-presimulate",
                                     help="run to the unstimulated steady state before the stimulus"),
) -> None:
    """Simulate a time course: wide CSV (time_min, one column per readout), optional figure."""
    with _errors("simulate"):
        minutes = check_minutes(minutes)
        check_output(out, "--out", CSV_SUFFIXES)
        check_output(plot, "--plot", PLOT_SUFFIXES)
        if sbml is not None:
            if cell is not None:
                _bad("--cell", "cannot be combined with --sbml (the SBML file defines the model)")
            if knockout:
                _bad("--knockout", "cannot be combined with --sbml; knock-outs need the built-in model")
            if gene_level:
                _bad("--gene-level", "cannot be combined with --sbml; gene levels need the built-in model")
            model = check_sbml(sbml)
            check_sbml_stimuli(stimulus, model)
        else:
            from .model.signaling import signaling_network

            cell = check_cell(cell or "tumor")
            stimuli, shown = check_stimuli(stimulus)
            net = signaling_network(cell)
            genes = check_knockouts(knockout, [g.symbol for g in net.genes])
            levels = check_gene_levels(gene_level, [g.symbol for g in net.genes])
            for g in genes:
                if g in levels:
                    _bad("--gene-level", f"{g} is also knocked out; give one or the other")

    from .engine.roadrunner import Simulator

    n_points = max(2, int(round(minutes)) + 1)
    if sbml is not None:
        try:
            with _solver_output_hidden():
                sim = Simulator.from_sbml(model.text)
        except Exception as e:  # libRoadRunner cannot compile it: the file is the problem
            _err("simulate", f"--sbml: libRoadRunner cannot load {str(sbml)!r}: {_one_line(e)[:300]}")
            raise typer.Exit(2) from None
        with _solver_output_hidden():
            res = sim.run(t_end=minutes, n_points=n_points, parameters=model.parameter_values,
                          stimuli=model.stimuli, presimulate=presimulate)
        protocol = ", ".join([f"{k} = {_fmt(v)}" for k, v in model.parameter_values.items()]
                             + [f"{k} + {_fmt(v)}" for k, v in model.stimuli.items()]) or "no stimulus"
        title = f"{sbml.name}: {protocol}"
    else:
        for g in genes:
            net = net.knockout(g)
        for g, level in levels.items():
            net = net.knockdown(g, level)
        for at, doses in stimuli.items():
            net = net.with_stimulus(doses, at=at)
        sim = Simulator.for_network(net)
        with _solver_output_hidden():
            res = sim.run(net, t_end=minutes, n_points=n_points, presimulate=presimulate)
        title = (f"{cell}: {', '.join(shown) or 'no stimulus'}" + (f"; knock-out {', '.join(genes)}" if genes else "")
                 + (f"; {', '.join(f'{g} × {_fmt(v)}' for g, v in levels.items())}" if levels else ""))

    if not res.ok:
        _err("simulate", f"simulation failed: {res.message}")
        raise typer.Exit(1)
    if res.meta.get("steady_state_reached") is False:
        print(f"stat3sim simulate: warning: no steady state after {_fmt(res.meta['presimulated_min'])} time units of "
              f"pre-simulation (max relative rate {res.meta['steady_state_residual_per_min']:.2g}); "
              "the stimulus was applied to the state reached", file=sys.stderr)

    wide = res.wide(observables_only=sbml is None)
    console = _console()
    if out is not None:
        with _writing("simulate", out):
            atomic_write(out, lambda tmp: wide.to_csv(tmp, index=False))
        console.print(f"wrote {out} ({len(wide)} time points × {wide.shape[1] - 1} readouts)")
    if plot is not None:
        from .report.figures import save_figure, signaling_figure, species_figure

        fig = species_figure(res, title) if sbml is not None else signaling_figure(res, cell, title)
        with _writing("simulate", plot):
            save_figure(fig, plot)
        console.print(f"wrote {plot}")
    if out is None:
        if sbml is not None:
            limit = 40
            keys = [res.labels[i] for i in res.most_changing(limit)]
            more = len(res.columns) - len(keys)
            heading = f"{title} — {_fmt(minutes)} min" + (f" ({limit} species that change most; "
                                                           f"{more} more with --out)" if more else "")
        else:
            keys = [f"{cell}.{r}" for r in SUMMARY_READOUTS if f"{cell}.{r}" in res.labels]
            heading = f"{title} — {_fmt(minutes)} min"
        console.print(_summary_table(res, keys, heading))


@app.command()
def export(
    format: str = typer.Option(..., "--format", "-f", help=f"{' | '.join(EXPORT_FORMATS)}"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="output file (default: standard output)"),
    cell: str = typer.Option("tumor", "--cell", help=f"cell type: {_allowed(CELL_TYPES)}"),
) -> None:
    """Export the signaling model of one cell type as SBML L3V2 or Antimony text."""
    with _errors("export"):
        fmt = check_format(format, EXPORT_FORMATS)
        cell = check_cell(cell)
        check_output(out, "--out")
    from .engine.sbml import to_antimony, to_sbml
    from .model.signaling import signaling_network

    text = to_sbml(signaling_network(cell))
    if fmt == "antimony":
        text = to_antimony(text)
    _emit("export", text, out)


@app.command()
def validate(
    area: Optional[str] = typer.Option(None, "--area", help="only the claims of this area (e.g. signaling)"),
    as_json: bool = typer.Option(False, "--json", help="print only a JSON list of the claim results"),
) -> None:
    """Run the review's claims against the model; exit 1 if any claim fails."""
    from .claims.registry import areas, run_claims

    with _errors("validate"):
        if area is not None and area not in areas():
            _bad("--area", f"unknown area {area!r}; allowed: {_allowed(areas())}")
    results = run_claims(area=area)
    failed = [r.id for r in results if not r.passed]
    if as_json:
        sys.stdout.write(json.dumps([r.as_dict() for r in results], indent=2, ensure_ascii=False) + "\n")
        if failed:
            print(f"{len(failed)} of {len(results)} claims failed: {', '.join(failed)}", file=sys.stderr)
    else:
        from rich.markup import escape
        from rich.table import Table

        t = Table(title="stat3sim claims" + (f" ({area})" if area else ""), show_lines=True, title_justify="left")
        t.add_column("id", no_wrap=True)
        for name in ("statement", "expected", "observed"):
            t.add_column(name, overflow="fold", ratio=1)
        t.add_column("result", no_wrap=True)
        for r in results:
            observed = _observed_text(r.observed)
            if getattr(r, "error", ""):
                observed = (observed + "\n" if observed else "") + f"error: {r.error}"
            refs = f" [review {', '.join(map(str, r.refs))}]" if r.refs else ""
            t.add_row(escape(r.id), escape(r.statement + refs), escape(r.expected), escape(observed),
                      "[green]PASS[/green]" if r.passed else "[bold red]FAIL[/bold red]")
        console = _console()
        console.print(t)
        if failed:
            console.print(f"[bold red]{len(failed)} of {len(results)} claims failed:[/bold red] {', '.join(failed)}")
        else:
            console.print(f"all {len(results)} claims pass")
    if failed:
        raise typer.Exit(1)


@app.command()
def describe(
    cell: str = typer.Option("tumor", "--cell", help=f"cell type: {_allowed(CELL_TYPES)}"),
    format: str = typer.Option("md", "--format", "-f", help=f"{' | '.join(DESCRIBE_FORMATS)}"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="output file (default: standard output)"),
) -> None:
    """Documentation generated from the model: species, reactions, parameters with units and sources."""
    with _errors("describe"):
        cell = check_cell(cell)
        fmt = check_format(format, DESCRIBE_FORMATS)
        check_output(out, "--out")
    from .model.signaling import signaling_network
    from .report.describe import describe as render

    text = render(signaling_network(cell), fmt, cell=cell)
    _emit("describe", text, out)


# ---------------------------------------------------------------------- main
def main(argv: Optional[list[str]] = None) -> None:
    """Entry point of the ``stat3sim`` script: usage errors are one line on stderr, exit 2."""
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
        print(f"{where}: error: {_one_line(e.format_message())}", file=sys.stderr)
        sys.exit(getattr(e, "exit_code", 2))
    sys.exit(rc if isinstance(rc, int) else 0)


if __name__ == "__main__":
    main()
