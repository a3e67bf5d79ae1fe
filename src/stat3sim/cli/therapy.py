"""The therapy commands: ``drugs`` (the catalog) and ``pk`` (plasma and site concentrations).

What belongs here: reading ``--therapy`` regimens and patient size, checking them before
anything runs (a bad drug, route, unit, dose or schedule is one line naming the option and
the closest known names, exit code 2, nothing written), and writing the catalog table or
the concentration CSV/plot.

Examples::

    stat3sim drugs
    stat3sim drugs --json
    stat3sim drugs --translation --plot translation.png
    stat3sim drugs --translation --json
    stat3sim pk --therapy "tocilizumab 8 mg/kg iv q4w" --days 168 --out toci.csv --plot toci.png
    stat3sim pk --therapy "ruxolitinib 20 mg po bid" --therapy "celecoxib 200 mg po bid" --days 7 --out rc.csv
    stat3sim pk --therapy "SD-36 1 uM continuous @day7" --therapy "galunisertib 150 mg po bid 14d on 14d off" --days 56
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from . import app
from ._common import (CSV_SUFFIXES, PLOT_SUFFIXES, bad, check_output, console, emit, solver_output_hidden, write_file,
                      writing)


def _potency_text(d) -> str:
    if not d.potency:
        return "—"
    p = d.potency[0]
    return f"{p.kind} {p.value:g} {p.unit} ({'cell-free' if p.context == 'cell_free' else p.context})"


def _half_life_text(d) -> str:
    from ..therapy.pk import linear_terminal_half_life_h

    if d.dosable:
        h = linear_terminal_half_life_h(d)
        return f"{h / 24:.3g} d" if h > 48 else f"{h:.3g} h"
    if d.pk is not None and d.pk.half_life is not None:
        q = d.pk.half_life
        return f"{q.value:g} {q.unit} (label)"
    return "—"


def translation_rows(quick: bool = False) -> list[dict]:
    """The translation table's rows, with the therapy claims' M and C effects (``quick``:
    exposures and occupancies only, no claim or bisection runs)."""
    from ..analysis.translation import translation_table

    if quick:
        return translation_table(claims=None, needed=False)
    from ..claims.registry import run_claims

    with solver_output_hidden():
        claims = [r.as_dict() for r in run_claims(area="therapy")]
        return translation_table(claims=claims, needed=True)


def _translation(as_json: bool, quick: bool, plot: Optional[Path]) -> None:
    from ..analysis import translation as tr

    if not as_json:
        console().print("[dim]translation: the labelled regimens' PK" + ("" if quick else
                        ", the therapy claims and the exposure each mechanism needs (a few minutes)") + "…[/dim]")
    rows = translation_rows(quick)
    if plot is not None:
        write_file(plot, lambda tmp: tr.figure(rows, tmp, plot.suffix.lower().lstrip(".")))
    if as_json:
        emit(json.dumps(rows, indent=2, ensure_ascii=False, default=str) + "\n", None)
        return
    from rich.markup import escape
    from rich.table import Table

    t = Table(title="Translation: each agent at the exposure of its claim's studies (M: 10 × cellular potency) and at "
                    "its labelled regimen (C); occupancy = C/(C + potency); 'needed': the lowest constant exposure "
                    "at which the claim's criterion holds", title_justify="left")
    shown = [c for c in tr.COLUMNS if c != "clinical evidence"]
    for col in shown:
        t.add_column(col, overflow="fold", no_wrap=col == "agent")
    for r, cells in zip(rows, tr.table_rows(rows)):
        cells = dict(zip(tr.COLUMNS, cells))
        cells["label regimen"] = (r["regimen"] or "none").replace(f"{r['drug']} ", "")
        cells["claim"] = r["claim"]
        t.add_row(*(escape(cells[c]) for c in shown))
    con = console()
    con.print(t)
    con.print("M and C effects: each agent's headline number in its claim's two halves (readouts in --json); "
              "clinical evidence:", soft_wrap=True)
    for r in rows:
        con.print(f"  {r['drug']}: {r['clinical_evidence']}", soft_wrap=True, markup=False)


@app.command()
def drugs(as_json: bool = typer.Option(False, "--json", help="the whole catalog as JSON (with --translation: the "
                                       "translation table)"),
          translation: bool = typer.Option(False, "--translation", help="per agent: potency, free tumor concentration "
                                           "and target occupancy at trough and peak of its labelled regimen, the "
                                           "occupancy its mechanism needs, its claim's M and C effects, the "
                                           "clinical evidence"),
          quick: bool = typer.Option(False, "--quick", help="with --translation: exposures and occupancies only "
                                     "(seconds; no claim runs)"),
          plot: Optional[Path] = typer.Option(None, "--plot", help="with --translation: the occupancy figure "
                                              "(.png, .svg or .pdf)")) -> None:
    """The drug catalog: class, target, mechanism, potency, half-life, status (every number sourced);
    with --translation, the translation table of the therapy claims' agents."""
    if (quick or plot is not None) and not translation:
        bad("--quick" if quick else "--plot", "only goes with --translation")
    if plot is not None:
        check_output(plot, "--plot", PLOT_SUFFIXES)
    if translation:
        _translation(as_json, quick, plot)
        return
    from ..therapy import load_catalog

    cat = load_catalog()
    if as_json:
        out = [d.model_dump(by_alias=True, mode="json") | {"dosable": d.dosable} for d in cat.drugs]
        emit(json.dumps(out, indent=2, ensure_ascii=False) + "\n", None)
        return
    from rich.table import Table

    t = Table(title="stat3sim drug catalog (t½: model linear terminal half-life; '—': no data)")
    t.add_column("drug", no_wrap=True)
    for col in ("class", "target", "mechanism", "potency", "t½", "dosable", "status"):
        t.add_column(col)
    for d in cat.drugs:
        t.add_row(d.name, d.drug_class, d.target, d.mechanism, _potency_text(d), _half_life_text(d),
                  "yes" if d.dosable else "no", d.status)
    console().print(t)


