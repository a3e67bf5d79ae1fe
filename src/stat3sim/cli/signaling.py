"""The commands on the signaling model: ``simulate``, ``export``, ``validate``, ``describe``.

What belongs here: these commands and what only they print (the summary table of a
time course, the claims table). Parsing of stimuli, knock-outs, gene levels and SBML
files is in ``_parse.py``; errors, output checks and writing in ``_common.py``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from ..model.cells import CELL_TYPES
from ..model.signaling.parameters import LIGANDS
from . import app
from ._common import (CSV_SUFFIXES, PLOT_SUFFIXES, allowed, bad, check_cell, check_format, check_minutes,
                      check_output, console, emit, fail, failed_claim_lines, fmt, one_line, solver_output_hidden,
                      warn, write_file, writing)
from ._common import diameter_option, points_per_day_option, volume_option
from ._parse import (STIMULUS_UNITS, check_gene_levels, check_knockouts, check_sbml, check_sbml_stimuli,
                     check_select, check_settings, check_stimuli, sbml_outputs)

EXPORT_FORMATS = ("sbml", "antimony")
DESCRIBE_FORMATS = ("md", "html")

#: readouts of the built-in model in the summary table (those that rise after stimulation)
SUMMARY_READOUTS = ("pSTAT3", "pSTAT3_total", "active_receptor", "SOCS3_mRNA", "SOCS3_protein", "NFkB",
                    "MYC", "VEGFA", "BCL2L1", "CD274", "FSCN1", "SNAI1")


# ------------------------------------------------------------------- tables
def _observed_text(observed: dict) -> str:
    """Claim metrics one per line; nested metrics (per ligand, per gene) on one line each."""
    lines = []
    for k, v in observed.items():
        if isinstance(v, dict):
            v = ", ".join(f"{kk} = {vv}" for kk, vv in v.items())
        lines.append(f"{k}: {v}")
    return "\n".join(lines)



_HALF_NAMES = {"mechanism": "M (study exposure)", "clinic": "C (labelled regimen)"}


def _halves_text(r) -> str:
    """A therapy claim's two halves: status, exposure, numbers, and why where not a pass."""
    lines = []
    for k in ("mechanism", "clinic"):
        h = getattr(r, k)
        if not h:
            continue
        exp = []
        for drug, e in h["exposure"].items():
            if k == "mechanism":
                exp.append(f"{drug} {e.get('concentration_nM', float('nan')):.3g} nM")
            elif e.get("regimen"):
                exp.append(f"{e['regimen']} (free tumor {fmt(e['free_tumor_trough_nM'])}–{fmt(e['free_tumor_peak_nM'])}"
                           f" nM, occupancy {100 * e['occupancy_trough']:.0f}–{100 * e['occupancy_peak']:.0f} %)")
            else:
                exp.append(f"{drug}: no labelled regimen")
        lines.append(f"{_HALF_NAMES[k]}: {h['status'].upper()} — " + "; ".join(exp))
        lines.extend(f"  {line}" for line in _observed_text(h["numbers"]).splitlines())
        if h.get("reason") and h["status"] != "pass":
            lines.append(f"  why: {h['reason']}")
        if h.get("evidence"):
            lines.append(f"  evidence: {h['evidence']}")
    return "\n".join(lines)


def _summary_table(res, keys: list[str], title: str):
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=escape(title), title_justify="left")
    t.add_column("readout", no_wrap=True)
    t.add_column("unit", no_wrap=True)
    for name in ("t = 0", "peak", "peak (min)", f"t = {fmt(float(res.time[-1]))}"):
        t.add_column(name, justify="right", no_wrap=True)
    for key in keys:
        i = res.labels.index(key)
        unit = {"": "model units", "dimensionless": "1"}.get(res.units[i], res.units[i])
        t.add_row(escape(key), escape(unit), fmt(res.baseline(key)), fmt(res.peak(key)),
                  fmt(res.peak_time(key)), fmt(res.late(key)))
    return t


# ------------------------------------------------------------------ commands
#: options of ``simulate`` that only the signaling model takes: parameter -> option
_SIGNALING_ONLY = {"cell": "--cell", "stimulus": "--stimulus", "gene_level": "--gene-level", "minutes": "--minutes",
                   "sbml": "--sbml", "presimulate": "--no-presimulate", "steps": "--steps", "select": "--select",
                   "amounts": "--amounts", "settings": "--settings"}
