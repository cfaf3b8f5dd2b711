"""Shapes of question the clause patterns miss, read by what they ask rather than their words.

A trainee often asks by putting a guess for a yes or no (一个月一千二应该拿得出来吧？ / 他明天
能回来吧？ / 发了工资就能还上吧？): the answer is the customer's own figure, date or channel, so
the kind is the guess's topic. A question may sit inside a statement or a request (我这边要核对
一下是不是您本人 / 您给我一个日子): an A-not-A, 是否 or "tell me" makes the clause ask. An
alternative that names a channel (手机上转还是去柜台) asks which channel, and 除了X还有别的吗
asks X's kind again. Used by :mod:`simulator.customer.questions`.
"""

from __future__ import annotations

import re

from simulator.understand.terms import CHANNEL, PER_MONTH

__all__ = ["embedded", "guesses"]

_A_NOT_A = re.compile(r"([^\W\d_不没])[不没]\1|(一致|准确|正确|属实|方便|清楚)不\2|是否")
"""An A-not-A (是不是 / 回不回来 / 有没有 / 方便不方便) asks, wherever it stands."""
_TELL_ME = re.compile(
    r"(跟|和|给|同)(我|咱们?)(说|讲|报|重复|复述|念)(说|讲|一声|一下|下)?|告诉我|(给|报|说|定)(我|咱们?)(一)?个"
    r"|(想|要|得)(问问|了解一下|了解下|知道一下|确认一下|核对一下|核实一下)"
    r"|(麻烦|请|劳驾)(您|你)?.{0,3}(说|讲|告诉|报|提出|提一下|给出)(一下|下)?"
    r"|(需要|得|要|想)(先)?(跟您|跟你)?(登记|记|填|录|写|了解|问)(一下|下)?"
)
_HEARD = re.compile(r"我(已经)?(知道|了解|清楚|明白)了")


def embedded(clause: str) -> bool:
    """The clause asks inside a statement or a request (是不是…本人 / 跟我说一声 / 给我个日子).

    An A-not-A (是不是 / 有没有 / 一致不一致), 是否, or a request to tell the trainee something.
    """
    if _HEARD.search(clause):
        return False
    return bool(_A_NOT_A.search(clause) or _TELL_ME.search(clause))


# A guess is put for a yes or no: a final particle, a tag, an A-not-A, or 就不能…吗.
_YES_NO = re.compile(
    r"(吗|吧|嘛|么|不|没|没有|对吧|是吧|行吧|没问题吧|没错吧)$|([^\W\d_不没])[不没]\2|可不可以"
    r"|行不行|能否|是否|难道|(看|觉得|认为)(呢|怎么样|如何)$"
)
_CHANNEL_WORDS = re.compile(
    CHANNEL.pattern
    + r"|手机上|手机里|在手机|网点|柜台|绑(了|的)?卡|银行卡|(去|上|到)银行|扫码|自动扣|app|渠道|方式"
    r"|线上|网上|线下"
)
_REACH = re.compile(r"联系|连系|找到|找他|找她")
"""有没有别的方式联系到他: how to reach the cardholder, not how to pay."""
_PAY = re.compile(r"还|交|转|存|打(过来|进来|钱)|处理|结清|付|办|拖")
_WHEN_WORDS = re.compile(
    r"工资|薪水|发薪|工钱|发钱|开支|退休金|奖金|货款|到账|今天|明天|后天|这周|本周|下周|周末|礼拜|星期"
    r"|月底|月初|月中|这个月|下个月|月\d*号|\d+号|[一二三四五六七八九十]+号|年前|年后|过几天|过两天"
    r"|周[一二三四五六日天]|明年|过年|过完年|年底|年初|节前|节后"
)
_DEADLINE = re.compile(rf"(?:{_WHEN_WORDS.pattern})(之前|以前|前|内|以内)")
"""下周之前没问题吧？: a deadline put for a yes or no asks when."""
_BACK = re.compile(r"(回|到)(来|家)|回得来|回不来|下班|下了班")
_IN_AT = re.compile(
    r"(今天|明天|后天|晚上|白天|中午|早上|上午|下午|周末|礼拜天|星期天|周[一二三四五六日天]|几点).{0,4}在家"
)
"""周末他总在家吧？: a guess at when he is in asks when he can be reached."""
_MONEY_BACK = re.compile(r"(钱|款|工资|退休金|资金)[^，]{0,2}回来")
"""货款回来就能还上吧: the money comes back, not the cardholder."""
_MESSAGE = re.compile(r"(让|叫|请)(他|她)|回(个)?电话?|打回来|提醒|转告|转达|带个?话")
"""他回来后让他回个电话: a message to pass on, not a question of when."""
_BACK_ALREADY = re.compile(r"(回来|到家|回家)了(没|吗|没有)$")
"""他到家了没: whether he is in now, not when he is back."""
_AMOUNT = re.compile(
    r"\d{3,}|[一两二三四五六七八九十]+(千|百|万)|[一两二三四五六七八九十]千[一二三四五六七八九]"
)
_CAN_AT_ALL = re.compile(r"得(上|起|出|了)")
"""还得上 / 还得起: whether they can at all, which is how much, not when."""
_DEBT = re.compile(r"金额|欠款|账单|数目|这个数|钱数")
"""这个金额没问题吧: whether the sum owed is right, not what they can pay."""
_ABLE = re.compile(
    r"没问题|拿得出|拿出来|拿得起|还得起|还得上|还得了|凑得出|凑得齐|能还|能拿|可以还|承受|负担|吃得消"
    r"|跟得上|够|应付|扛得住|受得了|撑得住|(压力|问题)不大|不难|不成问题|能保证|有的吧|总(归|该|能)?有"
    r"|至少(能)?有|有个|宽松|轻松|(好|容易)(一)?些|吃力|紧不紧"
)
_OTHER = re.compile(r"(还有|有没有|还能|还可以|能不能)(用)?(别的|其他|其它)|除了")
_OPEN = re.compile(r"多少|几|什么|啥|哪|怎么|如何")

