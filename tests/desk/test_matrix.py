"""Every desk route × every role × another office (the authorisation matrix).

The scene: the demo office has dossiers in each state a route needs; another office
("khac") has one account per role. An officer of the other office gets 404 for every one of
our dossiers (as for a missing one) and changes nothing; a role a route is not for gets 403.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from tests.auth import factories
from tests.conftest import copy_database, dispose, make_app
from tests.desk.conftest import COPY, SINGLE, MONDAY, Officer, load, make_dossier
from tthc.extensions import db
from tthc.models import AccessLog, Dossier, Upload

DESK = {"reception", "specialist", "leader"}


def _photo():
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "JPEG")
    return io.BytesIO(out.getvalue()), "giay-to.jpg"


def _pdf():
    import io

    return io.BytesIO(b"%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n%%EOF\n"), "ket-qua.pdf"


R, RS, RL, SL = {"reception"}, {"reception", "specialist"}, {"reception", "leader"}, \
    {"specialist", "leader"}

# endpoint, method, path (formatted with the scene), form data, roles allowed
ROUTES = [
    ("desk.home", "GET", "/can-bo/tiep-nhan", {}, DESK),
    ("desk.open_dossier", "POST", "/can-bo/tiep-nhan/mo", {"ma": "{code}"}, DESK),
    ("desk.new", "GET", "/can-bo/tiep-nhan/moi", {}, R),
    ("desk.create", "POST", "/can-bo/tiep-nhan/moi", {"thu_tuc": COPY, "kenh": "1"}, R),
    ("desk.show", "GET", "/can-bo/ho-so/{new}", {}, DESK),
    ("desk.accept_draft", "POST", "/can-bo/ho-so/{draft}/nhan-ho-so", {}, R),
    ("desk.answers", "POST", "/can-bo/ho-so/{new}/thong-tin",
     {"applicant_full_name": "Nguyễn Thị Hoà"}, R),
    ("desk.check_answers", "POST", "/can-bo/ho-so/{new}/thong-tin/kiem-tra",
     {"applicant_full_name": "Nguyễn Thị Hoà"}, R),
    ("desk.procedure", "POST", "/can-bo/ho-so/{new}/thu-tuc", {"thu_tuc": COPY}, R),
    ("desk.channel", "POST", "/can-bo/ho-so/{new}/kenh", {"kenh": "1"}, R),
    ("desk.papers", "POST", "/can-bo/ho-so/{new}/giay-to",
     {"_form": "kiem-tra", "kt-ban_chinh": "original"}, R),
    ("desk.receive", "POST", "/can-bo/ho-so/{checked}/tiep-nhan", {}, R),
    ("desk.supplement", "GET", "/can-bo/ho-so/{new}/bo-sung", {}, RS),
    ("desk.supplement", "POST", "/can-bo/ho-so/{new}/bo-sung",
     {"so_muc": "1", "muc-0": "", "ly-do-0": "Mang bản chính để đối chiếu."}, RS),
    ("desk.refuse", "POST", "/can-bo/ho-so/{new}/tu-choi",
     {"ly_do": "Giấy tờ nước ngoài chưa hợp pháp hóa lãnh sự."}, RS),
    ("desk.withdraw", "POST", "/can-bo/ho-so/{new}/rut", {}, R),
    ("desk.upload_file", "GET", "/can-bo/ho-so/{new}/tep/{upload}", {}, DESK),
    ("desk.handover", "POST", "/can-bo/ho-so/{received}/chuyen", {"can_bo": "{colleague}"},
     DESK),
    ("desk.resolve", "POST", "/can-bo/ho-so/{received}/xu-ly-xong", {}, RS),
    ("desk.return_result", "POST", "/can-bo/ho-so/{resolved}/tra-ket-qua",
     {"kenh_tra": "online"}, R),
    ("desk.reschedule", "POST", "/can-bo/ho-so/{multi}/hen-lai",
     {"ngay": "{later}", "ly_do_tre": "Chờ kết quả xác minh của nơi cư trú trước đây.",
      "bao_tin": "phone"}, SL),
    ("desk.request_fee", "POST", "/can-bo/ho-so/{stoppable}/yeu-cau-nop-phi", {}, RS),
    ("desk.fee_paid", "POST", "/can-bo/ho-so/{fee}/da-nop-phi", {}, RS),
    ("desk.scan", "POST", "/can-bo/ho-so/{new}/quet", {"giay_to": "ban_chinh", "tep": _photo},
     R),
    ("desk.result", "POST", "/can-bo/ho-so/{resolved}/ket-qua-dien-tu", {"ket_qua": _pdf}, RS),
    ("desk.stop", "POST", "/can-bo/ho-so/{stoppable}/dung",
     {"ly_do_dung": "Công dân có văn bản đề nghị dừng giải quyết hồ sơ."}, SL),
    ("desk.submit", "POST", "/can-bo/ho-so/{received}/trinh-ky", {"lanh_dao": "{leader}"}, RS),
    ("desk.approve", "POST", "/can-bo/ho-so/{awaiting}/ky-duyet",
     {"lan": "1", "so_ky_hieu": "15/GXN-UBND", "ngay_ky": "{today}"}, {"leader"}),
    ("desk.send_back", "POST", "/can-bo/ho-so/{awaiting}/tra-lai",
     {"lan": "1", "ly_do_tra_lai": "Dự thảo ghi sai năm sinh."}, {"leader"}),
    ("desk.work", "GET", "/can-bo/viec-cua-toi", {}, DESK),
    ("desk.slip", "GET", "/can-bo/ho-so/{received}/phieu/01", {}, DESK),
    ("desk.declaration", "GET", "/can-bo/ho-so/{multi}/to-khai", {}, DESK),
    ("desk.ledger", "GET", "/can-bo/so-theo-doi", {}, RL),
    ("desk.ledger_xlsx", "GET", "/can-bo/so-theo-doi.xlsx", {}, RL),
    ("desk.settings", "GET", "/can-bo/tiep-nhan/cai-dat", {}, {"admin"}),
    ("desk.settings", "POST", "/can-bo/tiep-nhan/cai-dat",
     {"ma_don_vi": "000.00.21.H26", "mau_ma": "{{unit}}-{{yymmdd}}-{{seq:04d}}",
      "gio_chot": "15:00", "gio_mo": "07:30", "gio_dong": "17:00"}, {"admin"}),
]
IDS = [f"{method} {endpoint}" for endpoint, method, *_ in ROUTES]
DOSSIER_ROUTES = [r for r in ROUTES if "/ho-so/{" in r[2]]


@pytest.fixture(scope="module")
def scene_file(request, database_engine, tmp_path_factory):
    """The scene, built once for this module in a database that each test copies."""
    folder = tmp_path_factory.mktemp("desk-scene")
    if database_engine == "postgres":
        copies = request.getfixturevalue("seeded_postgres")
        url = copies.take()
        request.addfinalizer(lambda: copies.give_back(url))
    else:
        url = f"sqlite:///{folder / 'scene.sqlite'}"
        shutil.copy(request.getfixturevalue("seeded_sqlite"), folder / "scene.sqlite")
    app = make_app(url, folder)
    with pytest.MonkeyPatch.context() as patch:
        from tthc.desk import services

        patch.setattr(services, "now", lambda: MONDAY)
        patch.setattr(services, "today", lambda: MONDAY.date())
        scene = _build(app)
    dispose(app)  # copied per test: a PostgreSQL template must have no one connected
    return folder, url, scene


@pytest.fixture
def app(request, scene_file, tmp_path):
    folder, url, _ = scene_file
    app = make_app(copy_database(request, url, tmp_path), folder)  # the scene's uploads
    yield app
    dispose(app)


@pytest.fixture
def scene(scene_file):
    return scene_file[2]


def _build(app):
    ids = {state: make_dossier(app, state=state)
           for state in ("draft", "new", "checked", "received", "resolved")}
    ids["multi"] = make_dossier(app, SINGLE, state="received")
    ids["stoppable"] = make_dossier(app, state="progress")
    ids["awaiting"] = make_dossier(app, state="progress")
    ids["fee"] = make_dossier(app, state="progress")
    with app.app_context():
        # Under TT 03/2025, whose Form 05 is the notice that processing is stopped.
        db.session.get(Dossier, ids["stoppable"]).form_set = "tt03-2025"
        db.session.commit()
    with app.app_context():
        from sqlalchemy import select

        from tthc.intake import uploads
        from tthc.models import Staff

        name = uploads.store(b"\xff\xd8\xff\xe0 not really a photo", uploads.JPEG)
        upload = Upload(dossier_id=ids["new"], paper_key="ban_chinh", stored_name=name,
                        content_type=uploads.JPEG, size=20)
        db.session.add(upload)
        db.session.commit()
        upload_id = upload.id
        demo = factories.demo_office()
        staff = {s.username: s.id for s in db.session.scalars(
            select(Staff).filter_by(office_id=demo.id))}
        from tthc.desk import services

        services.processing.request_fee(ids["fee"], db.session.get(Staff, staff["chuyenmon"]))
        awaiting = db.session.get(Dossier, ids["awaiting"])  # handed to the leader to sign
        awaiting.signoff_by_id, awaiting.signoff_round = staff["lanhdao"], 1
        db.session.commit()
        other = factories.make_office("khac")
        theirs = {role: factories.make_staff(other, f"khac-{role}", (role,)).id
                  for role in factories.ROLES}
    mine = {"reception": staff["tiepnhan"], "specialist": staff["chuyenmon"],
            "leader": staff["lanhdao"], "admin": staff["quantri"]}
    return {**ids, "mine": mine, "theirs": theirs, "upload": upload_id,
            "code": load(app, ids["new"]).prefiling_code, "colleague": mine["specialist"],
            "leader": mine["leader"], "today": MONDAY.strftime("%d/%m/%Y"),
            "later": working_day_from(MONDAY.date() + dt.timedelta(days=8)).strftime("%d/%m/%Y")}


def working_day_from(day: dt.date) -> dt.date:
    from tthc.desk.services import calendar

    while not calendar().is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def _request(app, staff_id, method, path, data, scene):
    officer = Officer(app, staff_id) if staff_id else None
    client = officer.client if officer else app.test_client()
    path = path.format(**scene)
    if method == "GET":
        return client.get(path)
    form = {k: v() if callable(v) else v.format(**scene) for k, v in data.items()}
    if officer:  # with the status the dossier's page shows now
        return officer.post(path, form)
    return client.post(path, data={"csrf_token": factories.csrf(client), **form})


def test_every_desk_route_is_in_the_matrix_and_guarded(app):
    listed = {(endpoint, method) for endpoint, method, *_ in ROUTES}
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("desk."):
            continue
        assert rule.rule.startswith("/can-bo/"), f"{rule.rule} is not under /can-bo/"
        view = app.view_functions[rule.endpoint]
        assert hasattr(view, "staff_roles"), f"{rule.endpoint} is not behind staff_required"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (rule.endpoint, method) in listed, f"{method} {rule.rule} not in the matrix"
            found.add((rule.endpoint, method))
    assert found == listed
    roles = {(e, m): allowed for e, m, _, _, allowed in ROUTES}
    for (endpoint, method), allowed in roles.items():
        assert set(app.view_functions[endpoint].staff_roles) == allowed, endpoint


@pytest.mark.parametrize("endpoint, method, path, data, allowed", ROUTES, ids=IDS)
def test_anonymous_is_sent_to_sign_in(app, scene, endpoint, method, path, data, allowed):
    response = _request(app, None, method, path, data, scene)
    assert response.status_code == 303
    assert response.location.startswith("/can-bo/dang-nhap")


@pytest.mark.parametrize("role", factories.ROLES)
@pytest.mark.parametrize("endpoint, method, path, data, allowed", ROUTES, ids=IDS)
def test_each_role_gets_only_its_routes(app, scene, role, endpoint, method, path, data,
                                        allowed):
    response = _request(app, scene["mine"][role], method, path, data, scene)
    if role in allowed:
        assert response.status_code in (200, 303), response.get_data(as_text=True)[:3000]
        assert not (response.location or "").startswith("/can-bo/dang-nhap")
    else:
        assert response.status_code == 403
        assert "Không có quyền truy cập" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", factories.ROLES)
@pytest.mark.parametrize("endpoint, method, path, data, allowed", DOSSIER_ROUTES,
                         ids=[f"{m} {e}" for e, m, *_ in DOSSIER_ROUTES])
def test_another_office_never_reads_or_changes_our_dossiers(app, scene, role, endpoint, method,
                                                            path, data, allowed):
    before = _snapshot(app)
    response = _request(app, scene["theirs"][role], method, path,
                        {**data, "can_bo": str(scene["theirs"]["specialist"])}
                        if "can_bo" in data else data, scene)
    assert response.status_code == (404 if role in allowed else 403)
    assert _snapshot(app) == before
    with app.app_context():
        # nothing was logged as read either: there was nothing to read
        assert db.session.query(AccessLog).filter_by(
            staff_id=scene["theirs"][role]).count() == 0


def test_another_office_cannot_open_our_dossier_by_its_code(app, scene):
    response = _request(app, scene["theirs"]["reception"], "POST", "/can-bo/tiep-nhan/mo",
                        {"ma": "{code}"}, scene)
    assert response.status_code == 422
    assert "Không tìm thấy hồ sơ" in response.get_data(as_text=True)


def test_another_offices_lists_and_ledger_show_none_of_ours(app, scene):
    for role, path in (("reception", "/can-bo/tiep-nhan"), ("leader", "/can-bo/so-theo-doi"),
                       ("leader", "/can-bo/viec-cua-toi")):
        html = _request(app, scene["theirs"][role], "GET", path, {}, scene).get_data(
            as_text=True)
        assert "000.00.21.H26" not in html and scene["code"] not in html


def _snapshot(app):
    with app.app_context():
        rows = db.session.query(Dossier).order_by(Dossier.id).all()
        return [(d.id, d.status, d.code, dict(d.answers or {}), dict(d.paper_checks or {}),
                 d.procedure_version_id, d.channel, d.handler_id, len(d.events)) for d in rows]
