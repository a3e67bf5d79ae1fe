"""The commands on the tumor-microenvironment (TME) model: ``scenarios``, ``run``, and
the ``--scenario`` side of ``simulate``, ``export`` and ``describe``.

What belongs here: reading a scenario (a shipped name or a YAML file) with the
command-line overlays (``--days``, ``--knockout lineage:GENE``, ``--set PARAM=VALUE``,
``--mimic cell:miR-N[=FOLD]``, ``--detect-cells N``),
checking it against the model's vocabulary, and what only these commands write or print
(the day-end summary table, the run directory, the TME model description).
:func:`run_scenario` is the work of ``run`` on a checked scenario and its arms (the
untreated arms, then the treated ones: tnbc's shipped therapy arms and a scenario's
comparisons with ``therapies:``); ``rerun`` (``rerun.py``) calls it with what a run's
summary.json recorded (``stat3sim.provenance``). The
signaling commands in ``signaling.py`` call :func:`simulate_scenario`,
:func:`export_scenario` and :func:`describe_scenario` when ``--scenario`` is given.

Errors: a scenario file that does not load, names something the model does not know or
gives a parameter a value outside its range (``stat3sim.model.bounds``: the same check as
``--set``) is one line with the file and, for every problem, the field path and the
allowed values (``ScenarioError``), exit code 2; a bad overlay names its option. Nothing
is written before every input has been checked. A dose far below the labelled one
(``therapy.regimen.low_dose_warning``) is a warning on stderr (and in ``run``'s
summary.json); the run goes on.

Examples::

    stat3sim scenarios
    stat3sim scenarios --show tnbc > my.yaml
    stat3sim simulate --scenario tnbc --therapy "paclitaxel 80 mg/m2 iv qw" --days 14 --points-per-day 24 --out p.csv
    stat3sim export --scenario tnbc --therapy "tocilizumab 8 mg/kg iv q4w" --format sbml --out treated.xml
    stat3sim simulate --scenario tnbc --days 30 --knockout myeloid:STAT3 --out ko.csv --plot ko.png
    stat3sim simulate --scenario tnbc_bone_metastasis --mimic tumor:miR-124=5 --detect-cells 1e7 --out m.csv
    stat3sim run tnbc --out results/tnbc
    stat3sim run examples/my_tnbc_toci.yaml --no-standard-arms --out results/toci
    stat3sim export --scenario tnbc --format sbml --out tnbc.xml
    stat3sim describe --scenario tnbc --format html --out tnbc.html
"""
from __future__ import annotations

import json
import math
import os
import re
import sys
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

import typer

from . import app
from ._common import (CSV_SUFFIXES, PLOT_SUFFIXES, allowed, bad, check_output, console, emit, fail,
                      failed_claim_lines, fmt, one_line, solver_output_hidden, warn, write_file, write_text,
                      writing)
from ._common import diameter_option, points_per_day_option, volume_option

#: what ``simulate --scenario --out`` writes, by suffix
TABLE_SUFFIXES = CSV_SUFFIXES + (".parquet",)
#: formats of ``describe --scenario`` (the same as the signaling model's)
DESCRIBE_FORMATS = ("md", "html")
#: the scenario ``stat3sim run`` runs without an argument
DEFAULT_SCENARIO = "tnbc"

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_UNITS = {"": "", "dimensionless": "1", "mm3": "mm³"}


# --------------------------------------------------------------- scenarios
@lru_cache(maxsize=1)
def _vocabulary():
    from .. import runs

    return runs.vocabulary()


def load_checked(name_or_path: str, option: str):
    """A shipped scenario or a YAML file, checked in form and against the model.

    An unknown name or a missing file is reported against ``option``; a problem inside
    the file is ``<file>: <field>: <message>`` (the loader's ScenarioError)."""
    from ..scenarios import ScenarioError, load_scenario, validate

    try:
        scenario = load_scenario(name_or_path)
        return validate(scenario, _vocabulary())
    except ScenarioError as e:
        if e.field == "scenario":  # not a shipped name (and not a path)
            bad(option, e.message)
        if e.field == "(file)":  # missing or unreadable file
            bad(option, f"{e.file}: {e.message}")
        bad(e.file, f"{e.field}: {e.message}")


def check_days(days: Optional[float], option: str = "--days") -> Optional[float]:
    if days is None:
        return None
    if not math.isfinite(days) or days <= 0:
        bad(option, f"must be a positive number of days, got {days:g}")
    return float(days)


def _parse_knockouts(texts: list[str]) -> list[str]:
    from ..scenarios import parse_knockout

    out = []
    for text in texts:
        try:
            lineage, gene = parse_knockout(text)
        except ValueError as e:
            bad("--knockout", f"{e}; lineages: {allowed(_vocabulary().lineages)}")
        ko = f"{lineage}:{gene}"
        if ko not in out:
            out.append(ko)
    return out


def _parse_mimics(texts: list[str]) -> list[str]:
    """``--mimic`` values in form (cell:miRNA[=FOLD], fold > 0), each once; whether the cell
    carries that miRNA is checked with the scenario."""
    from ..scenarios import mir_symbol, parse_mimic

    out, seen = [], {}
    for text in texts:
        try:
            cell, mir, _ = parse_mimic(text)
        except ValueError as e:
            bad("--mimic", str(e))
        key = (cell, mir_symbol(mir) or mir)
        if key in seen:
            bad("--mimic", f"{text!r} and {seen[key]!r} are the same miRNA in the same cell; give each once")
        seen[key] = text
        out.append(text.strip())
    return out


def check_detect_cells(cells: Optional[float], option: str = "--detect-cells") -> Optional[float]:
    """A positive, finite detection threshold in cells (or None)."""
    if cells is None:
        return None
    if not math.isfinite(cells) or cells <= 0:
        bad(option, f"must be a positive number of cells (e.g. 9e6, a lesion of ~5 mm), got {cells:g}")
    return float(cells)


