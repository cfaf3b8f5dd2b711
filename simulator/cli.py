"""The ``callsim`` command: a thin layer that parses, calls the library and prints.

Every user error (a broken persona file, an unknown id, an unreadable script) prints one line
naming what is wrong and exits non-zero, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from simulator import clock, labels
from simulator.call import Call
from simulator.engine import EngineError, build_renderer, build_understander
from simulator.persona import (
    ARCHETYPE_LABELS,
    LoadedPersona,
    check_paths,
    default_personas_dir,
    load_personas_report,
)
from simulator.storage import Store, StoreError

__all__ = ["main", "UserError"]

# Other packages add their commands through a ``register(subparsers)`` function.
PLUGINS = (
    "simulator.voice.cli",
    "scoring.cli",
    "simulator.accounts.users_cli",
    "simulator.understand.cli",
)


class UserError(Exception):
    """A problem the user can fix; printed as one line."""


def _personas(directory: str | None = None) -> tuple[dict[str, LoadedPersona], list[str]]:
    """The good personas, with each broken file's problems printed to stderr, one line each."""
    personas, problems = load_personas_report(directory)
    for line in problems:
        print(line, file=sys.stderr)
    return personas, problems


def find_persona(persona_id: str, directory: str | None = None) -> LoadedPersona:
    """The persona with that id, or a UserError: why its file is broken, or the known ids."""
    personas, problems = load_personas_report(directory)
    if persona_id not in personas:
        folder = Path(directory) if directory else default_personas_dir()
        own = [p for p in problems if p.startswith(f"{folder / persona_id}.yaml: ")]
        if own:
            raise UserError("\n".join(own))
        known = ", ".join(personas) or "(none)"
        raise UserError(f"unknown persona {persona_id!r} in {folder}; known: {known}")
    return personas[persona_id]


# --- personas -------------------------------------------------------------------------------------


def cmd_personas_list(args: argparse.Namespace) -> int:
    """List the personas that load; a broken file is named on stderr and the rest still listed."""
    personas, problems = _personas(args.dir)
    rows = [
        {
            "id": pid,
            "name": lp.persona.name,
            "archetype": str(lp.persona.archetype),
            "difficulty": lp.persona.difficulty,
        }
        for pid, lp in personas.items()
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            label = ARCHETYPE_LABELS[row["archetype"]]
            print(f"{row['id']:<28} {'★' * row['difficulty']:<5} {label:<6} {row['name']}")
    return 2 if problems and not personas else 0  # nothing to list: bad input, as for UserError


def cmd_personas_check(args: argparse.Namespace) -> int:
    """Validate persona files; print every problem."""
    paths = args.paths or [str(default_personas_dir())]
    problems = check_paths(paths)
    for line in problems:
        print(line)
    if problems:
        return 1
    print(f"ok: {', '.join(paths)}")
    return 0


def cmd_personas_preflight(args: argparse.Namespace) -> int:
    """Play a persona against the built-in agent styles; exit 1 when a result is alarming."""
    from simulator.preflight import TABLE_HEADERS, preflight, rows_table

    rows = preflight(find_persona(args.id, args.dir), tuple(range(args.seeds)))
    if args.json:
        print(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2))
    else:
        print(" | ".join(TABLE_HEADERS))
        for cells in rows_table(rows):
            print(" | ".join(str(c) for c in cells))
    return 1 if any(r.level == "alarm" for r in rows) else 0


# --- chat -----------------------------------------------------------------------------------------


