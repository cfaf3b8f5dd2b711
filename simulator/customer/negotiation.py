"""Weighing the trainee's offers (a part of :class:`simulator.policy.Policy`).

An offer is read as terms, checked against the persona's facts (:mod:`.offers` names what does
not fit), and accepted once trust allows, or answered with the customer's own round terms.
A read-back is compared with what was agreed, field by field.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import date, timedelta

from simulator.customer import offers
from simulator.customer.moves import Move, Plan
from simulator.customer.numbers import instalments
from simulator.persona import Archetype
from simulator.understand import Understanding
from simulator.understand.numbers import chinese_to_number
from simulator.understand.simplify import to_simplified
from simulator.understand.terms import PER_MONTH, READBACK_CHECK, READBACK_CLAIM, READBACK_CUE

__all__ = ["Negotiation"]

_ONE_OFF = re.compile(r"一次性|一次(还|结|付|交|拿)|一把|一回|一笔(还|结)清|全部|结清")
"""Words that make a sum a one-off payment, not an instalment."""
_CLIPPED_CHECK = re.compile(r"^(我|咱|咱们|再)?(对|核|复|过|念)(一)?(下|遍|个数|个账)\s*[:：，,]")
"""对下：/ 核下，/ 过一遍： — a veteran's clipped "let me check" before the terms."""
_CHANGE = re.compile(
    r"要不|不如|改成|改为|改一下|换成|换个|换一种|调成|调整|调到|调一下|或者|也可以|也行|还可以|再少|"
    r"再多|少一点|多一点|延长|缩短|拉长|放宽|如果.{0,12}(吃力|紧张|困难|有压力)|另外一个|另一个|"
    r"别的方案|其他方案|第二个方案|重新"
)
"""Words that offer other terms (要不改成… / 也可以分…): after an agreement, a change, not a check."""
_SETTLES = re.compile(
    r"就这么定|就这样|就按|按这个|提交|录入|录到|记好|记上|记下|备注|登记|那就是|最终|定了|"
    r"没问题|(对|是|好|行)(吧|吗|伐|不|哈|噢|哦)?[？?。！!～~\s]*$"
)
"""Words that settle terms said back (就这么定 / 我给您提交了 / …，对吧？), not put a new offer."""
_ASKS_YES = re.compile(
    r"(吧|吗|么|嘛|伐|对不对|行不行|是不是|对不|是不|要得不|行不|好不)[？?。！!～~\s]*$|[？?]\s*$"
)
"""A line that asks (a tag or a question mark): terms said back this way are put to them."""
_CONFIRM_TAG = re.compile(
    r"(对|对吧|对吗|对不对|对不|是吧|是吗|是这样吧|是这样吗|没错吧|没错|没问题吧|就这些|就这样"
    r"|准确|正确|无误|准确吗|正确吗|有误吗|对的吧)"
    r"[？?。！!～~\s]*$"
)
"""A tag that asks for a yes to what was said (对？/ 没错吧？), not consent to something new."""


_COUNT = re.compile(
    r"(分|共|一共|总共)?\s*([0-9]{1,2}|[一二两三四五六七八九十]{1,3})\s*(期|个月)(?!前|以前|之前|后|以后)"
)
_NOT_A_COUNT = re.compile(r"逾期|超过|已经|拖了|欠了")


def instalment_count(text: str) -> int | None:
    """The number of instalments said (分三个月 / 九期 / 分12期), not 一个月 (a month's payment).

    Read here as well as by ``understand``: a count said bare (``一个月两千三，九期``) is the
    count of the plan, and 一个月 before an amount is "per month", never one instalment.
    """
    best = None
    for m in _COUNT.finditer(to_simplified(text)):
        before = text[max(0, m.start() - 3) : m.start()]
        if _NOT_A_COUNT.search(before):
            continue
        if before[-1:] in ("百", "千", "万"):
            continue  # 一千二一个月: the tail of a sum, per month
        value = chinese_to_number(m.group(2))
        if value is None or value < 2 or value > 60:
            continue  # 一个月两千: per month
        if m.group(1) or m.group(3) == "期":
            return int(value)
        best = best or int(value)
    return best


