"""In-silico trials: designs (``design``), RECIST 1.1 reading (``recist``), the trial's
statistics (``analysis``, with lifelines) and its figures (``plots``).

The modules are pure: they read tables and write figures; running virtual patients through
the arms is the cohort machinery's job. ``analysis`` and ``plots`` import lifelines and
matplotlib, so they are imported on use, not here.
"""
_RECIST = ("PatientReading", "RecistError", "read_patient", "read_trial", "scan_table", "select_targets")


def __getattr__(name: str):
    # ``recist`` needs numpy and pandas: loaded on first use, so that reading a design
    # (``trial.design``) and the CLI's argument checks stay light
    if name in _RECIST:
        from . import recist

        return getattr(recist, name)
    raise AttributeError(f"module 'stat3sim.trial' has no attribute {name!r}")


__all__ = ["PatientReading", "RecistError", "read_patient", "read_trial", "scan_table", "select_targets"]
