"""``stat3sim scan``: readouts of a scenario at one day against a parameter's value or a
regimen's dose — a table (CSV) and a figure.

What belongs here: reading and checking the scan's options (every one before anything
runs), building its points, printing and writing what :func:`stat3sim.analysis.scan.run_scan`
returns. One of:

* ``--set PARAM=a:b:n`` (n values from a to b) or ``PARAM=a:b:nlog`` (log-spaced): each
  value checked against the parameter's range as ``--set PARAM=VALUE`` is;
* ``--therapy "tocilizumab {dose} mg/kg iv q4w" --doses 0,1,2,4,8``: the regimen at each
  dose (0: no drug), each checked as ``--therapy`` is; a dose far below the labelled one
  is a warning on stderr.

Errors: an unknown parameter or readout, a malformed range or dose list, ``{dose}``
missing from ``--therapy``, ``--set`` with ``--therapy``, a bad ``--day``, ``--out`` or
``--plot``: one line, exit code 2, nothing written. A point whose run fails is data (its
row has an ``error``); all points failing is exit code 1.

Examples::

    stat3sim scan --scenario tnbc --therapy "tocilizumab {dose} mg/kg iv q4w" --doses 0,1,2,4,8 --day 56 \\
        --out toci.csv --plot toci.png
    stat3sim scan --scenario tnbc --set k_tumor_prolif=0.01:0.03:5 --readout tumor_volume_mm3 \\
        --readout CD8_per_mL --day 90 --out prolif.csv
"""
from __future__ import annotations

import difflib
import math
import sys
from pathlib import Path
from typing import List, Optional

import typer

from . import app
from ._common import (CSV_SUFFIXES, PLOT_SUFFIXES, bad, check_output, console, fail, fmt, solver_output_hidden,
                      warn, write_file, writing)
from .tme import DEFAULT_SCENARIO, check_days, check_jobs, check_therapies, load_checked, with_overlays

#: AnalysisError field -> the option a person typed
_OPTION = {"set": "--set", "doses": "--doses", "therapy": "--therapy", "day": "--day", "readout": "--readout"}


def _known_readouts(sc, arm=None) -> list[str]:
    from .. import runs
    from ..model import tme

    names = [o.name for o in runs.build(sc, arm).observables]
    return list(dict.fromkeys([*tme.DEFAULT_READOUTS, *names]))


def _check_readouts(readouts: list[str], known: list[str]) -> list[str]:
    out = []
    for r in readouts:
        key = r.strip()
        if key not in known:
            close = difflib.get_close_matches(key, known, n=5, cutoff=0.5)
            bad("--readout", f"unknown readout {r!r}" + (f"; closest: {', '.join(close)}" if close else "")
                + "; every readout: `stat3sim describe --scenario NAME` (Observables)")
        if key not in out:
            out.append(key)
    return out


