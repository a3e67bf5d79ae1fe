"""The self-contained HTML report of a tumor-microenvironment run (``stat3sim run``).

:func:`write_report` writes ``out_dir/figures/*.png`` and ``out_dir/report.html``: one
page with every figure embedded as a base64 PNG, inline CSS and no external resource,
so it can be mailed or archived as a single file. All text from the inputs is escaped.
The page depends only on its inputs (no date, no host name), and every file is written
atomically.
"""
from __future__ import annotations

import base64
import html
import io
import math
import numbers
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import pandas as pd
from matplotlib.figure import Figure

from .._io import atomic_write
from . import tme_figures as tf

#: readouts of the end-of-run table, in order (those present in any arm are shown)
KEY_READOUTS: tuple[str, ...] = (
    "tumor_volume_mm3", "tumor_diameter_mm", "tumor_cells", "tumor.pSTAT3", "tumor.pSTAT3_nuclear_nM",
    "tumor.EMT_index", "tumor.invasion", "tumor.PDL1", "macrophage_count", "M2_fraction", "MDSC_count", "neutrophil_count",
    "CD8_count", "CD8_exhausted_fraction", "CD4_count", "Th17_fraction", "DC_mature_fraction",
    "adipocyte_count", "serum_IL6_pg_mL", "serum_IL11_pg_mL", "serum_TNFa_pg_mL", "tumor_IL6_pg_mL",
    "tumor_IL11_pg_mL", "tumor_TNFa_pg_mL", "macrophage.COX2", "PGE2_nM",
)

#: day-end readouts of the metastasis table, in order: column -> header (those present in
#: any arm are shown)
METASTASIS_READOUTS: dict[str, str] = {
    "mets_bone": "bone metastases (cells)", "mets_lung": "lung metastases (cells)",
    "mets_liver": "liver metastases (cells)", "metastatic_burden": "all organs (cells)",
    "lesions_bone": "bone lesions (count)", "lesions_lung": "lung lesions (count)",
    "lesions_liver": "liver lesions (count)", "metastatic_sites": "organs with detectable metastases (0–3)",
    "bone_mass_pct": "bone mass (% of normal)", "bone_osteoclast_count": "osteoclasts (cells)",
}

#: width of the PNG figures in pixels
FIGURE_WIDTH_PX = 1400

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 1400px; padding: 0 1rem; color: #1a1a1a; line-height: 1.45; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #d0d0d0; padding: 0.25rem 0.45rem; text-align: left; vertical-align: top; }
th { background: #eef2f6; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr:nth-child(even) td { background: #fafafa; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.8rem;
       word-break: break-word; }
