"""A tour of the Python API (run by tests/test_examples.py; the API reference is built by
``make docs`` into docs/api/_build/html):

1. one tumor cell's pSTAT3 after IL-6, with and without SOCS3;
2. the tnbc scenario for 30 days, untreated and with tocilizumab at its label regimen;
3. a RECIST 1.1 reading of a constructed series of scans.

    python examples/api_tour.py
"""
from stat3sim import runs, signaling_network, simulate
from stat3sim.scenarios import load_scenario
from stat3sim.trial.recist import read_patient


def main() -> None:
    # 1. one cell, minutes: IL-6 1 nM for 4 h
    cell = signaling_network("tumor").with_stimulus({"IL6": 1.0})  # nM
    wt = simulate(cell, t_end=240)
    ko = simulate(cell.knockout("SOCS3"), t_end=240)
    print(f"tumor cell, IL-6 1 nM: peak pSTAT3 {wt.peak('tumor.pSTAT3'):.3f} "
          f"(SOCS3 knocked out: {ko.peak('tumor.pSTAT3'):.3f}); at 4 h {wt.at('tumor.pSTAT3', 240):.3f}")

    # 2. the tumor microenvironment, days: an untreated and a treated arm of one scenario
    sc = load_scenario("tnbc")
    untreated = runs.simulate(sc, days=30)
    toci = runs.simulate(sc, runs.Arm("tocilizumab", therapies=["tocilizumab 8 mg/kg iv q4w"]), days=30)
    for name, run in (("no treatment", untreated), ("tocilizumab", toci)):
        print(f"tnbc {name}: day-30 tumor {run.at('tumor_volume_mm3', 30):,.0f} mm3, "
              f"tumor pSTAT3 {run.at('tumor.pSTAT3', 30):.3f}, serum IL-6 {run.at('serum_IL6_pg_mL', 30):.2f} pg/mL")

    # 3. RECIST 1.1: two target lesions scanned every 8 weeks
    reading = read_patient([0, 56, 112, 168], [[30, 20], [20, 14], [19, 13], [25, 18]])
    print(f"RECIST: best response {reading.best_response} ({reading.best_change_pct:+.0f} %), "
          f"PFS {reading.pfs_days:.0f} days ({'progression' if reading.pfs_event else 'censored'})")


if __name__ == "__main__":
    main()
