"""Run the SBML Test Suite's semantic cases through ``stat3sim simulate --sbml`` and
through plain libRoadRunner, and compare both with the suite's expected results.

    python scripts/sbml_test_suite.py --fetch            # once: cases/semantic into the cache
    python scripts/sbml_test_suite.py                    # every case (~1,800)
    python scripts/sbml_test_suite.py --cases 1-40,1121  # some cases
    python scripts/sbml_test_suite.py --json results.json

Where the suite is: ``--suite DIR``, else ``$STAT3SIM_SBML_TEST_SUITE``, else
``$XDG_CACHE_HOME/stat3sim/sbml-test-suite`` (``~/.cache/…``); the folder holds
``cases/semantic/NNNNN/``. ``--fetch [SOURCE]`` fills it from a git repository (default
https://github.com/sbmlteam/sbml-test-suite; a local clone or bare repository works too).

Each case (``NNNNN-settings.txt``: start, duration, steps, variables, absolute,
relative, amount, concentration) is run twice:

* **stat3sim**: the command ``simulate --sbml NNNNN-sbml-lXvY.xml --settings
  NNNNN-settings.txt --out …`` (the highest SBML level and version the case has), called
  in-process through the CLI's own entry point, so the same code path as the command line:
  option checks, ``check_sbml``, ``Simulator``, the CSV writer.
* **libRoadRunner**: ``RoadRunner(file)``, the settings' variables as selections (``[S]``
  for a species listed under concentration, its id otherwise), ``simulate(0, duration,
  steps + 1)`` at the same CVODE tolerances as stat3sim (relative 1e-8, absolute 1e-12).

A run passes when every value of every variable at every time point is within the
suite's tolerance: ``|x - expected| <= absolute + relative * |expected|`` (NaN and
infinities must match). Cases run in a worker process, so a crash or a hang (over
``--timeout`` seconds) costs only that case.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

os.environ.setdefault("STAT3SIM_CACHE", "off")  # ~1,800 throw-away models: keep them out of the model cache

SOURCE = "https://github.com/sbmlteam/sbml-test-suite"
LEVELS = ("l3v2", "l3v1", "l2v5", "l2v4", "l2v3", "l2v2", "l2v1", "l1v2")


# ------------------------------------------------------------------ the suite
def default_suite() -> Path:
    env = os.environ.get("STAT3SIM_SBML_TEST_SUITE")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "stat3sim" / "sbml-test-suite"


def semantic_dir(suite: Path) -> Path:
    return suite / "cases" / "semantic"


def fetch(suite: Path, source: str) -> None:
    """cases/semantic of ``source`` (a git URL or repository) into ``suite``."""
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "suite.git"
        subprocess.run(["git", "clone", "--quiet", "--depth", "1", "--bare", source, str(clone)], check=True)
        archive = subprocess.run(["git", "--git-dir", str(clone), "archive", "HEAD", "cases/semantic"],
                                 check=True, capture_output=True).stdout
        staging = Path(tmp) / "out"
        staging.mkdir()
        subprocess.run(["tar", "-x", "-C", str(staging)], input=archive, check=True)
        suite.mkdir(parents=True, exist_ok=True)
        if semantic_dir(suite).exists():
            shutil.rmtree(semantic_dir(suite))
        (suite / "cases").mkdir(exist_ok=True)
        shutil.move(str(staging / "cases" / "semantic"), str(semantic_dir(suite)))


def all_cases(suite: Path) -> list[str]:
    d = semantic_dir(suite)
    return sorted(p.name for p in d.iterdir() if p.is_dir() and p.name.isdigit()) if d.is_dir() else []


def parse_cases(text: str) -> list[str]:
    """``1-40,1121`` -> ['00001', …, '00040', '01121']."""
    out: list[str] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        a, _, b = part.partition("-")
        out.extend(f"{i:05d}" for i in range(int(a), int(b or a) + 1))
    return out


def settings_of(case_dir: Path) -> dict[str, str]:
    keys = {}
    for line in (case_dir / f"{case_dir.name}-settings.txt").read_text().splitlines():
        if ":" in line:
            k, _, v = line.partition(":")
            keys[k.strip().lower()] = v.strip()
    return keys


def names(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


def tags_of(case_dir: Path) -> dict[str, list[str]]:
    """componentTags, testTags and testType from the case's model description."""
    text = (case_dir / f"{case_dir.name}-model.m").read_text(errors="replace")
    out = {}
    for key in ("componentTags", "testTags", "testType"):
        m = re.search(rf"^{key}:\s*(.*)$", text, re.M)
        out[key] = names(m[1]) if m else []
    return out


