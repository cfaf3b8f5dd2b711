"""Customer understanding on wordings it was not written from: a fixed sample of paraphrases.

Every line here was written for this test, none is in the corpus' ``train`` split (checked
below), so the rules were not written from them and the example layer did not learn them.
Each act has a handful, in several registers (regional, traditional, ASR-like run-ons). A few
are still missed and are marked ``xfail(strict=True)``: when one starts passing, the mark must
go. The held-out corpus split is measured by ``bench/customer_understanding.py``, never here.
"""

from __future__ import annotations

import pytest

from simulator.understand.corpus import corpus_key, load_corpus
from simulator.understand.customer import customer_acts, understand_customer
from simulator.understand.customer_acts import CUSTOMER_ACTS
from simulator.understand.customer_examples import default_customer_model

SAMPLES = {
    "confirm_identity": ["嗯呐，本人就是，你讲。", "对头，就是我，有啥子事？", "是我，我就是陈志强。", "號碼是我的，我就是本人。", "我就是那个持卡的，说吧", "后四位零八一三，是我"],
    "refuse_identity": ["我的信息凭啥给你？", "身份证不能说，你们骗子多了去了", "先别问我是不是本人，你哪个单位的？", "這種資料我不會在電話裡講。", "不告诉你，有事直接说", "我不确认身份，你爱信不信"],
    "not_cardholder": ["我是他小姨子，他手机在我这", "不是本人，我是她同事", "你打错号码了吧，没这个人", "这是我老公的手机，我是他老婆", "我係佢阿哥", "我是他发小，不是他本人"],
    "cardholder_absent": ["他上夜班去了，白天在睡", "她回娘家了，过几天才回来", "他人在外地跑车，联系不上", "佢返咗乡下", "她在产房里呢，不方便", "他出差去深圳了，下礼拜回"],
    "agree": ["好的好的，就照这个办", "行吧，那就这么定了", "可以，按你说的来", "就这么着吧，没意见", "中，就这样", "好，你刚才说的我都同意"],
    "refuse": ["这个肯定不行", "我不答应，太多了", "办不到，你别说了", "我不接受，另想办法吧", "唔得，冇可能", "不干，这条件谁能同意"],
    "counter_offer": ["每个月五百，行的话我就办", "能不能缓到下个月二十号？", "分成三十期可以吗？", "先还一千，剩下的分期行不行", "免了违约金我就一次还清，可以不？"],
    "promise_to_pay": ["我明天中午前转两千过去", "礼拜三之前一定还一千", "今天下班我就还五百", "月底前我保证还清三千", "后天上午我把最低还款还了", "这周六我先还八百"],
    "vague_commitment": ["我尽量凑吧", "看情况，有了就还", "等我有钱再说", "我想想办法吧，说不准", "过些日子再看", "能还的时候我自然会还"],
    "state_capacity": ["我一个月就能拿出六百", "手上只有一千块钱", "每月最多还七百", "现在身上就三百多", "顶多一次还两千", "一个月挤一挤能有八百"],
    "state_reason": ["我被公司辞退了，一直没找到工作", "老婆生病住院，花光了积蓄", "做生意亏了本", "我出了车祸，躺了三个月", "工资被拖着没发"],
    "dispute": ["这笔消费我根本没刷过", "我早就还清了，你们查错了", "这个利息算得不对啊", "那个年费我没同意开通", "这钱不是我花的，是被盗刷", "账单金额有问题，多算了"],
    "correct": ["不是这个数，我说的是每月八百", "你听错了，是二十号", "不对，是十八期不是十二期", "我说的是下个月，不是这个月", "错了，是一千二不是一千", "不是月初，是月底"],
    "request_stop": ["别再给我打电话了", "以后不要打我家里", "别联系我同事了", "不要再打这个号了", "你们别老打我爸妈电话", "唔好再打俾我"],
    "hangup_intent": ["好了我挂了", "不聊了，拜拜", "先挂了，有事", "就这样吧，再见", "我挂了哈"],
    "ask_question": ["我还欠你们多少钱？", "你们是哪家银行？", "逾期了会怎么样？", "怎么还款，去哪还？", "最低还多少？"],
    "hostile": ["你们这帮吸血鬼", "滚，少来烦我", "你有病吧", "骗子，别打了", "你脑子进水了吧", "一群流氓"],
    "complain": ["我要投诉你们", "我已经在录音了", "我去银保监投诉", "再这样我报警", "我打12378告你们", "我要找你们领导投诉"],
}  # fmt: skip
"""Per act, lines that perform it (and may perform others too)."""

