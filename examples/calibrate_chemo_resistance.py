"""Calibrate the cytotoxic class's acquired resistance (therapy.pd.K_RESISTANCE, 1/day at
full occupancy) and nab-paclitaxel's Emax (1/day) to IMpassion130's control arm
(FACTS-TRIALS.md): median PFS 5.5 months and a confirmed/unconfirmed ORR of 33-46 %.

The nominal tnbc patient (25 mm at diagnosis) on nab-paclitaxel 100 mg/m2 d1,8,15 q28d is
read by RECIST 1.1 (scans every 8 weeks); the chosen pair (Emax 2.0, k 0.6) is the one
whose nominal patient shrinks past -30 % at the first scan (a responder at the median of a
population whose ORR is 33-46 %) and progresses at the 24-week scan (5.5 months).
The control arm of ``stat3sim trial tnbc_first_line_chemo_io`` checks the result on a
virtual population; the experimental arm is never used here.

    .venv/bin/python examples/calibrate_chemo_resistance.py
"""
import itertools

from stat3sim import runs
from stat3sim.analysis.recist import recist
from stat3sim.scenarios import load_scenario

ARM = runs.Arm("placebo + nab-paclitaxel", therapies=["nab-paclitaxel 100 mg/m2 iv d1,8,15 q28d"])


def main() -> None:
    sc = load_scenario("tnbc")
    print("Emax_per_day  k_resistance_per_day  best  best_change  progression_day  diameter_mm(d0,56,112,168,224)")
    for emax, k in itertools.product([1.0, 2.0, 4.0], [0.3, 0.6, 1.2]):
        sc2 = sc.model_copy(update={"parameters": {**(sc.parameters or {}), "nab_paclitaxel__Emax": emax,
                                                   "nab_paclitaxel__k_resistance": k}})
        f = runs.simulate(sc2, ARM, days=364).frame
        r = recist(f.time_days.to_numpy(), f.tumor_diameter_mm.to_numpy())
        d = f.tumor_diameter_mm.to_numpy()[[0, 56, 112, 168, 224]]
        print(f"{emax:12g}  {k:20g}  {r.best:4s}  {r.best_change:11.3f}  {str(r.progression_day):15s}  "
              + ", ".join(f"{x:.1f}" for x in d))


if __name__ == "__main__":
    main()
