"""Every staff route × every role × another office (the authorisation matrix).

The scene: the demo office has group C tickets C-001 (called to counter 1 by tiepnhan) and
C-002 (waiting); another office ("khac", groups A and B only) has its own A-001 and one
account per role. No label of one office can appear on the other's pages by accident.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.auth import factories
from tthc.extensions import db
from tthc.models import Setting, Staff, Ticket
from tthc.queue import services

ROLES = factories.ROLES
RECEPTION = {"reception"}

# endpoint, method, path (formatted with the scene), form data, roles allowed (None = any)
ROUTES = [
    ("auth.home", "GET", "/can-bo", {}, None),
    ("queue.counter", "GET", "/can-bo/quay", {}, RECEPTION),
    ("queue.call_next", "POST", "/can-bo/quay/goi-tiep", {}, RECEPTION),
    ("queue.choose_counter", "POST", "/can-bo/quay/so-quay", {"quay": "2"}, RECEPTION),
    ("queue.staff_issue", "POST", "/can-bo/quay/phat-so", {"nhom": "{group}"}, RECEPTION),
    ("queue.recall", "POST", "/can-bo/quay/so/{called}/goi-lai", {}, RECEPTION),
    ("queue.start", "POST", "/can-bo/quay/so/{called}/bat-dau", {}, RECEPTION),
    ("queue.finish", "POST", "/can-bo/quay/so/{called}/hoan-thanh", {}, RECEPTION),
    ("queue.no_show", "POST", "/can-bo/quay/so/{called}/vang-mat", {}, RECEPTION),
    ("queue.transfer", "POST", "/can-bo/quay/so/{called}/chuyen", {"nhom": "{other_group}"},
     RECEPTION),
    ("queue.settings", "GET", "/can-bo/hang-doi/cai-dat", {}, {"admin"}),
    ("queue.settings", "POST", "/can-bo/hang-doi/cai-dat", {"thu_tu": "arrival"}, {"admin"}),
    ("queue.kiosk_device", "POST", "/can-bo/hang-doi/may-lay-so", {"may_lay_so": "1"},
     {"admin"}),
]
IDS = [f"{method} {endpoint}" for endpoint, method, *_ in ROUTES]
PUBLIC_STAFF_ROUTES = {"auth.login", "auth.logout"}  # anyone may sign in, or out


@pytest.fixture
def scene(app, demo, other_office):
    with app.app_context():
        office = factories.demo_office()
        a_group, _, c_group = [g.id for g in factories.groups(office.id)]
        called = services.issue_ticket(office, c_group).id
        waiting = services.issue_ticket(office, c_group).id
        services.call_next(db.session.get(Staff, demo["staff"]["tiepnhan"]), [c_group])
        theirs = services.issue_ticket(other_office["id"], other_office["groups"][0]).id
    mine = {"reception": demo["staff"]["tiepnhan"], "specialist": demo["staff"]["chuyenmon"],
            "leader": demo["staff"]["lanhdao"], "admin": demo["staff"]["quantri"]}
    return {"mine": mine, "theirs": other_office["staff"], "called": called,
            "waiting": waiting, "their_ticket": theirs, "group": c_group,
            "other_group": a_group, "their_group": other_office["groups"][0]}


def _request(app, staff_id, method, path, data, scene):
    client = app.test_client()
    if staff_id is not None:
        factories.login(client, staff_id)
    path = path.format(**scene)
    if method == "GET":
        return client.get(path)
    form = {k: v.format(**scene) for k, v in data.items()}
    return client.post(path, data={"csrf_token": factories.csrf(client), **form})


def test_every_staff_route_is_in_the_matrix_and_guarded(app):
    listed = {(endpoint, method) for endpoint, method, *_ in ROUTES}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/can-bo") or rule.endpoint in PUBLIC_STAFF_ROUTES:
            continue
        if not rule.endpoint.startswith(("auth.", "queue.")):
            continue  # other blueprints test their own routes with the same helpers
        view = app.view_functions[rule.endpoint]
        assert hasattr(view, "staff_roles"), f"{rule.endpoint} is not behind staff_required"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (rule.endpoint, method) in listed, f"{method} {rule.rule} not in the matrix"


@pytest.mark.parametrize("endpoint, method, path, data, allowed", ROUTES, ids=IDS)
def test_anonymous_is_sent_to_sign_in(app, scene, endpoint, method, path, data, allowed):
    response = _request(app, None, method, path, data, scene)
    assert response.status_code == 303
    assert response.location.startswith("/can-bo/dang-nhap")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint, method, path, data, allowed", ROUTES, ids=IDS)
def test_each_role_gets_only_its_routes(app, scene, role, endpoint, method, path, data,
                                        allowed):
    response = _request(app, scene["mine"][role], method, path, data, scene)
    if allowed is None or role in allowed:
        assert response.status_code in (200, 303), response.get_data(as_text=True)[:500]
        assert not (response.location or "").startswith("/can-bo/dang-nhap")
    else:
        assert response.status_code == 403
        assert "Không có quyền truy cập" in response.get_data(as_text=True)


TICKET_ACTIONS = [r for r in ROUTES if "{called}" in r[2]]


@pytest.mark.parametrize("endpoint, method, path, data, allowed", TICKET_ACTIONS,
                         ids=[f"{m} {e}" for e, m, *_ in TICKET_ACTIONS])
def test_another_office_cannot_touch_this_offices_tickets(app, scene, endpoint, method, path,
                                                          data, allowed):
    before = _ticket(app, scene["called"])
    response = _request(app, scene["theirs"]["reception"], method, path,
                        {k: "{their_group}" for k in data}, scene)
    assert response.status_code == 404
    after = _ticket(app, scene["called"])
    assert (after.status, after.recalls, after.revision) == \
        (before.status, before.recalls, before.revision)


def test_another_offices_counter_screen_shows_only_its_queue(app, scene):
    client = app.test_client()
    factories.login(client, scene["theirs"]["reception"])
    html = client.get("/can-bo/quay").get_data(as_text=True)
    assert "A-001" in html  # theirs
    assert "C-00" not in html and "Nhận kết quả" not in html  # ours
    fragment = client.get("/can-bo/quay", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "C-00" not in fragment


def test_another_offices_call_next_never_calls_our_tickets(app, scene):
    for _ in range(2):
        _request(app, scene["theirs"]["reception"], "POST", "/can-bo/quay/goi-tiep", {}, scene)
    assert _ticket(app, scene["waiting"]).status == "waiting"
    assert _ticket(app, scene["their_ticket"]).status == "done"  # called, then finished


def test_another_office_cannot_issue_tickets_in_our_groups(app, scene):
    _request(app, scene["theirs"]["reception"], "POST", "/can-bo/quay/phat-so",
             {"nhom": "{group}"}, scene)
    with app.app_context():
        assert db.session.scalar(select(Ticket).filter_by(label="C-003")) is None


def test_another_offices_admin_changes_only_its_own_setting(app, scene, demo, other_office):
    _request(app, scene["theirs"]["admin"], "POST", "/can-bo/hang-doi/cai-dat",
             {"thu_tu": "arrival"}, scene)
    with app.app_context():
        assert services.call_policy(other_office["id"]) == "arrival"
        assert services.call_policy(demo["office"]) == "priority"
        assert db.session.scalar(select(Setting).filter_by(office_id=demo["office"])) is None


def test_staff_home_names_the_officers_own_office(app, scene):
    client = app.test_client()
    factories.login(client, scene["theirs"]["leader"])
    html = client.get("/can-bo").get_data(as_text=True)
    assert "UBND phường khac" in html
    assert "Quầy tiếp nhận" not in html  # a leader has no counter screen


def _ticket(app, ticket_id):
    with app.app_context():
        t = db.session.get(Ticket, ticket_id)
        db.session.expunge(t)
        return t
