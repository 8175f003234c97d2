"""Benchmark harness: the budgets a user feels, in a real browser, against gunicorn.

Run from the repository root, after `make setup`:

    .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py --checkout /tmp/before --label before   # another tree

It serves the app (wsgi:app) with gunicorn, 2 sync workers, on 127.0.0.1, with a throwaway
SQLite database; checks that every endpoint of bench/endpoints.toml answers 2xx and, where
it has `max_kb`, that its response fits; opens the pages that have a `weight` entry in
Chromium (page weight, requests, an idle poll); times a keystroke to the updated
completeness panel on a throttled phone (the `[keystroke]` table); and writes
docs/benchmarks.md and docs/benchmarks.json, keeping their Capacity section (written by
bench/capacity.py). With --checkout DIR (and --label NAME) it serves that tree's app instead,
with this tree's harness, and only adds the run to the "Before and after" table, so that two
commits are compared in the same conditions. BENCH_ONLY=name,name measures only what matches
(see bench/README.md).

Budget failures are reported, not fatal: the exit status is 0 when everything was measured,
1 when something could not be measured (server did not start, endpoint answered an error...).
"""

import datetime
import argparse
import html.parser
import http.client
import http.cookies
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DOCS = ROOT / "docs"
TREE = ROOT  # the tree whose app is served: --checkout DIR
BIN = Path(sys.executable).parent  # the virtualenv's bin/, when run as .venv/bin/python
HOST = "127.0.0.1"  # the only host this harness ever sends traffic to

GUNICORN_ARGS = ["-w", "2", "-k", "sync"]
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    # Any host name fails to resolve: a page that pulls from a CDN shows it as a failed
    # request instead of sending traffic off this machine.
    f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {HOST}",
]
KB = 1000
# BENCH_ONLY="Keystroke,Completeness": comma-separated, case-insensitive substrings of the
# names of what to measure (endpoints, the keystroke measurement).
ONLY = [s.strip().lower() for s in os.environ.get("BENCH_ONLY", "").split(",") if s.strip()]


class CannotMeasure(Exception):
    pass


# --- servers ---------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def run_cli(args, env, what):
    proc = subprocess.run(args, cwd=TREE, env=env, capture_output=True, text=True)
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
        proc = subprocess.Popen(args, cwd=TREE, env=env, stdout=log, stderr=subprocess.STDOUT,
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

def get(base, path, method="GET", headers=None, body=None, jar=None, raw=False):
    """One request, no redirect following: (status, Location header, body text).

    With a cookie *jar* (a dict), its cookies are sent and the response's Set-Cookie kept;
    with *raw*, the body is returned as the bytes on the wire (compressed if it was).
    """
    url = urlsplit(base)
    assert url.hostname == HOST
    headers = dict(headers or {})
    if jar:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        conn.request(method, path, body=body.encode() if body else None, headers=headers)
        resp = conn.getresponse()
        if jar is not None:
            for header in resp.headers.get_all("Set-Cookie") or ():
                cookie = http.cookies.SimpleCookie(header)
                jar.update({name: morsel.value for name, morsel in cookie.items()})
        data = resp.read()
        return resp.status, resp.getheader("Location"), data if raw else data.decode(
            errors="replace")
    finally:
        conn.close()


class LinkParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value]


