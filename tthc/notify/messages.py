"""What the citizen is told: the events, the channels, the default wording and its rendering.

Pure Python (no Flask, no database): the outbox, the sender and the admin's preview all
render through :func:`render`.

The wording is always Vietnamese (the office's language; a message has no locale), so the
defaults are data, not Babel strings; an admin rewords them per office (NotifyTemplate).
A placeholder is a name in braces, ``{ma_ho_so}``; only the event's own placeholders are
allowed, and nothing else is interpreted (no attribute access, no format specs).

What a message may carry: the dossier's code, the procedure's name (email only by
default), the due date, the office's name and a short look-up address
``…/tra-cuu?ma=<code>``, where the citizen types the phone's last 4 digits to see the
status. Never the citizen's name or ID number, and never the secret link of the dossier
page: SMS and Zalo pass through the gateway's and the carrier's logs, email through
several mail servers, and that link alone opens every answer and file of the dossier.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Mapping

from ..domain.i18n import N_
from ..domain.status import Status

SMS, ZALO, EMAIL = "sms", "zalo", "email"
CHANNELS: tuple[str, ...] = (SMS, ZALO, EMAIL)
CHANNEL_LABELS = {SMS: N_("Tin nhắn SMS"), ZALO: N_("Zalo (ZNS)"), EMAIL: N_("Thư điện tử")}
PHONE_CHANNELS = frozenset({SMS, ZALO})

RECEIVED, SUPPLEMENT, RESOLVED, RETURNED, RESCHEDULED, NEAR_TURN = (
    "received", "supplement", "resolved", "returned", "rescheduled", "near_turn")
EVENTS: tuple[str, ...] = (RECEIVED, SUPPLEMENT, RESOLVED, RETURNED, RESCHEDULED, NEAR_TURN)
EVENT_LABELS = {
    RECEIVED: N_("Hồ sơ được tiếp nhận"),
    SUPPLEMENT: N_("Yêu cầu bổ sung, hoàn thiện hồ sơ"),
    RESOLVED: N_("Đã có kết quả"),
    RETURNED: N_("Đã trả kết quả"),
    RESCHEDULED: N_("Hẹn lại ngày trả kết quả (Mẫu số 04)"),
    NEAR_TURN: N_("Sắp đến lượt (còn 3 số)"),
}

#: The status a change moves a dossier into, and the event the citizen is told of. Keyed
#: by the target, not the action, so that a new way into a status (a leader's approval that
#: resolves the dossier) is told without a change here.
STATUS_EVENTS = {
    int(Status.RECEIVED): RECEIVED,
    int(Status.SUPPLEMENT): SUPPLEMENT,
    int(Status.RESOLVED): RESOLVED,
    int(Status.RETURNED): RETURNED,
}
#: History actions that keep the status but are told: the desk's one new date (Form 04).
ACTION_EVENTS = {"reschedule": RESCHEDULED}
DOSSIER_EVENTS = (RECEIVED, SUPPLEMENT, RESOLVED, RETURNED, RESCHEDULED)


def event_of(action: str, source: int | None, target: int) -> str | None:
    """The event a history row tells the citizen of, if any."""
    if action in ACTION_EVENTS:
        return ACTION_EVENTS[action]
    if source != target:
        return STATUS_EVENTS.get(int(target))
    return None


#: How many tickets ahead a waiting citizen is told that the turn is near.
NEAR_TURN_AHEAD = 3

DOSSIER_PLACEHOLDERS = ("co_quan", "ma_ho_so", "thu_tuc", "ngay_hen", "tra_cuu", "thoi_nhan")
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    **{event: DOSSIER_PLACEHOLDERS for event in DOSSIER_EVENTS},
    NEAR_TURN: ("co_quan", "so_thu_tu", "so_nguoi_truoc"),
}
#: Not sent to Zalo: a ZNS template registered before it existed would refuse the extra key.
NOT_FOR_ZNS = frozenset({"thoi_nhan"})
PLACEHOLDER_LABELS = {
    "co_quan": N_("tên Bộ phận Một cửa hoặc cơ quan"),
    "ma_ho_so": N_("mã hồ sơ (mã nộp trước nếu chưa có)"),
    "thu_tuc": N_("tên thủ tục"),
    "ngay_hen": N_("ngày hẹn trả kết quả"),
    "tra_cuu": N_("địa chỉ tra cứu ngắn, có mã hồ sơ, không có đường dẫn bí mật"),
    "thoi_nhan": N_("địa chỉ trang «Thôi nhận thông báo»"),
    "so_thu_tu": N_("số thứ tự"),
    "so_nguoi_truoc": N_("số người phía trước"),
}

_SMS_DEFAULTS = {
    RECEIVED: "{co_quan}: da tiep nhan ho so {ma_ho_so}. Hen tra ket qua: {ngay_hen}. "
              "Tra cuu: {tra_cuu}",
    SUPPLEMENT: "{co_quan}: ho so {ma_ho_so} can bo sung, hoan thien. Xem noi dung can bo "
                "sung: {tra_cuu}",
    RESOLVED: "{co_quan}: ho so {ma_ho_so} da co ket qua. Tra cuu: {tra_cuu}",
    RETURNED: "{co_quan}: da tra ket qua ho so {ma_ho_so}. Tran trong cam on.",
    RESCHEDULED: "{co_quan} xin loi: ho so {ma_ho_so} chua giai quyet kip han. Ngay hen moi: "
                 "{ngay_hen}. Tra cuu: {tra_cuu}",
    NEAR_TURN: "{co_quan}: sap den luot so {so_thu_tu} (con {so_nguoi_truoc} so). Vui long "
               "co mat gan quay.",
}
_EMAIL_DEFAULTS = {
    RECEIVED: ("Hồ sơ {ma_ho_so} đã được tiếp nhận",
               "{co_quan} đã tiếp nhận hồ sơ {ma_ho_so} ({thu_tuc}).\n"
               "Ngày hẹn trả kết quả: {ngay_hen}.\n\nTra cứu tình trạng hồ sơ: {tra_cuu}"
               "\n\nThôi nhận thư về hồ sơ này: {thoi_nhan}"),
    SUPPLEMENT: ("Hồ sơ {ma_ho_so} cần bổ sung, hoàn thiện",
                 "Hồ sơ {ma_ho_so} ({thu_tuc}) cần bổ sung, hoàn thiện. Vui lòng xem các "
                 "nội dung cần bổ sung và nộp lại một lần đầy đủ.\n\n"
                 "Tra cứu hồ sơ: {tra_cuu}\n\n{co_quan}\n\n"
                 "Thôi nhận thư về hồ sơ này: {thoi_nhan}"),
    RESOLVED: ("Hồ sơ {ma_ho_so} đã có kết quả",
               "Hồ sơ {ma_ho_so} ({thu_tuc}) đã giải quyết xong, kết quả đã sẵn sàng để "
               "trả.\n\nTra cứu hồ sơ: {tra_cuu}\n\n{co_quan}\n\n"
               "Thôi nhận thư về hồ sơ này: {thoi_nhan}"),
    RETURNED: ("Đã trả kết quả hồ sơ {ma_ho_so}",
               "{co_quan} đã trả kết quả hồ sơ {ma_ho_so} ({thu_tuc}). Trân trọng cảm ơn."),
    RESCHEDULED: ("Hẹn lại ngày trả kết quả hồ sơ {ma_ho_so}",
                  "{co_quan} xin lỗi vì hồ sơ {ma_ho_so} ({thu_tuc}) chưa giải quyết kịp "
                  "thời hạn.\nNgày hẹn trả kết quả mới: {ngay_hen}.\n\n"
                  "Tra cứu hồ sơ: {tra_cuu}\n\nThôi nhận thư về hồ sơ này: {thoi_nhan}"),
    NEAR_TURN: ("Sắp đến lượt số {so_thu_tu}",
                "Sắp đến lượt số {so_thu_tu} (còn {so_nguoi_truoc} số phía trước). Vui lòng "
                "có mặt gần quầy.\n\n{co_quan}"),
}


@dataclass(frozen=True)
class Wording:
    """One event's message on one channel: subject (email), body (sms, email), ZNS id."""

    subject: str = ""
    body: str = ""
    zns_template_id: str = ""


