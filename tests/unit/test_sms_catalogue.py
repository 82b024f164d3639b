"""SMS texts come from the server's one message catalogue (chalicelib/i18n), as the API's
errors and the prints: one template per kind, its English in {% trans %}, the Chinese in
messages.po. The Chinese texts are the ones customers received before, word for word."""
from __future__ import annotations

import pytest

from chalicelib.notify.templates import TEMPLATE_DIR, render

CONTEXT = dict(sig="骏达大众", when="12月1日(周二)09:00", time="09:00", services="10000公里保养",
               services_short="10000公里保养", address="广州市天河区黄埔大道西100号", phone="020-88886666",
               reference="TSCC63Z7", link="https://x.cn/l/abc", plate="粤B12345", count=2, amount="780.00",
               reply_by="12月2日 18:00", delivered="12月1日", code="123456")

CHINESE = [   # (kind, additional, the text a customer named 王先生 receives)
    ('approval_request', True, '【骏达大众】王先生您好,您的爱车粤B12345检查发现2项增项,金额¥780.00,预计12月1日(周二)09:00交车。请逐项确认:https://x.cn/l/abc'),
    ('approval_request', False, '【骏达大众】王先生您好,您的爱车粤B12345的维修估价共2项,金额¥780.00,预计12月1日(周二)09:00交车。请逐项确认:https://x.cn/l/abc'),
    ('cancelled', False, '【骏达大众】您12月1日(周二)09:00的预约(单号TSCC63Z7)已取消。如需再约请致电020-88886666。'),
    ('complaint_ack', False, '【骏达大众】王先生您好,您的反馈(编号TSCC63Z7)我们已收到,非常抱歉给您带来不便。我们将在12月2日 18:00前联系您。电话020-88886666'),
    ('complaint_escalated', False, '【骏达大众】投诉TSCC63Z7已超时未解决,已升级给您,请今天在系统中处理。'),
    ('confirmation', False, '【骏达大众】王先生您好,已为您预约12月1日(周二)09:00到店10000公里保养,单号TSCC63Z7。地址:广州市天河区黄埔大道西100号。请准时到店。改约/取消 https://x.cn/l/abc'),
    ('order_link', False, '【骏达大众】王先生您好,您的爱车粤B12345的维修进度、报告与评价请点此查看:https://x.cn/l/abc 咨询电话020-88886666'),
    ('ready', False, '【骏达大众】王先生您好,您的爱车粤B12345已完成维修并通过质检,可以提车了。应付金额¥780.00。进度与报告:https://x.cn/l/abc 咨询电话020-88886666'),
    ('reminder_day', False, '【骏达大众】提醒:明天09:00到店10000公里保养,请准时。变更 https://x.cn/l/abc'),
    ('reminder_hour', False, '【骏达大众】提醒:您预约的09:00到店时间快到了,请准时。地址:广州市天河区黄埔大道西100号'),
    ('rescheduled', False, '【骏达大众】您的预约已改到12月1日(周二)09:00,单号TSCC63Z7。请准时到店。详情 https://x.cn/l/abc'),
    ('second_follow_up', False, '【骏达大众】王先生您好,粤B12345维修后已一周,车辆使用是否正常?如有任何问题请致电020-88886666或在此反馈:https://x.cn/l/abc'),
    ('survey', False, '【骏达大众】王先生您好,感谢您12月1日到店保养维修粤B12345。请为我们的服务态度、维修质量和及时性打分(1-5星):https://x.cn/l/abc'),
    ('verification_code', False, '【骏达大众】您的预约验证码为123456,10分钟内有效。如非本人操作,请忽略本短信。'),
]

