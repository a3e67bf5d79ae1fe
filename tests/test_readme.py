"""The README is a user's document: short, self-contained, and every command in it runs.

The commands are taken from the README's fenced ``console`` blocks (lines ``$ stat3sim
…``, followed by their output) and ``bash`` blocks (lines ``stat3sim …``), and run with
this interpreter's stat3sim in an empty folder with a copy of ``examples/`` (the README's
commands run from a clone's root). ``make …`` lines are the Makefile's, which
``make test`` itself exercises. Slow commands (a scenario ``run`` beyond 60 days or with
the claims, ``validate`` beyond the signaling claims, a ``combo`` over a scenario) are only
checked at ``--help`` level: the command exists and takes every option the README gives
it. ``rerun DIR`` runs after the README's ``run … --out DIR`` that writes DIR. A command whose shown output is
an ``error:`` line must fail with exit code 2 and print that line.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
MAX_LINES = 300
#: blocks the lead fills from code that this test does not run
RESERVED_BLOCKS = ("translation-table", "therapy-claims")
#: words that tell a history rather than the current state
HISTORY = re.compile(r"\b(earlier|previously|was|at this stop)\b", re.I)


def _without_reserved(text: str) -> str:
    for name in RESERVED_BLOCKS:
        text = re.sub(rf"<!-- {name}:start -->.*?<!-- {name}:end -->", "", text, flags=re.S)
    return text


def fenced_blocks(text: str) -> list[tuple[str, list[str]]]:
    """``(language, lines)`` of every fenced block."""
    out, lang, lines = [], None, []
    for line in text.splitlines():
        m = re.match(r"^```(\S*)\s*$", line)
        if m and lang is None:
            lang, lines = m.group(1), []
        elif line.startswith("```") and lang is not None:
            out.append((lang, lines))
            lang = None
        elif lang is not None:
            lines.append(line)
    return out


def readme_commands(text: str) -> list[tuple[list[str], list[str]]]:
    """``(argv, shown output lines)`` of every stat3sim command in console and bash blocks."""
    cmds = []
    for lang, lines in fenced_blocks(_without_reserved(text)):
        if lang == "console":
            for i, line in enumerate(lines):
                if not line.startswith("$ "):
                    continue
                shown = []
                for nxt in lines[i + 1:]:
                    if nxt.startswith("$ "):
                        break
                    shown.append(nxt)
                cmds.append((shlex.split(line[2:], comments=True), shown))
        elif lang == "bash":
            joined = "\n".join(lines).replace("\\\n", " ")
            for line in joined.splitlines():
                argv = shlex.split(line, comments=True)
                if argv:
                    cmds.append((argv, []))
    return [(argv, shown) for argv, shown in cmds if argv and argv[0] == "stat3sim"]


def slow_reason(argv: list[str]) -> str:
    """Why a command is only checked at --help level ("" when it is run)."""
    sub = argv[1] if len(argv) > 1 else ""
    if sub == "run" and not ("--no-claims" in argv and "--days" in argv
                             and float(argv[argv.index("--days") + 1]) <= 60):
        return "a scenario run with every arm takes seconds to minutes"
    if sub == "rerun" and not _writer_of(argv):
        return "no README command writes the run directory it re-creates"
    if sub == "validate":
        area = argv[argv.index("--area") + 1] if "--area" in argv else "all"
        if area != "signaling":
            return f"validate --area {area} runs 180-day scenarios"
    if sub == "combo" and "--scenario" in argv:
        return "a combination matrix over a scenario is one TME run per dose pair"
    if sub == "cohort":
        return "a cohort burns in and runs hundreds of virtual patients"
    if sub == "trial":
        return "a trial screens, burns in and runs its patients in every arm (minutes)"
    if sub == "drugs" and "--translation" in argv and "--quick" not in argv:
        return "the full translation table runs the therapy claims (minutes)"
    return ""


def _writer_of(argv: list[str]) -> list[str] | None:
    """The README's (short) ``run … --out DIR`` that writes the directory ``rerun DIR`` reads."""
    target = argv[2] if len(argv) > 2 else None
    for other, _ in COMMANDS:
        if other[1:2] == ["run"] and "--out" in other and other[other.index("--out") + 1] == target \
                and not slow_reason(other):
            return other
    return None


COMMANDS = readme_commands(README.read_text(encoding="utf-8"))


def _reruns_of(argv: list[str]) -> list[tuple[list[str], list[str]]]:
    """The README's ``rerun DIR`` commands (with their shown output) that re-create what
    ``argv`` (a ``run … --out DIR``) writes: they are checked right after it, in its folder."""
    return [(other, shown) for other, shown in COMMANDS if other[1:2] == ["rerun"] and _writer_of(other) == argv]


#: what the tests run: a ``rerun DIR`` whose ``run … --out DIR`` is in the README runs in that command's test
RUN_COMMANDS = [(argv, shown) for argv, shown in COMMANDS
                if not (argv[1:2] == ["rerun"] and not slow_reason(argv))]


