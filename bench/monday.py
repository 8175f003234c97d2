"""A Monday morning of a ward, as a locust scenario (run by bench/capacity.py).

The load of one ward at its Monday peak, scaled by the arrival rate of citizens that
capacity.py steps up (env MONDAY_RATE, citizens per hour). Everything a ward's people do at
that rate is sent: citizens, the officers who serve them and the screens that poll.

Assumptions (per ward at its Monday peak; change them here; the report points to them)
------------------------------------------------------------------------------------------
- WARD_PEAK_PER_HOUR = 60 citizens an hour. Hà Nội has 126 ward/commune service points
  since 07/2025 (domain.md §1, laodong). A merged ward has roughly 50,000-100,000 people;
  Monday is the busiest day ("Thứ Hai – ngày không giấy hẹn": same-day results) and the
  desk is open 07:30-11:30, 13:30-17:00. We assume about 300 citizens on a Monday, a
  fifth of them in the peak hour: 60 an hour. The goal, all 126 wards on one 2-core
  server, is then 126 × 60 = 7,560 citizens an hour (2.1 a second).
- COUNTERS_PER_WARD = 5 reception counters, each serving a citizen in about 5 minutes
  (the demo data's minutes_per_ticket for certification): 5 × 12 = 60 an hour, the peak.
  Each counter's screen polls its queues panel every 5 s (TTHC_COUNTER_POLL_SECONDS).
- One display board per ward's hall, polling every 2 s (TTHC_BOARD_POLL_SECONDS) with its
  ETag (If-None-Match), as the browser does.
- Per citizen (all of it counted in the peak hour, which over-counts what was done at home
  the evening before: conservative):
  * CATALOGUE_PAGES = 3: the home page, the procedure list, one procedure's page, plus the
    static files a first visit fetches (CSS, JS; cached afterwards).
  * A pre-filed birth registration (the most common pre-filed civil-status procedure; its
    form is the longest the live check sees): the start page, "Bắt đầu", the draft page,
    then the live check: one POST per pause in typing longer than the page's debounce (the
    `delay:…ms` of draft.html's hx-trigger, read from the page: 300 ms before issue 9, 150
    ms after). The form has 15 typed fields (about 200 characters), 4 ticks, 1 list and 2
    papers to tick. A phone typist's gaps between keys are taken as log-normal with a mean
    of 240 ms (the figure draft.html's comment uses) and σ = 0.5 (GAP_MEAN_MS, GAP_SIGMA):
    a check goes at each gap longer than the debounce (25 % of gaps at 300 ms, 75 % at
    150 ms), at the end of each field and at each tick or choice. htmx aborts a check
    overtaken by the next one (hx-sync replace), but the server has received it: every
    one counts. That makes about 70 POSTs per citizen at 300 ms and 170 at 150 ms
    (live_checks()), then "Nộp trước" and the confirmation page.
  * In the hall: the kiosk page, a ticket, its live page, then its fragment polled every
    5 s (TTHC_TICKET_POLL_SECONDS) with If-None-Match for WAIT_MINUTES = 15 at the peak:
    180 polls, and on until the ticket is called. Every citizen is counted as following
    their ticket on a phone (those who read the board instead poll less: conservative).
- Per citizen, at the counter (an officer): "Gọi tiếp" (htmx), open the dossier by its
  draft link (a scanned QR), the dossier page, the paper check (htmx, every paper
  "original") and "Tiếp nhận" (a 303 to the dossier page, which the browser loads).

Time is compressed for citizens and officers, not for screens: a citizen's whole visit
(about 290 requests, 390 with a 150 ms debounce) runs in JOURNEY_SECONDS instead of an
hour, with the same requests in the same order; what the server sees is the same request
rate (rate × requests per citizen), which is what capacity depends on. Screens poll at
their real intervals, one ward's worth (1 board, 5 counter panels) per 60 citizens an hour
of MONDAY_RATE. Officers
are a few bench users (officer_count(), accounts from `flask demo rush`) that press
"Gọi tiếp" each time a citizen has polled through the modelled wait, so that every citizen
polls its 180 times and the calls come at the citizens' rate; their requests per citizen
are the officers' real ones. A citizen then polls on until its ticket is called: if
officers cannot keep up within CALL_TIMEOUT_S, it counts as an error ("ticket not
called").

All in one office (the demo office), on loopback. The scenario reads the pages' forms for
field names, hidden inputs and CSRF tokens (hidden `csrf_token` inputs, or the
`X-CSRFToken` of the page's hx-headers), so it runs against older and newer trees alike.
Limits that a real ward's many phones would not hit but one loopback address does are
raised by capacity.py through TTHC_* settings (see bench/README.md).
"""