OTHERS = [   # (kind, language, name, additional, text): no name, and English
    ('confirmation', 'zh-CN', '', False, '【骏达大众】您好,已为您预约12月1日(周二)09:00到店10000公里保养,单号TSCC63Z7。地址:广州市天河区黄埔大道西100号。请准时到店。改约/取消 https://x.cn/l/abc'),
    ('approval_request', 'zh-CN', '', True, '【骏达大众】您好,您的爱车粤B12345检查发现2项增项,金额¥780.00,预计12月1日(周二)09:00交车。请逐项确认:https://x.cn/l/abc'),
    ('survey', 'zh-CN', '', False, '【骏达大众】您好,感谢您12月1日到店保养维修粤B12345。请为我们的服务态度、维修质量和及时性打分(1-5星):https://x.cn/l/abc'),
    ('confirmation', 'en', '王先生', False, '[骏达大众] 王先生, you are booked for 10000公里保养 on 12月1日(周二)09:00, ref TSCC63Z7. Address: 广州市天河区黄埔大道西100号. Please be on time. Change/cancel: https://x.cn/l/abc'),
    ('confirmation', 'en', '', False, '[骏达大众] Hello, you are booked for 10000公里保养 on 12月1日(周二)09:00, ref TSCC63Z7. Address: 广州市天河区黄埔大道西100号. Please be on time. Change/cancel: https://x.cn/l/abc'),
    ('approval_request', 'en', '王先生', False, '[骏达大众] 王先生, the estimate (2 item(s)) for your car 粤B12345: CNY 780.00, ready 12月1日(周二)09:00. Please approve or decline each: https://x.cn/l/abc'),
    ('verification_code', 'en', '', False, '[骏达大众] Your booking code is 123456, valid for 10 minutes. If you did not ask for it, please ignore this SMS.'),
    ('cancelled', 'en', '', False, '[骏达大众] Your visit on 12月1日(周二)09:00 (ref TSCC63Z7) is cancelled. To book again call 020-88886666.'),
]


# care invitations (issue 15, part CORE): a service reminder has no 回T退订; marketing has it
# and an unsubscribe link; a campaign's own text sits inside its template
CARE_CONTEXT = dict(sig="骏达大众", when="3月1日", phone="020-88886666", link="https://x.cn/l/abc",
                    plate="粤B12345", unsubscribe="https://x.cn/l/out", text="冬季免费检测,12月20日前到店。")
CARE = [
    ('care_service', '【骏达大众】王先生您好,您的爱车粤B12345将于3月1日前后到期保养,点此预约到店时间,信息已为您填好:https://x.cn/l/abc'),
    ('care_first_free', '【骏达大众】王先生您好,您的新车粤B12345将于3月1日前后到期首保(首次免费保养),点此预约,信息已为您填好:https://x.cn/l/abc'),
    ('care_second_free', '【骏达大众】王先生您好,您的爱车粤B12345将于3月1日前后到期二保(第二次免费保养),点此预约,信息已为您填好:https://x.cn/l/abc'),
    ('care_lapsed', '【骏达大众】王先生您好,您的爱车粤B12345已有一段时间未回店,我们为您提供免费安全检查,点此预约:https://x.cn/l/abc'),
    ('care_anniversary', '【骏达大众】王先生您好,3月1日是您的爱车粤B12345的购车周年,我们为您送上免费检测一次,点此预约:https://x.cn/l/abc 回T退订 https://x.cn/l/out'),
    ('care_declined', '【骏达大众】王先生您好,您的爱车粤B12345上次到店时建议的维修项目尚未完成,点此预约:https://x.cn/l/abc'),
    ('care_recall', '【骏达大众】王先生您好,您的爱车粤B12345:冬季免费检测,12月20日前到店。 点此预约:https://x.cn/l/abc'),
    ('care_campaign', '【骏达大众】王先生您好,冬季免费检测,12月20日前到店。 预约:https://x.cn/l/abc 回T退订 https://x.cn/l/out'),
]


@pytest.mark.parametrize("kind, text", CARE)
def test_care_invitations(kind, text):
    assert render(kind, "zh-CN", name="王先生", **CARE_CONTEXT) == text
    assert ("回T退订" in text) == (kind in ("care_anniversary", "care_campaign"))


def test_a_recall_without_text_of_its_own():
    assert render("care_recall", "zh-CN", name="", **{**CARE_CONTEXT, "text": ""}) == (
        '【骏达大众】您好,您的爱车粤B12345在厂家服务活动范围内,免费检修,点此预约:https://x.cn/l/abc')


@pytest.mark.parametrize("kind, additional, text", CHINESE)
def test_the_chinese_sms_are_word_for_word_the_former_texts(kind, additional, text):
    assert render(kind, "zh-CN", name="王先生", additional=additional, **CONTEXT) == text


@pytest.mark.parametrize("kind, lang, name, additional, text", OTHERS)
def test_without_a_name_and_in_english(kind, lang, name, additional, text):
    assert render(kind, lang, name=name, additional=additional, **CONTEXT) == text


def test_one_template_per_kind_for_every_language():
    """No per-language copies: the languages differ only in the catalogue."""
    assert sorted(p.name for p in TEMPLATE_DIR.iterdir()) == sorted(
        f"{kind}.txt" for kind in {k for k, _a, _t in CHINESE} | {k for k, _t in CARE})
    for path in TEMPLATE_DIR.iterdir():
        assert "{% trans" in path.read_text() and not any(
            "\u4e00" <= ch <= "\u9fff" for ch in path.read_text()), path.name
