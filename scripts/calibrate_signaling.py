"""Calibrate the STAT3 module's assumed kinetics to Sobotta et al. 2017's hepatocyte data.

    PYTHONPATH=src python scripts/calibrate_signaling.py build --out calib_petab
    PYTHONPATH=src python scripts/calibrate_signaling.py fit --out calib_fit --starts 8 --workers 2 --from-old
    PYTHONPATH=src python scripts/calibrate_signaling.py compare           # nllh: shipped vs old values

Data: ``data/calibration/sobotta2017_hepatocyte_il6.csv``: measurements of IL-6-stimulated
primary mouse hepatocytes (Sobotta et al. 2017, Front. Physiol., PMID 29062282), as the
authors published them in the PEtab benchmark collection
(Benchmarking-Initiative/Benchmark-Models-PEtab, folder Sobotta_Frontiers2017, commit
2a72375, ``measurementData_Sobotta_Frontiers2017.tsv``); each row names its data set
(the collection's noise-parameter id) and its row in that table. ``extract`` re-creates
the CSV from that folder.

Model: stat3sim's own signaling module of the ``hepatocyte`` cell type (the tumor cell's
module with hepatocyte IL-6R numbers and this calibration's best fit: ``--from-old`` starts
the fit from the values before it), exported as SBML. The stimulus is IL-6 in the
medium (ng/mL ÷ 21 kDa = nM) after the unstimulated steady state (PEtab
pre-equilibration). Absolute concentrations of Sobotta's data are nM in its 12.67 pL
cytoplasm; stat3sim's are nM in a 1.5 pL cytoplasm, so the observables convert by
molecules per cell (× 1.5 / 12.67). Relative immunoblot and qPCR data get an offset and
a scale per data set (estimated, as in Sobotta 2017). Noise: the standard deviations
Sobotta 2017 estimated for each data set (its parameter table), fixed.

``build`` writes the PEtab problem; ``fit`` builds it and runs ``stat3sim fit`` on it;
``compare`` prints the negative log-likelihood at the shipped values and at the values
before calibration (``OLD_VALUES``), each with the nuisance parameters re-optimised.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "calibration" / "sobotta2017_hepatocyte_il6.csv"
#: the fit's record (every parameter the profiles bound) and the table the package ships (SHARED only)
RECORD = ROOT / "data" / "calibration" / "sobotta2017_fit_uncertainty.tsv"
PACKAGED = ROOT / "src" / "stat3sim" / "data" / "parameter_uncertainty.tsv"
PACKAGED_SOURCE = ("calibrated to Sobotta et al. 2017 (PMID 29062282), primary mouse hepatocyte IL-6 data; "
                   "profile-likelihood 95 % CI; one draw shared by every cell type (docs/calibration.md)")
CELL = "hepatocyte"
IL6_KDA = 21.0
#: Sobotta 2017's cytoplasm (pL) and stat3sim's (pL): absolute data convert by molecules per cell
V_SOBOTTA, V_STAT3SIM = 12.67, 1.5
#: minutes integrated past the steady-state criterion (50 time constants of the slowest mode)
SETTLE_MIN = 5.0e4
#: random starts: uniform in log10 within ±START_DECADES of the model's values (clipped to
#: the bounds); starts across the whole bounds mostly land where CVODE fails
START_DECADES = 1.0
#: points per side of a profile at most: a side that has not risen by 2.3 after them is open
MAX_PROFILE_POINTS = 8

#: the parameters calibrated here: id (without the cell prefix) -> (lower, upper) bound, linear
FITTED = {
    "k_stat3_phos": (1e-3, 5.0),
    "k_dephos_cyt": (1e-3, 5.0),
    "k_dephos_nuc": (1e-3, 5.0),
    "k_import_dimer": (1e-2, 30.0),
    "k_export": (1e-2, 30.0),
    "kon_SOCS3": (1e-2, 100.0),
    "k_tl_SOCS3": (1e-4, 1.0),
    "R0_gp130": (0.5, 30.0),
    "K_tf_STAT3": (1.0, 1000.0),
}
#: the best fit of ``fit --starts 8 --seed 0 --from-old`` (start 0's optimum, 3 significant
#: digits; docs/calibration.md): the hepatocyte preset's values; SHARED in every cell type
BEST_FIT = {"k_stat3_phos": 0.119, "k_dephos_cyt": 0.152, "k_dephos_nuc": 0.123, "k_import_dimer": 0.148,
            "k_export": 0.211, "kon_SOCS3": 0.043, "k_tl_SOCS3": 0.124, "R0_gp130": 4.91, "K_tf_STAT3": 75.0}
#: the fitted rates the model ships in every cell type (signaling.parameters.PER_CELL), as
#: properties of STAT3's nuclear transport and nuclear phosphatase; the cell-specific amounts
#: (gp130, SOCS3 translation, promoter threshold) and the undetermined rates are shipped in
#: the hepatocyte preset only (model.cells); docs/calibration.md
SHARED = ("k_dephos_nuc", "k_import_dimer", "k_export")
#: the values of FITTED before this calibration (stat3sim @ ab549b0): the other cell types
#: keep those not in SHARED
OLD_VALUES = {"k_stat3_phos": 0.05, "k_dephos_cyt": 0.04, "k_dephos_nuc": 0.15, "k_import_dimer": 1.0,
              "k_export": 0.5, "kon_SOCS3": 1.0, "k_tl_SOCS3": 0.003, "R0_gp130": 3000 * 1.107e-3,
              "K_tf_STAT3": 50.0}

#: data sets used: collection observable id -> (our observable, noise-parameter ids selected)
SETS = {
    "pSTAT3_ms": ("pSTAT3_percent", ["sd_pSTAT3_ms"]),
    "SOCS3_abs": ("SOCS3_abs", ["sd_SOCS3_abs"]),
    "JAK1_gp130_abs": ("gp130_abs", ["sd_JAK1_gp130_abs"]),
    "ctSTAT3_abs": ("cytSTAT3_abs", ["sd_ctSTAT3_abs"]),
    "ntSTAT3_ratio": ("nuc_cyt_STAT3", ["sd_ntstat3_ratio_xiaoyun_nucSTAT3_Ratio"]),
    "pSTAT3_wb": ("pSTAT3_wb", ["sd_pstat3_wb_bohl_hep_2005_02_03_Cont40ng_T90min"]),
    "SOCS3_qpcr": ("SOCS3_qpcr", ["sd_socs3_qpcr_bohl_hep_2009_10_14_qRTPCR"]),
}

COLUMNS = ["observable", "IL6_ng_mL", "time_min", "value", "unit", "noise_sd", "noise_scale", "dataset",
           "source", "how_read"]
SOURCE = ("Sobotta et al. 2017, Front. Physiol. (PMID 29062282), primary mouse hepatocytes; "
          "Benchmark-Models-PEtab Sobotta_Frontiers2017 @2a72375")

UNITS = {"pSTAT3_percent": "% of STAT3 Y705-phosphorylated (mass spectrometry)",
         "SOCS3_abs": "nM in Sobotta's 12.67 pL cytoplasm (quantitative immunoblot)",
         "gp130_abs": "nM gp130·JAK1 in Sobotta's 12.67 pL cytoplasm (quantitative immunoblot)",
         "cytSTAT3_abs": "nM cytoplasmic STAT3 in Sobotta's 12.67 pL cytoplasm (quantitative immunoblot)",
         "nuc_cyt_STAT3": "nuclear/cytoplasmic STAT3 concentration ratio (imaging)",
         "pSTAT3_wb": "relative pY705-STAT3, immunoblot (arbitrary units, max 1)",
         "SOCS3_qpcr": "relative SOCS3 mRNA, qRT-PCR (arbitrary units, max 1)"}


def extract(folder: Path, out: Path = DATA) -> int:
    """Write the data CSV from the collection's Sobotta_Frontiers2017 folder."""
    import pandas as pd

    m = pd.read_csv(folder / "measurementData_Sobotta_Frontiers2017.tsv", sep="\t")
    cond = pd.read_csv(folder / "experimentalCondition_Sobotta_Frontiers2017.tsv", sep="\t").set_index("conditionId")
    par = pd.read_csv(folder / "parameters_Sobotta_Frontiers2017.tsv", sep="\t").set_index("parameterId")
    obs = pd.read_csv(folder / "observables_Sobotta_Frontiers2017.tsv", sep="\t").set_index("observableId")
    rows = []
    for i, r in m.iterrows():
        if r.observableId not in SETS or str(r.noiseParameters) not in SETS[r.observableId][1]:
            continue
        c = cond.loc[r.simulationConditionId]
        if c.input_ruxolitinib or c.input_stattic or c.input_actd:
            continue
        ours = SETS[r.observableId][0]
        sd = float(par.loc[r.noiseParameters, "nominalValue"])
        t = float(r.time)
        how = (f"measurementData line {i + 2}, condition {r.simulationConditionId}; noise sd = Sobotta's "
               f"estimate {r.noiseParameters}")
        if t < 0:
            how += f"; measured {-t:g} min before IL-6, used as t = 0"
            t = 0.0
        if float(c.input_il6) == 0 and t > 0:
            how += f"; unstimulated cells at {t:g} min: the model's steady state, used as t = 0"
            t = 0.0
        rows.append({"observable": ours, "IL6_ng_mL": float(c.input_il6), "time_min": t,
                     "value": float(r.measurement), "unit": UNITS[ours], "noise_sd": sd,
                     "noise_scale": obs.loc[r.observableId, "observableTransformation"],
                     "dataset": str(r.noiseParameters).removeprefix("sd_"), "source": SOURCE, "how_read": how})
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="") as f:
        w = csv.DictWriter(f, COLUMNS)
        w.writeheader()
        w.writerows(rows)
    return len(rows)


