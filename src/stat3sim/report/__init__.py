"""Reports: model documentation generated from the Network (``describe``) and
matplotlib figures of time courses (``figures``, imported on first use so that
commands without a plot do not pay for matplotlib)."""
from __future__ import annotations

from .describe import FORMATS, describe, sections, to_html, to_markdown

_FIGURES = ("FIGURE_FORMATS", "plot_readouts", "save_figure", "signaling_figure", "species_figure")

__all__ = ["FORMATS", "describe", "sections", "to_html", "to_markdown", *_FIGURES]


def __getattr__(name: str):
    if name in _FIGURES:
        from . import figures

        return getattr(figures, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
