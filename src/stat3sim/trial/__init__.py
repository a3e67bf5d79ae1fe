"""In-silico trials: designs (``design``), RECIST 1.1 reading (``recist``), the trial's
statistics (``analysis``, with lifelines) and its figures (``plots``).

The modules are pure: they read tables and write figures; running virtual patients through
the arms is the cohort machinery's job. ``analysis`` and ``plots`` import lifelines and
matplotlib, so they are imported on use, not here.
"""
from .recist import PatientReading, RecistError, read_patient, read_trial, scan_table, select_targets

__all__ = ["PatientReading", "RecistError", "read_patient", "read_trial", "scan_table", "select_targets"]
