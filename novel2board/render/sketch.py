"""The drawn placeholder of a frame with no picture: the framing at a glance.

A frame is placed on a standing human figure measured in head heights
(7.5 heads tall: chin at 1, shoulders 1.35, chest 2.2, waist 3, crotch 4,
feet 7.5).  Each shot size says where the frame's bottom edge cuts the body
and how much room is left above the head, which fixes the head height in
frame units: an MS shows the figure from the waist up with the head in the
upper third, a CU the face and the top of the shoulders, an FS the whole
body with a little room above and below.

The horizon follows the camera angle: at eye level it runs through the
figures' eyes (the camera stands at eye height), high angles lift it,
low angles drop it, a dutch angle tilts the whole frame, an overhead shot
has none and shows the figures from above.  Figures stand on their recorded
screen side; the near shoulder of an over-the-shoulder shot is seen from
behind at the frame edge.

Geometry only, in frame units: templates/frame.svg.j2 draws it (the figure
silhouette lives there, in head units), so the look can change without code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SizeFrame:
    """How a shot size crops a standing figure."""

    bottom_heads: float     # head heights from the top of the head to the frame's bottom edge
    headroom: float         # share of the frame height above the head
    standing: bool = False  # the whole figure shows: feet on a ground line


# The body is 7.5 heads; the figure's feet are at 7.5.
_SIZES = {
    "EWS": SizeFrame(bottom_heads=48.0, headroom=0.50, standing=True),
    "WS": SizeFrame(bottom_heads=17.0, headroom=0.33, standing=True),
    "FS": SizeFrame(bottom_heads=8.4, headroom=0.05, standing=True),
    "MS": SizeFrame(bottom_heads=3.4, headroom=0.05),      # waist up, head in the upper third
    "MCU": SizeFrame(bottom_heads=2.3, headroom=0.08),     # chest up
    "CU": SizeFrame(bottom_heads=1.45, headroom=0.04),     # face and shoulder tops
    "ECU": SizeFrame(bottom_heads=0.62, headroom=-1.0),    # eyes: the head overflows
}
_DEFAULT_SIZE = _SIZES["MS"]
EYE_LINE = 0.45             # eyes sit 0.45 head heights below the top of the head
# Where the horizon sits, as a share of the frame height from the top, for
# the angles that do not simply put it at eye level.
_HORIZON = {"high": 0.12, "low": 0.86, "worms-eye": 0.97}
DUTCH_TILT = 9.0
# The foreground shoulder of an OTS is this much larger than the subject.
OTS_NEAR_SCALE = 1.45
MAX_FIGURES = 5


@dataclass(frozen=True)
class Figure:
    cx: float           # centre line, frame units
    top: float          # top of the head, frame units
    head: float         # head height, frame units (the template's unit figure is 1 head tall)
    view: str           # "front", "back" (seen from behind) or "top" (from overhead)
    facing: int         # -1 looks screen-left, 1 screen-right, 0 at the camera
    # "seated" draws the figure on a seat, its head two heads lower; "lying"
    # lays it along the ground, `top` then being the top of the body, not
    # the head (the shot's state: a character the prose sat down or laid
    # down is not drawn standing).
    posture: str = "standing"
    # What the figure holds, as one word drawn at its hand ("mug"): the
    # shot's state, so a sketch and its prompt agree on the prop.
    holding: str = ""

    @property
    def eye_y(self) -> float:
        return self.top + EYE_LINE * self.head


@dataclass(frozen=True)
class Sketch:
    width: float
    height: float
    horizon: float | None     # None: no horizon in frame (overhead)
    tilt: float               # degrees, for a dutch angle
    figures: tuple[Figure, ...]
    insert: bool              # an object, not people
    pov: bool
    movement: str


def figure_count(shot) -> int:
    if shot.size == "INSERT":
        return 0
    if shot.framing == "none" and not shot.subjects:
        return 0
    if shot.framing in ("two-shot", "OTS"):
        return 2
    if shot.framing == "group":
        return max(3, min(len(shot.subjects), MAX_FIGURES))
    # A single (or a POV, or a frame with no stated framing) shows one person;
    # the others named in the shot are off screen.
    return 1


def _head_and_top(size: str, height: float) -> tuple[float, float]:
    """Head height and the y of the top of the head, for a shot size."""
    spec = _SIZES.get(size, _DEFAULT_SIZE)
    top = height * spec.headroom
    head = (height - top) / spec.bottom_heads
    return head, top


SHOULDERS = 2.2            # shoulder width, in head heights


def _x_positions(count: int, sides: list[str | None], width: float,
                 head: float) -> list[float]:
    """Centre lines: a lone figure on its side's third, several spread out
    evenly, none cut by the frame edge."""
    if count == 1:
        return [width * {"left": 0.36, "right": 0.64}.get(sides[0] or "", 0.5)]
    margin = max(SHOULDERS * head / 2 + 0.02 * width,
                 {2: 0.22, 3: 0.15}.get(count, 0.0) * width)
    step = (width - 2 * margin) / (count - 1)
    xs = [margin + step * i for i in range(count)]
    # Two people keep their screen sides (the 180-degree rule): swap if the
    # recorded sides say the first subject stands on the right.
    if count == 2 and (sides[0] == "right" or sides[1] == "left"):
        xs.reverse()
    return xs


def _facing(x: float, width: float, count: int, side: str | None) -> int:
    """Towards the middle of the frame: at the other figures, or at the one
    off screen when a single keeps its side of the exchange."""
    if count == 1 and side is None:
        return 0
    return 1 if x < width / 2 else -1


def _figures(shot, width: float, height: float) -> list[Figure]:
    count = figure_count(shot)
    if count == 0:
        return []
    head, top = _head_and_top(shot.size, height)
    side_of = dict(shot.screen)
    subjects = list(shot.subjects) + [None] * count
    sides = [side_of.get(c) if c else None for c in subjects[:count]]
    view = "top" if shot.angle == "overhead" else "front"
    if shot.framing == "OTS" and count >= 2:
        return _ots(width, height, head, top, sides, view)
    # Several people side by side must fit across the frame (shoulders are
    # about 2.2 heads wide): a tight group shot is in practice a little wider.
    head = min(head, width * 0.86 / (count * SHOULDERS)) if count > 1 else head
    spec = _SIZES.get(shot.size, _DEFAULT_SIZE)
    if spec.standing and shot.angle in ("low", "worms-eye"):
        # Looking up: the feet stand near the bottom edge, the figure towers
        # over a low horizon.
        top = height * 0.96 - 7.5 * head
    figures = []
    state = getattr(shot, "state", None)
    postures = dict(state.postures) if state else {}
    held = dict(state.holding) if state else {}
    for i, x in enumerate(_x_positions(count, sides, width, head)):
        posture = _drawn_posture(postures.get(subjects[i]))
        # Only a full figure shows the seat or the ground: a medium shot or
        # closer frames the person as it would a standing one (the camera
        # goes down with them).
        posture = posture if spec.standing and view != "top" else "standing"
        drop = SEATED_DROP * head if posture == _SEATED \
            else (7.5 - LYING_THICKNESS) * head if posture == _LYING else 0.0
        figures.append(Figure(cx=round(x, 2), top=round(top + drop, 2), head=round(head, 2),
                              view=view, facing=_facing(x, width, count, sides[i]),
                              posture=posture, holding=_prop_word(held.get(subjects[i]))))
    return figures


def _drawn_posture(word: str | None) -> str:
    if word in _SEATED_WORDS:
        return _SEATED
    if word in _LYING_WORDS:
        return _LYING
    return "standing"


def _prop_word(phrase: str | None) -> str:
    """The noun of what is held ("a brass key" -> "key"), to label the
    prop drawn at the hand."""
    words = [w for w in (phrase or "").split() if w.isalpha()]
    return words[-1].lower() if words else ""


_SEATED = "seated"
# Postures (templates/camera.yaml `postures`) drawn as sitting.
_SEATED_WORDS = frozenset({"seated", "kneeling", "crouching", "perched", "slumped", "sprawled"})
# A seated body is about 5.5 heads from the top of the head to the floor.
SEATED_DROP = 2.0
_LYING = "lying"
_LYING_WORDS = frozenset({"lying down", "lying", "prone", "supine", "asleep"})
# A body lying on its back is about this many heads high off the ground.
LYING_THICKNESS = 0.7


# Screen sides from left to right: who of two stands further left.
_SIDE_ORDER = {"left": 0, "center-left": 1, "center": 2, "center-right": 3, "right": 4}


def _ots(width, height, head, top, sides, view) -> list[Figure]:
    """Subject facing us on one side, the listener's shoulder near the other
    edge: the edge on the listener's side of the subject (a listener at
    "center" is left of a subject at "right"), so the 180-degree line holds
    in three-way talk too."""
    subject_side, near_side = sides[0], sides[1]
    if near_side is None:
        near_side = "left" if subject_side == "right" else "right"
    elif near_side in _SIDE_ORDER and subject_side in _SIDE_ORDER \
            and near_side != subject_side:
        near_side = "left" if _SIDE_ORDER[near_side] < _SIDE_ORDER[subject_side] else "right"
    near_head = head * OTS_NEAR_SCALE
    # In a tall frame (9:16) the near head would hide the subject: push it
    # half out of frame and cap its size by the frame's width.
    tall = width < height
    edge = 0.0 if tall else 0.06
    if tall:
        near_head = min(near_head, width * 0.75)
    near_x = width * (edge if near_side == "left" else 1 - edge)
    subject_x = width * (0.64 if near_side == "left" else 0.36)
    # The near figure's eyes sit level with the subject's, the usual eyeline.
    near_top = top + EYE_LINE * head - EYE_LINE * near_head + height * 0.08
    subject = Figure(cx=round(subject_x, 2), top=round(top, 2), head=round(head, 2),
                     view=view, facing=-1 if near_side == "left" else 1)
    near = Figure(cx=round(near_x, 2), top=round(near_top, 2), head=round(near_head, 2),
                  view="back" if view == "front" else view, facing=0)
    return [subject, near]


def _horizon(shot, figures: list[Figure], height: float) -> float | None:
    if shot.angle == "overhead":
        return None
    if shot.angle in _HORIZON:
        return round(height * _HORIZON[shot.angle], 2)
    if figures:
        # Eye level: the camera is at eye height, so the horizon runs
        # through the eyes of the figures (the subject's, in an OTS).
        return round(figures[0].eye_y, 2)
    return round(height * 0.45, 2)


def sketch(shot, width: float = 160.0, aspect: float = 16 / 9) -> Sketch:
    height = round(width / aspect, 2)
    figures = _figures(shot, width, height)
    return Sketch(width=width, height=height, horizon=_horizon(shot, figures, height),
                  tilt=DUTCH_TILT if shot.angle == "dutch" else 0.0,
                  figures=tuple(figures), insert=shot.size == "INSERT",
                  pov=shot.framing == "POV", movement=shot.movement)