def read_data(path: Path = DATA) -> list[dict]:
    with path.open() as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for k in ("IL6_ng_mL", "time_min", "value", "noise_sd"):
            r[k] = float(r[k])
    return rows


def _p(name: str) -> str:
    return f"{CELL}__{name}"


def observables() -> dict[str, str]:
    """Our observable id -> formula in the hepatocyte model's ids."""
    s = _p
    cyt = f"({s('STAT3_cyt')} + {s('STAT3_pY705_cyt')} + 2*{s('STAT3_pY705_dimer_cyt')} + {s('STAT1_STAT3_dimer_cyt')})"
    nuc = f"({s('STAT3_nuc')} + 2*{s('STAT3_pY705_dimer_nuc')} + {s('STAT1_STAT3_dimer_nuc')})"
    gp = " + ".join([s("gp130")] + [s(f"{cx}{st}") for cx in ("C6", "T6", "C11", "T11")
                                    for st in ("", "_pJAK", "_pJAK_SOCS3")])
    conv = f"{V_STAT3SIM}/{V_SOBOTTA}"
    # SOCS3 protein: free and bound to the JAK-active receptor complexes (Sobotta measured total SOCS3)
    socs = " + ".join([s("SOCS3")] + [s(f"{cx}_pJAK_SOCS3") for cx in ("C6", "T6", "C11", "T11")])
    return {
        "pSTAT3_percent": f"100*{s('obs__pSTAT3_total')}",
        "SOCS3_abs": f"({socs})*{conv}",
        "gp130_abs": f"({gp})*{conv}",
        "cytSTAT3_abs": f"{cyt}*{conv}",
        "nuc_cyt_STAT3": f"{nuc}/{cyt}",
        "pSTAT3_wb": f"observableParameter1_pSTAT3_wb + observableParameter2_pSTAT3_wb*{s('obs__pSTAT3_total')}",
        "SOCS3_qpcr": f"observableParameter1_SOCS3_qpcr + observableParameter2_SOCS3_qpcr*{s('SOCS3_mRNA')}",
    }