@app.command()
def pk(therapy: List[str] = typer.Option(..., "--therapy", help='a regimen, e.g. "tocilizumab 8 mg/kg iv q4w", or a constant exposure "SD-36 1 uM continuous"; repeat for combinations'),
       days: float = typer.Option(..., "--days", help="simulated days (> 0)"),
       out: Optional[Path] = typer.Option(None, "--out", help="CSV file (time_days then concentrations); stdout if omitted"),
       plot: Optional[Path] = typer.Option(None, "--plot", help="figure of plasma concentrations (.png/.pdf/.svg)"),
       weight_kg: float = typer.Option(70.0, "--weight-kg", help="body weight (default: assumed reference adult 70 kg)"),
       bsa_m2: float = typer.Option(1.8, "--bsa-m2", help="body surface area (default 1.8 m², Frey 2010 reference)"),
       points_per_day: int = typer.Option(24, "--points-per-day", help="output points per day")) -> None:
    """Plasma and site concentrations of one or more regimens (exact dose times)."""
    from ..therapy import Patient, TherapyError, parse_regimen

    check_output(out, "--out", CSV_SUFFIXES)
    check_output(plot, "--plot", PLOT_SUFFIXES)
    if not (days > 0) or days == float("inf"):
        bad("--days", f"must be a positive number of days, got {days:g}")
    if days > 3650:
        bad("--days", f"at most 3650 days (10 years), got {days:g}")
    if not (1 <= points_per_day <= 1440):
        bad("--points-per-day", f"must be 1–1440, got {points_per_day}")
    try:
        patient = Patient(weight_kg=weight_kg, bsa_m2=bsa_m2)
    except TherapyError as e:
        bad(f"--{e.field.replace('_', '-')}", e.message)
    regs = []
    for text in therapy:
        try:
            regs.append(parse_regimen(text))
        except TherapyError as e:
            bad("--therapy", f"{e.field}: {e.message}")
    from ..therapy.pk import simulate_pk

    df = simulate_pk(regs, days=days, patient=patient, points_per_day=points_per_day)
    if out is None:
        emit(df.to_csv(index=False), None)
    else:
        write_file(out, lambda tmp: df.to_csv(tmp, index=False))
        console().print(f"wrote {out}", soft_wrap=True)
    if plot is not None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from ..report.figures import save_figure

        cols = [c for c in df.columns if ("_plasma_" in c and not c.endswith("_nM")) or c.endswith("_exposure_nM")]
        fig, axes = plt.subplots(len(cols), 1, figsize=(7, 2.6 * len(cols)), squeeze=False, sharex=True)
        for ax, c in zip(axes[:, 0], cols):
            ax.plot(df.time_days, df[c], lw=1.2)
            if c.endswith("_exposure_nM"):
                ax.set_ylabel(f"{c[:-len('_exposure_nM')]}\nnM (constant exposure)")
            else:
                drug, unit = c.split("_plasma_")
                ax.set_ylabel(f"{drug}\n{unit.replace('_', '/').replace('ug', 'µg')}")
        axes[-1, 0].set_xlabel("time (days)")
        fig.suptitle("plasma concentration: " + "; ".join(r.describe() for r in regs), fontsize=9)
        fig.tight_layout()
        with writing(plot):
            save_figure(fig, plot)
        plt.close(fig)
        console().print(f"wrote {plot}", soft_wrap=True)