def _parse_sets(texts: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for text in texts:
        m = re.match(rf"^\s*([^=\s]+)\s*=\s*({_NUMBER})\s*$", text)
        if not m:
            bad("--set", f"malformed {text!r}; expected PARAM=VALUE, e.g. k_tumor_prolif=0.01 "
                         "(ids: `stat3sim describe --scenario NAME`)")
        value = float(m[2])
        if not math.isfinite(value):
            bad("--set", f"value of {m[1]} must be a finite number, got {m[2]}")
        # its range (≥ 0; ≤ 1 for fractions) is checked with the scenario, as for a file's parameters:
        if m[1] in out:
            bad("--set", f"{m[1]} is given twice; give each parameter once")
        out[m[1]] = value
    return out


def check_size(diameter_mm: Optional[float], volume_mm3: Optional[float]) -> None:
    """``--diameter-mm`` / ``--volume-mm3``: in range, and not both."""
    from ..scenarios.loader import size_problem

    problem = size_problem(diameter_mm, volume_mm3, False, names=("--diameter-mm", "--volume-mm3", ""))
    if problem:
        bad(*problem)


def _size_update(scenario, diameter_mm: Optional[float], volume_mm3: Optional[float]) -> dict[str, Any]:
    """The scenario fields ``--diameter-mm`` / ``--volume-mm3`` replace (the day-0 tumor size,
    whichever way the file gave it)."""
    if diameter_mm is None and volume_mm3 is None:
        return {}
    check_size(diameter_mm, volume_mm3)
    return {"initial_diameter_mm": diameter_mm, "initial_volume_mm3": volume_mm3,
            "cells": {k: v for k, v in scenario.cells.items() if k != "tumor"}}


def with_overlays(scenario, *, days: Optional[float] = None, knockouts: list[str] = (),
                  sets: list[str] = (), mimics: list[str] = (), detect_cells: Optional[float] = None,
                  diameter_mm: Optional[float] = None, volume_mm3: Optional[float] = None):
    """``scenario`` with the command line's ``--days``, ``--knockout``, ``--set``, ``--mimic``
    and ``--detect-cells`` on top, checked against the model; a problem is reported against
    the option that caused it (the scenario itself was checked already, so any new problem
    is the overlay's). ``--detect-cells`` replaces the scenario's threshold, whichever way
    the file gave it; ``--diameter-mm`` / ``--volume-mm3`` its day-0 tumor size (diameter,
    volume or tumor cell count)."""
    from ..scenarios import ScenarioError, validate

    vocab = _vocabulary()
    kos = _parse_knockouts(list(knockouts))
    params = _parse_sets(list(sets))
    mims = _parse_mimics(list(mimics))
    detect_cells = check_detect_cells(detect_cells)
    if detect_cells is not None and "met_detect_cells" in params:
        bad("--detect-cells", "cannot be combined with --set met_detect_cells=...; they are the same threshold")
    update: dict[str, Any] = _size_update(scenario, diameter_mm, volume_mm3)
    if kos:
        update["knockouts"] = list(scenario.knockouts) + [k for k in kos if k not in scenario.knockouts]
    if params:
        update["parameters"] = {**scenario.parameters, **params}
    if mims:
        update["mimics"] = list(scenario.mimics) + mims
    if detect_cells is not None:
        update["detection_threshold_cells"] = detect_cells
        update["parameters"] = {k: v for k, v in update.get("parameters", scenario.parameters).items()
                                if k != "met_detect_cells"}
    elif "met_detect_cells" in params and scenario.detection_threshold_cells is not None:
        update["detection_threshold_cells"] = None  # --set wins over the file's threshold
    if days is not None:
        update["days"] = days
    if not update:
        return scenario
    new = scenario.model_copy(update=update)
    option_of = {"knockouts": "--knockout", "parameters": "--set", "stimuli": "--days", "mimics": "--mimic",
                 "detection_threshold_cells": "--detect-cells"}
    try:
        return validate(new, vocab)
    except ScenarioError as e:
        head = re.split(r"[.\[]", e.field, maxsplit=1)[0]
        option = option_of.get(head)
        if option is None:  # cannot happen for a scenario that validated before the overlay
            bad(e.file, f"{e.field}: {e.message}")
        where = f"{e.field}: " if option == "--days" else ""
        bad(option, where + e.message)


def _units(net) -> dict[str, str]:
    return {o.name: o.unit for o in net.observables}


def _unit(unit: str) -> str:
    return _UNITS.get(unit, unit)


def _observables(net) -> dict[str, tuple[str, str]]:
    return {o.name: (o.unit, o.description) for o in net.observables}


def _finite(x: Any) -> Any:
    """A number for JSON: non-finite as None."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return x
    return v if math.isfinite(v) else None


@app.command()
def scenarios(as_json: bool = typer.Option(False, "--json", help="print a JSON list of {name, description}"),
              show: Optional[str] = typer.Option(None, "--show", metavar="NAME",
                                                 help="print the YAML file of a shipped scenario (a start for "
                                                      "your own: save it, edit it, pass its path)")) -> None:
    """List the shipped scenarios (for run, simulate --scenario, export, describe)."""
    from ..scenarios import ScenarioError, list_scenarios, scenario_text

    if show is not None:
        if as_json:
            bad("--json", "cannot be combined with --show (which prints the YAML file)")
        try:
            text = scenario_text(show)
        except ScenarioError as e:
            bad("--show", e.message)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return

    try:
        items = list_scenarios()
    except ScenarioError as e:  # a shipped file that does not load: the installation is broken
        fail(str(e))
    if as_json:
        sys.stdout.write(json.dumps([{"name": n, "description": d} for n, d in items], indent=2,
                                    ensure_ascii=False) + "\n")
        return
    from rich.markup import escape
    from rich.table import Table

    t = Table(title="stat3sim scenarios", title_justify="left")
    t.add_column("name", no_wrap=True)
    t.add_column("description")
    for n, d in items:
        t.add_row(escape(n), escape(d))
    con = console()
    con.print(t)
    con.print("Run one with `stat3sim run NAME`; a YAML file of your own works wherever a name does.")


# ------------------------------------------------------- simulate --scenario
def _day_end_table(frame, units: dict[str, str], title: str):
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=escape(title), title_justify="left")
    t.add_column("readout", no_wrap=True)
    t.add_column("unit", no_wrap=True)
    days = frame["time_days"].to_numpy()
    for name in ("day 0", "min", "max", f"day {fmt(float(days[-1]))}"):
        t.add_column(name, justify="right", no_wrap=True)
    for col in frame.columns:
        if col == "time_days":
            continue
        v = frame[col].to_numpy(dtype=float)
        t.add_row(escape(col), escape(_unit(units.get(col, ""))), fmt(v[0]), fmt(v.min()), fmt(v.max()), fmt(v[-1]))
    return t


def check_points_per_day(n: Optional[int], option: str = "--points-per-day") -> int:
    """Output points per day: a whole number from 1 to 1440 (None: 1, daily output)."""
    from ..limits import MAX_POINTS_PER_DAY

    if n is None:
        return 1
    if not (1 <= n <= MAX_POINTS_PER_DAY):
        bad(option, f"must be a whole number of points per day from 1 to {MAX_POINTS_PER_DAY}, got {n}")
    return int(n)


def _grid(points_per_day: int) -> dict[str, int]:
    """``runs.simulate``'s keyword for the output grid; none for the default daily grid."""
    return {} if points_per_day == 1 else {"points_per_day": points_per_day}


def simulate_scenario(scenario: str, *, days: Optional[float], knockouts: list[str], sets: list[str],
                      out: Optional[Path], plot: Optional[Path], mimics: list[str] = (),
                      detect_cells: Optional[float] = None, therapies: list[str] = (),
                      points_per_day: Optional[int] = None, diameter_mm: Optional[float] = None,
                      volume_mm3: Optional[float] = None) -> None:
    """``stat3sim simulate --scenario``: the scenario as written (no comparison arms), with
    ``--therapy`` regimens added to the scenario's own; output ``points_per_day`` times a day
    (default daily): ``time_days`` then the scenario's readouts (and, with therapies, each
    drug's concentrations)."""
    points_per_day = check_points_per_day(points_per_day)
    days = check_days(days)
    therapies = check_therapies(therapies)
    detect_cells = check_detect_cells(detect_cells)
    check_size(diameter_mm, volume_mm3)
    _parse_mimics(list(mimics))  # form first, before any file is read
    check_output(out, "--out", TABLE_SUFFIXES)
    check_output(plot, "--plot", PLOT_SUFFIXES)
    sc = with_overlays(load_checked(scenario, "--scenario"), days=days, knockouts=knockouts, sets=sets,
                       mimics=mimics, detect_cells=detect_cells, diameter_mm=diameter_mm, volume_mm3=volume_mm3)
    if therapies:
        sc = _with_therapies(sc, therapies)
    from ..scenarios import dose_warnings

    for note in dose_warnings(sc):  # valid, but far below the labelled dose: said, and the run goes on
        warn(note)

    from .. import runs
    from ..model import tme

    try:
        with solver_output_hidden():
            run = runs.simulate(sc, **_grid(points_per_day))
    except Exception as e:  # the model could not be built or run: the work failed, not the input
        fail(f"simulation failed: {type(e).__name__}: {one_line(e)[:300]}")
    if not run.ok:
        fail(f"simulation failed: {run.message}")

    frame = run.frame
    changes = ([f"knock-out {', '.join(_parse_knockouts(knockouts))}"] if knockouts else []) \
        + ([f"{', '.join(sets)}"] if sets else []) \
        + ([f"mimic {', '.join(mimics)}"] if mimics else []) \
        + ([f"detection ≥ {fmt(detect_cells)} cells"] if detect_cells is not None else []) \
        + ([f"{fmt(diameter_mm)} mm"] if diameter_mm is not None else []) \
        + ([f"{fmt(volume_mm3)} mm³"] if volume_mm3 is not None else []) \
        + ([f"therapy {'; '.join(therapies)}"] if therapies else [])
    title = f"{sc.name}" + (f" ({'; '.join(changes)})" if changes else "") + f" — {fmt(sc.days)} days"
    con = console()
    if out is not None:
        if out.suffix.lower() == ".parquet":
            write_file(out, lambda tmp: frame.to_parquet(tmp, index=False))
        else:
            write_file(out, lambda tmp: frame.to_csv(tmp, index=False))
        con.print(f"wrote {out} ({len(frame)} time points × {frame.shape[1] - 1} readouts)", soft_wrap=True)
    if plot is not None:
        from ..report.figures import save_figure
        from ..report.tme_figures import main_figure

        fig = main_figure({sc.name: frame}, tme.SERUM_RANGES, observables=_observables(run.network), title=title)
        with writing(plot):
            save_figure(fig, plot)
        con.print(f"wrote {plot}", soft_wrap=True)
    if out is None:
        con.print(_day_end_table(frame, _units(run.network), title))
    resp = _recist(frame)
    if resp is not None and resp["scans"]:
        prog = resp["progression_day"]
        con.print(f"primary tumor, RECIST 1.1 on 8-weekly scans: best response {resp['best_response']} "
                  f"({100 * resp['best_diameter_change']:+.0f} % diameter from day 0), "
                  + (f"progression at day {fmt(prog)}" if prog is not None else "no progression")
                  + f" ({_n(len(resp['scans']), 'scan')})", soft_wrap=True)


def _n(count: int, what: str) -> str:
    """``1 scan``, ``2 scans``."""
    return f"{count} {what}{'' if count == 1 else 's'}"


def check_therapies(texts: list[str], option: str = "--therapy") -> list[str]:
    """Regimens as typed, each checked with ``parse_regimen`` (an unknown drug names the
    closest ones); a drug given twice is rejected."""
    from ..therapy import TherapyError, parse_regimen

    seen: dict[str, str] = {}
    for text in texts:
        try:
            reg = parse_regimen(text)
        except TherapyError as e:
            bad(option, f"{e.field}: {e.message}")
        if reg.drug.name in seen:
            bad(option, f"{reg.drug.name} is given twice ({seen[reg.drug.name]!r}, {text!r}); one regimen per drug")
        seen[reg.drug.name] = text
    return list(texts)


def _with_therapies(scenario, therapies: list[str]):
    """``scenario`` with ``therapies`` after its own (a drug the scenario already gives is an error)."""
    from ..therapy import parse_regimen

    own = {parse_regimen(t).drug.name: t for t in getattr(scenario, "therapies", ())}
    for text in therapies:
        name = parse_regimen(text).drug.name
        if name in own:
            bad("--therapy", f"{name} is already given by the scenario ({own[name]!r}); one regimen per drug")
    return scenario.model_copy(update={"therapies": list(getattr(scenario, "therapies", ())) + list(therapies)})


# -------------------------------------------------------------------- run
def check_out_dir(path: Path, option: str = "--out") -> Path:
    """An output directory that exists and is writable, or can be created."""
    if path.exists() and not path.is_dir():
        bad(option, f"{str(path)!r} exists and is not a directory")
    probe = path
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        bad(option, f"cannot create {str(path)!r}: {str(probe)!r} is not a directory")
    if not os.access(probe, os.W_OK | os.X_OK):
        bad(option, f"{str(path)!r} is not writable (no write permission on {str(probe)!r})")
    return path


def _key_readouts(frame) -> dict[str, Any]:
    from ..report.html import KEY_READOUTS

    return {c: _finite(frame[c].iloc[-1]) for c in KEY_READOUTS if c in frame.columns and len(frame)}


def _recist(frame) -> dict[str, Any] | None:
    """The primary tumor's RECIST 1.1 reading (stat3sim.analysis.recist), or None without a
    diameter course."""
    from ..analysis.recist import recist_of

    r = recist_of(frame)
    if r is None:
        return None
    return {"best_response": r.best, "best_diameter_change": _finite(r.best_change),
            "progression_day": r.progression_day, "baseline_diameter_mm": _finite(r.baseline_mm),
            "scans_days": list(r.scans_days), "scans": list(r.scans)}


@app.command()
def run(
    scenario: str = typer.Argument(DEFAULT_SCENARIO, metavar="SCENARIO",
                                   help="a shipped scenario (`stat3sim scenarios`) or a YAML file"),
    days: Optional[float] = typer.Option(None, "--days", "-d", help="days to simulate (default: the scenario's)"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="output directory (default: results/<scenario name>)"),
    claims: bool = typer.Option(True, "--claims/--no-claims", help="check the TME claims for the report (slow)"),
    no_therapy: bool = typer.Option(False, "--no-therapy",
                                    help="skip the treated arms (tnbc's shipped therapy arms: eleven regimens, a few "
                                         "minutes; a scenario's comparisons with therapies)"),
    no_standard_arms: bool = typer.Option(False, "--no-standard-arms",
                                          help="leave out the four standard knock-out arms (tumor, myeloid, "
                                               "hematopoietic STAT3; IL-6) that run when the scenario has no untreated "
                                               "comparisons of its own"),
    jobs: int = typer.Option(0, "--jobs", "-j",
                             help="processes for the therapy arms: 0 = one per CPU core (at most one per arm), "
                                  "1 = all in this process; results are the same either way"),
    points_per_day: Optional[int] = points_per_day_option(),
    diameter_mm: Optional[float] = diameter_option(),
    volume_mm3: Optional[float] = volume_option(),
    bands: Optional[int] = typer.Option(None, "--bands", metavar="N",
                                        help="also run an ensemble of N draws of the calibrated parameters (every "
                                             "arm, N times) and draw 5–95 % prediction bands: bands.csv, the effects "
                                             "with their intervals in summary.json, shaded bands in the report"),
    uncertainty: Optional[Path] = typer.Option(None, "--uncertainty", metavar="FILE",
                                               help="with --bands: the parameters' uncertainty, a TSV (ids, estimate, "
                                                    "ci95_low, ci95_high, scale, source) or the results.json of "
                                                    "`stat3sim fit` (default: the shipped "
                                                    "stat3sim/data/parameter_uncertainty.tsv)"),
    seed: Optional[int] = typer.Option(None, "--seed", help="with --bands: seed of the draws (default 0; same seed: "
                                                            "same bands)"),
    band_levels: Optional[str] = typer.Option(None, "--band-levels", metavar="LOW,HIGH",
                                              help="with --bands: the band's percentiles (default 5,95; the median "
                                                   "is always given)"),
) -> None:
    """Run a scenario with every standard arm (and its treated arms); write time courses, figures,
    report.html, summary.json (with what `stat3sim rerun` needs to re-create the run)."""
    t0 = time.perf_counter()
    jobs = check_jobs(jobs)
    points_per_day = check_points_per_day(points_per_day)
    days = check_days(days)
    check_size(diameter_mm, volume_mm3)
    band_input = check_band_options(bands, uncertainty, seed, band_levels)
    sc = with_overlays(load_checked(scenario, "SCENARIO"), days=days, diameter_mm=diameter_mm, volume_mm3=volume_mm3)
    out_dir = check_out_dir(out if out is not None else Path("results") / sc.name)

    from .. import runs

    arms = runs.standard_arms(sc, standard=not no_standard_arms)
    th_arms = [] if no_therapy else runs.therapy_arms(sc)
    band_plan = band_plan_for(sc, band_input) if band_input is not None else None
    options = {"days": sc.days, "points_per_day": points_per_day, "claims": claims, "therapy": not no_therapy,
               "standard_arms": not no_standard_arms, "jobs": jobs,
               # the translation table and the therapy claims: with tnbc's shipped therapy arms
               "translation": bool(th_arms) and bool(runs.THERAPY_ARMS.get(sc.name))}
    run_scenario(sc, out_dir, arms, th_arms, options=options, t0=t0, bands=band_plan)


def check_band_options(bands: Optional[int], uncertainty: Optional[Path], seed: Optional[int],
                       levels: Optional[str]) -> Optional[dict[str, Any]]:
    """``--bands``, ``--uncertainty``, ``--seed``, ``--band-levels`` checked, and the file read
    and checked in form (before anything runs); None without ``--bands``."""
    if bands is None:
        for given, option in ((uncertainty, "--uncertainty"), (seed, "--seed"), (levels, "--band-levels")):
            if given is not None:
                bad(option, "needs --bands N (the number of ensemble members)")
        return None
    from ..analysis import AnalysisError
    from ..analysis.bands import check_members, parse_levels
    from ..uncertainty import SHIPPED, UncertaintyError, file_hash, load, shipped_path

    try:
        n = check_members(bands)
        lv = parse_levels(levels)
    except AnalysisError as e:
        bad(e.field, e.message)
    if seed is not None and seed < 0:
        bad("--seed", f"must be ≥ 0, got {seed}")
    path = uncertainty if uncertainty is not None else shipped_path()
    if path is None:
        bad("--uncertainty", f"this installation ships no parameter uncertainty (stat3sim/{SHIPPED}); give a file: "
                             "a TSV with ids, estimate, ci95_low, ci95_high, scale, source, or the results.json of "
                             "`stat3sim fit`")
    if not Path(path).is_file():
        bad("--uncertainty", f"no such file: {path}")
    try:
        rows, notes = load(path)
    except UncertaintyError as e:
        bad("--uncertainty", str(e))
    return {"n": n, "levels": lv, "seed": int(seed or 0), "rows": rows, "notes": notes, "file": str(path),
            "hash": file_hash(path)}


def band_plan_for(sc, band_input: dict[str, Any]):
    """The checked ensemble of ``--bands`` for scenario ``sc`` (its ids against the model)."""
    from .. import runs
    from ..analysis import AnalysisError
    from ..analysis.bands import prepare
    from ..uncertainty import UncertaintyError

    try:
        return prepare(band_input["rows"], band_input["n"], band_input["seed"], band_input["levels"], runs.build(sc),
                       sc, file=band_input["file"], file_hash=band_input["hash"], notes=band_input["notes"])
    except UncertaintyError as e:
        bad("--uncertainty", str(e))
    except AnalysisError as e:
        bad(e.field, e.message)


def run_scenario(sc, out_dir: Path, arms: list, th_arms: list, *, options: dict[str, Any],
                 t0: Optional[float] = None, bands=None) -> dict[str, Any]:
    """The work of ``stat3sim run`` (and ``rerun``) on a checked scenario: simulate ``arms``
    (the reference first) and the treated ``th_arms``, write the time courses, figures,
    report and summary.json into ``out_dir``; return the summary. ``options``: ``claims``,
    ``jobs``, ``points_per_day``, ``translation`` (and what else summary.json records).
    ``bands``: a checked ensemble (:class:`stat3sim.analysis.bands.BandPlan`) whose members
    run every arm; then bands.csv, band_draws.csv, the band figures and summary.json's
    ``bands``."""
    t0 = time.perf_counter() if t0 is None else t0
    claims = bool(options.get("claims"))
    jobs = int(options.get("jobs", 0))
    points_per_day = int(options.get("points_per_day", 1))
    with_translation = bool(options.get("translation"))

    import pandas as pd
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .. import runs
    from ..model import tme
    from ..provenance import run_record
    from ..scenarios import dose_warnings

    notes = dose_warnings(sc, th_arms)  # on stderr now, and in summary.json ("warnings")
    notes += list(bands.notes) if bands is not None else []
    for note in notes:
        warn(note)
    th_frames: dict[str, pd.DataFrame] = {}
    th_failed: dict[str, str] = {}
    th_recist: dict[str, Any] = {}  # each therapy arm's RECIST reading (console line and summary.json)
    frames: dict[str, pd.DataFrame] = {}
    failed: dict[str, str] = {}
    networks: dict[str, Any] = {}
    timing: dict[str, float] = {}
    claim_dicts: list[dict] = []
    claims_error = ""
    translation: list[dict] = []
    translation_error = ""
    err = Console(stderr=True, highlight=False)
    steps = len(arms) + len(th_arms) + 2 + (1 if claims else 0) + (1 if with_translation else 0) \
        + (1 if bands is not None else 0)
    band_df = None
    band_effects: list[dict] = []
    ensemble = None
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=err, auto_refresh=False, transient=False)
    with progress:
        task = progress.add_task(f"{sc.name}", total=steps)
        t_sim = time.perf_counter()
        for i, arm in enumerate(arms):
            note = " (compiling the model)" if i == 0 else ""
            progress.update(task, description=f"{sc.name}: arm {i + 1}/{len(arms)} {arm.name}{note}")
            progress.refresh()
            t_arm = time.perf_counter()
            network = _run_arm(runs, sc, arm, frames, failed, points_per_day)
            if network is not None:
                networks[arm.name] = network
            took = time.perf_counter() - t_arm
            status = "ok" if arm.name in frames else f"[red]failed[/red]: {failed[arm.name]}"
            progress.console.print(f"  {arm.name}: {status} ({took:.1f} s)", markup=True, highlight=False)
            progress.advance(task)
        timing["simulation"] = time.perf_counter() - t_sim

        # therapy arms: an arm that changes nothing (no treatment) re-uses the reference's run;
        # the others run here or in worker processes (--jobs), each reported as it finishes
        t_th = time.perf_counter()

        def therapy_done(arm, took: float) -> None:
            timing[f"therapy: {arm.name}"] = took
            status = "ok" if arm.name in th_frames else f"[red]failed[/red]: {th_failed[arm.name]}"
            resp = th_recist[arm.name] = _recist(th_frames[arm.name]) if arm.name in th_frames else None
            if resp is not None and resp["scans"]:
                status += f", best response {resp['best_response']}"
            progress.console.print(f"  {arm.name}: {status} ({took:.1f} s)", markup=True, highlight=False)
            progress.advance(task)

        to_run = []
        for arm in th_arms:
            if _unchanged(arm) and arms[0].name in frames and _unchanged(arms[0]):
                th_frames[arm.name] = frames[arms[0].name]
                therapy_done(arm, 0.0)
            else:
                to_run.append(arm)
        from .._parallel import run_all, workers_for

        workers = workers_for(jobs, len(to_run))
        if workers > 1:
            progress.update(task, description=f"{sc.name}: {len(to_run)} therapy arms in {workers} processes")
            progress.refresh()
            for k, got, error in run_all(_arm_in_worker, [(sc, arm, points_per_day) for arm in to_run], workers):
                arm = to_run[k]
                frame, message, took = got if got is not None else (None, f"worker process failed: {error}", 0.0)
                if frame is not None:
                    th_frames[arm.name] = frame
                else:
                    th_failed[arm.name] = message
                therapy_done(arm, took)
        else:
            for i, arm in enumerate(to_run):
                progress.update(task, description=f"{sc.name}: therapy arm {i + 1}/{len(to_run)} {arm.name}")
                progress.refresh()
                t_arm = time.perf_counter()
                _run_arm(runs, sc, arm, th_frames, th_failed, points_per_day)
                therapy_done(arm, time.perf_counter() - t_arm)
        # the scenario's arm order in every output, whatever order the workers finished in
        order = {a.name: k for k, a in enumerate(th_arms)}
        for d in (th_frames, th_failed, th_recist):
            items = sorted(d.items(), key=lambda kv: order[kv[0]])
            d.clear()
            d.update(items)
        for k in sorted((k for k in timing if k.startswith("therapy: ")), key=lambda k: order[k[len("therapy: "):]]):
            timing[k] = timing.pop(k)
        if th_arms:
            timing["therapy_arms"] = time.perf_counter() - t_th

        if bands is not None:  # the ensemble: every arm, once per draw of the calibrated parameters
            from ..analysis import bands as bd

            all_arms = [*arms, *th_arms]
            n_runs = bands.n * len(all_arms)
            done = [0]

            def member_done(k: int) -> None:
                done[0] += k
                progress.update(task, description=f"{sc.name}: prediction bands, {done[0]} runs of "
                                                  f"{bands.n} members")
                progress.refresh()

            progress.update(task, description=f"{sc.name}: prediction bands, {bands.n} members × up to "
                                              f"{len(all_arms)} arms ({n_runs} runs)")
            progress.refresh()
            t_b = time.perf_counter()
            ensemble = bd.run_ensemble(bands, sc, all_arms, points_per_day=points_per_day, jobs=jobs,
                                       progress=member_done)
            band_df = bd.band_table(ensemble, bands.levels)
            pairs = [(a.name, arms[0].name) for a in arms[1:]] + [(a.name, th_arms[0].name) for a in th_arms[1:]]
            band_effects = bd.effects(ensemble, pairs, {**frames, **th_frames}, bands.levels)
            timing["bands"] = time.perf_counter() - t_b
            n_failed = len({(f["member"], f["arm"]) for f in ensemble.failed})
            progress.console.print(f"  prediction bands: {ensemble.runs} runs of {bands.n} members in "
                                   f"{timing['bands']:.1f} s" + (f"; [red]{n_failed} failed[/red] (summary.json)"
                                                                  if n_failed else ""),
                                   markup=True, highlight=False)
            progress.advance(task)

        reference = arms[0].name
        net = networks.get(reference)
        if net is None:  # the wild type did not even build: document the scenario's network anyway
            try:
                net = runs.build(sc)
            except Exception:  # noqa: BLE001 — the report then goes without parameters
                net = None

        # time courses: one wide table per arm, stacked, with the arm first
        progress.update(task, description=f"{sc.name}: writing time courses")
        progress.refresh()
        t_write = time.perf_counter()
        if frames:
            table = pd.concat([df.assign(arm=name)[["arm", *df.columns]] for name, df in frames.items()],
                              ignore_index=True)
        else:
            table = pd.DataFrame({"arm": pd.Series(dtype=str), "time_days": pd.Series(dtype=float)})
        write_file(out_dir / "timecourses.parquet", lambda tmp: table.to_parquet(tmp, index=False))
        write_file(out_dir / "timecourses.csv", lambda tmp: table.to_csv(tmp, index=False))
        if th_frames:  # own files: treated arms carry drug columns the standard arms do not have
            th_table = pd.concat([df.assign(arm=name)[["arm", *df.columns]] for name, df in th_frames.items()],
                                 ignore_index=True)
            write_file(out_dir / "therapy_timecourses.parquet", lambda tmp: th_table.to_parquet(tmp, index=False))
            write_file(out_dir / "therapy_timecourses.csv", lambda tmp: th_table.to_csv(tmp, index=False))
        if band_df is not None:
            write_file(out_dir / "bands.csv", lambda tmp: band_df.to_csv(tmp, index=False, float_format="%.8g"))
            draws = bands.draws.copy()
            draws.insert(0, "member", range(len(draws)))
            failed_in: dict[int, list[str]] = {}
            for f in ensemble.failed:
                failed_in.setdefault(f["member"], []).append(f["arm"])
            draws.insert(1, "status", ["failed in " + ", ".join(failed_in[m]) if m in failed_in else "ok"
                                       for m in range(len(draws))])
            write_file(out_dir / "band_draws.csv", lambda tmp: draws.to_csv(tmp, index=False, float_format="%.10g"))
        timing["timecourses"] = time.perf_counter() - t_write
        progress.advance(task)

        if claims:
            progress.update(task, description=f"{sc.name}: checking the TME claims")
            progress.refresh()
            t_claims = time.perf_counter()
            try:
                from ..claims.registry import run_claims

                with solver_output_hidden():
                    claim_dicts = [r.as_dict() for r in run_claims(area="tme")]
            except Exception as e:  # noqa: BLE001 — the claims are a section of the report, not the job
                claims_error = f"{type(e).__name__}: {one_line(e)[:300]}"
            timing["claims"] = time.perf_counter() - t_claims
            progress.advance(task)

        if with_translation:
            # the translation table: with the claims, the therapy claims' halves and the exposure
            # each mechanism needs (minutes); without, the labelled regimens' exposures only
            progress.update(task, description=f"{sc.name}: therapy claims and the translation table"
                            if claims else f"{sc.name}: translation table (exposures)")
            progress.refresh()
            t_tr = time.perf_counter()
            try:
                from ..analysis.translation import translation_table

                with solver_output_hidden():
                    if claims:
                        from ..claims.registry import run_claims

                        th_claims = [r.as_dict() for r in run_claims(area="therapy")]
                        claim_dicts = [*claim_dicts, *th_claims]
                        translation = translation_table(claims=th_claims, needed=True)
                    else:
                        translation = translation_table(claims=None, needed=False)
            except Exception as e:  # noqa: BLE001 — a section of the report, not the job
                translation_error = f"{type(e).__name__}: {one_line(e)[:300]}"
            timing["translation"] = time.perf_counter() - t_tr
            progress.advance(task)

        progress.update(task, description=f"{sc.name}: figures and report")
        progress.refresh()
        t_report = time.perf_counter()
        from ..report.html import write_report

        with writing(out_dir):
            write_report(
                out_dir,
                scenario={"name": sc.name, "description": sc.description, "subtype": sc.subtype,
                          "days": fmt(sc.days), "failed": failed},
                arms={a.name: frames[a.name] for a in arms if a.name in frames},
                observables=_observables(net) if net is not None else {},
                parameters=tme.parameters_table(net) if net is not None else None,
                claims=claim_dicts, serum_ranges=tme.SERUM_RANGES,
                therapy_arms={"arms": {a.name: th_frames[a.name] for a in th_arms if a.name in th_frames},
                              "failed": th_failed,
                              "regimens": {a.name: list(a.therapies) for a in th_arms},
                              "descriptions": {a.name: a.description for a in th_arms},
                              "translation": translation} if th_arms else None,
                bands={"table": band_df, "effects": band_effects, "members": bands.n, "levels": bands.levels,
                       "arms": [a.name for a in arms], "therapy_arms": [a.name for a in th_arms],
                       "failed": ensemble.failed, "file": Path(bands.file).name,
                       "parameters": len(bands.rows)} if bands is not None else None)
        timing["report"] = time.perf_counter() - t_report
        progress.update(task, description=f"{sc.name}: done")
        progress.advance(task)
        progress.refresh()

    if claims_error:
        notes.append(f"the TME claims could not be checked ({claims_error}); the report has no claims")
        warn(notes[-1])
    if translation_error:
        notes.append(f"the translation table could not be made ({translation_error}); the report has none")
        warn(notes[-1])
    timing["total"] = time.perf_counter() - t0
    figures = sorted((out_dir / "figures").glob("*.png"))
    summary = {
        "scenario": sc.name,
        "description": sc.description,
        "subtype": sc.subtype,
        "source": sc.source,
        "days": sc.days,
        "points_per_day": points_per_day,
        "reference_arm": reference,
        "arms": [{"name": a.name, "description": a.description, "ok": a.name in frames,
                  **({"day_end": _key_readouts(frames[a.name])} if a.name in frames else
                     {"error": failed.get(a.name, "")})} for a in arms],
        "failed": failed,
        "therapy_arms": [{"name": a.name, "description": a.description, "therapies": list(a.therapies),
                          "ok": a.name in th_frames,
                          **({"day_end": _key_readouts(th_frames[a.name]),
                              "recist": th_recist[a.name]} if a.name in th_frames else
                             {"error": th_failed.get(a.name, "")})} for a in th_arms],
        "translation": translation or None,
        "claims": None if not claims else {
            "checked": len(claim_dicts), "passed": sum(bool(c.get("passed")) for c in claim_dicts),
            "failed": [c.get("id") for c in claim_dicts if not c.get("passed")],
            **({"error": claims_error} if claims_error else {})},
        **({"bands": bd.summary(bands, ensemble, band_effects)} if bands is not None else {}),
        "outputs": ["timecourses.parquet", "timecourses.csv",
                    *(["therapy_timecourses.parquet", "therapy_timecourses.csv"] if th_frames else []),
                    *(["bands.csv", "band_draws.csv"] if bands is not None else []),
                    "report.html", "summary.json",
                    *[f"figures/{f.name}" for f in figures]],
        "warnings": notes,
        "seconds": round(timing["total"], 2),
        "seconds_by_step": {k: round(v, 2) for k, v in timing.items() if k != "total"},
        # what `stat3sim rerun` needs to re-create this run without the YAML it came from
        "provenance": run_record(sc, arms, th_arms, net=net, options=options),
    }
    write_text(out_dir / "summary.json", json.dumps(summary, indent=2, ensure_ascii=False) + "\n")

    con = console()
    n_ok = len(frames)
    con.print(f"{sc.name}: {n_ok} of {len(arms)} arms ran, {fmt(sc.days)} days, {timing['total']:.1f} s"
              + (f"; failed: {', '.join(failed)}" if failed else ""))
    if th_arms:
        con.print(f"therapy arms: {len(th_frames)} of {len(th_arms)} ran in {timing['therapy_arms']:.1f} s"
                  + (f"; failed: {', '.join(th_failed)}" if th_failed else ""), soft_wrap=True)
    if claims and not claims_error:
        con.print(f"claims: {summary['claims']['passed']} of {len(claim_dicts)} passed"
                  if claim_dicts else "claims: none registered for the TME area")
        for line in failed_claim_lines(claim_dicts):
            con.print(f"  {line}", soft_wrap=True, markup=False)
    if bands is not None:
        lo, hi = bd.qname(bands.levels[0]), bd.qname(bands.levels[1])
        treated = [e for e in band_effects if e["readout"] == "tumor_volume_mm3" and e["reference"] != arms[0].name]
        if treated:
            con.print(f"prediction bands ({fmt(bands.levels[0])}–{fmt(bands.levels[1])} % over {bands.n} draws): "
                      f"day-{fmt(treated[0]['day'])} tumor volume over untreated, nominal (band)", soft_wrap=True)
        for e in treated:
            nominal = fmt(e["nominal"]) if e["nominal"] is not None else "—"
            con.print(f"  {e['arm']}: ×{nominal} (×{fmt(e[lo])}–×{fmt(e[hi])}, {e['members']} members)",
                      soft_wrap=True, markup=False)
    # paths are printed whole (never wrapped), so they can be copied and parsed
    con.print(f"wrote {out_dir}/", soft_wrap=True)
    for name in ("report.html", "timecourses.parquet", "timecourses.csv",
                 *(("therapy_timecourses.parquet", "therapy_timecourses.csv") if th_frames else ()),
                 *(("bands.csv", "band_draws.csv") if bands is not None else ()), "summary.json"):
        con.print(f"  {out_dir / name}", soft_wrap=True)
    con.print(f"  {out_dir / 'figures'}/ ({len(figures)} PNG)", soft_wrap=True)
    if reference in failed:
        fail(f"the reference arm '{reference}' failed: {failed[reference]}")
    return summary