# What a statement of need names (我这边要登记一个还款时间 / 麻烦说一下每月能拿出的金额).
_NEEDS = (
    ("when_pay", re.compile(r"(还款|还钱|付款|首期|头期)的?(时间|日期|日子)")),
    (
        "capacity",
        re.compile(
            r"(每个?月|每期)[^，]{0,6}(金额|数目|钱数)|(能|可以)(拿出|还|凑出|承受)的?(金额|数|钱)"
            r"|还款额|月供"
        ),
    ),
    ("channel", re.compile(r"(还款|付款|转账|交钱)的?(方式|渠道|途径)")),
    (
        "when_back",
        re.compile(r"(他|她)[^，]{0,8}(在家|回来|到家|接电话|联系)[^，]{0,3}(时间|钟点|点)"),
    ),
)


def _owed(clause: str, line: str) -> bool:
    """The sum is the debt (欠款两万零三百，您这边没问题吧？), not a sum a month."""
    return bool(_DEBT.search(clause) or (_DEBT.search(line) and not PER_MONTH.search(line)))


def _terms(clause: str, line: str) -> bool:
    """A sum in the line (terms read back or offered), or 还得上 (whether they can at all)."""
    return bool(_AMOUNT.search(line) or _CAN_AT_ALL.search(clause))


def guesses(clause: str, line: str, *, asked: bool) -> tuple[str, ...]:
    """The kinds a guess or an alternative in ``clause`` asks (``line``: the whole line).

    一个月一千二应该拿得出来吧 asks how much they can pay; 工资到了就能还上吧 when; 他今晚
    能到家吧 when he is back; 用支付宝还是不是方便点 / 手机上转还是去柜台 which channel;
    除了网银还有别的吗 the channel again.
    """
    yes_no = asked and _YES_NO.search(clause)
    alternative = re.search(r"还是", clause) and asked
    found: list[str] = []
    put = alternative or (yes_no and not _AMOUNT.search(line))  # not terms offered with it
    if _CHANNEL_WORDS.search(clause) and put and not _REACH.search(clause):
        found.append("channel")
    if _OTHER.search(clause) and _CHANNEL_WORDS.search(line) and asked and not _REACH.search(line):
        found.append("channel")  # 除了手机银行，还有别的办法吗
    if asked:
        found += [kind for kind, words in _NEEDS if words.search(clause)]
    back = _BACK.search(clause) and not _MONEY_BACK.search(clause)
    if asked and back and clause.endswith("呢") and "不" in clause:  # 要是今天回不来呢
        found.append("when_back")
    if yes_no and not _OPEN.search(clause):
        if (back or _IN_AT.search(clause)) and not _BACK_ALREADY.search(clause):
            if not _MESSAGE.search(line):
                found.append("when_back")
        elif _WHEN_WORDS.search(line) and _PAY.search(clause) and not _terms(clause, line):
            found.append("when_pay")
        elif _DEADLINE.search(clause) and not _terms(clause, line):
            found.append("when_pay")
        elif _AMOUNT.search(line) and _ABLE.search(clause) and not _owed(clause, line):
            found.append("capacity")
    return tuple(dict.fromkeys(found))
