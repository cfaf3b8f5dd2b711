"""The same hardship in other words is the same empathy opportunity; specific answers earn (#12)."""

from __future__ import annotations

import pytest

from scoring import default_rubric, score
from simulator.understand.customer import understand_customer
from tests.fixtures.calls import criterion as crit
from tests.fixtures.calls import transcript as call

RUBRIC = default_rubric()
OPENING = (
    "C:喂？",
    "A:您好，我是招商银行信用卡中心的小孙。请问是郭亮先生本人吗？",
    "C:是我。",
    "A:您尾号3309的卡欠款八千，逾期一个月了，最近是遇到什么困难了吗？",
)


SAME_HARDSHIP = {
    "job": [
        "公司关门了，我现在在家待业。",
        "单位没活干，让我们回家等通知，只能打点短工。",
        "厂子效益不好，把我裁了。",
        "这半年收入少了一大半，活也不多。",
    ],
    "health": [
        "我前阵子出车祸，腿摔断了，一直卧床。",
        "查出来是肿瘤，正在做化疗。",
        "老毛病犯了，又得了场大病，药费花了不少。",
    ],
    "family": [
        "我爱人刚生了孩子，还在坐月子。",
        "儿子今年上大学，学费生活费一大笔。",
        "俺爹去世了，回老家办后事。",
    ],
    "money": [
        "手头紧，房租都快交不起了。",
        "之前投资失败，欠了一屁股债，实在凑不出来。",
        "家里开销太大，入不敷出。",
    ],
    "feeling": [
        "最近整夜失眠，心里发愁。",
        "我真是熬不下去了，天天头疼。",
        "压得我喘不过气，太累了。",
    ],
}


@pytest.mark.parametrize(
    ("topic", "line"), [(t, line) for t, lines in SAME_HARDSHIP.items() for line in lines]
)
def test_a_hardship_in_other_words_is_found_under_its_topic(topic, line):
    assert topic in understand_customer(line).topics


@pytest.mark.parametrize("line", ["没毛病，就这么办。", "好的好的。", "每个月一千二左右吧。"])
def test_plain_answers_are_no_hardship(line):
    assert understand_customer(line).topics == ()


def _card(disclosure: str, answer: str) -> dict:
    return score(
        call(
            *OPENING,
            "C:" + disclosure,
            "A:" + answer + "您每月大概能还多少？",
            "C:一千左右吧。",
            "A:好的，稍后给您发短信，再见。",
        ),
        RUBRIC,
    )


@pytest.mark.parametrize("pair", [(0, 1), (0, 2), (1, 3)])
def test_the_same_job_loss_in_other_words_scores_the_same(pair):
    answer = "收入少了这么多，确实不容易。"
    a, b = (_card(SAME_HARDSHIP["job"][i], answer) for i in pair)
    assert crit(a, "empathy_ack") is not None and crit(b, "empathy_ack") is not None
    assert crit(a, "empathy_ack")["points"] == crit(b, "empathy_ack")["points"]
    assert a["overall"] == b["overall"]


@pytest.mark.parametrize(
    ("disclosure", "answer"),
    [
        ("儿子今年上大学，学费生活费一大笔。", "孩子上大学开销确实大，能理解。"),
        ("我爱人刚生了孩子，还在坐月子。", "刚添了孩子，家里开销确实大。"),
        ("我前阵子出车祸，腿摔断了，一直卧床。", "出了车祸还卧床，身体要紧，实在不好过。"),
        ("手头紧，房租都快交不起了。", "房租压着，手头确实紧，换谁都着急。"),
    ],
)
def test_empathy_naming_the_customer_s_situation_earns_full_credit(disclosure, answer):
    ack = crit(_card(disclosure, answer), "empathy_ack")
    assert ack is not None and ack["passed"], ack


def test_no_answer_to_a_reworded_hardship_earns_nothing():
    ack = crit(_card("单位没活干，让我们回家等通知，只能打点短工。", ""), "empathy_ack")
    assert ack is not None and ack["points"] == 0