from __future__ import annotations

import collections
import datetime
import html.parser
import itertools
import math
import os
import random
import re
import time
from urllib.parse import urlencode, urlsplit

import gevent
from gevent.lock import Semaphore
from locust import FastHttpUser, constant_pacing, events, task

# --- assumptions (see the docstring) ------------------------------------------------------
WARD_PEAK_PER_HOUR = 60
COUNTERS_PER_WARD = 5
BOARD_POLL_S = 2
COUNTER_POLL_S = 5
TICKET_POLL_S = 5
WAIT_MINUTES = 15
TICKET_POLLS = WAIT_MINUTES * 60 // TICKET_POLL_S  # 180
CATALOGUE_PAGES = 3
PROCEDURE = "dang-ky-khai-sinh"
GROUP_NAME = "Hộ tịch"  # the kiosk button for civil status (else the first button)
STAFF_PASSWORD = "tthc-demo"  # the demo accounts' published password (TTHC_DEMO=1)

# --- compressed time ----------------------------------------------------------------------
JOURNEY_SECONDS = float(os.environ.get("MONDAY_JOURNEY_SECONDS", "30"))  # a citizen's visit
# Statistics start after this: every citizen has begun a visit, every screen polls.
WARMUP_S = float(os.environ.get("MONDAY_WARMUP_SECONDS", str(JOURNEY_SECONDS)))
RESULT = os.environ.get("MONDAY_RESULT")  # where to write the summary (JSON), if set
THINK_S = 0.4  # between pages
TYPING_PHASE_S = 8.0  # all the live checks of a draft
POLL_PHASE_S = 10.0  # the 180 ticket polls
CALL_TIMEOUT_S = 30.0  # after its polls, a ticket not called within this is an error

RATE = float(os.environ.get("MONDAY_RATE", "600"))  # citizens per hour, all wards together
OFFICER_ACCOUNTS = [a for a in os.environ.get("MONDAY_OFFICERS", "tiepnhan").split(",") if a]
SCREEN_ACCOUNT = os.environ.get("MONDAY_SCREEN_ACCOUNT", "tiepnhan")


def citizen_count() -> int:
    """Bench citizens: each starts a visit every JOURNEY_SECONDS, so that together they
    arrive at RATE an hour."""
    return max(1, round(RATE * JOURNEY_SECONDS / 3600))


def wards() -> float:
    """How many wards at their peak the bench citizens stand for."""
    return journeys_per_hour() / WARD_PEAK_PER_HOUR


def screen_count() -> int:
    """One bench user per ward's screens (a board, COUNTERS_PER_WARD counter panels)."""
    return max(1, math.ceil(wards()))


def officer_count() -> int:
    return min(len(OFFICER_ACCOUNTS), max(2, math.ceil(RATE / 1500)))


def total_users() -> int:
    return citizen_count() + screen_count() + officer_count()


def journeys_per_hour() -> float:
    """The arrival rate the bench citizens really make (rounding): citizens per hour."""
    return citizen_count() * 3600 / JOURNEY_SECONDS


# --- the birth registration, typed field by field -------------------------------------------

GAP_MEAN_MS, GAP_SIGMA = 240.0, 0.5  # a phone typist's gaps between keys (log-normal)
DEBOUNCE_MS = 300  # when the page does not say (draft.html's hx-trigger delay)
CHOSEN = {"applicant_sex", "applicant_role", "relationship", "child_sex",
          "has_birth_certificate", "papers_confirmed"}  # ticked or chosen, not typed


def gap_exceeds(debounce_ms: float) -> float:
    """The share of a typist's gaps between keys longer than *debounce_ms*."""
    median = GAP_MEAN_MS * math.exp(-GAP_SIGMA ** 2 / 2)
    return 0.5 * math.erfc(math.log(debounce_ms / median) / (GAP_SIGMA * math.sqrt(2)))


