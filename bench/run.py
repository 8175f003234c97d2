"""Benchmark harness: throughput (wrk) and page weight (Chromium) of the app's pages.

Run from the repository root, after `make setup`:

    .venv/bin/python bench/run.py            # BENCH_SECONDS=3 for a quick run

It serves the app (wsgi:app) and bench/reference.py with gunicorn, 2 sync workers each, on
127.0.0.1, each with a throwaway SQLite database; loads every endpoint of
bench/endpoints.toml with wrk, the reference first and last; opens the pages that have a
`weight` entry in Chromium; and writes docs/benchmarks.md and docs/benchmarks.json.

Budget failures are reported, not fatal: the exit status is 0 when everything was measured,
1 when something could not be measured (server did not start, endpoint answered an error...).
"""

import datetime
import html.parser
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DOCS = ROOT / "docs"
BIN = Path(sys.executable).parent  # the virtualenv's bin/, when run as .venv/bin/python
HOST = "127.0.0.1"  # the only host this harness ever sends traffic to

WRK = "/usr/bin/wrk"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WRK_ARGS = ["-t2", "-c20", f"-d{SECONDS}s", "--latency"]
WARMUP_ARGS = ["-t2", "-c20", "-d1s"]
GUNICORN_ARGS = ["-w", "2", "-k", "sync"]
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    # Any host name fails to resolve: a page that pulls from a CDN shows it as a failed
    # request instead of sending traffic off this machine.
    f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {HOST}",
]
KB = 1000
DRIFT_WARN_PCT = 20  # reference first vs last: beyond this the machine was busy


class CannotMeasure(Exception):
    pass


# --- servers ---------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def run_cli(args, env, what):
    proc = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise CannotMeasure(f"{what} failed ({' '.join(args)}):\n{proc.stdout}{proc.stderr}")


def serve(target, env, log_path, extra=()):
    """Start gunicorn in its own process group; return (process, base URL, log path)."""
    gunicorn = BIN / "gunicorn"
    if not gunicorn.exists():
        raise CannotMeasure(f"{gunicorn} not found: run bench/run.py with the virtualenv's python")
    port = free_port()
    args = [str(gunicorn), *GUNICORN_ARGS, "-b", f"{HOST}:{port}", *extra, target]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    server = (proc, f"http://{HOST}:{port}", log_path)
    wait_healthy(server)
    return server


def wait_healthy(server, timeout=30):
    proc, base, log_path = server
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            if get(base, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    tail = Path(log_path).read_text(errors="replace")[-3000:]
    raise CannotMeasure(f"{base}/healthz did not answer 200 within {timeout}s. Server log:\n{tail}")


def stop(proc):
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        except ProcessLookupError:
            pass


# --- HTTP helpers ----------------------------------------------------------------------

def get(base, path, method="GET", headers=None, body=None):
    """One request, no redirect following: (status, Location header, body text)."""
    url = urlsplit(base)
    assert url.hostname == HOST
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        conn.request(method, path, body=body.encode() if body else None, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.getheader("Location"), resp.read().decode(errors="replace")
    finally:
        conn.close()


class LinkParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value]


def resolve_path(base, ep):
    """The path to measure: `path`, or the first matching link found on it (`path_from`)."""
    rule = ep.get("path_from")
    if not rule:
        return ep["path"]
    kind, _, prefix = rule.partition(":")
    if kind != "first_link" or not prefix:
        raise CannotMeasure(f"{ep['name']}: unknown path_from {rule!r} (want first_link:PREFIX)")
    status, _, text = get(base, ep["path"])
    if status != 200:
        raise CannotMeasure(f"{ep['name']}: {ep['path']} answered {status}, cannot follow a link")
    parser = LinkParser()
    parser.feed(text)
    page_url = urljoin(base + "/", ep["path"])
    for href in parser.hrefs:
        link = urlsplit(urljoin(page_url, href))
        if link.netloc == urlsplit(base).netloc and link.path.startswith(prefix) \
                and len(link.path) > len(prefix):
            return link.path
    raise CannotMeasure(f"{ep['name']}: no link starting with {prefix} on {ep['path']}")


# --- wrk ---------------------------------------------------------------------------------

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_wrk(text):
    def find(pattern, default=None):
        m = re.search(pattern, text, re.MULTILINE)
        return m.groups() if m else default

    rps = find(r"^Requests/sec:\s+([\d.]+)")
    if not rps:
        raise CannotMeasure(f"could not parse wrk output:\n{text}")
    latency = {}
    for pct, value, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m|h)\s*$",
                                       text, re.MULTILINE):
        latency[pct] = float(value) * UNITS_MS[unit]
    socket_errors = find(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                         ("0", "0", "0", "0"))
    return {
        "requests_per_s": float(rps[0]),
        "p50_ms": latency.get("50"),
        "p99_ms": latency.get("99"),
        "requests": int(find(r"^\s+(\d+) requests in", ("0",))[0]),
        "non_2xx_3xx": int(find(r"Non-2xx or 3xx responses: (\d+)", ("0",))[0]),
        "socket_errors": dict(zip(("connect", "read", "write", "timeout"), map(int, socket_errors))),
    }


