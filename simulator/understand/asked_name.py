"""The person the trainee asked for by name, and a reply that says that person is away.

Whoever picks up a work or family phone often answers with the name just asked for:
``我找一下你们公司的孙伟`` / ``孙伟出去跑客户了`` — the one on the line is then not the cardholder,
though the reply never says 他 or 我不是. The customer rules cannot know the name; the call state
(:class:`simulator.callstate.CallTracker`) does, from the agent's turn before.
"""

from __future__ import annotations

import re

from simulator.understand.simplify import to_simplified

__all__ = ["asked_name", "says_away"]

_NAME = r"(?P<name>[\u4e00-\u9fff]{2,3}?)"
_ASKED = (
    # 我找一下（你们公司的）孙伟 / 麻烦找下王丽娟
    re.compile(
        r"找(一)?下?(你们|您们)?(公司|单位|店里|家|厂里)?(的)?"
        + _NAME
        + r"(?=[，,。？?！!\s]|先生|女士|$|在|吗|呢)"
    ),
    # 孙伟在吗 / 孙伟在不在 / 请问是孙伟（先生）吗
    re.compile(r"(^|[，,。？?！!\s]|请问|找)" + _NAME + r"(先生|女士)?(在吗|在不在|在家吗)"),
    re.compile(r"(请问|是)" + _NAME + r"(先生|女士|小姐)?(吗|本人|么|嘛)"),
)
_NOT_A_NAME = re.compile(r"^(一下|你们|您们|一个|这个|那个|本人|持卡人|机主|你|您|他|她|谁)")
_AWAY = re.compile(
    r"^.{0,4}(不在|没在|出去|出门|出差|开会|上班去|下班了|请假|休假|回老家|住院|外地|跑客户|送货|"
    r"还没来|没来|走了|刚走|外出|去外地|在路上)"
)
"""What is said of the one asked for, right after the name, when they are away."""


def asked_name(text: str) -> str | None:
    """The 2-3 character name the trainee asked for in ``text``, or ``None``.

    >>> asked_name("你好，我找一下你们公司的孙伟。")
    '孙伟'
    >>> asked_name("请问是王丽娟女士吗？")
    '王丽娟'
    """
    simple = to_simplified(text or "")
    for pattern in _ASKED:
        for m in pattern.finditer(simple):
            name = m.group("name")
            if not _NOT_A_NAME.match(name):
                return name
    return None


def says_away(name: str, reply: str) -> bool:
    """Whether ``reply`` says the person called ``name`` is away (``孙伟出去跑客户了``).

    The name must be followed within a few characters by a word of absence; ``我就是孙伟`` or
    ``孙伟是我`` are not.
    """
    simple = to_simplified(reply or "")
    at = simple.find(name)
    while at >= 0:
        if not simple[max(0, at - 2) : at].endswith(("是", "就是")) and _AWAY.match(
            simple[at + len(name) :]
        ):
            return True
        at = simple.find(name, at + 1)
    return False