def _run_arm(runs, sc, arm, frames: dict, failed: dict, points_per_day: int = 1):
    """Simulate one arm; its frame goes to ``frames`` or its error to ``failed`` (a failed
    arm is data: recorded, and the job goes on). Returns the arm's Network, if built."""
    try:
        with solver_output_hidden():  # no refresh runs in here (auto_refresh is off)
            result = runs.simulate(sc, arm, **_grid(points_per_day))
    except Exception as e:  # noqa: BLE001
        failed[arm.name] = f"{type(e).__name__}: {one_line(e)[:500]}"
        return None
    if result.ok:
        frames[arm.name] = result.frame
    else:
        failed[arm.name] = result.message or "the solver failed"
    return result.network


def _arm_in_worker(sc, arm, points_per_day: int = 1) -> tuple[Any, str, float]:
    """One arm in a worker process: (frame or None, failure message, seconds)."""
    from .. import runs

    t0 = time.perf_counter()
    frames: dict = {}
    failed: dict = {}
    _run_arm(runs, sc, arm, frames, failed, points_per_day)
    return frames.get(arm.name), failed.get(arm.name, ""), time.perf_counter() - t0


def check_jobs(jobs: int, option: str = "--jobs") -> int:
    """0 (one process per CPU core) or a positive number of processes, at most MAX_JOBS."""
    from .._parallel import MAX_JOBS

    if jobs < 0 or jobs > MAX_JOBS:
        bad(option, f"must be 0 (one per CPU core) or a number of processes from 1 to {MAX_JOBS}, got {jobs}")
    return int(jobs)