class FormParser(html.parser.HTMLParser):
    """The POST forms of a page: action and the values their inputs would send."""

    def __init__(self):
        super().__init__()
        self.forms, self._current = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._current = {"action": a.get("action") or "", "fields": []}
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind not in ("submit", "button", "file", "image", "reset") and (
                    kind not in ("checkbox", "radio") or "checked" in a):
                self._current["fields"].append((a["name"], a.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def submit_form(base, ep, page, prefix):
    """Fetch *page* with a cookie jar, post its first POST form whose action starts with
    *prefix* (hidden inputs included, so the CSRF token too), and return the path its
    redirect leads to. The jar and the form's csrf_token are kept on *ep* for the load."""
    jar = {}
    status, _, text = get(base, page, jar=jar)
    if status != 200:
        raise CannotMeasure(f"{ep['name']}: {page} answered {status}, cannot submit its form")
    parser = FormParser()
    parser.feed(text)
    form = next((f for f in parser.forms if urlsplit(f["action"]).path.startswith(prefix)), None)
    if form is None:
        raise CannotMeasure(f"{ep['name']}: no POST form to {prefix} on {page}")
    body = urlencode(form["fields"])
    status, location, _ = get(base, urlsplit(urljoin(page, form["action"])).path, "POST",
                              {"Content-Type": "application/x-www-form-urlencoded"}, body, jar)
    if status not in (301, 302, 303) or not location:
        raise CannotMeasure(f"{ep['name']}: posting the form on {page} answered {status}, "
                            "not a redirect")
    ep["_jar"], ep["_csrf_token"] = jar, dict(form["fields"]).get("csrf_token", "")
    return urlsplit(urljoin(base + page, location)).path


def expand(ep, text):
    """`{csrf_token}` in a body or header value: the token of the form `path_from` posted."""
    return text.replace("{csrf_token}", ep.get("_csrf_token", "")) if text else text


def request_headers(ep):
    headers = {name: expand(ep, value) for name, value in ep.get("headers", {}).items()}
    if ep.get("_jar"):
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in ep["_jar"].items())
    if ep.get("login") and ep.get("_csrf_token"):
        headers.setdefault("X-CSRFToken", ep["_csrf_token"])  # the signed-in session's
    return headers


def resolve_path(base, ep):
    """The path to measure: `path`, or one found from it (`path_from`), plus `path_suffix`."""
    if ep.get("login"):
        sign_in(base, ep)
    return _resolve(base, ep) + ep.get("path_suffix", "")


def sign_in(base, ep):
    """`login = { username, password }`: sign staff in through the sign-in form; the
    endpoint's request and its Chromium visit carry that session (and, with `csrf_page`,
    the CSRF token read from that page, sent as X-CSRFToken)."""
    login = ep["login"]
    jar = {}
    status, _, text = get(base, "/can-bo/dang-nhap", jar=jar)
    parser = FormParser()
    parser.feed(text)
    fields = dict(parser.forms[0]["fields"]) if status == 200 and parser.forms else {}
    fields.update(username=login["username"], password=login["password"])
    status, _, _ = get(base, "/can-bo/dang-nhap", "POST",
                       {"Content-Type": "application/x-www-form-urlencoded"},
                       urlencode(fields), jar)
    if status != 303:
        raise CannotMeasure(f"{ep['name']}: signing in as {login['username']} answered {status}")
    token = ""
    if login.get("csrf_page"):
        _, _, page = get(base, login["csrf_page"], jar=jar)
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        if not found:
            raise CannotMeasure(f"{ep['name']}: no CSRF token on {login['csrf_page']}")
        token = found.group(1)
    ep["_jar"], ep["_csrf_token"] = jar, token


def _resolve(base, ep):
    rule = ep.get("path_from")
    if not rule:
        return ep["path"]
    kind, _, prefix = rule.partition(":")
    if kind == "submit_form" and prefix:
        return submit_form(base, ep, ep["path"], prefix)
    if kind != "first_link" or not prefix:
        raise CannotMeasure(f"{ep['name']}: unknown path_from {rule!r} "
                            "(want first_link:PREFIX or submit_form:PREFIX)")
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


# --- one request: answers 2xx, and fits its size budget ------------------------------------

def check_response(base, ep, path):
    """One request as the endpoint says; its status and the body's size as sent
    (compressed when the request's Accept-Encoding allows it)."""
    method = ep.get("method", "GET").upper()
    status, location, body = get(base, path, method, request_headers(ep),
                                 expand(ep, ep.get("body")), raw=True)
    if not 200 <= status < 300:
        where = f" to {location}" if location else ""
        raise CannotMeasure(f"{ep['name']}: {path} answered {status}{where}, not 2xx")
    row = {"status": status, "body_bytes": len(body)}
    print(f"  {ep['name']:<28} {path:<44} {status}  {len(body) / KB:.1f} KB", flush=True)
    return row

# --- page weight in Chromium -----------------------------------------------------------

def chromium_executable():
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return None  # Playwright's own Chromium


def launch_chromium(pw):
    try:
        return pw.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
    except Exception as exc:
        raise CannotMeasure(f"could not start Chromium (set CHROMIUM=/path/to/chromium,"
                            f" or apt-get install -y chromium): {exc}") from exc


def page_weight(browser, url, jar=None, idle_seconds=0):
    """First visit in a fresh context, then a repeat visit in the same one (HTTP cache).

    *jar*: cookies to start with (a signed-in session). *idle_seconds*: after the first
    visit, stay on the page that long and record what its polling costs, request by request.
    """
    context = browser.new_context()
    if jar:
        context.add_cookies([{"name": k, "value": v, "url": url} for k, v in jar.items()])
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
            visit["sizes"].append(int(e["encodedDataLength"]))

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
            visit.update(urls=[], from_cache=0, bytes=0, failed=[], sizes=[])
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
            if name == "first" and idle_seconds:
                seen.clear()
                visit.update(urls=[], sizes=[])
                page.wait_for_timeout(idle_seconds * 1000)
                # The first poll after a page load fetches the fragment (page and fragment
                # are different representations); the polls after it are what idle costs.
                result["idle"] = {"seconds": idle_seconds, "polls": visit["sizes"][:],
                                  "max_bytes": max(visit["sizes"][1:], default=None)}
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
    idle = result.get("idle")
    if "idle_kb" in budget:
        if not idle or idle["max_bytes"] is None:
            problems.append(f"fewer than 2 polls in {idle and idle['seconds']} s idle")
        elif idle["max_bytes"] / KB > budget["idle_kb"]:
            problems.append(f"idle poll {idle['max_bytes'] / KB:.2f} KB > {budget['idle_kb']:g} KB")
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
            browser = launch_chromium(pw)
            version = browser.version
            row = {"name": ep["name"], "path": ep["resolved_path"], "budget": ep["weight"]}
            try:
                row.update(page_weight(browser, base + ep["resolved_path"], ep.get("_jar"),
                                       ep["weight"].get("idle_seconds", 6 if "idle_kb" in
                                                        ep["weight"] else 0)))
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
    idle = row.get("idle")
    return (f"{row['name']:<24} first {f['requests']} requests {f['bytes'] / KB:.1f} KB, "
            f"repeat {r['requests']} requests {r['bytes'] / KB:.1f} KB "
            f"({r['from_cache']} from cache)"
            + (f", idle polls {idle['polls']} bytes" if idle else ""))


# --- keystroke to updated panel on a slow phone ----------------------------------------

# The phone of the budget and of tests/browser (the `phone` fixture and throttle()
# of test_intake_browser.py): 360×640, 400 ms round trip, 400 kbit/s both ways, CPU 4× slower.
PHONE_CONTEXT = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 2,
                 "is_mobile": True, "has_touch": True, "locale": "vi-VN"}