def model_file(case_dir: Path) -> Path | None:
    for lv in LEVELS:
        f = case_dir / f"{case_dir.name}-sbml-{lv}.xml"
        if f.exists():
            return f
    return None


def expected(case_dir: Path):
    return read_csv(case_dir / f"{case_dir.name}-results.csv")


def read_csv(path: Path):
    """A results table with its header as written (pandas would rename a second 'Time'
    to 'Time.1': cases 01820 and 01821 have variables called time, Time and TIME)."""
    import pandas as pd

    with open(path, encoding="utf-8") as fh:
        header = [c.strip() for c in fh.readline().split(",")]
    df = pd.read_csv(path, header=None, skiprows=1)
    df.columns = header
    return df


def compare(got, want, absolute: float, relative: float) -> str:
    """'' when ``got`` (DataFrame) matches ``want`` within the suite's tolerance, else why not."""
    import numpy as np

    # the first column is time, whatever its header (time, Time)
    if list(got.columns[1:]) != list(want.columns[1:]):
        return f"columns {list(got.columns[1:])} instead of {list(want.columns[1:])}"
    if len(got) != len(want):
        return f"{len(got)} rows instead of {len(want)}"
    for j, col in enumerate(want.columns):
        a = got.iloc[:, j].to_numpy(dtype=float)
        b = want.iloc[:, j].to_numpy(dtype=float)
        same = (a == b) | (np.isnan(a) & np.isnan(b))
        with np.errstate(invalid="ignore"):
            close = np.abs(a - b) <= absolute + relative * np.abs(b)
        bad = ~(same | close)
        if bad.any():
            i = int(np.argmax(bad))
            return f"{col} at t = {want.iloc[i, 0]:g}: {a[i]:.6g} instead of {b[i]:.6g}"
    return ""


# ------------------------------------------------------------------ one case
def run_stat3sim(case_dir: Path, sbml: Path, tmp: Path) -> tuple[int, str, object]:
    """(exit code, stderr's last line, DataFrame or None) of ``stat3sim simulate --sbml``
    with the case's settings, called in-process through the CLI's entry point."""
    import typer

    from stat3sim.cli import app

    out = tmp / f"{case_dir.name}.csv"
    args = ["simulate", "--sbml", str(sbml), "--settings", str(case_dir / f"{case_dir.name}-settings.txt"),
            "--out", str(out)]
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            rc = typer.main.get_command(app).main(args, prog_name="stat3sim", standalone_mode=False)
        except SystemExit as e:  # noqa: PERF203
            rc = e.code
        except Exception as e:  # noqa: BLE001 - a traceback is a result here
            return 99, f"traceback: {type(e).__name__}: {' '.join(str(e).split())[:300]}", None
    rc = int(rc or 0)
    msg = (err.getvalue().strip().splitlines() or [""])[-1]
    if rc != 0 or not out.exists():
        return rc, msg, None
    df = read_csv(out)
    out.unlink()
    return rc, msg, df