def _unchanged(arm) -> bool:
    """An arm that changes nothing relative to its scenario (no treatment, wild type)."""
    return not (arm.knockouts or arm.depletions or arm.parameters or arm.cells or arm.mimics or arm.therapies)


# ------------------------------------------------------ export / describe
def export_scenario(scenario: str, kind: str, out: Optional[Path], therapies: list[str] = ()) -> None:
    """``stat3sim export --scenario``: the scenario's Network (as written, no arms); with
    ``therapies`` (``--therapy``, added to the scenario's own) or therapies in the scenario,
    the treated model: each drug's PK and PD, and every dose of the scenario's days as an
    SBML event (:func:`_with_dose_events`)."""
    therapies = check_therapies(therapies)
    check_output(out, "--out")
    sc = load_checked(scenario, "--scenario")
    if therapies:
        sc = _with_therapies(sc, therapies)
    from ..scenarios import dose_warnings

    for note in dose_warnings(sc):
        warn(note)
    from ..engine.sbml import to_antimony, to_sbml
    from .. import runs

    text = to_sbml(_with_dose_events(runs.build(sc), sc))
    if kind == "antimony":
        text = to_antimony(text)
    emit(text, out)


def export_petab(scenario: str, data: Optional[Path], out: Optional[Path], estimate: Optional[str]) -> None:
    """``stat3sim export --petab``: every input checked, the PEtab problem built
    (:mod:`stat3sim.petab.export`), written into ``out`` and checked with petab's lint."""
    import shutil

    from ..petab import export as pe

    if data is None:
        bad("--data", "needed with --petab: a CSV with columns time, readout, value, sd, condition")
    if out is None:
        bad("--out", "needed with --petab: a folder for the problem's files")
    if out.exists() and not out.is_dir():
        bad("--out", f"{out} is a file; give a folder")
    if out.is_dir() and any(out.iterdir()):
        bad("--out", f"{out} is not empty; give a new or empty folder")
    ids = [p.strip() for p in (estimate or "").split(",") if p.strip()]
    if estimate is not None and not ids:
        bad("--estimate", "give model parameter ids separated by commas")
    if len(set(ids)) != len(ids):
        bad("--estimate", "a parameter is given twice")
    sc = load_checked(scenario, "--scenario")
    try:
        df = pe.read_data(data)
        files = pe.build(sc, df, data.name, ids)
    except pe.ExportError as e:
        bad(e.field, e.message)
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    try:
        write_text(out / "model.xml", files.sbml)
        for name, table in files.tables.items():
            write_file(out / name, lambda tmp, t=table: t.to_csv(tmp, sep="\t", index=False, float_format="%.12g"))
        write_text(out / "problem.yaml", files.yaml)
        errors = pe.lint(out)
    except BaseException:
        if created:
            shutil.rmtree(out, ignore_errors=True)
        raise
    if errors:
        if created:
            shutil.rmtree(out, ignore_errors=True)
        fail("the PEtab problem does not pass petab's checks: " + " | ".join(errors))
    if not ids:
        warn("no parameter to estimate (--estimate ID,...): `stat3sim fit` needs at least one")
    n = len(files.tables["measurements.tsv"])
    print(f"wrote {out}/: problem.yaml, model.xml, conditions.tsv, observables.tsv, measurements.tsv, parameters.tsv "
          f"({n} measurements, {len(files.tables['conditions.tsv'])} conditions, {len(ids)} parameters to estimate; "
          "petab lint passes)", file=sys.stderr)


