from dataclasses import dataclass

from simulator.coach import HINTS, hints


@dataclass
class T:
    speaker: str
    acts: tuple = ()
    state: dict | None = None
    move: str | None = None


def texts(turns, limit=5):
    return [h.text for h in hints(turns, limit=limit)]


OPEN = T("customer", move="opening", state={"anger": 20})


def test_no_hints_before_the_trainee_speaks():
    assert hints([OPEN]) == []


def test_missing_introduction_then_missing_verification():
    turns = [OPEN, T("agent", ("greeting",)), T("customer", move="ask_who", state={"anger": 20})]
    assert texts(turns) == [HINTS["introduce"]]
    turns += [T("agent", ("self_intro",)), T("customer", move="ack", state={"anger": 20})]
    assert texts(turns) == ["还未核实身份"]


def test_debt_said_before_verification():
    turns = [OPEN, T("agent", ("self_intro", "state_debt"))]
    assert HINTS["disclosed_early"] in texts(turns)


def test_hardship_wants_an_answer_until_empathy():
    base = [OPEN, T("agent", ("self_intro", "verify_identity")), T("customer", move="verify_ok")]
    base += [T("agent", ("ask_reason",)), T("customer", move="give_reason", state={"anger": 10})]
    assert "客户提到了困难，试着回应一下" in texts(base)
    later = [*base, T("agent", ("empathy",)), T("customer", move="soften", state={"anger": 5})]
    assert "客户提到了困难，试着回应一下" not in texts(later)


def test_violation_and_anger_come_first_and_limit_applies():
    turns = [OPEN, T("agent", ("threat",)), T("customer", move="angry", state={"anger": 85})]
    assert texts(turns, limit=2) == [HINTS["violation"], HINTS["angry"]]


def test_accepted_plan_asks_for_a_read_back():
    turns = [OPEN, T("agent", ("self_intro", "verify_identity", "offer_plan"))]
    turns += [T("customer", move="accept", state={"anger": 5})]
    assert texts(turns) == [HINTS["confirm"]]
