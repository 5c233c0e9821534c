"""The output contract's invariants, checked on a shots.json and its source.

Shared by the end-to-end, golden and property tests.
"""

from __future__ import annotations

import json
from pathlib import Path

CONTRACT_SIZES = {"EWS", "WS", "FS", "MS", "MCU", "CU", "ECU", "INSERT"}
CONTRACT_FRAMINGS = {"single", "two-shot", "group", "OTS", "POV", "none"}
CONTRACT_ANGLES = {"eye-level", "high", "low", "dutch", "overhead", "worms-eye"}
CONTRACT_MOVES = {"static", "pan", "tilt", "dolly-in", "dolly-out", "truck", "pedestal",
                  "crane", "tracking", "handheld", "orbit", "zoom"}
TIMES = {"DAWN", "MORNING", "DAY", "AFTERNOON", "EVENING", "DUSK", "NIGHT",
         "CONTINUOUS", "LATER", None}


def body_paragraphs(board: dict, text: str) -> list[tuple[int, int]]:
    """Paragraph spans of the chapter body, found independently of novel2board:
    blank-line separated blocks inside the chapter, less headings and break markers."""
    import re
    start, end = board["chapter"]["start"], board["chapter"]["end"]
    spans = []
    pos = start
    for m in list(re.finditer(r"\n[ \t]*\n", text[start:end])) + [None]:
        block_end = start + m.start() if m else end
        block = text[pos:block_end]
        stripped = block.strip()
        if stripped and not re.fullmatch(r"(#.*|[\s*#~\-_=\u2042\u2022\u00b7]+|chapter.*)",
                                         stripped, re.IGNORECASE | re.DOTALL):
            lead = len(block) - len(block.lstrip())
            spans.append((pos + lead, pos + lead + len(stripped)))
        pos = start + m.end() if m else end
    return spans


def _union_covers(spans, start: int, end: int) -> bool:
    """Do the spans together cover start..end (shots may split a paragraph)?"""
    pos = start
    for a, b in sorted(spans):
        if a > pos:
            if a >= end:
                break
            continue
        pos = max(pos, b)
        if pos >= end:
            return True
    return pos >= end


def check_board(shots_json: Path | dict, source_text: str) -> dict:
    board = shots_json if isinstance(shots_json, dict) else \
        json.loads(Path(shots_json).read_text(encoding="utf-8"))
    assert board["schema_version"] == 1
    chapter = board["chapter"]
    assert 0 <= chapter["start"] < chapter["end"] <= len(source_text)

    # scenes: in order, not overlapping, covering every body paragraph
    scenes = board["scenes"]
    assert scenes, "a chapter has at least one scene"
    for a, b in zip(scenes, scenes[1:]):
        assert a["end"] <= b["start"], f"scenes {a['id']} and {b['id']} overlap"
    for s in scenes:
        assert s["time_of_day"] in TIMES
        assert s["setting"] in {"INT", "EXT", "INT/EXT", None}
    character_ids = {c["id"] for c in board["characters"]}
    for para_start, para_end in body_paragraphs(board, source_text):
        assert any(s["start"] <= para_start and para_end <= s["end"] for s in scenes), \
            f"paragraph at {para_start} is in no scene: {source_text[para_start:para_start + 60]!r}"
        covered = _union_covers([(sh["start"], sh["end"]) for sh in board["shots"]],
                                para_start, para_end)
        omitted = any(o["start"] <= para_start and para_end <= o["end"] and o["reason"]
                      for o in board.get("omitted", []))
        assert covered or omitted, f"paragraph at {para_start} in no shot and not omitted"

    # quotes: text is the source slice; each in exactly one shot
    in_shots: dict[str, int] = {}
    for shot in board["shots"]:
        for line in shot["dialogue"]:
            in_shots[line["quote"]] = in_shots.get(line["quote"], 0) + 1
    for q in board["quotes"]:
        assert source_text[q["start"]:q["end"]] == q["text"]
        assert in_shots.get(q["id"]) == 1, f"quote {q['id']} is in {in_shots.get(q['id'], 0)} shots"
        assert q["speaker"] is None or q["speaker"] in character_ids
    assert set(in_shots) == {q["id"] for q in board["quotes"]}

    # shots: fields from the contract's vocabularies, ids stable and ordered
    for shot in board["shots"]:
        assert shot["size"] in CONTRACT_SIZES
        assert shot["framing"] in CONTRACT_FRAMINGS
        assert shot["angle"] in CONTRACT_ANGLES
        assert shot["movement"] in CONTRACT_MOVES
        assert shot["id"] == f"{shot['scene']}.{shot['number']}"
        assert shot["duration_s"] > 0 and shot["lens_mm"] > 0 and shot["rule"]
        assert set(shot["subjects"]) <= character_ids
        assert chapter["start"] <= shot["start"] < shot["end"] <= chapter["end"]
    return board