#: options of ``simulate --sbml`` that an SBML Test Suite settings file replaces
_SETTINGS_GIVE = {"minutes": "--minutes", "steps": "--steps", "select": "--select", "amounts": "--amounts"}
#: most output intervals of one time course (``--steps``)
MAX_STEPS = 1_000_000


def _given(ctx: typer.Context, name: str) -> bool:
    """Whether the user gave option ``name`` (rather than it taking its default)."""
    source = ctx.get_parameter_source(name)  # click's ParameterSource (typer vendors click)
    return source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")


def _refuse_given(ctx: typer.Context, names: str, message: str) -> None:
    """``bad(--option, message)`` for the first of ``names`` (space-separated parameter
    names, ``--`` options in order) that the user gave."""
    for name in names.split():
        if _given(ctx, name):
            bad("--" + name.replace("_", "-"), message)


def _run_sbml(sim, path: Path, minutes: float, n_points: int, model, presimulate: bool):
    """Run a user's SBML model. A model that cannot be pre-simulated, or not even started,
    is a problem of the input (exit 2, a message that says what to do), not a numerical
    failure of a good model (exit 1, left to the caller)."""
    def run(pre: bool):
        with solver_output_hidden():
            return sim.run(t_end=minutes, n_points=n_points, parameters=model.parameter_values,
                           stimuli=model.stimuli, presimulate=pre)

    def stuck(r) -> bool:  # the solver could not take its first steps from the initial state
        first = minutes / max(1, n_points - 1)
        return r.meta.get("failed_in") == "start" or (r.meta.get("failed_in") == "run" and
                                                       r.meta.get("failed_at_time", first) <= 1e-6 * first)

    def why(r) -> str:  # CVODE's own words, without libRoadRunner's source location
        return one_line(r.message).split("; In ")[0][:200]

    res = run(presimulate)
    if not res.ok and res.meta.get("failed_in") == "presimulation":
        started = run(False)  # is it the steady state that is missing, or the start?
        if not stuck(started):
            bad("--presimulate", f"this model has no steady state to pre-simulate to (the pre-simulation "
                                 f"failed: {why(res)}); use --no-presimulate to start from "
                                 "the model's initial state")
        res = started
    if not res.ok and stuck(res):
        bad("--sbml", f"libRoadRunner cannot integrate {str(path)!r} from its initial state (stopped at t = "
                      f"{res.meta.get('failed_at_time', 0.0):.3g}: {why(res)}); its initial "
                      "values may need the tool it was made with to initialise them")
    return res


