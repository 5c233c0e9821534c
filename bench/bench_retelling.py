"""What the first-person retelling (novel2board/shots/thirdperson.py) costs.

    .venv/bin/python bench/bench_retelling.py ../shared/data/litbank/novels/36_the_war_of_the_worlds.txt

Every chapter is read, parsed, analysed and split into scenes once (untimed);
then the shots stage (`plan_chapter`) runs twice with the chapter's narrator
retold in the third person and twice with the retelling switched off, and
the second run of each is timed.  The machine is shared: run it more than
once before reading a difference of a few per cent.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from novel2board.analyse import analyse_chapter, load_nlp, parse_paragraphs  # noqa: E402
from novel2board.config import Config  # noqa: E402
from novel2board.pipeline import read_chapters  # noqa: E402
from novel2board.resources import load_data  # noqa: E402
from novel2board.scenes import SceneCues, split_scenes  # noqa: E402
from novel2board.shots import load_rules  # noqa: E402
from novel2board.shots.planner import PlanContext, plan_chapter  # noqa: E402


def timed_plan(chapter, docs, analysis, scenes, rules, config, retell: bool) -> float:
    ctx = PlanContext(chapter=chapter, analysis=analysis, docs=docs, rules=rules,
                      settings=config.planner)
    if not retell:
        ctx.__dict__["narrator"] = None     # the cached property, answered in advance
    start = time.perf_counter()
    plan_chapter(ctx, scenes)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("novel", type=Path)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    nlp, config = load_nlp(), Config()
    rules = load_rules(None, None, nlp)
    cues = SceneCues.from_data(load_data("scenes.yaml", None) or {})
    seconds = {True: 0.0, False: 0.0}
    chapters = read_chapters([args.novel])
    told_as_i = 0
    for _, chapter in chapters:
        docs = parse_paragraphs(chapter, nlp)
        analysis = analyse_chapter(chapter, docs, config)
        scenes = split_scenes(chapter, analysis, cues)
        told_as_i += any(c.narrator for c in analysis.characters)
        for retell in (True, False):
            timed_plan(chapter, docs, analysis, scenes, rules, config, retell)     # warm
            seconds[retell] += timed_plan(chapter, docs, analysis, scenes, rules, config, retell)
    on, off = seconds[True], seconds[False]
    print(f"{args.novel.name}: {len(chapters)} chapters, {told_as_i} told as \"I\"; "
          f"shots stage {on:.2f} s retold, {off:.2f} s not ({(on - off) / off * 100:+.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
