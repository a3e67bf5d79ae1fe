"""``stat3sim serve``: the JSON API over HTTP, hostile requests, the worker's limits, the
command, and the page in a real browser (Selenium + Chromium; skipped without them).

The server runs in a thread on port 0 with its real worker process; runs are a week or
two long so the module takes well under a minute besides the report (~10-30 s of
figures)."""
from __future__ import annotations

import http.client
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from stat3sim.serve import api, jobs as jobs_mod
from stat3sim.serve.jobs import Jobs
from stat3sim.serve.server import MAX_BODY, make_server, serve_in_thread

SRC = Path(__file__).resolve().parents[1] / "src"


# --------------------------------------------------------------------- helpers
@pytest.fixture(scope="module")
def server():
    srv = make_server("127.0.0.1", 0)
    serve_in_thread(srv)
    yield srv
    srv.shutdown()
    srv.server_close()


def request(srv, method: str, path: str, body: bytes | str | None = None, headers: dict | None = None,
            json_body=None):
    """(status, headers, bytes) of one request, sent as given (the path is not normalised)."""
    host, port = srv.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=30)
    hdrs = {"Host": f"127.0.0.1:{port}"}
    if json_body is not None:
        body = json.dumps(json_body)
        hdrs["Content-Type"] = "application/json"
    hdrs.update(headers or {})
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for k, v in hdrs.items():
        conn.putheader(k, v)
    data = body.encode() if isinstance(body, str) else body
    if data is not None and not any(k.lower() in ("content-length", "transfer-encoding") for k in hdrs):
        conn.putheader("Content-Length", str(len(data)))
    conn.endheaders()
    if data is not None:
        conn.send(data)
    resp = conn.getresponse()
    out = resp.status, dict(resp.getheaders()), resp.read()
    conn.close()
    return out


def get_json(srv, path):
    status, _, data = request(srv, "GET", path)
    assert status == 200, data
    return json.loads(data)


def wait(srv, job_id: str, key: str = "state", until=("done", "failed"), timeout: float = 180):
    t0 = time.time()
    while time.time() - t0 < timeout:
        s = get_json(srv, f"/api/runs/{job_id}")
        if s[key] in until:
            return s
        time.sleep(0.2)
    raise AssertionError(f"run {job_id} still {s[key]} after {timeout} s: {s['step']}")


TOCI = {"scenario": "tnbc", "days": 7, "arms": [{"regimens": [{"drug": "tocilizumab", "dose": 8}]}]}


@pytest.fixture(scope="module")
def toci_run(server):
    status, headers, data = request(server, "POST", "/api/runs", json_body=TOCI)
    assert status == 202, data
    job = json.loads(data)
    assert headers["Location"] == f"/api/runs/{job['id']}"
    return wait(server, job["id"])


# ------------------------------------------------------------------ the API
def test_options_offer_the_shipped_choices(server):
    from stat3sim.model.tme import SUBTYPES
    from stat3sim.scenarios import list_scenarios
    from stat3sim.therapy import load_catalog

    o = get_json(server, "/api/options")
    assert [s["name"] for s in o["scenarios"]] == [n for n, _ in list_scenarios()]
    assert o["subtypes"] == list(SUBTYPES)
    assert {d["name"] for d in o["drugs"]} == {d.name for d in load_catalog().drugs}
    toci = next(d for d in o["drugs"] if d["name"] == "tocilizumab")
    assert (toci["kind"], toci["dose"], toci["unit"], toci["schedule"]) == ("dose", 8.0, "mg/kg", "iv q4w")
    sd36 = next(d for d in o["drugs"] if d["name"] == "SD-36")
    assert sd36["kind"] == "exposure" and sd36["unit"] == "nM"
    # every preset reproduces the shipped arm's regimens exactly
    from stat3sim import runs
    shipped = {n: t for n, _, t in runs.THERAPY_ARMS["tnbc"]}
    for p in o["presets"]:
        spec = api.check_run({"scenario": "tnbc", "arms": [{"regimens": p["regimens"]}]})
        assert sorted(spec.arms[1].therapies) == sorted(shipped[p["name"]]) or \
            [api.drug_choices()[r["drug"]].text(r["dose"]) for r in p["regimens"]] == spec.arms[1].therapies
    assert len(o["presets"]) >= 8
    assert o["limits"]["max_days"] == api.MAX_DAYS and o["limits"]["max_arms"] == api.MAX_ARMS


