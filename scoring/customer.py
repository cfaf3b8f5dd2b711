"""What the customer's words tell the scorer: who answered, what they agreed to, how they feel.

``simulator.understand`` reads the trainee; the scorer also needs a few facts from the other
side of the call (a mother answering for her son, an agreement, a vague promise, a hardship, an
insult). These are small lexicons over folded text (see :mod:`scoring.text`), kept here so the
rubric stays about the trainee.
"""

from __future__ import annotations

import re

from scoring.text import Folded

__all__ = [
    "HARDSHIP_TOPICS",
    "agrees",
    "capacity_span",
    "confirms_identity",
    "disputes",
    "hardship_topics",
    "is_hostile",
    "is_third_party",
    "is_vague",
    "refuses",
]

_RELATION = (
    r"(妈妈|妈|母亲|老妈|爸爸|爸|父亲|老爸|老婆|妻子|媳妇|爱人|老公|丈夫|儿子|女儿|哥哥|姐姐|"
    r"弟弟|妹妹|同事|朋友|室友|邻居|家里人|亲戚|保姆|舅舅|姑姑|阿姨)"
)
_THIRD_PARTY = re.compile(
    rf"我是(他|她)的?{_RELATION}|(他|她)是我{_RELATION}|(他|她)(现在|人|今天)?不在|"
    rf"我不是(他|她|本人)|不是本人|打错了|没这个人|我替(他|她)接|(他|她)出去了|(他|她)上班去了"
)
_CONFIRM = re.compile(
    r"^(嗯|是|对|是的|对的|对我是|没错|我是|我就是|是我|本人|对对|嗯是|嗯对)|是我|我就是|本人|"
    r"后四位(是)?\d{4}|^\d{4}$"
)
_NOT_CONFIRM = re.compile(r"^(不是|不对|打错|你打错|谁|你是谁|什么事)|不是我|我不是")

_DISPUTE = re.compile(
    r"不是我(刷|消费|买|花)的?|我没(刷|消费|买)过|没(有)?这(笔|个)消费|盗刷|被盗|不认(这|那)笔|"
    r"我没有?(办|用)过|这笔(钱|账|消费)不对|(账单|金额)(有问题|不对)|乱扣|多扣"
)

HARDSHIP_TOPICS = {
    "job": r"失业|裁员|被裁|没(了)?工作|丢了工作|找工作|下岗|被开|降薪|工资|停工|欠薪|公司倒闭|倒闭|厂里",
    "health": r"住院|生病|病了|医院|手术|治疗|化疗|身体|病|检查|吃药|医药费|康复|受伤|骨折",
    "family": r"离婚|孩子|小孩|老人|父母|我妈|我爸|老公|老婆|去世|走了|葬|丧|照顾|上学|学费|家里",
    "money": r"房贷|车贷|欠了好多|好几张卡|周转|生意|亏|赔|被骗|没钱|还不起|拿不出|压力|负债|借不到",
    "feeling": r"压力|(?<!麻)烦|难受|崩溃|睡不着|焦虑|哭|没办法|扛不住|撑不住|绝望|累|着急|心里",
}
_HARDSHIP = {name: re.compile(pattern) for name, pattern in HARDSHIP_TOPICS.items()}

_HOSTILE = re.compile(
    r"滚|骗子|烦死|别(再)?打了|神经病|有病|你们这些|吸血|投诉你|去死|他妈|妈的|tmd|傻|闭嘴|"
    r"少废话|关你屁事|有完没完|不要脸|缺德|王八|混蛋|垃圾|催命|耍流氓|烦不烦|够了"
)

_AGREE = re.compile(
    r"^(好|行|可以|成|嗯|对|是的|没问题|ok|确认|同意)|好的|好吧|行吧|可以的|可以啊|没问题|同意|"
    r"就这么(定|办)|就这样|按(你|您)说的|那就这样|能做到|我会按时|一定(按时)?还|说到做到|记下了|确认"
)
_REFUSE = re.compile(
    r"不行|不可以|不能|不好|做不到|还不起|还不上|没钱|拿不出|不同意|不要|算了|不想|凭什么|"
    r"太多|太高|不够|不接受|办不到|没办法"
)
_COUNTER = re.compile(r"但是|不过|只能|最多|顶多|能不能|可不可以|行不行|少一点|少点")
_VAGUE = re.compile(
    r"尽量|有钱(就|再|了)|看情况|再说吧|再说|看看吧|争取|说不准|不一定|考虑(考虑|一下)|回头|"
    r"想想办法|等我有钱|试试看|到时候看"
)
_CAPACITY = re.compile(
    r"(每个?月|一个月|月)?(只能|最多|顶多|就能|能|可以|只够|勉强)(还|拿出|凑|出|付|给)?|"
    r"手(头|上|里)(只有|就|就有|有)|(能|可以)拿出"
)


def is_third_party(folded: Folded) -> bool:
    """The speaker says they are not the cardholder (我是他妈妈 / 他不在)."""
    return _THIRD_PARTY.search(folded.text) is not None


def confirms_identity(folded: Folded) -> bool:
    """The speaker confirms they are the person asked for (是我 / 对 / 后四位是1234)."""
    text = folded.text
    if _NOT_CONFIRM.search(text) or is_third_party(folded):
        return False
    return _CONFIRM.search(text) is not None


def disputes(folded: Folded) -> bool:
    """The customer says a charge is not theirs or is wrong."""
    return _DISPUTE.search(folded.text) is not None


def hardship_topics(folded: Folded) -> tuple[str, ...]:
    """Hardship topics the customer brings up (job, health, family, money, feeling)."""
    return tuple(name for name, regex in _HARDSHIP.items() if regex.search(folded.text))


def is_hostile(folded: Folded) -> bool:
    """The customer is insulting or openly angry."""
    return _HOSTILE.search(folded.text) is not None


def refuses(folded: Folded) -> bool:
    """The customer refuses or says they cannot."""
    return _REFUSE.search(folded.text) is not None


def is_vague(folded: Folded) -> bool:
    """A promise that is no plan: 我尽量 / 有钱就还 / 再说吧."""
    return _VAGUE.search(folded.text) is not None


def agrees(folded: Folded) -> bool:
    """A plain yes to what is on the table: no refusal, no counter-offer, no vague hedge."""
    text = folded.text
    if not _AGREE.search(text):
        return False
    return not (_REFUSE.search(text) or _VAGUE.search(text) or _COUNTER.search(text))


def capacity_span(folded: Folded) -> int | None:
    """Folded position after which the customer states what they can pay, or None."""
    match = _CAPACITY.search(folded.text)
    return match.end() if match else None
