"""The pages under ``docs/`` whose content is data, generated from the code.

Two kinds of page:

* **generated pages**, written whole (:data:`PAGES`): ``model.md`` (the tumor cell's
  signaling module, as ``stat3sim describe --cell tumor --format md``),
  ``tme-parameters.md`` (the ``tnbc`` scenario's TME model, as ``stat3sim describe
  --scenario tnbc --format md``), ``observables.md`` and ``pharmacokinetics.md``;
* **written pages with generated blocks** (:data:`BLOCKS`): prose around data. A block
  is the text between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``; the generator
  replaces the blocks it knows and leaves the prose and every other block as they are.
  ``claims.md`` takes the claim tables from the claim registry (static data: no claim
  is run), ``drugs.md`` the catalog, ``performance.md`` the JSON objects the benchmarks
  print, kept in ``docs/benchmarks/``.

Everything here depends only on the code and the files in ``docs/``, never on the date
or the machine, so a page can be checked for staleness by generating it again::

    python -m stat3sim.report.docs docs/            # what `make docs` runs
    python -m stat3sim.report.docs docs/ --check    # exit 1 naming the pages that are out of date
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Callable

from .describe import Cell, md_escape, md_table

#: the benchmark JSON files ``performance.md`` renders, relative to the docs folder
BENCH_DIR = "benchmarks"


# ------------------------------------------------------------------ generated pages
def model_page() -> str:
    """``docs/model.md``: the tumor cell's signaling module (``stat3sim describe --cell tumor``)."""
    from ..model.signaling import signaling_network
    from .describe import describe

    return describe(signaling_network("tumor"), "md", cell="tumor")


def tme_parameters_page(scenario: str = "tnbc") -> str:
    """``docs/tme-parameters.md``: the TME model of ``scenario`` (``stat3sim describe --scenario``)."""
    from ..cli.tme import _markdown, _sections  # the renderer `describe --scenario` uses
    from .. import runs
    from ..scenarios import load_scenario

    sc = load_scenario(scenario)
    net = runs.build(sc)
    return _markdown(net, sc, _sections(net, sc), f"stat3sim describe --scenario {sc.name} --format md")


def observables_page() -> str:
    """``docs/observables.md``: every readout of the TME model, grouped."""
    from .observables import observables_markdown, tnbc_network

    return observables_markdown(tnbc_network())


def pharmacokinetics_page() -> str:
    """``docs/pharmacokinetics.md``: PK model against published figures, PD potencies."""
    from ..therapy.pk import markdown_table

    return markdown_table()


#: file name -> function returning the whole page
PAGES: dict[str, Callable[[], str]] = {
    "model.md": model_page,
    "tme-parameters.md": tme_parameters_page,
    "observables.md": observables_page,
    "pharmacokinetics.md": pharmacokinetics_page,
}


# ------------------------------------------------------------------ blocks
def _refs(refs) -> str:
    return ", ".join(str(r) for r in refs)


def claims_table(area: str) -> str:
    """The registered claims of one area as a Markdown table, from the registry alone."""
    from ..claims.registry import REGISTRY, areas

    if area not in areas():  # areas() also registers every claim module
        raise ValueError(f"unknown claim area {area!r}; known: {', '.join(areas())}")
    rows = []
    for c in REGISTRY.values():
        if c.area != area:
            continue
        compared = "; ".join(f"{k}: {v}" for k, v in c.simulations.items())
        rows.append((Cell(c.id), Cell(f"{c.statement} [{_refs(c.refs)}]"), Cell(compared), Cell(c.readout),
                     Cell(c.expected)))
    return md_table(("id", "claim [review refs]", "simulations compared", "readout", "passes when"), rows)


def _claims_block(area: str) -> Callable[[Path], str]:
    return lambda docs: claims_table(area)


def drug_catalog_table(docs: Path | None = None) -> str:
    """The drug catalog (what ``stat3sim drugs`` prints), one row per agent."""
    from ..cli.therapy import _half_life_text, _potency_text
    from ..therapy import load_catalog

    rows = []
    for d in load_catalog().drugs:
        rows.append((Cell(d.name), Cell(d.drug_class), Cell(d.target), Cell(d.mechanism), Cell(_potency_text(d)),
                     Cell(_half_life_text(d)), Cell("yes" if d.dosable else "no"), Cell(d.status),
                     Cell(", ".join(d.trials) or "—")))
    return md_table(("drug", "class", "target", "mechanism", "potency (first catalog entry)", "t½",
                     "dosable", "status", "trials"), rows)


