"""Sending the outbox: claim a due row, render it, hand it to its gateway, record the outcome.

Several senders may run at once (a cron job overlapping a loop, two servers). A row is
claimed by one compare-and-set ``UPDATE … SET status='sending', attempts=attempts+1 WHERE
id=:id AND status=:read AND attempts=:read`` inside ``tthc.transactions.serialised()``:
of two senders that read the same row, one changes it and the other changes nothing. The
network exchange happens outside any transaction; the outcome is written by a second
compare-and-set on (id, 'sending', the attempt claimed). A sender that dies between the
two leaves the row "sending"; after ``LEASE`` another sender claims it again, so a message
is sent at least once, and exactly once unless a sender dies mid-send.

A failure the gateway calls temporary is tried again after an exponential backoff (1, 2,
4… minutes, at most 6 hours) until ``MAX_ATTEMPTS``; then, or at once for a permanent
failure, the row is "failed" and the admin page shows it. A row that cannot be sent at all
(no gateway, a gateway secret this server cannot unseal, consent withdrawn, no ZNS
template, a ticket already called) is "skipped" with its reason: nothing is sent.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from sqlalchemy import or_, select, update

from ..domain.codes import format_prefiling_code
from ..domain.i18n import N_
from ..domain.queue import WAITING
from ..extensions import db
from ..models import Dossier, Office, Setting, Ticket
from ..models.dossier import utcnow
from ..models.notify import NotifyConsent, NotifyMessage, NotifyTemplate
from ..timeutil import TZ
from ..transactions import serialised
from . import gateways, messages, tickets
from .gateways import GatewayError

PENDING, SENDING, SENT, FAILED, SKIPPED = "pending", "sending", "sent", "failed", "skipped"
STATUSES = (PENDING, SENDING, SENT, FAILED, SKIPPED)
MAX_ATTEMPTS = 6
BACKOFF_FIRST = dt.timedelta(minutes=1)
BACKOFF_MAX = dt.timedelta(hours=6)
LEASE = dt.timedelta(minutes=10)
PUBLIC_URL_KEY = "notify.public_url"  # Setting: the site's address for the look-up link

# Why a row was skipped or failed (the admin page explains each code).
NO_GATEWAY, WITHDRAWN, NO_ZNS_TEMPLATE, STALE, GATEWAY, UNREADABLE = (
    "no_gateway", "consent_withdrawn", "no_zns_template", "stale", "gateway",
    "secret_unreadable")

STATUS_LABELS = {PENDING: N_("Chờ gửi lại"), SENDING: N_("Đang gửi"), SENT: N_("Đã gửi"),
                 FAILED: N_("Gửi không được"), SKIPPED: N_("Không gửi")}
REASON_LABELS = {
    NO_GATEWAY: N_("Cơ quan chưa cấu hình hoặc đã tắt cổng gửi của kênh này."),
    WITHDRAWN: N_("Công dân đã thôi nhận thông báo qua kênh này."),
    NO_ZNS_TEMPLATE: N_("Chưa khai báo mã mẫu ZNS cho loại thông báo này."),
    STALE: N_("Số thứ tự đã được gọi hoặc đã hết ngày."),
    GATEWAY: N_("Cổng gửi báo lỗi."),
    UNREADABLE: N_("Không giải mã được mã truy cập hoặc mật khẩu đã lưu của cổng gửi: nhập "
                   "lại ở trang cài đặt cổng gửi."),
}

M = NotifyMessage.__table__.c


def backoff(attempts: int) -> dt.timedelta:
    """The wait before try number *attempts* + 1: 1, 2, 4… minutes, at most 6 hours."""
    return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


@dataclass
class Report:
    """What one pass did: counts by outcome."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, status: str) -> None:
        self.counts[status] = self.counts.get(status, 0) + 1

    def __str__(self) -> str:
        return ", ".join(f"{k}: {v}" for k, v in sorted(self.counts.items())) or "nothing due"


def run_once(limit: int = 200, now: dt.datetime | None = None) -> Report:
    """Send every row due now (at most *limit*), each claimed by this sender alone."""
    now = now or utcnow()
    report = Report()
    for row in _due(now, limit):
        attempt = _claim(row.id, row.status, row.attempts, now)
        if attempt is None:
            continue  # another sender has it
        report.add(_deliver(row.id, attempt, now))
    return report


def _due(now: dt.datetime, limit: int):
    stmt = (select(M.id, M.status, M.attempts)
            .where(or_((M.status == PENDING) & (M.next_attempt_at <= now),
                       (M.status == SENDING) & (M.claimed_at < now - LEASE)))
            .order_by(M.next_attempt_at, M.id).limit(limit))
    rows = db.session.execute(stmt).all()
    db.session.commit()
    return rows


def _claim(message_id: int, status: str, attempts: int, now: dt.datetime) -> int | None:
    """Take the row if it is still as read; the attempt number it now carries, else None."""
    with serialised() as session:
        result = session.execute(
            update(NotifyMessage.__table__)
            .where(M.id == message_id, M.status == status, M.attempts == attempts)
            .values(status=SENDING, attempts=attempts + 1, claimed_at=now))
        return attempts + 1 if result.rowcount == 1 else None


def _finish(message_id: int, attempt: int, **values) -> None:
    with serialised() as session:
        session.execute(update(NotifyMessage.__table__)
                        .where(M.id == message_id, M.status == SENDING, M.attempts == attempt)
                        .values(**values))


