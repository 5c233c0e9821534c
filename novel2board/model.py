"""The typed values handed from one pipeline stage to the next.

read -> analyse -> scenes -> shots -> prompts -> render/write.  Every stage
takes and returns frozen dataclasses from this module, so a stage can be
tested on its own and nothing downstream depends on a dict's magic keys.

All offsets (`start`, `end`) are Python string indices into the source
file's text as `open(path, encoding="utf-8-sig").read()` returns it, also
when that file holds several chapters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Gender = Literal["female", "male", "unknown"]
Setting = Literal["INT", "EXT", "INT/EXT"]
TimeOfDay = Literal[
    "DAWN", "MORNING", "DAY", "AFTERNOON", "EVENING", "DUSK", "NIGHT",
    "CONTINUOUS", "LATER",
]


# --------------------------------------------------------------------- read
@dataclass(frozen=True)
class Source:
    """One input file, decoded."""

    path: Path
    text: str
    sha256: str
    encoding: str = "utf-8"
    # Warnings about the file itself (encoding, language), for shots.json.
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the chapter body; `text` is `source.text[start:end]`."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class ChapterText:
    """A chapter as read from the source, before any language analysis."""

    number: int
    title: str
    slug: str
    start: int          # the chapter heading (or the file start)
    end: int
    paragraphs: tuple[Paragraph, ...]
    # Offsets of explicit scene-break markers ("* * *", "#", "---", ...).
    breaks: tuple[int, ...] = ()


# ------------------------------------------------------------------ analyse
# The id of a first-person narrator whom the chapter does not name.
NARRATOR_ID = "narrator"


@dataclass(frozen=True)
class Character:
    id: str
    name: str
    aliases: tuple[str, ...]
    gender: Gender
    mentions: int
    description: str | None = None
    narrator: bool = False
    # How the text itself shows them, for a character with no bible entry:
    # "a boatman in a wet oilcloth coat", "the officer in grey". None when
    # the text says nothing a camera could see.
    look: str | None = None

    @property
    def display_name(self) -> str:
        """How a shot description calls them: a first-person narrator no
        chapter names is "the narrator", everyone else by their name."""
        return "the narrator" if self.id == NARRATOR_ID else self.name


@dataclass(frozen=True)
class Mention:
    """A span of text that refers to a character (name, alias or pronoun)."""

    start: int
    end: int
    character: str      # character id
    kind: Literal["name", "pronoun", "narrator"] = "name"


@dataclass(frozen=True)
class Location:
    id: str
    name: str
    aliases: tuple[str, ...]
    setting: Setting | None
    description: str | None = None


@dataclass(frozen=True)
class LocationMention:
    start: int
    end: int
    location: str       # location id


@dataclass(frozen=True)
class Quote:
    id: str
    start: int
    end: int
    text: str
    paragraph: int                  # index into ChapterText.paragraphs
    speaker: str | None = None      # character id
    sieve: str | None = None        # which attribution rule decided


@dataclass(frozen=True)
class Analysis:
    """What the language analysis of one chapter found."""

    characters: tuple[Character, ...]
    mentions: tuple[Mention, ...]
    locations: tuple[Location, ...]
    location_mentions: tuple[LocationMention, ...]
    quotes: tuple[Quote, ...]
    language: str = "en"
    warnings: tuple[str, ...] = ()


# ------------------------------------------------------------------- scenes
@dataclass(frozen=True)
class Scene:
    id: str
    number: int
    heading: str
    setting: Setting | None
    location: str | None            # location id
    time_of_day: TimeOfDay | None
    characters: tuple[str, ...]     # character ids, in order of appearance
    start: int
    end: int
    paragraphs: tuple[int, ...]     # paragraph indices
    summary: str
    # Why the scene starts here: "chapter-start", "break", "time-jump",
    # "location-change" or "cast-change".
    cause: str = "chapter-start"
    transition_in: str = "CUT TO:"


# -------------------------------------------------------------------- shots
@dataclass(frozen=True)
class DialogueLine:
    quote: str                      # quote id
    speaker: str | None
    text: str                       # the quote as written (its source slice)
    # The line as the sheets, HTML and CSV show it (shots/dialogue.py,
    # `shown_lines`): the comma that led into "she said" made a full stop, a
    # line a tag broke in two joined into its first piece, whose second piece
    # then shows "".  None: shown as written.
    display: str | None = None

    @property
    def shown(self) -> str:
        return self.text if self.display is None else self.display


@dataclass(frozen=True)
class ShotState:
    """What holds in the scene at the moment of a shot, carried from shot to
    shot until the prose changes it, so every prompt of a scene states the
    same light and nobody sits down and is drawn standing."""

    time_of_day: str = ""           # "night", "dawn", "late afternoon"
    light: str = ""                 # "moonlight through the west window", "lamplight"
    # True when the prose names no light nor time of day: `light` is then
    # camera.yaml's `unstated_light` for the setting, not the novel's.
    light_assumed: bool = False
    weather: str = ""               # "heavy rain", "fog"
    spot: str = ""                  # "at the edge of the crater"
    # (character id, "seated"/"standing"/"lying"/...), (character id, "a mug")
    postures: tuple[tuple[str, str], ...] = ()
    holding: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Shot:
    id: str
    scene: str
    number: int
    size: str
    framing: str
    angle: str
    movement: str
    lens_mm: int
    subjects: tuple[str, ...]
    description: str
    dialogue: tuple[DialogueLine, ...]
    duration_s: float
    start: int
    end: int
    rule: str
    flags: tuple[str, ...] = ()
    # Screen side per subject ("left"/"right"), kept across an exchange.
    screen: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()     # suggestions attached to flags
    # The cut into this shot when it opens a scene ("CUT TO:", "DISSOLVE TO:").
    transition: str = ""
    # What the prose says here that no camera can see (thought, feeling,
    # backstory, summary, speculation, reported speech), kept for the sheet.
    subtext: tuple[str, ...] = ()
    # A first-person narrator's interior lines, spoken as voice-over (V.O.).
    vo: tuple[str, ...] = ()
    state: ShotState = field(default_factory=ShotState)


@dataclass(frozen=True)
class Omitted:
    start: int
    end: int
    reason: str


# ------------------------------------------------------------------ prompts
@dataclass(frozen=True)
class SdxlPrompt:
    prompt: str
    negative: str
    # The prompt cut where each character starts, when it is longer than one
    # CLIP chunk: the ComfyUI export encodes each piece on its own, so every
    # character's description begins a 75-token chunk of its own.
    chunks: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShotPrompts:
    """Prompt drafts for one shot, one entry per variant for each tool."""

    midjourney: tuple[str, ...]
    flux: tuple[str, ...]
    sdxl: tuple[SdxlPrompt, ...]
    video: tuple[str, ...]
    kontext: tuple[str, ...] = ()
    variant_names: tuple[str, ...] = ()
    seeds: tuple[int, ...] = ()
    # Further prompt lists by output name: each is written to
    # prompts/<name>.txt and to shots.json as prompts.<name> (e.g.
    # "video_kling", "video_kling_negative", "video_runway", "video_veo").
    extra: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Per video tool, the clip lengths (s) that cover the shot, e.g. ("kling", (10, 5)).
    video_clips: tuple[tuple[str, tuple[int, ...]], ...] = ()


# -------------------------------------------------------------------- board
@dataclass(frozen=True)
class Totals:
    runtime_s: float
    scene_runtime_s: tuple[tuple[str, float], ...]
    production_days: float
    seconds_per_day: float


@dataclass(frozen=True)
class Board:
    """Everything known about one chapter: what the writers serialise."""

    source: Source
    chapter: ChapterText
    analysis: Analysis
    scenes: tuple[Scene, ...]
    shots: tuple[Shot, ...]
    omitted: tuple[Omitted, ...]
    prompts: dict[str, ShotPrompts] = field(hash=False, compare=False)
    totals: Totals | None = None
    warnings: tuple[str, ...] = ()
    # Characters in frame without a description: the run names them all in
    # one warning (each chapter's `warnings` has its own list).
    undescribed: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        return self.chapter.slug
