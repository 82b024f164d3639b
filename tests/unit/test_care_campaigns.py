"""Campaign rules (营销活动 / 召回), no AWS: the form's validation (a text without links, a
segment with a selector, send times), schedule and cancel, the VIN sheet, the figures."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain import campaigns as cp
from chalicelib.domain.care import CAMPAIGN, RECALL
from chalicelib.domain.errors import Conflict, ValidationError

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)


def form(**changes):
    body = {"name": "春季保养节", "kind": "promotion", "text": "春季保养八折，欢迎预约",
            "segment": {"model": "Lavida", "last_visit_from": "2025-01-01",
                        "last_visit_to": "2025-12-31", "mileage_from": 10000,
                        "mileage_to": 60000},
            "send_at": "2026-03-05T10:00:00+08:00"}
    body.update(changes)
    return body


def problems(body):
    with pytest.raises(ValidationError) as exc:
        cp.parse(body, now=NOW, tz=TZ, by="manager")
    return exc.value.fields


def test_a_good_form_makes_a_draft_with_its_segment():
    c = cp.parse(form(), now=NOW, tz=TZ, by="manager")
    assert (c.status, c.kind, c.created_by, c.marketing) == ("draft", "promotion", "manager", True)
    assert c.segment.selectors == ("model", "last_visit")
    assert c.segment.mileage_from == 10000 and c.segment.last_visit_to == date(2025, 12, 31)
    assert c.send_at == datetime(2026, 3, 5, 10, 0, tzinfo=TZ)
    again = cp.Campaign.from_dict(c.to_dict(), version=3)
    assert again.to_dict() == c.to_dict() and again.version == 3


@pytest.mark.parametrize("text", [
    "详情见 http://x.cn", "戳 https://a.b", "www.vw.com 有惊喜", "打开 ://abc", "访问 faw-vw.com",
    "看 t.cn 预约", "全角 ｗｗｗ．ａｂｃ．ｃｎ", "ＡＢＣ．ＣＯＭ", "例子.中国 有礼", "到 1.2.3.4/x 领券"])
def test_a_text_with_anything_link_like_is_refused(text):
    assert "text" in problems(form(text=text))
    assert cp.has_link(text)


@pytest.mark.parametrize("text", ["春季保养八折。欢迎预约", "到店送 5.5 折工时券", "咨询 0755-88886666",
                                  "Spring service 20% off. Book now"])
def test_a_plain_text_with_digits_and_full_stops_is_kept(text):
    assert not cp.has_link(text)
    assert cp.parse(form(text=text), now=NOW, tz=TZ).text == text


def test_the_text_is_required_and_at_most_60_characters():
    assert "text" in problems(form(text=""))
    assert "text" in problems(form(text="字" * 61))
    assert cp.parse(form(text="字" * 60), now=NOW, tz=TZ).text == "字" * 60


def test_a_segment_needs_a_selector_and_mileage_alone_is_only_a_filter():
    assert "segment" in problems(form(segment={"mileage_from": 1000, "mileage_to": 5000}))
    assert "segment" in problems(form(segment={}))
    for segment, selector in (({"model": "速腾"}, "model"),
                              ({"last_visit_to": "2025-09-01"}, "last_visit"),
                              ({"due_kind": "lapsed"}, "due_kind")):
        assert cp.parse(form(segment=segment), now=NOW, tz=TZ).segment.selectors == (selector,)


def test_segment_ranges_and_choices_are_checked_field_by_field():
    fields = problems(form(segment={"model": "x", "last_visit_from": "2025-06-01",
                                    "last_visit_to": "2025-01-01", "mileage_from": 9000,
                                    "mileage_to": 100, "due_kind": "birthday",
                                    "due_within_days": 99, "recall": "yes"}))
    assert set(fields) == {"segment.last_visit_to", "segment.mileage_to", "segment.due_kind",
                           "segment.due_within_days", "segment.recall"}


def test_a_recall_goes_to_its_vin_list_and_only_service_kinds_may_use_one():
    assert "segment.recall" in problems(form(kind="recall", segment={"model": "x"}))
    assert "segment.recall" in problems(form(kind="promotion", segment={"recall": True}))
    recall = cp.parse(form(kind="recall", segment={"recall": True}), now=NOW, tz=TZ)
    assert recall.segment.selectors == ("recall",) and not recall.marketing
    assert cp.invitation_kind(recall.kind) == RECALL
    assert cp.invitation_kind("event") == CAMPAIGN == cp.invitation_kind("promotion")


def test_an_event_needs_its_day_and_is_announced_two_weeks_ahead_at_ten():
    assert "event_date" in problems(form(kind="event", send_at=None))
    event = cp.parse(form(kind="event", event_date="2026-04-20", send_at=None), now=NOW, tz=TZ)
    assert event.send_at == datetime(2026, 4, 6, 10, 0, tzinfo=TZ)
    soon = cp.parse(form(kind="event", event_date="2026-03-10", send_at=None), now=NOW, tz=TZ)
    assert soon.send_at == NOW                       # two weeks ahead has passed: now
    assert "send_at" in problems(form(kind="event", event_date="2026-03-10",
                                      send_at="2026-03-12T10:00:00+08:00"))


def test_send_at_is_from_now_to_180_days_with_an_offset():
    assert "send_at" in problems(form(send_at="2026-03-01T10:00:00+08:00"))
    assert "send_at" in problems(form(send_at=(NOW + timedelta(days=181)).isoformat()))
    assert "send_at" in problems(form(send_at="2026-03-05T10:00:00"))
    assert cp.parse(form(send_at=None), now=NOW, tz=TZ).send_at is None   # a draft may wait


def test_schedule_needs_a_send_time_and_cancel_ends_it_and_sent_ones_are_fixed():
    draft = cp.parse(form(send_at=None), now=NOW, tz=TZ)
    with pytest.raises(ValidationError) as exc:
        cp.schedule(draft, now=NOW, by="manager")
    assert set(exc.value.fields) == {"send_at"}
    scheduled = cp.schedule(cp.parse(form(), now=NOW, tz=TZ), now=NOW, by="manager")
    assert (scheduled.status, scheduled.scheduled_by) == ("scheduled", "manager")
    cancelled = cp.cancel(scheduled, now=NOW)
    assert cancelled.status == "cancelled"
    for status in ("cancelled", "sent"):
        with pytest.raises(Conflict) as exc:
            cp.cancel(cp.Campaign.from_dict({**cancelled.to_dict(), "status": status}), now=NOW)
        assert exc.value.code == "campaign_not_changeable"
    with pytest.raises(Conflict):
        cp.require_changeable(cp.Campaign.from_dict({**cancelled.to_dict(), "status": "sending"}))


def test_a_vin_sheet_keeps_good_vins_once_and_reports_invalid_cells_and_repeats():
    rows = [["车架号"], ["LSVAU2180N2183294"], ["lsvau2180n2183294"], ["LSVAU2180N218329"],
            ["LSVAU2180N218329O"], [None], [" LFV2A21K8N3051234 "], ["LFV2A21K8-N3051234"],
            [12345]]
    sheet = cp.read_vins(rows)
    assert sheet.vins == ("LSVAU2180N2183294", "LFV2A21K8N3051234")
    assert sheet.duplicates == ("LSVAU2180N2183294", "LFV2A21K8N3051234")
    assert sheet.invalid == ((4, "LSVAU2180N218329"), (5, "LSVAU2180N218329O"), (9, "12345"))
    assert sheet.rows == 7
    assert cp.read_vins([["LSVAU2180N2183294"]]).vins == ("LSVAU2180N2183294",)  # no header


def test_figures_give_revenue_in_yuan_and_rates_only_where_there_is_a_base():
    f = cp.figures({"sent": 40, "opened": 10, "booked": 4, "arrived": 3, "revenue_fen": 123456})
    assert (f["revenue"], f["open_rate"], f["booking_rate"], f["arrival_rate"]) == \
        ("1234.56", 25.0, 10.0, 75.0)
    empty = cp.figures({})
    assert (empty["sent"], empty["open_rate"], empty["revenue"]) == (0, None, "0.00")

