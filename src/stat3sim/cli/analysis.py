"""The analysis commands: ``dose-response`` (one drug on one cell, IC50 and Hill slope with
95 % confidence intervals) and ``combo`` (two therapies on a dose grid with Bliss, Loewe and
HSA excess).

What belongs here: reading and checking their options (every input before anything runs:
an unknown drug names the closest known ones, an unknown cell/readout/scenario lists the
allowed ones, a bad grid or a number of therapies other than two is one line, exit code 2,
nothing written), then writing the table/JSON/CSV/figure. The work is in
:mod:`stat3sim.analysis`.

Examples::

    stat3sim dose-response --drug ruxolitinib --cell tumor --readout pSTAT3 --plot rux.png --out rux.csv
    stat3sim dose-response --drug tocilizumab --stimulus IL6=10ng/mL --minutes 60 --json
    stat3sim combo --therapy "ruxolitinib 20 mg po bid" --therapy "celecoxib 200 mg po bid" --scenario tnbc \\
        --readout tumor_volume_mm3 --days 60 --grid 0,0.5,1,2 --plot rc.png --out rc.csv
    stat3sim combo --therapy "ruxolitinib 150 nM continuous" --therapy "SD-36 2 nM continuous" --cell tumor --json
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import List, Optional

import typer

from . import app
from ._common import (CSV_SUFFIXES, PLOT_SUFFIXES, bad, check_minutes, check_output, console, emit, fail, fmt,
                      solver_output_hidden, write_file, writing)

#: AnalysisError field -> the option a person typed
_OPTION = {"drug": "--drug", "cell": "--cell", "readout": "--readout", "stimulus": "--stimulus",
           "minutes": "--minutes", "concentrations": "--concentrations", "therapy": "--therapy", "grid": "--grid",
           "scenario": "--scenario", "days": "--days", "response": "--response"}


def _numbers(text: str, option: str, what: str) -> list[float]:
    try:
        vals = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        bad(option, f"malformed {text!r}; expected comma-separated {what}, e.g. 0,0.5,1,2")
    if not vals:
        bad(option, f"empty; expected comma-separated {what}, e.g. 0,0.5,1,2")
    return vals


def _stimulus(texts: list[str]) -> dict[str, float]:
    from ._parse import check_stimuli

    doses, _ = check_stimuli(texts)
    if set(doses) - {0.0}:
        bad("--stimulus", "a dose-response stimulus is given at t = 0; remove '@MIN'")
    return doses.get(0.0, {})


def _save_plot(fig, path: Path) -> None:
    from ..report.figures import save_figure

    with writing(path):
        save_figure(fig, path)
    print(f"wrote {path}", file=__import__("sys").stderr)


def _csv(df, out: Path) -> None:
    write_file(out, lambda tmp: df.to_csv(tmp, index=False))
    print(f"wrote {out}", file=__import__("sys").stderr)


def _json(obj) -> str:
    def clean(x):
        if isinstance(x, float) and not math.isfinite(x):
            return None
        if isinstance(x, dict):
            return {k: clean(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [clean(v) for v in x]
        return x

    return json.dumps(clean(obj), indent=2, ensure_ascii=False) + "\n"


@app.command("dose-response")
def dose_response_cmd(
        drug: str = typer.Option(..., "--drug", help="a catalog drug (stat3sim drugs)"),
        cell: str = typer.Option("tumor", "--cell", help="cell type in culture"),
        readout: str = typer.Option("pSTAT3", "--readout", help="the cell's readout (pSTAT3, SOCS3_mRNA, …)"),
        stimulus: List[str] = typer.Option(["IL6=1ng/mL"], "--stimulus", help="cytokine at t = 0, NAME=VALUEUNIT"),
        minutes: float = typer.Option(30.0, "--minutes", help="readout time after the stimulus (min)"),
        concentrations: Optional[str] = typer.Option(None, "--concentrations",
                                                     help="comma-separated nM (default: 12 log-spaced over "
                                                          "potency/1000 … potency×1000)"),
        response: str = typer.Option("rise", "--response", help="rise (over baseline) or level, relative to no drug"),
        as_json: bool = typer.Option(False, "--json", help="print the result as JSON"),
        plot: Optional[Path] = typer.Option(None, "--plot", help="figure (.png/.pdf/.svg)"),
        out: Optional[Path] = typer.Option(None, "--out", help="CSV of concentration vs response")) -> None:
    """Dose-response of one drug on one cell: 4PL fit, IC50 and Hill slope with 95 % CIs."""
    from ..analysis import AnalysisError, dose_response
    from ..analysis.plots import dose_response_figure

    check_output(out, "--out", CSV_SUFFIXES)
    check_output(plot, "--plot", PLOT_SUFFIXES)
    check_minutes(minutes)
    stim = _stimulus(stimulus)
    conc = _numbers(concentrations, "--concentrations", "concentrations in nM") if concentrations else None
    try:
        with solver_output_hidden():
            dr = dose_response(drug, cell=cell, readout=readout, stimulus=stim, minutes=minutes,
                               concentrations=conc, response=response)
    except AnalysisError as e:
        bad(_OPTION.get(e.field, e.field), e.message)
    if out is not None:
        _csv(dr.table, out)
    if plot is not None:
        _save_plot(dose_response_figure(dr), plot)
    if as_json:
        emit(_json(dr.to_dict()), None)
        return
    f = dr.fit
    c = console()
    c.print(f"{dr.drug} on {dr.cell} {dr.readout} ({dr.response}, {dr.minutes:g} min; "
            f"{', '.join(f'{k} {fmt(v)} nM' for k, v in dr.stimulus.items())}); catalog potency "
            f"{fmt(dr.potency_nM)} nM", soft_wrap=True)
    for row in dr.table.itertuples():
        c.print(f"  {row.concentration_nM:>12.4g} nM  response {row.response:.4f}")
    if f.status == "fit failed":
        c.print(f"fit failed: {f.message}", soft_wrap=True)
    elif not math.isfinite(f.ic50_nM):
        c.print(f"IC50 {f.status}: {f.message}", soft_wrap=True)
    else:
        ic = (f"IC50 {fmt(f.ic50_nM)} nM (95 % CI {fmt(f.ic50_ci_nM[0])}–{fmt(f.ic50_ci_nM[1])})"
              if f.status == "fitted" else f"IC50 not reached (fitted midpoint {fmt(f.ic50_nM)} nM)")
        c.print(f"{ic}; Hill slope {f.hill:.3g} (95 % CI {f.hill_ci[0]:.3g}–{f.hill_ci[1]:.3g}); "
                f"bottom {f.bottom:.3g}, top {f.top:.3g}; RMSE {f.rmse:.2g}"
                + (f"; {f.message}" if f.message else ""), soft_wrap=True)


@app.command("combo")
def combo_cmd(
        therapy: List[str] = typer.Option(..., "--therapy", help="a regimen; give exactly two"),
        scenario: Optional[str] = typer.Option(None, "--scenario", help="a TME scenario (name or YAML file)"),
        cell: Optional[str] = typer.Option(None, "--cell", help="a cell in culture instead of a scenario "
                                                                "(constant exposures only)"),
        readout: Optional[str] = typer.Option(None, "--readout",
                                              help="default tumor_volume_mm3 (scenario) or pSTAT3 (cell)"),
        days: Optional[float] = typer.Option(None, "--days", help="simulated days (default: the scenario's)"),
        grid: str = typer.Option("0,0.25,0.5,1,2", "--grid", help="fractions of each written dose"),
        stimulus: List[str] = typer.Option(["IL6=1ng/mL"], "--stimulus", help="with --cell: cytokine at t = 0"),
        minutes: float = typer.Option(30.0, "--minutes", help="with --cell: readout time (min)"),
        as_json: bool = typer.Option(False, "--json", help="print the result as JSON"),
        plot: Optional[Path] = typer.Option(None, "--plot", help="heat maps (.png/.pdf/.svg)"),
        out: Optional[Path] = typer.Option(None, "--out", help="CSV, one row per matrix cell"),
        jobs: int = typer.Option(0, "--jobs", "-j", help="with --scenario: processes for the matrix's runs, "
                                                         "0 = one per CPU core (same numbers as 1)")) -> None:
    """A two-drug dose matrix with Bliss, Loewe and HSA excess (effect = 1 − readout/untreated)."""
    from ..analysis import AnalysisError, combo_matrix
    from ..analysis.plots import combo_figure
    from .tme import check_days, check_jobs, load_checked

    jobs = check_jobs(jobs)
    check_output(out, "--out", CSV_SUFFIXES)
    check_output(plot, "--plot", PLOT_SUFFIXES)
    if len(therapy) != 2:
        bad("--therapy", f"a combination needs exactly two --therapy, got {len(therapy)}")
    if (scenario is None) == (cell is None):
        bad("--scenario", "give either --scenario NAME or --cell TYPE")
    g = _numbers(grid, "--grid", "fractions of the written dose")
    check_days(days)
    sc = None
    stim = None
    if scenario is not None:
        sc = load_checked(scenario, "--scenario")
    else:
        check_minutes(minutes)
        stim = _stimulus(stimulus)
        if days is not None:
            bad("--days", "applies to --scenario; with --cell use --minutes")
    try:
        from ..analysis.synergy import check_grid

        check_grid(g)
        with solver_output_hidden():
            r = combo_matrix(therapy, scenario=sc, cell=cell, readout=readout, days=days, grid=g, stimulus=stim,
                             minutes=minutes, jobs=jobs)
    except AnalysisError as e:
        bad(_OPTION.get(e.field, e.field), e.message)
    except RuntimeError as e:
        fail(str(e))
    if out is not None:
        _csv(r.frame(), out)
    if plot is not None:
        _save_plot(combo_figure(r), plot)
    if as_json:
        emit(_json(r.to_dict()), None)
        return
    from rich.table import Table

    t = Table(title=f"{r.system}: {r.readout} ({r.readout_unit}) at {r.at}; rows × {r.therapies[0]}, "
                    f"columns × {r.therapies[1]}")
    t.add_column("A \\ B")
    for fb in r.grid_b:
        t.add_column(f"{fb:g}", justify="right")
    for i, fa in enumerate(r.grid_a):
        t.add_row(f"{fa:g}", *[f"{fmt(r.value[i, j])} (E {r.effect[i, j]:.2f})" for j in range(len(r.grid_b))])
    c = console()
    c.print(t)
    s = r.summary()
    for name in ("bliss", "hsa", "loewe"):
        v = s[name]
        c.print(f"{name.upper() if name != 'loewe' else 'Loewe'} excess over combinations: "
                + (f"mean {v['mean']:+.3f}, min {v['min']:+.3f}, max {v['max']:+.3f}" if v else
                   f"not computed ({r.loewe_message})"), soft_wrap=True)
    if r.failed:
        c.print(f"failed runs: {'; '.join(r.failed)}", soft_wrap=True)
    c.print(f"{len(r.grid_a) * len(r.grid_b)} runs in {r.seconds:.1f} s", soft_wrap=True)
