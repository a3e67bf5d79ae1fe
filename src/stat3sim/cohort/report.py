"""A cohort's short report: the baseline readouts at diagnosis against their plausibility
ranges (``baseline.png``), with the counts, in ``report.html``."""
from __future__ import annotations

import base64
import html
import math
from pathlib import Path

import numpy as np
import pandas as pd


def baseline_figure(df: pd.DataFrame, ranges: list[dict], path: Path) -> None:
    """One panel per plausibility range: histograms (log10 axis) of the patients kept and
    rejected, the range's bounds as lines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    first = df.drop_duplicates("patient_id")
    n = len(ranges)
    cols = 4
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.6 * rows), squeeze=False)
    for ax, r in zip(axes.flat, ranges):
        col = f"baseline.{r['readout']}"
        vals = first[col].to_numpy(float) if col in first else np.array([])
        ok = (first["status"] == "ok").to_numpy() if len(first) else np.array([], bool)
        good = np.isfinite(vals) & (vals > 0)
        lo, hi = r.get("low"), r.get("high")
        pts = [v for v in (lo, hi) if v]
        data = np.log10(vals[good]) if good.any() else np.array([0.0])
        lo_edge = min([data.min(), *(math.log10(v) for v in pts)]) - 0.2
        hi_edge = max([data.max(), *(math.log10(v) for v in pts)]) + 0.2
        bins = np.linspace(lo_edge, hi_edge, 25)
        ax.hist([np.log10(vals[good & ok]), np.log10(vals[good & ~ok])], bins=bins, stacked=True,
                color=["#3a7ebf", "#d9822b"], label=["kept", "rejected"])
        for v in pts:
            ax.axvline(math.log10(v), color="k", ls="--", lw=1)
        ax.set_title(r["readout"], fontsize=9)
        ax.set_xlabel(f"log10 {r['unit']}", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.suptitle("Baseline at diagnosis against the plausibility ranges (dashed)", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)


def html_report(summary: dict, figure: Path) -> str:
    img = base64.b64encode(figure.read_bytes()).decode()
    c = summary["counts"]
    rej = "".join(f"<tr><td>{html.escape(k)}</td><td>{v}</td></tr>" for k, v in summary["rejections_by_reason"].items())
    rng = "".join(f"<tr><td>{html.escape(r['readout'])}</td><td>{r['low'] if r['low'] is not None else '–'}</td>"
                  f"<td>{r['high'] if r['high'] is not None else '–'}</td><td>{html.escape(r['unit'])}</td>"
                  f"<td>{html.escape(r['source'])}</td></tr>" for r in summary["plausibility"])
    dist = "".join(f"<tr><td>{html.escape(d['name'])}</td><td>{html.escape(d['description'])}</td>"
                   f"<td>{html.escape(d['source'])}</td></tr>" for d in summary["distributions"])
    pk = "".join(f"<tr><td>{html.escape(v['drug'])}</td><td>clearance × exp(η), CV {100 * v['cv']:.0f} %</td>"
                 f"<td>{html.escape(v['source'])}</td></tr>" for v in summary.get("pk_variability", []))
    p = summary.get("pdl1_status") or {}
    pdl1 = (f"<p>PD-L1 positive: {p.get('positive', 0)} of {p.get('of', 0)} plausible patients (baseline tumor.PDL1 ≥ "
            f"{p['threshold']:.3g}). {html.escape(p.get('source', ''))}</p>") if p.get("threshold") is not None else ""
    sel = summary.get("selection")
    sel_html = ""
    if sel:
        ks0 = ", ".join(f"{k} {v:.3f}" for k, v in sel["ks_statistic_plausible"].items())
        ks1 = ", ".join(f"{k} {v:.3f}" for k, v in sel["ks_statistic_selected"].items())
        sel_html = (f"<h2>Selection</h2><p>{sel['selected']} of {sel['plausible']} plausible patients selected "
                    f"(effective sample size {sel['effective_sample_size']:.0f}); Kolmogorov–Smirnov distance to the "
                    f"target: {html.escape(ks0)} (plausible) → {html.escape(ks1)} (selected). "
                    f"{html.escape(sel['method'])}.</p>")
    fails = summary.get("solver_failures", [])
    fail_html = "".join(f"<tr><td>{f['patient_id']}</td><td>{html.escape(f['arm'])}</td><td>{html.escape(f['message'])}</td></tr>"
                        for f in fails[:50])
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>stat3sim cohort {html.escape(summary['scenario'])}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto}}td,th{{padding:2px 8px;text-align:left;vertical-align:top}}</style></head><body>
<h1>Virtual cohort: {html.escape(summary['scenario'])}, {summary['patients']} patients, seed {summary['seed']}</h1>
<p>kept {c['ok']} · rejected {c['rejected']} · solver failed {c['solver failed']} · arms: {html.escape(', '.join(a['name'] for a in summary['arms']))}</p>
<img src="data:image/png;base64,{img}" style="max-width:100%">
<h2>Rejections by reason</h2><table>{rej or '<tr><td>none</td></tr>'}</table>
<h2>Plausibility ranges</h2><table><tr><th>readout</th><th>low</th><th>high</th><th>unit</th><th>source</th></tr>{rng}</table>
<h2>Varied quantities</h2><table><tr><th>name</th><th>distribution</th><th>source</th></tr>{dist}{pk}</table>
{pdl1}{sel_html}
<h2>Solver failures</h2><p>{len(fails)} ({100 * summary.get('solver_failure_rate', 0.0):.2f} % of patients)</p>
{'<table><tr><th>patient</th><th>arm</th><th>message</th></tr>' + fail_html + '</table>' if fails else ''}
</body></html>
"""
