"""Virtual populations: documented distributions, seeded Latin-hypercube sampling,
plausibility ranges.

A distribution file (``data/populations.yaml``, or a user's with the same layout) gives,
per subtype, every varied quantity: a model parameter shared by every cell type, or a
patient covariate (``diagnosis_diameter_mm``, ``weight_kg``). :func:`sample` draws ``n``
patients from a seeded Latin hypercube (``scipy.stats.qmc.LatinHypercube``), one column
per quantity, mapped through each distribution's inverse CDF. The same seed and file give
the same patients.

Only parameters shared across cell types are varied per patient: the exact model reduction
(``model.reduce``) folds leukocyte modules onto each other where their parameter values
are equal, so one cell type's own copy of a parameter would change the compiled structure
(more states, one compile per pattern). :func:`load_distributions` refuses a parameter the
reduction relies on (a pinned value, or one a folded copy must equal).

:data:`PLAUSIBLE` gives the plausibility range of each baseline readout at diagnosis,
each with its source; :func:`implausible` names the first one a patient breaks.
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import stats
from scipy.stats import qmc

#: patient covariates a distribution file may vary besides model parameters
COVARIATES = ("diagnosis_diameter_mm", "weight_kg")
DISTRIBUTIONS = ("lognormal", "uniform", "loguniform")
#: height for the body surface area of the therapy arms (Mosteller), cm: assumed
HEIGHT_CM = 165.0


class PopulationError(ValueError):
    """A distribution file that cannot be used: ``field`` names the entry."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


@dataclass(frozen=True)
class Distribution:
    """One varied quantity: ``name``, its distribution and parameters, and its source."""

    name: str
    distribution: str
    source: str
    median: float | None = None
    sigma: float | None = None
    low: float | None = None
    high: float | None = None

    def ppf(self, u: np.ndarray, nominal: float | None = None) -> np.ndarray:
        """Values at the probabilities ``u`` (0–1): the inverse CDF, truncated to
        [low, high] where given (the probabilities are mapped into the kept interval, so a
        Latin hypercube stays stratified)."""
        u = np.asarray(u, dtype=float)
        if self.distribution == "uniform":
            return self.low + u * (self.high - self.low)
        if self.distribution == "loguniform":
            return np.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        med = self.median if self.median is not None else nominal
        log = np.log if isinstance(med, np.ndarray) else math.log  # per-patient medians (an uncertainty file)
        lo = 0.0 if self.low is None else stats.norm.cdf(log(self.low / med) / self.sigma)
        hi = 1.0 if self.high is None else stats.norm.cdf(log(self.high / med) / self.sigma)
        return med * np.exp(self.sigma * stats.norm.ppf(lo + u * (hi - lo)))

    def describe(self, nominal: float | None = None) -> str:
        if self.distribution == "lognormal":
            med = self.median if self.median is not None else nominal
            cut = "" if self.low is None and self.high is None else f", truncated to [{self.low:g}, {self.high:g}]"
            return f"log-normal, median {med:.4g}, σ {self.sigma:g}{cut}"
        return f"{self.distribution} [{self.low:g}, {self.high:g}]"


def _default_text() -> str:
    return resources.files("stat3sim.cohort").joinpath("data/populations.yaml").read_text(encoding="utf-8")


def _entry(name: str, raw: object, where: str) -> Distribution:
    field = f"{where}.{name}"
    if not isinstance(raw, dict):
        raise PopulationError(field, "must be a mapping with distribution, its parameters and source")
    allowed = {"distribution", "median", "sigma", "low", "high", "source"}
    extra = sorted(set(raw) - allowed)
    if extra:
        raise PopulationError(field, f"unknown key(s) {', '.join(extra)}; allowed: {', '.join(sorted(allowed))}")
    kind = raw.get("distribution")
    if kind not in DISTRIBUTIONS:
        raise PopulationError(field, f"distribution {kind!r}; allowed: {', '.join(DISTRIBUTIONS)}")
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        raise PopulationError(field, "needs a source (a paper, or \"assumed\")")
    nums = {}
    for k in ("median", "sigma", "low", "high"):
        v = raw.get(k)
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v <= 0:
            raise PopulationError(f"{field}.{k}", f"must be a positive number, got {v!r}")
        nums[k] = float(v)
    if kind == "lognormal" and "sigma" not in nums:
        raise PopulationError(field, "a lognormal needs sigma (the SD of ln)")
    if kind in ("uniform", "loguniform") and not ("low" in nums and "high" in nums):
        raise PopulationError(field, f"a {kind} needs low and high")
    if "low" in nums and "high" in nums and nums["low"] >= nums["high"]:
        raise PopulationError(field, f"low ({nums['low']:g}) must be below high ({nums['high']:g})")
    med = nums.get("median")
    if med is not None and not (nums.get("low", 0.0) <= med <= nums.get("high", math.inf)):
        raise PopulationError(field, "median must lie within [low, high]")
    return Distribution(name, kind, source.strip(), **nums)