#: nuisance parameters (offset, scale) of the relative data: id -> (scale, lower, upper, nominal)
NUISANCE = {
    "offset_pSTAT3_wb": ("log10", 1e-3, 10.0, 0.2),
    "scale_pSTAT3_wb": ("log10", 1e-2, 1e3, 2.0),
    "offset_SOCS3_qpcr": ("log10", 1e-4, 10.0, 0.05),
    "scale_SOCS3_qpcr": ("log10", 1e-4, 1e2, 0.1),
}


def build(out: Path, values: dict[str, float] | None = None, data: Path = DATA) -> Path:
    """Write the PEtab problem into ``out``; ``values`` overrides the model's parameter values
    (ids without the cell prefix) before export. Returns the problem's YAML."""
    import petab.v1 as petab  # noqa: F401 (the problem is checked by ``stat3sim fit``)
    from stat3sim.engine.sbml import to_sbml
    from stat3sim.model import signaling_network

    net = signaling_network(CELL)
    sbml = to_sbml(net)
    out.mkdir(parents=True, exist_ok=True)
    (out / "model.xml").write_text(sbml)
    rows = read_data(data)
    doses = sorted({r["IL6_ng_mL"] for r in rows})
    cond_id = {d: ("unstimulated" if d == 0 else f"IL6_{d:g}ng".replace(".", "p")) for d in doses}
    with (out / "conditions.tsv").open("w") as f:
        f.write("conditionId\tconditionName\tIL6\n")
        f.write("steady\tunstimulated steady state (pre-equilibration)\t0\n")
        for d in doses:
            f.write(f"{cond_id[d]}\tIL-6 {d:g} ng/mL\t{d / IL6_KDA!r}\n")
    obs = observables()
    with (out / "observables.tsv").open("w") as f:
        f.write("observableId\tobservableFormula\tobservableTransformation\tnoiseFormula\tnoiseDistribution\n")
        scales = {r["observable"]: r["noise_scale"] for r in rows}
        for oid, formula in obs.items():
            if oid in scales:
                f.write(f"{oid}\t{formula}\t{scales[oid]}\tnoiseParameter1_{oid}\tnormal\n")
    with (out / "measurements.tsv").open("w") as f:
        f.write("observableId\tpreequilibrationConditionId\tsimulationConditionId\tmeasurement\ttime\t"
                "observableParameters\tnoiseParameters\n")
        for r in rows:
            op = ""
            if r["observable"] in ("pSTAT3_wb", "SOCS3_qpcr"):
                op = f"offset_{r['observable']};scale_{r['observable']}"
            f.write(f"{r['observable']}\tsteady\t{cond_id[r['IL6_ng_mL']]}\t{r['value']!r}\t{r['time_min']!r}\t"
                    f"{op}\t{r['noise_sd']!r}\n")
    cur = {p.id: p.value for p in net.parameters.values()} if isinstance(net.parameters, dict) else \
        {p.id: p.value for p in net.parameters}
    values = values or {}
    with (out / "parameters.tsv").open("w") as f:
        f.write("parameterId\tparameterScale\tlowerBound\tupperBound\tnominalValue\testimate\n")
        for name, (lo, hi) in FITTED.items():
            v = values.get(name, cur[_p(name)])
            f.write(f"{_p(name)}\tlog10\t{lo!r}\t{hi!r}\t{v!r}\t1\n")
        for name, (sc, lo, hi, nom) in NUISANCE.items():
            f.write(f"{name}\t{sc}\t{lo!r}\t{hi!r}\t{nom!r}\t1\n")
    yaml = out / "problem.yaml"
    yaml.write_text("format_version: 1\nparameter_file: parameters.tsv\nproblems:\n- condition_files: [conditions.tsv]\n"
                    "  measurement_files: [measurements.tsv]\n  observable_files: [observables.tsv]\n"
                    "  sbml_files: [model.xml]\n")
    return yaml


