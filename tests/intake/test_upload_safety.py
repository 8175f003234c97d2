"""Hostile uploads (issue 13): a PDF must be one from its first byte and hold no active
content; a photo keeps no metadata block at all; image decoding is bounded in memory, in
how many run at once on the machine, and in how many files an address may send; a post
that is not the draft's form stores nothing."""

import fcntl
import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from tests.html import check_page
from tthc.extensions import db
from tthc.intake import pdfs, services, uploads
from tthc.models import Dossier

from .conftest import APPLICANT
from .test_uploads import PAPER, PDF, stored_files, upload

PHONE = b"0912345678"
ACTIVE = "Tệp PDF có chứa mã chạy tự động"


def _refused(citizen, draft, response, status: int, words: str):
    """Refused beside the paper's field, with the page as it was; nothing stored."""
    assert response.status_code == status
    page = response.get_data(as_text=True)
    check_page(page)
    assert words in page
    assert f'id="file_{PAPER}-error"><span class="field-error">' in page
    dossier = citizen.dossier(draft)
    assert dossier.uploads == []
    assert dossier.answers["applicant_full_name"] == APPLICANT["applicant_full_name"]


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def markers(jpeg: bytes) -> list[int]:
    """The marker of every segment before the image data (SOS)."""
    assert jpeg[:2] == b"\xff\xd8"
    found, at = [], 2
    while at < len(jpeg):
        marker = jpeg[at + 1]
        found.append(marker)
        if marker == 0xDA:  # start of scan: the image data follows
            return found
        at += 2 + struct.unpack(">H", jpeg[at + 2:at + 4])[0]
    return found


@pytest.fixture
def draft(citizen):
    return citizen.start()


# --- PDFs ---------------------------------------------------------------------------------


def test_a_pdf_signature_after_the_first_byte_is_not_a_pdf(app, citizen, draft):
    disguised = b"<html><script>alert(1)</script>\n" + PDF  # %PDF- at offset 33
    assert uploads.sniff(disguised[:1024]) is None
    response = upload(citizen, draft, disguised, "giay.pdf")
    _refused(citizen, draft, response, 415, "Chỉ nhận ảnh (JPEG, PNG, WebP) hoặc tệp PDF")
    assert stored_files(app) == []


def _with(catalog_extra: bytes = b"", objects: bytes = b"") -> bytes:
    return (PDF.replace(b"/Type /Catalog", b"/Type /Catalog " + catalog_extra)
            .replace(b"trailer", objects + b"trailer"))


def _object_stream(inner: bytes) -> bytes:
    packed = zlib.compress(b"5 0 " + inner)
    return (b"9 0 obj<</Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d>>stream\n"
            % len(packed) + packed + b"\nendstream endobj\n")


ACTIVE_PDFS = {
    "javascript in the names": _with(b"/Names <</JavaScript 5 0 R>>",
                                     b"5 0 obj<</S /JavaScript /JS (app.alert(1))>>endobj\n"),
    "an open action": _with(b"/OpenAction 5 0 R", b"5 0 obj<</S /GoTo /D [3 0 R]>>endobj\n"),
    "an open action dictionary": _with(b"/OpenAction <</S /Launch /F (calc.exe)>>"),
    "page actions": PDF.replace(b"4 0 obj<</Type /Page", b"4 0 obj<</Type /Page /AA 5 0 R"),
    "a launch action": _with(objects=b"5 0 obj<</S /Launch /F (cmd.exe)>>endobj\n"),
    "an embedded file": _with(b"/Names <</EmbeddedFiles 5 0 R>>",
                              b"5 0 obj<</Type /EmbeddedFile /Length 0>>stream\n\nendstream "
                              b"endobj\n"),
    "rich media": _with(objects=b"5 0 obj<</Subtype /RichMedia>>endobj\n"),
    "an XFA form": _with(b"/AcroForm <</XFA 5 0 R>>"),
    "a name written in hex": _with(objects=b"5 0 obj<</S /J#61vaScript /J#53 (x)>>endobj\n"),
    "javascript in a compressed object stream": _with(
        objects=_object_stream(b"<</S /JavaScript /JS (app.alert(1))>>")),
    "an object hidden in a stream's body": _with(
        objects=b"7 0 obj<</Length 40>>stream\n5 0 obj<</JS (x)>>endobj\nendstream endobj\n"),
}