PHONE_NETWORK = {"offline": False, "latency": 400, "downloadThroughput": 51200,
                 "uploadThroughput": 51200}
PHONE_CPU_SLOWDOWN = 4
PHONE_LABEL = "360×640, 400 ms round trip, 400 kbit/s both ways, CPU 4× slower"
KEYSTROKE_START = "/nop-truoc?thu_tuc=dang-ky-khai-sinh"  # fill_birth_registration's form
KEYSTROKE_FIELD = "#applicant_id_number"
ID_RIGHT = "001190012345"  # + a 13th digit: wrong ("Còn thiếu 1 mục"); deleted: right again
# A 13th digit makes the ID number wrong (and the mother's, which follows the applicant's).
PANEL_COMPLETE, PANEL_ONE_MISSING = "Hồ sơ đã đủ", "Còn thiếu"
KEYSTROKE_TIMEOUT_S = 15  # a key's panel update
SETUP_TIMEOUT_S = 60  # each step of loading and filling the draft on the throttled phone
# In the page (page.evaluate: the page's CSP forbids eval, so no wait_for_function): the
# first keydown on the field and the first htmx:afterSettle of the panel after it.
KEYSTROKE_JS = """() => {
    window.__kt = {down: null, settled: null};
    document.querySelector('%s').addEventListener('keydown', () => {
        if (window.__kt.down === null) { window.__kt.down = performance.now(); }
    }, true);
    document.body.addEventListener('htmx:afterSettle', (e) => {
        if (e.target && e.target.id === 'completeness' && window.__kt.down !== null
                && window.__kt.settled === null) { window.__kt.settled = performance.now(); }
    });
}""" % KEYSTROKE_FIELD


