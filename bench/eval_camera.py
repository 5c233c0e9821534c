"""What the board says: can a camera shoot it, can an image tool use it (#13).

    python bench/eval_camera.py CHAPTER_OR_FOLDER... [--out DIR] [--json FILE]
                                [--config FILE] [--sample N] [--jobs N]
                                [--litbank DIR [--split dev|held-out|both] [--limit K]]

Boards the chapters with novel2board's library API (`novel2board.build`,
formats json and prompts only), reads back every `<slug>/shots.json` and
`<slug>/prompts/*.txt`, and counts, per chapter and in total:

 1. non-visual   descriptions holding a sentence a camera cannot see:
                 interior (thought, feeling, wish, memory), backstory,
                 speculation, summary or habit, reported speech, smell or
                 taste.  Read grammatically with spaCy (lemma + dependency).
 2. no light     image prompts (the first Midjourney and the first Flux
                 variant of each shot) with no word of time of day, light or
                 weather; and, of those in a scene whose heading gives a time
                 of day, the ones that do not name that time.  Also reported:
                 the shots whose light is assumed (`state.light_assumed`:
                 the prose names none, camera.yaml's `unstated_light`).
 3. labels       prompts (any tool, any variant) holding a content-free label,
                 a name, a colon and a bare generic noun: `Ilse Marr: a woman.`
 4. cut-offs     descriptions and prompts holding "..." or "…" where the
                 shot's own span of the source text holds none.
 5. non-words    descriptions and prompts holding a word that is in neither
                 the dictionary (pyspellchecker's English list, with British
                 spellings) nor the source file nor the cast's names; quoted
                 text, URLs, numbers and `--parameters` are skipped.
 6. no subject   shots "about someone" (a main clause of the description has
                 a person for subject: a character's name, he/she/they/I/we,
                 a person noun) whose `subjects` list is empty.
 7. same video   shots whose video variants are all the same text (in
                 `prompts.video` or any `prompts.video_<tool>` list, negatives
                 aside); also the first video prompts that are the stock
                 "almost nothing moves".
 8. lens only    shots where at least half of the Midjourney variants after
                 the first differ from the first in nothing but the "NNmm"
                 lens (and the seed); and the share of those variants that
                 change size, angle, light or staging (anything else).

The classifiers here are the yardstick: they use spaCy and the word lists
below, never novel2board's own classifiers (novel2board.shots.*), so a rule
in the pipeline cannot grade itself.  Only `load_nlp` (the same model),
`build` and `load_config` (to read a project file's style.look) are borrowed.

Chapters are boarded with their own folder's novel2board.yaml if it has one
(or --config FILE), else with no project file at all: the run happens in an
empty working folder so no ./novel2board.yaml is picked up by accident.

LitBank (--litbank DIR): DIR/original/<id>.txt hold the start of 100 Project
Gutenberg texts.  Each is stripped of any Gutenberg header (up to and
including the "*** START OF ..." line) and footer, cut after the paragraph
that brings it to 2,000 words, written to a work folder as <id>.txt and
boarded with no project file.  The 100 ids are split ONCE, by rule: sorted by
their Gutenberg number, the 1st, 3rd, 5th... are "dev" (rules may be
developed looking at these), the 2nd, 4th, 6th... are "held-out" (only
reported, never looked at while writing rules: only their figures are
printed, unless --show-held-out).  --limit K takes the first K of each half
in that order (default 10; 0 for all 50).

Prints a table (and, with --sample N, N shots of each group to read); with
--json FILE writes every figure and finding.  It measures, it does not
gate: the exit status is 0 unless something crashes.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# ======================================================================
# Word lists.  Lemmas (spaCy's, lower case) unless said otherwise.
# ======================================================================

# 1. Non-visual sentences --------------------------------------------------

# Interior: verbs of thought, feeling, wish and memory.  Counted where the
# verb is a predicate (any clause but a relative clause or a modifier: "the
# man who knows the way" is not counted, "She knows the way" is).
INTERIOR_VERBS = frozenset("""
    think feel wish want wonder remember recall recollect forget know hope fear
    believe realise realize imagine decide suppose understand regret doubt worry
    love hate like dislike dread long yearn crave desire prefer intend mean
    expect guess suspect trust reckon ponder muse reflect consider resolve
""".split())

# Interior: emotions named outright ("she is angry", "he feels ashamed"), as
# the complement of one of LINKING_VERBS.  "He looks angry" is appearance and
# is not counted ("look" is not a linking verb here).
EMOTION_ADJECTIVES = frozenset("""
    afraid angry annoyed anxious ashamed bored content curious disappointed
    embarrassed envious excited frightened furious glad grateful guilty happy
    homesick hopeful jealous lonely miserable nervous proud relieved sad scared
    sorry surprised terrified thankful unhappy upset worried eager reluctant
    impatient resentful bitter hurt confused uneasy
""".split())
LINKING_VERBS = frozenset({"be", "feel", "become", "grow", "get"})

# Interior: "it seemed to him", "it appears to her": SEEM_VERBS with a
# "to <person>" complement.
SEEM_VERBS = frozenset({"seem", "appear"})

# Backstory, besides a main-clause past perfect (had + participle, found from
# the parse) and "used to + verb" (found from the parse): phrases, matched in
# lower-case text.
BACKSTORY_PHRASES = (
    r"\b(?:years|months|weeks|days|ages|long|decades|a year|a month|a week|an hour) ago\b",
    r"\b(?:years|months|weeks|decades|long|the year|the day|the night|the week) before\b",
    r"\bin those days\b",
    r"\bonce upon a time\b",
    r"\bas a (?:boy|girl|child|young man|young woman|youth)\b",
    r"\bwhen (?:he|she|i|they|we) (?:was|were) (?:a )?(?:young|little|small|boy|girl|child)\b",
    r"\bsince (?:he|she|i|they|we|you) (?:was|were)\b",
    r"\bsince (?:childhood|boyhood|girlhood)\b",
)

# Speculation: adverbs (lemmas), "must/might/may/could/would have +
# participle" (from the parse), and phrases (lower-case text).
SPECULATION_ADVERBS = frozenset("""
    perhaps probably maybe possibly presumably doubtless conceivably supposedly
    likely
""".split())
SPECULATIVE_MODALS = frozenset({"must", "might", "may", "could", "would"})
SPECULATION_PHRASES = (
    r"\bno doubt\b",
    r"\bone (?:can|could|might|may|would) (?:imagine|suppose|guess|think)\b",
    r"\bone imagines\b",
    r"\bit is (?:likely|possible|probable) that\b",
)

# Summary or habit: adverbs of frequency (lemmas); "every/each" + TIME_NOUNS
# (from the parse: the noun the determiner belongs to); phrases.
HABIT_ADVERBS = frozenset("""
    always often usually sometimes frequently seldom rarely habitually
    generally ordinarily invariably customarily whenever
""".split())
TIME_NOUNS = frozenset("""
    day morning afternoon evening night week month year summer winter spring
    autumn sunday monday tuesday wednesday thursday friday saturday time season
