"""The negative log-likelihood of a PEtab problem's measurements given a simulation.

Per measurement row, with measurement m, simulation y and noise standard deviation σ
(the observable's noiseFormula, on the observableTransformation's scale):

* normal: ½ log(2π σ²) + ½ ((f(m) − f(y)) / σ)², Laplace: log(2σ) + |f(m) − f(y)| / σ,
  f the transformation (lin, log, log10);
* for log and log10 the density is that of m, not of f(m): + log(m), + log(m·ln 10).

This is PEtab v1's definition (the same as ``petab.v1.calculate.calculate_single_llh``,
which the tests compare with). Priors of the parameter table are not included.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

LN10 = np.log(10.0)


def nllh_terms(measurement: np.ndarray, simulation: np.ndarray, sigma: np.ndarray,
               transformation: np.ndarray, distribution: np.ndarray) -> np.ndarray:
    """One negative log-likelihood term per row (NaN where a value is missing)."""
    m = np.asarray(measurement, float)
    y = np.asarray(simulation, float)
    s = np.asarray(sigma, float)
    tr = np.asarray(transformation, object)
    dist = np.asarray(distribution, object)
    with np.errstate(all="ignore"):
        fm = np.select([tr == "log", tr == "log10"], [np.log(m), np.log10(m)], m)
        fy = np.select([tr == "log", tr == "log10"], [np.log(y), np.log10(y)], y)
        jac = np.select([tr == "log", tr == "log10"], [np.log(m), np.log(m * LN10)], 0.0)
        r = (fm - fy) / s
        normal = 0.5 * np.log(2 * np.pi * s * s) + 0.5 * r * r
        laplace = np.log(2 * s) + np.abs(r)
    return np.where(dist == "laplace", laplace, normal) + jac


def negative_log_likelihood(measurement_df: pd.DataFrame, observable_df: pd.DataFrame,
                            simulation: np.ndarray, sigma: np.ndarray) -> tuple[float, float]:
    """(negative log-likelihood, chi²) of the measurement table; chi² is Σ r² on the
    transformed scale."""
    obs = measurement_df["observableId"].to_numpy()

    def per_row(col: str, default: str) -> np.ndarray:
        if col not in observable_df.columns:
            return np.full(len(obs), default, dtype=object)
        s = observable_df[col].fillna(default).astype(str).str.strip().replace("", default)
        return s.reindex(obs).to_numpy(dtype=object)

    tr = per_row("observableTransformation", "lin")
    dist = per_row("noiseDistribution", "normal")
    m = measurement_df["measurement"].to_numpy(float)
    terms = nllh_terms(m, simulation, sigma, tr, dist)
    with np.errstate(all="ignore"):
        fm = np.select([tr == "log", tr == "log10"], [np.log(m), np.log10(m)], m)
        fy = np.select([tr == "log", tr == "log10"], [np.log(simulation), np.log10(simulation)], simulation)
        chi2 = float(np.sum(((fm - fy) / sigma) ** 2))
    return float(np.sum(terms)), chi2
