"""Trial figures (stat3sim.trial.plots): each writes a non-empty PNG from a small constructed
trial, including a single-arm trial and a comparison with a skipped subgroup."""
from __future__ import annotations

import numpy as np
import pandas as pd

from stat3sim.trial import plots
from stat3sim.trial.analysis import summarize
from stat3sim.trial.recist import read_trial, scan_table


def _trial(seed: int = 0, n: int = 25) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for arm, k in (("control", 0.004), ("experimental", 0.008)):
        for pid in range(n):
            d0, kk, g = rng.uniform(20, 50), rng.lognormal(np.log(k), 0.6), rng.lognormal(np.log(0.004), 0.5)
            for t in np.arange(0, 337, 56.0):
                rows.append((pid, arm, t, d0 * (0.6 * np.exp(-kk * t) + 0.4 * np.exp(g * t)), False, pid < 4))
    return pd.DataFrame(rows, columns=["patient", "arm", "scan_day", "lesion_a", "new_lesion", "tiny"])


def _png(path) -> bool:
    data = path.read_bytes()
    return len(data) > 5000 and data[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_figure_writes_a_png(tmp_path):
    df = _trial()
    pt = read_trial(df, followup_days=336).merge(df.groupby(["patient", "arm"])["tiny"].first().reset_index())
    s = summarize(pt, control="control", subgroups=["tiny"])
    assert "skipped" in s["comparisons"][0]["subgroups"]["tiny"]
    made = [plots.km_plot(pt, tmp_path / "km.png", summary=s), plots.waterfall(pt, tmp_path / "waterfall.png"),
            plots.spider(scan_table(df), pt, tmp_path / "spider.png"), plots.swimmer(pt, tmp_path / "swimmer.png"),
            plots.forest(s, tmp_path / "forest.png")]
    for p in made:
        assert _png(p), p


def test_single_arm_figures(tmp_path):
    df = _trial(1)
    df = df[df.arm == "experimental"]
    pt = read_trial(df)
    s = summarize(pt)
    assert _png(plots.km_plot(pt, tmp_path / "km.png", summary=s))
    assert _png(plots.waterfall(pt, tmp_path / "w.png"))
    assert _png(plots.swimmer(pt, tmp_path / "s.png", max_per_arm=10))