""".split())
HABIT_PHRASES = (
    r"\bfor (?:hours|days|years|months|weeks|decades)\b",
    (r"\b(?:many|several|countless|a dozen|a hundred|a thousand|two|three|four|five|six|"
     r"seven|eight|nine|ten|twenty|thirty|forty|fifty) times\b"),
    r"\bwould (?:often|always|sometimes|usually|never)\b",
    r"\bmore often than not\b",
    r"\bas (?:a rule|usual)\b",
)

# Reported speech: a verb of saying with a clause for complement ("he says
# that ...", "she asked whether ..."), or with "about/of/on" ("told her about
# the letter"); TELL_VERBS count with a person for object alone ("told her").
SPEECH_VERBS = frozenset("""
    say tell ask reply answer explain announce report insist promise claim admit
    mention suggest warn remind inform assure confess declare complain argue
    whisper shout murmur add agree deny repeat remark observe protest
""".split())
TELL_VERBS = frozenset({"tell", "inform", "assure", "remind", "warn"})
SPEECH_PREPOSITIONS = frozenset({"about", "of", "on"})

# Smell and taste: any of these lemmas, as verb or noun.
SMELL_WORDS = frozenset("""
    smell taste stink reek scent odour odor aroma fragrance stench whiff flavour
    flavor savour savor pong tang
""".split())

# A predicate in one of these clauses is not counted (it modifies a noun).
MODIFIER_DEPS = frozenset({"amod", "acl", "relcl", "compound", "nmod", "appos"})

# 2. Time of day, light and weather in image prompts -------------------------
# Whole words or phrases, case-insensitive.  A bare "light" is too often "a
# light coat" or "light on her feet"; it counts after one of LIGHT_MODIFIERS
# ("soft light", "hard side light", "the grey light") or as "lighting".
TIME_WORDS = """
    night nights nighttime night-time midnight tonight dawn daybreak sunrise sunup
    dusk sunset sundown twilight nightfall morning mornings evening evenings noon
    midday afternoon afternoons daytime golden-hour
""".split()
TIME_PHRASES = ["golden hour", "blue hour", "first light", "last light", "small hours",
                "broad day", "middle of the night", "dead of night", "break of day"]
LIGHT_WORDS = """
    moonlight moonlit moonbeam moon sunlight sunlit sunshine sunbeam sun daylight
    lamplight candlelight firelight torchlight gaslight starlight starlit stars
    lamp lamps lamplit candle candles candlelit lantern lanterns torch torches
    neon fire fires firelit streetlight streetlights headlights floodlight
    floodlights spotlight glow glowing glows glowed gleam gleaming glare glint
    shadow shadows shadowed shadowy shade shaded silhouette silhouetted backlit
    dark darker darkness darkened darkening dim dimly dimmed dimming gloom gloomy
    murky bright brighter brightly brightness lit unlit illuminated luminous
    radiant lighting sunny contrast low-key high-key chiaroscuro
""".split()
WEATHER_WORDS = """
    overcast cloud clouds cloudy fog foggy mist misty haze hazy rain rains
    raining rainy drizzle downpour snow snowing snowy sleet hail storm stormy
    thunder lightning frost frosty smog
""".split()
LIGHT_MODIFIERS = """
    soft hard side harsh warm cold cool low pale grey gray golden amber blue
    white yellow orange red green natural window morning evening afternoon
    diffused diffuse dappled flat rim back top fading failing dying thin weak
    strong flickering steady late early
""".split()
# A scene heading's time of day -> words that say it in a prompt.
SCENE_TIME_WORDS = {
    "NIGHT": "night nights nighttime night-time midnight tonight moonlight moonlit moon "
             "starlight starlit stars dark darkness lamplight candlelight firelight "
             "torchlight streetlight streetlights neon",
    "DAWN": "dawn daybreak sunrise sunup first-light",
    "MORNING": "morning mornings dawn sunrise daybreak",
    "DAY": "day daylight daytime sunlight sunlit sunshine sun noon midday sunny",
    "AFTERNOON": "afternoon afternoons sunlight sunlit sun daylight",
    "EVENING": "evening evenings dusk sunset sundown twilight nightfall golden-hour",
    "DUSK": "dusk sunset sundown twilight nightfall evening golden-hour",
}

# 3. Content-free labels: "<name>: <article> <one of these>" and nothing
# more before the next punctuation mark.  "Ilse: a woman in a grey coat" is
# not a label; "Ilse: a woman." is.
GENERIC_NOUNS = """
    man woman person figure boy girl child kid baby people men women persons
    figures children someone somebody stranger character individual human
    adult lady gentleman narrator subject
""".split()
LABEL_ARTICLES = ("a", "an", "the", "some", "one")

# 5. Non-words: pyspellchecker's English list (pinned in pyproject.toml) is
# American; a British spelling is accepted when one of these rewrites gives a
# listed word (colour -> color, realised -> realized, centre -> center,
# travelled -> traveled, catalogue -> catalog, programme -> program,
# defence -> defense, tyre -> tire, mould -> mold).
BRITISH_REWRITES = (
    (r"our", "or"),
    (r"is(e|es|ed|ing|ation|ations|er|ers|able)$", r"iz\1"),
    (r"ys(e|es|ed|ing|er|ers)$", r"yz\1"),
    (r"tre(s?)$", r"ter\1"),
    (r"tred$", "tered"),
    (r"ll(ed|ing|er|ers)$", r"l\1"),
    (r"ogue(s?)$", r"og\1"),
    (r"mme(s?)$", r"m\1"),
    (r"ence(s?)$", r"ense\1"),
    (r"yre(s?)$", r"ire\1"),
    (r"ould(s|ed|ing|er|y)?$", r"old\1"),
    (r"ae", "e"),
)
# British words no rewrite reaches, and the few words of the image tools'
# own trade that a dictionary lacks ("lowres" is a stock SDXL negative).
EXTRA_WORDS = frozenset("""
    kerb kerbs jewellery storey storeys gaol gaols pyjamas cheque cheques draught
    draughts sceptic sceptical moustache ageing whilst amongst grey greys
    aluminium manoeuvre manoeuvres plough ploughed lowres eyeline midshot
    locked-off oref sref cref
""".split())

# 6. Who a description is about: a main-clause subject that is one of these
# pronouns, a person noun, a word of a character's name, a PERSON entity, or
# a noun ending in -man/-woman (boatman, horsewoman) other than NOT_PERSONS.
PERSON_PRONOUNS = frozenset({"he", "she", "they", "i", "we"})
PERSON_NOUNS = frozenset("""
    man woman men women boy girl child children kid baby infant person people
    figure stranger someone somebody everyone everybody soldier officer sergeant
    captain lieutenant colonel general private sailor pilot driver guard
    sentry doctor nurse surgeon priest vicar monk nun servant maid butler footman
    coachman king queen prince princess lord lady gentleman gentlemen ladies
    mother father brother sister son daughter wife husband uncle aunt cousin
    grandmother grandfather grandmother niece nephew friend traveller traveler
    farmer shepherd hunter knight clerk scientist engineer technician journalist
    reporter narrator porter waiter waitress landlord landlady widow widower
    youth lad lass fellow chap rider teacher student pupil master mistress
    governess nanny crowd group couple pair family visitor guest host hostess
    owner keeper stranger boss worker labourer laborer miner thief robber
    prisoner detective inspector constable policeman mayor judge lawyer
    merchant shopkeeper innkeeper cook baker smith blacksmith tailor
    passenger crew villager neighbour neighbor