def fill_birth_registration(page, base):
    """Start a birth-registration draft and fill it, as tests/browser/test_intake_browser.py
    does, until the panel says the dossier is complete; the cursor ends in the ID number.

    A long form opens on its task list (issue 12): each section is a page saved by «Tiếp
    tục»; the trials type on the first one, where the ID number is."""
    from playwright.sync_api import expect

    page.goto(base + KEYSTROKE_START)
    page.click("text=Bắt đầu điền hồ sơ")
    page.wait_for_url(re.compile(r"/ho-so/[\w-]+$"))
    draft = page.url
    child_birth = time.strftime("%d/%m/%Y", time.localtime(time.time() - 5 * 86400))
    answers = [
        ("#applicant_full_name", "Nguyễn Thị Hoà"), ("#applicant_birth_date", "15/03/1990"),
        (KEYSTROKE_FIELD, ID_RIGHT), ("#applicant_phone", "0912 345 678"),
        ("#applicant_address", "Số 12 ngõ 34 phố Thụy Khuê, Hà Nội"),
        ("#child_full_name", "Trần Minh An"), ("#child_birth_date", child_birth),
        ("#child_birth_place", "Bệnh viện Phụ sản Hà Nội"), ("#child_hometown", "Hà Nội"),
        ("#child_ethnicity", "Kinh"), ("#mother_full_name", "Nguyễn Thị Hoà"),
        ("#mother_birth_date", "15/03/1990"), ("#mother_ethnicity", "Kinh"),
        ("#mother_nationality", "Việt Nam"),
        ("#mother_residence", "Số 12 ngõ 34 phố Thụy Khuê, Hà Nội")]
    ticks = ("#applicant_sex-2", "#applicant_role", "#child_sex", "#has_birth_certificate")
    parts = page.locator("a[href*='/phan/']").count() if "/phan/" not in page.url else 0
    for n in range(1, max(parts, 1) + 1):
        if parts:
            page.goto(f"{draft}/phan/{n}")
        for selector, value in answers:
            if page.locator(selector).count():
                page.fill(selector, value)
        for selector in ticks:
            if page.locator(selector).count():
                page.check(selector)
        if page.locator("#relationship").count():
            page.select_option("#relationship", "me")
        if page.locator("#bring-giay_to_tuy_than").count():
            # The ticked box brings its paper into view (the live check answers with it).
            expect(page.locator("#giay-to-giay_chung_sinh")).to_be_visible()
            page.check("#bring-giay_chung_sinh")
            page.check("#bring-giay_to_tuy_than")
        if parts:
            wait_idle(page, 600)
    expect(page.locator("#completeness")).to_contain_text(PANEL_COMPLETE)
    if parts:
        page.goto(f"{draft}/phan/1")
        expect(page.locator("#completeness")).to_contain_text(PANEL_COMPLETE)
    page.locator(KEYSTROKE_FIELD).press("End")


def wait_idle(page, pause_ms):
    """Wait *pause_ms* (longer than any debounce left pending), then until no live check is
    in flight (htmx marks the panel while one is)."""
    page.wait_for_timeout(pause_ms)
    deadline = time.monotonic() + KEYSTROKE_TIMEOUT_S
    while page.evaluate("document.getElementById('completeness')"
                        ".classList.contains('htmx-request')"):
        if time.monotonic() > deadline:
            raise CannotMeasure(f"a live check was still in flight after {KEYSTROKE_TIMEOUT_S} s")
        page.wait_for_timeout(50)


