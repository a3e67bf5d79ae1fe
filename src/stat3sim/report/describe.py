"""Documentation of a Network generated from the Network itself.

:func:`sections` turns a Network into plain tables (compartments, species, reactions,
parameters, observables, knockable genes, stimuli); :func:`to_markdown` and
:func:`to_html` render them. The output depends only on the model, never on the date
or the machine, so ``docs/model.md`` can be checked for staleness by regenerating it.

>>> from stat3sim.model import signaling_network
>>> text = to_markdown(signaling_network("tumor"), cell="tumor")
>>> text.startswith("# stat3sim model")
True
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Mapping, Sequence

from ..model.network import ALLOWED_FUNCTIONS, Network, Reaction

#: output formats of :func:`describe`
FORMATS = ("md", "html")


@dataclass(frozen=True)
class Cell:
    """One table cell: ``text``, shown as code (monospace) when ``code`` is set."""

    text: str
    code: bool = False


@dataclass(frozen=True)
class Section:
    title: str
    intro: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def _num(x: float) -> str:
    return f"{x:.6g}"


def _side(stoich: Mapping[str, float]) -> str:
    if not stoich:
        return "∅"
    terms = []
    for sid, n in stoich.items():
        terms.append(sid if n == 1 else f"{_num(n)} {sid}")
    return " + ".join(terms)


def equation(r: Reaction) -> str:
    """``A + B -> C`` (``<->`` when the rate law has a reverse term, ``∅`` for none)."""
    arrow = "<->" if " - " in r.rate else "->"
    return f"{_side(r.reactants)} {arrow} {_side(r.products)}"


def _evaluate(expr: str, values: Mapping[str, float]) -> float | None:
    """Value of an initial-value expression over parameter/compartment values."""
    env = {name: getattr(math, name) for name in ALLOWED_FUNCTIONS if hasattr(math, name)}
    env["abs"] = abs
    env["pow"] = pow
    env.update(values)
    try:
        return float(eval(compile(expr.replace("^", "**"), "<initial>", "eval"), {"__builtins__": {}}, env))
    except Exception:  # an expression that reads a species or divides by zero: show it unevaluated
        return None


def sections(net: Network) -> list[Section]:
    """The tables that document ``net``, in reading order."""
    values = {p.id: p.value for p in net.parameters}
    values.update({c.id: c.size for c in net.compartments})
    out: list[Section] = []

    out.append(Section(
        "Compartments", "Volumes of the compartments; species concentrations are per these volumes.",
        ("id", "name", "size", "unit", "source"),
        tuple((Cell(c.id, True), Cell(c.name), Cell(_num(c.size)), Cell(c.unit), Cell(str(c.evidence)))
              for c in net.compartments)))

    def initial(s) -> Cell:
        if isinstance(s.initial, str):
            v = _evaluate(s.initial, values)
            return Cell(f"{s.initial} = {_num(v)}" if v is not None else s.initial, True)
        return Cell(_num(s.initial))

    out.append(Section(
        "Species", "State variables of the ODE system. An initial value written as an expression "
        "is an SBML initial assignment (knock-outs scale it through the gene's level parameter).",
        ("id", "name", "compartment", "initial", "unit"),
        tuple((Cell(s.id, True), Cell(s.name), Cell(s.compartment, True), initial(s), Cell(s.unit))
              for s in net.species)))

    out.append(Section(
        "Reactions", "Each rate law is in the unit of its species per minute in the reaction's "
        "compartment (the SBML kinetic law multiplies it by that compartment's volume).",
        ("id", "name", "equation", "rate law", "compartment", "source"),
        tuple((Cell(r.id, True), Cell(r.name), Cell(equation(r), True), Cell(r.rate, True),
               Cell(r.compartment, True), Cell(str(r.evidence)))
              for r in net.reactions)))

    out.append(Section(
        "Parameters", "Every parameter with its value, unit and source. \"assumed\" marks a value "
        "for which no measurement was found; \"calibrated to\" names the claim it was tuned for.",
        ("id", "value", "unit", "description", "source"),
        tuple((Cell(p.id, True), Cell(_num(p.value)), Cell(p.unit), Cell(p.description), Cell(str(p.evidence)))
              for p in net.parameters)))

    out.append(Section(
        "Observables", "Readouts computed from the state (SBML assignment rules); the CSV column "
        "of `stat3sim simulate` is the name.",
        ("id", "name", "expression", "unit", "description"),
        tuple((Cell(o.id, True), Cell(o.name, True), Cell(o.expression, True), Cell(o.unit), Cell(o.description))
              for o in net.observables)))

    out.append(Section(
        "Knockable genes", "Gene symbols accepted by `stat3sim simulate --knockout`; a knock-out sets "
        "the listed level parameters to 0 (1 = wild type).",
        ("gene", "level parameters", "description"),
        tuple((Cell(g.symbol, True), Cell(", ".join(g.level_parameters), True), Cell(g.description))
              for g in sorted(net.genes, key=lambda g: g.symbol))))

    stim = [s for s in net.stimulus_species]
    if stim:
        from ..model.signaling.parameters import LIGANDS

        rows = []
        for sid in stim:
            if sid not in LIGANDS:
                continue
            mass, src, name = LIGANDS[sid]
            rows.append((Cell(sid, True), Cell(name), Cell(_num(mass)), Cell(src)))
        if rows:
            out.append(Section(
                "Stimuli", "Medium ligands accepted by `stat3sim simulate --stimulus NAME=VALUE` "
                "(pM, nM, uM, or ng/mL and pg/mL through the molar mass). They are added to the medium "
                "once the unstimulated steady state is reached.",
                ("name", "molecule", "molar mass (kDa)", "source of the mass"), tuple(rows)))
    return out


def _summary(net: Network, cell: str | None) -> list[str]:
    return [
        f"Network `{net.name}`" + (f" (cell type `{cell}`)" if cell else "") + ": "
        f"{len(net.compartments)} compartments, {len(net.species)} species, {len(net.reactions)} reactions, "
        f"{len(net.parameters)} parameters, {len(net.observables)} observables, "
        f"{len(net.genes)} knockable genes.",
        "Units: concentrations in nM (relative expression in au), volumes in pL, time in min.",
    ]


def _command(cell: str | None, fmt: str) -> str:
    return f"stat3sim describe --cell {cell or 'tumor'} --format {fmt}"


# ----------------------------------------------------------------- Markdown
def md_escape(text: str) -> str:
    """Text safe inside a Markdown table cell: ``|`` (which would split the cell) and
    the characters that would start emphasis, code or HTML are escaped, line breaks
    flattened.

    >>> md_escape("a | b*c")
    'a \\\\| b\\\\*c'
    """
    out = str(text).replace("\\", "\\\\")
    for ch in "|*`<":
        out = out.replace(ch, "\\" + ch)
    return " ".join(out.split())


def _md_cell(c: Cell) -> str:
    if not c.text:
        return ""
    if c.code:
        # a backslash is literal inside a code span, but GFM splits table cells at a bare
        # "|" before it parses code spans, so only the pipe is escaped there
        return "`" + " ".join(c.text.replace("`", "'").replace("|", "\\|").split()) + "`"
    return md_escape(c.text)


def md_table(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    lines = ["| " + " | ".join(md_escape(h) for h in headers) + " |",
             "|" + "|".join("---" for _ in headers) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
    return "\n".join(lines)


def to_markdown(net: Network, cell: str | None = None) -> str:
    """A Markdown page documenting ``net`` (GitHub-flavoured tables)."""
    title = f"# stat3sim model: {net.name}"
    parts = [title, "",
             f"Generated from the model by `{_command(cell, 'md')}`; do not edit by hand "
             "(run `make docs` after changing the model).", ""]
    parts += _summary(net, cell)
    parts.append("")
    secs = sections(net)
    parts.append("Contents: " + ", ".join(f"[{s.title}](#{s.title.lower().replace(' ', '-')})" for s in secs) + ".")
    for s in secs:
        parts += ["", f"## {s.title}", "", s.intro, "", md_table(s.headers, s.rows)]
    return "\n".join(parts) + "\n"


# --------------------------------------------------------------------- HTML
_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 1400px; padding: 0 1rem; color: #1a1a1a; line-height: 1.4; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #d0d0d0; padding: 0.25rem 0.45rem; text-align: left; vertical-align: top; }
th { background: #eef2f6; position: sticky; top: 0; }
tr:nth-child(even) td { background: #fafafa; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.8rem;
       word-break: break-word; }
nav a { margin-right: 0.8rem; }
p.note { color: #555; }
""".strip()