KNOWN_SHORT = {
    ("refuse", "不干，这条件谁能同意"): "a rhetorical 谁能同意 reads as agreement to the rules",
    ("state_capacity", "一个月挤一挤能有八百"): "capacity said without 最多/只/就",
    ("ask_question", "逾期了会怎么样？"): "the rules read 会怎么样 as a counter-offer",
}
"""Samples still missed, with why: marked xfail(strict=True) so a fix shows."""

CASES = [
    pytest.param(
        act,
        text,
        id=f"{act}-{i}",
        marks=[pytest.mark.xfail(strict=True, reason=KNOWN_SHORT[(act, text)])]
        if (act, text) in KNOWN_SHORT
        else [],
    )
    for act, texts in SAMPLES.items()
    for i, text in enumerate(texts)
]


def names(text: str, *, rules_only: bool = False) -> set[str]:
    return {a.name for a in customer_acts(text, rules_only=rules_only)}


def test_every_act_has_samples_and_none_is_a_train_line():
    assert set(SAMPLES) == set(CUSTOMER_ACTS)
    train = {corpus_key(e.text) for e in load_corpus("customer", "train")}
    inside = sum(corpus_key(t) in train for texts in SAMPLES.values() for t in texts)
    assert inside == 0, f"{inside} sample(s) are train lines: write new ones"


@pytest.mark.parametrize(("act", "text"), CASES)
def test_a_paraphrase_is_understood(act, text):
    assert act in names(text), sorted(names(text))


def test_the_example_layer_only_adds_to_the_rules():
    for texts in SAMPLES.values():
        for text in texts:
            assert names(text, rules_only=True) <= names(text), text


def test_the_example_layer_finds_what_the_rules_miss():
    found = {"rules": 0, "stack": 0}
    for act, texts in SAMPLES.items():
        for text in texts:
            found["rules"] += act in names(text, rules_only=True)
            found["stack"] += act in names(text)
    total = sum(len(t) for t in SAMPLES.values())
    assert found["stack"] >= found["rules"] + 5, (found, total)
    assert found["stack"] >= 0.9 * total, (found, total)


@pytest.mark.parametrize(
    "text",
    ["我尽量吧", "看情况吧", "有钱就还", "行吧，我尽量", "好的好的，我尽量想办法", "过些日子再看"],
)
def test_a_vague_commitment_is_never_agreement_or_a_promise(text):
    found = names(text)
    assert "vague_commitment" in found and not found & {"agree", "promise_to_pay"}, found


@pytest.mark.parametrize(
    "text", ["我是他发小，不是他本人", "我係佢阿哥", "俺是他二舅", "她在产房里呢，不方便"]
)
def test_someone_else_on_the_line_never_confirms_identity(text):
    u = understand_customer(text)
    assert u.has("not_cardholder") and not u.has("confirm_identity", "agree")


def test_an_act_added_by_examples_names_its_nearest_labelled_line():
    model = default_customer_model()
    u = understand_customer("她在产房里呢，不方便")
    act = next(a for a in u.acts if a.name == "cardholder_absent")
    assert act.source == "example" and act.example in model.train_text
    assert 0 < act.similarity <= 1 and act.probability >= model.high["cardholder_absent"]
    assert act.evidence.startswith("相似例句（相似度")


def test_not_the_cardholder_found_by_examples_alone_is_weak_without_a_relation():
    # 她在产房里呢 speaks of the cardholder in the third person: someone else answered, but
    # nobody said so outright, so a later verified identity still stands (see the call state)
    u = understand_customer("她在产房里呢，不方便")
    assert u.has("not_cardholder") and u.relation is None and u.third_party == "weak"
