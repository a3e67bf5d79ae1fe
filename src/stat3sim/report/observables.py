"""The readouts of the tumor-microenvironment model, as a grouped table.

:func:`observables_markdown` documents every observable of a TME Network (id, unit,
description) in groups: the tumor, immune and stromal composition, cytokines and
mediators, pSTAT3 per cell type, and the other per-cell signaling readouts. The id is
the column of ``stat3sim run`` / ``stat3sim simulate --scenario`` output and the name a
scenario file's ``readouts:`` takes. The text depends only on the Network, so
``docs/observables.md`` is checked for staleness by regenerating it::

    python -m stat3sim.report.observables docs/observables.md     # what `make docs` runs
"""
from __future__ import annotations

import sys
from pathlib import Path

from ..model.network import Network, Observable
from .describe import Cell, md_escape, md_table

#: the groups, in reading order: key -> (heading, one-line introduction)
GROUPS: dict[str, tuple[str, str]] = {
    "tumor": ("Tumor", "Size of the tumor and the phenotype of its cells."),
    "composition": ("Immune and stromal composition",
                    "Cells in the tumor by type and state: counts, densities per mL of tumor, and "
                    "the fraction of a population in a given state."),
    "cytokines": ("Cytokines and mediators",
                  "Free cytokines in serum and in the tumor's interstitial fluid, and the COX-2/PGE2 axis."),
    "pstat3": ("pSTAT3 per cell type",
               "STAT3 activity index of each cell type: nuclear pY705 STAT3 / total STAT3 (0..1)."),
    "signaling": ("Other per-cell signaling readouts",
                  "Signaling module readouts of each cell type: SOCS3 feedback, NF-κB, and STAT3 "
                  "target genes relative to no STAT3 input."),
    "other": ("Other", "Readouts not in any group above."),
}

_COMPOSITION_SUFFIXES = ("_count", "_fraction", "_per_mL")
_CYTOKINE_SUFFIXES = ("_pg_mL",)
_MEDIATORS = ("PGE2_nM", "macrophage.COX2")


def label(o: Observable) -> str:
    """The user-facing id of an observable (``tumor.pSTAT3``, ``tumor_volume_mm3``)."""
    return o.name or o.id


def group_of(o: Observable) -> str:
    """Which group of :data:`GROUPS` an observable belongs to."""
    name = label(o)
    module, sep, _ = o.id.partition("__obs__")
    per_cell = bool(sep) and module != "tme"  # an observable of one cell type's signaling module
    if per_cell:
        return "pstat3" if name.endswith(".pSTAT3") else "signaling"
    if name.endswith(_CYTOKINE_SUFFIXES) or name in _MEDIATORS:
        return "cytokines"
    if name.endswith(_COMPOSITION_SUFFIXES):
        return "composition"
    if name.startswith("tumor"):
        return "tumor"
    return "other"


def grouped(net: Network) -> dict[str, list[Observable]]:
    """Observables of ``net`` by group (model order within a group; empty groups left out)."""
    out: dict[str, list[Observable]] = {}
    for key in GROUPS:
        members = [o for o in net.observables if group_of(o) == key]
        if members:
            out[key] = members
    return out


def observables_markdown(net: Network) -> str:
    """A Markdown page: every observable of ``net`` with unit and description, grouped."""
    groups = grouped(net)
    lines = ["# Observables of the tumor-microenvironment model", "",
             f"Generated from the model (network `{net.name}`) by `make docs` "
             "(`python -m stat3sim.report.observables docs/observables.md`); do not edit by hand.", "",
             f"{len(net.observables)} readouts. The id is the column name in `timecourses.csv` / "
             "`timecourses.parquet` of `stat3sim run` and in the CSV of `stat3sim simulate --scenario`, "
             "and the name a scenario file lists under `readouts:`. Per-cell readouts are "
             "`<cell type>.<readout>` (one signaling module per cell type, shared by all cells of "
             "that type).", "",
             "Contents: " + ", ".join(f"[{GROUPS[k][0]}](#{_anchor(GROUPS[k][0])}) ({len(v)})"
                                      for k, v in groups.items()) + "."]
    for key, members in groups.items():
        heading, intro = GROUPS[key]
        rows = [(Cell(label(o), True), Cell(o.unit), Cell(o.description)) for o in members]
        lines += ["", f"## {heading}", "", md_escape(intro), "", md_table(("id", "unit", "description"), rows)]
    return "\n".join(lines) + "\n"


def _anchor(title: str) -> str:
    """GitHub's anchor of a heading: lower case, spaces to hyphens, punctuation dropped."""
    keep = "".join(ch for ch in title.lower() if ch.isalnum() or ch in " -_")
    return keep.replace(" ", "-")


def tnbc_network() -> Network:
    """The network ``docs/observables.md`` documents: the shipped tnbc scenario's."""
    from .. import runs
    from ..scenarios import load_scenario

    return runs.build(load_scenario("tnbc"))


def main(argv: list[str] | None = None) -> int:
    """``python -m stat3sim.report.observables [FILE]``: write the page (stdout without FILE)."""
    args = sys.argv[1:] if argv is None else argv
    text = observables_markdown(tnbc_network())
    if not args:
        sys.stdout.write(text)
        return 0
    from .._io import atomic_write

    path = Path(args[0])
    atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8", newline="\n"))
    print(f"wrote {path}", file=sys.stderr)
    return 0


__all__ = ["GROUPS", "group_of", "grouped", "label", "observables_markdown", "tnbc_network"]

if __name__ == "__main__":
    sys.exit(main())
