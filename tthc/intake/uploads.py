"""Photos and PDFs of papers: type from content, images re-encoded, stored under random names.

A citizen's camera photo carries the phone's GPS position and model in its EXIF data (and
comments, XMP, ICC profiles…), and can be 50 megapixels. So every image is decoded and
drawn again onto a new blank JPEG of at most ``TTHC_UPLOAD_MAX_SIDE`` pixels a side: no
metadata block can follow. Decoding is bounded: a pixel limit read from the header before
any decoding, JPEGs decoded at a reduced scale, and at most ``TTHC_IMAGE_SLOTS`` images
decoded at once on the machine (file locks, shared by every worker). PDFs must start with
``%PDF-`` and hold no active content (``pdfs``); they are kept as sent and only ever served
back as downloads. What the user called the file is never used: files live in
``<instance>/uploads/`` under a random name.
"""

from __future__ import annotations

import fcntl
import io
import os
import re
import secrets
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from flask import current_app
from flask_babel import gettext
from PIL import ExifTags, Image, UnidentifiedImageError

from . import pdfs

from ..files import private_dir

JPEG, PNG, WEBP, PDF, HEIC = "image/jpeg", "image/png", "image/webp", "application/pdf", "heic"
ACCEPT = "image/*,application/pdf"
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1",
                b"avif", b"avis"}
# EXIF orientation → the transposition that shows the photo upright (as ImageOps does).
_UPRIGHT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
            4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
            6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
            8: Image.Transpose.ROTATE_90}


class UploadError(Exception):
    """A file we refuse; ``message`` says what to do instead (already translated)."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    content_type: str
    size: int
    pages: int


def sniff(head: bytes) -> str | None:
    """The type of a file from its first bytes: JPEG, PNG, WebP, PDF, HEIC/HEIF or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):  # at offset 0: what follows a prefix is not read as PDF
        return PDF
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return HEIC
    return None


def folder() -> Path:
    return private_dir(Path(current_app.instance_path) / "uploads")


def path_of(stored_name: str) -> Path:
    """Where a stored file is; the name is ours (hex + extension), never the user's."""
    if not re.fullmatch(r"[0-9a-f]{32}\.(jpg|pdf)", stored_name):
        raise ValueError("not a stored file name")
    return folder() / stored_name


def read_limited(stream, limit: int) -> bytes:
    """Read at most *limit* bytes; UploadError (413) when the file is larger."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UploadError(too_big_message(limit), 413)
    return data


def too_big_message(limit: int) -> str:
    return gettext("Tệp lớn hơn %(mb)s MB. Chụp lại ảnh với độ phân giải thấp hơn, hoặc chia "
                   "tệp PDF thành nhiều tệp nhỏ hơn.", mb=megabytes(limit))


def megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def prepare(data: bytes) -> tuple[bytes, str, int]:
    """Check a file's content and make what we store: (bytes, content type, pages)."""
    if not data:
        raise UploadError(gettext("Tệp trống. Chọn lại ảnh hoặc tệp PDF."))
    kind = sniff(data[:1024])
    if kind == HEIC:
        raise UploadError(gettext(
            "Ảnh định dạng HEIC (iPhone) chưa được nhận. Trên iPhone, vào Cài đặt › Camera › "
            "Định dạng, chọn «Tương thích nhất» rồi chụp lại; hoặc chụp màn hình ảnh đó và "
            "tải ảnh chụp màn hình lên; hoặc gửi ảnh dưới dạng JPEG."), 415)
    if kind is None:
        raise UploadError(gettext(
            "Chỉ nhận ảnh (JPEG, PNG, WebP) hoặc tệp PDF. Chụp ảnh giấy tờ bằng máy ảnh của "
            "điện thoại, hoặc chọn tệp PDF."), 415)
    if kind == PDF:
        return data, PDF, _checked_pdf(data)
    with image_slot():
        return _reencode(data), JPEG, 1


def _checked_pdf(data: bytes) -> int:
    """The pages of a PDF we accept; UploadError for active content or what we cannot read."""
    verdict = pdfs.check(data)
    if verdict.problem == "active":
        raise UploadError(gettext(
            "Tệp PDF có chứa mã chạy tự động (JavaScript, tệp đính kèm hoặc biểu mẫu động) nên "
            "không được nhận; hãy in ra PDF lại hoặc chụp ảnh giấy tờ."))
    if verdict.problem == "encrypted":
        raise UploadError(gettext(
            "Tệp PDF có đặt mật khẩu hoặc mã hóa nên không kiểm tra được; hãy in ra PDF lại "
            "không đặt mật khẩu, hoặc chụp ảnh giấy tờ."))
    if verdict.problem is not None:
        raise UploadError(gettext(
            "Không đọc được tệp PDF này để kiểm tra; hãy in ra PDF lại hoặc chụp ảnh giấy tờ."))
    return verdict.pages