@app.command()
def simulate(
    ctx: typer.Context,
    cell: Optional[str] = typer.Option(None, "--cell", help=f"cell type: {allowed(CELL_TYPES)} [default: tumor]"),
    stimulus: list[str] = typer.Option([], "--stimulus", "-s", metavar="NAME=VALUE",
                                       help="medium ligand and concentration, e.g. IL6=1nM, IL6=20ng/mL, IL6=1nM@60 (a dose at 60 min) "
                                            f"(ligands: {allowed(LIGANDS)}; units: {allowed(STIMULUS_UNITS)}). "
                                            "With --sbml: a species id (added after pre-simulation) or a global "
                                            "parameter (set before the run) and a number in model units. Repeatable."),
    knockout: list[str] = typer.Option([], "--knockout", "-k", metavar="GENE",
                                       help="knock out a gene (e.g. SOCS3); with --scenario lineage:GENE "
                                            "(e.g. myeloid:STAT3); repeatable"),
    gene_level: list[str] = typer.Option([], "--gene-level", "-g", metavar="GENE=FACTOR",
                                         help="scale a gene's level: PTPN2=0.2 (knock-down), JAK2=3 "
                                              "(amplification); 1 = wild type; repeatable"),
    minutes: float = typer.Option(240.0, "--minutes", "-t",
                                  help="time after the stimulus (min; with --sbml in the model's time unit)"),
    out: Optional[Path] = typer.Option(None, "--out", "-o",
                                         help="write the time course as CSV (with --scenario: .csv or .parquet)"),
    plot: Optional[Path] = typer.Option(None, "--plot", "-p", help="write a figure (.png, .pdf, .svg)"),
    sbml: Optional[Path] = typer.Option(None, "--sbml", help="simulate this SBML file instead of the built-in model"),
    presimulate: bool = typer.Option(True, "--presimulate/--no-presimulate",
                                     help="run to the unstimulated steady state before the stimulus"),
    steps: Optional[int] = typer.Option(None, "--steps", metavar="N",
                                        help="output intervals over the time course (default: one per minute, "
                                             "with --sbml one per model time unit)"),
    select: list[str] = typer.Option([], "--select", metavar="ID[,ID…]",
                                     help="with --sbml: write these species (concentrations; amounts with "
                                          "--amounts), compartments (size), parameters (value, rule variables "
                                          "included) or reactions (rate), in this order [default: every species]; "
                                          "repeatable"),
    amounts: bool = typer.Option(False, "--amounts", help="with --sbml: write species as amounts, not "
                                                          "concentrations"),
    settings: Optional[Path] = typer.Option(None, "--settings", metavar="FILE",
                                            help="with --sbml: an SBML Test Suite settings file (NNNNN-settings.txt)"
                                                 " gives the duration, steps, variables and amount/concentration "
                                                 "outputs; the run starts from the model's initial state"),
    scenario: Optional[str] = typer.Option(None, "--scenario",
                                           help="simulate a tumor-microenvironment scenario instead: a shipped "
                                                "name (`stat3sim scenarios`) or a YAML file; output time_days, "
                                                "then the scenario's readouts (.csv or .parquet)"),
    days: Optional[float] = typer.Option(None, "--days", "-d",
                                         help="with --scenario: days to simulate (default: the scenario's)"),
    set_: list[str] = typer.Option([], "--set", metavar="PARAM=VALUE",
                                   help="with --scenario: set a model parameter, e.g. k_tumor_prolif=0.01; "
                                        "repeatable"),
    mimic: list[str] = typer.Option([], "--mimic", metavar="CELL:miR-N[=FOLD]",
                                    help="with --scenario: a miRNA mimic, e.g. tumor:miR-124 (10× endogenous) or "
                                         "caf:miR-204=5; repeatable"),
    detect_cells: Optional[float] = typer.Option(None, "--detect-cells", metavar="CELLS",
                                                 help="with --scenario: metastatic burden (cells) above which an "
                                                      "organ counts in metastatic_sites (default 9e6, ~5 mm)"),
    therapy: list[str] = typer.Option([], "--therapy", metavar="REGIMEN",
                                      help='with --scenario: a regimen, e.g. "tocilizumab 8 mg/kg iv q4w" or '
                                           '"SD-36 1 uM continuous"; repeat for combinations'),
    points_per_day: Optional[int] = points_per_day_option("with --scenario: "),
    diameter_mm: Optional[float] = diameter_option("with --scenario: "),
    volume_mm3: Optional[float] = volume_option("with --scenario: "),
    petab: Optional[Path] = typer.Option(None, "--petab", metavar="PROBLEM.yaml",
                                         help="simulate a PEtab (v1) problem instead: write its simulation table "
                                              "(--out .tsv) and print the negative log-likelihood"),
    parameters: Optional[Path] = typer.Option(None, "--parameters", metavar="FILE.tsv",
                                              help="with --petab: parameter values (parameterId, nominalValue; "
                                                   "linear scale) instead of the problem's nominal ones"),
    as_json: bool = typer.Option(False, "--json", help="with --petab: print a JSON summary"),
) -> None:
    """Simulate a time course: wide CSV (time_min, one column per readout), optional figure.
    With --scenario, the tumor-microenvironment model in days; with --petab, a PEtab problem."""
    if petab is not None:
        from .petab import simulate_petab

        for name in ctx.params:
            if name not in ("petab", "parameters", "as_json", "out") and _given(ctx, name):
                bad("--petab", f"cannot be combined with --{name.rstrip('_').replace('_', '-')} (the PEtab problem "
                               "defines model, conditions and times; use --parameters, --out, --json)")
        return simulate_petab(petab, out, parameters, as_json)
    for value, option in ((parameters, "--parameters"), (as_json or None, "--json")):
        if value is not None:
            bad(option, "needs --petab")
    if scenario is not None:
        for name, option in _SIGNALING_ONLY.items():
            if _given(ctx, name):
                if name == "presimulate":
                    option = "--presimulate" if presimulate else "--no-presimulate"
                bad(option, "cannot be combined with --scenario (the scenario defines cells, stimuli and time; "
                            "use --days, --knockout lineage:GENE, --set PARAM=VALUE)")
        from .tme import simulate_scenario

        return simulate_scenario(scenario, days=days, knockouts=knockout, sets=set_, out=out, plot=plot,
                                 mimics=mimic, detect_cells=detect_cells, therapies=therapy,
                                 points_per_day=points_per_day, diameter_mm=diameter_mm,
                                 volume_mm3=volume_mm3)
    if days is not None:
        bad("--days", "needs --scenario (the signaling model takes --minutes)")
    if mimic:
        bad("--mimic", "needs --scenario (the miRNA module is in the tumor-microenvironment model)")
    if detect_cells is not None:
        bad("--detect-cells", "needs --scenario (metastases are in the tumor-microenvironment model)")
    for value, option in ((diameter_mm, "--diameter-mm"), (volume_mm3, "--volume-mm3")):
        if value is not None:
            bad(option, "needs --scenario (the tumor is in the tumor-microenvironment model)")
    if set_:
        bad("--set", "needs --scenario (the signaling model takes --gene-level GENE=FACTOR)")
    if therapy:
        bad("--therapy", "needs --scenario (for one cell in culture use stat3sim dose-response --drug NAME)")
    if points_per_day is not None:
        bad("--points-per-day", "needs --scenario (the signaling model writes one point a minute; use --steps)")
    if sbml is None:
        for value, option in ((select, "--select"), (amounts, "--amounts"), (settings, "--settings")):
            if value:
                bad(option, "needs --sbml (the built-in model writes its named readouts)")
    if steps is not None and not 1 <= steps <= MAX_STEPS:
        bad("--steps", f"must be a whole number from 1 to {MAX_STEPS}, got {steps}")
    minutes = check_minutes(minutes)
    check_output(out, "--out", CSV_SUFFIXES)
    check_output(plot, "--plot", PLOT_SUFFIXES)
    if sbml is not None:
        if cell is not None:
            bad("--cell", "cannot be combined with --sbml (the SBML file defines the model)")
        if knockout:
            bad("--knockout", "cannot be combined with --sbml; knock-outs need the built-in model")
        if gene_level:
            bad("--gene-level", "cannot be combined with --sbml; gene levels need the built-in model")
        suite = None
        if settings is not None:
            for name, option in _SETTINGS_GIVE.items():
                if _given(ctx, name):
                    bad(option, "cannot be combined with --settings (the settings file gives the time course "
                                "and the outputs)")
            if _given(ctx, "presimulate") and presimulate:
                bad("--presimulate", "cannot be combined with --settings (SBML Test Suite time courses start from "
                                     "the model's initial state)")
            suite = check_settings(settings)
            minutes, steps, presimulate = suite.duration, suite.steps, False
        model = check_sbml(sbml)
        check_sbml_stimuli(stimulus, model)
        if suite is not None:
            chosen = check_select([",".join(suite.variables)], model, option="--settings")
        else:
            chosen = check_select(select, model) if select else None
    else:
        from ..model.signaling import signaling_network

        cell = check_cell(cell or "tumor")
        stimuli, shown = check_stimuli(stimulus)
        net = signaling_network(cell)
        genes = check_knockouts(knockout, [g.symbol for g in net.genes])
        levels = check_gene_levels(gene_level, [g.symbol for g in net.genes])
        for g in genes:
            if g in levels:
                bad("--gene-level", f"{g} is also knocked out; give one or the other")

    import numpy as np

    from ..engine.roadrunner import Results, Simulator

    n_points = steps + 1 if steps is not None else max(2, int(round(minutes)) + 1)
    if sbml is not None:
        try:
            with solver_output_hidden():
                sim = Simulator.from_sbml(model.text)
        except Exception as e:  # libRoadRunner cannot compile it: the file is the problem
            # without libRoadRunner's source location (", at rrllvm::…")
            bad("--sbml", f"libRoadRunner cannot load {str(sbml)!r}: {one_line(e).split(', at rr')[0][:300]}")
        if chosen is None:  # every species (floating, then boundary), and our own observables
            chosen = sim.columns + [b for b in sim.rr.model.getBoundarySpeciesIds() if b not in sim.columns]
        outputs = sbml_outputs(chosen, model, amounts, suite.amount if suite else set(),
                               suite.concentration if suite else set())
        try:
            columns = sim.record(outputs.selections)
        except RuntimeError as e:
            bad("--settings" if suite else "--select", f"libRoadRunner cannot output these ids: {one_line(e)[:300]}")
        res = _run_sbml(sim, sbml, minutes, n_points, model, presimulate)
        res = Results(res.time, res.values[:, columns], outputs.headers, outputs.headers,
                      [res.units[i] for i in columns], ok=res.ok, message=res.message, meta=res.meta)
        if res.ok and not np.all(np.isfinite(res.values)):
            odd = [h for h, v in zip(res.columns, res.values.T) if not np.all(np.isfinite(v))]
            warn(f"{', '.join(odd[:5])}{' …' if len(odd) > 5 else ''}: not finite (inf or NaN) by the model's own "
                 "math; written as they are")
        protocol = ", ".join([f"{k} = {fmt(v)}" for k, v in model.parameter_values.items()]
                             + [f"{k} + {fmt(v)}" for k, v in model.stimuli.items()]) or "no stimulus"
        title = f"{sbml.name}: {protocol}"
    else:
        for g in genes:
            net = net.knockout(g)
        for g, level in levels.items():
            net = net.knockdown(g, level)
        for at, doses in stimuli.items():
            net = net.with_stimulus(doses, at=at)
        sim = Simulator.for_network(net)
        with solver_output_hidden():
            res = sim.run(net, t_end=minutes, n_points=n_points, presimulate=presimulate)
        title = (f"{cell}: {', '.join(shown) or 'no stimulus'}" + (f"; knock-out {', '.join(genes)}" if genes else "")
                 + (f"; {', '.join(f'{g} × {fmt(v)}' for g, v in levels.items())}" if levels else ""))

    if not res.ok:
        fail(f"simulation failed: {res.message}")
    if res.meta.get("steady_state_reached") is False:
        warn(f"no steady state after {fmt(res.meta['presimulated_min'])} time units of "
             f"pre-simulation (max relative rate {res.meta['steady_state_residual_per_min']:.2g}); "
             "the stimulus was applied to the state reached")

    wide = res.wide(observables_only=sbml is None)
    con = console()
    if out is not None:
        write_file(out, lambda tmp: wide.to_csv(tmp, index=False, na_rep="NaN"))
        con.print(f"wrote {out} ({len(wide)} time points × {wide.shape[1] - 1} readouts)")
    if plot is not None:
        from ..report.figures import save_figure, signaling_figure, species_figure

        fig = species_figure(res, title) if sbml is not None else signaling_figure(res, cell, title)
        with writing(plot):
            save_figure(fig, plot)
        con.print(f"wrote {plot}")
    if out is None:
        if sbml is not None:
            limit = 40
            keys = [res.labels[i] for i in res.most_changing(limit)]
            more = len(res.columns) - len(keys)
            heading = f"{title} — {fmt(minutes)} min" + (f" ({limit} species that change most; "
                                                           f"{more} more with --out)" if more else "")
        else:
            keys = [f"{cell}.{r}" for r in SUMMARY_READOUTS if f"{cell}.{r}" in res.labels]
            heading = f"{title} — {fmt(minutes)} min"
        con.print(_summary_table(res, keys, heading))