def wrk(url, ep, tmp, args=WRK_ARGS):
    """Run wrk against url with the endpoint's method, headers and body; parsed result."""
    assert urlsplit(url).hostname == HOST
    cmd = [WRK, *args]
    for name, value in ep.get("headers", {}).items():
        cmd += ["-H", f"{name}: {value}"]
    method = ep.get("method", "GET").upper()
    if method != "GET" or ep.get("body"):
        script = Path(tmp) / "request.lua"
        lua_body = "".join(f"\\{b}" for b in ep.get("body", "").encode())  # decimal escapes
        script.write_text(f'wrk.method = "{method}"\nwrk.body = "{lua_body}"\n')
        cmd += ["-s", str(script)]
    proc = subprocess.run([*cmd, url], capture_output=True, text=True)
    if proc.returncode != 0:
        raise CannotMeasure(f"wrk failed on {url}:\n{proc.stdout}{proc.stderr}")
    return parse_wrk(proc.stdout)


def measure(base, ep, path, tmp):
    """Check the endpoint answers 2xx, warm it up, then load it; the wrk result."""
    status, location, _ = get(base, path, ep.get("method", "GET").upper(), ep.get("headers"),
                              ep.get("body"))
    if not 200 <= status < 300:
        where = f" to {location}" if location else ""
        raise CannotMeasure(f"{ep['name']}: {path} answered {status}{where}, not 2xx")
    wrk(base + path, ep, tmp, WARMUP_ARGS)
    result = wrk(base + path, ep, tmp)
    errors = result["non_2xx_3xx"] + sum(result["socket_errors"].values())
    print(f"  {ep['name']:<24} {path:<32} {result['requests_per_s']:>9.1f} req/s"
          f"  p50 {result['p50_ms']:.2f} ms  p99 {result['p99_ms']:.2f} ms"
          + (f"  ({errors} errors)" if errors else ""), flush=True)
    return result


# --- page weight in Chromium -----------------------------------------------------------

def chromium_executable():
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return None  # Playwright's own Chromium


def page_weight(browser, url):
    """First visit in a fresh context, then a repeat visit in the same one (HTTP cache)."""
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    seen = {}  # requestId -> url, for http(s) requests of the current visit
    visit = {}

    def sent(e):
        url = e["request"]["url"]
        if url.startswith(("http:", "https:")) and e["requestId"] not in seen:
            seen[e["requestId"]] = url
            visit["urls"].append(url)

    def cached(e):
        if e["requestId"] in seen:
            visit["from_cache"] += 1

    def finished(e):
        if e["requestId"] in seen:
            visit["bytes"] += int(e["encodedDataLength"])

    def failed(e):
        if e["requestId"] in seen:
            visit["failed"].append(f"{seen[e['requestId']]} ({e.get('errorText', '')})")

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.requestServedFromCache", cached)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.loadingFailed", failed)
    cdp.send("Network.enable")
    result = {}
    try:
        for name in ("first", "repeat"):
            if name == "repeat":
                page.goto("about:blank")  # leave, then come back: a plain navigation
            seen.clear()
            visit.clear()
            visit.update(urls=[], from_cache=0, bytes=0, failed=[])
            response = page.goto(url, wait_until="networkidle")
            page.wait_for_timeout(200)  # let the last CDP events arrive
            if response is None or response.status != 200:
                raise CannotMeasure(f"Chromium got {response and response.status} for {url}")
            external = [u for u in visit["urls"] if urlsplit(u).hostname != HOST]
            result[name] = {
                "requests": len(visit["urls"]) - visit["from_cache"],  # went to the network
                "from_cache": visit["from_cache"],
                "bytes": visit["bytes"],
                "urls": visit["urls"],
                "failed": visit["failed"],
                "external": external,
            }
    finally:
        context.close()
    return result