@app.command()
def scan(
    scenario: str = typer.Option(DEFAULT_SCENARIO, "--scenario", help="a shipped scenario or a YAML file"),
    sets: List[str] = typer.Option([], "--set", metavar="PARAM=a:b:n[log]",
                                   help="scan a parameter: n values from a to b (a:b:nlog: log-spaced)"),
    therapy: Optional[str] = typer.Option(None, "--therapy", metavar="REGIMEN",
                                          help='scan a dose: a regimen with {dose}, e.g. "tocilizumab {dose} mg/kg '
                                               'iv q4w" (with --doses)'),
    doses: Optional[str] = typer.Option(None, "--doses", help="comma-separated doses for {dose} (0: no drug)"),
    readout: List[str] = typer.Option(["tumor_volume_mm3"], "--readout",
                                      help="a readout (repeatable; default tumor_volume_mm3)"),
    day: Optional[float] = typer.Option(None, "--day", help="the day the readouts are read (default: the "
                                                            "scenario's last)"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="table, one row per point (.csv)"),
    plot: Optional[Path] = typer.Option(None, "--plot", help="figure (.png/.pdf/.svg)"),
    jobs: int = typer.Option(0, "--jobs", "-j", help="processes for the points: 0 = one per CPU core, "
                                                     "1 = all in this process (same numbers)"),
) -> None:
    """Readouts at one day against a parameter range or a regimen's dose: a table and a figure."""
    from ..analysis import AnalysisError
    from ..analysis import scan as sc_mod

    jobs = check_jobs(jobs)
    check_output(out, "--out", CSV_SUFFIXES)
    check_output(plot, "--plot", PLOT_SUFFIXES)
    day = check_days(day, "--day")
    if sets and therapy is not None:
        bad("--therapy", "cannot be combined with --set; a scan varies one thing (a parameter or a dose)")
    if not sets and therapy is None:
        bad("--set", "give what to scan: --set PARAM=a:b:n[log], or --therapy \"DRUG {dose} UNIT ...\" --doses ...")
    if doses is not None and therapy is None:
        bad("--doses", "applies to --therapy \"DRUG {dose} UNIT ...\"; a parameter's values go in --set PARAM=a:b:n")
    if len(sets) > 1:
        bad("--set", f"give one parameter range, got {len(sets)}; a scan varies one thing")
    try:
        if sets:
            param, sep, rng = sets[0].partition("=")
            param = param.strip()
            if not sep or not param:
                bad("--set", f"malformed {sets[0]!r}; expected PARAM=a:b:n or PARAM=a:b:nlog, "
                             "e.g. k_tumor_prolif=0.01:0.03:5")
            values, log = sc_mod.parse_range(rng)
        else:
            template = sc_mod.check_template(therapy)
            if doses is None:
                bad("--doses", "give the doses for {dose}, e.g. --doses 0,1,2,4,8")
            dose_values = sc_mod.parse_doses(doses)
    except AnalysisError as e:
        bad(_OPTION.get(e.field, e.field), e.message)

    base = load_checked(scenario, "--scenario")
    if day is None:
        day = float(base.days)
    from .. import runs

    if sets:
        # every value checked as `--set PARAM=VALUE` is: a known parameter, inside its range
        for v in values:
            with_overlays(base, sets=[f"{param}={v!r}"])
        points = sc_mod.parameter_points(param, values)
        unit = next((p.unit for p in runs.build(base).parameters if p.id == param), "")
        kind, variable, label, template = "parameter", param, param, ""
        known = _known_readouts(base)
    else:
        from ..scenarios import dose_warnings
        from ..therapy import parse_regimen
        from .tme import _with_therapies

        texts = [sc_mod.dose_regimen(template, d) for d in dose_values]
        treated = [t for t in texts if t]
        if not treated:
            bad("--doses", "every dose is 0; give at least one dose above 0")
        for t in treated:  # each regimen as `--therapy` checks it (and not a drug the scenario gives)
            check_therapies([t])
            _with_therapies(base, [t])
        points = sc_mod.dose_points(template, dose_values)
        unit = parse_regimen(treated[0]).unit
        kind, variable, label = "dose", "dose", template
        for _, _, arm in points:
            for note in dose_warnings(base, [arm]):
                warn(note)
        known = _known_readouts(base, next(a for _, _, a in points if a.therapies))
    readouts = _check_readouts(list(readout), known)

    print(f"scan of {base.name}: {len(points)} points of {label}, {fmt(day)} days each", file=sys.stderr)
    try:
        with solver_output_hidden():
            r = sc_mod.run_scan(base, points, kind=kind, variable=variable, unit=unit,
                                log=bool(sets) and log, readouts=readouts, day=day, jobs=jobs, template=template)
    except AnalysisError as e:
        bad(_OPTION.get(e.field, e.field), e.message)

    table = r.frame()
    con = console()
    from rich.markup import escape
    from rich.table import Table

    con.print(f"{r.scenario}: at day {fmt(r.day)} against {label}"
              + (f" ({r.unit})" if r.unit and r.unit != "dimensionless" else ""), soft_wrap=True, markup=False)
    t = Table()
    t.add_column(escape(variable), justify="right", no_wrap=True)
    for key in readouts:
        u = r.units.get(key, "")
        t.add_column(escape(key + (f" ({u})" if u and u != "dimensionless" else "")), justify="right")
    for i, v in enumerate(r.values):
        cells = [fmt(x) if math.isfinite(x) else "failed" for x in r.data[i]]
        t.add_row(f"{v:g}", *cells)
    con.print(t)
    how = f"in {r.workers} processes" if r.workers > 1 else (
        f"in this process; {r.structures} compiled model{'s' if r.structures != 1 else ''} built or loaded, "
        "re-used by every point of the same structure" if r.structures is not None else "in this process")
    con.print(f"{len(r.values)} points in {r.seconds:.1f} s ({how})", soft_wrap=True)
    if r.failed:
        con.print("failed points: " + "; ".join(r.failed.values()), soft_wrap=True, markup=False)
    if len(r.failed) == len(r.values):
        fail("every point of the scan failed")
    if out is not None:
        write_file(out, lambda tmp: table.to_csv(tmp, index=False))
        con.print(f"wrote {out}", soft_wrap=True)
    if plot is not None:
        from ..analysis.plots import scan_figure
        from ..report.figures import save_figure

        fig = scan_figure(r)
        with writing(plot):
            save_figure(fig, plot)
        con.print(f"wrote {plot}", soft_wrap=True)
