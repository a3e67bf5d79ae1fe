"""Compare stat3sim's tumor cell with the Sobotta et al. 2017 hepatocyte model.

Reads the published SBML from ../shared/reference-models (or $STAT3SIM_REFERENCE_MODELS;
it is never copied into this repository), simulates both models at three IL-6 doses,
prints a JSON table of peak times, peak folds and the 120-min/peak ratio, and writes
docs/figures/sobotta2017_comparison.png.

    .venv/bin/python examples/compare_sobotta2017.py

The two models use different units (Sobotta: its own IL-6 scale, pSTAT3 in nM of a
hepatocyte; ours: nM IL-6, pSTAT3 as a fraction of total STAT3), so the figure compares
shapes: each curve normalised to its own peak.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from stat3sim import Simulator, signaling_network  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
REF = Path(os.environ.get("STAT3SIM_REFERENCE_MODELS", REPO.parent / "shared" / "reference-models"))
SOBOTTA = REF / "sobotta2017_il6_jak1_stat3_hepatocyte_MODEL2307050001.xml"
OUT = REPO / "docs" / "figures" / "sobotta2017_comparison.png"
T_END = 240.0
#: Sobotta's IL-6 input (model units, FACTS: 1, 10, 100 give peaks at 39, 22, 13 min)
#: next to ours (nM)
DOSES = [(1.0, 0.1), (10.0, 1.0), (100.0, 10.0)]


def metrics(t: np.ndarray, y: np.ndarray) -> dict:
    i = int(np.argmax(y))
    return {"peak_min": float(t[i]), "peak_over_start": float(y[i] / max(y[0], 1e-12)),
            "at_120_over_peak": float(np.interp(120.0, t, y) / y[i])}


def main() -> int:
    if not SOBOTTA.exists():
        print(f"reference model not found: {SOBOTTA}", file=sys.stderr)
        return 2
    sob = Simulator.from_sbml(SOBOTTA.read_text())
    net = signaling_network("tumor")
    ours = Simulator.for_network(net)
    table = []
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    for (d_sob, d_nm), shade in zip(DOSES, (0.45, 0.7, 1.0)):
        s = sob.run(t_end=T_END, parameters={"var_il6": d_sob, "input_rux1": 0.0}, presimulate=False)
        o = ours.run(net.with_stimulus({"IL6": d_nm}), t_end=T_END)
        ys, yo = s["tpSTAT3"], o["tumor.pSTAT3_total"]
        table.append({"sobotta_IL6_model_units": d_sob, "sobotta": metrics(s.time, ys),
                      "stat3sim_IL6_nM": d_nm, "stat3sim": metrics(o.time, yo)})
        axes[0].plot(s.time, ys / ys.max(), color=(0.1, 0.3, 0.7, shade), label=f"IL-6 = {d_sob:g} (model units)")
        axes[1].plot(o.time, yo / yo.max(), color=(0.8, 0.3, 0.1, shade), label=f"IL-6 = {d_nm:g} nM")
    axes[0].set_title("Sobotta et al. 2017, hepatocyte: total pSTAT3")
    axes[1].set_title("stat3sim, tumor cell: all pY705 STAT3 (blot-like)")
    for ax in axes:
        ax.set_xlabel("time after IL-6 (min)")
        ax.grid(alpha=0.3)
        ax.legend(frameon=False, fontsize=9)
    axes[0].set_ylabel("pSTAT3 / its peak")
    fig.tight_layout()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT, dpi=130)
    print(json.dumps(table, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