def _stat3sim(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, COLUMNS="100")
    return subprocess.run([sys.executable, "-m", "stat3sim.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_readme_is_short_and_self_contained():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_LINES, f"README.md has {len(text.splitlines())} lines (at most {MAX_LINES})"
    for page in [README, *sorted(DOCS.glob("*.md"))]:
        assert "../shared" not in page.read_text(encoding="utf-8"), f"{page.name} points outside the repository"


def test_readme_links_exist():
    text = README.read_text(encoding="utf-8")
    links = re.findall(r"\]\(((?:docs/)[^)#\s]+)", text)
    assert links, "the README links no docs/ page"
    missing = sorted({link for link in links if not (ROOT / link).exists()})
    assert not missing, f"README links missing files: {missing}"


def test_docs_links_exist():
    """Relative links between the docs pages point at files that exist."""
    missing = []
    for page in DOCS.glob("*.md"):
        for link in re.findall(r"\]\(([^)#\s:]+)", page.read_text(encoding="utf-8")):
            if not (page.parent / link).exists():
                missing.append(f"{page.name} -> {link}")
    assert not missing, f"broken links: {missing}"


def test_no_history_in_readme_and_written_pages():
    """README and the written docs pages say what is, not what changed (generated pages quote sources)."""
    from stat3sim.report.docs import PAGES

    pages = [README] + [p for p in sorted(DOCS.glob("*.md")) if p.name not in PAGES]
    found = []
    for page in pages:
        for n, line in enumerate(_without_reserved(page.read_text(encoding="utf-8")).splitlines(), 1):
            if HISTORY.search(line):
                found.append(f"{page.name}:{n}: {line.strip()[:80]}")
    assert not found, "history words:\n" + "\n".join(found)


def test_readme_has_a_tour():
    run = [argv for argv, _ in COMMANDS if not slow_reason(argv)]
    assert len(run) >= 8, f"only {len(run)} runnable stat3sim commands in the README"
    assert {a[1] for a in run} >= {"simulate", "validate", "drugs", "pk", "dose-response"}


@pytest.mark.parametrize("argv,shown", RUN_COMMANDS, ids=[" ".join(a)[:70] for a, _ in RUN_COMMANDS])
def test_readme_command_runs(argv, shown, tmp_path):
    reason = slow_reason(argv)
    if reason:
        res = _stat3sim([argv[1], "--help"], tmp_path)
        assert res.returncode == 0, res.stderr
        flat = re.sub(r"\s+", " ", res.stdout)
        for opt in (a.split("=")[0] for a in argv[2:] if a.startswith("--")):
            assert opt in flat, f"{' '.join(argv)}: `{argv[1]} --help` lists no {opt} ({reason})"
        return
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    _check_command(argv, shown, tmp_path)
    for rerun, rerun_shown in _reruns_of(argv):  # re-creates what this command wrote
        _check_command(rerun, rerun_shown, tmp_path)


def test_every_readme_command_is_checked():
    """A ``rerun DIR`` is checked in its ``run … --out DIR``'s test; every other command has its own."""
    checked = [tuple(a) for a, _ in RUN_COMMANDS] + [tuple(r) for a, _ in RUN_COMMANDS for r, _ in _reruns_of(a)]
    assert sorted(checked) == sorted(tuple(a) for a, _ in COMMANDS)


def _check_command(argv: list[str], shown: list[str], tmp_path: Path) -> None:
    """Run one README command in ``tmp_path``: an ``error:`` line shown means exit 2 with
    that line; else exit 0 (1 allowed for ``validate``) and the files it says it wrote."""
    res = _stat3sim(argv[1:], tmp_path)
    errors = [line for line in shown if "error:" in line]
    if errors:
        assert res.returncode == 2, f"{' '.join(argv)}: exit {res.returncode}, expected 2\n{res.stderr}"
        assert errors[0].rstrip(". ") in (res.stdout + res.stderr), res.stderr
        return
    assert "Traceback" not in res.stderr, res.stderr
    ok = {0, 1} if argv[1] == "validate" else {0}  # validate exits 1 when a claim fails, by design
    assert res.returncode in ok, f"{' '.join(argv)}: exit {res.returncode}\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}"
    for line in shown:  # the files the README says a command writes are written
        m = re.match(r"wrote (\S+)", line)
        if m:
            assert (tmp_path / m.group(1)).exists(), f"{' '.join(argv)} did not write {m.group(1)}"


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    """The README's Python examples run as written (the API they show exists)."""
    monkeypatch.chdir(tmp_path)
    blocks = [lines for lang, lines in fenced_blocks(README.read_text(encoding="utf-8")) if lang == "python"]
    assert blocks, "the README shows the Python API"
    for lines in blocks:
        exec(compile("\n".join(lines), "README.md", "exec"), {})
