"""Choosing a procedure, starting a draft, and the draft page itself."""

import hashlib
import re

import pytest

from tests.html import check_page
from tthc.domain.codes import PREFILING_ALPHABET

from .conftest import BIRTH


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_start_list_offers_every_procedure(client, lang):
    response = client.get(f"/nop-truoc?lang={lang}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    check_page(page)
    assert f'href="/nop-truoc?thu_tuc={BIRTH}"' in page
    assert "<form" not in page.split("<main", 1)[1]  # choosing is a link, not a form


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_procedure_start_page_has_a_csrf_post_form(client, lang):
    response = client.get(f"/nop-truoc?thu_tuc={BIRTH}&lang={lang}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    check_page(page)
    assert 'method="post" action="/nop-truoc"' in page
    assert 'name="csrf_token"' in page and f'name="thu_tuc" value="{BIRTH}"' in page
    assert "Giấy chứng sinh" in page or "Birth certificate" in page


def test_an_unknown_procedure_is_404(client):
    assert client.get("/nop-truoc?thu_tuc=khong-co").status_code == 404
    assert client.get("/nop-truoc?thu_tuc=" + "x" * 500).status_code == 404


def test_creating_a_draft_needs_the_csrf_token(app, client, citizen):
    response = client.post("/nop-truoc", data={"thu_tuc": BIRTH})
    assert response.status_code == 400
    assert "Trang đã hết hạn" in response.get_data(as_text=True)
    from tthc.extensions import db
    from tthc.models import Dossier

    with app.app_context():
        assert db.session.query(Dossier).count() == 0


def test_a_new_draft_has_a_secret_token_and_a_short_code(app, citizen):
    path = citizen.start()
    token = path.split("/")[2]
    assert re.fullmatch(r"/ho-so/[A-Za-z0-9_-]{32}", path)  # 24 random bytes = 192 bits
    dossier = citizen.dossier(path)
    assert dossier.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(dossier.__dict__)  # only the hash is stored
    code = dossier.prefiling_code
    assert len(code) == 8 and set(code) <= set(PREFILING_ALPHABET)
    assert dossier.status == 0 and dossier.channel == 2
    assert [(e.action, e.actor, e.target) for e in dossier.events] == [("create", "citizen", 0)]
    # defaults from the catalogue are filled in (nationality "Việt Nam")
    assert dossier.answers.get("child_nationality") == "Việt Nam"


def test_unknown_procedure_cannot_be_started(citizen):
    response = citizen.post("/nop-truoc", {"thu_tuc": "khong-co"})
    assert response.status_code == 404


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_draft_page_is_a_plain_form_with_a_live_panel(citizen, lang):
    path = citizen.start("chung-thuc-ban-sao")  # a short form: one page
    response = citizen.client.get(f"{path}?lang={lang}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "same-origin"  # never to another site
    page = response.get_data(as_text=True)
    check_page(page)
    token = path.split("/")[2]
    assert f'action="/ho-so/{token}/luu"' in page and 'method="post"' in page
    assert 'enctype="multipart/form-data"' in page
    panel = re.search(r'<section id="completeness"[^>]*>', page)[0]
    assert 'role="status"' in panel
    assert f'hx-post="/ho-so/{token}/kiem-tra"' in panel
    assert ('hx-trigger="input changed delay:250ms from:closest form, '
            'change from:closest form"') in panel
    assert 'hx-sync="closest form:replace"' in panel
    assert 'hx-params="not file_' in panel  # photos never ride along with the live check
    # the no-JS check button posts the same form to the same URL
    assert f'formaction="/ho-so/{token}/kiem-tra"' in page
    assert f'formaction="/ho-so/{token}/nop"' in page
    # every field of the procedure is there, labelled, with its message element
    for name in ("applicant_id_number", "applicant_full_name", "document_names", "copies"):
        assert f'id="{name}"' in page and f'id="{name}-error"' in page
    assert 'type="checkbox" id="has_copies"' in page  # a yes/no field is a box
    # no browser validation: the server's messages are authoritative
    assert " required" not in page and "novalidate" in page
    assert 'accept="image/*,application/pdf"' in page


def test_the_draft_page_in_english_names_fields_in_english(citizen):
    path = citizen.start()
    page = citizen.client.get(f"{path}/phan/1?lang=en").get_data(as_text=True)
    assert "Personal identification number" in page
    page = citizen.client.get(f"{path}/phan/3?lang=en").get_data(as_text=True)
    assert "Mother&#39;s full name" in page or "Mother's full name" in page


def test_draft_creation_is_rate_limited(app, citizen):
    app.config["TTHC_DRAFT_RATE_LIMIT"] = "2 per minute"
    citizen.start()
    citizen.start()
    response = citizen.post("/nop-truoc", {"thu_tuc": BIRTH})
    assert response.status_code == 429
    assert "Quá nhiều yêu cầu" in response.get_data(as_text=True)


@pytest.mark.parametrize("headers", [{"HX-Request": "true"},
                                     {"HX-Request": "true", "HX-History-Restore-Request": "true"}])
def test_pages_are_whole_even_when_htmx_asks(citizen, headers):
    # Only the live check answers with a fragment; a history restore gets the page.
    path = citizen.start()
    for url in (path, "/tra-cuu", f"/nop-truoc?thu_tuc={BIRTH}"):
        response = citizen.client.get(url, headers=headers)
        assert response.status_code == 200
        assert "<html" in response.get_data(as_text=True)
        assert "HX-Request" in response.headers["Vary"]
    restore = citizen.post(path + "/kiem-tra", {}, headers={
        "HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert restore.status_code == 303  # not a fragment: the no-JS answer
