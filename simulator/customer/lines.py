"""Plain lines for the situations a persona file may leave out (issue #13's answers).

A persona's own lines always win; these keep every persona able to answer a question in kind,
object to the right term and correct a read-back before its file has lines of its own. They are
ordinary spoken Simplified Chinese with the persona's slots, and carry no hidden fact a slot
does not put there on purpose.
"""

from __future__ import annotations

import re

__all__ = ["DEFAULT_LINES", "OBJECTION_WORDS", "calm_hangups", "objection_situation"]

DEFAULT_LINES: dict[str, tuple[str, ...]] = {
    "clarify": (
        "你是问我什么？说清楚点。",
        "你说的是哪个？我没明白你问的啥。",
        "你问的是哪件事？",
        "你是想问什么？你直说。",
    ),
    "confirm_name": ("对，我是{name}。什么事？", "是我，你哪位？", "嗯，是我，你说。"),
    "i_am_cardholder": (
        "我就是{name}，你找我什么事？",
        "{name}就是我啊。",
        "我就是本人，你说吧。",
        "没有别人，我就是{name}。",
        "你找的就是我，我就是{name}。",
    ),
    "third_party_who": (
        "我是他{relation}。你找他什么事？",
        "我是{cardholder}的{relation}，他现在不在。",
        "我？我是他{relation}。",
    ),
    "third_party_back": (
        "他{back_time}才回来。",
        "{back_time}吧，你那会儿再打。",
        "他现在不在，得{back_time}。",
    ),
    "third_party_not_me": (
        "我不是他本人，他的身份证号我可不知道。",
        "我又不是{cardholder}，这个你问他去。",
        "我不是他，他的证件号我不清楚，也不能随便说。",
    ),
    "give_when": (
        "{date}之前我能先还{amount}块。",
        "最快也得{date}，到时候能拿出{amount}块。",
        "一个月{amount}块，分{months}期，下个月就能开始。",
        "我算了算，下个月开始每个月{amount}块，{months}期。",
    ),
    "deflect_when": (
        "什么时候还我现在说不好，得看看。",
        "这个我一下定不了，过几天再说吧。",
        "你先别催，我得算算手头的钱。",
    ),
    "hold_offer": ("这个方案我不接受。", "这么安排我不同意。", "这个我不答应。"),
    "not_agreed": ("不对，这个我可没答应。", "不对不对，我没同意这个。", "你记错了，我没答应。"),
    "hold_own": (
        "数是我说的没错，可是这事没完。",
        "这个数是我提的，不过有话得先说清楚。",
        "是我说的，但是先别急着登记。",
    ),
    "busy_hangup": (
        "我这边还有事，先不说了，挂了啊。",
        "行了，今天先到这儿吧，我挂了。",
        "我现在真腾不出空来，回头再说吧。",
    ),
    "wait": ("嗯，你弄吧，我等着。", "好，你录吧。", "行，你对吧，我听着。", "嗯，不急，你弄。"),
    "not_agreed_yet": (
        "不对，刚才这个还没说定呢。",
        "不对，我之前可没答应过这个。",
        "你记错了，这个咱还没谈妥呢。",
    ),
    "vague_when": ("过两天吧。", "等月底看看吧。", "下个月吧，说不准。", "这几天吧。"),
    "guess_fits": (
        "{amount}的话，没问题。",
        "{amount}可以，这个我拿得出来。",
        "{amount}还行，能还上。",
    ),
    "guess_too_high": (
        "{amount}可拿不出来。",
        "{amount}太多了，我做不到。",
        "{amount}不行，太多了。",
    ),
    "vague_capacity": ("多少我现在说不好。", "能还多少得看情况。", "具体多少我心里也没数。"),
    "hold_capacity": ("能还多少我先不说。", "一个月多少，这个我现在不说。", "多少先不说。"),
    "hold_when_pay": ("哪天还我现在不说。", "什么时候还，先不说。", "日子我先不说。"),
    "hold_why_late": ("为什么没还我不想说。", "原因先不说。", "原因我不想说。"),
    "hold_channel": ("怎么还先不说。", "用什么还我现在不说。", "渠道的事先不说。"),
    "hold_amount_right": (
        "数对不对我先不说。",
        "金额的事先不说，查清楚再讲。",
        "认不认这个数，我现在不说。",
    ),
    "give_channel": (
        "我一般用{pay_channel}还。",
        "用{pay_channel}吧，我习惯这个。",
        "{pay_channel}就行。",
    ),
    "amount_ok": ("嗯，是{debt}块，这个数我知道。", "对，是这个数。", "数没错，我知道欠着呢。"),
    "correct_readback": (
        "不对，我说的是每个月{amount}，分{months}期。",
        "你记错了吧？是一个月{amount}，{months}期。",
        "不对不对，是{date}之前还{amount}块。",
        "不是这个，我说的是{date}前{amount}块。",
    ),
    "contradiction": (
        "你刚才不是说{earlier}吗？怎么又变了？",
        "哎，你刚才还说{earlier}，现在又这样？",
        "你们说话算不算数？刚才不是说{earlier}吗？",
    ),
    "demand_relief": (
        "我先说清楚，我要办停息挂账，按规定你们得给我个性化分期。",
        "别的先不谈，停息挂账你们给不给办？",
        "我咨询过了，你们必须给我协商还款，不办我不谈。",
    ),
    "cite_rules": (
        "你说的这些吓不住我，规定里写着可以协商个性化分期的。",
        "征信的事你别拿来压我，我懂规定。",
        "这些我都查过了，你们催收也得按规定来。",
    ),
    "threaten_complaint": (
        "你再这么说话，我马上打12378投诉你。",
        "你这是违规的，我记下了，再有一次我就去金融监管局投诉。",
        "你工号多少？再这样我直接投诉到监管部门。",
    ),
    "complaint_hangup": (
        "行，我现在就去投诉，你等着。",
        "不跟你说了，我这就打12378。",
        "我挂了，投诉电话我现在就打。",
    ),
    "didnt_hear": (
        "啊？你说什么？大点声，我听不清。",
        "你说慢点儿，我耳朵不好。",
        "什么？没听清，再说一遍。",
    ),
    "mishear_amount": (
        "啊？一个月{amount}？这么多我哪拿得出来！",
        "多少？{amount}？你这是要我老命啊。",
        "{date}之前还{amount}？我可没那么多钱。",
    ),
    "fraud_insist": (
        "那几笔是盗刷的！凭什么让我还？我要报警了。",
        "我说了不是我刷的，你还让我还这个钱？",
        "盗刷的钱我一分都不还，你们先去查。",
    ),
    "demand_freeze": (
        "卡先给我冻上，不然还会被刷，别的再说。",
        "你们先给我挂失冻结，我才放心谈还钱的事。",
        "卡还能用吗？先给我止付，再说别的。",
    ),
    "play_banks": (
        "我还欠着{other_banks}的，人家都给我分了{months}期，你们也得这样，一个月{amount}。",
        "{other_banks}都给我分{months}期了，你们就分{months}期吧，每个月{amount}块。",
        "跟你说实话，我好几家银行的卡都欠着，{months}期、每月{amount}，我才排得开。",
    ),
    "admit_cardholder": (
        "好吧……我就是{name}，刚才不好意思。",
        "行了行了，是我本人，我就是{name}。",
        "唉，不瞒你了，我就是{name}，你说吧。",
    ),
    "object_monthly": (
        "一个月这么多，我真拿不出来。",
        "每个月还这个数，我扛不住。",
        "月供太高了，我还不起。",
    ),
    "object_months": (
        "分那么多期不行，拖太久了。",
        "期数太长了，我不想背那么多年。",
        "分这么多期，我不干，太长了。",
    ),
    "object_lump": (
        "一次拿这么多，我凑不出来。",
        "一下子这么多钱，我手上真没有。",
        "一次性这个数不行。",
    ),
    "object_soon": (
        "那么快不行，钱还没到呢。",
        "这么急我凑不上，得再等几天。",
        "时间太赶了，钱还没到手。",
    ),
    "object_channel": (
        "那个我用不了，我不会弄。",
        "那个我没开通，用不了。",
        "那个我弄不来，换个办法吧。",
    ),
    "object_full": ("一次全还清？我做不到。", "全额我现在拿不出来。", "一下子全还上，不可能。"),
}
"""Lines for the situations of :data:`simulator.persona.ANSWER_SITUATIONS`."""

OBJECTION_WORDS = (
    r"这么多|太多|太高|那么多|拿不出|还不起|要我命|有点多|少点|少一点|数太|这个数|全还|全额"
    r"|一次还清|一下子|有点高|真没那么多"
)
"""Words with which a counter line gives an objection of its own (a reason about the sum)."""


def objection_situation(objection: str | None) -> str | None:
    """The situation whose line says this objection (``object_months``), if it has one."""
    if objection in ("monthly", "months", "lump", "soon", "channel", "full"):
        return f"object_{objection}"
    return None


_ANGRY_LEAVE = re.compile(r"投诉|态度|没法|不跟你|不谈|监管|举报|滚|烦死|有完没完|骚扰|骂|！")


def calm_hangups(hangups: list[str] | tuple[str, ...]) -> list[str]:
    """The persona's hang-up lines that leave without anger, for ``busy_hangup``.

    直播要开始了，挂了挂了 stays; a line threatening a complaint or cursing the call is left out.
    """
    return [line for line in hangups if not _ANGRY_LEAVE.search(line)]