def typing(child_birth: str, debounce_ms: float = DEBOUNCE_MS) -> list[tuple[str, str]]:
    """(field, value) at each live check, in the order a citizen fills the form: in a typed
    field, a check at each gap longer than the debounce (spread evenly) and one at its end;
    one for each tick or choice (`papers_confirmed` gets two values, one at a time)."""
    share = gap_exceeds(debounce_ms)
    fields = [
        ("applicant_full_name", "Nguyễn Thị Hoà"), ("applicant_birth_date", "15/03/1990"),
        ("applicant_sex", "nu"), ("applicant_id_number", "001190012345"),
        ("applicant_phone", "0912 345 678"),
        ("applicant_address", "Số 12 ngõ 34 phố Thụy Khuê, Hà Nội"),
        ("applicant_role", "self"), ("relationship", "me"),
        ("child_full_name", "Trần Minh An"), ("child_birth_date", child_birth),
        ("child_sex", "nam"), ("child_birth_place", "Bệnh viện Phụ sản Hà Nội"),
        ("child_hometown", "Hà Nội"), ("child_ethnicity", "Kinh"),
        ("has_birth_certificate", "1"), ("mother_full_name", "Nguyễn Thị Hoà"),
        ("mother_birth_date", "15/03/1990"), ("mother_ethnicity", "Kinh"),
        ("mother_nationality", "Việt Nam"),
        ("mother_residence", "Số 12 ngõ 34 phố Thụy Khuê, Hà Nội"),
        ("papers_confirmed", "giay_chung_sinh"), ("papers_confirmed", "giay_to_tuy_than"),
    ]
    steps = []
    for name, value in fields:
        pauses = 0 if name in CHOSEN else round((len(value) - 1) * share)
        for k in range(1, pauses + 1):
            steps.append((name, value[:round(k * len(value) / (pauses + 1))]))
        steps.append((name, value))
    return steps


def live_checks(debounce_ms: float = DEBOUNCE_MS) -> int:
    return len(typing("01/01/2026", debounce_ms))


debounce_seen: set[int] = set()  # the debounce the draft pages said (for the summary)


# --- reading pages ----------------------------------------------------------------------------

class Forms(html.parser.HTMLParser):
    """The forms of a page: action, method, the values its controls would send, the choices
    of its radio groups, its hx-post URLs; and the page's CSRF token wherever it is."""

    def __init__(self, text: str):
        super().__init__()
        self.forms: list[dict] = []
        self.hx_posts: list[str] = []
        self._form = None
        self._select = None
        self._button = None
        self.feed(text or "")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text or "") or \
            re.search(r'"X-CSRFToken":\s*"([^"]+)"', text or "") or \
            re.search(r'name="csrf-token"[^>]*content="([^"]+)"', text or "")
        self.csrf = token.group(1) if token else ""

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        for key in ("hx-post", "data-hx-post"):
            if a.get(key):
                self.hx_posts.append(a[key])
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get").lower(),
                          "id": a.get("id", ""), "fields": [], "radios": {}, "buttons": []}
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or not a.get("name"):
            return
        name, kind = a["name"], a.get("type", "text").lower()
        form.setdefault("names", set()).add(name)  # every control, ticked or not
        if tag == "input":
            if kind == "radio":
                form["radios"].setdefault(name, []).append(a.get("value", ""))
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            form["fields"].append((name, a.get("value", "")))
        elif tag == "button":
            self._button = [name, a.get("value", ""), ""]
            form["buttons"].append(self._button)
        elif tag == "textarea":
            form["fields"].append((name, ""))
        elif tag == "select":
            self._select = [name, None, None]  # name, first option, selected option
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select[1] is None:
                self._select[1] = value
            if "selected" in a:
                self._select[2] = value

    def handle_data(self, data):
        if self._button is not None:
            self._button[2] += data

    def handle_endtag(self, tag):
        if tag == "button":
            self._button = None
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            name, first, chosen = self._select
            if self._form is not None:
                self._form["fields"].append((name, chosen if chosen is not None else first or ""))
            self._select = None

    def form(self, action_contains: str) -> dict | None:
        return next((f for f in self.forms if f["method"] == "post"
                     and action_contains in f["action"]), None)