def keystroke_trials(page, trials):
    """Alternately type a 13th digit (the panel redraws: one item missing) and delete it
    (complete again); each time, ms from the keydown to htmx:afterSettle of the panel."""
    page.evaluate(KEYSTROKE_JS)
    times = []
    for n in range(trials):
        key, says = ("9", PANEL_ONE_MISSING) if n % 2 == 0 else ("Backspace", PANEL_COMPLETE)
        wait_idle(page, 1000 if n == 0 else 500)
        page.evaluate("window.__kt.down = null; window.__kt.settled = null")
        page.keyboard.press(key)
        deadline = time.monotonic() + KEYSTROKE_TIMEOUT_S
        while (stamp := page.evaluate("[window.__kt.down, window.__kt.settled]"))[1] is None:
            if time.monotonic() > deadline:
                raise CannotMeasure(f"trial {n + 1} ({key}): the panel did not update within "
                                    f"{KEYSTROKE_TIMEOUT_S} s of the keystroke")
            page.wait_for_timeout(50)
        # The swap must be the one the key asked for, not some other redraw.
        text = " ".join(page.locator("#completeness").inner_text().split())
        if says not in text:
            raise CannotMeasure(f"trial {n + 1} ({key}): the panel says {text[:80]!r}, "
                                f"not {says!r}")
        times.append(stamp[1] - stamp[0])
    return times


def measure_keystroke(spec, base):
    """The `[keystroke]` table: keystroke → updated completeness panel on the slow phone.

    A fresh browser and context; the whole visit (page loads, filling) under the phone's
    network and CPU throttling, as in the browser test. Median and worst of `trials` keys.
    """
    from playwright.sync_api import sync_playwright

    trials = int(spec.get("trials", 7))
    budget, worst_budget = spec.get("budget_ms", 800), spec.get("worst_ms", 1000)
    row = {"name": spec["name"], "path": KEYSTROKE_START, "phone": PHONE_LABEL,
           "budget_ms": budget, "worst_budget_ms": worst_budget, "trials": trials}
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        row["browser"] = browser.version
        try:
            context = browser.new_context(**PHONE_CONTEXT)
            page = context.new_page()
            page.set_default_timeout(SETUP_TIMEOUT_S * 1000)
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", PHONE_NETWORK)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": PHONE_CPU_SLOWDOWN})
            started = time.monotonic()
            fill_birth_registration(page, base)
            row["path"] = urlsplit(page.url).path
            row["setup_s"] = round(time.monotonic() - started, 1)
            row["times_ms"] = [round(t, 1) for t in keystroke_trials(page, trials)]
            row["median_ms"] = statistics.median(row["times_ms"])
            row["worst_ms"] = max(row["times_ms"])
            row["problems"] = [problem for problem, over in [
                (f"median {row['median_ms']:.0f} ms > {budget:g} ms", row["median_ms"] > budget),
                (f"worst {row['worst_ms']:.0f} ms > {worst_budget:g} ms",
                 row["worst_ms"] > worst_budget)] if over]
        except Exception as exc:  # Playwright errors too: it could not be measured
            row["error"] = str(exc).strip()
        finally:
            browser.close()
    print(f"  {describe_keystroke(row)}", flush=True)
    return row


def describe_keystroke(row):
    if "error" in row:
        return f"{row['name']} ERROR {row['error']}"
    return (f"{row['name']}: median {row['median_ms']:.0f} ms, worst {row['worst_ms']:.0f} ms "
            f"(budget: median ≤ {row['budget_ms']:g} ms, "
            f"worst ≤ {row['worst_budget_ms']:g} ms);"
            " trials "
            + ", ".join(f"{t:.0f}" for t in row["times_ms"]) + f" ms (draft filled in "
            f"{row['setup_s']:g} s)")

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
        "chromium": browser_version,
        "load_avg_1min_at_start": load_avg,
    }


def fmt(value, pattern):
    return "—" if value is None else pattern.format(value)