def run_roadrunner(sbml: Path, st: dict[str, str]) -> tuple[str, object]:
    """('' or the error, DataFrame or None) of plain libRoadRunner on the case."""
    import pandas as pd
    import roadrunner

    from stat3sim.engine.roadrunner import ATOL, RTOL

    variables = names(st["variables"])
    conc = set(names(st.get("concentration", "")))
    try:
        rr = roadrunner.RoadRunner(str(sbml))
        species = set(rr.model.getFloatingSpeciesIds()) | set(rr.model.getBoundarySpeciesIds())
        rr.integrator.relative_tolerance = RTOL
        rr.integrator.absolute_tolerance = ATOL
        rr.timeCourseSelections = ["time"] + [f"[{v}]" if v in conc and v in species else v for v in variables]
        arr = rr.simulate(0.0, float(st["duration"]), int(float(st["steps"])) + 1)
    except Exception as e:  # noqa: BLE001
        return " ".join(str(e).split())[:300] or type(e).__name__, None
    return "", pd.DataFrame(arr, columns=["time"] + variables)


def run_case(suite: Path, case: str, tmp: Path, roadrunner_too: bool = True, report=None) -> dict:
    """Both runs of one case and their verdicts (libRoadRunner's first: ``report(rec)`` gets
    the record once it has that verdict)."""
    d = semantic_dir(suite) / case
    st = settings_of(d)
    tags = tags_of(d)
    rec = {"case": case, **tags, "level": None, "stat3sim": None, "roadrunner": None}
    sbml = model_file(d)
    if sbml is None:
        rec.update(stat3sim="no SBML file", roadrunner="no SBML file")
        return rec
    rec["level"] = sbml.stem.rsplit("-", 1)[-1]
    if "TimeCourse" not in tags["testType"]:
        why = f"not a time course ({', '.join(tags['testType'])})"
        rec.update(stat3sim=why, roadrunner=why)
        return rec
    want = expected(d)
    absolute, relative = float(st["absolute"]), float(st["relative"])
    if roadrunner_too:
        why, df = run_roadrunner(sbml, st)
        rec["roadrunner"] = compare(df, want, absolute, relative) if df is not None else f"error: {why}"
        rec["roadrunner_pass"] = df is not None and rec["roadrunner"] == ""
        if report is not None:
            report(rec)
    t0 = time.perf_counter()
    rc, msg, got = run_stat3sim(d, sbml, tmp)
    rec["stat3sim_s"] = round(time.perf_counter() - t0, 3)
    rec["exit"] = rc
    rec["stat3sim"] = (compare(got, want, absolute, relative) if got is not None
                       else f"exit {rc}: {msg}" if msg else f"exit {rc}")
    rec["stat3sim_pass"] = got is not None and rec["stat3sim"] == ""
    return rec