# ----------------------------------------------------------------- fitting
_RES: dict = {}


def _warm_simulator(problem):
    """stat3sim's PEtab simulator, but each pre-equilibration starts from the last steady
    state found (the model has one steady state for given parameters, and the fit moves
    them a little at a time), not from the model's initial values: the same steady state,
    found in a fraction of the time. The default tolerances of ``simulate --petab``."""
    from stat3sim.petab.simulate import PetabSimulator

    class Warm(PetabSimulator):
        _warm = None

        def _start(self, cid, values):
            super()._start(cid, values)
            if cid == "steady" and self._warm is not None:
                for sid, v in zip(*self._warm):
                    self.rr[sid] = max(v, 0.0)

        def _steady(self):
            ok = super()._steady()
            # the criterion (weighted RMS of dx/dt < 1) leaves the slowest modes (ligand loss
            # 0.001/min, receptor turnover 0.0026/min) up to ~1e-3 away from the fixed point,
            # differently from a warm and a cold start: relax them for SETTLE_MIN more
            t = float(self.rr.model.getTime())
            self.rr.simulate(times=[t, t + SETTLE_MIN])
            x, _ = self._state()
            self._warm = (list(self._state_ids), x.copy()) if ok and np.all(np.isfinite(x)) else None
            return ok

    import numpy as np

    return Warm(problem)