@app.command()
def export(
    ctx: typer.Context,
    format: Optional[str] = typer.Option(None, "--format", "-f", help=f"{' | '.join(EXPORT_FORMATS)}"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="output file (default: standard output)"),
    cell: str = typer.Option("tumor", "--cell", help=f"cell type: {allowed(CELL_TYPES)}"),
    scenario: Optional[str] = typer.Option(None, "--scenario",
                                           help="export the tumor-microenvironment model of this scenario "
                                                "(a shipped name or a YAML file) instead"),
    therapy: list[str] = typer.Option([], "--therapy", metavar="REGIMEN",
                                      help='with --scenario: export the treated model, e.g. "tocilizumab 8 mg/kg '
                                           'iv q4w" (the drug\'s PK and PD, each dose an SBML event); repeatable'),
    omex: bool = typer.Option(False, "--omex", help="with --scenario and --out FILE.omex: the scenario's run as a "
                                                    "COMBINE archive (SBML, SED-ML of the run, manifest)"),
    arm: Optional[str] = typer.Option(None, "--arm", help="with --omex: the arm to export (a standard or therapy "
                                                          "arm of the scenario, as `stat3sim run` names it)"),
    days: Optional[float] = typer.Option(None, "--days", help="with --omex: days after day 0, a whole number "
                                                              "(default: the scenario's)"),
    physicell: bool = typer.Option(False, "--physicell",
                                   help="with --cell and --out DIR: that cell's STAT3 module of the TME model (of "
                                        "--scenario, default tnbc; drugs of --therapy as inputs) as SBML for "
                                        "PhysiCell's libRoadRunner intracellular, the <intracellular> XML block and a "
                                        "README"),
    petab: bool = typer.Option(False, "--petab", help="with --scenario, --data FILE.csv and --out DIR: a PEtab problem "
                                                      "of the scenario's model and the data (docs/petab.md)"),
    data: Optional[Path] = typer.Option(None, "--data", help="with --petab: CSV with columns time (days after day "
                                                             "0), readout, value, sd, condition (an arm)"),
    estimate: Optional[str] = typer.Option(None, "--estimate", metavar="ID[,ID…]",
                                           help="with --petab: model parameters to estimate (log10, ÷/× 10)"),
) -> None:
    """Export the signaling model of one cell type (or, with --scenario, the TME model) as SBML L3V2 or Antimony;
    with --omex, a scenario's run as a COMBINE archive; with --petab, a PEtab problem; with --physicell, one
    cell's module for PhysiCell."""
    if petab and physicell:
        bad("--petab", "cannot be combined with --physicell")
    if physicell:
        _refuse_given(ctx, "format omex arm days data estimate", "cannot be combined with --physicell (it writes one "
                                                                 "cell's module, the XML block and a README into --out DIR)")
        return _export_physicell(cell, scenario, therapy, out)
    if petab:
        _refuse_given(ctx, "format therapy cell omex arm days",
                      "cannot be combined with --petab (the arms are the data's conditions)")
        if scenario is None:
            bad("--petab", "needs --scenario")
        from .tme import export_petab

        return export_petab(scenario, data, out, estimate)
    _refuse_given(ctx, "data estimate", "needs --petab")
    if omex:
        _refuse_given(ctx, "format therapy cell", "cannot be combined with --omex (the archive holds the SBML and the "
                                                  "SED-ML of a run; a treated run is an --arm)")
        if scenario is None:
            bad("--omex", "needs --scenario")
        return _export_omex(scenario, arm, days, out)
    _refuse_given(ctx, "arm days", "needs --omex")
    if format is None:
        bad("--format", f"missing; allowed: {allowed(EXPORT_FORMATS)} (or --omex)")
    kind = check_format(format, EXPORT_FORMATS)
    if scenario is not None:
        if _given(ctx, "cell"):
            bad("--cell", "cannot be combined with --scenario (the scenario's model has every cell type)")
        from .tme import export_scenario

        return export_scenario(scenario, kind, out, therapies=therapy)
    if therapy:
        bad("--therapy", "needs --scenario (drugs act in the tumor-microenvironment model)")
    cell = check_cell(cell)
    check_output(out, "--out")
    from ..engine.sbml import to_antimony, to_sbml
    from ..model.signaling import signaling_network

    text = to_sbml(signaling_network(cell))
    if kind == "antimony":
        text = to_antimony(text)
    emit(text, out)


