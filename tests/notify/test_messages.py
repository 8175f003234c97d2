"""The wording: placeholders rendered and checked, defaults valid, SMS folded and counted."""

from __future__ import annotations

import pytest

from tthc.notify import messages


@pytest.mark.parametrize("event", messages.EVENTS)
@pytest.mark.parametrize("channel", [messages.SMS, messages.EMAIL])
def test_every_default_uses_only_its_events_placeholders(event, channel):
    wording = messages.default_wording(event, channel)
    assert wording.body
    assert messages.unknown_placeholders(wording.subject + wording.body, event) == []
    rendered = messages.render(wording.body, messages.SAMPLE_VALUES)
    assert "{" not in rendered and "}" not in rendered


@pytest.mark.parametrize("event", messages.EVENTS)
def test_sms_defaults_fit_one_plain_sms_and_never_carry_a_secret_link(event):
    text = messages.render(messages.default_wording(event, messages.SMS).body,
                           messages.SAMPLE_VALUES)
    assert text.isascii() and messages.sms_parts(text) <= 2
    assert "/ho-so/" not in text


def test_render_puts_values_and_leaves_nothing_else_interpreted():
    assert messages.render("Hồ sơ {ma_ho_so}: {ma_ho_so.__class__} {x}",
                           {"ma_ho_so": "ABC"}) == "Hồ sơ ABC: {ma_ho_so.__class__} {x}"
    assert messages.unknown_placeholders("{ma_ho_so} {so_thu_tu} {0}", "received") == [
        "so_thu_tu", "0"]


def test_fold_and_parts():
    assert messages.fold("Đã tiếp nhận hồ sơ, hẹn ngày") == "Da tiep nhan ho so, hen ngay"
    assert messages.sms_parts("a" * 160) == 1 and messages.sms_parts("a" * 161) == 2
    assert messages.sms_parts("ấ" * 70) == 1 and messages.sms_parts("ấ" * 71) == 2


def test_zalo_has_no_default_template_id():
    assert messages.default_wording("received", messages.ZALO).zns_template_id == ""