figure { margin: 1rem 0 1.8rem; }
figure img { max-width: 100%; height: auto; border: 1px solid #e4e4e4; }
figcaption { font-size: 0.9rem; color: #333; margin-top: 0.3rem; }
nav a { margin-right: 0.8rem; }
dl.summary { display: grid; grid-template-columns: max-content auto; gap: 0.15rem 1rem; }
dl.summary dt { font-weight: 600; } dl.summary dd { margin: 0; }
p.note, span.desc, span.rel { color: #555; }
span.desc { font-size: 0.78rem; display: block; }
span.rel { font-size: 0.78rem; }
td.pass, span.pass { background: #d9f2dd !important; color: #0b5b1a; font-weight: 700; }
td.fail, span.fail { background: #fbdada !important; color: #8a1010; font-weight: 700; }
td.in-range { background: #eaf6ec !important; } td.out-of-range { background: #fdecec !important; }
span.badge { font-size: 0.72rem; padding: 0.05rem 0.35rem; border-radius: 0.6rem; white-space: nowrap; }
span.assumed { background: #fff1c9; color: #6b4e00; border: 1px solid #e5c66a; }
tr.assumed td { background: #fffaf0 !important; }
div.warning { background: #fff4e5; border: 1px solid #f0b35a; padding: 0.5rem 0.8rem; border-radius: 4px; }
details summary { cursor: pointer; font-weight: 600; margin: 0.5rem 0; }
td.error { color: #8a1010; font-size: 0.8rem; }
span.reported { background: #e8eef8; color: #23426e; }
div.half { margin-bottom: 0.5rem; }
""".strip()

_e = html.escape


@dataclass(frozen=True)
class ReportFigure:
    """One figure of the report: file stem, heading, caption, the PNG bytes, and the
    page section it belongs to (``figures`` or ``metastasis``)."""

    name: str
    title: str
    caption: str
    png: bytes
    section: str = "figures"


# ----------------------------------------------------------------- formatting
def fmt(x: Any) -> str:
    """A readout value for a table: 3 significant digits, exponent for very large or
    small magnitudes, ``—`` for missing or non-finite numbers."""
    if x is None:
        return "—"
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, numbers.Real):
        v = float(x)
        if not math.isfinite(v):
            return "—"
        if v != 0 and (abs(v) >= 1e5 or abs(v) < 1e-3):
            return f"{v:.2e}"
        if abs(v) >= 1e3:  # 1,250 rather than 1.25e+03
            return f"{v:,.0f}"
        return f"{v:.3g}"
    return str(x)


def _param_value(x: Any) -> str:
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return f"{float(x):.6g}" if math.isfinite(float(x)) else str(x)
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else str(x)


def is_assumed(source: Any) -> bool:
    """Whether a parameter's source says the value is assumed (no measurement)."""
    return "assumed" in str(source or "").lower()


def _png(fig: Figure, width_px: int = FIGURE_WIDTH_PX) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=width_px / fig.get_figwidth(), bbox_inches="tight",
                metadata={"Software": None})
    return buf.getvalue()


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{_e(alt)}">'


def _table(headers: Sequence[str], rows: Sequence[str], cls: str = "") -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    c = f' class="{cls}"' if cls else ""
    return f"<table{c}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"


# ----------------------------------------------------------------- figures
def report_figures(arms: Mapping[str, pd.DataFrame], serum_ranges: Mapping[str, tuple[float, float, str]],
                   observables: Mapping[str, tuple[str, str]] | None = None,
                   scenario_name: str = "") -> list[ReportFigure]:
    """The report's figures as PNG bytes (main figure first); a figure with nothing to
    draw (all its readouts missing) is left out."""
    ok = tf.usable_arms(arms)
    ref = next(iter(ok), "the reference arm")
    sources = "; ".join(f"{tf.SERUM.get(k, k)}: {src}" for k, (_, _, src) in serum_ranges.items() if k in tf.SERUM)
    serum_caption = ("Shaded strips right of the last day: literature ranges of serum levels" + (f" ({sources})" if sources else "")
                     + ". Non-positive values are not drawn on the log axis.")
    specs: list[tuple[str, str, str, Callable[[], Figure]]] = [
        ("main", "Overview",
         f"(a) Tumor volume per arm (log y). (b) pSTAT3 index per cell type, (c) immune-cell counts "
         f"(log y) and (d) serum cytokines (log y) of the reference arm ({ref}). {serum_caption}",
         lambda: tf.main_figure(arms, serum_ranges, observables=observables, title=scenario_name or None)),
        ("tumor_growth", "Tumor growth",
         "Tumor volume against days, one line per arm, on a logarithmic y axis; "
         f"the reference arm ({ref}) is the solid black line.",
         lambda: _own(lambda ax: tf.tumor_growth(arms, ax, observables=observables), (12, 5.2))),
        ("arm_summary", "Arms compared",
         f"Day-end tumor volume, CD8⁺ T-cell and MDSC counts of each arm divided by those of {ref}; "
         "bars start at 1 (no change) on a logarithmic axis and are labelled with the fold change.",
         lambda: _own(lambda ax: tf.arm_summary(arms, ax), (12, 5.2))),
        ("signaling_by_cell", "STAT3 activity per cell type",
         f"Nuclear pY705-STAT3 as a fraction of total STAT3 in each cell type of {ref}.",
         lambda: _own(lambda ax: tf.signaling_by_cell(arms, ax), (12, 5.2))),
        ("composition", "Tumor-microenvironment composition",
         f"Left: immune-cell counts in the tumor of {ref} (log y). Right: fractions of each "
         "population in a given state (M2 among macrophages, exhausted among CD8⁺, Th17 among CD4⁺, "
         "mature among dendritic cells).",
         lambda: _composition_figure(arms, observables)),
        ("tumor_phenotype", "Tumor-cell phenotype",
         "Tumor-cell pSTAT3 index, EMT index, invasion and PD-L1 against days, one line per arm.",
         lambda: tf.tumor_phenotype(arms, observables)),
        ("serum_cytokines", "Serum cytokines",
         f"Serum IL-6, IL-11 and TNFα of {ref} against days (log y). {serum_caption}",
         lambda: _own(lambda ax: tf.serum_cytokines(arms, serum_ranges, ax, observables=observables), (12, 5.2))),
    ]
    if tf.has_metastasis(ok):
        specs += [
            ("metastatic_burden", "Metastatic burden per organ",
             "Metastatic tumor cells in bone, lung and liver and in all organs together against days, "
             "one line per arm (same colours as above), on the same logarithmic y axis in every panel; "
             "zeros (an organ without metastases) are not drawn, and arms that do not differ in an organ "
             "draw one line over another.",
             lambda: tf.metastatic_burden(arms)),
            ("bone_cycle", "Bone vicious cycle",
             "The steps of the bone vicious cycle against days, one line per arm: (a) IL-11 in the bone niche "
             f"(log y; grey dotted: serum IL-11 of {ref}), (b) RANKL/OPG ratio on osteoblasts (log y), "
             "(c) active osteoclasts and (d) active osteoblasts in the bone compartment, (e) bone mass "
             "(100 % = normal, dotted).",
             lambda: tf.bone_cycle(arms)),
        ]
    out = []
    for name, title, caption, make in specs:
        fig = make()
        if name != "main" and not any(ax.has_data() for ax in fig.axes):
            continue
        section = "metastasis" if name in ("metastatic_burden", "bone_cycle") else "figures"
        out.append(ReportFigure(name, title, caption, _png(fig), section))
    return out


def _own(draw: Callable, figsize: tuple[float, float]) -> Figure:
    fig = Figure(figsize=figsize, layout="constrained")
    draw(fig.add_subplot())
    return fig


def _composition_figure(arms, observables) -> Figure:
    fig = Figure(figsize=(14, 5.5), layout="constrained")
    a, b = fig.subplots(1, 2)
    tf.composition(arms, a, b, observables=observables)
    return fig


# ----------------------------------------------------------------- sections
def _unit(oid: str, observables: Mapping[str, tuple[str, str]]) -> str:
    return tf.unit_of(oid, observables) if (oid in observables or oid in tf.DEFAULT_UNITS) else ""


def _readout_table(arms: Mapping[str, pd.DataFrame], failed: Mapping[str, str],
                   observables: Mapping[str, tuple[str, str]]) -> str:
    ok = {n: df for n, df in tf.usable_arms(arms).items() if n not in failed}
    names = list(dict.fromkeys([*arms, *failed]))
    ref = next(iter(ok), None)
    cols = [c for c in KEY_READOUTS if any(c in df.columns for df in ok.values())]
    if not cols:
        return '<p class="note">No key readouts in these results.</p>'
    ends = tf.end_values(ok, cols)
    headers = ["readout", "unit"]
    for n in names:
        if n in failed:
            headers.append(f"{n} (failed)")
        else:
            day = tf._time(ok[n])[-1] if n in ok else math.nan
            headers.append(f"{n}" + (" (reference)" if n == ref else "") + (f", day {fmt(day)}" if n in ok else ""))
    rows = []
    for c in cols:
        desc = observables.get(c, ("", ""))[1]
        cells = [f"<td><code>{_e(c)}</code>" + (f'<span class="desc">{_e(desc)}</span>' if desc else "") + "</td>",
                 f"<td>{_e(_unit(c, observables))}</td>"]
        for n in names:
            if n not in ok:
                cells.append('<td class="num">—</td>')
                continue
            v = ends.at[n, c]
            text = _e(fmt(v))
            if n != ref and ref is not None:
                r = ends.at[ref, c]
                if math.isfinite(v) and math.isfinite(r) and r != 0:
                    text += f' <span class="rel">(×{_e(fmt(v / r))})</span>'
            cells.append(f'<td class="num">{text}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return _table(headers, rows, "readouts")


def _metastasis_table(arms: Mapping[str, pd.DataFrame], failed: Mapping[str, str]) -> str:
    """Day-end metastasis readouts, one row per arm (failed arms: —)."""
    ok = {n: df for n, df in tf.usable_arms(arms).items() if n not in failed}
    names = list(dict.fromkeys([*arms, *failed]))
    cols = [c for c in METASTASIS_READOUTS if any(c in df.columns for df in ok.values())]
    if not cols:
        return '<p class="note">No metastasis readouts in these results.</p>'
    ends = tf.end_values(ok, cols)
    ref = next(iter(ok), None)
    rows = []
    for n in names:
        label = _e(n) + (" (reference)" if n == ref else "") + (" (failed)" if n in failed else "")
        day = f"{_e(fmt(tf._time(ok[n])[-1]))}" if n in ok else "—"
        cells = [f"<td>{label}</td>", f'<td class="num">{day}</td>']
        cells += [f'<td class="num">{_e(fmt(ends.at[n, c])) if n in ok else "—"}</td>' for c in cols]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return _table(["arm", "day", *(METASTASIS_READOUTS[c] for c in cols)], rows, "metastasis")


def _serum_table(arms: Mapping[str, pd.DataFrame], failed: Mapping[str, str],
                 serum_ranges: Mapping[str, tuple[float, float, str]],
                 observables: Mapping[str, tuple[str, str]]) -> str:
    if not serum_ranges:
        return '<p class="note">No literature ranges were given.</p>'
    ok = {n: df for n, df in tf.usable_arms(arms).items() if n not in failed}
    ends = tf.end_values(ok, list(serum_ranges))
    headers = ["readout", "unit", "literature range", "source"] + [f"{n} (day end)" for n in ok]
    rows = []
    for oid, (lo, hi, source) in serum_ranges.items():
        desc = observables.get(oid, ("", ""))[1]
        cells = [f"<td><code>{_e(oid)}</code>" + (f'<span class="desc">{_e(desc)}</span>' if desc else "") + "</td>",
                 f"<td>{_e(_unit(oid, observables))}</td>",
                 f'<td class="num">{_e(fmt(lo))} – {_e(fmt(hi))}</td>', f"<td>{_e(str(source))}</td>"]
        for n in ok:
            v = ends.at[n, oid]
            if not math.isfinite(v):
                cells.append('<td class="num">—</td>')
                continue
            inside = float(lo) <= v <= float(hi)
            cls, mark = ("in-range", "in range") if inside else ("out-of-range", "below" if v < float(lo) else "above")
            cells.append(f'<td class="num {cls}">{_e(fmt(v))} <span class="rel">({mark})</span></td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return _table(headers, rows, "serum")


def _observed(observed: Any) -> str:
    if isinstance(observed, Mapping):
        return "<br>".join(f"<code>{_e(str(k))}</code> = {_e(fmt(v))}" for k, v in observed.items())
    return _e(fmt(observed)) if observed is not None else "—"


_HALF = {"mechanism": "M — study exposure", "clinic": "C — labelled regimen"}


def _halves(c: Mapping[str, Any]) -> str:
    """A therapy claim's mechanism and clinic halves: status, exposure (C: free tumor
    concentration and occupancy at trough–peak), numbers, reason or evidence."""
    out = []
    for k in ("mechanism", "clinic"):
        h = c.get(k)
        if not h:
            continue
        status = str(h.get("status", ""))
        badge = {"pass": "pass", "fail": "fail"}.get(status, "reported")
        exp = []
        for drug, e in (h.get("exposure") or {}).items():
            if k == "mechanism":
                exp.append(f"{_e(drug)} {_e(fmt(e.get('concentration_nM')))} nM")
            elif e.get("regimen"):
                exp.append(f"{_e(e['regimen'])}: free tumor {_e(fmt(e['free_tumor_trough_nM']))}–"
                           f"{_e(fmt(e['free_tumor_peak_nM']))} nM, occupancy {100 * e['occupancy_trough']:.3g}–"
                           f"{100 * e['occupancy_peak']:.3g} %")
            else:
                exp.append(f"{_e(drug)}: no labelled regimen")
        why = h.get("reason") if status != "pass" else ""
        out.append(f'<div class="half"><strong>{_HALF[k]}</strong> <span class="badge {badge}">{_e(status)}</span>'
                   f'<br><span class="desc">{"; ".join(exp)}</span><br>{_observed(h.get("numbers"))}'
                   + (f'<br><span class="desc">why: {_e(str(why))}</span>' if why else "")
                   + (f'<br><span class="desc">evidence: {_e(str(h["evidence"]))}</span>' if h.get("evidence") else "")
                   + "</div>")
    return "".join(out)


def _claims_table(claims: Sequence[Mapping[str, Any]]) -> str:
    if not claims:
        return '<p class="note">No claims were checked.</p>'
    rows = []
    for c in claims:
        passed = bool(c.get("passed"))
        refs = c.get("refs") or []
        refs_text = ", ".join(str(r) for r in refs) if isinstance(refs, (list, tuple)) else str(refs)
        err = c.get("error")
        result = (f'<td class="{"pass" if passed else "fail"}">{"PASS" if passed else "FAIL"}'
                  + (f'<br><span class="desc">{_e(str(err))}</span>' if err else "") + "</td>")
        rows.append("<tr>" + f"<td><code>{_e(str(c.get('id', '')))}</code></td>"
                    f"<td>{_e(str(c.get('statement', '')))}</td><td>{_e(refs_text)}</td>"
                    f"<td>{_e(str(c.get('expected', '')))}</td>"
                    f"<td>{_halves(c) if c.get('mechanism') or c.get('clinic') else _observed(c.get('observed'))}</td>"
                    + result + "</tr>")
    return _table(["id", "statement", "refs", "expected", "observed", "result"], rows, "claims")


def _parameters_table(parameters: pd.DataFrame | None) -> str:
    if parameters is None or len(parameters) == 0:
        return '<p class="note">No parameters were given.</p>'
    cols = [c for c in ("id", "value", "unit", "source", "description") if c in parameters.columns]
    n_assumed = int(parameters["source"].map(is_assumed).sum()) if "source" in parameters.columns else 0
    rows = []
    for rec in parameters[cols].to_dict("records"):
        assumed = is_assumed(rec.get("source"))
        cells = []
        for c in cols:
            v = rec[c]
            if c == "id":
                cells.append(f"<td><code>{_e(str(v))}</code></td>")
            elif c == "value":
                cells.append(f'<td class="num">{_e(_param_value(v))}</td>')
            elif c == "source":
                badge = '<span class="badge assumed">assumed</span> ' if assumed else ""
                text = _param_value(v)
                cells.append(f"<td>{badge}{'' if text.strip().lower() == 'assumed' else _e(text)}</td>")
            else:
                cells.append(f"<td>{_e(_param_value(v))}</td>")
        rows.append(('<tr class="assumed">' if assumed else "<tr>") + "".join(cells) + "</tr>")
    summary = (f"{len(parameters)} parameters" + (f", {n_assumed} of them assumed (marked)" if n_assumed else "")
               + " — click to show")
    return (f"<details>\n<summary>{_e(summary)}</summary>\n" + _table(cols, rows, "parameters") + "\n</details>")


def _what_was_simulated(scenario: Mapping[str, Any], arms: Mapping[str, pd.DataFrame], failed: Mapping[str, str],
                        observables: Mapping[str, tuple[str, str]], parameters: pd.DataFrame | None) -> str:
    names = list(dict.fromkeys([*arms, *failed]))
    ok = [n for n in tf.usable_arms(arms) if n not in failed]
    ref = names[0] if names else None
    subtype = scenario.get("subtype")
    days = scenario.get("days")
    if days is None and ok:
        days = fmt(tf._time(arms[ok[0]])[-1])
    n_cols = len({c for n in ok for c in arms[n].columns if c != "time_days"})
    cells = [label for cell, label in tf.CELL_TYPES.items() if any(f"{cell}.pSTAT3" in arms[n].columns for n in ok)]
    text = (f"The scenario follows a {'' if not subtype else _e(str(subtype)) + ' '}breast tumor and its "
            f"microenvironment for {_e(str(days))} days, sampled daily, in {len(names)} arm"
            f"{'s' if len(names) != 1 else ''}: " + ", ".join(f"<em>{_e(n)}</em>" for n in names) + ". "
            + (f"Each arm is one run of the same scenario and differs from the reference arm <em>{_e(ref)}</em> "
               "by the perturbation its name states; fold changes in the tables are relative to it. "
               if ref and len(names) > 1 else "")
            + f"Results hold {n_cols} readouts per arm"
            + (f", among them STAT3 activity (pSTAT3 index) in {len(cells)} cell types "
               f"({', '.join(_e(c) for c in cells)})" if cells else "")
            + ", immune-cell counts and states, tumor size and phenotype, and cytokines in tumor and serum. "
            + (f"The model uses {len(parameters)} parameters, listed with their sources at the end. "
               if parameters is not None and len(parameters) else "")
            + (f"{len(failed)} arm{'s' if len(failed) != 1 else ''} failed to solve and "
               f"{'are' if len(failed) != 1 else 'is'} left out of the figures (see <a href=\"#failed\">failed arms</a>)."
               if failed else ""))
    return f"<p>{text}</p>"


def _threshold(parameters: pd.DataFrame | None) -> str:
    """The detection threshold of ``metastatic_sites`` in words, from the run's parameters."""
    default = 9.0e6
    value = None
    if parameters is not None and len(parameters) and {"id", "value"} <= set(parameters.columns):
        row = parameters.loc[parameters["id"] == "met_detect_cells", "value"]
        value = float(row.iloc[0]) if len(row) else None
    if value is None or abs(value - default) <= 1e-9 * default:
        return "the detection threshold of a ~5 mm lesion (9 × 10⁶ cells, assumed)"
    mm = 2.0 * (3.0 * value / 1.4e8 * 1e3 / (4.0 * math.pi)) ** (1.0 / 3.0)  # sphere at 1.4e8 cells/mL
    return (f"the scenario's detection threshold of {_e(fmt(value))} cells (a lesion of ~{mm:.1f} mm at "
            "1.4 × 10⁸ cells/mL; the default is 9 × 10⁶ cells, ~5 mm)")


# ----------------------------------------------------------------- the page
def render_report(*, scenario: Mapping[str, Any], arms: Mapping[str, pd.DataFrame],
                  observables: Mapping[str, tuple[str, str]] | None, parameters: pd.DataFrame | None,
                  claims: Sequence[Mapping[str, Any]], serum_ranges: Mapping[str, tuple[float, float, str]] | None,
                  figures: Sequence[ReportFigure], therapy_arms: Mapping[str, Any] | None = None,
                  bands: Mapping[str, Any] | None = None) -> str:
    """The report page as a string (see :func:`write_report`)."""
    observables = dict(observables or {})
    serum_ranges = dict(serum_ranges or {})
    failed = {str(k): str(v) for k, v in (scenario.get("failed") or {}).items()}
    name = str(scenario.get("name") or "unnamed scenario")
    title = f"stat3sim run: {name}"
    ok = [n for n in tf.usable_arms(arms) if n not in failed]
    all_arms = list(dict.fromkeys([*arms, *failed]))
    n_pass = sum(bool(c.get("passed")) for c in claims)

    metastasis = tf.has_metastasis({n: df for n, df in tf.usable_arms(arms).items() if n not in failed})
    sections = [("summary", "Scenario"), ("figures", "Figures"),
                *([("metastasis", "Metastasis")] if metastasis else []),
                *([("therapy", "Therapy arms")] if therapy_arms else []),
                *([("bands", "Prediction bands")] if bands else []), ("readouts", "End-of-run readouts"),
                ("serum", "Serum cytokines vs literature"), ("claims", "Claims"), ("parameters", "Parameters")]
    if failed:
        sections.insert(1, ("failed", "Failed arms"))

    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_e(title)}</title>", f"<style>\n{_CSS}\n</style>", "</head>", "<body>",
           f"<h1>{_e(title)}</h1>"]
    if scenario.get("description"):
        out.append(f'<p class="note">{_e(str(scenario["description"]))}</p>')
    out.append("<nav>" + "".join(f'<a href="#{a}">{_e(t)}</a>' for a, t in sections) + "</nav>")
    if failed:
        out.append(f'<div class="warning">{len(failed)} of {len(all_arms)} arms failed: '
                   + ", ".join(_e(n) for n in failed) + ' (see <a href="#failed">failed arms</a>).</div>')

    # scenario summary
    out.append('<h2 id="summary">Scenario</h2>')
    items = [("name", _e(name))]
    if scenario.get("subtype"):
        items.append(("subtype", _e(str(scenario["subtype"]))))
    if scenario.get("days") is not None:
        items.append(("simulated time", f"{_e(str(scenario['days']))} days"))
    items.append(("arms", ", ".join(_e(n) + (" (reference)" if i == 0 else "") + (" — failed" if n in failed else "")
                                    for i, n in enumerate(all_arms)) or "none"))
    items.append(("claims", f"{n_pass} of {len(claims)} passed" if claims else "none checked"))
    if parameters is not None:
        n_assumed = int(parameters["source"].map(is_assumed).sum()) if "source" in parameters.columns else 0
        items.append(("parameters", f"{len(parameters)} ({n_assumed} assumed)"))
    out.append('<dl class="summary">' + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in items) + "</dl>")
    out.append("<h3>What was simulated</h3>")
    out.append(_what_was_simulated(scenario, arms, failed, observables, parameters))

    if failed:
        out.append('<h2 id="failed">Failed arms</h2>')
        out.append('<p class="note">These arms did not run to the end; they are left out of the figures and '
                   "their readouts are shown as —.</p>")
        out.append("<ul>" + "".join(f"<li><strong>{_e(n)}</strong>: <code>{_e(msg)}</code></li>"
                                    for n, msg in failed.items()) + "</ul>")

    out.append('<h2 id="figures">Figures</h2>')
    if not ok:
        out.append('<p class="note">No arm ran to the end; the figures are empty.</p>')
    numbered = list(enumerate([f for f in figures if f.section not in ("metastasis", "therapy", "bands")]
                              + [f for f in figures if f.section == "metastasis"]
                              + [f for f in figures if f.section == "therapy"]
                              + [f for f in figures if f.section == "bands"], 1))

    def put(section: str) -> None:
        for i, f in numbered:
            if (f.section if f.section in ("metastasis", "therapy", "translation", "bands") else "figures") == section:
                out.append(f'<figure id="fig-{_e(f.name)}">' + _img(f.png, f.title)
                           + f"<figcaption><strong>Figure {i}. {_e(f.title)}.</strong> {_e(f.caption)}"
                           "</figcaption></figure>")

    put("figures")

    if metastasis:
        out.append('<h2 id="metastasis">Metastasis</h2>')
        out.append('<p class="note">Metastatic tumor cells and lesions in bone, lung and liver, and the bone '
                   "remodeling they drive. The table below the figures gives the value of each readout on the "
                   f"last simulated day; an organ counts as a site when its burden is above {_threshold(parameters)} "
                   "(a smooth count, so fractions occur).</p>")
        put("metastasis")
        out.append("<h3>Day-end metastasis readouts</h3>")
        out.append(_metastasis_table(arms, failed))

    if therapy_arms:
        out.append('<h2 id="therapy">Therapy arms</h2>')
        out.append(_therapy_intro(therapy_arms))
        put("therapy")
        out.append("<h3>Day-end readouts of the therapy arms</h3>")
        out.append('<p class="note">Best response: the primary tumor read as RECIST 1.1 reads CT scans — its '
                   "equivalent-sphere diameter on a scan every 8 weeks; PR ≥ 30 % below baseline, PD ≥ 20 % "
                   "(and ≥ 5 mm) above the smallest diameter so far; the best call before progression, in "
                   "parentheses its diameter change from baseline. No confirmation scan; metastases are not "
                   "summed. The other columns: value on the last day, in parentheses the fold change to the "
                   "untreated arm.</p>")
        out.append(f'<p class="note">{_e(_pstat3_note())}</p>')
        out.append(_therapy_table(therapy_arms))
        if therapy_arms.get("translation"):
            out.append('<h3 id="translation">Translation: the study exposure and the clinic</h3>')
            out.append('<p class="note">Each agent of the therapy claims: its cellular potency, the free '
                       "tumor-interstitial concentration of its labelled regimen at steady-state trough and peak "
                       "(days 150–180 of the PK model), the target occupancy C/(C + potency) there, the occupancy its "
                       "mechanism needs (the lowest constant exposure at which its claim's criterion holds), and its "
                       "claim's headline number in the mechanism half (M: 10 × potency, constant) and the clinic "
                       "half (C: the labelled regimen), with the clinical evidence where there is some.</p>")
            put("translation")
            out.append(_translation_table(therapy_arms["translation"]))

    if bands:
        out.append('<h2 id="bands">Prediction bands</h2>')
        out.append(_bands_intro(bands))
        put("bands")
        out.append("<h3>Arm effects with their bands</h3>")
        out.append(_effects_table(bands))

    out.append('<h2 id="readouts">End-of-run readouts</h2>')
    out.append('<p class="note">Value of each readout on the last simulated day; in parentheses, the fold '
               "change relative to the reference arm.</p>")
    out.append(_readout_table(arms, failed, observables))

    out.append('<h2 id="serum">Serum cytokines vs literature</h2>')
    out.append('<p class="note">Model values on the last simulated day next to ranges reported in patients; '
               "green: inside the range, red: outside.</p>")
    out.append(_serum_table(arms, failed, serum_ranges, observables))

    out.append('<h2 id="claims">Claims</h2>')
    if claims:
        out.append(f'<p><span class="badge {"pass" if n_pass == len(claims) else "fail"}">{n_pass} of {len(claims)} '
                   "passed</span> Each claim is a statement from the literature (refs: reference numbers), the "
                   "expected behaviour, and the numbers the model produced.</p>")
    out.append(_claims_table(claims))

    out.append('<h2 id="parameters">Parameters</h2>')
    out.append('<p class="note">Every parameter of the scenario with its source; <span class="badge assumed">'
               "assumed</span> marks a value for which no measurement was found.</p>")
    out.append(_parameters_table(parameters))

    from .. import __version__

    out.append(f'<p class="note">Generated by stat3sim {_e(__version__)}.</p>')
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def therapy_report_figures(arms: Mapping[str, pd.DataFrame],
                           regimens: Mapping[str, Sequence[str]] | None = None) -> list[ReportFigure]:
    """The therapy arms' figures (section ``therapy``): readouts per arm, drug concentrations."""
    from . import therapy_figures as thf

    ok = tf.usable_arms(arms)
    if not ok:
        return []
    ref = next(iter(ok))
    return [
        ReportFigure("therapy_arms", "Therapy arms",
                     "Tumor volume, tumor-cell pSTAT3 index and nuclear pSTAT3 (nM), free serum IL-6, CD8⁺ T cells, "
                     f"MDSCs and metastatic burden (all organs) against days, one line per regimen; {ref} is the solid "
                     "black line. Log y except the pSTAT3 index; non-positive values are not drawn. "
                     + _pstat3_note(),
                     _png(thf.therapy_arms_figure(ok)), "therapy"),
        ReportFigure("drug_concentrations", "Drug concentrations",
                     "Plasma concentration of each drug (total, in the unit of its column; constant exposures: the set "
                     "free concentration in nM) in every arm that gives it: the PK model's time course at 48 points a "
                     "day (reference patient), so oral drugs' within-day peaks and troughs show.",
                     _png(thf.drug_concentrations_figure(ok, regimens)), "therapy"),
    ]


def translation_figure(rows: Sequence[Mapping[str, Any]]) -> ReportFigure:
    """The translation figure (section ``translation``)."""
    import io

    from ..analysis.translation import figure

    buf = io.BytesIO()
    figure(rows, buf)
    return ReportFigure("translation", "Translation",
                        "Target occupancy at the labelled regimen (steady-state trough, bar to the peak) against the "
                        "occupancy each agent's mechanism needs for its claim (lowest constant exposure at which the "
                        "criterion holds; ▸ at the right edge: not reached even at 1000 × potency). Below the diagonal "
                        "the clinic does not reach what the mechanism needs: the translation gap.",
                        buf.getvalue(), "translation")


def _pstat3_note() -> str:
    from .therapy_figures import PSTAT3_NOTE

    return PSTAT3_NOTE


def _therapy_intro(th: Mapping[str, Any]) -> str:
    regs = th.get("regimens") or {}
    desc = th.get("descriptions") or {}
    failed = th.get("failed") or {}
    items = "".join(f"<li><strong>{_e(n)}</strong>: {_e('; '.join(r) or 'no drug')}"
                    + (f" — {_e(desc[n])}" if desc.get(n) else "")
                    + (f' <span class="badge fail">failed</span> <code>{_e(failed[n])}</code>' if n in failed else "")
                    + "</li>" for n, r in regs.items())
    return ('<p class="note">The scenario with each regimen (written as a clinician writes it; doses '
            "exact in time, human PK from the drug catalog, reference adult 70 kg / 1.8 m² unless the scenario "
            "says otherwise), with the arm's other changes where its description names them. The first arm is "
            "the untreated reference.</p>" + f"<ul>{items}</ul>")


def _translation_table(rows: Sequence[Mapping[str, Any]]) -> str:
    from ..analysis.translation import COLUMNS, table_rows

    return _table(list(COLUMNS), ["<tr>" + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>"
                                  for cells in table_rows(rows)], "translation")


def _therapy_table(th: Mapping[str, Any]) -> str:
    from . import therapy_figures as thf

    df = thf.day_end_table(th.get("arms") or {})
    if df.empty:
        return '<p class="note">No therapy arm ran to the end.</p>'
    cols = [c for c in thf.PANELS if c in df.columns]
    recist = "best_response" in df.columns
    head = ["arm", *(["best response (RECIST 1.1)", "progression (day)", "diameter change at the end"] if recist else []),
            *[f"{thf.PANELS[c][0]} ({thf.PANELS[c][1]})" for c in cols]]
    rows = []
    for r in df.to_dict(orient="records"):
        cells = [f"<td>{_e(str(r['arm']))}</td>"]
        if recist:
            best, change, prog = r.get("best_response"), r.get("best_diameter_change"), r.get("progression_day")
            cells.append(f"<td>{_e(str(best))}" + (f" ({100 * change:+.0f} %)" if change == change else "") + "</td>")
            cells.append(f"<td>{_e(fmt(prog)) if prog is not None and prog == prog else '—'}</td>")
            end = r.get("diameter_change_end")
            cells.append(f"<td>{100 * end:+.0f} %</td>" if end is not None and end == end else "<td>—</td>")
        for c in cols:
            v, q = r.get(c), r.get(f"{c}_vs_reference")
            cells.append(f"<td>{_e(fmt(v))}" + (f" (×{q:.3g})" if q is not None and q == q else "") + "</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return _table(head, rows)


def band_report_figures(bands: Mapping[str, Any], arms: Mapping[str, pd.DataFrame],
                        therapy_arms: Mapping[str, pd.DataFrame] | None) -> list[ReportFigure]:
    """The prediction bands' figures (section ``bands``): the untreated arms' bands, the treated
    arms' tumor volume bands, the arm effects' forest plot."""
    from . import band_figures as bf

    table, levels, n = bands["table"], tuple(bands["levels"]), int(bands["members"])
    label = bf.band_label(levels, n)
    out = [ReportFigure("bands_arms", "Prediction bands of the untreated arms",
                        f"Tumor volume, tumor-cell pSTAT3 index and nuclear pSTAT3, free serum IL-6, CD8⁺ T cells, "
                        f"MDSCs and metastatic burden against days: each arm's nominal run (line) and its {label} "
                        "(shaded, the line's colour). Log y except the pSTAT3 index.",
                        _png(bf.arms_bands_figure(arms, table, levels, n)), "bands")]
    if therapy_arms and len(tf.usable_arms(therapy_arms)) > 1:
        ref = next(iter(tf.usable_arms(therapy_arms)))
        out.append(ReportFigure("bands_therapy", "Prediction bands of the treated arms",
                                f"Tumor volume (mm³, log y) of each treated arm (colour) over {ref} (black line, grey "
                                f"band): nominal runs and {label}. Each member runs every arm with the same draw.",
                                _png(bf.therapy_bands_figure(therapy_arms, table, levels, n)), "bands"))
    if bands.get("effects"):
        out.append(ReportFigure("bands_effects", "Arm effects with their bands",
                                "Day-end value of each arm over its reference's (treated arms: over the untreated "
                                "one; knock-outs: over the wild type), log x, 1 = no effect (dotted): the nominal "
                                f"run's ratio (dot) and the ratio's {label} (bar): each member's arm over the same "
                                "member's reference.",
                                _png(bf.effects_figure(bands["effects"], levels, n)), "bands"))
    return out


def _bands_intro(bands: Mapping[str, Any]) -> str:
    levels, n = bands["levels"], int(bands["members"])
    failed = bands.get("failed") or []
    n_fail = len({(f["member"], f["arm"]) for f in failed})
    return ('<p class="note">' + _e(
        f"An ensemble of {n} draws of the {bands.get('parameters', '')} calibrated parameter groups of "
        f"{bands.get('file', 'the uncertainty file')} (a seeded Latin hypercube; each group normal in its scale, "
        f"median at its estimate, the 95 % CI's ends at the 2.5 and 97.5 % quantiles, truncated to the "
        f"parameter's bounds); every member runs every arm. Bands: the {levels[0]:g}, 50 and {levels[1]:g} % "
        f"quantiles of the members per arm, readout and day (bands.csv). They show the spread from the "
        f"calibrated parameters' uncertainty only: the assumed parameters stay at their values, and there is no "
        f"between-patient variability (stat3sim cohort) or uncertainty of the model's structure.")
        + (f" {n_fail} member run(s) failed in the solver and are left out (summary.json lists them)."
           if n_fail else "") + "</p>")


def _effects_table(bands: Mapping[str, Any]) -> str:
    from ..analysis.bands import qname
    from .therapy_figures import PANELS

    effects = bands.get("effects") or []
    if not effects:
        return '<p class="note">No arm besides the references.</p>'
    lo_c, hi_c = qname(bands["levels"][0]), qname(bands["levels"][1])
    rows = []
    for e in effects:
        name, unit, _ = PANELS.get(e["readout"], (e["readout"], "", True))
        rows.append("<tr>" + f"<td>{_e(e['arm'])}</td><td>{_e(e['reference'])}</td><td>{_e(name)}</td>"
                    f'<td class="num">{_e(fmt(e["day"]))}</td><td class="num">×{_e(fmt(e.get("nominal")))}</td>'
                    f'<td class="num">×{_e(fmt(e["q50"]))}</td>'
                    f'<td class="num">×{_e(fmt(e[lo_c]))} – ×{_e(fmt(e[hi_c]))}</td>'
                    f'<td class="num">{int(e["members"])}</td></tr>')
    lv = bands["levels"]
    return _table(["arm", "reference", "readout", "day", "nominal run", "median of members",
                   f"{lv[0]:g}–{lv[1]:g} % band", "members"], rows, "effects")


def write_report(out_dir: Path, *, scenario: Mapping[str, Any], arms: Mapping[str, pd.DataFrame],
                 observables: Mapping[str, tuple[str, str]] | None, parameters: pd.DataFrame | None,
                 claims: Sequence[Mapping[str, Any]],
                 serum_ranges: Mapping[str, tuple[float, float, str]] | None,
                 therapy_arms: Mapping[str, Any] | None = None, bands: Mapping[str, Any] | None = None) -> Path:
    """Write ``out_dir/figures/<name>.png`` and ``out_dir/report.html`` and return the
    path of the page.

    Arms listed in ``scenario["failed"]`` (arm -> solver message) are left out of the
    figures and tables (whatever partial data they have) and listed with their message.
    The page is self-contained: each figure is embedded as a base64 PNG (the same bytes
    as the file in ``figures/``), CSS is inline, nothing is loaded from elsewhere.
    """
    out_dir = Path(out_dir)
    failed = set((scenario.get("failed") or {}))
    plotted = {n: df for n, df in arms.items() if n not in failed}
    figures = report_figures(plotted, dict(serum_ranges or {}), observables, str(scenario.get("name") or ""))
    if therapy_arms:
        figures = list(figures) + therapy_report_figures(therapy_arms.get("arms") or {},
                                                         therapy_arms.get("regimens"))
        if therapy_arms.get("translation"):
            figures.append(translation_figure(therapy_arms["translation"]))
    if bands and bands.get("table") is not None:
        figures = list(figures) + band_report_figures(bands, plotted, (therapy_arms or {}).get("arms"))
    for f in figures:
        atomic_write(out_dir / "figures" / f"{f.name}.png", lambda tmp, data=f.png: Path(tmp).write_bytes(data))
    page = render_report(scenario=scenario, arms=arms, observables=observables, parameters=parameters,
                         claims=claims, serum_ranges=serum_ranges, figures=figures, therapy_arms=therapy_arms,
                         bands=bands)
    return atomic_write(out_dir / "report.html", lambda tmp: Path(tmp).write_text(page, encoding="utf-8"))


__all__ = ["band_report_figures", "FIGURE_WIDTH_PX", "KEY_READOUTS", "METASTASIS_READOUTS", "ReportFigure", "fmt", "is_assumed", "render_report",
           "report_figures", "therapy_report_figures", "write_report"]