""".split())
NOT_PERSONS = frozenset({"human", "german", "talisman", "ottoman", "caiman", "roman",
                         "walkman", "superman", "bowman"})

# 7. The stock still-frame video line.
STOCK_VIDEO = re.compile(r"\balmost nothing moves\b", re.IGNORECASE)

# 8. What a Midjourney variant changes.
SIZE_PHRASES = ("extreme wide shot", "extreme long shot", "very wide shot", "wide shot",
                "long shot", "medium full shot", "medium wide shot", "medium long shot",
                "full shot", "medium close-up", "medium shot", "extreme close-up",
                "close-up", "insert shot", "insert", "cowboy shot", "two-shot")
ANGLE_PHRASES = ("eye-level", "eye level", "low angle", "high angle", "dutch angle",
                 "dutch tilt", "overhead", "bird's-eye", "birds-eye", "worm's-eye",
                 "worms-eye", "top-down", "aerial", "over-the-shoulder")

# ======================================================================
# Regular expressions built from the lists
# ======================================================================


def _alternation(items) -> str:
    return "|".join(re.escape(i).replace(r"\ ", r"\s+").replace(r"\-", r"[-\s]")
                    for i in sorted(set(items), key=len, reverse=True))


_TIME_LIGHT_RE = re.compile(
    r"(?<![\w-])(?:" + _alternation(TIME_WORDS + TIME_PHRASES + LIGHT_WORDS + WEATHER_WORDS)
    + r"|(?:" + _alternation(LIGHT_MODIFIERS) + r")[-\s]+light)(?![\w-])", re.IGNORECASE)
_SCENE_TIME_RES = {key: re.compile(r"(?<![\w-])(?:" + _alternation(words.split())
                                   + r")(?![\w-])", re.IGNORECASE)
                   for key, words in SCENE_TIME_WORDS.items()}
# The name: a capitalised word, then up to four more words; a full stop only
# after an initial or a short title ("Dr.", "O."), so the name never reaches
# back over the end of a sentence.
_NAME_WORD = r"(?:[A-Z][a-z]{0,2}\.|[\w'’-]+)"
_LABEL_RE = re.compile(
    r"(?:^|(?<=[.!?;,(]))\s*"
    r"(?P<name>(?:[A-Z][a-z]{0,2}\.|[A-Z\u00C0-\u024F][\w'’-]*)(?:\s+" + _NAME_WORD
    + r"){0,4}?)"
    r"\s*:\s+(?i:(?:(?:" + "|".join(LABEL_ARTICLES) + r")\s+)?"
    r"(?P<noun>" + "|".join(GENERIC_NOUNS) + r"))\s*(?=[.;,)]|$)")
_ELLIPSIS_RE = re.compile(r"\.\.\.|…|\.\s\.\s\.")
_BACKSTORY_RES = tuple(re.compile(p) for p in BACKSTORY_PHRASES)
_SPECULATION_RES = tuple(re.compile(p) for p in SPECULATION_PHRASES)
_HABIT_RES = tuple(re.compile(p) for p in HABIT_PHRASES)
_SIZE_RE = re.compile(r"(?<![\w-])(?:" + _alternation(SIZE_PHRASES) + r")(?![\w-])",
                      re.IGNORECASE)
_ANGLE_RE = re.compile(r"(?<![\w-])(?:" + _alternation(ANGLE_PHRASES) + r")(?![\w-])",
                       re.IGNORECASE)
_SEED_RE = re.compile(r"\s*--seed\s+\d+")
_LENS_RE = re.compile(r"\b\d+\s?mm\b")

_URL_RE = re.compile(r"\b(?:https?|file)://\S+|\bwww\.\S+")
_PARAM_RE = re.compile(r"(?<!\S)--[a-z]+(?:\s+(?!--)[^\s,]+)?")
_QUOTED_RE = re.compile(r"“[^”]*”|\"[^\"]*\"|(?<![\w’'])‘.*?’(?![\w’])", re.DOTALL)
_DIGIT_WORD_RE = re.compile(r"\w*\d\w*")
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_CONTRACTIONS = ("'s", "n't", "'re", "'ll", "'ve", "'d", "'m", "'")


# ======================================================================
# 1. Non-visual sentences
# ======================================================================
@dataclass(frozen=True)
class Finding:
    kind: str           # interior, backstory, speculation, habit, reported, smell
    cue: str            # the word or phrase that made it so
    sentence: str


NONVISUAL_KINDS = ("interior", "backstory", "speculation", "habit", "reported", "smell")


def quote_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _QUOTED_RE.finditer(text)]


def is_main(tok) -> bool:
    """The predicate of a main clause: the root, or a verb coordinated with it."""
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    return tok.dep_ == "ROOT"


def _predicate(tok) -> bool:
    return tok.pos_ in ("VERB", "AUX") and tok.dep_ not in MODIFIER_DEPS


def _is_person(tok, names: frozenset[str] = frozenset()) -> bool:
    lemma = tok.lemma_.lower()
    text = tok.text.lower()
    if tok.pos_ == "PRON":
        return lemma in PERSON_PRONOUNS or text in PERSON_PRONOUNS
    if text in names or lemma in names:
        return True
    if tok.ent_type_ == "PERSON":
        return True
    if tok.pos_ in ("NOUN", "PROPN"):
        if lemma in PERSON_NOUNS:
            return True
        if lemma.endswith(("man", "woman")) and len(lemma) > 4 \
                and lemma not in NOT_PERSONS:
            return True
    return False


def classify_sentence(sent, names: frozenset[str] = frozenset()) -> list[Finding]:
    """What in one parsed sentence (a spaCy Span) a camera cannot see; `names`:
    lower-case words of the cast's names (see name_words)."""
    found: list[Finding] = []
    text = sent.text.strip()
    low = sent.text.lower()
    quoted = quote_spans(sent.doc.text)
    start = sent.start_char

    def in_quote(tok) -> bool:
        return any(a <= tok.idx < b for a, b in quoted)

    def add(kind: str, cue: str) -> None:
        if not any(f.kind == kind for f in found):
            found.append(Finding(kind, cue, text))

    for tok in sent:
        if in_quote(tok):
            continue
        lemma = tok.lemma_.lower()
        # interior
        if lemma in INTERIOR_VERBS and tok.pos_ == "VERB" and _predicate(tok):
            add("interior", tok.text)
        if lemma in EMOTION_ADJECTIVES and tok.dep_ in ("acomp", "attr", "oprd") \
                and tok.head.lemma_.lower() in LINKING_VERBS:
            add("interior", f"{tok.head.text} {tok.text}")
        if lemma in SEEM_VERBS and tok.pos_ == "VERB":
            for child in tok.children:
                if child.dep_ in ("prep", "dative") and child.lower_ == "to" and any(
                        _is_person(g) or g.lower_ in ("me", "him", "her", "them", "us")
                        for g in child.children if g.dep_ == "pobj"):
                    add("interior", f"{tok.text} to {' '.join(g.text for g in child.children)}")
        # backstory: had + participle in a main clause; used to + verb
        if tok.tag_ == "VBN" and is_main(tok) and any(
                c.dep_ == "aux" and c.lower_ in ("had", "'d", "’d") and c.tag_ == "VBD"
                for c in tok.children):
            add("backstory", f"had {tok.text}")
        if lemma == "use" and tok.tag_ == "VBD" and any(
                c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children)
                for c in tok.children):
            add("backstory", "used to")
        # speculation: modal + have + participle; adverbs
        if tok.tag_ == "VBN":
            aux = [c for c in tok.children if c.dep_ == "aux"]
            if any(a.lower_ in SPECULATIVE_MODALS for a in aux) and any(
                    a.lemma_ == "have" and a.tag_ == "VB" for a in aux):
                modal = next(a.lower_ for a in aux if a.lower_ in SPECULATIVE_MODALS)
                add("speculation", f"{modal} have {tok.text}")
        if lemma in SPECULATION_ADVERBS and tok.pos_ in ("ADV", "ADJ") \
                and (tok.pos_ == "ADV" or tok.dep_ == "acomp"):
            add("speculation", tok.text)
        # summary, habit
        if lemma in HABIT_ADVERBS and tok.pos_ in ("ADV", "SCONJ"):
            add("habit", tok.text)
        if lemma in ("every", "each") and tok.dep_ == "det" \
                and tok.head.lemma_.lower() in TIME_NOUNS:
            add("habit", f"{tok.text} {tok.head.text}")
        # reported speech
        if lemma in SPEECH_VERBS and tok.pos_ == "VERB" and _predicate(tok) and all(
                _is_person(c, names) or c.pos_ == "PROPN"
                for c in tok.children if c.dep_ == "nsubj"):
            # "His face tells her nothing" is a look, not speech: a person says
            kids = list(tok.children)
            if any(c.dep_ == "ccomp" and not in_quote(c) for c in kids):
                add("reported", f"{tok.text} + clause")
            elif preps := [c for c in kids if c.dep_ == "prep" and c.lower_ in SPEECH_PREPOSITIONS]:
                add("reported", f"{tok.text} {preps[0].text}")
            elif lemma in TELL_VERBS and any(c.dep_ in ("dobj", "dative") and _is_person(c, names)
                                             or c.lower_ in ("me", "him", "her", "them", "us")
                                             for c in kids):
                add("reported", tok.text)
        # smell, taste
        if lemma in SMELL_WORDS and tok.pos_ in ("VERB", "NOUN"):
            add("smell", tok.text)
    # phrases, on the sentence's text with quotations blanked out
    bare = low
    for a, b in quoted:
        if a < start + len(low) and b > start:
            lo, hi = max(a - start, 0), min(b - start, len(low))
            bare = bare[:lo] + " " * (hi - lo) + bare[hi:]
    for kind, patterns in (("backstory", _BACKSTORY_RES), ("speculation", _SPECULATION_RES),
                           ("habit", _HABIT_RES)):
        for pattern in patterns:
            m = pattern.search(bare)
            if m:
                add(kind, m.group(0))
    return found