# ------------------------------------------------------------------ workers
def worker(suite: Path, cases: list[str], roadrunner_too: bool) -> None:
    """Run ``cases`` in order; 'start CASE' before and one JSON line after each."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # native solver chatter; our messages are captured per case
    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(devnull, 1)
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            out.write(f"start {case}\n")
            try:
                rec = run_case(suite, case, Path(tmp), roadrunner_too,
                               report=lambda r: out.write("partial " + json.dumps(r) + "\n"))
            except Exception as e:  # noqa: BLE001 - this script's own failure on a case
                rec = {"case": case, **tags_of(semantic_dir(suite) / case), "stat3sim_pass": False,
                       "stat3sim": f"script error: {type(e).__name__}: {e}"}
            out.write(json.dumps(rec) + "\n")


def run_all(suite: Path, cases: list[str], timeout: float, roadrunner_too: bool, progress: bool) -> list[dict]:
    """Every case, in worker processes restarted after a crash or a hang."""
    results: dict[str, dict] = {}
    todo = list(cases)
    while todo:
        cmd = [sys.executable, __file__, "--worker", "--suite", str(suite), "--cases",
               ",".join(str(int(c)) for c in todo)] + ([] if roadrunner_too else ["--no-roadrunner"])
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, bufsize=1)
        current: list[str | None] = [None]
        partial: dict = {}
        last = [time.monotonic()]

        def watchdog() -> None:
            while proc.poll() is None:
                if current[0] is not None and time.monotonic() - last[0] > timeout:
                    proc.kill()
                    return
                time.sleep(0.5)

        threading.Thread(target=watchdog, daemon=True).start()
        for line in proc.stdout:
            if line.startswith("start "):
                current[0], last[0] = line.split()[1], time.monotonic()
                partial = {}
                continue
            if line.startswith("partial "):
                partial = json.loads(line[len("partial "):])
                continue
            rec = json.loads(line)
            results[rec["case"]] = rec
            current[0] = None
            if progress and len(results) % 100 == 0:
                print(f"{len(results)} of {len(cases)} cases", file=sys.stderr)
        proc.wait()
        if current[0] is not None:  # the worker died (or was killed) in this case
            case = current[0]
            d = semantic_dir(suite) / case
            killed = time.monotonic() - last[0] > timeout
            why = f"{'hang (over ' + format(timeout, 'g') + ' s)' if killed else 'crash'} in the process"
            if partial.get("case") == case:  # libRoadRunner's run was done: it was ours that died
                results[case] = {**partial, "stat3sim": why, "stat3sim_pass": False}
            else:
                results[case] = {"case": case, **tags_of(d), "stat3sim": "not run", "stat3sim_pass": False,
                                 "roadrunner": why, "roadrunner_pass": False}
        todo = [c for c in cases if c not in results]
    return [results[c] for c in cases]


# ------------------------------------------------------------------ report
def reason(rec: dict) -> str:
    """A short class of why stat3sim's run failed."""
    s = rec.get("stat3sim") or ""
    if s.startswith("exit 2"):
        return "refused (exit 2): " + re.sub(r"'[^']*'", "'…'", s.split("error:", 1)[-1].strip())[:120]
    if s.startswith("exit 1"):
        return "simulation failed (exit 1)"
    if s.startswith(("crash", "hang", "traceback")):
        return s.split(":")[0]
    return "values differ from the expected results"


def rr_reason(rec: dict) -> str:
    """A short class of why plain libRoadRunner's run failed."""
    s = rec.get("roadrunner") or ""
    m = re.search(r"Unable to support ([a-z ]+?)\.", s.replace("'fast' reactions", "fast reactions"))
    if m:
        return f"libRoadRunner cannot load it: no support for {m[1]}"
    if s.startswith("error"):
        return "libRoadRunner error: " + re.sub(r"'[^']*'", "'…'", s[len("error: "):])[:100]
    return "libRoadRunner's values differ from the expected results"


def markdown(recs: list[dict]) -> str:
    """The cases that are not a pass for both, grouped by reason, as Markdown lists."""
    timecourse = [r for r in recs if "TimeCourse" in r.get("testType", [])]
    lines = ["### Cases libRoadRunner passes and stat3sim does not", ""]
    rest = _rest([r for r in timecourse if r.get("roadrunner_pass")])
    lines += [f"- {why} ({len(cs)}): {', '.join(sorted(cs))}" for why, cs in sorted(rest.items())] or ["- none"]
    lines += ["", "### Cases libRoadRunner does not pass", "",
              "After each reason: how many cases, and what stat3sim does with them.", ""]
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in timecourse:
        if not r.get("roadrunner_pass"):
            groups[rr_reason(r)].append(r)
    for why, rs in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        ours = Counter("passes" if r.get("stat3sim_pass") else reason(r).split(":")[0] for r in rs)
        lines.append(f"- {why} ({len(rs)}; stat3sim: {', '.join(f'{k} {v}' for k, v in ours.most_common())}): "
                     + ", ".join(sorted(r["case"] for r in rs)))
    other = [r for r in recs if "TimeCourse" not in r.get("testType", [])]
    if other:
        kinds = Counter(", ".join(r.get("testType") or ["no test type"]) for r in other)
        lines += ["", "### Cases that are not time courses", ""]
        lines += [f"- {k} ({v}): " + ", ".join(sorted(r["case"] for r in other
                                                     if ", ".join(r.get("testType") or ["no test type"]) == k))
                  for k, v in kinds.most_common()]
    return "\n".join(lines) + "\n"