def _export_omex(scenario: str, arm: Optional[str], days: Optional[float], out: Optional[Path]) -> None:
    """``export --omex``: every input checked, then the archive (:mod:`stat3sim.interop.omex`) written atomically."""
    from .._io import atomic_write
    from ..interop import omex
    from ._common import check_choice
    from .tme import check_days, load_checked

    if out is None:
        bad("--out", "needed with --omex (an archive is a file: --out run.omex)")
    check_output(out, "--out", (".omex",))
    days = check_days(days)
    sc = load_checked(scenario, "--scenario")
    chosen = None
    if arm is not None:
        chosen = omex.find_arm(sc, check_choice(arm, omex.arm_names(sc), "--arm", "arm"))
    total = float(days if days is not None else sc.days)
    if total != round(total):
        bad("--days", f"the archive's output is daily: a whole number of days, got {total:g}")
    try:
        archive = omex.build_archive(sc, chosen, total)
    except omex.OmexError as e:
        fail(str(e))
    with writing(out):
        atomic_write(out, lambda tmp: omex.write_archive(archive, tmp))
    print(f"wrote {out}", file=sys.stderr)


def _export_physicell(cell: str, scenario: Optional[str], therapies: list[str], out: Optional[Path]) -> None:
    """``export --physicell``: every input checked, then the module
    (:mod:`stat3sim.interop.physicell`) and its files written into the folder ``out``."""
    from ..interop import physicell
    from ..model.tme.model import MODULES
    from ._common import check_choice
    from .tme import _with_therapies, check_therapies, load_checked

    if out is None:
        bad("--out", "needed with --physicell (a folder for the SBML, the XML block and the README)")
    if out.exists() and not out.is_dir():
        bad("--out", f"{str(out)!r} is a file; give a folder (created if missing)")
    cell = check_choice(cell, list(MODULES), "--cell", "cell type of the tumor-microenvironment model")
    therapies = check_therapies(therapies)
    sc = load_checked(scenario or physicell.DEFAULT_SCENARIO, "--scenario")
    if therapies:
        sc = _with_therapies(sc, therapies)
    try:
        mod = physicell.module_of(sc, cell)
    except physicell.PhysiCellError as e:
        fail(str(e))
    with writing(out):
        paths = physicell.write_export(mod, out)
    for p in paths:
        print(f"wrote {p}", file=sys.stderr)