def classify_description(doc, names: frozenset[str] = frozenset()) -> list[Finding]:
    """Every non-visual finding in a parsed description, sentence by sentence."""
    return [f for sent in doc.sents for f in classify_sentence(sent, names)]


def nonvisual(text: str, nlp, names: frozenset[str] = frozenset()) -> list[Finding]:
    return classify_description(nlp(text), names)


def person_subject(doc, names: frozenset[str] = frozenset()) -> str | None:
    """The first main-clause subject of the description that is a person."""
    for sent in doc.sents:
        for tok in sent:
            if not is_main(tok):
                continue
            kids = list(tok.children)
            subjects = [c for c in kids if c.dep_ in ("nsubj", "nsubjpass")]
            if any(c.dep_ == "expl" for c in kids):
                subjects += [c for c in kids if c.dep_ == "attr"]
            for subj in subjects:
                for part in [subj, *subj.conjuncts]:
                    if _is_person(part, names):
                        return part.text
    return None


def name_words(characters) -> frozenset[str]:
    """Lower-case words of every character's name and aliases (not "the", "dr.")."""
    words = set()
    for ch in characters or ():
        for name in [ch.get("name") or "", *(ch.get("aliases") or ())]:
            for w in re.findall(r"[^\W\d_]+", name):
                if w[:1].isupper() or name.lower().startswith("the "):
                    words.add(w.lower())
    return frozenset(words - {"the", "a", "an", "dr", "mr", "mrs", "ms", "miss", "sir",
                              "lady", "lord", "of"} - PERSON_PRONOUNS)


# ======================================================================
# 2-4. Light, labels, cut-offs
# ======================================================================
def time_light_words(text: str) -> list[str]:
    return [m.group(0) for m in _TIME_LIGHT_RE.finditer(text)]


def has_time_or_light(text: str) -> bool:
    return _TIME_LIGHT_RE.search(text) is not None


def names_scene_time(text: str, time_of_day: str | None) -> bool | None:
    """Whether the prompt names its scene's time of day; None when the scene has none
    the list knows (CONTINUOUS, LATER, null)."""
    pattern = _SCENE_TIME_RES.get((time_of_day or "").upper())
    return None if pattern is None else pattern.search(text) is not None


def content_free_labels(text: str) -> list[str]:
    """Every `Name: a man.`-style label in a prompt ("The man's point of view: the
    woman" names a framing, not a person, and is not one)."""
    return [f"{m.group('name').strip()}: {m.group(0).split(':', 1)[1].strip()}"
            for m in _LABEL_RE.finditer(text)
            if not re.search(r"['’]s\b", m.group("name"))]


def without(text: str, fixed) -> str:
    """`text` with every one of the `fixed` strings taken out (any case)."""
    for piece in fixed:
        if piece:
            text = re.sub(re.escape(piece), " ", text, flags=re.IGNORECASE)
    return text


def has_ellipsis(text: str) -> bool:
    return _ELLIPSIS_RE.search(text) is not None


def is_cut_off(text: str, source_span: str) -> bool:
    """An ellipsis the source does not have at that place."""
    return has_ellipsis(text) and not has_ellipsis(source_span)


# ======================================================================
# 5. Non-words
# ======================================================================
class Dictionary:
    """pyspellchecker's English word list, British spellings and EXTRA_WORDS."""

    def __init__(self, words=None):
        if words is None:
            try:
                from spellchecker import SpellChecker
            except ImportError:
                raise SystemExit(
                    "eval_camera: pyspellchecker is not installed; run "
                    "`.venv/bin/pip install -e '.[test]'` (or `make .venv/.installed`)")
            words = SpellChecker(language="en", distance=1).word_frequency.dictionary
        self._words = words

    def __contains__(self, word: str) -> bool:
        w = word.lower().replace("’", "'")
        if w in self._words or w in EXTRA_WORDS:
            return True
        for pattern, repl in BRITISH_REWRITES:
            other = re.sub(pattern, repl, w)
            if other != w and other in self._words:
                return True
        return False


def checked_words(text: str) -> list[str]:
    """The words of a description or prompt that are checked: outside quotations,
    URLs and `--parameters`, with no digit in them, split at hyphens."""
    text = _URL_RE.sub(" ", text)
    text = _PARAM_RE.sub(" ", text)
    text = _QUOTED_RE.sub(" ", text)
    text = _DIGIT_WORD_RE.sub(" ", text)
    return _WORD_RE.findall(text)