def form_body(fields) -> str:
    return urlencode(fields)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}
PHONE = {"Accept-Encoding": "br, gzip", "Accept-Language": "vi-VN,vi;q=0.9"}
LABEL = re.compile(r"\b([A-Z]{1,2}-\d{3,4})\b")
STATIC = re.compile(r'(?:href|src)="(/static/[^"]+)"')

# Shared between the bench users of this process (gevent: one thread).
waiting: dict[str, str] = {}  # ticket label -> the draft's path, for the officer to open
called: set[str] = set()  # labels an officer has called
ready: collections.deque = collections.deque()  # citizens whose modelled wait is over
_accounts = itertools.count()
_screen_cookie: dict[str, str] = {}
_screen_lock = Semaphore()


class Bench(FastHttpUser):
    abstract = True
    network_timeout = 30.0
    connection_timeout = 10.0

    def call(self, method: str, url: str, *, name: str | None = None, expect=(200,),
             headers=None, body: str | None = None):
        """One request; a failure unless its status is one of *expect* (no redirects
        followed: a 303 is checked, then its page loaded as the browser would)."""
        all_headers = {**PHONE, **(headers or {})}
        if body is not None:
            all_headers.update(FORM)
        with self.client.request(method, url, name=name or url, headers=all_headers,
                                 data=body, allow_redirects=False,
                                 catch_response=True) as response:
            if response.status_code in expect:
                response.success()
            else:
                response.failure(f"{method} {name or url}: {response.status_code}, "
                                 f"expected {'/'.join(map(str, expect))}")
            return response

    def sign_in(self, username: str) -> str:
        """Sign in through the sign-in form; return the page's CSRF token for POSTs."""
        page = self.call("GET", "/can-bo/dang-nhap", name="/can-bo/dang-nhap")
        form = Forms(page.text).form("dang-nhap") or {"fields": []}
        fields = dict(form["fields"])
        fields.update(username=username, password=STAFF_PASSWORD)
        done = self.call("POST", "/can-bo/dang-nhap", name="/can-bo/dang-nhap",
                         expect=(302, 303), body=form_body(fields))
        landing = urlsplit(done.headers.get("Location") or "/can-bo/quay").path
        return Forms(self.call("GET", landing, name="(staff landing page)").text).csrf


