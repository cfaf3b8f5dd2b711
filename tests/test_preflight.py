"""Preflight (体检): shipped personas pass; a push-over customer is flagged; the CLI reports it."""

from __future__ import annotations

import io
import json
import shutil
import sys

import pytest
import yaml

from simulator.persona import load_personas, parse_persona
from simulator.preflight import STYLES, preflight, rows_table

from .conftest import PERSONAS_DIR

PERSONAS = load_personas(PERSONAS_DIR)


def push_over_text() -> str:
    """cooperative_wang made to accept anything: rich, trusting, unflappable."""
    d = yaml.safe_load((PERSONAS_DIR / "cooperative_wang.yaml").read_text(encoding="utf-8"))
    amount = d["brief"]["amount"]
    d["facts"].update(
        can_pay_full=True, lump_sum=amount * 10, lump_sum_in_days=0, monthly_capacity=amount * 10
    )
    d["behaviour"] = {"temper": 0.01, "hangup_anger": 100, "trust_to_accept": 0, "warmth": 3}
    d["start"] = {"anger": 0, "trust": 100, "patience": 100}
    return yaml.safe_dump(d, allow_unicode=True)


@pytest.mark.parametrize("pid", list(PERSONAS))
def test_every_shipped_persona_passes_its_preflight(pid):
    rows = preflight(PERSONAS[pid], seeds=(0, 1))
    assert len(rows) == len(STYLES) * 2
    assert [r for r in rows if r.level == "alarm"] == []
    hostile = [r for r in rows if r.style in ("abusive", "pushy", "silent")]
    assert not any(r.accepted or r.plan for r in hostile)


def test_a_push_over_customer_is_flagged():
    lp = parse_persona(push_over_text(), "personas/push_over.yaml")
    rows = preflight(lp)
    pushy = next(r for r in rows if r.style == "pushy")
    assert pushy.accepted and pushy.level == "alarm"
    cells = rows_table(rows)
    assert any(c[-1].startswith("异常") and c[0] == "强压全额" for c in cells)


def test_preflight_stores_nothing(store):
    preflight(PERSONAS["hostile_zhang"])
    assert store.sessions() == []


def _run(argv):
    from simulator.cli import main as run

    out, err = io.StringIO(), io.StringIO()
    old = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        return run(argv), out.getvalue(), err.getvalue()
    finally:
        sys.stdout, sys.stderr = old


def test_cli_preflight(tmp_path):
    code, out, _ = _run(["personas", "preflight", "hostile_zhang", "--dir", str(PERSONAS_DIR)])
    assert code == 0 and "规范坐席" in out and "辱骂威胁" in out and "异常" not in out
    folder = tmp_path / "personas"
    folder.mkdir()
    shutil.copy(PERSONAS_DIR / "cooperative_wang.yaml", folder)
    (folder / "push_over.yaml").write_text(push_over_text(), encoding="utf-8")
    code, out, _ = _run(["personas", "preflight", "push_over", "--dir", str(folder), "--json"])
    assert code == 1
    assert any(r["level"] == "alarm" for r in json.loads(out))
    code, _, err = _run(["personas", "preflight", "nobody", "--dir", str(folder)])
    assert code == 2 and "unknown persona 'nobody'" in err
