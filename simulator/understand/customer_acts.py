"""The customer's dialogue acts: what the person who answered the trainee's call does.

The scorer and the call state read these to know who is on the line, what was agreed, what the
customer can pay and why they are late. Labelled examples live in ``corpus/customer/``.
"""

from __future__ import annotations

__all__ = ["CUSTOMER_ACTS"]

CUSTOMER_ACTS = {
    "confirm_identity": "confirms being the cardholder asked for, or gives the ID digits (是我 / 对，我就是 / 后四位2046)",
    "refuse_identity": "will not confirm who they are or give ID digits yet (你先说你是哪里的 / 身份证号不能随便给你)",
    "not_cardholder": "says they are not the cardholder: wrong number, a relative, colleague or friend holding the phone (我是她表妹 / 你打错了)",
    "cardholder_absent": "says the cardholder is not available now, where they are or when they are back (他在开会 / 晚上七点以后在家)",
    "agree": "says yes to what is on the table or to a read-back (好的好的 / 行吧 / 就这么办 / 对，没错)",
    "refuse": "says no to an offer or a request (不行 / 这我做不到 / 我不同意)",
    "counter_offer": "proposes other terms: a different amount, count of months or date (能不能每月八百 / 分二十四期行不行)",
    "promise_to_pay": "commits on their own to a concrete amount and/or date (我明天先还五百 / 月底前还清)",
    "vague_commitment": "a promise with no terms (我尽量 / 看情况吧 / 有钱就还 / 过段时间再说)",
    "state_capacity": "says what they can pay (一个月最多拿得出一千 / 手上就三千块)",
    "state_reason": "says why they are late or in difficulty (失业了 / 住院了 / 忘了)",
    "dispute": "says a charge or the amount is not theirs or wrong (这笔不是我刷的 / 金额不对)",
    "correct": "says a read-back or a detail is wrong and gives the right one (不对，我说的是十二期)",
    "request_stop": "asks not to be called again or not to call family or work (以后别打了 / 别打我单位)",
    "hangup_intent": "says they are ending the call (我挂了 / 不说了啊)",
    "ask_question": "asks the agent something (你是哪里 / 一共欠多少 / 能不能减免)",
    "hostile": "insults or openly attacks the agent (骗子 / 你们有病吧 / 滚)",
    "complain": "threatens to complain to the bank, regulator or police, or says the call is recorded (我要投诉你 / 我录音了)",
}
