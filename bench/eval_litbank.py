"""Score novel2board's reading against LitBank.

    python bench/eval_litbank.py ../shared/data/litbank [--only ID] [--limit N]
                                 [--errors FILE]

How the numbers are made honest
-------------------------------
LitBank's annotated excerpts are tokenised (one sentence a line, tokens
separated by spaces, quote marks split off).  The analyser never sees them.
It reads the real text instead: `original/<id>.txt`, cut after the paragraph
that holds the excerpt's last token, goes through the ordinary read stage
(`split_chapters`) and `analyse_chapter`, exactly as a user's file would.

To compare, every gold token is aligned to a character offset in that
original text: both sides are reduced to their non-whitespace characters and
walked in step; where they disagree (a `--` for an em dash, a dropped
underscore) the walk re-synchronises on the next 8 characters of the gold
side found within 400 characters of the original.  A gold span is then
[first char of its first token, last char of its last token + 1).

Metrics
-------
quotes     a predicted quote matches a gold quote when both spans, with
           whitespace, quote marks and dashes stripped from their ends,
           are identical (one-to-one).  Precision/recall/F1 over all texts.
           A looser "overlap" match (the shared part is at least half of
           the longer span) is printed too.
speakers   on matched quotes whose gold quote has a speaker: the predicted
           character is mapped to the gold entity that most of its name (or
           narrator "I") mentions overlap; correct if that is the gold
           speaker.  Unattributed quotes count as wrong.
aliases    pairwise over the gold PROP (proper-name) PER mentions of each
           text: a pair is gold-same if both belong to one gold entity,
           predicted-same if the analyser put both under one character.
           Precision/recall/F1 summed over all texts.
gender     each predicted character mapped (as for speakers) to a gold
           entity that the gold pronouns call "he" or "she" (one at least
           three times as often as the other): right, unknown or wrong.
places     predicted location mentions (Analysis.location_mentions, which
           analyse_chapter takes from novel2board.analyse.places.
           find_locations) against gold FAC/GPE/LOC mentions,
           a match being any overlap (one-to-one): "all" uses every gold
           place mention and every predicted one; "names" only gold PROP
           mentions and predicted mentions that contain a capitalised word
           other than the first.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from novel2board.analyse import analyse_chapter, load_nlp, parse_paragraphs  # noqa: E402
from novel2board.config import Config  # noqa: E402
from novel2board.model import Source  # noqa: E402
from novel2board.read import split_chapters  # noqa: E402

log = logging.getLogger("eval_litbank")

_SYNC = 8
_WINDOW = 400
_GENDERED = {**dict.fromkeys(("he", "him", "his", "himself"), "male"),
             **dict.fromkeys(("she", "her", "hers", "herself"), "female")}
_TRIM = " \t\n\"'\u201c\u201d\u2018\u2019-\u2014\u2013_.,;:!?"


# ------------------------------------------------------------------ gold
@dataclass
class Gold:
    name: str
    sentences: list[list[str]]
    offsets: dict = field(default_factory=dict)    # (sent, tok) -> (start, end)
    quotes: list = field(default_factory=list)     # (qid, start, end, speaker)
    mentions: list = field(default_factory=list)   # (start, end, type, prop, entity)
    text: str = ""                                 # the original text, cut


def read_tokens(path: Path) -> list[list[str]]:
    return [line.split(" ") if line else [] for line in
            path.read_text(encoding="utf-8").split("\n")]


def align(sentences: list[list[str]], original: str) -> tuple[dict, int]:
    """(sent, tok) -> (start, end) in `original`; and where the excerpt ends."""
    gold_chars: list[tuple[str, tuple[int, int]]] = []
    for s, toks in enumerate(sentences):
        for t, tok in enumerate(toks):
            for ch in tok:
                if not ch.isspace():
                    gold_chars.append((ch, (s, t)))
    orig_pos = [i for i, ch in enumerate(original) if not ch.isspace()]
    orig_chars = "".join(original[i] for i in orig_pos)
    gold_str = "".join(c for c, _ in gold_chars)
    where: dict[tuple[int, int], list[int]] = defaultdict(list)
    i = j = 0
    while i < len(gold_str) and j < len(orig_chars):
        if gold_str[i] == orig_chars[j]:
            where[gold_chars[i][1]].append(orig_pos[j])
            i += 1
            j += 1
            continue
        probe = gold_str[i:i + _SYNC]
        found = orig_chars.find(probe, j, j + _WINDOW)
        if found >= 0 and len(probe) == _SYNC:
            j = found
        else:
            i += 1          # a gold character with no counterpart: skip it
    offsets = {key: (min(v), max(v) + 1) for key, v in where.items()}
    end = max((e for _, e in offsets.values()), default=0)
    return offsets, end


def span_of(offsets, s1, t1, s2, t2) -> tuple[int, int] | None:
    """Character span of tokens (s1,t1)..(s2,t2) inclusive, skipping unaligned."""
    keys = [k for k in offsets if (s1, t1) <= k <= (s2, t2)]
    if not keys:
        return None
    return min(offsets[k][0] for k in keys), max(offsets[k][1] for k in keys)


def load_gold(root: Path, stem: str) -> Gold:
    sentences = read_tokens(root / "coref" / f"{stem}_brat.txt")
    original = (root / "original" / f"{stem}.txt").read_text(encoding="utf-8-sig")
    original = original.replace("\r\n", "\n").replace("\r", "\n")
    offsets, end = align(sentences, original)
    # Cut the text after the paragraph holding the excerpt's last token.
    para_end = original.find("\n\n", end)
    cut = original[:para_end if para_end >= 0 else len(original)]
    gold = Gold(stem, sentences, offsets, text=cut)

    attrib = {}
    quotes = []
    for line in (root / "quotations" / f"{stem}_brat.ann").read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if cols[0] == "QUOTE":
            quotes.append((cols[1], *map(int, cols[2:6])))
        elif cols[0] == "ATTRIB":
            attrib[cols[1]] = cols[2]
    for qid, s1, t1, s2, t2 in quotes:
        span = span_of(offsets, s1, t1, s2, t2)
        if span:
            gold.quotes.append((qid, span[0], span[1], attrib.get(qid)))

    mentions = {}
    entity_of = {}
    appositions = []
    for line in (root / "coref" / f"{stem}_brat.ann").read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if cols[0] == "MENTION":
            mentions[cols[1]] = (*map(int, cols[2:6]), cols[7], cols[8])
        elif cols[0] == "COREF":
            entity_of[cols[1]] = cols[2]
        elif cols[0] == "APPOS":
            appositions.append((cols[1], cols[2]))
    # "Master John Rolfe, my friend": an apposition shares its partner's entity.
    for a, b in appositions:
        if a not in entity_of and b in entity_of:
            entity_of[a] = entity_of[b]
        elif b not in entity_of and a in entity_of:
            entity_of[b] = entity_of[a]
    for tid, (s1, t1, s2, t2, kind, prop) in mentions.items():
        span = span_of(offsets, s1, t1, s2, t2)
        if span:
            gold.mentions.append((span[0], span[1], kind, prop, entity_of.get(tid, tid)))
    return gold


# ------------------------------------------------------------ prediction
@dataclass
class Predicted:
    quotes: list = field(default_factory=list)       # (start, end, speaker key, sieve)
    names: list = field(default_factory=list)        # (start, end, character key)
    places: list = field(default_factory=list)       # (start, end, text)
    genders: list = field(default_factory=list)      # (character key, gender), narrators left out
    seconds: float = 0.0


def predict(gold: Gold, nlp) -> Predicted:
    source = Source(path=Path(gold.name + ".txt"), text=gold.text, sha256="")
    pred = Predicted()
    began = time.perf_counter()
    for chapter in split_chapters(source):
        docs = parse_paragraphs(chapter, nlp)
        analysis = analyse_chapter(chapter, docs, Config())
        # Character ids are slugs of the name, the same in every chapter, as
        # the storyboard uses them; so they are not keyed by chapter.
        for q in analysis.quotes:
            pred.quotes.append((q.start, q.end, ("", q.speaker) if q.speaker else None,
                                q.sieve))
        for m in analysis.mentions:
            if m.kind in ("name", "narrator"):
                pred.names.append((m.start, m.end, ("", m.character)))
        for lm in analysis.location_mentions:
            pred.places.append((lm.start, lm.end, gold.text[lm.start:lm.end]))
        pred.genders += [(("", c.id), c.gender) for c in analysis.characters if not c.narrator]
    pred.seconds = time.perf_counter() - began
    return pred


# ----------------------------------------------------------------- scoring
def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def _overlap(a0, a1, b0, b1) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def match_quotes(gold: Gold, pred: Predicted, loose: bool) -> list[tuple[int, int]]:
    """One-to-one (gold index, predicted index) pairs."""
    pairs, used = [], set()
    pred_trim = [_trimmed(gold.text, s, e) for s, e, *_ in pred.quotes]
    for gi, (_, gs, ge, _) in enumerate(gold.quotes):
        gt = _trimmed(gold.text, gs, ge)
        for pi, (ps, pe, *_) in enumerate(pred.quotes):
            if pi in used:
                continue
            if loose:
                ok = _overlap(gs, ge, ps, pe) * 2 >= max(ge - gs, pe - ps)
            else:
                ok = pred_trim[pi] == gt
            if ok:
                pairs.append((gi, pi))
                used.add(pi)
                break
    return pairs


def speaker_map(gold: Gold, pred: Predicted) -> dict:
    """Predicted character key -> the gold entity most of its mentions hit."""
    per = [(s, e, ent) for s, e, kind, _, ent in gold.mentions if kind == "PER"]
    votes: dict = defaultdict(Counter)
    for ps, pe, key in pred.names:
        # The gold mention sharing most characters; of equals, the tightest
        # ("John Rolfe", not "my friend John Rolfe" around it).
        best = max(per, key=lambda g: (_overlap(ps, pe, g[0], g[1]), g[0] - g[1]),
                   default=None)
        if best and _overlap(ps, pe, best[0], best[1]) > 0:
            votes[key][best[2]] += 1
    return {key: v.most_common(1)[0][0] for key, v in votes.items()}


def assign_names(gold: Gold, pred: Predicted) -> list[tuple[int, int, str, tuple | None]]:
    """Each gold PROP PER mention: (start, end, gold entity, predicted character key)."""
    assigned = []
    for gs, ge, kind, prop, ent in gold.mentions:
        if kind != "PER" or prop != "PROP":
            continue
        best = max(pred.names, key=lambda p: _overlap(gs, ge, p[0], p[1]), default=None)
        key = best[2] if best and _overlap(gs, ge, best[0], best[1]) > 0 else None
        assigned.append((gs, ge, ent, key))
    return assigned


def alias_pairs(gold: Gold, pred: Predicted) -> tuple[int, int, int]:
    """(both same, predicted same, gold same) over pairs of gold name mentions."""
    assigned = [(ent, key) for _, _, ent, key in assign_names(gold, pred)]
    both = psame = gsame = 0
    for i in range(len(assigned)):
        for j in range(i + 1, len(assigned)):
            g = assigned[i][0] == assigned[j][0]
            p = assigned[i][1] is not None and assigned[i][1] == assigned[j][1]
            gsame += g
            psame += p
            both += g and p
    return both, psame, gsame


def alias_errors(gold: Gold, pred: Predicted) -> list[str]:
    """A gold character whose names went to several (or no) predicted
    characters, and a predicted character that took several gold ones."""
    surfaces: dict = defaultdict(Counter)     # gold entity -> (text, key) counts
    entities: dict = defaultdict(Counter)     # predicted key -> gold entity counts
    for gs, ge, ent, key in assign_names(gold, pred):
        surfaces[ent][(" ".join(gold.text[gs:ge].split()), key[1] if key else None)] += 1
        if key:
            entities[key[1]][ent] += 1
    lines = []
    for ent, found in surfaces.items():
        if len({key for _, key in found}) > 1 or None in {key for _, key in found}:
            lines.append(f"{gold.name}\talias-split\t{ent}: " + "; ".join(
                f"{text}->{key} x{n}" for (text, key), n in found.most_common()))
    for key, ents in entities.items():
        if len(ents) > 1:
            lines.append(f"{gold.name}\talias-merge\t{key}: " + ", ".join(
                f"{ent} x{n}" for ent, n in ents.most_common()))
    return lines


def gender_counts(gold: Gold, pred: Predicted, mapping: dict) -> tuple[int, int, int]:
    """(right, unknown, wrong) genders of predicted characters whose gold
    entity is referred to by he/him/his or she/her, one at least three
    times as often as the other."""
    pronouns: dict = defaultdict(Counter)
    for s, e, kind, _, ent in gold.mentions:
        word = gold.text[s:e].lower()
        if kind == "PER" and word in _GENDERED:
            pronouns[ent][_GENDERED[word]] += 1
    right = unknown = wrong = 0
    for key, gender in pred.genders:
        votes = pronouns.get(mapping.get(key))
        if not votes:
            continue
        top = votes.most_common(2)
        if len(top) > 1 and top[0][1] < 3 * top[1][1]:
            continue
        right += gender == top[0][0]
        unknown += gender == "unknown"
        wrong += gender not in (top[0][0], "unknown")
    return right, unknown, wrong


def place_counts(gold: Gold, pred: Predicted, names_only: bool) -> tuple[int, int, int]:
    """(matched, predicted, gold) place mentions."""
    golds = [(s, e) for s, e, kind, prop, _ in gold.mentions
             if kind in ("FAC", "GPE", "LOC") and (prop == "PROP" or not names_only)]
    preds = [(s, e) for s, e, text in pred.places
             if not names_only or any(w[:1].isupper() for w in text.split()[1:])
             or (text[:1].isupper() and not text.split()[0].lower() in ("the", "a", "an"))]
    used, hit = set(), 0
    for gs, ge in golds:
        for k, (ps, pe) in enumerate(preds):
            if k not in used and _overlap(gs, ge, ps, pe) > 0:
                used.add(k)
                hit += 1
                break
    return hit, len(preds), len(golds)


def prf(tp: int, npred: int, ngold: int) -> tuple[float, float, float]:
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# -------------------------------------------------------------------- main
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("litbank", type=Path)
    ap.add_argument("--only", help="score only texts whose id contains this")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--errors", type=Path,
                    help="write speaker, quote and alias errors here")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    stems = sorted(p.name[:-len("_brat.txt")]
                   for p in (args.litbank / "coref").glob("*_brat.txt"))
    if args.only:
        stems = [s for s in stems if args.only in s]
    if args.limit:
        stems = stems[:args.limit]
    nlp = load_nlp()
    totals = Counter()
    sieves = Counter()
    sieve_ok = Counter()
    errors = []
    seconds = 0.0
    for stem in stems:
        gold = load_gold(args.litbank, stem)
        pred = predict(gold, nlp)
        seconds += pred.seconds
        strict = match_quotes(gold, pred, loose=False)
        loose = match_quotes(gold, pred, loose=True)
        totals.update(q_tp=len(strict), q_loose=len(loose), q_pred=len(pred.quotes),
                      q_gold=len(gold.quotes))
        mapping = speaker_map(gold, pred)
        for gi, pi in strict:
            want = gold.quotes[gi][3]
            if not want:
                continue
            got_key, sieve = pred.quotes[pi][2], pred.quotes[pi][3]
            got = mapping.get(got_key) if got_key else None
            ok = got == want
            totals.update(s_n=1, s_ok=int(ok))
            sieves[sieve or "none"] += 1
            sieve_ok[sieve or "none"] += int(ok)
            if not ok:
                s, e = pred.quotes[pi][:2]
                errors.append(f"{stem}\t{sieve}\twant={want}\tgot={got}"
                              f"({got_key[1] if got_key else None})\t"
                              f"{gold.text[s:e][:80]!r}")
        matched_pred = {pi for _, pi in strict}
        matched_gold = {gi for gi, _ in strict}
        for pi, q in enumerate(pred.quotes):
            if pi not in matched_pred:
                errors.append(f"{stem}\tFP-quote\t{gold.text[q[0]:q[1]][:100]!r}")
        for gi, q in enumerate(gold.quotes):
            if gi not in matched_gold:
                errors.append(f"{stem}\tFN-quote\t{gold.text[q[1]:q[2]][:100]!r}")
        both, psame, gsame = alias_pairs(gold, pred)
        totals.update(a_both=both, a_pred=psame, a_gold=gsame)
        errors += alias_errors(gold, pred)
        right, unknown, wrong = gender_counts(gold, pred, mapping)
        totals.update(g_right=right, g_unknown=unknown, g_wrong=wrong)
        for names_only, tag in ((False, "all"), (True, "names")):
            hit, npred, ngold = place_counts(gold, pred, names_only)
            totals.update({f"p_{tag}_hit": hit, f"p_{tag}_pred": npred,
                           f"p_{tag}_gold": ngold})

    rows = [
        ("quote detection (exact)", *prf(totals["q_tp"], totals["q_pred"], totals["q_gold"]),
         f"{totals['q_tp']}/{totals['q_pred']} pred, {totals['q_gold']} gold"),
        ("quote detection (overlap)", *prf(totals["q_loose"], totals["q_pred"], totals["q_gold"]),
         ""),
        ("alias clustering (pairwise)",
         *prf(totals["a_both"], totals["a_pred"], totals["a_gold"]),
         f"{totals['a_both']} both, {totals['a_pred']} pred, {totals['a_gold']} gold pairs"),
        ("place mentions (all)", *prf(totals["p_all_hit"], totals["p_all_pred"],
                                      totals["p_all_gold"]), ""),
        ("place names (PROP)", *prf(totals["p_names_hit"], totals["p_names_pred"],
                                    totals["p_names_gold"]), ""),
    ]
    print(f"LitBank: {len(stems)} texts, analysis time {seconds:.1f}s")
    print(f"{'metric':30} {'P':>6} {'R':>6} {'F1':>6}  counts")
    for name, p, r, f, note in rows:
        print(f"{name:30} {p:6.3f} {r:6.3f} {f:6.3f}  {note}")
    acc = totals["s_ok"] / totals["s_n"] if totals["s_n"] else 0.0
    print(f"{'speaker accuracy':30} {acc:20.3f}  {totals['s_ok']}/{totals['s_n']} "
          "matched quotes with a gold speaker")
    print(f"{'character gender':30} right {totals['g_right']}, unknown "
          f"{totals['g_unknown']}, wrong {totals['g_wrong']}  (characters whose gold "
          "entity's pronouns show a gender)")
    print("by sieve: " + ", ".join(
        f"{s} {sieve_ok[s]}/{n} ({sieve_ok[s] / n:.2f})" for s, n in sieves.most_common()))
    if args.errors:
        args.errors.write_text("\n".join(errors) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