def source_words(text: str) -> frozenset[str]:
    return frozenset(w.lower().replace("’", "'") for w in _WORD_RE.findall(text))


def is_word(word: str, dictionary, known: frozenset[str] = frozenset()) -> bool:
    w = word.lower().replace("’", "'")
    if w in known or w in dictionary:
        return True
    for suffix in _CONTRACTIONS:
        if w.endswith(suffix) and len(w) > len(suffix):
            base = w[:-len(suffix)]
            if base in known or base in dictionary or (suffix == "n't" and base in
                                                       ("ca", "wo", "sha", "ai")):
                return True
    return False


def regular_bases(word: str) -> set[str]:
    """What `word` is a regular inflection of (-s, -es, -ies, -ed, -d, -ied, -ing,
    with a doubled last consonant undone), at least 3 letters long."""
    w = word.lower()
    bases = set()
    if w.endswith(("ies", "ied")):
        bases.add(w[:-3] + "y")
    if w.endswith("es"):
        bases.add(w[:-2])
    if w.endswith("s") and not w.endswith("ss"):
        bases.add(w[:-1])
    for suffix in ("ed", "ing"):
        if w.endswith(suffix):
            stem = w[:-len(suffix)]
            bases |= {stem, stem + "e"}
            if len(stem) > 2 and stem[-1] == stem[-2]:
                bases.add(stem[:-1])
    if w.endswith("d"):
        bases.add(w[:-1])
    return {b for b in bases if len(b) >= 3}


def rare_bases(words, dictionary) -> frozenset[str]:
    """The bases of the source's words that the dictionary does not know
    ("unclipped" -> "unclip"), themselves unknown to it: a form of such a
    word ("unclips") cannot be judged by the dictionary, so it is accepted.
    A form of a word the dictionary knows is not: "remaineds" and "cames"
    share no base with an unknown word ("remained", "came" are known)."""
    return frozenset(b for w in words if w not in dictionary
                     for b in regular_bases(w) | {w} if b not in dictionary)


def non_words(text: str, dictionary, known: frozenset[str] = frozenset(),
              rare: frozenset[str] = frozenset()) -> list[str]:
    return [w for w in checked_words(text) if not is_word(w, dictionary, known)
            and not (regular_bases(w) & rare)]


# ======================================================================
# 7-8. Variants
# ======================================================================
def video_lists(prompts: dict) -> dict[str, list[str]]:
    """The video prompt lists of a shot: `video` and `video_<tool>`, negatives aside."""
    return {key: value for key, value in prompts.items()
            if (key == "video" or key.startswith("video_")) and not key.endswith("_negative")
            and isinstance(value, list) and value and all(isinstance(v, str) for v in value)}


def all_same(variants: list[str]) -> bool:
    return len(variants) > 1 and len(set(variants)) == 1


def variant_change(first: str, other: str) -> set[str]:
    """What a Midjourney variant changes from the first: {"identical"}, {"lens"}, or
    any of {"size", "angle", "light", "staging"}.

    The prompts are cut into clauses (at ". ", "; " and ", "); each clause
    found in one and not the other is a change of size if it names a shot
    size, of angle if it names an angle, of light if it holds a time, light
    or weather word, and of staging otherwise."""
    a, b = _SEED_RE.sub("", first), _SEED_RE.sub("", other)
    if a == b:
        return {"identical"}
    a, b = _LENS_RE.sub("NNmm", a), _LENS_RE.sub("NNmm", b)
    if a == b:
        return {"lens"}
    ca, cb = Counter(_clauses(a)), Counter(_clauses(b))
    changes = set()
    for clause in (ca - cb) + (cb - ca):
        kinds = {kind for kind, pattern in (("size", _SIZE_RE), ("angle", _ANGLE_RE),
                                            ("light", _TIME_LIGHT_RE))
                 if pattern.search(clause)}
        changes |= kinds or {"staging"}
    return changes or {"staging"}       # the same clauses in another order