def summary(recs: list[dict]) -> dict:
    timecourse = [r for r in recs if "TimeCourse" in r.get("testType", [])]
    rr_pass = [r for r in timecourse if r.get("roadrunner_pass")]
    ours = [r for r in timecourse if r.get("stat3sim_pass")]
    both = [r for r in rr_pass if r.get("stat3sim_pass")]
    return {"cases": len(recs), "time_courses": len(timecourse), "roadrunner_pass": len(rr_pass),
            "stat3sim_pass": len(ours), "stat3sim_pass_of_roadrunner_pass": len(both),
            "share_of_roadrunner_pass": round(len(both) / len(rr_pass), 4) if rr_pass else None,
            "stat3sim_only": [r["case"] for r in ours if not r.get("roadrunner_pass")],
            "rest": {k: sorted(v) for k, v in _rest(rr_pass).items()}}


def _rest(rr_pass: list[dict]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for r in rr_pass:
        if not r.get("stat3sim_pass"):
            out[reason(r)].append(r["case"])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--suite", type=Path, default=None, help="folder with cases/semantic (default: see above)")
    ap.add_argument("--fetch", nargs="?", const=SOURCE, default=None, metavar="SOURCE",
                    help=f"fetch cases/semantic from this git repository first (default {SOURCE})")
    ap.add_argument("--cases", default=None, help="case numbers, e.g. 1-40,1121 (default: all)")
    ap.add_argument("--json", type=Path, default=None, help="write every case's verdicts and the summary here")
    ap.add_argument("--markdown", type=Path, default=None, help="write the cases that are not a pass for both, "
                    "grouped by reason, as Markdown here")
    ap.add_argument("--from-json", type=Path, default=None, help="report the results of an earlier --json run "
                    "instead of running the cases")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds one case may take (default 120)")
    ap.add_argument("--no-roadrunner", action="store_true", help="skip the plain libRoadRunner runs")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    suite = a.suite or default_suite()
    if a.worker:
        worker(suite, parse_cases(a.cases), not a.no_roadrunner)
        return 0
    if a.from_json:
        saved = json.loads(a.from_json.read_text())
        recs, seconds = saved["cases"], saved["summary"].get("seconds")
    else:
        if a.fetch:
            fetch(suite, a.fetch)
        available = all_cases(suite)
        if not available:
            print(f"no SBML Test Suite at {semantic_dir(suite)}; run with --fetch (or give --suite)", file=sys.stderr)
            return 2
        cases = [c for c in parse_cases(a.cases) if c in set(available)] if a.cases else available
        t0 = time.perf_counter()
        recs = run_all(suite, cases, a.timeout, not a.no_roadrunner, progress=True)
        seconds = round(time.perf_counter() - t0, 1)
    s = summary(recs)
    s["seconds"] = seconds
    if a.json and not a.from_json:
        a.json.write_text(json.dumps({"summary": s, "cases": recs}, indent=1) + "\n")
    if a.markdown:
        a.markdown.write_text(markdown(recs))
    print(f"{s['cases']} cases, {s['time_courses']} time courses; libRoadRunner passes {s['roadrunner_pass']}; "
          f"stat3sim passes {s['stat3sim_pass']} ({s['stat3sim_pass_of_roadrunner_pass']} of libRoadRunner's "
          f"{s['roadrunner_pass']}: {100 * (s['share_of_roadrunner_pass'] or 0):.1f} %) in {s['seconds']} s")
    for why, cs in sorted(s["rest"].items(), key=lambda kv: -len(kv[1])):
        print(f"  {len(cs):4d}  {why}: {', '.join(cs[:12])}{' …' if len(cs) > 12 else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