def _residual_fn(yaml: str):
    """Residuals (one per measurement row, on the row's noise scale) at the fitted
    parameters x (their PEtab scale); the sum of their squares / 2 plus a constant is the
    PEtab negative log-likelihood (fixed noise sds). Loaded once per process."""
    import numpy as np

    from stat3sim.petab.fit import Nllh, fit_spec

    if yaml not in _RES:
        from stat3sim.petab import load_problem

        problem = load_problem(yaml)
        spec = fit_spec(problem)
        sim = _warm_simulator(problem)
        nllh = Nllh(yaml)
        obs = problem.measurement_df["observableId"].to_numpy()
        tr = problem.observable_df["observableTransformation"].reindex(obs).to_numpy(dtype=object)
        m = problem.measurement_df["measurement"].to_numpy(float)
        fm = np.where(tr == "log10", np.log10(m), m)

        def res(x):
            for _attempt in range(2):  # on a CVODE failure, once more from the model's initial state
                try:
                    y, s, failed, _ = sim.simulate_rows(spec.values(x))
                except Exception:  # noqa: BLE001
                    failed = True
                if not failed:
                    break
                sim._warm = None
            else:
                return np.full(len(m), 1e3)
            with np.errstate(all="ignore"):
                fy = np.where(tr == "log10", np.log10(y), y)
            r = (fy - fm) / s
            return np.where(np.isfinite(r), r, 1e3)

        _RES.clear()
        _RES[yaml] = (res, nllh, spec)
    return _RES[yaml]


def _lsq(yaml: str, x0, free=None, fixed_value=None, max_nfev: int = 400):
    """Trust-region least squares (scipy TRF, forward-difference Jacobian) from x0 over the
    ``free`` parameters (all when None), the others held at x0 (with index ``fixed_value``
    = (i, v) set first). Returns (x, nllh)."""
    import numpy as np
    from scipy.optimize import least_squares

    res, nllh, spec = _residual_fn(yaml)
    x0 = np.array(x0, float)
    if fixed_value is not None:
        x0[fixed_value[0]] = fixed_value[1]
    free = np.arange(len(x0)) if free is None else np.asarray(free)
    lb, ub = np.asarray(spec.lb)[free], np.asarray(spec.ub)[free]

    def f(z):
        x = x0.copy()
        x[free] = z
        return res(x)

    r = least_squares(f, np.clip(x0[free], lb + 1e-9, ub - 1e-9), bounds=(lb, ub), method="trf",
                      diff_step=1e-3, x_scale=1.0, max_nfev=max_nfev, xtol=1e-8, ftol=1e-8, gtol=1e-8)
    x = x0.copy()
    x[free] = r.x
    return x.tolist(), float(nllh(x))


def _start(job):
    yaml, x0 = job
    t0 = time.perf_counter()
    x, f = _lsq(yaml, x0)
    return {"x0": list(map(float, x0)), "x": x, "nllh": f, "seconds": time.perf_counter() - t0}


