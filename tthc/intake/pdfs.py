"""What a PDF may contain before we store it: no active content, nothing we cannot read.

Files are served back as downloads only, but an officer opens them in a PDF reader at the
desk. So a PDF that can run something when opened (JavaScript, a launch action, actions on
opening a page or a field, embedded files, Flash/RichMedia, XFA forms) is refused, and the
citizen is told to print it to PDF again or to photograph the paper: honest, and simpler than
rewriting the file. The standard library is enough: every dictionary of a PDF is either in
the file as text or inside an object stream (/ObjStm, compressed with Flate, read with zlib).
Content and image streams hold no dictionaries that act, so they are never decompressed.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

#: Keys and names that make a PDF act by itself. /OpenAction is allowed only as a view
#: destination (an array: what LibreOffice writes), never as an action.
ACTIVE_NAMES = frozenset({b"JavaScript", b"JS", b"AA", b"Launch", b"EmbeddedFile",
                          b"EmbeddedFiles", b"RichMedia", b"XFA"})
#: Most bytes decompressed from object streams, all together (a zip bomb stops here).
MAX_INFLATED = 50 * 1024 * 1024

_NAME = re.compile(rb"/([^\x00\t\n\f\r /<>\[\]()\{\}%]*)")
_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"(?<![A-Za-z])stream\r?\n")
_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_DESTINATION = re.compile(rb"\s*\[")


@dataclass(frozen=True)
class Verdict:
    """Why the PDF is refused ("active", "encrypted", "unreadable") or None, and its pages."""

    problem: str | None
    pages: int


def check(data: bytes) -> Verdict:
    """Read every dictionary of a PDF: the file outside its streams, and its object streams.

    Stream bodies are skipped (random image bytes would look like names), unless one holds
    what looks like an object ("12 0 obj"), which a lenient reader might take as one.
    """
    texts: list[bytes] = []
    inflated = 0
    for region, body in _split(data):
        texts.append(region)
        names = set(_names(region))
        if b"ObjStm" not in names:
            if _OBJECT.search(body):
                texts.append(body)
            continue
        filters = {n for n in names if n.endswith(b"Decode")}
        if filters - {b"FlateDecode"} or b"DecodeParms" in names:
            return Verdict("unreadable", 0)
        if filters:
            try:
                body = zlib.decompressobj().decompress(body, MAX_INFLATED - inflated + 1)
            except zlib.error:
                return Verdict("unreadable", 0)
            inflated += len(body)
            if inflated > MAX_INFLATED:
                return Verdict("unreadable", 0)
        texts.append(body)
    pages = 0
    for text in texts:
        if _is_active(text):
            return Verdict("active", 0)
        pages += len(_PAGE.findall(text))
    if any(b"Encrypt" in _names(text) for text in texts):
        # An encrypted file's object streams cannot be read, so they cannot be checked.
        return Verdict("encrypted", 0)
    return Verdict(None, max(1, pages))


def _names(text: bytes):
    """Every name in *text*, its #xx escapes decoded (/J#53 is /JS)."""
    for match in _NAME.finditer(text):
        yield _HEX.sub(lambda m: bytes([int(m[1], 16)]), match[1])


def _is_active(text: bytes) -> bool:
    for match in _NAME.finditer(text):
        name = _HEX.sub(lambda m: bytes([int(m[1], 16)]), match[1])
        if name in ACTIVE_NAMES:
            return True
        if name == b"OpenAction" and not _DESTINATION.match(text, match.end()):
            return True
    return False


def _split(data: bytes):
    """(text before a stream, the stream's raw body) for each stream, then (the rest, b"")."""
    position = 0
    while True:
        found = _STREAM.search(data, position)
        if found is None:
            yield data[position:], b""
            return
        end = data.find(b"endstream", found.end())
        end = len(data) if end == -1 else end
        yield data[position:found.start()], data[found.end():end]
        position = end + len(b"endstream")