def test_page_and_its_files(server):
    status, headers, body = request(server, "GET", "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert b'src="/app.js"' in body and b"http://" not in body and b"https://" not in body  # nothing from elsewhere
    for path, ctype in (("/app.js", "text/javascript"), ("/app.css", "text/css")):
        status, headers, body = request(server, "GET", path)
        assert status == 200 and headers["Content-Type"].startswith(ctype) and body
        assert b"https://" not in body


def test_a_run_matches_the_run_layer(server, toci_run):
    """The series and the CSV are the run layer's numbers (stat3sim.runs.simulate)."""
    from stat3sim import runs
    from stat3sim.scenarios import load_scenario

    s = toci_run
    assert s["state"] == "done", s
    names = [a["name"] for a in s["arms"]]
    assert names == ["no treatment", "tocilizumab 8 mg/kg iv q4w"]
    assert s["progress"] == {"done": 2, "total": 2} and s["report"] == "none"
    series = get_json(server, f"/api/runs/{s['id']}/series")["series"]
    ref, toci = series["no treatment"], series["tocilizumab 8 mg/kg iv q4w"]
    assert ref["time_days"] == [float(d) for d in range(8)]
    assert len([c for c in ref if c.endswith(".pSTAT3")]) >= 9
    assert {"tumor_volume_mm3", "serum_IL6_pg_mL", "serum_IL11_pg_mL"} <= set(ref)
    assert "tocilizumab_plasma_nM" in toci and "tocilizumab_plasma_nM" not in ref
    assert toci["tocilizumab_plasma_nM"][1] > 100  # 8 mg/kg iv: ~µM a day after the dose

    status, headers, data = request(server, "GET", s["files"]["timecourses.csv"])
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert headers["Content-Disposition"].startswith("attachment;")
    table = pd.read_csv(io.BytesIO(data))
    assert list(table["arm"].unique()) == names and len(table) == 16
    direct = runs.simulate(load_scenario("tnbc"), runs.Arm("t", therapies=["tocilizumab 8 mg/kg iv q4w"]), days=7)
    got = table[table["arm"] == names[1]].reset_index(drop=True)
    for col in ("tumor_volume_mm3", "tumor.pSTAT3", "serum_IL6_pg_mL", "tocilizumab_plasma_nM"):
        assert got[col].to_numpy() == pytest.approx(direct.frame[col].to_numpy(), rel=1e-9), col
    # treatment moves the readouts: IL-6R blockade raises free serum IL-6 (receptor-mediated clearance blocked)
    assert toci["serum_IL6_pg_mL"][-1] > 1.2 * ref["serum_IL6_pg_mL"][-1]


def test_the_report_on_request(server, toci_run):
    jid = toci_run["id"]
    status, _, data = request(server, "GET", f"/api/runs/{jid}/report.html")
    assert status == 409 and "not ready" in json.loads(data)["error"]
    status, _, data = request(server, "POST", f"/api/runs/{jid}/report")
    assert status == 202 and json.loads(data)["report"] in ("queued", "running")
    s = wait(server, jid, key="report", until=("ready", "failed"), timeout=240)
    assert s["report"] == "ready", s.get("report_error")
    status, headers, page = request(server, "GET", s["files"]["report.html"])
    assert status == 200 and "default-src 'none'" in headers["Content-Security-Policy"]
    text = page.decode()
    assert "<title>stat3sim run: tnbc</title>" in text and "tocilizumab 8 mg/kg iv q4w" in text
    assert 'id="therapy"' in text and "data:image/png;base64," in text
    status, headers, page2 = request(server, "GET", s["files"]["report.html"] + "?download=1")
    assert status == 200 and headers["Content-Disposition"].startswith("attachment;") and page2 == page


# ------------------------------------------------------------ hostile requests
def _post(srv, payload):
    return request(srv, "POST", "/api/runs", json_body=payload)


def _arm(**reg):
    return {"scenario": "tnbc", "days": 7, "arms": [{"regimens": [{"drug": "tocilizumab", "dose": 8, **reg}]}]}


BAD_RUNS = [
    ({"scenario": "../../etc/passwd"}, "scenario", "unknown scenario"),
    ({"scenario": "/work/main/examples/my_tnbc_toci.yaml"}, "scenario", "unknown scenario"),
    ({"scenario": 5}, "scenario", "must be a scenario name"),
    ({}, "scenario", "is required"),
    ({"scenario": "tnbc", "sbml": "<sbml/>"}, "sbml", "unknown field"),
    ({"scenario": "tnbc", "days": "14"}, "days", "must be a number"),
    ({"scenario": "tnbc", "days": True}, "days", "must be a number"),
    ({"scenario": "tnbc", "days": 10000}, "days", "within (0, 365]"),
    ({"scenario": "tnbc", "days": 0}, "days", "within (0, 365]"),
    ({"scenario": "tnbc", "days": -3}, "days", "within"),
    ({"scenario": "tnbc", "points_per_day": 2.5}, "points_per_day", "whole number"),
    ({"scenario": "tnbc", "points_per_day": 1000}, "points_per_day", "within"),
    ({"scenario": "tnbc", "subtype": "basal; rm -rf /"}, "subtype", "unknown subtype"),
    ({"scenario": "tnbc", "diameter_mm": 1000}, "diameter_mm", "within"),
    ({"scenario": "tnbc", "parameters": {"no_such_param": 1}}, "parameters", "unknown or unsettable"),
    ({"scenario": "tnbc", "parameters": {"tumor__I_JAK": 0.5}}, "parameters", "unknown or unsettable"),  # default 0
    ({"scenario": "tnbc", "parameters": {"k_tumor_prolif": 1e9}}, "parameters.k_tumor_prolif", "within"),
    ({"scenario": "tnbc", "parameters": [1, 2]}, "parameters", "JSON object"),
    ({"scenario": "tnbc", "arms": {"a": 1}}, "arms", "JSON array"),
    ({"scenario": "tnbc", "arms": [{"regimens": []}]}, "arms[0].regimens", "1 to 4"),
    ({"scenario": "tnbc", "arms": [{"regimens": [{"drug": "tocilizumab"}]}] * 7}, "arms", "at most 6"),
    ({"scenario": "tnbc", "arms": [{"name": "x", "regimens": [{"drug": "tocilizumab"}]}]}, "arms[0].name", "unknown"),
    (_arm(drug="aspirin"), "arms[0].regimens[0].drug", "unknown drug"),
    (_arm(drug="../../../etc/passwd"), "arms[0].regimens[0].drug", "unknown drug"),
    (_arm(dose=81), "arms[0].regimens[0].dose", "within (0, 80]"),
    (_arm(dose=-1), "arms[0].regimens[0].dose", "within"),
    (_arm(dose=0), "arms[0].regimens[0].dose", "within"),
    (_arm(dose="8 mg/kg"), "arms[0].regimens[0].dose", "must be a number"),
    (_arm(dose=[8]), "arms[0].regimens[0].dose", "must be a number"),
    (_arm(start_day=7), "arms[0].regimens[0].start_day", "before the last day"),
    (_arm(text="tocilizumab 8 mg/kg iv q4w"), "arms[0].regimens[0].text", "unknown field"),
    ({"scenario": "tnbc", "arms": [{"regimens": [{"drug": "tocilizumab"}, {"drug": "tocilizumab", "dose": 4}]}]},
     "arms[0].regimens[1].drug", "given twice"),
    ({"scenario": "tnbc", "arms": [{"regimens": [{"drug": "tocilizumab"}]}, {"regimens": [{"drug": "tocilizumab"}]}]},
     "arms[1]", "same regimens"),
    ([1, 2, 3], "", "JSON object"),
    ("tnbc", "", "JSON object"),
]


@pytest.mark.parametrize("payload,field,words", BAD_RUNS)
def test_bad_runs_are_refused_with_a_message(server, payload, field, words):
    status, headers, data = _post(server, payload)
    assert status == 400, data
    assert headers["Content-Type"].startswith("application/json")
    msg = json.loads(data)
    assert msg["field"] == field and words in msg["error"], msg


def _raw(srv, data: bytes) -> bytes:
    """Bytes sent as they are on a fresh connection; what came back."""
    with socket.create_connection(srv.server_address[:2], timeout=10) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    return out


HOSTILE = [
    ("GET", "/../../etc/passwd", None, {}, 404),
    ("GET", "/%2e%2e/%2e%2e/etc/passwd", None, {}, 404),
    ("GET", "/app.js/../../../../etc/passwd", None, {}, 404),
    ("GET", "/static/../serve/api.py", None, {}, 404),
    ("GET", "/api/runs/../../../etc/passwd", None, {}, 404),
    ("GET", "/api/runs/0123456789abcdef", None, {}, 404),
    ("GET", "/api/runs/0123456789abcdef/timecourses.csv", None, {}, 404),
    ("GET", "/api/runs/..%2f..%2fetc/timecourses.csv", None, {}, 404),
    ("GET", "/api/runs/0123456789ABCDEF/report.html", None, {}, 404),
    ("POST", "/api/options", "{}", {"Content-Type": "application/json"}, 404),
    ("POST", "/api/runs/0123456789abcdef/report", None, {}, 404),
    ("PUT", "/api/runs", "{}", {"Content-Type": "application/json"}, 405),
    ("DELETE", "/", None, {}, 405),
    ("OPTIONS", "/api/runs", None, {}, 405),
    ("POST", "/api/runs", "x" * (MAX_BODY + 1), {"Content-Type": "application/json"}, 413),
    ("POST", "/api/runs", "{}", {"Content-Type": "application/json", "Content-Length": "999999999999"}, 413),
    ("POST", "/api/runs", "{}", {"Content-Type": "application/json", "Content-Length": "-5"}, 400),
    ("POST", "/api/runs", "{}", {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}, 411),
    ("POST", "/api/runs", '{"scenario": "tnbc"}', {"Content-Type": "text/plain"}, 415),
    ("POST", "/api/runs", '{"scenario": "tnbc"}', {"Content-Type": "application/x-www-form-urlencoded"}, 415),
    ("POST", "/api/runs", '{"scenario": "tnbc", "days": NaN}', {"Content-Type": "application/json"}, 400),
    ("POST", "/api/runs", '{"scenario": "tnbc", "days": Infinity}', {"Content-Type": "application/json"}, 400),
    ("POST", "/api/runs", '{"scenario": "tnbc", "days": 1e999}', {"Content-Type": "application/json"}, 400),
    ("POST", "/api/runs", '{"scenario": "tnbc", "days": ' + "9" * 5000 + "}", {"Content-Type": "application/json"},
     400),
    ("POST", "/api/runs", '{"scenario": "tnbc",', {"Content-Type": "application/json"}, 400),
    ("POST", "/api/runs", "[" * 5000 + "]" * 5000, {"Content-Type": "application/json"}, 400),
    ("POST", "/api/runs", b'{"scenario": "\xff\xfe"}', {"Content-Type": "application/json"}, 400),
    ("GET", "/", None, {"Host": "evil.example:80"}, 403),
    ("GET", "/api/options", None, {"Host": "attacker.test"}, 403),
]


@pytest.mark.parametrize("method,path,body,headers,want", HOSTILE)
def test_hostile_requests_get_a_4xx_and_the_server_goes_on(server, method, path, body, headers, want):
    status, hdrs, data = request(server, method, path, body, headers)
    assert status == want, data
    msg = json.loads(data)
    assert isinstance(msg["error"], str) and msg["error"]
    assert b"root:" not in data and b"def check_run" not in data
    assert get_json(server, "/api/health") == {"ok": True}


def test_malformed_http_gets_a_4xx(server):
    for raw in (b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"GET / HTTP/1.1 x\r\n\r\n", b"\x16\x03\x01\x00\r\n\r\n",
                b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n",
                b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X: " + b"y" * 70000 + b"\r\n\r\n"):
        reply = _raw(server, raw)
        assert reply.split(b" ", 2)[1][:1] == b"4", reply[:200]
    assert get_json(server, "/api/health") == {"ok": True}


def test_a_stalled_client_does_not_stop_the_others(server):
    with socket.create_connection(server.server_address[:2], timeout=10) as s:
        s.sendall(b"POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 100\r\n\r\n{")  # and then nothing
        assert get_json(server, "/api/health") == {"ok": True}


# -------------------------------------------------------------- worker limits
def _spec(days=7):
    return api.check_run({"scenario": "tnbc", "days": days})


def test_the_queue_is_capped_and_a_slow_arm_is_stopped(monkeypatch, tmp_path):
    release = threading.Event()

    def slow_arm(scenario, arm, days, ppd):
        release.wait(5)
        return None, "never finishes", 0.0, []

    monkeypatch.setattr(jobs_mod, "simulate_arm", slow_arm)
    jobs = Jobs(tmp_path, max_queued=2, arm_timeout_s=0.3, pool_factory=lambda: ThreadPoolExecutor(1))
    try:
        first = jobs.submit(_spec())
        t0 = time.time()
        while first.state == "queued" and time.time() - t0 < 5:
            time.sleep(0.02)
        waiting = [jobs.submit(_spec()), jobs.submit(_spec())]
        with pytest.raises(api.RequestError) as e:
            jobs.submit(_spec())
        assert e.value.status == 429 and "at most 2 wait" in e.value.message
        t0 = time.time()
        while first.state not in ("done", "failed") and time.time() - t0 < 10:
            time.sleep(0.05)
        assert first.state == "failed"
        assert "took longer than 0.3 s" in first.failed["no treatment"] and "untreated reference" in first.error
        assert all(j.state in ("queued", "running", "failed") for j in waiting)
    finally:
        release.set()
        jobs.close()


def test_old_runs_are_dropped_with_their_files(tmp_path, monkeypatch):
    monkeypatch.setattr(jobs_mod, "simulate_arm",
                        lambda sc, arm, days, ppd: (pd.DataFrame({"time_days": [0.0, 1.0], "x": [1.0, 2.0]}), "",
                                                    0.0, []))
    jobs = Jobs(tmp_path, max_kept=2, pool_factory=lambda: ThreadPoolExecutor(1))
    try:
        done = []
        for _ in range(4):
            j = jobs.submit(_spec())
            t0 = time.time()
            while j.state != "done" and time.time() - t0 < 10:
                time.sleep(0.02)
            assert (j.dir / "timecourses.csv").is_file()
            done.append(j)
        jobs.submit(_spec())  # evicts on submit
        with pytest.raises(api.RequestError) as e:
            jobs.get(done[0].id)
        assert e.value.status == 404 and not done[0].dir.exists()
        assert jobs.get(done[-1].id) is done[-1]
    finally:
        jobs.close()


# --------------------------------------------------------------- the command
def _cli(*args, **kw):
    env = {**os.environ, "PYTHONPATH": str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "stat3sim.cli", *args], capture_output=True, text=True, env=env,
                          timeout=60, **kw)


@pytest.mark.parametrize("args,field", [(["--port", "70000"], "--port"), (["--port", "-1"], "--port"),
                                        (["--host", "http://example.org/"], "--host"),
                                        (["--host", "127.0.0.1:80"], "--host")])
def test_serve_rejects_bad_options(args, field):
    r = _cli("serve", *args)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"stat3sim serve: error: {field}:"), r.stderr