def _fmt(v) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.3g}"
    if isinstance(v, dict):
        return "; ".join(f"{k} {_fmt(x)}" for k, x in v.items())
    if isinstance(v, (list, tuple)):
        return ", ".join(_fmt(x) for x in v)
    return str(v)


#: benchmark file -> the keys the page shows, in order (the rest stay in the JSON)
BENCH_KEYS: dict[str, tuple[str, ...]] = {
    "bench_cohort.json": ("n", "days", "cpu_count", "load_average_at_start", "patients_per_s", "speedup_2_workers",
                          "seconds_per_patient", "seconds_per_patient_raw", "cost_vs_raw_roadrunner",
                          "seconds_nominal_patient", "cost_vs_nominal_patient", "compiles", "compiles_per_worker",
                          "burnin_share", "arm_reuse_saving", "peak_rss_mb", "memory", "load_average_at_end"),
    "bench_signaling.json": ("benchmark", "sims_per_s", "raw_roadrunner_sims_per_s", "scipy_bdf_sims_per_s",
                             "overhead_vs_roadrunner", "overhead_goal", "overhead_ok", "speedup_vs_scipy",
                             "speedup_goal", "speedup_ok", "setup_s", "agreement", "rounds", "settings"),
    "bench_tme.json": ("benchmark", "seconds_per_180d_run", "cpu_seconds_per_180d_run", "tme_simulate_seconds",
                       "seconds_per_180d_run_unreduced", "seconds_per_180d_run_max_order_5",
                       "seconds_per_180d_run_before_reduction", "seconds_per_180d_run_default_tolerances",
                       "seconds_per_180d_run_treated", "runs_per_minute", "compile_seconds",
                       "compile_seconds_cached", "build_network_seconds", "build_network_seconds_warm",
                       "reduce_network_seconds", "reduce_network_seconds_warm", "reduced_species",
                       "overhead_vs_roadrunner", "raw_roadrunner_seconds_per_run", "goals", "goals_ok",
                       "species", "species_unreduced", "reactions", "observables", "runs"),
}


def benchmark_table(name: str, docs: Path) -> str:
    """A benchmark's JSON (``docs/benchmarks/<name>``) as a figure/value table and its machine."""
    path = docs / BENCH_DIR / name
    if not path.exists():
        return (f"No `{BENCH_DIR}/{name}` yet: `.venv/bin/python benchmarks/{name.replace('.json', '.py')} > "
                f"docs/{BENCH_DIR}/{name}`, then `make docs`.")
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = [(Cell(k, True), Cell(_fmt(data[k]))) for k in BENCH_KEYS.get(name, tuple(data)) if k in data]
    machine = data.get("machine", {})
    text = md_table(("figure", "value"), rows)
    if machine:
        text += "\n\nMachine: " + md_escape(_fmt(machine)) + "."
    return text + f"\n\nThe whole object: [`{BENCH_DIR}/{name}`]({BENCH_DIR}/{name})."


def _bench_block(name: str) -> Callable[[Path], str]:
    return lambda docs: benchmark_table(name, docs)


#: the JSON results ``claims.md`` and the README render (made by the commands each block names)
RESULTS_DIR = "results"
TRANSLATION_JSON = "translation.json"
THERAPY_CLAIMS_JSON = "claims-therapy.json"
TRANSLATION_CMD = (f"stat3sim drugs --translation --json --plot docs/figures/translation.png > "
                   f"docs/{RESULTS_DIR}/{TRANSLATION_JSON}")
THERAPY_CMD = f"stat3sim validate --area therapy --json > docs/{RESULTS_DIR}/{THERAPY_CLAIMS_JSON}"
COHORT_CLAIMS_JSON = "claims-cohort.json"
COHORT_CMD = f"stat3sim validate --area cohort --json > docs/{RESULTS_DIR}/{COHORT_CLAIMS_JSON}"


def _results(docs: Path, name: str, cmd: str):
    path = docs / RESULTS_DIR / name
    if not path.exists():
        return None, f"No `{RESULTS_DIR}/{name}` yet: `{cmd}` (a few minutes), then `make docs`."
    return json.loads(path.read_text(encoding="utf-8")), ""


#: the README's translation columns (the whole table is in docs/claims.md)
COMPACT = ("agent", "label regimen", "occupancy trough–peak", "occupancy needed", "claim", "M effect", "C effect")