def load_distributions(subtype: str, network, path: str | Path | None = None) -> list[Distribution]:
    """The distributions of ``subtype`` (the file's ``default`` block, then its own), in
    the file's order, checked against ``network`` (the scenario's reduced Network): every
    name is a parameter of it or a covariate, and none is one the reduction relies on."""
    text = Path(path).read_text(encoding="utf-8") if path is not None else _default_text()
    where = str(path) if path is not None else "populations.yaml"
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise PopulationError(where, f"not valid YAML ({str(e).splitlines()[0]})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("default", {}), dict):
        raise PopulationError(where, "must be a mapping: default: {name: {...}}, <subtype>: {name: {...}}")
    merged: dict[str, tuple[object, str]] = {}
    for block in ("default", subtype):
        for name, entry in (raw.get(block) or {}).items():
            merged[name] = (entry, block)
    if not merged:
        raise PopulationError(where, f"varies nothing for subtype {subtype!r}")
    ids = set(network.parameter_ids)
    relied = {}
    for pid, kind in network.pinned:
        want = f"equal to {kind[1:]}" if kind.startswith("=") else "0" if kind == "zero" else kind
        relied[pid] = f"the reduction relies on it staying {want}"
        if kind.startswith("="):
            relied.setdefault(kind[1:], f"folded copies must equal it ({pid})")
    out = []
    for name, (entry, block) in merged.items():
        if name not in COVARIATES and name not in ids:
            raise PopulationError(f"{where}: {block}.{name}",
                                  f"unknown parameter; a model parameter or one of {', '.join(COVARIATES)}")
        if name in relied:
            raise PopulationError(f"{where}: {block}.{name}", f"cannot vary per patient: {relied[name]} "
                                  "(model.reduce); vary a parameter shared by every cell type")
        if name in network.parameter_ids and entry.get("distribution") == "lognormal" and entry.get("median") is None \
                and network.parameter(name).value <= 0:
            raise PopulationError(f"{where}: {block}.{name}", "model value is 0: give a median")
        out.append(_entry(name, entry, f"{where}: {block}"))
    return out


def _stream(seed: int, batch: int, *key: int) -> np.random.Generator:
    """The random stream of one batch: batch 0 is the seed's own stream (a cohort without
    extensions draws exactly what it always drew), batch k > 0 a stream of its own."""
    return np.random.default_rng([int(seed), *key] if not batch else [int(seed), *key, 0x5EED, int(batch)])


def batches(n: int, extensions: tuple[int, ...] = ()) -> list[tuple[int, int]]:
    """(first patient id, size) of a cohort's batches: ``n`` patients, then each extension."""
    out, start = [], 0
    for size in (n, *extensions):
        out.append((start, int(size)))
        start += int(size)
    return out


def sample(distributions: list[Distribution], n: int, seed: int, network, extensions: tuple[int, ...] = (),
           uncertainty=None) -> pd.DataFrame:
    """``n`` patients: ``patient_id`` (0…n−1) then one column per distribution, from a
    seeded, scrambled Latin hypercube; lognormals without a median are centred on the
    network's value. Adds ``bsa_m2`` (Mosteller at :data:`HEIGHT_CM`) when ``weight_kg``
    varies.

    ``extensions`` appends batches (sizes) after the first ``n``, each its own seeded Latin
    hypercube with the next patient ids: a larger sample that keeps the first patients as
    they were (a trial screens more patients this way without re-running those it has).

    ``uncertainty``: rows of a parameter-uncertainty file (:mod:`stat3sim.uncertainty`,
    checked against ``network`` with ``pinned=True``): each patient also draws those
    calibrated parameters, one column per id (the ids of a row share its value), from the
    file's distributions (:func:`stat3sim.uncertainty.draw`: a Latin hypercube on a stream of
    its own, so the other columns' probabilities are those drawn without the file; batches as
    above). A parameter that the distribution file also varies (a lognormal without a median:
    between-patient variability around the typical value) scatters around the patient's
    drawn value instead of the network's: the file's uncertainty of the typical value times
    the between-patient variability."""
    if n <= 0 or any(e <= 0 for e in extensions):
        raise ValueError("n and every extension must be positive")
    drawn = None
    if uncertainty:
        from ..uncertainty import draw

        drawn = draw(uncertainty, n, seed, tuple(extensions))
        for d in distributions:
            if d.name in drawn.columns and not (d.distribution == "lognormal" and d.median is None):
                raise PopulationError(d.name, f"varied by the parameter-uncertainty file and by a {d.distribution} "
                                              "of its own in the distribution file; a parameter in both needs a "
                                              "lognormal without a median there (the patients then scatter around "
                                              "each one's drawn value)")
    frames = [_sample_batch(distributions, start, size, _stream(seed, b), network,
                            drawn.iloc[start:start + size] if drawn is not None else None)
              for b, (start, size) in enumerate(batches(n, extensions))]
    df = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    if drawn is not None:
        df = pd.concat([df, drawn[[c for c in drawn.columns if c not in df.columns]]], axis=1)
    return df


def _sample_batch(distributions, start: int, n: int, rng, network, drawn: pd.DataFrame | None = None) -> pd.DataFrame:
    lhs = qmc.LatinHypercube(d=len(distributions), rng=rng)
    u = lhs.random(n)
    data = {"patient_id": np.arange(start, start + n, dtype=np.int64)}
    for j, d in enumerate(distributions):
        nominal = network.parameter(d.name).value if d.name not in COVARIATES else None
        if drawn is not None and d.name in drawn.columns:
            nominal = drawn[d.name].to_numpy(float)  # the patient's drawn typical value
        data[d.name] = d.ppf(u[:, j], nominal)
    df = pd.DataFrame(data)
    if "weight_kg" in df:
        df["bsa_m2"] = np.sqrt(df["weight_kg"] * HEIGHT_CM / 3600.0)
    return df


def distributions_hash(distributions: list[Distribution]) -> str:
    return hashlib.sha256(json.dumps([d.__dict__ for d in distributions], sort_keys=True).encode()).hexdigest()[:16]


# ------------------------------------------------------------------ plausibility
#: tumor volume doubling time by subtype (days): Ryu et al. 2014 (FACTS.md), mean ± 2 SD
#: of TNBC 103 ± 43, HER2+ 162 ± 60, ER+ 241 ± 166 (lower bound 0 where the mean − 2 SD is)
_DOUBLING = {"tnbc": (103.0, 43.0), "her2": (162.0, 60.0), "luminal_a": (241.0, 166.0), "luminal_b": (241.0, 166.0)}
_RYU = "Ryu et al. 2014 (FACTS.md), mean ± 2 SD"
_QSP = "QSP-IO TNBC plausibility bounds (postprocessing/PSA_param_out_TNBC.m @acc8366, FACTS.md)"
#: nuclear pSTAT3 (Y705) H-scores span 10–300 among positive tumors, 24 % negative
#: (Lund 2020, FACTS-TME.md 3): at most 30 × the subtype's model value, no lower bound
PSTAT3_SPAN = 30.0


@dataclass(frozen=True)
class Range:
    readout: str
    low: float | None
    high: float | None
    unit: str
    source: str


def plausible_ranges(subtype: str, nominal_pstat3: float) -> list[Range]:
    """The plausibility ranges at diagnosis for ``subtype`` (``nominal_pstat3``: the
    tumor.pSTAT3 of the subtype's nominal run at diagnosis size)."""
    mean, sd = _DOUBLING.get(subtype, _DOUBLING["luminal_a"])
    low = mean - 2 * sd
    return [
        Range("doubling_time_days", low if low > 0 else None, mean + 2 * sd, "day",
              f"{_RYU} ({subtype}: {mean:g} ± {sd:g} d)"),
        Range("CD8_per_mL", 1e5, 1e9, "cell/mL", _QSP),
        Range("MDSC_per_mL", 1e4, 1e7, "cell/mL", _QSP),
        Range("macrophage_per_mL", 1e5, 1e8, "cell/mL", _QSP),
        Range("serum_IL6_pg_mL", 1.0, 50.0, "pg/mL",
              "healthy < 5 pg/mL, raised in metastatic breast cancer (review [62-65]; range assumed, as "
              "model.tme.SERUM_RANGES)"),
        Range("serum_IL11_pg_mL", 33.0, 486.0, "pg/mL",
              "controls ~66, bone metastasis ~243 pg/mL (Ren 2014, FACTS.md; printed µg/L, read as pg/mL: presumed misprint), widened 2-fold each "
              "side (assumed)"),
        Range("tumor.pSTAT3", None, PSTAT3_SPAN * nominal_pstat3, "index",
              f"pY705 H-score spans 10–300 among positive tumors, 24 % negative (Lund 2020, FACTS-TME.md 3): "
              f"≤ {PSTAT3_SPAN:g} × the {subtype} model value, no lower bound"),
    ]


def implausible(baseline: dict[str, float], ranges: list[Range]) -> str | None:
    """The first range ``baseline`` breaks, as ``"<readout> below <low>"`` /
    ``"<readout> above <high>"`` (a non-finite value: ``"<readout> not finite"``), or None."""
    for r in ranges:
        v = baseline.get(r.readout)
        if v is None:
            continue
        if not math.isfinite(v):
            return f"{r.readout} not finite"
        if r.low is not None and v < r.low:
            return f"{r.readout} below {r.low:g}"
        if r.high is not None and v > r.high:
            return f"{r.readout} above {r.high:g}"
    return None


# ------------------------------------------------------------------ PK variability
#: CV of clearance between patients for a drug whose popPK source gives none (assumed:
#: 30 % is typical of the popPK models read for this catalog — tocilizumab 39 %,
#: siltuximab 20 %, paclitaxel 27 %, galunisertib 47 %)
ASSUMED_PK_CV = 0.30


@dataclass(frozen=True)
class PKVariability:
    """Between-patient variability of one drug's elimination: ``parameter`` (the network's
    ``<drug>__CL``, or ``<drug>__CLmax`` for a drug cleared only saturably) times
    exp(η), η ~ N(0, ω²) with ω² = ln(1 + cv²)."""

    drug: str
    ident: str
    cv: float
    source: str

    @property
    def column(self) -> str:
        return f"pk.{self.ident}.clearance_factor"

    @property
    def omega(self) -> float:
        return math.sqrt(math.log1p(self.cv ** 2))


def pk_variability(regimens) -> list[PKVariability]:
    """One :class:`PKVariability` per dosable drug among ``regimens`` (texts), sorted by
    name: the catalog's ``iiv_cv`` (its popPK source) or :data:`ASSUMED_PK_CV`."""
    from ..therapy.regimen import parse_regimen

    out: dict[str, PKVariability] = {}
    for text in regimens:
        reg = parse_regimen(text)
        drug = reg.drug
        if reg.is_exposure or drug.pk is None or drug.name in out:
            continue
        q = drug.pk.iiv_cv
        if q is not None:
            out[drug.name] = PKVariability(drug.name, drug.ident, float(q.value), q.source)
        else:
            out[drug.name] = PKVariability(drug.name, drug.ident, ASSUMED_PK_CV,
                                           f"assumed: {ASSUMED_PK_CV:.0%} CV (no between-patient variability read)")
    return [out[k] for k in sorted(out)]


def sample_pk(variability: list[PKVariability], n: int, seed: int, extensions: tuple[int, ...] = ()) -> pd.DataFrame:
    """Each patient's clearance factor exp(η) per drug: a seeded one-dimensional Latin
    hypercube per drug, its stream keyed by the drug's name (a patient's factor for a drug
    does not depend on which other drugs a cohort gives); ``extensions`` as in :func:`sample`."""
    import zlib

    data = {}
    for v in variability:
        parts = []
        for b, (_, size) in enumerate(batches(n, extensions)):
            u = qmc.LatinHypercube(d=1, rng=_stream(seed, b, zlib.crc32(v.drug.encode()))).random(size)[:, 0]
            parts.append(np.exp(v.omega * stats.norm.ppf(u)))
        data[v.column] = np.concatenate(parts)
    return pd.DataFrame(data)


def clearance_parameters(net, ident: str) -> list[str]:
    """The elimination parameter η scales in ``net``: ``<ident>__CL`` when linear
    clearance is positive, else ``<ident>__CLmax`` (saturable elimination only)."""
    ids = set(net.parameter_ids)
    cl = f"{ident}__CL"
    if cl in ids and net.parameter(cl).value > 0:
        return [cl]
    return [p for p in (f"{ident}__CLmax",) if p in ids]


# ------------------------------------------------------------------ PD-L1 status
#: share of PD-L1-positive patients (PD-L1 on immune cells ≥ 1 % by SP142): IMpassion130
#: enrolled 451 per arm, 184 of its control arm PD-L1+ (FACTS-TRIALS.md, Schmid 2018)
PDL1_POSITIVE_SHARE = 184 / 451
PDL1_SOURCE = ("PD-L1+ = baseline tumor.PDL1 in the top 40.8 % of the cohort's plausible patients: IMpassion130's "
               "PD-L1 IC ≥ 1 % share (184/451, FACTS-TRIALS.md); tumor CD274 stands in for the SP142 immune-cell "
               "score (assumed)")


def pdl1_threshold(pdl1: pd.Series, share: float = PDL1_POSITIVE_SHARE) -> float:
    """The baseline tumor.PDL1 above which a patient is PD-L1-positive: the (1 − share)
    quantile of ``pdl1`` (the plausible patients' values)."""
    v = pd.to_numeric(pdl1, errors="coerce").dropna()
    if v.empty:
        return math.nan
    return float(np.quantile(v.to_numpy(), 1.0 - share))


# ------------------------------------------------------------------ selection (Allen 2016)
@dataclass(frozen=True)
class Target:
    """An observed distribution of one baseline readout that selection matches: normal
    (``mean``, ``sd``) truncated to positive values, with its source."""

    readout: str
    mean: float
    sd: float
    source: str

    def pdf(self, x: np.ndarray) -> np.ndarray:
        a = (0.0 - self.mean) / self.sd
        return stats.truncnorm.pdf(x, a, np.inf, loc=self.mean, scale=self.sd)

    def cdf(self, x: np.ndarray) -> np.ndarray:
        a = (0.0 - self.mean) / self.sd
        return stats.truncnorm.cdf(x, a, np.inf, loc=self.mean, scale=self.sd)


#: what selection matches by subtype: the tumor volume doubling time at diagnosis
#: (Ryu et al. 2014, FACTS.md: mean ± SD by subtype)
SELECTION_TARGETS = {st: [Target("doubling_time_days", m, sd, f"Ryu et al. 2014 (FACTS.md): {st} {m:g} ± {sd:g} d")]
                     for st, (m, sd) in _DOUBLING.items()}


@dataclass
class Selection:
    """The outcome of :func:`select`: per plausible patient the density ratio (importance
    weight), the acceptance probability and whether it was accepted."""

    table: pd.DataFrame  # patient_id, weight, p_accept, selected
    ess: float  # Kish effective sample size of the weights
    ks_before: dict[str, float]
    ks_after: dict[str, float]
    targets: list[Target]

    def summary(self) -> dict:
        return {"method": "Allen et al. 2016 (CPT Pharmacometrics Syst Pharmacol 5:140): acceptance probability "
                          "p_i = f_target(x_i) / (c · f_plausible(x_i)), c = max ratio (no clipping); f_plausible "
                          "a Gaussian kernel density of the plausible patients in log scale",
                "targets": [t.__dict__ for t in self.targets],
                "plausible": int(len(self.table)), "selected": int(self.table["selected"].sum()),
                "effective_sample_size": self.ess,
                "ks_statistic_plausible": self.ks_before, "ks_statistic_selected": self.ks_after}


def select(baseline: pd.DataFrame, targets: list[Target], seed: int) -> Selection:
    """Select plausible patients (``baseline``: ``patient_id`` and one column per target
    readout) so the selected ones follow ``targets`` (independent readouts; Allen 2016)."""
    if baseline.empty:
        raise ValueError("no plausible patients to select from")
    x = np.column_stack([np.log(baseline[t.readout].to_numpy(float)) for t in targets])
    ok = np.all(np.isfinite(x), axis=1)
    ratio = np.zeros(len(baseline))
    if ok.sum() >= 2:
        kde = stats.gaussian_kde(x[ok].T)
        f_plaus = kde(x[ok].T)  # density of log(x)
        f_target = np.ones(ok.sum())
        for j, t in enumerate(targets):
            v = np.exp(x[ok, j])
            f_target *= t.pdf(v) * v  # density of log(x) under the target
        ratio[ok] = f_target / np.maximum(f_plaus, 1e-300)
    p = ratio / ratio.max() if ratio.max() > 0 else ratio
    u = np.random.default_rng([int(seed), 2016]).random(len(baseline))
    chosen = u < p
    w = ratio
    ess = float(w.sum() ** 2 / (w ** 2).sum()) if (w ** 2).sum() > 0 else 0.0
    table = pd.DataFrame({"patient_id": baseline["patient_id"].to_numpy(), "weight": w, "p_accept": p,
                          "selected": chosen})

    def ks(mask) -> dict[str, float]:
        out = {}
        for t in targets:
            v = baseline[t.readout].to_numpy(float)[mask]
            v = v[np.isfinite(v)]
            out[t.readout] = float(stats.kstest(v, t.cdf).statistic) if v.size else math.nan
        return out

    return Selection(table, ess, ks(np.ones(len(baseline), bool)), ks(chosen), targets)