def summary(data, label):
    """One run's budgets in a few numbers, for the "Before and after" table."""
    key = data.get("keystroke") or {}
    commit = subprocess.run(["git", "-C", str(TREE), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or "?"
    rows = {}
    if key.get("median_ms") is not None:
        rows["Keystroke → panel, median"] = f"{key['median_ms']:.0f} ms"
        rows["Keystroke → panel, worst"] = f"{key['worst_ms']:.0f} ms"
    for w in data["weights"]:
        if "error" not in w:
            rows[f"{w['name']}: first visit"] = (f"{w['first']['bytes'] / KB:.1f} KB, "
                                                 f"{w['first']['requests']} requests")
            if w.get("idle") and w["idle"]["max_bytes"] is not None:
                rows[f"{w['name']}: idle poll"] = f"{w['idle']['max_bytes']:,} B"
    for e in data["endpoints"]:
        if "error" not in e and e.get("max_kb") is not None:
            rows[f"{e['name']}: body"] = f"{e['body_bytes'] / KB:.1f} KB"
    return {"label": label, "commit": commit, "date_utc": data["machine"]["date_utc"],
            "load_avg_1min_at_start": data["machine"]["load_avg_1min_at_start"],
            "values": rows, "failures": data["failures"], "errors": data["errors"]}


def write_reports(data, label="current"):
    """docs/benchmarks.json and .md. A run of this tree replaces the main sections; every
    run adds its column to "Before and after"; Capacity (capacity.py) is kept."""
    import capacity  # bench/, beside this file

    DOCS.mkdir(exist_ok=True)
    path_json = DOCS / "benchmarks.json"
    try:
        previous = json.loads(path_json.read_text())
    except (OSError, ValueError):
        previous = {}
    data = {**data, "label": label}
    compare = {**previous.get("compare", {}), label: summary(data, label)}
    if TREE != ROOT and "weights" in previous:  # another tree: only its line in the table
        data = {k: v for k, v in previous.items() if k not in ("compare", "capacity")}
    data = {**data, "compare": compare, "capacity": previous.get("capacity", {})}
    path_json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    m = data["machine"]
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`bench/run.py`, then `bench/capacity.py` for the Capacity "
        "section); do not edit by hand. The budgets are what a user feels: page weight, "
        "keystroke to updated panel on a slow phone, and how many wards one server holds on "
        "a Monday morning. See bench/README.md.",
        "",
        f"- Tree: {data.get('label', 'current')}"
        + (f" (`{data['compare'][data['label']]['commit']}`)"
           if data.get("label") in data["compare"] else ""),
        f"- Date: {m['date_utc']} ({m['date_local']})",
        f"- Machine: `{m['uname']}`, {m['nproc']} CPUs, {m['cpu']}",
        f"- Python {m['python']}; server: {m['gunicorn']}",
        f"- Browser: Chromium {m['chromium'] or '—'}",
        f"- Load average (1 min) at start: {m['load_avg_1min_at_start']:.2f}",
        "",
        "## Responses",
        "",
        "Each endpoint answers 2xx; a fragment with a size budget is judged on its body as "
        "sent (compressed when the request allows it).",
        "",
        "| Endpoint | Path | Status | Body | Budget | Result |",
        "|---|---|---:|---:|---|---|",
    ]
    for row in data["endpoints"]:
        budget = fmt(row.get("max_kb"), "body ≤ {:g} KB")
        if "error" in row:
            lines.append(f"| {row['name']} | `{row['path']}` | — | — | {budget} "
                         f"| **ERROR**: {row['error'].splitlines()[0]} |")
            continue
        lines.append(f"| {row['name']} | `{row['path']}` | {row['status']} "
                     f"| {row['body_bytes'] / KB:.1f} KB | {budget} "
                     f"| {verdict(row['problems'])} |")
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
    idle = [row for row in data["weights"] if row.get("idle")]
    if idle:
        lines += ["", "Polling while nothing changes (bytes on the wire per request; the first "
                  "poll after a page load fetches the fragment, the next ones revalidate):", ""]
        lines += [f"- {row['name']}: {row['idle']['seconds']} s idle, polls "
                  f"{', '.join(f'{b:,} B' for b in row['idle']['polls'])}" for row in idle]
    key = data.get("keystroke")
    if key:
        lines += [
            "",
            "## Keystroke to updated panel (Chromium, throttled phone)",
            "",
            f"A birth-registration draft filled until complete, on a phone of {key['phone']} "
            "(Chrome DevTools throttling). Each trial is one key in the ID number, alternately a "
            "13th digit (the panel redraws: one item missing) and its deletion (complete "
            "again), timed in the page from the keydown to `htmx:afterSettle` of the panel, "
            "debounce included.",
            "",
            "| Measurement | Path | Trials | Median | Worst | Budget | Result |",
            "|---|---|---:|---:|---:|---|---|",
        ]
        budget = (f"median ≤ {key['budget_ms']:g} ms, worst ≤ "
                  f"{key.get('worst_budget_ms', 1000):g} ms")
        if "error" in key:
            lines.append(f"| {key['name']} | `{key['path']}` | — | — | — | {budget} | "
                         f"**ERROR**: {key['error'].splitlines()[0]} |")
        else:
            lines += [
                f"| {key['name']} | `{key['path']}` | {len(key['times_ms'])} "
                f"| {key['median_ms']:.0f} ms | {key['worst_ms']:.0f} ms | {budget} "
                f"| {verdict(key['problems'])} |",
                "",
                "Trials: " + ", ".join(f"{t:.0f}" for t in key["times_ms"]) + " ms.",
            ]
    if data["failures"] or data["errors"]:
        lines += ["", "## Budget failures and errors", ""]
        lines += [f"- {line}" for line in data["failures"] + data["errors"]]
    lines += compare_lines(data["compare"])
    lines += ["", capacity.render(data["capacity"])]
    (DOCS / "benchmarks.md").write_text("\n".join(lines) + "\n")


def compare_lines(compare):
    """The "Before and after" table: one column per labelled run of run.py."""
    if not compare:
        return []
    labels = list(compare)
    names = list(dict.fromkeys(n for run in compare.values() for n in run["values"]))
    lines = ["", "## Before and after", "",
             "The same budgets measured by this harness on other trees (`run.py --checkout DIR "
             "--label NAME`), one after the other on the same machine.", "",
             "| Budget | " + " | ".join(f"{lab} (`{compare[lab]['commit']}`)" for lab in labels)
             + " |", "|---|" + "---:|" * len(labels)]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(compare[lab]["values"].get(name, "—")
                                                 for lab in labels) + " |")
    lines.append("| Budget failures | " + " | ".join(
        str(len(compare[lab]["failures"]) + len(compare[lab]["errors"])) for lab in labels)
        + " |")
    lines += ["", "Dates: " + "; ".join(f"{lab} {compare[lab]['date_utc']} (load average "
                                         f"{compare[lab]['load_avg_1min_at_start']:.2f})"
                                         for lab in labels) + "."]
    return lines