def _with_dose_events(net, sc):
    """``net`` with each dose of ``sc``'s regimens over ``sc.days`` as an event: at the dose
    time (minutes from the start of the run; day-0 doses at time 0) the dose (nM in the
    dose compartment, as ``therapy.pk.dosing_schedule`` gives it to the engine) is added to
    its species. What ``stat3sim simulate`` does besides (the pre-simulation that settles
    signaling with populations frozen) is not in the file."""
    from dataclasses import replace

    from .. import runs
    from ..model.network import Event
    from ..therapy.pk import dosing_schedule
    from ..therapy.regimen import Patient

    texts = tuple(getattr(sc, "therapies", ()) or ())
    if not texts:
        return net
    patient = runs.patient_of(sc)
    doses = []
    for th in runs.therapy_network(texts, *patient)[1]:
        at0, later = dosing_schedule(th.regimen, th.pk, float(sc.days), Patient(*patient))
        doses += [(0.0, sid, v) for sid, v in at0.items()] + list(later)
    events = tuple(Event(f"dose_{k + 1}_{sid}", t, {sid: f"{sid} + {v!r}"})
                   for k, (t, sid, v) in enumerate(sorted(doses, key=lambda d: d[0])))
    return replace(net, events=tuple(net.events) + events)


def _sections(net, sc) -> list:
    """Tables documenting a TME Network: parameters, modifiers, populations, aggregates, observables."""
    from ..report.describe import Cell, Section
    from ..report.html import is_assumed
    from ..report.observables import GROUPS, group_of, label

    def num(x: float) -> str:
        return f"{x:.6g}"

    from .. import runs

    def arm_changes(a) -> str:
        parts = ([f"knock-out {', '.join(a.knockouts)}"] if a.knockouts else []) \
            + ([f"depleted {', '.join(a.depletions)}"] if a.depletions else []) \
            + [f"{k} = {num(v)}" for k, v in a.parameters.items()] \
            + [f"{k} cells = {num(v)}" for k, v in a.cells.items()] \
            + ([f"mimic {', '.join(a.mimics)}"] if a.mimics else []) \
            + ([f"therapy {'; '.join(a.therapies)}"] if a.therapies else [])
        if len(a.knockouts) > 4:  # e.g. IL-6 knocked out in every cell type
            parts[0] = f"knock-out {', '.join(a.knockouts[:3])} … ({len(a.knockouts)} in all)"
        return "; ".join(parts) or "none (the reference)"

    # the untreated arms, then the scenario's own treated comparisons (tnbc's shipped therapy
    # arms are listed in docs/drugs.md)
    own_treated = {a.name for a in (sc.comparisons or ()) if a.therapies}
    arms = runs.standard_arms(sc) + [a for a in runs.therapy_arms(sc) if a.name in own_treated]
    secs = [
        Section("Arms", "What `stat3sim run` simulates: the scenario as written (the reference) and each "
                "comparison, which adds its changes on top.",
                ("arm", "description", "changes"),
                tuple((Cell(a.name), Cell(a.description), Cell(arm_changes(a))) for a in arms)),
        Section("Parameters", "Every parameter with its value, unit and source. \"assumed\" marks a value "
                "for which no measurement was found; \"calibrated to TME-n\" names the claim it was tuned for. "
                "Change one for a run with `stat3sim simulate --scenario NAME --set ID=VALUE` or a scenario "
                "file's `parameters:`.",
                ("id", "value", "unit", "description", "source", "assumed"),
                tuple((Cell(p.id, True), Cell(num(p.value)), Cell(p.unit), Cell(p.description), Cell(str(p.evidence)),
                       Cell("assumed" if is_assumed(p.evidence) else ""))
                      for p in net.parameters)),
        Section("Modifiers", "Factors multiplying the rate of a reaction, declared by the module whose "
                "mechanism they are (e.g. MDSC suppression of T-cell killing).",
                ("target", "factor", "description", "source"),
                tuple((Cell(m.target, True), Cell(m.factor, True), Cell(m.description), Cell(str(m.evidence)))
                      for m in net.modifiers)),
        Section("Populations", "Cells of a type share one signaling module; `count` (a cell-counted species or a "
                "rule) weights their exchange with the `exchange` compartment.",
                ("cell type", "count", "exchange"),
                tuple((Cell(p.cell, True), Cell(p.count, True), Cell(p.exchange, True)) for p in net.populations)),
        Section("Aggregates", "Quantities the rate laws read that sum contributions from several modules.",
                ("id", "name", "unit", "contributors", "description"),
                tuple((Cell(r.id, True), Cell(r.name), Cell(r.unit), Cell(" + ".join(r.contributors), True),
                       Cell(r.description))
                      for r in net.rules if r.contributors)),
        Section("Observables", "Readouts of a run (the columns of `stat3sim run` and `simulate --scenario` "
                "output), grouped as in docs/observables.md.",
                ("id", "group", "unit", "description"),
                tuple((Cell(label(o), True), Cell(GROUPS[group_of(o)][0]), Cell(o.unit), Cell(o.description))
                      for o in net.observables)),
    ]
    return [s for s in secs if s.rows]


