"""How the customer reads a trainee's line before deciding (a part of the policy).

Whether a line only asks the call's questions (an offence only the example layer hears in it is
no offence), whether its numbers are terms put for a yes or no or only the debt stated beside an
open question, and whether 登记 notes terms down or registers the dispute.
"""

from __future__ import annotations

import re

from simulator.customer.questions import ask, clauses, is_question
from simulator.understand import Understanding

__all__ = ["DISPUTE_WORDS", "NOT_AGREED", "Reading", "announces_more", "closes"]

_CONNECTIVE = re.compile(r"(?:那|那么|好的?|行|嗯+|哦+|对了|另外|还有|请问|麻烦问一下|这样)")
_OPEN_WH = re.compile(r"多少|几|什么时候|啥时候|哪天|哪一天|怎么|什么|啥|哪|如何")
"""An open question (how much / when / how), not a yes or no to terms."""
DISPUTE_WORDS = re.compile(r"争议|盗刷|调查|异议|那笔|那几笔|交易|冻结|挂失|投诉|核查")
NOT_AGREED = frozenset({"refuse", "counter", "cannot_pay_full", "play_banks"})
"""Refusing terms read back as if agreed: the customer first says they never agreed to them."""


_FAREWELL = re.compile(
    r"再见|拜拜|再会|回见|(就|先)?不(多)?打扰|(那|就|先)(就)?(先)?这样(吧|了)?$|祝(您|你)|挂了"
    r"|有(任何|什么)?问题.{0,4}(联系|致电|打)|(回头|改天|下次)(再)?(联系|聊|说)|先挂"
)
"""Words that take leave: a line with these and nothing asked closes the call."""
_THANKS = re.compile(
    r"^(好的?|嗯|行|那)?(非常|十分)?(感谢|谢谢|多谢|辛苦)(您|你)?(的)?"
    r"(配合|接听|理解|支持|时间|耐心|了|啦|啊)*$"
)


_MORE_TO_COME = re.compile(
    r"稍等|等(我)?(一下|一会儿?|一尕会儿?|片刻|下)|(先)?别(挂|走)"
    r"|(我|这边)(先|现在|马上|这就)?(把[^，。？?]{0,12})?(往[^，。？?]{0,8})?"
    r"(录|登记|写|记|输|填|提交|备注|上传|录入)(进|入|到|上|一下|下)"
    r"|(再|最后)(跟|和|同)?(您|你|咱们?)?(最后)?(再)?(对|核对|确认|核|复核|过)(一)?(次|回|遍|下)"
    r"|还有(一|个|件|两)[^，。？?]{0,4}(事|点|个)|接下来|下面(我|再|跟)"
)
"""The agent says there is more to come: a step still to take (我录一下 / 最后再核对一次 /
稍等 / 还有件事). After an agreement such a line is waited for, not taken for goodbye."""


def announces_more(text: str) -> bool:
    """Whether the line says there is more to come (see :data:`_MORE_TO_COME`)."""
    return bool(_MORE_TO_COME.search(text))


_CHECKED = re.compile(
    r"对上了|对得上|(核对|核实|验证|确认|核验)(无误|通过|好了|完毕|完了|成功)|身份(没问题|确认了)"
)
"""A check done (对上了 / 核实通过): the thanks after it is for the check, not a goodbye."""


def closes(u: Understanding, asked: bool) -> bool:
    """The agent takes leave: thanks or goodbye with nothing asked and no new topic after it.

    感谢您的配合。请问您身份证后四位是多少？ thanks the customer and goes on; so does 谢谢您，
    我们再看一下还款的事 (a new topic), and 好，对上了，谢谢配合 (thanks for a check). 好的，谢谢您，
    再见 and a thank-you said alone close.
    """
    if not u.has("close") or asked or is_question(u.text):
        return False
    if any(_FAREWELL.search(clause) for clause, _ in clauses(u.text)):
        return True
    if any(_CHECKED.search(clause) for clause, _ in clauses(u.text)):
        return False  # 好，对上了，谢谢您配合: thanks for a check, and the call goes on
    rest = [
        c
        for c, _ in clauses(u.text)
        if len(c) > 2 and not _THANKS.fullmatch(c) and not _CONNECTIVE.fullmatch(c)
    ]
    light = {"close", "empathy", "apology", "listen", "greeting"}
    return not rest or all(a.name in light for a in u.acts)  # 后续我们会再联系您: still leave


class Reading:
    """Readings of the line the policy's decision rests on; mixed into the policy."""

    def _only_asks(self, u: Understanding) -> bool:
        """Every clause of the line is one of the questions found (or a word like 那 / 好的).

        你是不是傻，什么时候还钱？ has a clause of its own besides the question: not only asks.
        """
        quotes = [q.quote for q in self.question]
        if not quotes:
            return False
        for clause, _ in clauses(u.text):
            if len(clause) <= 2 or _CONNECTIVE.fullmatch(clause):
                continue
            if any(clause in q or q in clause for q in quotes):
                continue
            if not ask(clause + "？", model=False, names=(self.persona.brief.name,)):
                return False  # 微信？支付宝？ — each clause a question of its own
        return True

    def _offers(self, u: Understanding) -> bool:
        """An offer was read, and it is not 他今天还回来不？ (还 = still) asking about him."""
        about_him = self._asked("when_back", "is_in", "relation", "who_are_you", "leave_message")
        return u.has("offer_plan") and not (about_him and self._terms(u) is None)

    def _asks_openly(self, u: Understanding) -> bool:
        """How much / when / how is asked openly, and the line's numbers offer nothing.

        最长可以分二十四期，您一个月能还多少？ and 总共六千八百五，您打算用什么方式还？ ask; the
        count is what the bank allows and the sum what is owed. 月底前能先还上六百八十五吗？
        offers (a yes or no to terms).
        """
        open_kinds = ("capacity", "when_pay", "channel")
        asked = [q for q in self.question if q.kind in open_kinds and _OPEN_WH.search(q.quote)]
        if not asked:
            return False
        if u.full_payment:
            # 要是一次性结清，您最多能拿出多少？ asks how much at once; it offers nothing
            return not u.amounts and any(q.kind == "capacity" for q in asked)
        if not u.amounts:
            return True  # a count or a date the bank allows, and a question
        stated = max(u.amounts) >= self.persona.brief.amount * 0.95
        return stated and not (u.months and u.months > 1) and u.due_date is None

    def _bare_terms(self, u: Understanding, readback: bool) -> bool:
        """Terms put for a yes or no without a verb (每月一千四，三期，12月2号首期，行不行？).

        Not the debt stated, and not a line that asks how much, when or how (欠款一万二，一个月
        能还多少？): its sums are what is owed, and the question is answered.
        """
        if self._debt_only(u) or self._asked("capacity", "when_pay", "channel"):
            return False
        return readback or is_question(u.text)

    @staticmethod
    def _debt_only(u: Understanding) -> bool:
        """The line states the debt (欠款12600，这个数有没有问题？), not terms: no count of months."""
        return u.has("state_debt") and not (u.months and u.months > 1)

    def _terms_logged(self, u: Understanding) -> bool:
        """我给您登记上了：11月30号前还四千七: the terms noted down, not the dispute registered."""
        return self._terms(u) is not None and not DISPUTE_WORDS.search(u.text)