def _deliver(message_id: int, attempt: int, now: dt.datetime) -> str:
    message = db.session.get(NotifyMessage, message_id, populate_existing=True)
    try:
        skip = _why_not(message)
        if skip is not None:
            _finish(message_id, attempt, status=SKIPPED, reason=skip, last_error="")
            return SKIPPED
        gateway = gateways.gateway(db.session, message.office_id, message.channel)
        body, send = _prepared(message, gateway)
    except _Skip as skipped:
        _finish(message_id, attempt, status=SKIPPED, reason=skipped.reason, last_error="")
        return SKIPPED
    recipient = message.recipient
    db.session.commit()  # no transaction stays open during the network exchange
    try:
        send()
    except GatewayError as error:
        detail = scrubbed(error.detail, recipient)
        if error.permanent or attempt >= MAX_ATTEMPTS:
            _finish(message_id, attempt, status=FAILED, reason=GATEWAY, last_error=detail,
                    body=body)
            return FAILED
        _finish(message_id, attempt, status=PENDING, reason=GATEWAY, last_error=detail,
                body=body, next_attempt_at=now + backoff(attempt))
        return PENDING
    _finish(message_id, attempt, status=SENT, reason="", last_error="", body=body,
            sent_at=utcnow())
    return SENT


_LONG_NUMBER = re.compile(r"\+?\d[\d .-]{7,}\d")


def scrubbed(detail: str, recipient: str) -> str:
    """A gateway's error without the recipient or anything like a phone number in it: the
    admin page shows it, and a provider may echo the number back."""
    if recipient:
        detail = detail.replace(recipient, "•••")
    return _LONG_NUMBER.sub("•••", detail)


class _Skip(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _why_not(message: NotifyMessage) -> str | None:
    """Why this row must not be sent now, if so (the reason code)."""
    if not _agreed(message):
        return WITHDRAWN
    if message.ticket_id is not None:
        ticket = db.session.get(Ticket, message.ticket_id)
        if ticket is None or ticket.status != WAITING:
            return STALE  # called already: the hall's screen has told them
    gateway = gateways.gateway(db.session, message.office_id, message.channel)
    if gateway.enabled and gateway.unreadable:
        return UNREADABLE
    if not gateway.ready:
        return NO_GATEWAY
    return None


def _agreed(message: NotifyMessage) -> bool:
    """The citizen still agrees to this row's channel: on the dossier, or (a ticket's row)
    with the same phone given on the ticket's page."""
    if message.dossier_id is not None and db.session.scalar(select(NotifyConsent.id).where(
            NotifyConsent.dossier_id == message.dossier_id,
            NotifyConsent.channel == message.channel,
            NotifyConsent.withdrawn_at.is_(None))) is not None:
        return True
    return message.ticket_id is not None and (message.channel, message.recipient) in \
        tickets.contact_channels(db.session, message.ticket_id)


def wording(office_id: int, event: str, channel: str) -> messages.Wording:
    """The office's own wording of *event* on *channel*, else the default."""
    row = db.session.scalar(select(NotifyTemplate).filter_by(
        office_id=office_id, event=event, channel=channel))
    if row is None:
        return messages.default_wording(event, channel)
    return messages.Wording(row.subject, row.body, row.zns_template_id)


def public_url(office_id: int) -> str:
    """The site's address for look-up links (the admin page sets it), without a final /."""
    value = db.session.scalar(select(Setting.value).where(
        Setting.office_id == office_id, Setting.key == PUBLIC_URL_KEY))
    return str(value or "").rstrip("/")


def values_for(message: NotifyMessage) -> dict[str, str]:
    """The placeholders' values for one row, read from the database as committed."""
    office = db.session.get(Office, message.office_id)
    values = {"co_quan": office.desk_name or office.name}
    if message.event == messages.NEAR_TURN:
        ticket = db.session.get(Ticket, message.ticket_id)
        values.update(so_thu_tu=ticket.label,
                      so_nguoi_truoc=str((message.params or {}).get("ahead", "")))
        return values
    dossier = db.session.get(Dossier, message.dossier_id)
    code = dossier.code or format_prefiling_code(dossier.prefiling_code)
    base = public_url(message.office_id)
    due = dossier.due_at.astimezone(TZ) if dossier.due_at else None
    values.update(
        ma_ho_so=code, thu_tuc=dossier.procedure_version.name_vi,
        ngay_hen=f"{due:%H:%M} ngày {due:%d/%m/%Y}" if due else "",
        tra_cuu=f"{base}/tra-cuu?ma={quote(code, safe='')}" if base else "",
        thoi_nhan=f"{base}/thoi-nhan-tin" if base else "")
    return values


def _prepared(message: NotifyMessage, gateway: gateways.Gateway):
    """The text kept on the row and the call that sends it."""
    values = values_for(message)
    words = wording(message.office_id, message.event, message.channel)
    config, to, mid = gateway.config, message.recipient, message.id
    if message.channel == messages.ZALO:
        if not words.zns_template_id:
            raise _Skip(NO_ZNS_TEMPLATE)
        data = {k: values.get(k, "") for k in messages.PLACEHOLDERS[message.event]
                if k not in messages.NOT_FOR_ZNS}
        body = f"ZNS {words.zns_template_id} " + json.dumps(data, ensure_ascii=False)
        return body, lambda: gateways.send_zalo(config, to, words.zns_template_id, data, mid)
    text = messages.render(words.body, values)
    if message.channel == messages.SMS:
        if config.get("ascii"):
            text = messages.fold(text)
        return text, lambda: gateways.send_sms(config, to, text, mid)
    subject = messages.render(words.subject, values)
    return f"{subject}\n\n{text}", lambda: gateways.send_email(config, to, subject, text)