@pytest.mark.parametrize("name", ACTIVE_PDFS)
def test_a_pdf_with_active_content_is_refused(app, citizen, draft, name):
    response = upload(citizen, draft, ACTIVE_PDFS[name], "giay.pdf")
    _refused(citizen, draft, response, 422, ACTIVE)
    assert "hãy in ra PDF lại hoặc chụp ảnh giấy tờ" in response.get_data(as_text=True)
    assert stored_files(app) == []


def test_a_plain_pdf_passes_with_its_pages_counted_in_object_streams_too():
    # a view destination on opening (as LibreOffice writes it) does nothing by itself
    assert pdfs.check(_with(b"/OpenAction [3 0 R /Fit]")) == pdfs.Verdict(None, 2)
    with_stream = _with(objects=_object_stream(b"<</Type /Page /Parent 2 0 R>>"))
    assert pdfs.check(with_stream) == pdfs.Verdict(None, 3)
    # an image's bytes that happen to spell a name are not read as one
    image = b"7 0 obj<</Length 12>>stream\n\xff/JS /AA \xd9\nendstream endobj\n"
    assert pdfs.check(_with(objects=image)).problem is None


@pytest.mark.parametrize("pdf, problem", [
    (_with(objects=b"9 0 obj<</Type /ObjStm /Filter /LZWDecode /Length 3>>stream\nabc\n"
                   b"endstream endobj\n"), "unreadable"),
    (_with(objects=b"9 0 obj<</Type /ObjStm /Filter /FlateDecode /Length 3>>stream\nabc\n"
                   b"endstream endobj\n"), "unreadable"),
    (PDF.replace(b"trailer<<", b"trailer<</Encrypt 8 0 R "), "encrypted"),
])
def test_a_pdf_that_cannot_be_checked_is_refused(pdf, problem):
    assert pdfs.check(pdf).problem == problem


def test_an_object_stream_bomb_stops_at_the_bound(monkeypatch):
    monkeypatch.setattr(pdfs, "MAX_INFLATED", 1_000_000)
    bomb = _with(objects=_object_stream(b"<<" + b" " * 2_000_000 + b">>"))
    assert len(bomb) < 10_000
    assert pdfs.check(bomb).problem == "unreadable"


@pytest.fixture
def draft_id(citizen, draft):
    return citizen.dossier(draft).id


def test_a_desk_scan_with_javascript_is_refused_and_not_rate_limited(app, draft_id):
    # the desk stores its scans through the same add_upload (intake.services), staff_id given
    app.config["TTHC_UPLOAD_RATE_LIMIT"] = "1 per minute"
    with app.test_request_context(method="POST"):
        dossier = db.session.get(Dossier, draft_id)
        with pytest.raises(uploads.UploadError) as refused:
            services.add_upload(dossier, PAPER, FileStorage(io.BytesIO(
                ACTIVE_PDFS["javascript in the names"]), "scan.pdf"), staff_id=1)
        assert ACTIVE in refused.value.message
        for _ in range(3):  # more than the citizens' limit: the desk is not counted
            services.add_upload(dossier, PAPER, FileStorage(io.BytesIO(PDF), "scan.pdf"),
                                staff_id=1)
        assert len(dossier.uploads) == 3


# --- photos: no metadata block survives ---------------------------------------------------


def hostile_jpeg() -> bytes:
    """A JPEG with EXIF GPS, a comment, XMP and an ICC profile, each carrying a phone number."""
    image = Image.new("RGB", (400, 300), (30, 120, 200))
    exif = Image.Exif()
    exif[0x010E] = "Liên hệ " + PHONE.decode()  # ImageDescription
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (21.0, 1.0, 30.0), "E", (105.0, 49.0, 12.0)
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif, comment=b"Goi " + PHONE)
    data = buf.getvalue()
    xmp = _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>" + PHONE
                   + b"</x:xmpmeta>")
    icc = _segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + b"desc " + PHONE + b" " * 100)
    return data[:2] + xmp + icc + data[2:]


def test_a_jpeg_keeps_no_comment_exif_gps_xmp_or_icc(app, citizen, draft):
    original = hostile_jpeg()
    assert original.count(PHONE) == 4
    assert {0xE1, 0xE2, 0xFE} <= set(markers(original))
    source = Image.open(io.BytesIO(original))
    assert source.info["comment"] == b"Goi " + PHONE and source.getexif().get_ifd(0x8825)
    assert upload(citizen, draft, original).status_code == 303
    (path,) = stored_files(app)
    data = path.read_bytes()
    assert PHONE not in data and b"Exif" not in data and b"xmpmeta" not in data
    # only the image's own segments: JFIF (APP0), tables, frame, scan; no APP1-15, no COM
    assert set(markers(data)) <= {0xE0, 0xDB, 0xC4, 0xC0, 0xC2, 0xDD, 0xDA}
    stored = Image.open(path)
    assert not stored.getexif() and "comment" not in stored.info
    assert "icc_profile" not in stored.info and "xmp" not in stored.info
    assert stored.size == (400, 300)


