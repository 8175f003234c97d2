"""The posted forms of ratings and feedback; each refusal is a Vietnamese message on its field.

Field names are the ones the pages post (``muc`` the overall answer, the indicator column
names, ``y_kien`` the comment, ``ma``/``so_cuoi`` at the kiosk, ``noi_dung`` feedback,
``tra_loi`` a leader's answer). CSRF is Flask-WTF's CSRFProtect's (every POST; the views
that a secret link authorises are exempted there, see ``views``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext
from wtforms import Field, StringField, TextAreaField, ValidationError
from wtforms.validators import StopValidation

from ..domain import ratings as rules
from ..domain.numbers import validate_phone
from ..domain.text import clean
from ..domain.validators import validate_email
from ..forms import Form, YesNoField


class ScoreField(Field):
    """2, 1 or 0 from a button or a radio; None when absent (not answered)."""

    def __init__(self, *args, message=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.message = message or lazy_gettext("Vui lòng chọn một trong các mức đã cho.")
        self.invalid = False

    def process_formdata(self, valuelist):
        try:
            self.data = rules.parse_score(valuelist[0] if valuelist else None)
        except ValueError:
            self.data, self.invalid = None, True

    def pre_validate(self, form):
        if self.invalid:
            raise StopValidation(self.message)


class BaseForm(Form):
    class Meta:
        csrf = False  # CSRFProtect guards every POST; the pages render csrf_token() themselves


ONE_OF_THREE = lazy_gettext(
    "Vui lòng chạm vào một trong ba mức: Rất hài lòng, Hài lòng, Không hài lòng.")


class OverallForm(BaseForm):
    """The one-tap answer: one of the three big buttons."""

    muc = ScoreField(message=ONE_OF_THREE)

    def validate_muc(self, field):
        if field.data is None:
            raise ValidationError(ONE_OF_THREE)


class DetailsForm(OverallForm):
    """The overall answer again, the indicators (each optional) and a comment."""

    time_score = ScoreField()
    contacts_score = ScoreField()
    agencies_score = ScoreField()
    attitude_score = ScoreField()
    y_kien = TextAreaField(render_kw={"rows": "3", "maxlength": str(rules.MAX_TEXT),
                                      "autocomplete": "off"})

    def scores(self) -> dict[str, int | None]:
        return {i.name: self[i.name].data for i in rules.INDICATORS}

    def validate_y_kien(self, field):
        if len(field.data or "") > rules.MAX_TEXT:
            raise ValidationError(lazy_gettext(
                "Ý kiến dài quá %(n)d ký tự; vui lòng viết ngắn lại.", n=rules.MAX_TEXT))


class KioskForm(BaseForm):
    """At the exit: a dossier's code with the phone's last 4 digits, or a ticket's number."""

    ma = StringField(render_kw={"autocomplete": "off", "spellcheck": "false",
                                "maxlength": "60", "autocapitalize": "characters"})
    so_cuoi = StringField(render_kw={"autocomplete": "off", "inputmode": "numeric",
                                     "maxlength": "8", "class": "input-short",
                                     "pattern": "[0-9\\s]*"})

    def validate_ma(self, field):
        field.data = clean(field.data)[:60]
        if not field.data:
            raise ValidationError(lazy_gettext(
                "Nhập mã hồ sơ (ghi trên giấy tiếp nhận) hoặc số thứ tự (ví dụ: A-012)."))

    def validate_so_cuoi(self, field):
        raw = clean(field.data).replace(" ", "")
        if raw and not (len(raw) == 4 and raw.isdigit()):
            raise ValidationError(lazy_gettext(
                "Nhập đúng 4 chữ số cuối của số điện thoại đã khai, ví dụ: 5678."))
        field.data = raw or None


class KioskRateForm(OverallForm):
    """A tap at the kiosk, with the signed pass its look-up gave."""

    phieu = StringField()


class KioskDetailsForm(DetailsForm):
    phieu = StringField()


class FeedbackForm(BaseForm):
    """The citizen's feedback (phản ánh, kiến nghị) on a dossier, and optionally a phone or
    email for the answer, kept only with the box ticked that consents to keeping it."""

    noi_dung = TextAreaField(render_kw={"rows": "5", "maxlength": str(rules.MAX_TEXT),
                                        "autocomplete": "off"})
    lien_he = StringField(render_kw={"maxlength": "200", "autocomplete": "off",
                                     "spellcheck": "false", "class": "input-id"})
    dong_y = YesNoField()

    def validate_noi_dung(self, field):
        text = (field.data or "").strip()
        if not text:
            raise ValidationError(lazy_gettext("Vui lòng viết nội dung phản ánh, kiến nghị."))
        if len(text) > rules.MAX_TEXT:
            raise ValidationError(lazy_gettext(
                "Nội dung dài quá %(n)d ký tự; vui lòng viết ngắn lại.", n=rules.MAX_TEXT))

    def validate_lien_he(self, field):
        field.data = clean(field.data)[:200]
        if field.data and self.contact() is None:
            raise ValidationError(lazy_gettext(
                "Nhập số điện thoại (ví dụ: 0912 345 678) hoặc thư điện tử (ví dụ: "
                "nguyenvanan@gmail.com), hoặc để trống."))

    def validate_dong_y(self, field):
        if self.lien_he.data and not field.data:
            raise ValidationError(lazy_gettext(
                "Đánh dấu đồng ý để cơ quan lưu số điện thoại hoặc thư điện tử này; nếu không "
                "muốn, hãy xóa ô liên hệ."))

    def contact(self) -> str | None:
        """The phone (as dialled) or email typed, None if it is neither, "" if empty."""
        raw = self.lien_he.data or ""
        if not raw:
            return ""
        if "@" in raw:
            email = validate_email(raw).value
            return email if isinstance(email, str) else None
        phone = validate_phone(raw).value
        return "0" + phone[3:] if isinstance(phone, str) else None


class AnswerForm(BaseForm):
    """A leader's answer to one feedback text."""

    tra_loi = TextAreaField(render_kw={"rows": "4", "maxlength": str(rules.MAX_TEXT),
                                       "autocomplete": "off"})

    def validate_tra_loi(self, field):
        text = (field.data or "").strip()
        if not text:
            raise ValidationError(lazy_gettext("Vui lòng viết nội dung trả lời."))
        if len(text) > rules.MAX_TEXT:
            raise ValidationError(lazy_gettext(
                "Nội dung dài quá %(n)d ký tự; vui lòng viết ngắn lại.", n=rules.MAX_TEXT))