def _profile(job):
    """Profile of parameter i from the best fit: steps of ``step`` (log10) to either side,
    the others re-fitted (warm start) at each, until the nllh is 2.3 above the best or the
    bound is reached; 95 % CI where it crosses +1.92 (stat3sim.petab.fit.ci_bounds)."""
    import numpy as np

    from stat3sim.petab.fit import ci_bounds, ci_ratio

    yaml, xb, fb, i, step = job
    t0 = time.perf_counter()
    _, _, spec = _residual_fn(yaml)
    others = [k for k in range(len(xb)) if k != i]
    xs, fs = [xb[i]], [fb]
    for d in (-1, 1):
        x_prev, f_prev = list(xb), fb
        v, h = xb[i], step
        for _k in range(MAX_PROFILE_POINTS):
            v = float(np.clip(v + d * h, spec.lb[i], spec.ub[i]))
            x_new, f_new = _lsq(yaml, x_prev, free=others, fixed_value=(i, v), max_nfev=20)
            xs.append(v)
            fs.append(f_new)
            if f_new - fb > 2.3 or v in (spec.lb[i], spec.ub[i]):
                break
            # a flat stretch: longer steps (up to 10 × step), as the library's profiles do
            h = min(h * 1.5, 5 * step) if f_new - f_prev < 0.1 else step
            x_prev, f_prev = x_new, f_new
    o = np.argsort(xs)
    xs_a, fs_a = np.asarray(xs)[o], np.asarray(fs)[o]
    fmin = min(fb, float(fs_a.min()))
    lo, hi = ci_bounds(xs_a, np.exp(-(fs_a - fmin)), ci_ratio(), spec.lb[i], spec.ub[i])
    return {"id": spec.ids[i], "x": xs_a.tolist(), "nllh": fs_a.tolist(), "lower": lo, "upper": hi,
            "best_on_profile": fmin, "seconds": time.perf_counter() - t0}


def nuisance_fit(yaml: str, values: dict[str, float] | None = None) -> float:
    """The negative log-likelihood with the kinetic parameters at ``values`` (ids without
    the cell prefix; the model's shipped values for the others) and the nuisance offsets
    and scales re-fitted (least squares from their nominal values)."""
    import numpy as np

    res, nllh, spec = _residual_fn(yaml)
    x = np.array(spec.nominal, float)
    for name, v in (values or {}).items():
        x[spec.ids.index(_p(name))] = math.log10(v)
    free = [i for i, pid in enumerate(spec.ids) if not pid.startswith(CELL + "__")]
    return _lsq(yaml, x, free=free, max_nfev=200)[1]


def _profiles_only(args) -> int:
    """Profiles again from the best start of an earlier ``fit --out`` (its fit.json)."""
    from multiprocessing import get_context

    out = json.loads((args.out / "fit.json").read_text())
    if args.from_start is not None:  # profile around another start's optimum
        out["best_start"] = args.from_start
        out["best"] = out["starts"][args.from_start]
    yaml, xb, fb = out["problem"], out["best"]["x"], out["best"]["nllh"]
    kinetic = [i for i, pid in enumerate(out["fitted"]) if pid.startswith(CELL + "__")
               and (not args.only or pid.removeprefix(CELL + "__") in args.only.split(","))]
    t1 = time.perf_counter()
    profs = []
    with get_context("spawn").Pool(args.workers) as pool:
        for p in pool.imap_unordered(_profile, [(yaml, xb, fb, i, args.step) for i in kinetic]):
            profs.append(p)
            out["profiles"] = sorted(profs, key=lambda q: out["fitted"].index(q["id"]))
            (args.out / "fit.json").write_text(json.dumps(out, indent=1))
            print(p["id"], "done", flush=True)
    out["profiles"] = sorted(profs, key=lambda q: out["fitted"].index(q["id"]))
    out["profile_seconds"] = time.perf_counter() - t1
    (args.out / "fit.json").write_text(json.dumps(out, indent=1))
    _print_profiles(out)
    return 0


def _print_profiles(out: dict) -> None:
    for p in out["profiles"]:
        lo = "open" if p["lower"] is None else f"{10 ** p['lower']:.4g}"
        hi = "open" if p["upper"] is None else f"{10 ** p['upper']:.4g}"
        print(f"{p['id']}: best {10 ** out['best']['x'][out['fitted'].index(p['id'])]:.4g}, 95 % CI [{lo}, {hi}]"
              f" (lowest nllh on the profile {p['best_on_profile']:.3f}, {len(p['x'])} points, {p['seconds']:.0f} s)",
              flush=True)