def verdict(problems):
    if problems is None:
        return "—"
    return "pass" if not problems else "**FAIL**: " + "; ".join(problems)


# --- main --------------------------------------------------------------------------------

def selected(name):
    """BENCH_ONLY: is this measured? (Everything is when it is not set.)"""
    return not ONLY or any(part in name.lower() for part in ONLY)


def load_config():
    """endpoints.toml: the `[[endpoint]]` list and the `[keystroke]` table (or None)."""
    with open(BENCH / "endpoints.toml", "rb") as f:
        config = tomllib.load(f)
    endpoints, keystroke = config.get("endpoint", []), config.get("keystroke")
    for ep in endpoints:
        if not ep.get("name") or not ep.get("path", "").startswith("/"):
            raise CannotMeasure(f"endpoints.toml: every endpoint needs a name and a /path: {ep}")
    if keystroke is not None:
        if not keystroke.get("name"):
            raise CannotMeasure("endpoints.toml: [keystroke] needs a name")
        if int(keystroke.get("trials", 7)) < 1:
            raise CannotMeasure("endpoints.toml: [keystroke] trials must be at least 1")
    return endpoints, keystroke


def bench(tmp):
    load_avg = os.getloadavg()[0]
    all_endpoints, keystroke = load_config()
    endpoints = [ep for ep in all_endpoints if selected(ep["name"])]
    if keystroke is not None and not selected(keystroke["name"]):
        keystroke = None
    if ONLY:
        names = [ep["name"] for ep in endpoints] + ([keystroke["name"]] if keystroke else [])
        if not names:
            raise CannotMeasure(f"BENCH_ONLY={os.environ['BENCH_ONLY']!r} matches nothing in "
                                "bench/endpoints.toml")
        print(f"BENCH_ONLY: measuring {', '.join(names)}", flush=True)
    # TTHC_DEMO: the demo data's accounts keep their published password (tthc/auth refuses
    # to serve that outside a demo).
    app_env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.db", "SECRET_KEY": "bench",
               "TTHC_DEMO": "1", "TTHC_PLAIN_HTTP": "1", "PYTHONPATH": str(TREE)}
    flask = str(BIN / "flask")
    print("Preparing the app's database (db upgrade, demo load)...", flush=True)
    run_cli([flask, "--app", "wsgi", "db", "upgrade"], app_env, "flask db upgrade")
    run_cli([flask, "--app", "wsgi", "demo", "load"], app_env, "flask demo load")

    server = None
    try:
        server = serve("wsgi:app", app_env, f"{tmp}/app.log")
        _, app, _ = server
        print(f"App on {app}", flush=True)
        rows, errors, failures = [], [], []
        for ep in endpoints:
            row = {"name": ep["name"], "path": ep["path"], "method": ep.get("method", "GET"),
                   "max_kb": ep.get("max_kb")}
            try:
                ep["resolved_path"] = row["path"] = resolve_path(app, ep)
                row.update(check_response(app, ep, row["path"]))
            except CannotMeasure as exc:
                row["error"] = str(exc)
                errors.append(str(exc))
                print(f"  ERROR {exc}", flush=True)
                rows.append(row)
                continue
            problems = []
            if row["max_kb"] is not None and row["body_bytes"] > row["max_kb"] * KB:
                problems.append(f"response body {row['body_bytes'] / KB:.1f} KB > "
                                f"{row['max_kb']:g} KB")
            row["problems"] = problems if row["max_kb"] is not None else None
            failures += [f"{row['name']}: {p}" for p in problems]
            rows.append(row)

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

        key_row = None
        if keystroke is not None:
            print("Keystroke to updated panel on a throttled phone, in Chromium...", flush=True)
            key_row = measure_keystroke(keystroke, app)
            browser_version = browser_version or key_row.get("browser")
            if "error" in key_row:
                errors.append(f"{key_row['name']}: {key_row['error']}")
            else:
                failures += [f"{key_row['name']}: {p}" for p in key_row["problems"]]
    finally:
        if server is not None:
            stop(server[0])

    return {
        "machine": machine_info(browser_version, load_avg),
        "endpoints": rows,
        "weights": weights,
        "keystroke": key_row,
        "failures": failures,
        "errors": errors,
    }


