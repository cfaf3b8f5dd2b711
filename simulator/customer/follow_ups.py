"""Elliptical follow-ups: a line that names only a topic, or nothing, and goes on with the call.

那渠道呢？ asks which channel; 最多呢？ / 具体呢？ ask the last question again; 大概几点？ asks
the call's time question (when he is back, or when they pay); 再早点呢？ pushes the last date;
还有别的原因吗？ asks another of the topic named; 您说的“月底”是几号？ quotes the customer's
own word and asks what it means. Used by :mod:`simulator.customer.questions`, on kinds.
"""

from __future__ import annotations

import re

__all__ = ["bare_kind", "follow_up_kinds", "is_bare", "time_kind"]

# An elliptical follow-up names only the topic (那渠道呢？/ 日子呢？/ 还有原因呢？): the kind is the
# topic's. One that names none (最多呢？/ 那具体呢？/ 然后呢？) goes on with the last question asked.
_ELLIPSIS = re.compile(
    r"^(?:那|那么|还有|然后|再就是|另外)?(?:您|你)?(?:的|这边)?(?P<topic>.{0,6}?)(?:呢|嘞|咧)(?:啊|呀)?$"
)
_TOPICS = (
    (
        "channel",
        r"渠道|方式|途径|办法|怎么还|咋还|用什么|用啥|用哪个|哪个平台|账户|账号"
        r"|微信|支付宝|手机银行|网银|柜台|银行卡|云闪付|现金|转账",
    ),
    (
        "when_pay",
        r"时间|日子|日期|哪天|几号|几点|什么时候|啥时候|几时|首期|第一期|第一笔|头一笔|最早|最快|最晚"
        r"|礼拜|星期|月底|月初|何时|何日|哪日|还款日|首付",
    ),
    (
        "capacity",
        r"金额|多少|每个?月|一个?月|月供|数目|钱数|最多|最少|上限|还款额|额度|几何|的数|个数|数字",
    ),
    ("why_late", r"原因|理由|缘故|为什么|为啥|怎么回事|咋回事"),
    ("id_digits", r"身份证|证件|后四位|尾号"),
    ("relation", r"关系"),
    ("when_back", r"回来|到家|下班|在家"),
    ("when_pay", r"早上|上午|中午|下午|晚上|白天|夜里|今天|明天|后天|周末|这周|下周|月底|月初"),
)
_TOPIC_RES = tuple((kind, re.compile(words)) for kind, words in _TOPICS)
_BARE_TOPIC = re.compile(r"^(?:那|那么|还有)?(?P<topic>.{1,4})$")
"""A topic said alone and asked (每月？/ 渠道？/ 日子？): read like 那…呢."""
_WHICH = re.compile(
    r"^(?:那|那么)?(?:最后|到底|究竟|最终)?(?:您|你)?(?:是)?(?:定|选|用|挑|要|打算用)?"
    r"(?:哪个|哪种|哪一个|哪样|哪一种)(?:呢|啊|呀|吧)?$"
    r"|^(?:那|那么)?(?:还有|有没有)(?:别的|其他|其它)(?:的)?(?:什么)?(?:办法|法子|选择)?(?:吗|没有|没|呢|不)?$"
)
"""那最后定哪个？/ 还有别的吗？: which of the things just asked about, or another of them."""
_ANOTHER = re.compile(
    r"^(?:嗯|那|那么)?(?:还有|有没有|还有没有)(?:别的|其他|其它)(?:的)?(?:什么)?(?P<topic>.{1,4}?)"
    r"(?:吗|没有|没|呢|不)?$"
)
"""还有别的原因吗？/ 有没有其他渠道？: another of the topic named."""
_FURTHER = re.compile(
    r"^(?:那)?(?:能不能|能|可以|还能)?(?:再)(?:往)?(?P<way>早|快|提前|前|晚|迟|后|多|少)(?:一)?(?:点|些)(?:儿)?"
    r"(?:吗|呢|吧|不)?$"
)
"""再早点呢？/ 能再多点吗？: the last time or sum asked, pushed further."""
_FOLLOW_UP_WORDS = re.compile(r"^(?:最多|最少|大概|具体|一般|平时|那个|这个|其他|别的|然后|还有)?$")