def default_wording(event: str, channel: str) -> Wording:
    """The wording in the code, until the office writes its own.

    SMS defaults are written without diacritics: a brandname SMS with them is sent as
    Unicode, 70 characters a part instead of 160, and some carriers refuse it. The values
    (the office's name, "ngày") have diacritics too, so an SMS gateway folds the whole text
    unless its admin says the provider takes Unicode. A Zalo message is a template
    registered with Zalo: its id has no default.
    """
    if channel == SMS:
        return Wording(body=_SMS_DEFAULTS[event])
    if channel == EMAIL:
        subject, body = _EMAIL_DEFAULTS[event]
        return Wording(subject=subject, body=body)
    return Wording()


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def unknown_placeholders(text: str, event: str) -> list[str]:
    """The names in braces that *event* does not offer, in order of appearance."""
    allowed = PLACEHOLDERS[event]
    return [name for name in _PLACEHOLDER.findall(text) if name not in allowed]


def render(text: str, values: Mapping[str, str]) -> str:
    """Put each ``{name}``'s value in *text*; an unknown name is left as it is."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m[1], m[0])), text)


def fold(text: str) -> str:
    """Vietnamese without diacritics (for gateways that take plain 7-bit SMS)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def sms_parts(text: str) -> int:
    """How many SMS parts *text* takes: 160/153 characters in GSM-7, 70/67 in Unicode."""
    gsm = all(ord(ch) < 128 for ch in text)
    single, multi = (160, 153) if gsm else (70, 67)
    if len(text) <= single:
        return 1
    return -(-len(text) // multi)


SAMPLE_VALUES = {
    "co_quan": "Bộ phận Một cửa UBND phường Mẫu",
    "ma_ho_so": "000.00.21.H26-261207-0001",
    "thu_tuc": "Chứng thực bản sao từ bản chính",
    "ngay_hen": "14:00 ngày 09/12/2026",
    "tra_cuu": "https://motcua.example.vn/tra-cuu?ma=000.00.21.H26-261207-0001",
    "thoi_nhan": "https://motcua.example.vn/thoi-nhan-tin",
    "so_thu_tu": "A-015",
    "so_nguoi_truoc": "3",
}
"""What the admin's preview fills in (made-up values, never a real citizen's)."""
