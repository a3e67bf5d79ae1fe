"""A small virtual cohort through the Python API (run by tests/test_examples.py): sample
``N`` tnbc patients, grow each to its own diagnosis, keep the plausible ones and run an
untreated and a tocilizumab arm from each one's state at diagnosis, on a local Dask
cluster; then read the results table.

    python examples/api_cohort.py [N] [DAYS] [OUT]

Code that starts a Dask cluster must sit under ``if __name__ == "__main__":`` (Dask's
worker processes re-import the script).
"""
import sys
from pathlib import Path

from stat3sim.cohort import ArmPlan, execute, finish, prepare, read_results, session
from stat3sim.cohort.runner import ranges_info
from stat3sim.scenarios import load_scenario


def main(n: int = 6, days: float = 28.0, out: str = "results/api_cohort") -> None:
    out_dir = Path(out)
    arms = (ArmPlan("no treatment"), ArmPlan("tocilizumab", ("tocilizumab 8 mg/kg iv q4w",)))
    plan, patients, info = prepare(load_scenario("tnbc"), n, seed=1, days=days, arms=arms, out=out_dir)
    print(f"{len(patients)} patients sampled; varied: {', '.join(d['name'] for d in info['distributions'][:4])}, ...")
    with session(workers=1) as client:
        sess = execute(plan, patients, out_dir, client)
        ranges = client.submit(ranges_info, plan, pure=False).result()
    summary = finish(out_dir, info, sess, ranges)
    print(f"kept {summary['counts']['ok']}, rejected {summary['counts']['rejected']}: "
          f"{summary['rejections_by_reason'] or 'none'}")
    rows = read_results(out_dir)
    ok = rows[rows["status"] == "ok"]
    col = f"day{days:g}.tumor_volume_mm3"
    print(ok.pivot(index="patient_id", columns="arm", values=col).round(0).to_string())


if __name__ == "__main__":
    args = sys.argv[1:]
    main(int(args[0]) if args else 6, float(args[1]) if len(args) > 1 else 28.0,
         args[2] if len(args) > 2 else "results/api_cohort")