def run_fit(args) -> int:
    """Multi-start least squares (start 0 at the model's values, the others drawn with
    numpy's default_rng(seed), see START_DECADES) and profiles of the kinetic parameters (not of
    the nuisance offsets and scales); writes ``fit.json`` into ``--out``."""
    from multiprocessing import get_context

    import numpy as np

    from stat3sim.petab import load_problem
    from stat3sim.petab import fit as F

    args.out.mkdir(parents=True, exist_ok=True)
    if args.profiles_only:
        return _profiles_only(args)
    yaml = str(build(args.out / "petab", values=OLD_VALUES if args.from_old else None).resolve())
    spec = F.fit_spec(load_problem(yaml))
    rng = np.random.default_rng(args.seed)
    nom = np.asarray(spec.nominal, float)
    lo = np.maximum(np.asarray(spec.lb), nom - START_DECADES)
    hi = np.minimum(np.asarray(spec.ub), nom + START_DECADES)
    x0 = rng.uniform(lo, hi, size=(args.starts, len(nom)))
    x0[0] = nom
    t0 = time.perf_counter()
    with get_context("spawn").Pool(args.workers) as pool:
        starts = pool.map(_start, [(yaml, list(x)) for x in x0], chunksize=1)
        best = min(range(len(starts)), key=lambda k: starts[k]["nllh"])
        out = {"problem": yaml, "fitted": spec.ids, "scales": spec.scales, "lb": list(spec.lb),
               "ub": list(spec.ub), "nominal": list(spec.nominal), "starts": starts, "best_start": best,
               "best": starts[best], "multistart_seconds": time.perf_counter() - t0}
        print(f"{args.starts} starts in {out['multistart_seconds']:.0f} s: nllh "
              + ", ".join(f"{s['nllh']:.2f}" for s in starts), flush=True)
        (args.out / "fit.json").write_text(json.dumps(out, indent=1))
    if not args.no_profiles:
        return _profiles_only(args)
    return 0


def ship(fit_dir: Path, out: Path) -> int:
    """The values to ship: every kinetic parameter at the best fit (3 significant digits;
    holding the undetermined ones at their old values instead costs ~30 in nllh: the old
    values are not compatible with the data), the nuisance offsets and scales re-fitted.
    Only the parameters whose profile is bounded on both sides count as calibrated. Writes
    ``fit_dir/ship.json`` and ``out`` (parameter_uncertainty.tsv: one row per bounded
    parameter, the estimate rounded to 3 significant digits, its profile CI; ids: every
    model id of the tnbc scenario that shares it, i.e. each cell type's copy)."""
    import numpy as np

    fit = json.loads((fit_dir / "fit.json").read_text())
    yaml = fit["problem"]
    res, nllh, spec = _residual_fn(yaml)
    profs = {p["id"]: p for p in fit["profiles"]}
    bounded = [pid for pid, p in profs.items() if p["lower"] is not None and p["upper"] is not None]
    held = [pid for pid in spec.ids if pid.startswith(CELL + "__") and pid not in bounded]
    x = np.array(fit["best"]["x"], float)
    report = {"bounded": bounded, "held": {}, "best_nllh": fit["best"]["nllh"]}
    for pid in held:  # not determined: shipped at the best fit too, but still "assumed"
        vals = sorted(10 ** st["x"][spec.ids.index(pid)] for st in fit["starts"]
                      if st["nllh"] < fit["best"]["nllh"] + 10)
        report["held"][pid] = {"old": OLD_VALUES[pid.removeprefix(CELL + "__")],
                               "starts_within_10_of_best": [min(vals), max(vals)]}
    # every kinetic parameter at the best fit, rounded to 3 digits; nuisance re-fitted
    for pid in spec.ids:
        if pid.startswith(CELL + "__"):
            x[spec.ids.index(pid)] = math.log10(float(f"{10 ** x[spec.ids.index(pid)]:.3g}"))
    free = [i for i, pid in enumerate(spec.ids) if not pid.startswith(CELL + "__")]
    xs_, f = _lsq(yaml, x, free=free, max_nfev=200)
    report["shipped_nllh"] = f
    report["values"] = {pid: 10 ** xs_[spec.ids.index(pid)] for pid in spec.ids}
    ids_all = _scenario_parameter_ids("tnbc")
    rows = []
    for pid in bounded:
        name = pid.removeprefix(CELL + "__")
        est = float(f"{10 ** xs_[spec.ids.index(pid)]:.3g}")
        lo, hi = 10 ** profs[pid]["lower"], 10 ** profs[pid]["upper"]
        ids = sorted(i for i in ids_all if i.endswith("__" + name))
        rows.append((",".join(ids), est, lo, hi))
        report["values"][pid] = est
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w") as fh:
        fh.write("ids\testimate\tci95_low\tci95_high\tscale\tsource\n")
        for ids, est, lo, hi in rows:
            fh.write(f"{ids}\t{est:.3g}\t{lo:.3g}\t{hi:.3g}\tlog\tcalibrated to Sobotta et al. 2017 (PMID "
                     f"29062282) primary mouse hepatocyte IL-6 data, profile-likelihood 95 % CI "
                     f"(docs/calibration.md)\n")
    (fit_dir / "ship.json").write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))
    return 0


