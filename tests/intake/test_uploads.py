"""Photos and PDFs of papers: checked by content, re-encoded, stored safely; bad ones refused
with a clear 4xx while the rest of the draft stays as it was."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from tests.html import check_page

from .conftest import APPLICANT

PAPER = "giay_chung_sinh"


def jpeg(size=(3000, 1500), *, exif=True) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    buf = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x0112] = 6  # Orientation: rotate 90° to show upright
        gps = data.get_ifd(0x8825)
        gps[1], gps[2] = "N", (21.0, 1.0, 30.0)
        image.save(buf, "JPEG", exif=data)
    else:
        image.save(buf, "JPEG")
    return buf.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG file that claims to be width × height: a decompression bomb's header."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


PDF = (b"%PDF-1.4\n1 0 obj<</Type /Catalog /Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type /Pages /Kids [3 0 R 4 0 R] /Count 2>>endobj\n"
       b"3 0 obj<</Type /Page /Parent 2 0 R>>endobj\n4 0 obj<</Type /Page /Parent 2 0 R>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture
def draft(citizen):
    return citizen.start()


def upload(citizen, path, content: bytes, filename="anh.jpg", paper=PAPER, **answers):
    data = {**APPLICANT, **answers, f"file_{paper}": (io.BytesIO(content), filename)}
    return citizen.post(f"{path}/giay-to/{paper}", data, content_type="multipart/form-data")


def stored_files(app) -> list[Path]:
    folder = Path(app.instance_path) / "uploads"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_photo_is_re_encoded_without_metadata_and_scaled_down(app, citizen, draft):
    original = jpeg()
    assert b"PhoneMaker" in original
    response = upload(citizen, draft, original)
    assert response.status_code == 303
    assert response.headers["Location"] == f"{draft}#giay-to-{PAPER}"
    dossier = citizen.dossier(draft)
    (row,) = dossier.uploads
    assert row.paper_key == PAPER and row.content_type == "image/jpeg"
    (path,) = stored_files(app)
    assert path.name == row.stored_name and path.name != "anh.jpg"
    data = path.read_bytes()
    assert b"PhoneMaker" not in data and b"Exif" not in data
    image = Image.open(io.BytesIO(data))
    assert not image.getexif() and image.format == "JPEG"
    assert image.size == (1000, 2000)  # upright (EXIF rotation applied), at most 2000 px
    # the answers posted with the upload are saved too
    assert dossier.answers["applicant_full_name"] == APPLICANT["applicant_full_name"]
    # and the paper now counts as provided
    state = citizen.page_state(draft + "/phan/7")  # a long form: the papers are its last step
    panel = citizen.post(draft + "/kiem-tra", {**APPLICANT, **state}, htmx=True).get_data(
        as_text=True)
    assert f"#giay-to-{PAPER}" not in panel


def test_the_owner_gets_the_file_back_safely(citizen, draft):
    upload(citizen, draft, jpeg(exif=False))
    upload_id = citizen.dossier(draft).uploads[0].id
    response = citizen.client.get(f"{draft}/tep/{upload_id}")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "same-origin"  # never to another site
    page = citizen.client.get(draft + "/phan/7").get_data(as_text=True)
    assert f"/tep/{upload_id}" in page and "Ảnh 1" in page
    check_page(page)


@pytest.mark.parametrize("kind", ["PNG", "WEBP"])
def test_png_and_webp_become_jpeg(app, citizen, draft, kind):
    buf = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 0, 255, 128)).save(buf, kind)
    assert upload(citizen, draft, buf.getvalue(), "x." + kind.lower()).status_code == 303
    (path,) = stored_files(app)
    assert Image.open(path).format == "JPEG" and path.suffix == ".jpg"


def test_a_pdf_is_kept_and_downloaded_not_shown(app, citizen, draft):
    assert upload(citizen, draft, PDF, "giay.pdf").status_code == 303
    (row,) = citizen.dossier(draft).uploads
    assert row.content_type == "application/pdf" and row.pages == 2
    response = citizen.client.get(f"{draft}/tep/{row.id}")
    assert response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_several_files_for_one_paper(citizen, draft):
    data = {**APPLICANT, f"file_{PAPER}": [(io.BytesIO(jpeg(exif=False)), "1.jpg"),
                                           (io.BytesIO(PDF), "2.pdf")]}
    response = citizen.post(f"{draft}/giay-to/{PAPER}", data, content_type="multipart/form-data")
    assert response.status_code == 303
    kinds = [u.content_type for u in citizen.dossier(draft).uploads]
    assert kinds == ["image/jpeg", "application/pdf"]


def _refused(citizen, draft, response, status, words):
    assert response.status_code == status
    page = response.get_data(as_text=True)
    check_page(page)
    assert words in page
    assert "Có lỗi cần sửa" in page and f'href="#file_{PAPER}"' in page
    # the draft is intact: the answers posted with the file are saved and shown again
    dossier = citizen.dossier(draft)
    assert dossier.answers["applicant_full_name"] == APPLICANT["applicant_full_name"]
    assert f'value="{APPLICANT["applicant_full_name"]}"' in page
    assert dossier.uploads == []


def test_a_file_that_is_not_a_photo_or_pdf_is_refused(app, citizen, draft):
    response = upload(citizen, draft, b"MZ\x90\x00 this is a program, not a photo", "anh.jpg")
    _refused(citizen, draft, response, 415, "Chỉ nhận ảnh (JPEG, PNG, WebP) hoặc tệp PDF")
    assert stored_files(app) == []


def test_heic_gets_advice_on_what_to_do(app, citizen, draft):
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200
    response = upload(citizen, draft, heic, "IMG_0001.HEIC")
    _refused(citizen, draft, response, 415, "Tương thích nhất")


def test_a_file_too_big_is_refused(app, citizen, draft):
    app.config["TTHC_UPLOAD_MAX_FILE"] = 20_000
    response = upload(citizen, draft, jpeg(exif=False) + b"\x00" * 30_000)
    _refused(citizen, draft, response, 413, "Tệp lớn hơn")


def test_the_dossier_total_is_limited(app, citizen, draft):
    assert upload(citizen, draft, jpeg(exif=False)).status_code == 303
    used = citizen.dossier(draft).uploads[0].size
    app.config["TTHC_UPLOAD_MAX_DOSSIER"] = used + 100
    response = upload(citizen, draft, jpeg(exif=False))
    assert response.status_code == 413
    assert "mức tối đa cho một hồ sơ" in response.get_data(as_text=True)
    assert len(citizen.dossier(draft).uploads) == 1


def test_a_decompression_bomb_is_refused(app, citizen, draft):
    bomb = png_header_only(30_000, 30_000)  # 900 megapixels in a few hundred bytes
    assert len(bomb) < 500
    response = upload(citizen, draft, bomb, "bomb.png")
    _refused(citizen, draft, response, 413, "kích thước quá lớn")


def test_a_broken_image_is_refused(citizen, draft):
    broken = jpeg(exif=False)[:300]
    response = upload(citizen, draft, broken)
    _refused(citizen, draft, response, 422, "Không đọc được ảnh")


def test_the_name_the_user_chose_is_never_used(app, citizen, draft, tmp_path):
    response = upload(citizen, draft, jpeg(exif=False), "../../x.jpg")
    assert response.status_code == 303
    (path,) = stored_files(app)
    assert path.parent == Path(app.instance_path) / "uploads"
    assert path.name != "x.jpg" and len(path.stem) == 32
    assert not (tmp_path / "x.jpg").exists() and not (tmp_path.parent / "x.jpg").exists()
    assert "../../x.jpg" not in citizen.client.get(draft + "/phan/7").get_data(as_text=True)


def test_upload_without_a_file_says_to_choose_one(citizen, draft):
    response = citizen.post(f"{draft}/giay-to/{PAPER}", dict(APPLICANT),
                            content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Chọn ảnh hoặc tệp PDF" in response.get_data(as_text=True)
    assert citizen.dossier(draft).answers["applicant_full_name"] == APPLICANT["applicant_full_name"]


@pytest.mark.parametrize("paper", ["khong_co", "to_khai"])  # unknown; made by the app
def test_only_the_procedures_own_papers_take_files(citizen, draft, paper):
    assert upload(citizen, draft, jpeg(exif=False), paper=paper).status_code == 404


def test_delete_a_file(app, citizen, draft):
    upload(citizen, draft, jpeg(exif=False))
    (row,) = citizen.dossier(draft).uploads
    response = citizen.post(f"{draft}/tep/{row.id}/xoa", {**APPLICANT, "child_full_name": "An"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"{draft}#giay-to-{PAPER}"
    assert citizen.dossier(draft).uploads == [] and stored_files(app) == []
    assert citizen.dossier(draft).answers["child_full_name"] == "An"  # saved on the way
    assert citizen.client.get(f"{draft}/tep/{row.id}").status_code == 404


def test_a_request_larger_than_the_server_takes_shows_the_saved_draft(app, citizen, draft):
    citizen.post(draft + "/luu", APPLICANT)
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    response = upload(citizen, draft, b"\xff\xd8\xff" + b"\x00" * 60_000,
                      applicant_full_name="Bị Mất")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    check_page(page)
    assert "Tải lên từng tệp một" in page
    assert f'value="{APPLICANT["applicant_full_name"]}"' in page  # as saved before
    assert citizen.dossier(draft).answers["applicant_full_name"] == APPLICANT["applicant_full_name"]


def test_files_cannot_be_added_once_sent(citizen, draft):
    citizen.fill_complete(draft)
    citizen.action(draft + "/nop")
    response = upload(citizen, draft, jpeg(exif=False))
    assert response.status_code == 303 and response.headers["Location"] == draft
    assert citizen.dossier(draft).uploads == []


def test_a_big_photo_is_decoded_small_but_a_big_png_is_refused(app, citizen, draft):
    # JPEG decodes at 1/2, 1/4 or 1/8 scale: a photo far over the pixel limit is fine,
    # because it is never held whole; a PNG of the same size would be, so it is refused.
    app.config.update(TTHC_UPLOAD_MAX_PIXELS=1_000_000, TTHC_UPLOAD_MAX_SIDE=500)
    assert upload(citizen, draft, jpeg((3000, 1500), exif=False)).status_code == 303
    (path,) = stored_files(app)
    assert max(Image.open(path).size) == 500
    buf = io.BytesIO()
    Image.new("RGB", (3000, 1500), "white").save(buf, "PNG")
    response = upload(citizen, draft, buf.getvalue(), "big.png")
    assert response.status_code == 413
    assert "kích thước quá lớn" in response.get_data(as_text=True)
