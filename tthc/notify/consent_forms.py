"""The consent forms outside the draft: a phone on a ticket's page, the desk's record of a
walk-in's consent, and the page where a citizen without a link stops the messages.

Each refusal is a Vietnamese message beside its field; what was typed comes back.
"""

from __future__ import annotations

from flask_babel import gettext
from wtforms import StringField

from ..domain.numbers import validate_phone
from ..domain.validators import validate_email
from ..forms import Form, YesNoField
from ..i18n import render_message
from .forms import cleaned
from .messages import EMAIL, PHONE_CHANNELS
from .consent import ConsentForm
from .tickets import mobile

PHONE_ATTRS = {"inputmode": "tel", "autocomplete": "tel", "maxlength": "20",
               "class": "input-phone"}
EMAIL_ATTRS = {"inputmode": "email", "autocomplete": "email", "maxlength": "200",
               "spellcheck": "false"}


class _Channels(ConsentForm):
    """The boxes of the channels the page offered (``tb_shown``), each unticked at first,
    with the messages beside the fields of the forms below."""

    def messages(self) -> dict[str, str]:
        return {f.name: f.errors[0] for f in self if f.errors}


class TicketPhoneForm(_Channels):
    """A waiting citizen's mobile number, to be told when the turn is near; or «Thôi»."""

    class Meta:
        # The ticket's page is public and holds no CSRF token: the ticket's secret link in
        # the path is this POST's authority (as the rating buttons on the same page).
        csrf = False

    so_dien_thoai = StringField(filters=[cleaned(40)], render_kw=PHONE_ATTRS)
    thoi = YesNoField()

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if self.thoi.data:
            return True
        if not self.so_dien_thoai.data:
            self.so_dien_thoai.errors.append(gettext(
                "Nhập số điện thoại di động để nhận tin, ví dụ: 0912 345 678."))
        elif mobile(self.so_dien_thoai.data) is None:
            result = validate_phone(self.so_dien_thoai.data)
            self.so_dien_thoai.errors.append(
                render_message(result.errors[0]) if result.errors else gettext(
                    "Tin nhắn chỉ gửi được đến số di động (10 chữ số, bắt đầu bằng 03, 05, "
                    "07, 08 hoặc 09)."))
        if self.shown() and not self.chosen():
            self[f"tb_{self.shown()[0]}"].errors.append(gettext(
                "Đánh dấu đồng ý nhận tin thì mới nhận được tin nhắn. Nếu không muốn nhận, "
                "không cần nhập số."))
        return not self.messages()

    def phone(self) -> str:
        return mobile(self.so_dien_thoai.data or "") or ""


class DeskConsentForm(_Channels):
    """At the desk: the channels a walk-in citizen agrees to, with the phone and email they
    give for them (prefilled from the dossier; only the consent stores them)."""

    so_dien_thoai = StringField(filters=[cleaned(40)], render_kw=PHONE_ATTRS)
    email = StringField(filters=[cleaned(200)], render_kw=EMAIL_ATTRS)

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        chosen = self.chosen()
        if chosen & PHONE_CHANNELS:
            if not self.so_dien_thoai.data:
                self.so_dien_thoai.errors.append(gettext(
                    "Nhập số điện thoại di động người dân cho để nhận tin nhắn SMS hoặc Zalo."))
            elif mobile(self.so_dien_thoai.data) is None:
                self.so_dien_thoai.errors.append(gettext(
                    "Tin nhắn chỉ gửi được đến số di động (10 chữ số, bắt đầu bằng 03, 05, "
                    "07, 08 hoặc 09)."))
        if EMAIL in chosen:
            result = validate_email(self.email.data)
            if not self.email.data:
                self.email.errors.append(gettext(
                    "Nhập địa chỉ thư điện tử người dân cho để nhận thư."))
            elif result.errors:
                self.email.errors.append(render_message(result.errors[0]))
        return not self.messages()

    def addresses(self) -> dict[str, str]:
        """The address each chosen channel is for."""
        found: dict[str, str] = {}
        phone = mobile(self.so_dien_thoai.data or "")
        if phone:
            found.update({c: phone for c in PHONE_CHANNELS})
        email = validate_email(self.email.data).value
        if isinstance(email, str):
            found[EMAIL] = email
        return found


class StopForm(Form):
    """A citizen without the dossier's link stops its messages: its code and the phone or
    email the messages go to."""

    ma = StringField(filters=[cleaned(60)], render_kw={
        "autocomplete": "off", "spellcheck": "false", "maxlength": "60",
        "autocapitalize": "characters"})
    nhan_tin = StringField(filters=[cleaned(200)], render_kw={
        "autocomplete": "off", "spellcheck": "false", "maxlength": "200"})

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if not self.ma.data:
            self.ma.errors.append(gettext(
                "Nhập mã hồ sơ ghi trên giấy tiếp nhận hồ sơ."))
        if not self.nhan_tin.data:
            self.nhan_tin.errors.append(gettext(
                "Nhập số điện thoại hoặc thư điện tử đang nhận thông báo."))
        return not (self.ma.errors or self.nhan_tin.errors)

    def address(self) -> str:
        """The phone (as dialled) or the email typed, as consent rows store them."""
        raw = self.nhan_tin.data or ""
        if "@" in raw:
            email = validate_email(raw).value
            return email if isinstance(email, str) else raw
        return mobile(raw) or "".join(ch for ch in raw if ch.isdigit())
