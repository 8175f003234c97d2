"""Photos and PDFs of papers: type from content, images re-encoded, stored under random names.

A citizen's camera photo carries the phone's GPS position and model in its EXIF data, and
can be 50 megapixels. So every image is decoded and re-encoded as a JPEG of at most
``TTHC_UPLOAD_MAX_SIDE`` pixels a side, without any metadata. PDFs are kept as sent (they
are only ever served back as downloads). What the user called the file is never used: files
live in ``<instance>/uploads/`` under a random name.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext
from PIL import Image, ImageOps, UnidentifiedImageError

JPEG, PNG, WEBP, PDF, HEIC = "image/jpeg", "image/png", "image/webp", "application/pdf", "heic"
ACCEPT = "image/*,application/pdf"
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1",
                b"avif", b"avis"}
_PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


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
    if b"%PDF-" in head[:1024]:
        return PDF
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return HEIC
    return None


def folder() -> Path:
    path = Path(current_app.instance_path) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


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
        return data, PDF, max(1, len(_PDF_PAGE.findall(data)))
    return _reencode(data), JPEG, 1


def _reencode(data: bytes) -> bytes:
    """Decode an image safely and write it again as a plain JPEG: no EXIF, no GPS, ≤ side."""
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
            image = Image.open(io.BytesIO(data))
            if image.format not in ("JPEG", "PNG", "WEBP"):
                raise unreadable
            width, height = image.size
            scale = min(1.0, side / max(width, height, 1))
            if image.format == "JPEG":
                # JPEG decodes at 1/2, 1/4 or 1/8 scale for free: a 50 MP photo never
                # needs to be held in memory whole.
                image.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
            if image.size[0] * image.size[1] > max_pixels:
                raise bomb
            image.load()
            image = ImageOps.exif_transpose(image)  # keep the photo upright, then drop EXIF
            if image.mode in ("RGBA", "LA", "P"):
                image = image.convert("RGBA")
                flat = Image.new("RGB", image.size, "white")
                flat.paste(image, mask=image.getchannel("A"))
                image = flat
            elif image.mode != "RGB":
                image = image.convert("RGB")
            image.thumbnail((side, side), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=85, optimize=True)  # no exif= : nothing carried
            return out.getvalue()
    except UploadError:
        raise
    except Image.DecompressionBombError:
        raise bomb from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombWarning):
        raise unreadable from None


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