def test_serve_on_a_busy_port_fails_with_one_line():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        r = _cli("serve", "--port", str(s.getsockname()[1]))
    assert r.returncode == 1 and "cannot listen on 127.0.0.1:" in r.stderr and "Traceback" not in r.stderr


def test_serve_command_answers_and_stops_on_ctrl_c():
    env = {**os.environ, "PYTHONPATH": str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    p = subprocess.Popen([sys.executable, "-m", "stat3sim.cli", "serve", "--port", "0"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = p.stdout.readline()
        assert line.startswith("stat3sim explorer on http://127.0.0.1:"), line
        port = int(line.split("127.0.0.1:")[1].split("/")[0])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        conn.request("GET", "/api/health")
        assert json.loads(conn.getresponse().read()) == {"ok": True}
        conn.close()
    finally:
        p.send_signal(signal.SIGINT)
        try:
            out, err = p.communicate(timeout=60)  # < 1 s alone; a loaded 2-core machine once needed > 30 s
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            pytest.fail(f"serve did not stop within 60 s of Ctrl-C; its stderr:\n{err[-3000:]}")
    assert p.returncode == 0 and "stopped" in err, err


# ------------------------------------------------------------- in a browser
def _driver(download_dir: Path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    chromedriver = shutil.which("chromedriver")
    if not chromium or not chromedriver:
        pytest.skip("chromium or chromedriver not installed (apt-get install chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed (pip install selenium)")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1600"):
        opts.add_argument(arg)
    opts.add_experimental_option("prefs", {"download.default_directory": str(download_dir),
                                           "download.prompt_for_download": False})
    try:
        return webdriver.Chrome(service=Service(executable_path=chromedriver), options=opts)
    except Exception as e:  # noqa: BLE001 — a browser that cannot start here is an absent browser
        pytest.skip(f"chromium did not start: {' '.join(str(e).split())[:200]}")


def test_the_page_in_a_browser(server, tmp_path):
    """Load the page, shorten the run, change the regimen, see the figures change, download the CSV."""
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = _driver(downloads)  # skips without chromium, chromedriver or selenium
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    try:
        driver.get(server.url)
        idle = lambda d: d.execute_script("return document.body.dataset.state") == "idle" and \
            d.execute_script("return document.body.dataset.run || ''")  # noqa: E731
        wait = WebDriverWait(driver, 180, poll_frequency=0.2)
        wait.until(idle)  # the first run (tnbc, tocilizumab) has drawn
        days = driver.find_element(By.ID, "days")
        days.clear()
        days.send_keys("10")
        driver.execute_script("arguments[0].dispatchEvent(new Event('change'))", days)
        wait.until(lambda d: d.execute_script("return document.body.dataset.state") == "busy")
        wait.until(idle)

        def figures():
            return driver.execute_script("""
                const keys = (id) => [...document.querySelectorAll('#' + id + ' .chart')].map(c => c.dataset.key);
                const paths = {};
                for (const p of document.querySelectorAll('#chart-tumor path.line')) paths[p.dataset.arm] = p.getAttribute('d');
                return {drugs: keys('chart-drugs'), pstat3: keys('chart-pstat3'), tumor: paths,
                        run: document.body.dataset.run,
                        legend: [...document.querySelectorAll('#legend .key')].map(k => k.textContent)};""")

        before = figures()
        assert before["drugs"] == ["tocilizumab_plasma_nM"] and len(before["pstat3"]) >= 9
        assert set(before["tumor"]) == {"no treatment", "tocilizumab 8 mg/kg iv q4w"}

        Select(driver.find_element(By.CSS_SELECTOR, "#arms .arm select.drug")).select_by_value("paclitaxel")
        wait.until(lambda d: d.execute_script("return document.body.dataset.run") != before["run"])
        wait.until(idle)
        after = figures()
        assert after["drugs"] == ["paclitaxel_plasma_nM"]
        assert set(after["tumor"]) == {"no treatment", "paclitaxel 80 mg/m2 iv qw"}
        assert after["legend"] == ["no treatment", "paclitaxel 80 mg/m2 iv qw"]
        assert after["tumor"]["paclitaxel 80 mg/m2 iv qw"] != before["tumor"]["tocilizumab 8 mg/kg iv q4w"]
        assert driver.find_element(By.ID, "error").get_attribute("hidden") is not None

        link = driver.find_element(By.ID, "download-csv")
        assert "disabled" not in link.get_attribute("class")
        link.click()
        t0 = time.time()
        while time.time() - t0 < 30:
            got = [p for p in downloads.iterdir() if p.suffix == ".csv"]
            if got:
                break
            time.sleep(0.2)
        assert got, f"no CSV downloaded: {list(downloads.iterdir())}"
        table = pd.read_csv(got[0])
        assert list(table["arm"].unique()) == ["no treatment", "paclitaxel 80 mg/m2 iv qw"]
        assert table["time_days"].max() == 10 and "paclitaxel_plasma_nM" in table.columns
    finally:
        driver.quit()