def _summary_lines(net, sc) -> list[str]:
    n_assumed = sum(1 for p in net.parameters if "assumed" in str(p.evidence).lower())
    aggregates = sum(1 for r in net.rules if r.contributors)
    def n(count: int, what: str) -> str:
        return f"{count} {what}{'' if count == 1 else 's'}"

    return [
        f"Scenario `{sc.name}`: {sc.description} (subtype `{sc.subtype}`). Network `{net.name}`: "
        f"{n(len(net.parameters), 'parameter')} ({n_assumed} assumed), {n(len(net.modifiers), 'modifier')}, "
        f"{n(len(net.populations), 'population')}, {n(aggregates, 'aggregate')}, "
        f"{n(len(net.observables), 'observable')}, {len(net.species)} species, "
        f"{n(len(net.reactions), 'reaction')}.",
        "Units: population rates per day, cell numbers in cells, concentrations in nM, volumes in pL "
        "inside the engine (mL in tables), time in minutes inside the engine and days in output.",
    ]


def describe_scenario(scenario: str, kind: str, out: Optional[Path]) -> None:
    """``stat3sim describe --scenario``: the TME model of a scenario, generated from its Network."""
    check_output(out, "--out")
    sc = load_checked(scenario, "--scenario")
    from .. import runs

    net = runs.build(sc)
    secs = _sections(net, sc)
    command = f"stat3sim describe --scenario {sc.name} --format {kind}"
    emit(_markdown(net, sc, secs, command) if kind == "md" else _html(net, sc, secs, command), out)


