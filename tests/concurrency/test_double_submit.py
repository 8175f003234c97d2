"""A double tap, or a retry on flaky 3G: the same post twice at once makes one dossier, one
ticket, one status change (SQLite and PostgreSQL). Each round is a new race; the posts come
from two connections (two test clients), as a retry does.
"""

from __future__ import annotations

import re
import time

from sqlalchemy import func, select

from tests.concurrency.conftest import Browser, at_once, history, reception_officer, sent_dossier
from tests.intake.conftest import complete_answers, papers_to_bring
from tthc.domain.status import Status
from tthc.extensions import db
from tthc.models import Ticket

ROUNDS = 12  # each a fresh race; the kiosk's rate limit is 60 numbers a minute per address
KEY = re.compile(r'name="lan" value="([^"]+)"')


def _draft(app) -> str:
    from tests.auth import factories
    from tests.desk.conftest import COPY
    from tthc.catalogue import services as catalogue
    from tthc.intake import services as intake

    with app.app_context():
        version = catalogue.get_in_force(COPY)
        dossier, token = intake.create_draft(version, factories.demo_office(), None)
        spec = catalogue.spec_of(version)
        answers = complete_answers(spec)
        intake.save(dossier, answers, papers_to_bring(spec, answers))
        return token


def test_the_final_send_twice_at_once_sends_once(any_app):
    for _ in range(ROUNDS):
        token = _draft(any_app)
        first, second = Browser(any_app), Browser(any_app)
        responses = at_once(lambda: first.post(f"/ho-so/{token}/nop"),
                            lambda: second.post(f"/ho-so/{token}/nop"))
        assert all(r.status_code in (303, 409) for r in responses), \
            [r.status_code for r in responses]
        with any_app.app_context():
            from tthc.intake import services as intake

            dossier_id = intake.find_by_token(token).id
        dossier, actions = history(any_app, dossier_id)
        assert dossier.status == int(Status.NEW) and actions.count("submit") == 1, actions


def _ticket_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Ticket))


def test_a_double_tap_at_the_kiosk_gives_one_number(any_app, demo):
    group = str(demo["groups"][0])
    before = _ticket_count(any_app)
    for n in range(ROUNDS):
        phone, retry = Browser(any_app), Browser(any_app)
        key = KEY.search(phone.client.get("/lay-so").get_data(as_text=True))[1]
        form = {"nhom": group, "lan": key}
        responses = at_once(lambda: phone.post("/lay-so", form),
                            lambda: retry.post("/lay-so", form))
        assert [r.status_code for r in responses] == [303, 303]
        assert responses[0].headers["Location"] == responses[1].headers["Location"]
        assert _ticket_count(any_app) == before + n + 1
    with any_app.app_context():
        labels = list(db.session.scalars(select(Ticket.label).order_by(Ticket.id)))
    assert len(set(labels)) == len(labels)  # A-001…A-012, none skipped twice


def test_the_kiosk_page_gives_a_new_number_to_the_next_person(app, demo):
    """Another choice on the same page, or the same page after the retry window (left open
    on the tablet, or found again with «Back»), is a new number."""
    a, b = (str(g) for g in demo["groups"][:2])
    phone = Browser(app)
    page = phone.client.get("/lay-so")
    assert page.headers["Cache-Control"] == "no-store"  # «Back» loads it again: a new key
    key = KEY.search(page.get_data(as_text=True))[1]
    assert KEY.search(phone.client.get("/lay-so").get_data(as_text=True))[1] != key
    first = phone.post("/lay-so", {"nhom": a, "lan": key}).headers["Location"]
    assert phone.post("/lay-so", {"nhom": a, "lan": key}).headers["Location"] == first
    assert phone.post("/lay-so", {"nhom": b, "lan": key}).headers["Location"] != first
    stale = f"{int(time.time()) - 600}.{key.partition('.')[2]}"
    other = Browser(app)
    assert other.post("/lay-so", {"nhom": a, "lan": stale}).headers["Location"] \
        != other.post("/lay-so", {"nhom": a, "lan": stale}).headers["Location"]
    assert _ticket_count(app) == 4
    # the key is only a key: a page without it, or with rubbish, still gives a number
    assert Browser(app).post("/lay-so", {"nhom": a, "lan": "x.y"}).status_code == 303
    assert _ticket_count(app) == 5


def test_a_double_click_on_the_counters_phat_so_gives_one_number(any_app, demo):
    """The counter's «Phát số» (an officer gives a number to someone without a phone): the
    same form twice at once, from two connections, is one ticket, shown to both."""
    staff = reception_officer(any_app)
    group = str(demo["groups"][2])
    before = _ticket_count(any_app)
    for n in range(ROUNDS):
        click, retry = Browser(any_app, staff), Browser(any_app, staff)
        key = KEY.search(click.client.get("/can-bo/quay").get_data(as_text=True))[1]
        form = {"nhom": group, "lan": key}
        responses = at_once(lambda: click.post("/can-bo/quay/phat-so", form),
                            lambda: retry.post("/can-bo/quay/phat-so", form))
        assert [r.status_code for r in responses] == [303, 303]
        assert _ticket_count(any_app) == before + n + 1
        shown = [re.search(r"Đã phát số ([A-Z]-[0-9]+)\.", b.client.get(
            "/can-bo/quay").get_data(as_text=True))[1] for b in (click, retry)]
        assert shown[0] == shown[1]  # both screens say the same number


def test_a_double_tap_on_receive_receives_once(any_app):
    staff = reception_officer(any_app)
    desk, again = Browser(any_app, staff), Browser(any_app, staff)
    codes = []
    for _ in range(ROUNDS):
        dossier_id, _ = sent_dossier(any_app, staff)
        path = f"/can-bo/ho-so/{dossier_id}/tiep-nhan"
        shown = {"trang_thai": "1"}  # both pages showed the dossier sent
        responses = at_once(lambda: desk.post(path, shown), lambda: again.post(path, shown))
        assert sorted(r.status_code for r in responses) == [303, 409]
        dossier, actions = history(any_app, dossier_id)
        assert dossier.status == int(Status.RECEIVED) and actions.count("receive") == 1
        codes.append(dossier.code)
    assert len(set(codes)) == ROUNDS and codes == sorted(codes)  # one code each, in order