class Citizen(Bench):
    """One citizen's Monday, from the catalogue at home to the call at the counter."""

    fixed_count = citizen_count()
    wait_time = constant_pacing(JOURNEY_SECONDS)

    def on_start(self):
        # Spread the first visits over a journey: arrivals at an even rate, not in waves.
        time.sleep(random.uniform(0, JOURNEY_SECONDS))

    @task
    def monday(self):
        self.client.cookiejar.clear()  # a new citizen, a new phone
        self.catalogue()
        draft = self.prefile()
        if draft:
            self.queue(draft)

    def catalogue(self):
        home = self.call("GET", "/", name="/")
        for path in sorted(set(STATIC.findall(home.text or ""))):  # a first visit's files
            self.call("GET", path, name="/static/[file]")
        time.sleep(THINK_S)
        listing = self.call("GET", "/thu-tuc", name="/thu-tuc")
        codes = re.findall(r'href="/thu-tuc/([\w-]+)"', listing.text or "")
        time.sleep(THINK_S)
        for code in random.sample(codes, min(len(codes), CATALOGUE_PAGES - 2)):
            self.call("GET", f"/thu-tuc/{code}", name="/thu-tuc/[code]")
            time.sleep(THINK_S)

    def prefile(self) -> str | None:
        start = self.call("GET", f"/nop-truoc?thu_tuc={PROCEDURE}", name="/nop-truoc?thu_tuc=")
        form = Forms(start.text).form("/nop-truoc")
        if form is None:
            start.failure("no start form on /nop-truoc")
            return None
        made = self.call("POST", "/nop-truoc", name="/nop-truoc", expect=(302, 303),
                         body=form_body(form["fields"]))
        draft = urlsplit(made.headers.get("Location") or "").path
        if not draft.startswith("/ho-so/"):
            return None
        page = self.call("GET", draft, name="/ho-so/[token]")
        child_birth = (datetime.date.today() - datetime.timedelta(days=5)).strftime("%d/%m/%Y")
        parsed = Forms(page.text)
        dossier = next((f for f in parsed.forms if f["id"] == "dossier-form"), None)
        if dossier is not None:  # a one-page form (before issue 12's steps)
            steps = typing(child_birth, self.debounce(page))
            self.pace = TYPING_PHASE_S / len(steps)
            base = self.type_in(draft, page, dossier, steps)
            sent = self.call("POST", draft + "/nop", name="/ho-so/[token]/nop",
                             expect=(302, 303), body=form_body(base))
        else:
            # A long form opens on its task list: one section a page, each typed with its
            # live checks and saved by «Tiếp tục», then "check your answers" and «Nộp trước».
            parts = sorted(set(re.findall(r'href="(/ho-so/[\w-]+/phan/\d+)"', page.text or "")),
                           key=lambda url: int(url.rsplit("/", 1)[1]))
            if not parts:
                page.failure("neither a dossier form nor a task list on the draft page")
                return None
            steps = None
            for url in parts:
                step = self.call("GET", url, name="/ho-so/[token]/phan/[n]")
                form = next((f for f in Forms(step.text).forms if f["id"] == "dossier-form"),
                            None)
                if form is None:
                    step.failure("no dossier form on a step page")
                    return None
                if steps is None:
                    steps = typing(child_birth, self.debounce(step))
                    self.pace = TYPING_PHASE_S / len(steps)
                mine = [(n, v) for n, v in steps if n in form.get("names", set())]
                base = self.type_in(draft, step, form, mine)
                saved = self.call("POST", urlsplit(form["action"]).path or url,
                                  name="/ho-so/[token]/phan/[n] (Tiếp tục)",
                                  expect=(302, 303), body=form_body(base))
                if saved.status_code not in (302, 303):
                    return None
            review = self.call("GET", draft + "/kiem-tra-lai", name="/ho-so/[token]/kiem-tra-lai")
            send = Forms(review.text).form("/nop")
            if send is None:
                review.failure("no «Nộp trước» on the review page (the dossier is not complete)")
                return None
            sent = self.call("POST", draft + "/nop", name="/ho-so/[token]/nop",
                             expect=(302, 303), body=form_body(send["fields"]))
        if sent.status_code not in (302, 303):
            return None
        self.call("GET", urlsplit(sent.headers.get("Location") or draft).path,
                  name="/ho-so/[token]/da-nop")
        return draft

    @staticmethod
    def debounce(page) -> int:
        """The live check's debounce the page says (its hx-trigger's delay), remembered."""
        delay = re.search(r'hx-trigger="[^"]*delay:(\d+)ms', page.text or "")
        found = int(delay.group(1)) if delay else DEBOUNCE_MS
        debounce_seen.add(found)
        return found

    def type_in(self, draft, page, form, steps) -> list[tuple[str, str]]:
        """Type *steps* into *form* as a phone does: one live check per pause (each the whole
        form so far, with the page state the last answer updated); the form as it ends."""
        parsed = Forms(page.text)
        check_url = next((u for u in parsed.hx_posts if u.endswith("/kiem-tra")),
                         draft + "/kiem-tra")
        base = [(n, v) for n, v in form["fields"]]
        answers: dict[str, list[str]] = {}
        for name, value in steps:
            time.sleep(self.pace)
            if name == "papers_confirmed":
                answers.setdefault(name, [])
                if value not in answers[name]:
                    answers[name].append(value)
            else:
                answers[name] = [value]
            answer = self.call("POST", check_url, name="/ho-so/[token]/kiem-tra",
                               expect=(200, 204), headers=HTMX,
                               body=form_body(self.merged(base, answers)))
            if answer.status_code == 200:  # the page state the answer updates (out of band)
                state = dict(re.findall(r'name="(_\w+)" value="([^"]*)"', answer.text or ""))
                base = [(n, state.get(n, v)) for n, v in base]
        time.sleep(THINK_S)
        return self.merged(base, answers)

    @staticmethod
    def merged(base, answers):
        """The whole form as the browser posts it: the page's fields, the answers so far."""
        fields = [(n, v) for n, v in base if n not in answers]
        for name, values in answers.items():
            fields += [(name, v) for v in values]
        return fields

    def queue(self, draft: str):
        time.sleep(THINK_S)
        kiosk = self.call("GET", "/lay-so", name="/lay-so")
        form = Forms(kiosk.text).form("/lay-so")
        if form is None or not form["buttons"]:
            kiosk.failure("no ticket buttons on /lay-so")
            return
        name, value, _ = next((b for b in form["buttons"] if GROUP_NAME in b[2]),
                              form["buttons"][0])
        taken = self.call("POST", "/lay-so", name="/lay-so", expect=(302, 303),
                          body=form_body(form["fields"] + [(name, value)]))
        location = urlsplit(taken.headers.get("Location") or "")
        ticket = location.path
        if not ticket.startswith("/so/"):
            return
        page = self.call("GET", ticket + (f"?{location.query}" if location.query else ""),
                         name="/so/[token]")
        found = LABEL.search(page.text or "")
        label = found.group(1) if found else None
        if label:
            waiting[label] = draft
        etag = None
        polls = 0
        deadline = None
        interval = POLL_PHASE_S / TICKET_POLLS
        while True:
            time.sleep(interval)
            headers = dict(HTMX)
            if etag:
                headers["If-None-Match"] = etag
            answer = self.call("GET", ticket, name="/so/[token] (poll)",
                               expect=(200, 286, 304), headers=headers)
            etag = answer.headers.get("ETag") or etag
            polls += 1
            if answer.status_code == 286 or (label is not None and label in called):
                return
            if polls == TICKET_POLLS:  # the modelled wait is over: at the front of the queue
                if label is None:
                    return
                ready.append(label)
            if polls >= TICKET_POLLS:
                deadline = deadline or time.monotonic() + CALL_TIMEOUT_S
                interval = 0.5
                if time.monotonic() > deadline:
                    answer.failure(f"ticket {label} not called within {CALL_TIMEOUT_S:g} s "
                                   "of the modelled wait (officers could not keep up)")
                    return