def _inline_html(text: str) -> str:
    """Escaped text with Markdown-style `code` spans turned into <code>."""
    parts = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def _html_cell(c: Cell) -> str:
    t = html.escape(c.text)
    return f"<code>{t}</code>" if (c.code and c.text) else t


def to_html(net: Network, cell: str | None = None) -> str:
    """A standalone HTML page with the same content as :func:`to_markdown`."""
    e = html.escape
    secs = sections(net)
    anchor = lambda s: s.title.lower().replace(" ", "-")  # noqa: E731
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>stat3sim model: {e(net.name)}</title>", f"<style>\n{_CSS}\n</style>", "</head>", "<body>",
           f"<h1>stat3sim model: {e(net.name)}</h1>",
           f'<p class="note">Generated from the model by <code>{e(_command(cell, "html"))}</code>; '
           "do not edit by hand.</p>"]
    for line in _summary(net, cell):
        out.append(f"<p>{_inline_html(line)}</p>")
    out.append("<nav>" + "".join(f'<a href="#{anchor(s)}">{e(s.title)}</a>' for s in secs) + "</nav>")
    for s in secs:
        out.append(f'<h2 id="{anchor(s)}">{e(s.title)}</h2>')
        out.append(f"<p>{_inline_html(s.intro)}</p>")
        out.append("<table>")
        out.append("<thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in s.headers) + "</tr></thead>")
        out.append("<tbody>")
        for row in s.rows:
            out.append("<tr>" + "".join(f"<td>{_html_cell(c)}</td>" for c in row) + "</tr>")
        out.append("</tbody>")
        out.append("</table>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def describe(net: Network, fmt: str = "md", cell: str | None = None) -> str:
    """Documentation of ``net`` as Markdown (``md``) or a standalone HTML page (``html``)."""
    if fmt == "md":
        return to_markdown(net, cell)
    if fmt == "html":
        return to_html(net, cell)
    raise ValueError(f"unknown format {fmt!r}; allowed: {', '.join(FORMATS)}")