def test_a_png_keeps_no_text_chunks(app, citizen, draft):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "tEXt " + PHONE.decode())
    info.add_text("Author", "zTXt " + PHONE.decode(), zip=True)
    info.add_itxt("Description", "iTXt " + PHONE.decode(), lang="vi")
    buf = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 0, 255, 128)).save(buf, "PNG", pnginfo=info)
    assert upload(citizen, draft, buf.getvalue(), "x.png").status_code == 303
    (path,) = stored_files(app)
    data = path.read_bytes()
    assert PHONE not in data and b"tEXt" not in data and b"iTXt" not in data
    assert set(markers(data)) <= {0xE0, 0xDB, 0xC4, 0xC0, 0xC2, 0xDD, 0xDA}
    # the transparent parts are drawn on white
    assert Image.open(path).getpixel((10, 10))[0] > 100


def test_a_big_png_is_shrunk_in_bands_to_the_same_picture(app):
    image = Image.new("P", (5000, 1000), 0)
    image.putpalette([255, 255, 255, 200, 0, 0] + [0] * 762)
    image.paste(1, (0, 0, 2500, 1000))  # left half red, right half white
    buf = io.BytesIO()
    image.save(buf, "PNG")
    with app.test_request_context():
        out, kind, _ = uploads.prepare(buf.getvalue())
    stored = Image.open(io.BytesIO(out))
    assert kind == "image/jpeg" and stored.size == (2000, 400)
    red, white = stored.getpixel((500, 200)), stored.getpixel((1500, 200))
    assert red[0] > 180 and red[1] < 40 and min(white) > 240


# --- how much image work the machine takes ------------------------------------------------


def test_when_every_image_slot_is_busy_the_upload_waits_then_says_try_again(app, citizen,
                                                                          draft):
    app.config.update(TTHC_IMAGE_SLOTS=2, TTHC_IMAGE_WAIT_SECONDS=0.3)
    locks = Path(app.instance_path) / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    held = [open(locks / f"image-{slot}.lock", "a+b") for slot in range(2)]
    try:
        for handle in held:  # another worker decoding two images
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        buf = io.BytesIO()
        Image.new("RGB", (200, 200), "white").save(buf, "JPEG")
        response = upload(citizen, draft, buf.getvalue())
        _refused(citizen, draft, response, 503, "Máy chủ đang bận xử lý ảnh")
        # a PDF is not decoded: it needs no slot
        assert upload(citizen, draft, PDF, "giay.pdf").status_code == 303
        fcntl.flock(held[1], fcntl.LOCK_UN)  # one slot free again
        assert upload(citizen, draft, buf.getvalue()).status_code == 303
    finally:
        for handle in held:
            handle.close()
    assert len(citizen.dossier(draft).uploads) == 2


def test_an_address_may_send_only_so_many_files(app, citizen, draft):
    app.config["TTHC_UPLOAD_RATE_LIMIT"] = "2 per minute"
    assert upload(citizen, draft, PDF, "1.pdf").status_code == 303
    # the "Lưu" button posts files too: the same count
    saved = citizen.post(f"{draft}/luu", {**APPLICANT, f"file_{PAPER}": (io.BytesIO(PDF),
                                                                          "2.pdf")},
                         content_type="multipart/form-data")
    assert saved.status_code == 303
    response = upload(citizen, draft, PDF, "3.pdf")
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    check_page(page)
    assert "Đã tải lên quá nhiều tệp" in page
    assert f'id="file_{PAPER}-error"><span class="field-error">' in page
    assert len(citizen.dossier(draft).uploads) == 2


# --- a post that is not the draft's form --------------------------------------------------


def test_an_upload_without_the_forms_marker_stores_nothing(app, citizen, draft):
    data = {**APPLICANT, f"file_{PAPER}": (io.BytesIO(PDF), "giay.pdf")}
    response = citizen.post(f"{draft}/giay-to/{PAPER}", data, whole_form=False,
                            content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    check_page(page)
    assert "Đã tải lên" not in page
    assert "Tệp không được gửi kèm biểu mẫu hồ sơ nên chưa được tải lên" in page
    assert f'id="file_{PAPER}-error"><span class="field-error">' in page
    assert citizen.dossier(draft).uploads == [] and stored_files(app) == []