def weight_verdict(budget, result):
    """List of budget failures (empty = pass); None when there is no budget."""
    first, repeat = result["first"], result["repeat"]
    checks = [  # budget key, measured value in the budget's unit, label, unit
        ("first_requests", first["requests"], "first visit requests", ""),
        ("first_kb", first["bytes"] / KB, "first visit transferred", " KB"),
        ("repeat_requests", repeat["requests"], "repeat visit requests", ""),
        ("repeat_kb", repeat["bytes"] / KB, "repeat visit transferred", " KB"),
    ]
    problems = [f"{label} {value:.{1 if unit else 0}f}{unit} > {budget[key]:g}{unit}"
                for key, value, label, unit in checks if key in budget and value > budget[key]]
    for visit in ("first", "repeat"):
        if result[visit]["external"]:
            problems.append(f"{visit} visit asked other hosts: {', '.join(result[visit]['external'])}")
    if not budget and not problems:
        return None
    return problems


def measure_weights(endpoints, base):
    """Page weight of each endpoint, each in a freshly launched browser so that browser-wide
    state (the favicon request, for one) does not depend on the order of the endpoints."""
    from playwright.sync_api import sync_playwright

    rows, version = [], None
    with sync_playwright() as pw:
        for ep in endpoints:
            try:
                browser = pw.chromium.launch(executable_path=chromium_executable(),
                                             args=CHROMIUM_ARGS)
            except Exception as exc:
                raise CannotMeasure(f"could not start Chromium (set CHROMIUM=/path/to/chromium,"
                                    f" or apt-get install -y chromium): {exc}") from exc
            version = browser.version
            row = {"name": ep["name"], "path": ep["resolved_path"], "budget": ep["weight"]}
            try:
                row.update(page_weight(browser, base + ep["resolved_path"]))
                row["problems"] = weight_verdict(ep["weight"], row)
            except Exception as exc:  # Playwright errors too: record, go on
                row["error"] = str(exc).strip()
            finally:
                browser.close()
            rows.append(row)
            print(f"  {describe_weight(row)}", flush=True)
    return rows, version


def describe_weight(row):
    if "error" in row:
        return f"{row['name']:<24} ERROR {row['error']}"
    f, r = row["first"], row["repeat"]
    return (f"{row['name']:<24} first {f['requests']} requests {f['bytes'] / KB:.1f} KB, "
            f"repeat {r['requests']} requests {r['bytes'] / KB:.1f} KB "
            f"({r['from_cache']} from cache)")


# --- report ------------------------------------------------------------------------------

def machine_info(browser_version, load_avg):
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    now = datetime.datetime.now(datetime.timezone.utc)
    try:
        from zoneinfo import ZoneInfo
        local = now.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    except Exception:  # no tz database: Vietnam has been UTC+7 without DST since 1975
        local = now.astimezone(datetime.timezone(datetime.timedelta(hours=7)))
    wrk_version = subprocess.run([WRK, "-v"], capture_output=True, text=True).stdout.split()
    gunicorn_version = re.sub(r"[^\d.]", "", subprocess.run(
        [str(BIN / "gunicorn"), "--version"], capture_output=True, text=True).stdout)
    return {
        "date_utc": now.strftime("%Y-%m-%d %H:%M:%S UTC"),
        "date_local": local.strftime("%Y-%m-%d %H:%M:%S") + " Asia/Ho_Chi_Minh",
        "uname": subprocess.run(["uname", "-srm"], capture_output=True, text=True).stdout.strip(),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "gunicorn": f"gunicorn {gunicorn_version} {' '.join(GUNICORN_ARGS)}, on {HOST}, SQLite",
        "wrk": f"wrk {wrk_version[1] if len(wrk_version) > 1 else '?'} {' '.join(WRK_ARGS)}"
               f" (after a 1 s warm-up), on the same machine",
        "chromium": browser_version,
        "load_avg_1min_at_start": load_avg,
    }


def fmt(value, pattern):
    return "—" if value is None else pattern.format(value)