def _markdown(net, sc, secs, command: str) -> str:
    from ..report.describe import md_table

    parts = [f"# stat3sim TME model: {sc.name}", "",
             f"Generated from the model by `{command}`; do not edit by hand.", ""]
    parts += _summary_lines(net, sc)
    parts += ["", "Contents: " + ", ".join(f"[{s.title}](#{s.title.lower()})" for s in secs) + "."]
    for s in secs:
        parts += ["", f"## {s.title}", "", s.intro, "", md_table(s.headers, s.rows)]
    return "\n".join(parts) + "\n"


def _html(net, sc, secs, command: str) -> str:
    import html

    from ..report.describe import _CSS

    e = html.escape

    def inline(text: str) -> str:
        pieces = e(text).split("`")
        return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(pieces))

    def cell(c) -> str:
        if c.code and c.text:
            return f"<code>{e(c.text)}</code>"
        if c.text == "assumed":
            return '<span class="assumed">assumed</span>'
        return e(c.text)

    title = f"stat3sim TME model: {sc.name}"
    css = _CSS + "\nspan.assumed { background: #fff1c9; color: #6b4e00; padding: 0 0.3rem; border-radius: 0.5rem; }"
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">', f"<title>{e(title)}</title>",
           f"<style>\n{css}\n</style>", "</head>", "<body>", f"<h1>{e(title)}</h1>",
           f'<p class="note">Generated from the model by <code>{e(command)}</code>; do not edit by hand.</p>']
    out += [f"<p>{inline(line)}</p>" for line in _summary_lines(net, sc)]
    out.append("<nav>" + "".join(f'<a href="#{s.title.lower()}">{e(s.title)}</a>' for s in secs) + "</nav>")
    for s in secs:
        out += [f'<h2 id="{s.title.lower()}">{e(s.title)}</h2>', f"<p>{inline(s.intro)}</p>", "<table>",
                "<thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in s.headers) + "</tr></thead>", "<tbody>"]
        out += ["<tr>" + "".join(f"<td>{cell(c)}</td>" for c in row) + "</tr>" for row in s.rows]
        out += ["</tbody>", "</table>"]
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