def translation_block(docs: Path, figure: str = "figures/translation.png", compact: bool = False) -> str:
    """The translation table (``docs/results/translation.json``) and its figure."""
    from ..analysis.translation import COLUMNS, table_rows

    rows, missing = _results(docs, TRANSLATION_JSON, TRANSLATION_CMD)
    if rows is None:
        return missing
    cols = COMPACT if compact else COLUMNS
    cells = []
    for r, row in zip(rows, table_rows(rows)):
        d = dict(zip(COLUMNS, row))
        if compact:
            d["label regimen"] = (r["regimen"] or "none").replace(f"{r['drug']} ", "")
            d["claim"] = r["claim"]
        cells.append([Cell(d[c]) for c in cols])
    text = md_table(cols, cells)
    if compact:
        return (text + f"\n\n![Translation figure]({figure})\n\nM and C effects: the agent's headline number in "
                "its claim's two halves (✓/✗: whether that number meets the agent's criterion), with the half's status; "
                "the readouts, the clinical evidence and how to "
                "regenerate: [docs/claims.md](docs/claims.md#translation-preclinical-exposure-vs-the-clinic).")
    return (text + f"\n\n![Translation figure]({figure})\n\nRegenerate: `{TRANSLATION_CMD}`, then "
            "`make docs`. Occupancy = C/(C + potency), C the free tumor-interstitial concentration at steady-state "
            "trough or peak (days 150–180 of the PK model); *needed*: the lowest constant free exposure at which "
            "the agent's claim criterion holds (combination partners at their mechanism exposure); M and C: the "
            "claim's headline number in its mechanism and clinic halves, with the half's status.")


def _half_cell(h: dict | None, clinic: bool) -> str:
    if not h:
        return "—"
    parts = []
    for drug, e in (h.get("exposure") or {}).items():
        if not clinic:
            parts.append(f"{drug} {_fmt(e.get('concentration_nM'))} nM")
        elif e.get("regimen"):
            parts.append(f"{e['regimen']}: occupancy {100 * e['occupancy_trough']:.3g}–{100 * e['occupancy_peak']:.3g} %")
        else:
            parts.append(f"{drug}: no labelled regimen")
    text = f"**{h['status']}** ({'; '.join(parts)})"
    if h["status"] != "pass" and h.get("reason"):
        text += f" — {h['reason']}"
    return text


def therapy_results_table(docs: Path, readme: bool = False) -> str:
    """Each therapy claim's two halves as the model reports them (``docs/results/claims-therapy.json``)."""
    claims, missing = _results(docs, THERAPY_CLAIMS_JSON, THERAPY_CMD)
    if claims is None:
        return missing
    if readme:
        rows = [(Cell(c["id"]), Cell(c["statement"]), Cell(c["mechanism"]["status"]), Cell(c["clinic"]["status"]),
                 Cell("yes" if c["passed"] else "no")) for c in claims]
        return (md_table(("claim", "statement", "M: study exposure", "C: labelled regimen", "passes"), rows)
                + f"\n\nFrom `{THERAPY_CMD}`; the numbers, exposures and reasons: "
                  "[docs/claims.md](docs/claims.md#therapy-claims-as-the-model-reports-them).")
    rows = [(Cell(c["id"]), Cell(_half_cell(c.get("mechanism"), False)), Cell(_half_cell(c.get("clinic"), True)),
             Cell(c["clinic"].get("evidence") or "—")) for c in claims]
    return (md_table(("claim", "M: mechanism at 10 × cellular potency (constant)",
                      "C: labelled regimen (occupancy trough–peak)", "clinical evidence (C judged)"), rows)
            + f"\n\nFrom `{THERAPY_CMD}`, then `make docs`.")


def cohort_results_table(docs: Path) -> str:
    """Each cohort claim's observed numbers (``docs/results/claims-cohort.json``)."""
    claims, missing = _results(docs, COHORT_CLAIMS_JSON, COHORT_CMD)
    if claims is None:
        return missing
    rows = []
    for c in claims:
        obs = "; ".join(f"{k} {_fmt(v)}" for k, v in c.get("observed", {}).items()) or c.get("error", "—")
        rows.append((Cell(c["id"]), Cell(c["expected"]), Cell(obs), Cell("yes" if c["passed"] else "no")))
    return md_table(("claim", "passes when", "observed", "passes"), rows) + f"\n\nFrom `{COHORT_CMD}`, then `make docs`."