# A bare question word with its adverb (大概几点？/ 具体哪天？/ 最多多少？) asks what the call is on.
_BARE_WH = re.compile(
    r"^(?:那|那么)?(?:到底|究竟)?(?:大概|大约|差不多|估计|具体|一般|通常|平时|最晚|最迟|最早|最快|最多|最少)?(?:是|得|要|还得|还要)?"
    r"(?P<wh>几点钟?|几号|哪天|哪一天|哪两天|哪几天|什么时候|啥时候|几时|多久|多长时间|多少天|多少钱?|多少块)"
    r"(?:左右)?(?:能|会|才|可以)?(?P<back>到|到家|回|回来|来)?(?:呢|啊|呀)?$"
)
_TIME_KINDS = ("when_back", "when_pay")


_QUOTED = re.compile(
    r"^(?:那|那么)?(?:您|你)?(?:刚才|刚刚|刚)?(?:说|讲)?(?:的)?"
    r"[“\"'‘「『][^”\"'’」』]{1,10}[”\"'’」』](?:到底|具体|大概)?(?:是|指)?"
)
"""您说的“过阵子”是多久 / “月底”是几号: their own word quoted, then the question word."""


def is_bare(clause: str) -> bool:
    """The clause is a bare question word with its adverb (大概几点？/ 您说的“月底”是几号？)."""
    return _bare_match(clause) is not None


def _bare_match(clause: str) -> re.Match[str] | None:
    quoted = _QUOTED.match(clause)
    return _BARE_WH.match(clause[quoted.end() :] if quoted else clause)


def bare_kind(clause: str, previous: tuple[str, ...], third_party: bool) -> str | None:
    """A bare question word read as the call's question of its kind (time: back or pay)."""
    m = _bare_match(clause)
    if not m:
        return None
    if m.group("wh").startswith("多少"):
        return "capacity"
    if m.group("back"):  # 大概几点能到？/ 啥时候回？ — when he is back
        return "when_back"
    return time_kind(previous, third_party)


def time_kind(previous: tuple[str, ...], third_party: bool) -> str:
    """The call's time question: when he is back, or when they pay (the last one asked)."""
    before = [kind for kind in previous if kind in _TIME_KINDS]
    return before[0] if before else ("when_back" if third_party else "when_pay")


def follow_up_kinds(
    said: list[tuple[str, bool]], previous: tuple[str, ...], third_party: bool
) -> tuple[tuple[str, str], ...]:
    """``(kind, clause)`` for what an elliptical line asks (``said``: its clauses, asked or not).

    Read from the topic it names (那渠道呢？), or the call's last question (``previous``, its
    kinds: 最多呢？ asks again how much); empty when the line is not elliptical.
    """
    for clause, asked in said:
        kind = bare_kind(clause, previous, third_party)
        if kind:
            return ((kind, clause),)
        if _WHICH.match(clause) and previous:
            return tuple((k, clause) for k in previous)
        further = _FURTHER.match(clause)
        if further:  # 再早点呢 asks when again; 再多点 how much
            way = further.group("way")
            return (("capacity" if way in "多少" else time_kind(previous, third_party), clause),)
        another = _ANOTHER.match(clause)
        if another and not re.search(r"找|联系|连系", clause):  # 别的办法找他: how to reach him
            kind = _topic_kind(another.group("topic"), previous, third_party)
            if kind:
                return ((kind, clause),)
        m = _ELLIPSIS.match(clause) or (asked and _BARE_TOPIC.match(clause))
        if not m:
            continue
        kind = _topic_kind(m.group("topic"), previous, third_party)
        if kind:
            return ((kind, clause),)
        if _FOLLOW_UP_WORDS.match(m.group("topic")) and previous:
            return tuple((k, clause) for k in previous)
    return ()


def _topic_kind(topic: str, previous: tuple[str, ...], third_party: bool) -> str | None:
    """The kind of question a topic word names (最晚 after 他几点回来: when he is back)."""
    kind = next((k for k, words in _TOPIC_RES if words.search(topic)), None)
    return time_kind(previous, third_party) if kind in _TIME_KINDS else kind