def write_packaged(record: Path = RECORD, out: Path = PACKAGED) -> int:
    """The package's uncertainty table (``stat3sim run --bands`` without ``--uncertainty``):
    the rows of the fit's record for the SHARED rates, the ones the model ships in every cell
    type. Returns the number of rows."""
    with record.open() as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t")
                if r["ids"].split(",")[0].split("__", 1)[1] in SHARED]
    cols = ("ids", "estimate", "ci95_low", "ci95_high", "scale")
    with out.open("w") as fh:
        fh.write("\t".join((*cols, "source")) + "\n")
        for r in rows:
            fh.write("\t".join((*(r[c] for c in cols), PACKAGED_SOURCE)) + "\n")
    return len(rows)


def _scenario_parameter_ids(scenario: str) -> list[str]:
    from stat3sim import runs
    from stat3sim.scenarios import load_scenario

    net = runs.build(load_scenario(scenario))
    return [p.id for p in (net.parameters.values() if isinstance(net.parameters, dict) else net.parameters)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("extract")
    e.add_argument("folder", type=Path)
    b = sub.add_parser("build")
    b.add_argument("--out", type=Path, required=True)
    fi = sub.add_parser("fit")
    fi.add_argument("--out", type=Path, required=True)
    fi.add_argument("--starts", type=int, default=8)
    fi.add_argument("--seed", type=int, default=0)
    fi.add_argument("--workers", type=int, default=2)
    fi.add_argument("--no-profiles", action="store_true")
    fi.add_argument("--step", type=float, default=0.05, help="profile step (log10 units)")
    fi.add_argument("--from-old", action="store_true", help="start 0 at the values before calibration")
    fi.add_argument("--profiles-only", action="store_true", help="only the profiles, from --out's fit.json")
    fi.add_argument("--from-start", type=int, default=None, help="profile from this start's optimum")
    fi.add_argument("--only", default="", help="profile only these parameters (comma-separated, no cell prefix)")
    sh = sub.add_parser("ship")
    sh.add_argument("fit_dir", type=Path)
    sh.add_argument("--out", type=Path, default=RECORD)
    co = sub.add_parser("compare")
    co.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    if args.cmd == "ship":
        rc = ship(args.fit_dir, args.out)
        print(f"wrote {PACKAGED} ({write_packaged(args.out)} rows)")
        return rc
    if args.cmd == "compare":
        yaml = str(build(args.out).resolve())
        print(json.dumps({"nllh_shipped": nuisance_fit(yaml), "nllh_before": nuisance_fit(yaml, OLD_VALUES)}))
        return 0
    if args.cmd == "extract":
        print(f"wrote {DATA} ({extract(args.folder)} rows)")
        return 0
    if args.cmd == "build":
        print(f"wrote {build(args.out)}")
        return 0
    return run_fit(args)


if __name__ == "__main__":
    sys.exit(main())
