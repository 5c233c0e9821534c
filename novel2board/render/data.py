"""shots.json, shots.csv and prompts/<tool>.txt from a Board."""

from __future__ import annotations

import csv
import io
import json

from .. import __version__
from ..model import Board

SCHEMA_VERSION = 1


def board_to_dict(board: Board) -> dict:
    """The contract's shots.json, field for field (see docs/output-contract)."""
    a = board.analysis
    chapter = board.chapter
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": f"novel2board {__version__}",
        "source": {"path": board.source.path.as_posix(), "sha256": board.source.sha256,
                   "encoding": board.source.encoding},
        "chapter": {"number": chapter.number, "title": chapter.title,
                    "slug": chapter.slug, "start": chapter.start, "end": chapter.end},
        "characters": [
            {"id": c.id, "name": c.name, "aliases": list(c.aliases), "gender": c.gender,
             "mentions": c.mentions, "description": c.description, "look": c.look,
             "narrator": c.narrator}
            for c in a.characters],
        "locations": [
            {"id": loc.id, "name": loc.name, "aliases": list(loc.aliases),
             "setting": loc.setting, "description": loc.description}
            for loc in a.locations],
        "scenes": [
            {"id": s.id, "number": s.number, "heading": s.heading, "setting": s.setting,
             "location": s.location, "time_of_day": s.time_of_day,
             "characters": list(s.characters), "start": s.start, "end": s.end,
             "summary": s.summary, "cause": s.cause, "transition": s.transition_in,
             "duration_s": dict(board.totals.scene_runtime_s).get(s.id) if board.totals else None}
            for s in board.scenes],
        "quotes": [
            {"id": q.id, "start": q.start, "end": q.end, "text": q.text,
             "speaker": q.speaker, "sieve": q.sieve, "scene": _scene_of(board, q.start)}
            for q in a.quotes],
        "shots": [_shot(board, shot) for shot in board.shots],
        "omitted": [{"start": o.start, "end": o.end, "reason": o.reason}
                    for o in board.omitted],
        "totals": _totals(board),
        "warnings": list(board.warnings),
    }


def _scene_of(board: Board, pos: int) -> str | None:
    for scene in board.scenes:
        if scene.start <= pos < scene.end:
            return scene.id
    return None


def _shot(board: Board, shot) -> dict:
    p = board.prompts.get(shot.id)
    prompts = {}
    if p is not None:
        prompts = {"midjourney": list(p.midjourney), "flux": list(p.flux),
                   "sdxl": [{"prompt": s.prompt, "negative": s.negative} for s in p.sdxl],
                   "video": list(p.video), "kontext": list(p.kontext),
                   "variants": list(p.variant_names), "seeds": list(p.seeds),
                   **{name: list(items) for name, items in p.extra},
                   "video_clips": {tool: list(c) for tool, c in p.video_clips}}
    return {
        "id": shot.id, "scene": shot.scene, "number": shot.number, "size": shot.size,
        "framing": shot.framing, "angle": shot.angle, "movement": shot.movement,
        "lens_mm": shot.lens_mm, "subjects": list(shot.subjects),
        "screen": dict(shot.screen), "description": shot.description,
        "dialogue": [{"quote": d.quote, "speaker": d.speaker, "text": d.text,
                      "display": d.shown} for d in shot.dialogue],
        "duration_s": shot.duration_s, "start": shot.start, "end": shot.end,
        "rule": shot.rule, "flags": list(shot.flags), "notes": list(shot.notes),
        "transition": shot.transition,
        "subtext": list(shot.subtext), "vo": list(shot.vo),
        "state": _state(shot.state),
        "prompts": prompts,
    }


def _state(state) -> dict:
    return {"time_of_day": state.time_of_day, "light": state.light,
            "light_assumed": state.light_assumed, "weather": state.weather, "spot": state.spot,
            "postures": dict(state.postures), "holding": dict(state.holding)}


def _totals(board: Board) -> dict | None:
    t = board.totals
    if t is None:
        return None
    return {"runtime_s": t.runtime_s, "production_days": t.production_days,
            "seconds_per_day": t.seconds_per_day,
            "scenes": {sid: s for sid, s in t.scene_runtime_s}}


def to_json(board: Board) -> str:
    return json.dumps(board_to_dict(board), ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = ("shot", "scene", "heading", "size", "framing", "angle", "movement",
               "lens_mm", "subjects", "description", "dialogue", "duration_s",
               "rule", "flags", "start", "end", "midjourney", "flux", "sdxl",
               "sdxl_negative", "video")


def to_csv(board: Board) -> str:
    names = {c.id: c.name for c in board.analysis.characters}
    headings = {s.id: s.heading for s in board.scenes}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for shot in board.shots:
        p = board.prompts.get(shot.id)
        writer.writerow(map(spreadsheet_safe, [
            shot.id, shot.scene, headings.get(shot.scene, ""), shot.size, shot.framing,
            shot.angle, shot.movement, shot.lens_mm,
            "; ".join(names.get(s, s) for s in shot.subjects), shot.description,
            " / ".join(f"{names.get(d.speaker, 'UNKNOWN')}: {d.shown}"
                       for d in shot.dialogue if d.shown),
            shot.duration_s, shot.rule, "; ".join(shot.flags), shot.start, shot.end,
            p.midjourney[0] if p and p.midjourney else "",
            p.flux[0] if p and p.flux else "",
            p.sdxl[0].prompt if p and p.sdxl else "",
            p.sdxl[0].negative if p and p.sdxl else "",
            p.video[0] if p and p.video else ""]))
    return buf.getvalue()


# A cell starting with one of these is a formula to Excel and LibreOffice:
# `+cmd|...` or `=HYPERLINK(...)` from a chapter must stay text (OWASP's
# advice for CSV injection: a leading apostrophe).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


PROMPT_FILES = ("midjourney", "flux", "sdxl", "sdxl_negative", "video", "kontext")


def prompt_files(board: Board) -> dict[str, str]:
    """prompts/<tool>.txt: one prompt per line, shots in order, variants in order."""
    lines: dict[str, list[str]] = {name: [] for name in PROMPT_FILES}
    for shot in board.shots:
        p = board.prompts.get(shot.id)
        if p is None:
            continue
        lines["midjourney"].extend(p.midjourney)
        lines["flux"].extend(p.flux)
        lines["sdxl"].extend(s.prompt for s in p.sdxl)
        lines["sdxl_negative"].extend(s.negative for s in p.sdxl)
        lines["video"].extend(p.video)
        lines["kontext"].extend(p.kontext)
        for name, items in p.extra:     # video_<tool>.txt and the like
            lines.setdefault(name, []).extend(items)
    return {name: "".join(line + "\n" for line in items) for name, items in lines.items()}
