"""A trial's figures and ``report.html``: enrolment, per-arm outcomes with CIs, the
comparisons, the published outcomes next to the predicted ones, KM, waterfall, spider,
swimmer and forest plots."""
from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

FIGURES = ("km.png", "waterfall.png", "spider.png", "swimmer.png", "forest.png")


def _pct(x) -> str:
    return "–" if x is None else f"{100 * x:.1f} %"


def _ci(ci, pct=False, digits=2) -> str:
    if not ci or (ci[0] is None and ci[1] is None):
        return "–"
    f = _pct if pct else (lambda x: "–" if x is None else f"{x:.{digits}f}")
    return f"{f(ci[0])} – {f(ci[1])}"


def _num(x, digits=2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def figures(out: Path, summary: dict, design) -> list[str]:
    """Write the figures a clinician reads; returns the names written."""
    from . import plots
    from .recist import scan_table

    patients = pd.read_parquet(out / "patients.parquet")
    scans = pd.read_parquet(out / "scans.parquet")
    arms = design.arm_names
    written = []
    if patients.empty:
        return written
    plots.km_plot(patients, out / "km.png", arms=arms, summary=summary, title=design.title)
    written.append("km.png")
    plots.waterfall(patients, out / "waterfall.png", arms=arms)
    written.append("waterfall.png")
    st = scan_table(scans, lesion_columns=["lesion_primary"], followup_days=float(design.followup_days))
    plots.spider(st, patients, out / "spider.png", arms=arms)
    written.append("spider.png")
    plots.swimmer(patients, out / "swimmer.png", arms=arms)
    written.append("swimmer.png")
    if summary.get("comparisons"):
        plots.forest(summary, out / "forest.png")
        written.append("forest.png")
    return written


def html_report(out: Path, summary: dict, design, written: list[str]) -> str:
    e = summary["enrolment"]
    rows = []
    for arm, s in summary["arms"].items():
        br = s.get("best_response", {})
        rows.append(f"<tr><td>{html.escape(arm)}</td><td>{s['n']}</td><td>{_pct(s.get('orr'))}</td>"
                    f"<td>{_ci(s.get('orr_ci95'), pct=True)}</td><td>{_num(s.get('median_pfs_months'), 1)}</td>"
                    f"<td>{_ci(s.get('median_pfs_ci95_months'), digits=1)}</td>"
                    f"<td>{' / '.join(str(br.get(k, 0)) for k in ('CR', 'PR', 'SD', 'PD', 'NE'))}</td></tr>")
    comps = []
    for c in summary.get("comparisons", []):
        comps.append(f"<tr><td>{html.escape(c['experimental'])} vs {html.escape(c['control'])}</td><td>ITT</td>"
                     f"<td>{_num(c.get('hazard_ratio'))}</td><td>{_ci(c.get('hazard_ratio_ci95'))}</td>"
                     f"<td>{_num(c.get('logrank_p'), 3)}</td></tr>")
        for name, sg in c.get("subgroups", {}).items():
            if "skipped" in sg:
                comps.append(f"<tr><td></td><td>{html.escape(name)}</td><td colspan=3>{html.escape(sg['skipped'])}</td></tr>")
            else:
                comps.append(f"<tr><td></td><td>{html.escape(name)}</td><td>{_num(sg.get('hazard_ratio'))}</td>"
                             f"<td>{_ci(sg.get('hazard_ratio_ci95'))}</td><td>{_num(sg.get('logrank_p'), 3)}</td></tr>")
    pub = []
    for p in summary.get("published_vs_predicted", []):
        is_orr = p["endpoint"] == "orr"
        fmt = (lambda x: _pct(x)) if is_orr else (lambda x: _num(x, 2 if "hazard" in p["endpoint"] else 1))
        pub.append(f"<tr><td>{html.escape(p['arm'])}</td><td>{html.escape(p['population'])}</td>"
                   f"<td>{html.escape(p['endpoint'])}</td><td><b>{html.escape(p['role'])}</b></td>"
                   f"<td>{fmt(p['published'])} ({_ci(p['published_ci95'], pct=is_orr)})</td>"
                   f"<td>{fmt(p['predicted'])} ({_ci(p['predicted_ci95'], pct=is_orr)})</td>"
                   f"<td>{fmt(p['error']) if p['error'] is not None else '–'}</td>"
                   f"<td>{html.escape(p['source'])} ({p['tag']})</td></tr>")
    imgs = []
    for name in written:
        data = base64.b64encode((out / name).read_bytes()).decode()
        imgs.append(f'<figure><img src="data:image/png;base64,{data}" alt="{name}"><figcaption>{name}</figcaption></figure>')
    m = summary["method"]
    reasons = "".join(f"<li>{html.escape(k)}: {v}</li>" for k, v in e.get("implausible_by_reason", {}).items())
    crit = "".join(f"<li>{html.escape(k)}: {v} not eligible</li>" for k, v in e.get("not_eligible_by_criterion", {}).items())
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>stat3sim trial: {html.escape(design.name)}</title>
<style>body{{font-family:sans-serif;max-width:1200px;margin:2em auto;color:#222}} table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}} th{{background:#f3f3f3}} img{{max-width:100%}}
figure{{margin:1em 0}} .note{{color:#555;font-size:90%}}</style></head><body>
<h1>{html.escape(design.title)}</h1>
<p>{html.escape(design.description)}</p>
<p class="note">Design <code>{html.escape(design.name)}</code>; source: {html.escape(design.source)}.
Scenario <code>{html.escape(design.scenario)}</code>; scans every {design.imaging_every_weeks:g} weeks; follow-up
{design.followup_days:g} days; confirmation {'on' if design.confirmation else 'off'}; seed {m['seed']}.</p>
<h2>Enrolment</h2>
<p>Screened {e['screened']}: {e['plausible']} plausible, {e['implausible']} implausible, {e['solver_failed']} solver
failed; {e['eligible']} eligible; {e['enrolled']} enrolled, each in every arm ({html.escape(m['twins'])}).</p>
<ul>{reasons}{crit}</ul>
<h2>Outcomes per arm</h2>
<table><tr><th>arm</th><th>n</th><th>ORR</th><th>95 % CI (exact)</th><th>median PFS (months)</th><th>95 % CI</th>
<th>CR / PR / SD / PD / NE</th></tr>{''.join(rows)}</table>
<h2>Comparisons (PFS)</h2>
{'<table><tr><th>comparison</th><th>population</th><th>HR</th><th>95 % CI</th><th>log-rank p</th></tr>' + ''.join(comps) + '</table>' if comps else '<p>Single-arm trial: no comparison.</p>'}
<h2>Published vs predicted</h2>
<p class="note"><b>calibration</b>: a control arm's outcome the model may be fitted to; <b>prediction</b>: an
experimental arm's outcome, compared with and never fitted to; <b>reference</b>: context from another disease or
endpoint.</p>
{'<table><tr><th>arm</th><th>population</th><th>endpoint</th><th>role</th><th>published (95 % CI)</th><th>predicted (95 % CI)</th><th>error</th><th>source</th></tr>' + ''.join(pub) + '</table>' if pub else '<p>No published outcome to compare with.</p>'}
<h2>Figures</h2>
{''.join(imgs)}
<h2>Method</h2>
<ul><li>Target lesion: {html.escape(m['target_lesion'])}</li><li>New lesion: {html.escape(m['new_lesion'])}</li>
<li>RECIST 1.1: PR −30 % from baseline; PD +20 % over the nadir and ≥ 5 mm, or a new lesion; PFS from randomisation to the
first PD scan, censored at the last scan within follow-up. The model has no deaths.</li></ul>
</body></html>"""


def write_report(out: Path, summary: dict, design) -> None:
    from .._io import atomic_write

    written = figures(out, summary, design)
    text = html_report(out, summary, design, written)
    atomic_write(out / "report.html", lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
