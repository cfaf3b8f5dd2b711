"""Barge-in: the trainee speaks over the customer, and the customer's line is cut where it was.

When speech starts while the customer's reply is playing, the page stops the player and sends
how far it had got (seconds played of the clip's seconds). What the customer had not yet said is
not counted as said: the stored turn keeps only the part played, ending in
:data:`INTERRUPTED_MARK`, and the rest is kept beside it in the turn's ``meta`` (``unsaid``),
out of the transcript the scorer reads. Where the cut falls is estimated from the playback time:
speech time is taken as proportional to the characters said, a clause break counting a little
less than a syllable (:func:`said_part`).

Not undone: what the customer's own understanding took from the whole line when it was decided
(the policy observes a reply as it is made).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from typing import Any

__all__ = ["INTERRUPTED_MARK", "FULLY_PLAYED", "cut_reply", "parse_played", "said_part"]

log = logging.getLogger(__name__)

INTERRUPTED_MARK = "——"
"""Ends a line the customer did not finish (the usual Chinese mark of speech broken off)."""
FULLY_PLAYED = 0.97
"""Played this share of the clip or more: the line was said (the clip ends in a little silence)."""
_PAUSE_WEIGHT = 0.6
_SPOKEN = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")
_PAUSE = re.compile(r"[，。！？、；：,.!?;:…—~～]")
_TRAILING = re.compile(r"[，。！？、；：,.!?;:…—~～\s]+$")


def _weight(char: str) -> float:
    if _SPOKEN.match(char):
        return 1.0
    if _PAUSE.match(char):
        return _PAUSE_WEIGHT
    return 0.0


def said_part(text: str, share: float) -> str:
    """The start of ``text`` said in the first ``share`` (0-1) of its audio.

    Rounded down to a whole character: a syllable half said is not counted as said. Trailing
    punctuation of the part is dropped (the line was broken off, not finished).
    """
    if share >= FULLY_PLAYED:
        return text
    weights = [_weight(c) for c in text]
    total = sum(weights)
    if total <= 0 or share <= 0:
        return ""
    budget, spent, cut = share * total, 0.0, 0
    for i, weight in enumerate(weights):
        if spent + weight > budget + 1e-9:
            break
        spent += weight
        cut = i + 1
    return _TRAILING.sub("", text[:cut])


def parse_played(payload: str | None) -> tuple[float, float] | None:
    """``(seconds played, seconds in the clip)`` from the page's JSON, or None if unusable."""
    try:
        data = json.loads(payload or "")
        played, duration = float(data["played"]), float(data["duration"])
    except (ValueError, TypeError, KeyError):
        return None
    if not (0 <= played and 0 < duration < 3600) or played != played:  # NaN, Infinity
        return None
    return min(played, duration), duration


def cut_reply(call: Any, store: Any, played: float, duration: float) -> Any | None:
    """Cut the call's last turn, a customer reply heard for ``played`` of ``duration`` seconds.

    Stores the cut turn (text: the part said and :data:`INTERRUPTED_MARK`; ``meta``:
    ``interrupted``, ``unsaid``, ``played_s``, ``duration_s``) and puts it in ``call.turns``.
    Returns the new turn, or None when there is nothing to cut: the last turn is the trainee's,
    it was cut already, or it had been played to its end.

    Raises:
        StoreWriteError: the database could not be written; the call's turns are unchanged.

    """
    if not call.turns:
        return None
    turn = call.turns[-1]
    if turn.speaker != "customer" or turn.meta.get("interrupted"):
        return None
    share = played / duration if duration > 0 else 1.0
    said = said_part(turn.text, share)
    if said == turn.text:
        return None
    meta = {
        **turn.meta,
        "interrupted": True,
        "unsaid": turn.text[len(said) :],
        "played_s": round(played, 2),
        "duration_s": round(duration, 2),
    }
    cut = replace(turn, text=said + INTERRUPTED_MARK, meta=meta)
    if store is not None and call.session_id:
        with store.write() as db:
            db["turns"].update(
                (call.session_id, turn.idx),
                {"text": cut.text, "meta": json.dumps(meta, ensure_ascii=False)},
            )
    call.turns[-1] = cut
    log.info("call %s: customer cut off after %.1f of %.1f s", call.session_id, played, duration)
    return cut