def write_reports(data):
    DOCS.mkdir(exist_ok=True)
    (DOCS / "benchmarks.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    m, ref = data["machine"], data["reference"]
    lines = [
        "# Benchmarks",
        "",
        "Generated by `bench/run.py` (`make bench`); do not edit by hand. "
        "Numbers move 20 % or more between runs: read the ratio to the reference, "
        "which is measured in the same run.",
        "",
        f"- Date: {m['date_utc']} ({m['date_local']})",
        f"- Machine: `{m['uname']}`, {m['nproc']} CPUs, {m['cpu']}",
        f"- Python {m['python']}; server: {m['gunicorn']}",
        f"- Load: `{m['wrk']}`",
        f"- Reference (`bench/reference.py`, one query and a small template): "
        f"{ref['first']['requests_per_s']:,.0f} req/s first, {ref['last']['requests_per_s']:,.0f} last, "
        f"average {ref['requests_per_s']:,.0f} (drift {ref['drift_pct']:+.1f} %)",
        f"- Browser: Chromium {m['chromium'] or '—'}",
        f"- Load average (1 min) at start: {m['load_avg_1min_at_start']:.2f}",
        "",
        *[f"> **Warning**: {w}." for w in data["warnings"]],
        *([""] if data["warnings"] else []),
        "## Throughput",
        "",
        "| Endpoint | Path | req/s | p50 | p99 | Ratio to reference | Budget | Result |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for row in data["endpoints"]:
        budget = fmt(row.get("budget_ratio"), "≥ {:.2f}")
        if "error" in row:
            lines.append(f"| {row['name']} | `{row['path']}` | — | — | — | — | {budget} | "
                         f"**ERROR**: {row['error'].splitlines()[0]} |")
            continue
        lines.append(
            f"| {row['name']} | `{row['path']}` | {row['requests_per_s']:,.0f} "
            f"| {fmt(row['p50_ms'], '{:.1f} ms')} | {fmt(row['p99_ms'], '{:.1f} ms')} "
            f"| {row['ratio']:.2f} | {budget} | {verdict(row['problems'])} |")
    lines += [
        "",
        "## Page weight (Chromium)",
        "",
        "First visit in a fresh browser context; repeat visit in the same context (HTTP cache "
        "applies). Requests = requests sent to the server; transferred = bytes on the wire, "
        f"headers included (1 KB = {KB:,} bytes).",
        "",
        "| Endpoint | Path | First: requests | First: transferred | Repeat: requests "
        "| Repeat: transferred | Budget | Result |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for row in data["weights"]:
        budget = ", ".join(f"{k} ≤ {v:g}" for k, v in row["budget"].items()) or "—"
        if "error" in row:
            lines.append(f"| {row['name']} | `{row['path']}` | — | — | — | — | {budget} | "
                         f"**ERROR**: {row['error'].splitlines()[0]} |")
            continue
        f, r = row["first"], row["repeat"]
        lines.append(
            f"| {row['name']} | `{row['path']}` | {f['requests']} | {f['bytes'] / KB:.1f} KB "
            f"| {r['requests']} ({r['from_cache']} from cache) | {r['bytes'] / KB:.1f} KB "
            f"| {budget} | {verdict(row['problems'])} |")
    if data["failures"] or data["errors"]:
        lines += ["", "## Budget failures and errors", ""]
        lines += [f"- {line}" for line in data["failures"] + data["errors"]]
    (DOCS / "benchmarks.md").write_text("\n".join(lines) + "\n")


def verdict(problems):
    if problems is None:
        return "—"
    return "pass" if not problems else "**FAIL**: " + "; ".join(problems)


# --- main --------------------------------------------------------------------------------

def load_endpoints():
    with open(BENCH / "endpoints.toml", "rb") as f:
        endpoints = tomllib.load(f).get("endpoint", [])
    for ep in endpoints:
        if not ep.get("name") or not ep.get("path", "").startswith("/"):
            raise CannotMeasure(f"endpoints.toml: every endpoint needs a name and a /path: {ep}")
    return endpoints


def bench(tmp):
    load_avg = os.getloadavg()[0]
    endpoints = load_endpoints()
    app_env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.db", "SECRET_KEY": "bench"}
    ref_env = {**os.environ, "REFERENCE_DATABASE_URL": f"sqlite:///{tmp}/reference.db"}
    flask = str(BIN / "flask")
    print("Preparing the app's database (db upgrade, demo load) and the reference's...", flush=True)
    run_cli([flask, "--app", "wsgi", "db", "upgrade"], app_env, "flask db upgrade")
    run_cli([flask, "--app", "wsgi", "demo", "load"], app_env, "flask demo load")
    run_cli([sys.executable, str(BENCH / "reference.py")], ref_env, "seeding the reference")

    servers = []
    try:
        servers.append(serve("wsgi:app", app_env, f"{tmp}/app.log"))
        servers.append(serve("reference:app", ref_env, f"{tmp}/reference.log",
                             ["--chdir", str(BENCH)]))
        (_, app, _), (_, ref, _) = servers
        print(f"App on {app}, reference on {ref}; wrk {' '.join(WRK_ARGS)}", flush=True)

        ref_ep = {"name": "reference"}
        ref_first = measure(ref, ref_ep, "/", tmp)
        rows, errors = [], []
        for ep in endpoints:
            row = {"name": ep["name"], "path": ep["path"], "method": ep.get("method", "GET"),
                   "budget_ratio": ep.get("budget_ratio")}
            try:
                ep["resolved_path"] = row["path"] = resolve_path(app, ep)
                row.update(measure(app, ep, row["path"], tmp))
            except CannotMeasure as exc:
                row["error"] = str(exc)
                errors.append(str(exc))
                print(f"  ERROR {exc}", flush=True)
            rows.append(row)
        ref_last = measure(ref, ref_ep, "/", tmp)

        ref_rps = (ref_first["requests_per_s"] + ref_last["requests_per_s"]) / 2
        failures = []
        for row in rows:
            if "error" in row:
                continue
            row["ratio"] = row["requests_per_s"] / ref_rps
            problems = []
            if row["budget_ratio"] is not None and row["ratio"] < row["budget_ratio"]:
                problems.append(f"ratio {row['ratio']:.2f} < {row['budget_ratio']:.2f}")
            if row["non_2xx_3xx"] or any(row["socket_errors"].values()):
                problems.append(f"{row['non_2xx_3xx']} non-2xx/3xx responses, "
                                f"socket errors {row['socket_errors']}")
            # None = nothing to judge (no budget, no errors): reported as "—"
            row["problems"] = problems if problems or row["budget_ratio"] is not None else None
            failures += [f"{row['name']}: {p}" for p in problems]

        print("Page weight in Chromium...", flush=True)
        pages = [ep for ep in endpoints if "weight" in ep and "resolved_path" in ep
                 and ep.get("method", "GET").upper() == "GET"]
        weights, browser_version = [], None
        if pages:
            weights, browser_version = measure_weights(pages, app)
        for row in weights:
            if "error" in row:
                errors.append(f"{row['name']} (page weight): {row['error']}")
            else:
                failures += [f"{row['name']} (page weight): {p}" for p in row["problems"] or []]
    finally:
        for proc, _, _ in servers:
            stop(proc)

    drift = 100 * (ref_last["requests_per_s"] / ref_first["requests_per_s"] - 1)
    warnings = []
    if abs(drift) > DRIFT_WARN_PCT:
        warnings.append(f"the reference drifted {drift:+.0f} % between the first and last "
                        f"measurement (load average {load_avg:.2f} at start): the machine was "
                        f"busy; read these numbers with caution or run again on a quiet machine")
    return {
        "machine": machine_info(browser_version, load_avg),
        "reference": {
            "path": "/", "first": ref_first, "last": ref_last, "requests_per_s": ref_rps,
            "drift_pct": drift,
        },
        "endpoints": rows,
        "weights": weights,
        "failures": failures,
        "errors": errors,
        "warnings": warnings,
    }


def main():
    if not os.path.exists(WRK):
        print(f"{WRK} not found. Install it: apt-get install -y wrk", file=sys.stderr)
        return 2
    # make / CI stop us with SIGTERM: turn it into an exception so `finally` stops the servers
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tmp = tempfile.mkdtemp(prefix="tthc-bench-")
    try:
        data = bench(tmp)
    except CannotMeasure as exc:
        print(f"\nbench: could not measure: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    write_reports(data)
    print(f"\nReference: {data['reference']['requests_per_s']:,.0f} req/s "
          f"(drift {data['reference']['drift_pct']:+.1f} %). "
          f"Wrote {DOCS / 'benchmarks.md'} and benchmarks.json.")
    for line in data["warnings"]:
        print(f"WARNING      {line}")
    for line in data["failures"]:
        print(f"BUDGET FAIL  {line}")
    for line in data["errors"]:
        print(f"ERROR        {line.splitlines()[0]}")
    if not data["failures"] and not data["errors"]:
        print("All budgets met.")
    return 1 if data["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