def _clauses(text: str) -> list[str]:
    return [_norm(c) for c in re.split(r"(?<=[.;,])\s+", text) if _norm(c)]


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[\w'’-]+", text.lower()))


def lens_only_shot(variants: list[str]) -> bool | None:
    """At least half of the variants after the first change nothing but lens or seed;
    None for a shot with one variant."""
    if len(variants) < 2:
        return None
    dull = sum(variant_change(variants[0], v) <= {"identical", "lens"} for v in variants[1:])
    return 2 * dull >= len(variants) - 1


# ======================================================================
# Measuring one board
# ======================================================================
METRICS = (
    # key, header, what is counted (numerator / denominator), good when low
    ("nonvisual", "non-vis", "descriptions holding a non-visual sentence / descriptions"),
    ("no_light", "no-light", "first MJ + first Flux prompts with no time/light word / those"),
    ("no_scene_time", "no-time", "of those in a scene with a time of day: not naming it / those"),
    ("light_assumed", "assumed", ("shots whose light is camera.yaml's unstated_light, the prose "
                                  "naming none (state.light_assumed) / shots")),
    ("labels.shots", "labels", "shots with a content-free label in a prompt / shots"),
    ("cutoffs.shots", "cut-offs", "shots with an ellipsis the source lacks there / shots"),
    ("nonwords.shots", "non-words", "shots with a non-word in description or a prompt / shots"),
    ("no_subject", "no-subj", "shots about someone with no subjects / shots about someone"),
    ("same_video", "same-vid", "shots whose video variants are all the same / shots with video"),
    ("stock_video", "stock-vid", "first video prompts that are 'almost nothing moves' / shots"),
    ("lens_only", "lens-only", "shots whose variants mostly change only the lens / shots"),
    ("variant_changes", "var-chg", ("MJ variants (after the 1st) changing size/angle/light/"
                                    "staging / those variants (high is good)")),
)
# The same counted over texts rather than shots (printed in the total, all in --json).
TEXT_METRICS = (
    ("labels", "prompts (any tool, any variant) with a content-free label / prompts"),
    ("cutoffs", "descriptions + prompts with an ellipsis the source lacks there / all"),
    ("nonwords", "descriptions + prompts with a non-word / all"),
    ("nonwords.tokens", "non-words / words checked"),
)


@dataclass
class Tally:
    counts: dict = field(default_factory=dict)       # metric -> [numerator, denominator]

    def add(self, key: str, hit, n: int = 1) -> None:
        num_den = self.counts.setdefault(key, [0, 0])
        num_den[0] += int(hit)
        num_den[1] += n

    def merge(self, other: Tally) -> None:
        for key, (num, den) in other.counts.items():
            mine = self.counts.setdefault(key, [0, 0])
            mine[0] += num
            mine[1] += den

    def get(self, key: str) -> tuple[int, int]:
        num, den = self.counts.get(key, (0, 0))
        return num, den


@dataclass
class BoardReport:
    slug: str
    source: str
    shots: int
    tally: Tally
    nonvisual: list = field(default_factory=list)     # (shot id, kind, cue, sentence)
    labels: Counter = field(default_factory=Counter)
    cutoffs: list = field(default_factory=list)       # (shot id, where, text)
    nonwords: Counter = field(default_factory=Counter)
    nonword_examples: dict = field(default_factory=dict)
    no_subject: list = field(default_factory=list)    # (shot id, subject, description)
    shots_data: list = field(default_factory=list)    # the shots, for the sample


def read_prompt_files(folder: Path, shots: list[dict]) -> dict[str, list[tuple[int | None, str]]]:
    """tool -> [(shot index or None, prompt)], from prompts/<tool>.txt.

    A file has one line per variant, shots in order; the lines are given to
    shots by each shot's number of variants (or one line a shot); when the
    count fits neither, they are kept without a shot."""
    out: dict[str, list[tuple[int | None, str]]] = {}
    per_shot = [len(s.get("prompts", {}).get("variants") or s.get("prompts", {}).get("midjourney")
                    or [None]) for s in shots]
    for path in sorted((folder / "prompts").glob("*.txt")):
        lines = [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
        if len(lines) == sum(per_shot):
            owners = [i for i, n in enumerate(per_shot) for _ in range(n)]
        elif len(lines) == len(shots):
            owners = list(range(len(shots)))
        else:
            owners = [None] * len(lines)
        out[path.stem] = list(zip(owners, lines))
    return out


def measure_board(folder: Path, nlp, dictionary, extra_known: frozenset[str] = frozenset(),
                  style_look: str = "") -> BoardReport:
    """Every figure of one chapter's board.  `extra_known`: words to accept (the
    project file's); `style_look`: the project's style.look, which is in every
    prompt and so says nothing of a shot's own light."""
    data = json.loads((folder / "shots.json").read_text(encoding="utf-8"))
    shots = data.get("shots", [])
    source_path = Path(data.get("source", {}).get("path", ""))
    try:
        with open(source_path, encoding="utf-8-sig") as fh:
            source_text = fh.read()
    except OSError:
        source_text = ""
    chapter = data.get("chapter", {})
    chapter_span = source_text[chapter.get("start", 0):chapter.get("end", len(source_text))]
    names = name_words(data.get("characters"))
    known = source_words(source_text) | names | extra_known
    for loc in data.get("locations", []):
        for name in [loc.get("name") or "", *(loc.get("aliases") or ())]:
            known |= source_words(name)
    rare = rare_bases(known, dictionary)
    scene_time = {s["id"]: s.get("time_of_day") for s in data.get("scenes", [])}
    # Words that are in a prompt whatever the shot: the look, and each character's
    # bible description ("dark hair" is not a dark scene).
    fixed = [style_look] + [c.get("description") or "" for c in data.get("characters", [])]
    fixed.sort(key=len, reverse=True)
    report = BoardReport(slug=folder.name, source=str(source_path), shots=len(shots),
                         tally=Tally(), shots_data=shots)
    t = report.tally

    def span_of(index: int | None) -> str:
        if index is None:
            return chapter_span
        shot = shots[index]
        return source_text[shot.get("start", 0):shot.get("end", 0)]

    def check_text(index: int | None, where: str, text: str, shot_flags: dict) -> None:
        cut = is_cut_off(text, span_of(index))
        t.add("cutoffs", cut)
        sid = shots[index]["id"] if index is not None else "?"
        if cut:
            report.cutoffs.append((sid, where, text))
            shot_flags["cut"] = True
        bad = non_words(text, dictionary, known, rare)
        t.add("nonwords", bool(bad))
        t.add("nonwords.tokens", len(bad), len(checked_words(text)))
        for w in bad:
            report.nonwords[w.lower()] += 1
            report.nonword_examples.setdefault(w.lower(), (sid, where, text))
        if bad:
            shot_flags["nonword"] = True

    flags: list[dict] = [{} for _ in shots]
    docs = nlp.pipe([s.get("description") or "" for s in shots], batch_size=64)
    for i, (shot, doc) in enumerate(zip(shots, docs)):
        description = shot.get("description") or ""
        prompts = shot.get("prompts") or {}
        # 1. non-visual
        findings = classify_description(doc, names)
        t.add("nonvisual", bool(findings))
        for kind in NONVISUAL_KINDS:
            t.add(f"nonvisual.{kind}", any(f.kind == kind for f in findings))
        report.nonvisual += [(shot["id"], f.kind, f.cue, f.sentence) for f in findings]
        # 2. time and light: the first Midjourney and the first Flux variant
        # (and how often that light was assumed, not the prose's own)
        t.add("light_assumed", bool((shot.get("state") or {}).get("light_assumed")))
        for tool in ("midjourney", "flux"):
            variants = prompts.get(tool) or []
            if variants:
                own = without(variants[0], fixed)
                t.add("no_light", not has_time_or_light(own))
                named = names_scene_time(own, scene_time.get(shot.get("scene")))
                if named is not None:
                    t.add("no_scene_time", not named)
        # 4-5 on the description (prompts below, from the files)
        check_text(i, "description", description, flags[i])
        # 6. about someone, nobody in frame
        who = person_subject(doc, names)
        if who is not None:
            empty = not shot.get("subjects")
            t.add("no_subject", empty)
            if empty:
                report.no_subject.append((shot["id"], who, description))
        # 7. video variants
        lists = video_lists(prompts)
        if any(len(v) > 1 for v in lists.values()):
            t.add("same_video", any(all_same(v) for v in lists.values()))
            for key, variants in lists.items():
                if len(variants) > 1:
                    t.add(f"same_video.{key}", all_same(variants))
        if prompts.get("video"):
            t.add("stock_video", bool(STOCK_VIDEO.search(prompts["video"][0])))
        # 8. Midjourney variants
        mj = prompts.get("midjourney") or []
        dull = lens_only_shot(mj)
        if dull is not None:
            t.add("lens_only", dull)
            for other in mj[1:]:
                change = variant_change(mj[0], other)
                t.add("variant_changes", bool(change & {"size", "angle", "light", "staging"}))
                for kind in ("size", "angle", "light", "staging", "lens", "identical"):
                    t.add(f"variant_changes.{kind}", kind in change)
    # 3-5 on every prompt of every tool
    label_shots: set[int] = set()
    for tool, lines in read_prompt_files(folder, shots).items():
        for index, text in lines:
            labels = content_free_labels(text)
            t.add("labels", bool(labels))
            for label in labels:
                report.labels[label] += 1
            if labels and index is not None:
                label_shots.add(index)
            check_text(index, tool, text, flags[index] if index is not None else {})
    for i in range(len(shots)):
        t.add("labels.shots", i in label_shots)
        t.add("cutoffs.shots", flags[i].get("cut", False))
        t.add("nonwords.shots", flags[i].get("nonword", False))
    return report


# ======================================================================
# Boarding
# ======================================================================
@contextmanager
def working_folder(path: Path):
    """Run with `path` as the current folder (so no stray ./novel2board.yaml is read)."""
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def project_file_for(path: Path) -> Path | None:
    folder = path if path.is_dir() else path.parent
    candidate = folder / "novel2board.yaml"
    return candidate if candidate.is_file() else None


def board(paths: list[Path], out: Path, config: Path | None, jobs: int | None,
          empty_dir: Path) -> list[Path]:
    """Board `paths` into `out` (json and prompts); the chapters' output folders."""
    import novel2board
    out.mkdir(parents=True, exist_ok=True)
    paths = [p.resolve() for p in paths]        # before leaving the current folder
    out, config = out.resolve(), config.resolve() if config else None
    with working_folder(empty_dir):
        result = novel2board.build(paths, out=out, config=config,
                                   formats=("json", "prompts"), jobs=jobs)
    return [out / b.slug for b in result.boards]


# ---------------------------------------------------------------- LitBank
EXCERPT_WORDS = 2000
_START_RE = re.compile(r"^\*\*\*\s*START OF.*$", re.MULTILINE | re.IGNORECASE)
_END_RE = re.compile(r"^\*\*\*\s*END OF.*$", re.MULTILINE | re.IGNORECASE)


def strip_gutenberg(text: str) -> str:
    """The body: after the "*** START OF ..." line and before "*** END OF ...", if any."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    start = _START_RE.search(text)
    if start:
        text = text[start.end():]
    end = _END_RE.search(text)
    if end:
        text = text[:end.start()]
    return text


def excerpt(text: str, words: int = EXCERPT_WORDS) -> str:
    """The body's paragraphs up to and including the one that reaches `words` words."""
    taken, count = [], 0
    for para in re.split(r"\n[ \t]*\n", strip_gutenberg(text)):
        if not para.strip():
            continue
        taken.append(para.strip("\n"))
        count += len(para.split())
        if count >= words:
            break
    return "\n\n".join(taken) + "\n"


def gutenberg_number(stem: str) -> int:
    m = re.match(r"\d+", stem)
    return int(m.group(0)) if m else sys.maxsize


def litbank_split(stems) -> dict[str, list[str]]:
    """The fixed split: sorted by Gutenberg number, alternately dev and held-out."""
    ordered = sorted(stems, key=lambda s: (gutenberg_number(s), s))
    return {"dev": ordered[0::2], "held-out": ordered[1::2]}


def write_excerpts(litbank: Path, stems: list[str], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for stem in stems:
        text = (litbank / "original" / f"{stem}.txt").read_text(encoding="utf-8-sig")
        (folder / f"{stem}.txt").write_text(excerpt(text), encoding="utf-8")


# ======================================================================
# Report
# ======================================================================
def pct(num: int, den: int) -> str:
    return f"{100 * num / den:.0f}%" if den else "-"


def cell(tally: Tally, key: str) -> str:
    num, den = tally.get(key)
    return f"{num}/{den} {pct(num, den)}" if den else "-"


def print_group(name: str, reports: list[BoardReport], sample: int, seed: int,
                stream=None, details: bool = True) -> Tally:
    """The group's table and totals; with `details`, also the words, labels,
    sentences and sample shots behind them (never for held-out by default)."""
    stream = stream or sys.stdout
    total = Tally()
    for r in reports:
        total.merge(r.tally)

    def p(*parts) -> None:
        print(*parts, file=stream)

    p(f"\n== {name}: {len(reports)} chapter(s), {sum(r.shots for r in reports)} shots ==")
    headers = ["chapter", "shots"] + [h for _, h, _ in METRICS]
    rows = [[_clip(r.slug, 36), str(r.shots)] + [cell(r.tally, k) for k, _, _ in METRICS]
            for r in reports]
    rows.append(["TOTAL", str(sum(r.shots for r in reports))]
                + [cell(total, k) for k, _, _ in METRICS])
    widths = [max(len(row[i]) for row in rows + [headers]) for i in range(len(headers))]
    p("  ".join(h.ljust(w) for h, w in zip(headers, widths)))
    for row in rows:
        p("  ".join(c.ljust(w) for c, w in zip(row, widths)))
    p("\nin total:")
    for key, header, what in METRICS:
        num, den = total.get(key)
        p(f"  {header:<10} {num:>6} / {den:<6} {pct(num, den):>5}  {what}")
    p("  non-visual by kind: " + ", ".join(
        f"{k} {total.get('nonvisual.' + k)[0]}" for k in NONVISUAL_KINDS))
    p("  MJ variants after the 1st: " + ", ".join(
        f"{k} {total.get('variant_changes.' + k)[0]}" for k in
        ("size", "angle", "light", "staging", "lens", "identical"))
        + f" (of {total.get('variant_changes')[1]})")
    for key, what in TEXT_METRICS:
        num, den = total.get(key)
        p(f"  {'':<10} {num:>6} / {den:<6} {pct(num, den):>5}  {what}")
    p("  same video variants by list: " + ", ".join(
        f"{k[len('same_video.'):]} {cell(total, k)}" for k in sorted(total.counts)
        if k.startswith("same_video.")))
    if not details:
        p("  (held-out: figures only; --show-held-out prints what is behind them)")
        return total
    words = Counter()
    examples = {}
    for r in reports:
        words.update(r.nonwords)
        for w, ex in r.nonword_examples.items():
            examples.setdefault(w, (r.slug, *ex))
    if words:
        p("\nnon-words (count, first place):")
        for w, n in words.most_common(40):
            slug, sid, where, text = examples[w]
            p(f"  {w:<18} {n:>4}  {slug} {sid} {where}")
    labels = Counter()
    for r in reports:
        labels.update(r.labels)
    if labels:
        p("\ncontent-free labels (most common):")
        for label, n in labels.most_common(8):
            p(f"  {n:>5}  {label}")
    kinds = Counter(f[1] for r in reports for f in r.nonvisual)
    if kinds:
        p("\nnon-visual sentences (first two of each kind):")
        for kind in NONVISUAL_KINDS:
            shown = [(r.slug, *f) for r in reports for f in r.nonvisual if f[1] == kind][:2]
            for slug, sid, _, cue, sentence in shown:
                p(f"  {kind:<11} {slug} {sid} [{cue}] {_clip(sentence, 110)}")
    cut = [(r.slug, *c) for r in reports for c in r.cutoffs]
    if cut:
        p(f"\ncut-offs (first 3 of {len(cut)}):")
        for slug, sid, where, text in cut[:3]:
            at = _ellipsis_at(text)
            p(f"  {slug} {sid} {where}: ...{text[max(0, at - 70):at + 4]}")
    empty = [(r.slug, *c) for r in reports for c in r.no_subject]
    if empty:
        p(f"\nabout someone, nobody in frame (first 3 of {len(empty)}):")
        for slug, sid, who, description in empty[:3]:
            p(f"  {slug} {sid} [{who}] {_clip(description, 110)}")
    if sample:
        p(f"\nsample ({sample} shots, seed {seed}):")
        for slug, shot in sample_shots(reports, sample, seed):
            prompts = shot.get("prompts") or {}
            p(f"  -- {slug} {shot['id']} {shot.get('size')} {shot.get('rule')} "
              f"subjects={shot.get('subjects')}")
            p(f"     description: {shot.get('description')}")
            p(f"     midjourney:  {(prompts.get('midjourney') or [''])[0]}")
            p(f"     video:       {(prompts.get('video') or [''])[0]}")
    return total


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 1] + "…"


def _ellipsis_at(text: str) -> int:
    m = _ELLIPSIS_RE.search(text)
    return m.start() if m else 0


def sample_shots(reports: list[BoardReport], n: int, seed: int) -> list[tuple[str, dict]]:
    everything = [(r.slug, s) for r in reports for s in r.shots_data]
    rng = random.Random(seed)
    return rng.sample(everything, min(n, len(everything)))


def group_json(reports: list[BoardReport], total: Tally, sample: int, seed: int,
               details: bool = True) -> dict:
    def figures(tally: Tally) -> dict:
        return {key: {"n": num, "of": den, "share": round(num / den, 4) if den else None}
                for key, (num, den) in sorted(tally.counts.items())}
    if not details:
        return {"total": figures(total),
                "chapters": [{"slug": r.slug, "shots": r.shots, "figures": figures(r.tally)}
                             for r in reports]}
    return {
        "total": figures(total),
        "chapters": [{
            "slug": r.slug, "source": r.source, "shots": r.shots, "figures": figures(r.tally),
            "nonvisual": [dict(zip(("shot", "kind", "cue", "sentence"), f)) for f in r.nonvisual],
            "labels": dict(r.labels.most_common()),
            "cutoffs": [dict(zip(("shot", "where", "text"), c)) for c in r.cutoffs],
            "nonwords": {w: {"count": n, "shot": r.nonword_examples[w][0],
                             "where": r.nonword_examples[w][1]}
                         for w, n in r.nonwords.most_common()},
            "no_subject": [dict(zip(("shot", "subject", "description"), c))
                           for c in r.no_subject],
        } for r in reports],
        "sample": [{"chapter": slug, "shot": s["id"], "description": s.get("description"),
                    "midjourney": ((s.get("prompts") or {}).get("midjourney") or [None])[0],
                    "video": ((s.get("prompts") or {}).get("video") or [None])[0]}
                   for slug, s in sample_shots(reports, sample, seed)],
    }


def git_commit() -> str:
    try:
        rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10,
                             check=False).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True,
                               timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{rev}{' (with uncommitted changes)' if dirty else ''}" if rev else "unknown"


# ======================================================================
# main
# ======================================================================
def parse_args(argv=None):
    ap = argparse.ArgumentParser(
        description="Count what a camera cannot see and an image tool cannot use in "
                    "novel2board's descriptions and prompts (issue #13).",
        epilog="Boarding 10 LitBank excerpts takes about a minute on 2 cores. "
               "The exit status is 0 unless something crashes: this measures, it does "
               "not gate.")
    ap.add_argument("paths", nargs="*", type=Path, metavar="CHAPTER_OR_FOLDER",
                    help="chapters to board (each folder's own novel2board.yaml is used "
                         "if it has one)")
    ap.add_argument("--out", type=Path, default=None,
                    help="keep the boards (and LitBank excerpts) here; default: a "
                         "temporary folder, removed afterwards")
    ap.add_argument("--json", type=Path, default=None, help="write every figure here")
    ap.add_argument("--config", type=Path, default=None,
                    help="project file for the chapters given (default: the one in "
                         "their folder, else none)")
    ap.add_argument("--litbank", type=Path, default=None,
                    help="LitBank folder (with original/<id>.txt): also board "
                         "2,000-word excerpts of its texts, with no project file")
    ap.add_argument("--split", choices=("dev", "held-out", "both"), default="both",
                    help="which half of LitBank to board (default: both, reported apart)")
    ap.add_argument("--limit", type=int, default=10,
                    help="the first K texts of each half (default 10; 0: all 50)")
    ap.add_argument("--sample", type=int, default=5,
                    help="print N shots of each group to read (default 5; 0: none)")
    ap.add_argument("--seed", type=int, default=13, help="seed of the sample (default 13)")
    ap.add_argument("--show-held-out", action="store_true",
                    help="also print (and dump) the sentences, words and sample shots behind "
                         "the held-out figures; by default they are figures only, so that no "
                         "rule is written looking at them")
    ap.add_argument("-j", "--jobs", type=int, default=None,
                    help="boarding processes (default: one per core)")
    ap.add_argument("-v", "--verbose", action="store_true", help="show the pipeline's log")
    args = ap.parse_args(argv)
    if not args.paths and not args.litbank:
        ap.error("give chapters to board, or --litbank DIR, or both")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR,
                        format="%(levelname)s %(name)s: %(message)s")
    from novel2board.analyse import load_nlp
    from novel2board.config import load_config

    with tempfile.TemporaryDirectory(prefix="eval_camera_") as tmp:
        work = args.out.resolve() if args.out else Path(tmp)
        empty = Path(tmp) / "cwd"
        empty.mkdir()
        groups: list[tuple[str, list[Path], Path, Path | None]] = []
        # the chapters given, grouped by the project file each one gets
        by_config: dict[Path | None, list[Path]] = {}
        for path in args.paths:
            if not path.exists():
                raise SystemExit(f"eval_camera: no such file or folder: {path}")
            by_config.setdefault(args.config or project_file_for(path), []).append(path)
        for n, (cfg, paths) in enumerate(by_config.items()):
            name = "chapters" if len(by_config) == 1 else f"chapters ({cfg or 'no project file'})"
            groups.append((name, paths, work / ("chapters" if n == 0 else f"chapters-{n + 1}"),
                           cfg))
        if args.litbank:
            stems = sorted(p.stem for p in (args.litbank / "original").glob("*.txt"))
            if not stems:
                raise SystemExit(f"eval_camera: no texts in {args.litbank / 'original'}")
            halves = litbank_split(stems)
            for half in (("dev", "held-out") if args.split == "both" else (args.split,)):
                chosen = halves[half][:args.limit] if args.limit else halves[half]
                folder = work / "excerpts" / half
                write_excerpts(args.litbank, chosen, folder)
                groups.append((f"LitBank {half}", [folder], work / f"litbank-{half}", None))

        nlp = load_nlp()
        dictionary = Dictionary()
        commit = git_commit()
        print(f"eval_camera on novel2board {commit}")
        dump = {"commit": commit, "argv": sys.argv[1:] if argv is None else list(argv),
                "groups": {}}
        for name, paths, out, cfg in groups:
            started = time.perf_counter()
            print(f"boarding {name}: {', '.join(str(p) for p in paths)} "
                  f"(project file: {cfg or 'none'}) ...", file=sys.stderr, flush=True)
            folders = board(paths, out, cfg, args.jobs, empty)
            extra = source_words(cfg.read_text(encoding="utf-8-sig")) if cfg else frozenset()
            look = load_config(cfg.resolve()).style.look if cfg else ""
            reports = [measure_board(f, nlp, dictionary, extra, look) for f in folders]
            print(f"  {len(folders)} chapter(s) in {time.perf_counter() - started:.0f} s",
                  file=sys.stderr, flush=True)
            details = args.show_held_out or name != "LitBank held-out"
            total = print_group(name, reports, args.sample, args.seed, details=details)
            dump["groups"][name] = group_json(reports, total, args.sample, args.seed, details)
            dump["groups"][name]["paths"] = [str(p) for p in paths]
            dump["groups"][name]["project_file"] = str(cfg) if cfg else None
        dump["metrics"] = {key: what for key, _, what in METRICS} | dict(TEXT_METRICS)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(dump, indent=1, ensure_ascii=False) + "\n",
                                 encoding="utf-8")
            print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