def main(argv=None):
    global TREE
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkout", type=Path, default=ROOT,
                        help="the tree whose app is served (default: this one)")
    parser.add_argument("--label", help="name of the run in \"Before and after\" (default: "
                        "'current' for this tree, else the checkout's folder name)")
    args = parser.parse_args(argv)
    TREE = args.checkout.resolve()
    label = args.label or ("current" if TREE == ROOT else TREE.name)
    if not (TREE / "wsgi.py").exists():
        print(f"{TREE} is not a tthc tree (no wsgi.py)", file=sys.stderr)
        return 1
    if TREE != ROOT:
        import capacity  # bench/, beside this file

        try:  # what `make setup` generates and git does not keep
            capacity.prepare_tree(TREE, {**os.environ, "PYTHONPATH": str(TREE)})
        except capacity.CannotMeasure as exc:
            print(f"bench: {exc}", file=sys.stderr)
            return 1
    # make / CI stop us with SIGTERM: turn it into an exception so `finally` stops the server
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tmp = tempfile.mkdtemp(prefix="tthc-bench-")
    try:
        data = bench(tmp)
    except CannotMeasure as exc:
        print(f"\nbench: could not measure: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if ONLY:  # a partial report must not replace the full one
        wrote = "BENCH_ONLY: a partial run, docs/benchmarks.* left as they were."
    else:
        write_reports(data, label)
        wrote = f"Wrote {DOCS / 'benchmarks.md'} and benchmarks.json ({label})."
    print(f"\n{wrote}")
    for line in data["failures"]:
        print(f"BUDGET FAIL  {line}")
    for line in data["errors"]:
        print(f"ERROR        {line.splitlines()[0]}")
    if not data["failures"] and not data["errors"]:
        print("All budgets met.")
    return 1 if data["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
