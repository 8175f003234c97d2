"""The admin's forms: a gateway's settings, the site's address, one message's wording.

Each field cleans what was typed (NFC, no NUL, no surrounding spaces, a bound); a wrong
one gets a Vietnamese message beside it, and the page renders what was posted again.
A secret left empty keeps the stored one: it is never sent back to the browser. A stored
secret that this server cannot unseal must be typed again before the channel is switched on.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext
from wtforms import StringField, TextAreaField

from ..domain.text import nfc
from ..forms import Form, YesNoField
from . import gateways, messages


def cleaned(limit: int):
    return lambda v: nfc(v if isinstance(v, str) else "").replace("\x00", "").strip()[:limit]


def text(limit: int) -> StringField:
    return StringField(filters=[cleaned(limit)])


def url_problem(value: str) -> str | None:
    """Why *value* is not a usable gateway or site address, if it is not."""
    parts = urlsplit(value)
    local = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return gettext("Nhập địa chỉ đầy đủ, bắt đầu bằng https://")
    if parts.scheme == "http" and not local:
        # A token sent over plain HTTP can be read on the way.
        return gettext("Dùng địa chỉ https:// để mã truy cập không bị lộ trên đường truyền.")
    return None


def unreadable_message(name: str) -> str:
    """What the page says of a stored secret this server cannot unseal."""
    if name == "password":
        return gettext("Không giải mã được mật khẩu đã lưu (khóa bí mật của máy chủ đã đổi): "
                       "nhập lại mật khẩu.")
    return gettext("Không giải mã được mã truy cập đã lưu (khóa bí mật của máy chủ đã đổi): "
                   "nhập lại mã truy cập.")


class GatewayForm(Form):
    """One channel's gateway; which fields apply depends on the channel."""

    bat = YesNoField()
    url = text(500)
    token = text(2000)
    sender = text(200)
    ascii = YesNoField()
    host = text(200)
    port = text(5)
    user = text(200)
    password = text(500)
    starttls = YesNoField()

    def __init__(self, channel: str, stored: gateways.Gateway, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel, self.stored = channel, stored

    @property
    def keep(self) -> frozenset[str]:
        """Secrets left empty that are stored but unreadable: kept sealed as they are."""
        return frozenset(n for n in self.stored.unreadable if not self[n].data)

    def messages(self) -> dict[str, str]:
        return {f.name: f.errors[0] for f in self if f.errors}

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        config = self.config()
        if self.bat.data:
            for name in sorted(self.keep):
                self[name].errors.append(unreadable_message(name))
        if self.channel in (messages.SMS, messages.ZALO):
            if config["url"] or self.bat.data:
                problem = url_problem(config["url"])
                if problem:
                    self.url.errors.append(problem)
            if (self.channel == messages.ZALO and self.bat.data and not config.get("token")
                    and not self.token.errors):
                self.token.errors.append(gettext("Nhập mã truy cập (access token) của ZNS."))
        else:
            if self.bat.data and not config["host"]:
                self.host.errors.append(gettext("Nhập máy chủ SMTP, ví dụ: smtp.example.vn"))
            if not (self.port.data or "").isdigit() or not 0 < int(self.port.data) < 65536:
                self.port.errors.append(gettext("Nhập cổng là một số, ví dụ: 587"))
            if self.bat.data and "@" not in config["sender"]:
                self.sender.errors.append(gettext(
                    "Nhập địa chỉ thư gửi đi, ví dụ: motcua@phuong.example.vn"))
        return not self.messages()

    def config(self) -> dict[str, Any]:
        """The settings as they will be stored: an empty secret keeps the stored one (one
        in :attr:`keep` is left out: ``save_gateway`` keeps it sealed as it is)."""
        config: dict[str, Any] = {}
        for name in gateways.FIELDS[self.channel]:
            if name in gateways.FLAGS:
                config[name] = bool(self[name].data)
            elif name in self.keep:
                continue
            elif name in gateways.SECRETS and not self[name].data:
                config[name] = self.stored.config.get(name, "")
            elif name == "port":
                value = self.port.data or ""
                config[name] = int(value) if value.isdigit() else value
            else:
                config[name] = self[name].data or ""
        return config


class PublicUrlForm(Form):
    """The site's address, for the look-up links in messages."""

    dia_chi = text(300)

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if self.dia_chi.data:
            problem = url_problem(self.dia_chi.data)
            if problem:
                self.dia_chi.errors.append(problem)
        return not self.dia_chi.errors


class WordingForm(Form):
    """One event's wording on one channel; "Xem trước" previews, "Lưu" stores."""

    subject = text(200)
    body = TextAreaField(filters=[cleaned(1000)])
    zns = text(40)
    xem_truoc = YesNoField()
    mac_dinh = YesNoField()

    def __init__(self, event: str, channel: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.event, self.channel = event, channel

    def messages(self) -> dict[str, str]:
        return {f.name: f.errors[0] for f in self if f.errors}

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if self.mac_dinh.data:
            return True
        if self.channel == messages.ZALO:
            if self.zns.data and not self.zns.data.isalnum():
                self.zns.errors.append(gettext("Mã mẫu ZNS chỉ gồm chữ và số, ví dụ: 231456"))
            return not self.messages()
        if not self.body.data:
            self.body.errors.append(gettext("Nhập nội dung tin."))
        if self.channel == messages.EMAIL and not self.subject.data:
            self.subject.errors.append(gettext("Nhập tiêu đề thư."))
        for field in (self.subject, self.body):
            unknown = messages.unknown_placeholders(field.data or "", self.event)
            if unknown:
                field.errors.append(gettext(
                    "Không có ô «%(names)s» cho loại thông báo này. Dùng các ô được liệt kê "
                    "bên dưới.", names=", ".join(unknown)))
        return not self.messages()

    def wording(self) -> messages.Wording:
        if self.channel == messages.ZALO:
            return messages.Wording(zns_template_id=self.zns.data or "")
        subject = self.subject.data or "" if self.channel == messages.EMAIL else ""
        return messages.Wording(subject=subject, body=self.body.data or "")


class RetryForm(Form):
    """The one-button form "Gửi lại" (CSRF only)."""