class Officer(Bench):
    """A reception officer: "Gọi tiếp", open the dossier, check its papers, receive it."""

    fixed_count = officer_count()
    wait_time = constant_pacing(0.2)

    def on_start(self):
        username = OFFICER_ACCOUNTS[next(_accounts) % len(OFFICER_ACCOUNTS)]
        self.csrf = self.sign_in(username)

    def post(self, url, *, name, fields=(), htmx=False, expect=(200,)):
        headers = {"X-CSRFToken": self.csrf, **(HTMX if htmx else {})}
        return self.call("POST", url, name=name, expect=expect, headers=headers,
                         body=form_body([("csrf_token", self.csrf), *fields]))

    @task
    def serve(self):
        # "Gọi tiếp" when a citizen has waited their modelled wait: the calls come at the
        # citizens' pace, and each citizen polls its ticket for the whole wait.
        if not ready:
            time.sleep(0.2)
            return
        ready.popleft()
        answer = self.post("/can-bo/quay/goi-tiep", name="/can-bo/quay/goi-tiep", htmx=True)
        label = answer.headers.get("X-Queue-Called")
        if not label and answer.status_code == 200:  # no header: read the ticket block
            found = LABEL.search(answer.text or "")
            label = found.group(1) if found else None
        if not label:
            return
        called.add(label)
        draft = waiting.pop(label, None)
        if draft is None:  # the citizen has not read its ticket yet: wait a moment
            time.sleep(0.5)
            draft = waiting.pop(label, None)
        if draft is None:
            return
        opened = self.post("/can-bo/tiep-nhan/mo", name="/can-bo/tiep-nhan/mo",
                           fields=[("ma", self.host.rstrip("/") + draft)], expect=(302, 303))
        dossier = urlsplit(opened.headers.get("Location") or "").path
        if not dossier.startswith("/can-bo/ho-so/"):
            return
        page = self.call("GET", dossier, name="/can-bo/ho-so/[id]")
        forms = Forms(page.text)
        self.csrf = forms.csrf or self.csrf
        check = forms.form("/giay-to")
        if check is None:
            page.failure("no paper check form on the dossier page")
            return
        fields = [(n, v) for n, v in check["fields"]
                  if not n.startswith("kt-") and n != "csrf_token"]
        for name, values in check["radios"].items():
            fields.append((name, "original" if "original" in values else values[0]))
        self.post(urlsplit(check["action"]).path, name="/can-bo/ho-so/[id]/giay-to",
                  fields=fields, htmx=True)
        # «Tiếp nhận» submits the check's form (formaction): its fields, the status shown too.
        receive = forms.form("/tiep-nhan") or {"action": dossier + "/tiep-nhan", "fields": fields}
        done = self.post(urlsplit(receive["action"]).path, name="/can-bo/ho-so/[id]/tiep-nhan",
                         fields=[(n, v) for n, v in receive["fields"] if n != "csrf_token"],
                         expect=(302, 303))
        if done.status_code in (302, 303):
            self.call("GET", urlsplit(done.headers.get("Location") or dossier).path,
                      name="/can-bo/ho-so/[id] (after receiving)")


