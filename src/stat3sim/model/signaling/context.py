"""A small helper that prefixes ids with the cell name while a module is built."""
from __future__ import annotations

from dataclasses import dataclass

from ..network import NetworkBuilder
from .parameters import GLOBAL, PER_CELL


@dataclass
class CellContext:
    b: NetworkBuilder
    cell: str
    overrides: dict
    #: the reduced module (receptors → JAK → STAT3 with SOCS3 feedback, no STAT1,
    #: GLI1 or gp130-independent kinase) used for non-tumor cells of the TME layer
    reduced: bool = False

    @property
    def cyt(self) -> str:
        return f"{self.cell}__cytoplasm"

    @property
    def nuc(self) -> str:
        return f"{self.cell}__nucleus"

    def s(self, name: str) -> str:
        """Species id of this cell."""
        return f"{self.cell}__{name}"

    def p(self, name: str, table: dict | None = None) -> str:
        """Parameter id of this cell, declared on first use from ``table`` (default: the
        PER_CELL table; an opt-in module passes its own); the cell's overrides win."""
        pid = f"{self.cell}__{name}"
        if not self.b.has(pid):
            value, unit, ev, desc = (PER_CELL if table is None else table)[name]
            if name in self.overrides:
                value, ev = self.overrides[name]
            self.b.parameter(pid, value, unit, ev, desc)
        return pid

    def g(self, name: str) -> str:
        """A global (shared) parameter id, declared from the GLOBAL table on first use."""
        if not self.b.has(name):
            value, unit, ev, desc = GLOBAL[name]
            self.b.parameter(name, value, unit, ev, desc)
        return name

    def species(self, name: str, where: str, initial=0.0, unit: str = "nM", label: str = "") -> str:
        comp = {"cyt": self.cyt, "nuc": self.nuc}[where]
        return self.b.species(self.s(name), comp, initial, unit, f"{self.cell}: {label or name}")