def _parse_at(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise UserError(
            f"--at: not an ISO time: {value!r} (e.g. 2026-11-20T14:30:00+08:00)"
        ) from None


def _read_script(path: str) -> list[str]:
    try:
        return Path(path).read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise UserError(f"{path}: script file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read script: {exc}") from None


def cmd_chat(args: argparse.Namespace) -> int:
    """Talk to a simulated customer, interactively or from a script."""
    loaded = find_persona(args.persona, args.personas_dir)
    started_at = _parse_at(args.at)
    script = _read_script(args.script) if args.script else None
    store = Store(args.data_dir)
    try:
        renderer = build_renderer(loaded, seed=args.seed)
        understander = build_understander()
    except EngineError as exc:
        raise UserError(str(exc)) from None
    call = Call(
        loaded,
        seed=args.seed,
        started_at=started_at,
        store=store,
        renderer=renderer,
        understand_fn=understander,
    )
    quiet = args.json
    out = sys.stderr if quiet else sys.stdout

    def show(turn) -> None:
        if quiet and script is not None:
            return
        if script is not None and turn.idx > 0:  # echo the scripted line the reply answers
            print(f"您：{call.turns[turn.idx - 1].text}", file=out)
        who = "客户" if turn.speaker == "customer" else "您"
        print(f"{who}：{turn.text}", file=out)

    brief = loaded.persona.brief
    if script is None:
        print(
            f"【{loaded.persona.name}】尾号{brief.card_last4}，逾期{brief.days_overdue}天，"
            f"欠款{brief.amount}元。输入 /挂断 结束通话。",
            file=out,
        )
    show(call.open())
    if script is not None:
        for line in script:
            if call.ended:
                break
            show(call.say(line))
        call.hang_up("script_end")
    else:
        while not call.ended:
            try:
                line = input("您：")
            except EOFError:
                break
            if line.strip() in ("/挂断", "/quit", "/hangup"):
                break
            show(call.say(line))
        call.hang_up("agent_end")
    _after_call(call, store)
    if args.json:
        print(json.dumps(call.result(), ensure_ascii=False, indent=2))
    else:
        plan = call.plan_dict()
        print(f"—— 通话结束（{call.ended_by}）会话 {call.session_id}", file=out)
        if plan:
            print(f"还款计划：{json.dumps(plan, ensure_ascii=False)}", file=out)
    return 0


def _after_call(call: Call, store: Store) -> None:
    """Score a finished call when the scorer is installed; never lose the call over it."""
    try:
        from simulator.scoring_link import score_session
    except ImportError:
        return
    try:
        score_session(store, call.session_id)
    except Exception as exc:  # the call is stored; a scoring failure must not hide it
        print(f"warning: the call was saved but could not be scored: {exc}", file=sys.stderr)


# --- sessions ---------------------------------------------------------------------------------------


def cmd_sessions_list(args: argparse.Namespace) -> int:
    """List stored calls, newest first."""
    rows = Store(args.data_dir).sessions(user=args.user, limit=args.limit)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    names = _persona_names()
    for r in rows:
        score = "-" if r["overall"] is None else str(r["overall"])
        print(
            f"{r['id']}  {clock.shown(r['started_at'])}  {labels.user(r.get('user'))}  "
            f"{names.persona(r['persona'])}  {r['n_turns']} 句  {labels.ending(r['ended_by'])}  "
            f"分数 {score}"
        )
    return 0


def _persona_names() -> labels.Labels:
    """Customers' display names for a listing (a broken file leaves its id; nothing printed)."""
    personas, _ = load_personas_report(None)
    return labels.Labels(personas={pid: lp.persona.name for pid, lp in personas.items()})


def cmd_sessions_export(args: argparse.Namespace) -> int:
    """Print one call's transcript JSON."""
    try:
        data = Store(args.data_dir).transcript(args.id)
    except StoreError as exc:
        raise UserError(str(exc)) from None
    print(json.dumps(data, ensure_ascii=False, indent=2))
    return 0


def cmd_sessions_rescore(args: argparse.Namespace) -> int:
    """Rescore every ended call with a rubric; earlier scores are kept."""
    from simulator.scoring_link import rescore_all

    store = Store(args.data_dir)
    try:
        done = rescore_all(store, args.rubric)
    except Exception as exc:  # a broken rubric file names itself in the message
        raise UserError(str(exc)) from None
    names = labels.Labels.of_rubrics()
    for session_id, card in done:
        rubric = names.rubric_title(card["rubric"]["id"], card["rubric"]["version"])
        print(f"{session_id}  {card['overall']:>3}  {labels.verdict(card['passed'])}  {rubric}")
    print(f"rescored {len(done)} calls")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with plugin commands registered."""
    parser = argparse.ArgumentParser(prog="callsim", description="催收通话训练模拟器")
    parser.add_argument("--data-dir", help="where calls are stored (CALLSIM_DATA_DIR, ./data)")
    sub = parser.add_subparsers(dest="command", required=True)

    personas = sub.add_parser("personas", help="list and check persona files")
    psub = personas.add_subparsers(dest="personas_command", required=True)
    p = psub.add_parser("list", help="list the personas")
    p.add_argument("--json", action="store_true")
    p.add_argument("--dir", help="personas folder (CALLSIM_PERSONAS_DIR)")
    p.set_defaults(func=cmd_personas_list)
    p = psub.add_parser("check", help="validate persona files; print every problem")
    p.add_argument("paths", nargs="*")
    p.set_defaults(func=cmd_personas_check)
    p = psub.add_parser("preflight", help="play a persona against built-in agent styles (体检)")
    p.add_argument("id")
    p.add_argument("--seeds", type=int, default=1, help="how many seeds per style (default 1)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--dir", help="personas folder (CALLSIM_PERSONAS_DIR)")
    p.set_defaults(func=cmd_personas_preflight)

    p = sub.add_parser("chat", help="talk to a simulated customer")
    p.add_argument("--persona", required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--at", help="call time, ISO 8601 with offset")
    p.add_argument("--script", help="file with one agent line per line")
    p.add_argument("--json", action="store_true", help="print one JSON object when the call ends")
    p.add_argument("--personas-dir", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_chat)

    sessions = sub.add_parser("sessions", help="stored calls")
    ssub = sessions.add_subparsers(dest="sessions_command", required=True)
    p = ssub.add_parser("list", help="list stored calls")
    p.add_argument("--json", action="store_true")
    p.add_argument("--user")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_sessions_list)
    p = ssub.add_parser("export", help="print a call's transcript JSON")
    p.add_argument("id")
    p.set_defaults(func=cmd_sessions_export)
    p = ssub.add_parser("rescore", help="rescore stored calls, keeping the old scores")
    p.add_argument("--rubric", help="rubric id or path (default rubric otherwise)")
    p.set_defaults(func=cmd_sessions_rescore)

    for module_name in PLUGINS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        handler = getattr(args, "func", None) or args.handler
        return handler(args) or 0
    except (UserError, StoreError) as exc:  # a read-only or broken data folder: one line
        print(f"callsim: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `callsim sessions list | head`: the reader has what it wanted
        # Python would print a traceback flushing stdout at exit; point it at nothing instead
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