#: block name -> (page, function of the docs folder returning the block's content)
BLOCKS: dict[str, tuple[str, Callable[[Path], str]]] = {
    "claims-signaling": ("claims.md", _claims_block("signaling")),
    "claims-tme": ("claims.md", _claims_block("tme")),
    "therapy-claims": ("claims.md", _claims_block("therapy")),
    "therapy-results": ("claims.md", therapy_results_table),
    "claims-cohort": ("claims.md", _claims_block("cohort")),
    "cohort-results": ("claims.md", cohort_results_table),
    "translation-table": ("claims.md", translation_block),
    "readme-therapy-claims": ("../README.md", lambda docs: therapy_results_table(docs, readme=True)),
    "readme-translation-table": ("../README.md", lambda docs: translation_block(docs, "docs/figures/translation.png",
                                                                                 compact=True)),
    "drug-catalog": ("drugs.md", drug_catalog_table),
    "benchmark-signaling": ("performance.md", _bench_block("bench_signaling.json")),
    "benchmark-tme": ("performance.md", _bench_block("bench_tme.json")),
    "benchmark-cohort": ("performance.md", _bench_block("bench_cohort.json")),
    "benchmark-cli": ("performance.md", _bench_block("bench_cli.json")),
}


def _block_re(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- {re.escape(name)}:start -->\n)(.*?)(<!-- {re.escape(name)}:end -->)", re.S)


def fill_block(text: str, name: str, content: str) -> str:
    """``text`` with the block ``name`` holding ``content``; a page without the block is an error."""
    pat = _block_re(name)
    if not pat.search(text):
        raise ValueError(f"no block '<!-- {name}:start -->' … '<!-- {name}:end -->'")
    body = content.rstrip("\n") + "\n"
    return pat.sub(lambda m: m.group(1) + body + m.group(3), text, count=1)


def block_pages() -> list[str]:
    """The written pages that carry generated blocks."""
    return sorted({page for page, _ in BLOCKS.values()})


def render(page: str, docs: Path) -> str:
    """The current text of ``page``: generated whole, or the page in ``docs`` with its blocks filled."""
    if page in PAGES:
        return PAGES[page]()
    if page not in block_pages():
        raise ValueError(f"{page} is not a generated page; generated: {', '.join(sorted(PAGES) + block_pages())}")
    path = docs / page
    if not path.exists():
        raise FileNotFoundError(f"{path}: the written page its blocks go into is missing")
    text = path.read_text(encoding="utf-8")
    for name, (p, make) in BLOCKS.items():
        if p == page:
            try:
                text = fill_block(text, name, make(docs))
            except ValueError as e:
                raise ValueError(f"{path}: {e}") from None
    return text


def all_pages() -> list[str]:
    return sorted(PAGES) + block_pages()


def stale(docs: Path, pages: list[str] | None = None) -> list[str]:
    """The pages of ``docs`` whose text is not what the generator writes now."""
    out = []
    for page in pages or all_pages():
        path = docs / page
        if not path.exists() or path.read_text(encoding="utf-8") != render(page, docs):
            out.append(page)
    return out


def generate(docs: Path, pages: list[str] | None = None) -> list[Path]:
    """Write the generated pages and blocks into ``docs``; returns the files that changed."""
    from .._io import atomic_write

    changed = []
    for page in pages or all_pages():
        path = docs / page
        text = render(page, docs)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        atomic_write(path, lambda tmp, t=text: Path(tmp).write_text(t, encoding="utf-8", newline="\n"))
        changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    """``python -m stat3sim.report.docs DOCS_DIR [--check] [PAGE ...]``."""
    args = sys.argv[1:] if argv is None else list(argv)
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    if not args or args[0].startswith("-"):
        print("usage: python -m stat3sim.report.docs DOCS_DIR [--check] [PAGE ...]", file=sys.stderr)
        return 2
    docs, pages = Path(args[0]), args[1:] or None
    if not docs.is_dir():
        print(f"stat3sim.report.docs: error: DOCS_DIR: {docs} is not a directory", file=sys.stderr)
        return 2
    unknown = [p for p in pages or [] if p not in all_pages()]
    if unknown:
        print(f"stat3sim.report.docs: error: PAGE: unknown {', '.join(unknown)}; "
              f"allowed: {', '.join(all_pages())}", file=sys.stderr)
        return 2
    if check:
        old = stale(docs, pages)
        for p in old:
            print(f"{docs / p} is out of date; run `make docs`", file=sys.stderr)
        return 1 if old else 0
    for path in generate(docs, pages):
        print(f"wrote {path}", file=sys.stderr)
    return 0


__all__ = ["BLOCKS", "PAGES", "all_pages", "benchmark_table", "claims_table", "drug_catalog_table", "fill_block",
           "generate", "render", "stale"]

if __name__ == "__main__":
    sys.exit(main())
