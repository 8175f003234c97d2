"""The applicant's details, remembered on one phone (by a secret cookie) only when asked."""

import hashlib

from sqlalchemy import select

from tthc.extensions import db
from tthc.models import ApplicantProfile, Dossier

from .conftest import APPLICANT, BIRTH

COOKIE = "tthc_thiet_bi"


def _cookie(client):
    return client.get_cookie(COOKIE)


def _profiles(app):
    with app.app_context():
        return list(db.session.scalars(select(ApplicantProfile)))


def remember_me(citizen, path, **changes):
    data = {**APPLICANT, **changes, "_remember_shown": "1", "remember": "1"}
    return citizen.post(path + "/luu", data)


def test_details_are_not_kept_unless_asked(app, citizen):
    path = citizen.start()
    citizen.post(path + "/luu", {**APPLICANT, "_remember_shown": "1"})
    assert _cookie(citizen.client) is None and _profiles(app) == []
    second = citizen.start()
    assert citizen.dossier(second).answers.get("applicant_full_name", "") == ""


def test_remembered_details_fill_the_next_draft_on_the_same_phone(app, citizen, other_phone):
    path = citizen.start()
    response = remember_me(citizen, path)
    assert response.status_code == 303
    cookie = _cookie(citizen.client)
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure  # tests run on http; see the next test
    assert cookie.max_age and cookie.max_age > 300 * 86400
    (profile,) = _profiles(app)
    assert profile.device_hash == hashlib.sha256(cookie.value.encode()).hexdigest()
    assert cookie.value not in repr(profile.__dict__)
    assert profile.data["applicant_id_number"] == APPLICANT["applicant_id_number"]
    assert citizen.dossier(path).profile_id == profile.id
    # a new draft on this phone starts with the details filled in
    second = citizen.start("trich-luc-ho-tich")
    answers = citizen.dossier(second).answers
    for key, value in APPLICANT.items():
        assert answers[key] == value
    page = citizen.client.get(second).get_data(as_text=True)
    assert f'value="{APPLICANT["applicant_full_name"]}"' in page
    assert 'id="remember" name="remember" value="1" checked' in page
    start = citizen.client.get(f"/nop-truoc?thu_tuc={BIRTH}").get_data(as_text=True)
    assert "Quên thông tin của tôi" in start
    # another phone gets nothing
    other = other_phone.start()
    assert other_phone.dossier(other).answers.get("applicant_full_name", "") == ""
    assert "Quên thông tin của tôi" not in other_phone.client.get(
        f"/nop-truoc?thu_tuc={BIRTH}").get_data(as_text=True)


def test_the_cookie_is_secure_behind_https(app, citizen):
    app.config["SESSION_COOKIE_SECURE"] = True
    path = citizen.start()
    response = remember_me(citizen, path)
    assert "Secure" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]


def test_saving_updates_the_profile_with_the_new_details(app, citizen):
    path = citizen.start()
    remember_me(citizen, path)
    remember_me(citizen, path, applicant_phone="0987 654 321")
    (profile,) = _profiles(app)
    assert profile.data["applicant_phone"] == "0987 654 321"


def test_wrong_details_are_not_remembered(app, citizen):
    path = citizen.start()
    remember_me(citizen, path, applicant_id_number="12")
    (profile,) = _profiles(app)
    assert "applicant_id_number" not in profile.data
    assert profile.data["applicant_full_name"] == APPLICANT["applicant_full_name"]


def test_the_live_check_remembers_too(app, citizen):
    path = citizen.start()
    data = {**APPLICANT, "_remember_shown": "1", "remember": "1"}
    response = citizen.post(path + "/kiem-tra", data, htmx=True)
    assert response.status_code == 200 and COOKIE in response.headers.get("Set-Cookie", "")
    assert len(_profiles(app)) == 1


def test_forget_my_details_from_the_start_page(app, citizen):
    path = citizen.start()
    remember_me(citizen, path)
    response = citizen.action("/quen-thong-tin", data={"thu_tuc": BIRTH})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/nop-truoc?thu_tuc={BIRTH}"
    assert _cookie(citizen.client) is None
    assert _profiles(app) == []
    # the draft keeps its own answers, unlinked from the deleted profile
    dossier = citizen.dossier(path)
    assert dossier.profile_id is None
    assert dossier.answers["applicant_full_name"] == APPLICANT["applicant_full_name"]
    assert "Đã xóa thông tin" in citizen.client.get(response.headers["Location"]).get_data(
        as_text=True)
    second = citizen.start()
    assert citizen.dossier(second).answers.get("applicant_full_name", "") == ""


def test_forget_my_details_from_a_draft_saves_it_first(app, citizen):
    path = citizen.start()
    remember_me(citizen, path)
    response = citizen.post(path + "/quen-thong-tin", {**APPLICANT, "child_full_name": "An"})
    assert response.status_code == 303 and response.headers["Location"] == path
    assert _profiles(app) == [] and _cookie(citizen.client) is None
    dossier = citizen.dossier(path)
    assert dossier.answers["child_full_name"] == "An" and dossier.profile_id is None


def test_forgetting_needs_the_csrf_token(app, citizen):
    path = citizen.start()
    remember_me(citizen, path)
    assert citizen.action("/quen-thong-tin", csrf=False).status_code == 400
    assert len(_profiles(app)) == 1


def test_unticking_stops_updating_without_deleting(app, citizen):
    path = citizen.start()
    remember_me(citizen, path)
    citizen.post(path + "/luu", {**APPLICANT, "applicant_phone": "0987 654 321",
                                 "_remember_shown": "1"})
    (profile,) = _profiles(app)
    assert profile.data["applicant_phone"] == APPLICANT["applicant_phone"]
    with app.app_context():
        assert db.session.get(Dossier, citizen.dossier(path).id).profile_id is None