class Screens(Bench):
    """One ward's screens: the hall's board (every 2 s, with its ETag) and the counters'
    queues panels (COUNTERS_PER_WARD of them, every 5 s each: one a second)."""

    fixed_count = screen_count()
    wait_time = constant_pacing(1.0)

    def on_start(self):
        time.sleep(random.uniform(0, BOARD_POLL_S))
        with _screen_lock:  # one sign-in shared by every counter panel
            if not _screen_cookie:
                self.sign_in(SCREEN_ACCOUNT)
                _screen_cookie["Cookie"] = "; ".join(
                    f"{c.name}={c.value}" for c in self.client.cookiejar)
        self.client.cookiejar.clear()
        self.board_etag = None
        self.ticks = 0

    @task
    def poll(self):
        self.call("GET", "/can-bo/quay", name="/can-bo/quay (poll)",
                  headers={**HTMX, **_screen_cookie})
        self.ticks += 1
        if self.ticks % BOARD_POLL_S == 0:
            headers = dict(HTMX)
            if self.board_etag:
                headers["If-None-Match"] = self.board_etag
            board = self.call("GET", "/man-hinh", name="/man-hinh (poll)", expect=(200, 304),
                              headers=headers)
            self.board_etag = board.headers.get("ETag") or self.board_etag


# --- the run: statistics after the warm-up, a summary for capacity.py -----------------------

@events.test_start.add_listener
def _reset_after_warmup(environment, **_):
    def reset():
        gevent.sleep(WARMUP_S)
        environment.stats.reset_all()
        environment.runner.exceptions = {}
    gevent.spawn(reset)


@events.quitting.add_listener
def _summary(environment, **_):
    """Write what capacity.py judges: p95 of every request after the warm-up, errors."""
    if not RESULT:
        return
    import json

    stats = environment.stats
    total = stats.total
    rows = [{"name": f"{e.method} {e.name}", "requests": e.num_requests,
             "failures": e.num_failures,
             "median_ms": e.get_response_time_percentile(0.5) if e.num_requests else None,
             "p95_ms": e.get_response_time_percentile(0.95) if e.num_requests else None}
            for e in sorted(stats.entries.values(), key=lambda e: -e.num_requests)]
    summary = {
        "rate_per_hour": journeys_per_hour(), "wards": wards(),
        "users": {"citizens": citizen_count(), "officers": officer_count(),
                  "screens": screen_count()},
        "live_checks_per_citizen": {d: live_checks(d) for d in sorted(debounce_seen)},
        "seconds_measured": max(0.0, (total.last_request_timestamp or 0) - total.start_time),
        "requests": total.num_requests, "failures": total.num_failures,
        "requests_per_s": total.total_rps,
        "median_ms": total.get_response_time_percentile(0.5) if total.num_requests else None,
        "p95_ms": total.get_response_time_percentile(0.95) if total.num_requests else None,
        "p99_ms": total.get_response_time_percentile(0.99) if total.num_requests else None,
        "errors": [f"{e.occurrences} × {e.method} {e.name}: {e.error}"
                   for e in stats.errors.values()],
        "exceptions": [f"{v['count']} × {v['msg']}"
                       for v in (environment.runner.exceptions or {}).values()],
        "endpoints": rows,
    }
    with open(RESULT, "w") as f:
        json.dump(summary, f, indent=2, ensure_ascii=False)


if __name__ == "__main__":  # capacity.py asks how many bench users a rate needs
    print(total_users())
