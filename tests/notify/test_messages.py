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
    text = messages.fold(messages.render(messages.default_wording(event, messages.SMS).body,
                                         messages.SAMPLE_VALUES))
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


@pytest.mark.parametrize("action,source,target,event", [
    ("receive", 1, 2, "received"), ("receive", 5, 2, "received"),
    ("request_supplement", 4, 5, "supplement"), ("resolve", 4, 9, "resolved"),
    ("approve", 4, 9, "resolved"),  # any way into "resolved"
    ("return_result", 9, 10, "returned"), ("reschedule", 4, 4, "rescheduled"),
    ("reject", 1, 3, None), ("withdraw", 1, 7, None), ("stop", 4, 8, None),
    ("submit", 0, 1, None), ("handover", 4, 4, None), ("start", 2, 4, None),
])
def test_which_history_rows_are_told(action, source, target, event):
    assert messages.event_of(action, source, target) == event