@contextmanager
def image_slot() -> Iterator[None]:
    """Hold one of the machine's ``TTHC_IMAGE_SLOTS`` image decoders while decoding.

    The slots are files under ``<instance>/locks/`` locked with flock: every worker and
    thread of this server shares them (the memory they protect is the machine's), and the
    kernel frees a slot when its holder dies. No slot within ``TTHC_IMAGE_WAIT_SECONDS``:
    UploadError (503), "try again in a moment".
    """
    config = current_app.config
    locks = Path(current_app.instance_path) / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + config["TTHC_IMAGE_WAIT_SECONDS"]
    while True:
        for slot in range(max(1, config["TTHC_IMAGE_SLOTS"])):
            with open(locks / f"image-{slot}.lock", "a+b") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
                return
        if time.monotonic() >= deadline:
            raise UploadError(gettext(
                "Máy chủ đang bận xử lý ảnh của nhiều người. Chờ một lát rồi bấm «Tải lên» "
                "lại; các thông tin đã nhập vẫn được lưu."), 503)
        time.sleep(0.1)


def _reencode(data: bytes) -> bytes:
    """Decode an image safely and draw it onto a new JPEG: no metadata of any kind, ≤ side.

    Memory stays near the decoded image once: JPEGs decode at 1/2, 1/4 or 1/8 scale for
    free; other images are shrunk by an integer factor (``reduce``) right after decoding,
    before any conversion copies them.
    """
    max_pixels = current_app.config["TTHC_UPLOAD_MAX_PIXELS"]
    side = current_app.config["TTHC_UPLOAD_MAX_SIDE"]
    bomb = UploadError(gettext(
        "Ảnh có kích thước quá lớn nên không xử lý được. Chụp lại ảnh với độ phân giải "
        "thấp hơn, hoặc chụp màn hình ảnh đó rồi tải lên."), 413)
    unreadable = UploadError(gettext(
        "Không đọc được ảnh này; có thể tệp bị hỏng. Chụp lại ảnh rồi tải lên."))
    try:
        with warnings.catch_warnings():
            # Our own pixel limit below decides; Pillow's warning would only be noise.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
            if image.format not in ("JPEG", "PNG", "WEBP"):
                raise unreadable
            width, height = image.size
            scale = min(1.0, side / max(width, height, 1))
            if image.format == "JPEG":
                image.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
            if image.size[0] * image.size[1] > max_pixels:
                raise bomb
            orientation = image.getexif().get(ExifTags.Base.Orientation)
            image.load()
            image = _reduced(image, max(image.size) // side)
            image.thumbnail((side, side), Image.Resampling.LANCZOS)
            if orientation in _UPRIGHT:
                image = image.transpose(_UPRIGHT[orientation])
            # A new image carries none of the file's blocks (EXIF, COM, XMP, ICC, PNG text):
            # Pillow would otherwise write some of them back (a JPEG comment, for one).
            clean = Image.new("RGB", image.size, "white")
            if image.mode in ("RGBA", "LA"):
                clean.paste(image.convert("RGBA"), mask=image.getchannel("A"))
            else:
                clean.paste(image.convert("RGB"))
            out = io.BytesIO()
            clean.save(out, "JPEG", quality=85, optimize=True)
            return out.getvalue()
    except UploadError:
        raise
    except Image.DecompressionBombError:
        raise bomb from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombWarning):
        raise unreadable from None


def _reduced(image: Image.Image, factor: int) -> Image.Image:
    """*image* in RGB or RGBA, shrunk *factor* times (box filter), a band of rows at a time.

    Converting or reducing the whole image would copy it whole first (``reduce``
    premultiplies an RGBA image into a new one): band by band, only a band is ever copied.
    """
    mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info \
        else "RGB"
    if factor < 2:
        return image.convert(mode) if image.mode != mode else image
    width, height = image.size
    out = Image.new(mode, (-(-width // factor), -(-height // factor)))
    band = factor * 128
    for top in range(0, height, band):
        piece = image.crop((0, top, width, min(height, top + band)))
        out.paste(piece.convert(mode).reduce(factor), (0, top // factor))
    return out


def store(data: bytes, content_type: str) -> str:
    """Write *data* under a fresh random name; return the name."""
    name = secrets.token_hex(16) + (".pdf" if content_type == PDF else ".jpg")
    target = path_of(name)
    partial = target.with_suffix(".part")
    try:
        with open(partial, "wb") as f:
            f.write(data)
        os.replace(partial, target)
    except OSError as error:  # the disk full (ENOSPC), over quota, read-only…
        partial.unlink(missing_ok=True)
        current_app.logger.error("An upload could not be written to %s (%s): free space "
                                 "or make it writable.", folder(), error.strerror or error)
        raise UploadError(gettext(
            "Máy chủ tạm thời không lưu được tệp nên chưa nhận tệp này. Những gì đã nhập vẫn "
            "được giữ; vui lòng thử tải lên lại sau ít phút, hoặc mang bản giấy đến Bộ phận "
            "Một cửa."), 507) from None
    return name


def remove(stored_name: str) -> None:
    try:
        path_of(stored_name).unlink(missing_ok=True)
    except ValueError:
        pass
