"""Reading agent episodes (trace records) for `rtlsmith export`: repair pairs and trace rows' steps."""

from __future__ import annotations

import json
from typing import Any

from rtlsmith.agent import prompts
from rtlsmith.task import Task

_FEEDBACK_MARK = "What the tools report:\n"


def repair_suffix(task: Task) -> str:
    """What `prompts.repair` puts after the feedback for this task (the answer instructions)."""
    text = prompts.repair(task.public, "", "\x00", 1)[-1].content
    return text[text.index("\x00") + 1 :]


def last_repair(records: list[dict[str, Any]], suffix: str) -> tuple[str, str, str] | None:
    """(failing design, feedback, failed check) of the episode's last REPAIR that wrote a design, when no
    model step wrote one after it (so the sample's final design is that repair's, mechanical fixes aside)."""
    current = ""
    failed_check = ""
    found: tuple[str, str, str] | None = None
    for rec in records:
        if rec.get("kind") != "step":
            continue
        state, code = rec.get("state"), rec.get("code")
        for v in rec.get("verdicts") or []:
            if isinstance(v, dict) and v.get("ok") is False:
                failed_check = str(v.get("check", ""))
        if state == "REPAIR" and rec.get("event") == "repaired" and code:
            feedback = feedback_of(rec.get("messages") or [], suffix)
            found = (current, feedback, failed_check or "public") if current and feedback else None
        elif state in ("DRAFT", "REPAIR") and code:
            found = None  # a later model design replaced the repaired one
        if code:
            current = str(code)
    return found


def feedback_of(messages: list[dict[str, Any]], suffix: str) -> str:
    """The tools' report quoted in a repair prompt (`prompts.repair`), without the answer instructions."""
    text = str(messages[-1].get("content", "")) if messages else ""
    at = text.rfind(_FEEDBACK_MARK)
    if at < 0:
        return ""  # a fresh-draft prompt, which quotes no design
    tail = text[at + len(_FEEDBACK_MARK) :]
    return (tail[: -len(suffix)] if suffix and tail.endswith(suffix) else tail).strip()


def first_json(records: list[dict[str, Any]], kind: str) -> str:
    found = next((rec for rec in records if rec.get("kind") == kind), {})
    return json.dumps(found, sort_keys=True, ensure_ascii=False)


def step(rec: dict[str, Any]) -> dict[str, Any]:
    """A trace step with fixed keys and types (tool records, whose shape varies, as JSON text)."""
    msgs = rec.get("messages") or []
    return {
        "seq": int(rec.get("seq") or 0),
        "state": str(rec.get("state") or ""),
        "event": str(rec.get("event") or ""),
        "next": str(rec.get("next") or ""),
        "model": str(rec.get("model") or ""),
        "messages": [{"role": str(m.get("role", "")), "content": str(m.get("content", ""))} for m in msgs],
        "response": str(rec.get("response") or ""),
        "code": str(rec.get("code") or ""),
        "note": str(rec.get("note") or ""),
        "prompt_tokens": int(rec.get("prompt_tokens") or 0),
        "completion_tokens": int(rec.get("completion_tokens") or 0),
        "wall_s": float(rec.get("wall_s") or 0.0),
        "tools_json": json.dumps(rec.get("tools") or [], ensure_ascii=False),
        "verdicts_json": json.dumps(rec.get("verdicts") or [], ensure_ascii=False),
        "fixes_json": json.dumps(rec.get("fixes") or [], ensure_ascii=False),
    }
