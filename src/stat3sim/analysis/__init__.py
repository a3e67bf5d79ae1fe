"""Analyses built on the simulator: drug dose-response curves and combination matrices.

* :mod:`.dose_response` — one drug at a range of constant concentrations on one cell in
  culture, a readout relative to no drug, and a four-parameter log-logistic fit (IC50 and
  Hill slope with 95 % confidence intervals): :func:`dose_response`.
* :mod:`.synergy` — two therapies on a dose grid (fractions of each written regimen) in a
  tumor-microenvironment scenario or a cell, with Bliss, Loewe and HSA excess:
  :func:`combo_matrix`; the scores themselves (:func:`bliss_excess`, :func:`hsa_excess`,
  :func:`loewe_excess`) work on any effect matrix.

Bad input (unknown drug, cell, readout, scenario; a bad grid) raises
:class:`AnalysisError` with the field it concerns, so the CLI can turn it into one line.
"""
from __future__ import annotations


class AnalysisError(ValueError):
    """A bad input to an analysis: ``field`` names it (``drug``, ``cell``, ``readout``,
    ``grid`` …), ``message`` says what is allowed."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


from .dose_response import DoseResponse, HillFit, dose_response, fit_log_logistic  # noqa: E402
from .synergy import (ComboResult, bliss_excess, combo_matrix, fit_single_agent, hsa_excess,  # noqa: E402
                      loewe_excess)

__all__ = ["AnalysisError", "DoseResponse", "HillFit", "dose_response", "fit_log_logistic", "ComboResult",
           "combo_matrix", "bliss_excess", "hsa_excess", "loewe_excess", "fit_single_agent"]
