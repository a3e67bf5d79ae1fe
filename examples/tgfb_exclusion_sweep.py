"""How THx-11 and the untreated ``tnbc`` readouts move with the strength of CD8+ T-cell
exclusion by stromal TGF-β (``w_TGFb_excl``, assumed 2: full CAF TGF-β/SMAD signaling cuts
CD8+ entry into the tumor to 1/3), across a 10-fold range of it (÷√10 … ×√10).

    python examples/tgfb_exclusion_sweep.py            # a Markdown table on stdout

THx-11 is read as in ``stat3sim validate``: mechanism half (galunisertib and atezolizumab at
10 × their cellular potency, constant) and clinic half (150 mg po bid 14d on/14d off and
1200 mg iv q3w); the untreated readouts are the day-180 values of ``tnbc``.
"""
from __future__ import annotations

import math
import sys

from stat3sim.claims.therapy import _std, study_regimen
from stat3sim.claims.tme import _run

DEFAULT = 2.0
VALUES = [DEFAULT / math.sqrt(10), DEFAULT / 2, DEFAULT, DEFAULT * 2, DEFAULT * math.sqrt(10)]


def thx11(w: float, g: str, a: str) -> dict:
    p = (("w_TGFb_excl", w),)
    rg, ra, rb = (_run("tnbc", params=p, therapies=t) for t in ((g,), (a,), (g, a)))
    return {"CD8_gain_vs_gal": rb.at("CD8_per_mL") / rg.at("CD8_per_mL") - 1,
            "CD8_gain_vs_atezo": rb.at("CD8_per_mL") / ra.at("CD8_per_mL") - 1,
            "mets_drop_vs_gal": 1 - rb.at("metastatic_burden") / rg.at("metastatic_burden"),
            "mets_drop_vs_atezo": 1 - rb.at("metastatic_burden") / ra.at("metastatic_burden")}


def main() -> None:
    rows = []
    for w in VALUES:
        u = _run("tnbc", params=(("w_TGFb_excl", w),))
        m = thx11(w, study_regimen("galunisertib"), study_regimen("atezolizumab"))
        c = thx11(w, _std("galunisertib"), _std("atezolizumab"))
        rows.append((w, u, m, c))
        print(f"w_TGFb_excl {w:.3g} done", file=sys.stderr)
    pct = lambda x: f"{100 * x:+.0f} %"  # noqa: E731
    print("| w_TGFb_excl | untreated CD8+/mL | untreated volume (mm³) | untreated metastatic burden (cells) | "
          "M: CD8+ vs gal / vs atezo | M: metastases vs gal / vs atezo | C: CD8+ vs gal / vs atezo | "
          "C: metastases vs gal / vs atezo |")
    print("|---|---|---|---|---|---|---|---|")
    for w, u, m, c in rows:
        print(f"| {w:.3g}{' (default)' if w == DEFAULT else ''} | {u.at('CD8_per_mL'):.3g} | "
              f"{u.at('tumor_volume_mm3'):.4g} | {u.at('metastatic_burden'):.3g} | "
              f"{pct(m['CD8_gain_vs_gal'])} / {pct(m['CD8_gain_vs_atezo'])} | "
              f"{pct(-m['mets_drop_vs_gal'])} / {pct(-m['mets_drop_vs_atezo'])} | "
              f"{pct(c['CD8_gain_vs_gal'])} / {pct(c['CD8_gain_vs_atezo'])} | "
              f"{pct(-c['mets_drop_vs_gal'])} / {pct(-c['mets_drop_vs_atezo'])} |")


if __name__ == "__main__":
    main()