class Negotiation:
    """Offers and read-backs; mixed into the policy, whose state, persona and mood it uses."""

    def _payable(self) -> int:
        debt = self.persona.brief.amount
        if self.facts.dispute and self.state.dispute_registered:
            debt -= self.facts.dispute.amount
        return debt

    def _instalments(self) -> tuple[int, int]:
        return instalments(self._payable(), self.facts.monthly_capacity, self.facts.max_months)

    def _terms(self, u: Understanding) -> Plan | None:
        """Read the agent's offer as a plan; None when it has no amount or count at all."""
        debt = self._payable()
        amount = max(u.amounts) if u.amounts else None
        months = instalment_count(u.text) or (u.months if u.months and u.months > 1 else None)
        if amount is None:
            if u.full_payment:
                amount = debt
            elif u.minimum_payment and self.persona.brief.minimum_payment:
                amount = self.persona.brief.minimum_payment
        if months:
            if amount is None:
                amount = math.ceil(debt / months)
            elif amount >= debt * 0.8 and not PER_MONTH.search(u.text):  # "一万二分12期": the total
                amount = math.ceil(amount / months)
        if amount is None:
            return None
        agreed = self.state.accepted or self.state.proposed
        if not months and agreed and agreed.months and PER_MONTH.search(to_simplified(u.text)):
            months = agreed.months  # 好，一千每月，12月2号头一笔: the agreed count, left unsaid
        return Plan(amount=amount, months=months, due_date=u.due_date, channel=u.channel)

    def _same_plan(self, u: Understanding) -> bool:
        terms = self._terms(u)
        accepted = self.state.accepted
        return bool(
            terms
            and accepted
            and terms.amount == accepted.amount
            and terms.months == accepted.months
            and not self._differs(terms, accepted)
        )

    @staticmethod
    def _differs(said: Plan, agreed: Plan) -> bool:
        """A term read back with another value than agreed (amount, months, date)."""
        if said.amount != agreed.amount:
            return True
        if said.months and agreed.months and said.months != agreed.months:
            return True
        if bool(said.months) != bool(agreed.months):
            return True  # instalments read back as a one-off sum, or the other way round
        return bool(said.due_date and agreed.due_date and said.due_date != agreed.due_date)

    def _readback_now(self) -> bool:
        """The call state saw a read-back in the line just heard."""
        rbs = self.call.readbacks
        return bool(rbs) and rbs[-1].answer is None and rbs[-1].agreement is not None

    def _consider_offer(self, u: Understanding) -> Move:
        terms = self._terms(u)
        evasive = self.persona.archetype == Archetype.evasive
        if terms is None or (evasive and not (terms.months or terms.due_date)):
            self._patience(-3)  # nothing concrete to say yes or no to
            return Move("vague_promise" if evasive else "filler")
        return self._decide_terms(terms)

    def _decide_terms(self, terms: Plan) -> Move:
        s, b, arch, f = self.state, self.persona.behaviour, self.persona.archetype, self.facts
        debt = self.persona.brief.amount
        if f.dispute and not s.dispute_registered:
            payable = debt - f.dispute.amount
            total = terms.amount * (terms.months or 1)
            if total > payable * 1.02:
                return self._fraud_pressed() or Move("dispute", objection="dispute")
        why = self._objection(terms)
        if why is None:  # affordable
            # People take their own numbers: an offer built on what they disclosed needs less trust.
            needed = b.trust_to_accept - (15 if "capacity" in s.revealed else 0)
            if s.trust >= needed and s.anger < 60:
                played = self._play_banks(terms)
                if played is not None:
                    return played
                s.accepted = self._with_default_date(terms)
                s.pushed = 0
                return Move("accept", plan=s.accepted)
            self._trust(2)  # they listened; not yet enough
            return Move("refuse")
        counter = self._counter(terms, why)
        s.pushed += 1
        self._patience(-6)
        if s.pushed >= 2:
            self._anger(6)
            complaint = self._complaint()
            if complaint is not None:
                return complaint
        if arch == Archetype.hardship and why == "full":
            s.proposed = counter  # 我12月5号之前先还八百: their terms, read back or taken up
            return Move("cannot_pay_full", plan=counter, objection=why)
        if s.trust < b.trust_to_reveal - 10 and arch != Archetype.cooperative:
            return Move("refuse", objection=why)
        s.revealed.add("capacity")
        s.proposed = counter
        return Move("counter", plan=counter, reveals=("capacity",), objection=why)

    @staticmethod
    def _reads_back(u: Understanding) -> bool:
        """The line is a read-back (跟您确认一下 / 我复述一遍 / 我记一下), not a new offer."""
        said = u.extra.get("normalized", u.text)
        clipped = _CLIPPED_CHECK.search(u.text.strip())
        return bool(READBACK_CUE.search(said) or READBACK_CHECK.search(said) or clipped)

    @staticmethod
    def _claims_agreed(u: Understanding) -> bool:
        """The line says the terms in it were agreed (照刚才咱俩说的，您是答应…)."""
        return bool(READBACK_CLAIM.search(u.extra.get("normalized", u.text)))

    def _puts_terms(self, u: Understanding) -> bool:
        """The line states terms and asks for a yes, as a check rather than a new offer."""
        if self._reads_back(u):
            return True
        settled = self.state.accepted or self.state.proposed
        if settled and _CONFIRM_TAG.search(u.text.strip()):
            return self._terms(u) is not None  # 12月1号前还一千五，对？ — terms named, checked
        asks = bool(_ASKS_YES.search(u.text.strip()))
        return asks and not u.has("offer_plan") and self._terms(u) is not None

    def _restates(self, u: Understanding) -> bool:
        """Terms said once terms are agreed, offering no change: the agreement said back.

        A collector who has heard a yes says the plan again to put it on record (好，一千每月，
        12月2号头一笔，就这么定 / 我现在把方案录到系统里：…), often with no cue and no question;
        the customer checks it term by term. A line that offers other terms (要不改成… / 如果
        您觉得吃力，也可以…) is a new offer and is weighed as one.
        """
        s = self.state
        if (s.accepted is None and s.proposed is None) or _CHANGE.search(u.text):
            return False
        if self._asked("capacity", "when_pay", "channel"):
            return False  # 12月2号那天您能确保一千到账吗？ asks; it does not say the plan back
        terms = self._terms(u)
        if terms is None:
            return False
        if s.accepted is not None:
            return True
        # Their own offer on the table: said back when it keeps a term of it and settles
        # (好，两千一每月，12月2号头一笔，就这么定); 每月两千五，分6期行吗？ is a new offer.
        own = s.proposed
        kept = (
            terms.amount == own.amount
            or (terms.months and terms.months == own.months)
            or (terms.due_date and terms.due_date == own.due_date)
        )
        settles = _SETTLES.search(u.text) or not _ASKS_YES.search(u.text.strip())
        # 11月29号前还五千四，要得不？ after their own 28号前五千四百六十一: their terms, misheard
        return bool((kept and settles) or self._near(terms, own))

    def _first_instalment(self, said: Plan, u: Understanding) -> bool:
        """``said`` is the first payment of the instalments agreed, not the plan read back wrong.

        12月2号那天您能确保一千到账吗？ after 每月一千，分六期，12月2号开始 asks about the first
        instalment; 12月2号前一次性还一千 (a one-off said as one) is a wrong read-back.
        """
        agreed = self.state.accepted
        if agreed is None or not agreed.months or said.months or said.amount != agreed.amount:
            return False
        if said.due_date is not None and said.due_date != agreed.due_date:
            return False
        return not _ONE_OFF.search(u.text)

    @staticmethod
    def _near(said: Plan, own: Plan) -> bool:
        """``said`` is the customer's own terms with a term or two slightly off: a read-back.

        The same kind of plan (instalments or one sum), the sum within 15 %, the count within
        6 months, the date within a week. A collector who means other terms says so (要不…).
        """
        if (
            bool(said.months) != bool(own.months)
            or abs(said.amount - own.amount) > own.amount * 0.15
        ):
            return False
        if said.months and own.months and abs(said.months - own.months) > 6:
            return False
        if said.due_date and own.due_date and abs((said.due_date - own.due_date).days) > 7:
            return False
        return True

    def _disclosed_lump(self, u: Understanding) -> Plan | None:
        """The one-off sum the customer said they could raise, when ``u`` reads back a one-off.

        Telling how much they can pay (先还一千五，以后每个月一千) puts the customer's own lump
        sum and its day on the table; a read-back of a one-off payment is checked against it
        (不对，我说的是11月30号之前先还一千五), not taken as a fresh offer. None before they
        said it, for instalments, or when they have no lump sum.
        """
        terms, f = self._terms(u), self.facts
        if terms is None or terms.months or not f.lump_sum or "capacity" not in self.state.revealed:
            return None
        return Plan(f.lump_sum, due_date=self._lump_date())  # as they said it: {lump_sum}

    def _readback_of_own_terms(self, u: Understanding) -> Move | None:
        """The trainee reads back the customer's own counter-offer: right, or corrected.

        None when the line states no terms (it is then weighed as usual).
        """
        s = self.state
        terms = self._terms(u)
        own = s.proposed
        # 我给您登记上了：……是这样吧？ / 好，两千一每月，12月2号头一笔，就这么定。
        asks = self._puts_terms(u) or u.has("summarize_confirm") or self._restates(u)
        if terms is None or own is None or not asks:
            return None
        if self._differs(terms, own) or (terms.channel and terms.channel in self.facts.no_channels):
            return Move("correct_readback", plan=own, objection="readback")
        if self._objection(terms) is not None:
            return None
        own = replace(
            own, due_date=own.due_date or terms.due_date, channel=terms.channel or own.channel
        )
        s.accepted = self._with_default_date(own)
        if not self._reads_back(u):
            return Move("accept", plan=s.accepted)  # 那就按您说的来……行吧？ takes their offer
        s.confirmed = True
        return Move("confirm", plan=s.accepted)

    def _objection(self, terms: Plan) -> str | None:
        """What does not fit the facts in these terms (None: they can keep them)."""
        return offers.objection(
            offers.Offer(terms.amount, terms.months, terms.due_date, terms.channel),
            self.facts,
            payable=self._payable(),
            lump_date=self._lump_date(),
            hardship=self.persona.archetype == Archetype.hardship,
        )

    def _with_default_date(self, terms: Plan) -> Plan:
        if terms.due_date or terms.months:
            return terms
        return replace(terms, due_date=self._lump_date())

    def _lump_date(self) -> date:
        return self.today + timedelta(days=max(self.facts.lump_sum_in_days, 1))

    def _counter(self, terms: Plan, why: str | None = None) -> Plan | None:
        """None if the terms are affordable, else the customer's counter-offer (round figures)."""
        why = why or self._objection(terms)
        if why is None:
            return None
        c = offers.counter(
            offers.Offer(terms.amount, terms.months, terms.due_date, terms.channel),
            self.facts,
            payable=self._payable(),
            lump_date=self._lump_date(),
            why=why,
        )
        # A counter on the sum or the count keeps the first date offered (12月2号前还第一笔).
        due = c.due_date or (terms.due_date if c.months and why != "soon" else None)
        return Plan(amount=c.amount, months=c.months, due_date=due, channel=c.channel)
