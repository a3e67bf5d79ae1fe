"""Shared test settings."""
import os
from pathlib import Path


def reference_models_dir() -> Path:
    """The published reference models: $STAT3SIM_REFERENCE_MODELS if set, else
    ../shared/reference-models beside the clone (where CI has it). Tests that read them
    skip when the folder is absent; the run's header names the folder looked for."""
    env = os.environ.get("STAT3SIM_REFERENCE_MODELS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "shared" / "reference-models"


def pytest_report_header(config) -> str:
    d = reference_models_dir()
    return f"reference models: {d}" + ("" if d.is_dir() else " (absent: tests that compare with them skip)")


# Property tests draw the same examples on every run (CI must not fail by chance);
# HYPOTHESIS_PROFILE=explore searches afresh each time.
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


import pytest  # noqa: E402


@pytest.fixture
def refused():
    """The check of a bad input: exit code 2, one line on stderr naming ``field``, and
    nothing at ``out``. Use as ``refused(result, field, out)``."""
    def check(result, field: str, out: Path) -> None:
        assert result.returncode == 2, result.stderr
        lines = [ln for ln in result.stderr.strip().splitlines() if ln.strip()]
        assert len(lines) == 1 and field in lines[0], result.stderr
        assert not out.exists()
    return check