@app.command()
def validate(
    area: Optional[str] = typer.Option(None, "--area", help="only the claims of this area (e.g. signaling)"),
    as_json: bool = typer.Option(False, "--json", help="print only a JSON list of the claim results"),
) -> None:
    """Run the review's claims against the model; exit 1 if any claim fails."""
    from ..claims.registry import areas, run_claims

    if area is not None and area not in areas():
        bad("--area", f"unknown area {area!r}; allowed: {allowed(areas())}")
    results = run_claims(area=area)
    failed = [r.id for r in results if not r.passed]
    if as_json:
        sys.stdout.write(json.dumps([r.as_dict() for r in results], indent=2, ensure_ascii=False) + "\n")
        if failed:
            print(f"{len(failed)} of {len(results)} claims failed: {', '.join(failed)}", file=sys.stderr)
            for line in failed_claim_lines(results):
                print(line, file=sys.stderr)
    else:
        from rich.markup import escape
        from rich.table import Table

        t = Table(title="stat3sim claims" + (f" ({area})" if area else ""), show_lines=True, title_justify="left")
        t.add_column("id", no_wrap=True)
        for name in ("statement", "expected", "observed"):
            t.add_column(name, overflow="fold", ratio=1)
        t.add_column("result", no_wrap=True)
        for r in results:
            observed = _halves_text(r) if r.mechanism or r.clinic else _observed_text(r.observed)
            if getattr(r, "error", ""):
                observed = (observed + "\n" if observed else "") + f"error: {r.error}"
            refs = f" [review {', '.join(map(str, r.refs))}]" if r.refs else ""
            t.add_row(escape(r.id), escape(r.statement + refs), escape(r.expected), escape(observed),
                      "[green]PASS[/green]" if r.passed else "[bold red]FAIL[/bold red]")
        con = console()
        con.print(t)
        if failed:
            con.print(f"[bold red]{len(failed)} of {len(results)} claims failed:[/bold red] {', '.join(failed)}")
            for line in failed_claim_lines(results):
                con.print(line, soft_wrap=True, markup=False, highlight=False)
        else:
            con.print(f"all {len(results)} claims pass")
    if failed:
        raise typer.Exit(1)


@app.command()
def describe(
    ctx: typer.Context,
    cell: str = typer.Option("tumor", "--cell", help=f"cell type: {allowed(CELL_TYPES)}"),
    format: str = typer.Option("md", "--format", "-f", help=f"{' | '.join(DESCRIBE_FORMATS)}"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="output file (default: standard output)"),
    scenario: Optional[str] = typer.Option(None, "--scenario",
                                           help="describe the tumor-microenvironment model of this scenario "
                                                "(parameters, modifiers, populations, aggregates, observables)"),
) -> None:
    """Documentation generated from the model: species, reactions, parameters with units and sources."""
    if scenario is not None:
        kind = check_format(format, DESCRIBE_FORMATS)
        if _given(ctx, "cell"):
            bad("--cell", "cannot be combined with --scenario (the scenario's model has every cell type)")
        from .tme import describe_scenario

        return describe_scenario(scenario, kind, out)
    cell = check_cell(cell)
    kind = check_format(format, DESCRIBE_FORMATS)
    check_output(out, "--out")
    from ..model.signaling import signaling_network
    from ..report.describe import describe as render

    text = render(signaling_network(cell), kind, cell=cell)
    emit(text, out)
