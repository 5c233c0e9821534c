"""The drawn placeholder frames: figure scale by shot size, horizon by angle,
figure count by framing, screen sides; and the SVG template renders them."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest

from novel2board.render.sketch import EYE_LINE, figure_count, sketch
from novel2board.templating import render

ASPECTS = {"2.39:1": 2.39, "16:9": 16 / 9, "1:1": 1.0, "9:16": 9 / 16}
SIZES = ["EWS", "WS", "FS", "MS", "MCU", "CU", "ECU"]


def shot(size="MS", framing="single", angle="eye-level", movement="static",
         subjects=("a",), screen=()):
    return SimpleNamespace(size=size, framing=framing, angle=angle, movement=movement,
                           subjects=tuple(subjects), screen=tuple(screen))


@pytest.mark.parametrize("aspect", ASPECTS.values(), ids=ASPECTS.keys())
def test_medium_shot_is_waist_up_with_the_head_in_the_upper_third(aspect):
    s = sketch(shot("MS"), aspect=aspect)
    (f,) = s.figures
    assert f.top >= 0, "the head leaves the frame"
    assert f.top + f.head <= s.height / 3, "the head is not in the upper third"
    heads_in_frame = (s.height - f.top) / f.head
    # waist at 3 heads, crotch at 4: the frame's bottom edge cuts between
    assert 3.0 <= heads_in_frame <= 3.8


@pytest.mark.parametrize("aspect", ASPECTS.values(), ids=ASPECTS.keys())
@pytest.mark.parametrize("size,lo,hi", [("MCU", 2.0, 2.8), ("CU", 1.2, 1.7)])
def test_close_sizes_keep_the_whole_head_in_frame(aspect, size, lo, hi):
    s = sketch(shot(size), aspect=aspect)
    (f,) = s.figures
    assert f.top >= 0 and f.top + f.head <= s.height
    assert lo <= (s.height - f.top) / f.head <= hi


@pytest.mark.parametrize("size", ["FS", "WS", "EWS"])
def test_full_figures_stand_inside_the_frame(size):
    s = sketch(shot(size), aspect=2.39)
    (f,) = s.figures
    assert f.top >= 0 and f.top + 7.5 * f.head <= s.height


def test_the_figure_grows_with_each_step_closer():
    heads = [sketch(shot(size)).figures[0].head for size in SIZES]
    assert heads == sorted(heads) and len(set(heads)) == len(heads)


def test_extreme_close_up_puts_the_eyes_mid_frame_and_overflows_the_head():
    s = sketch(shot("ECU"))
    (f,) = s.figures
    assert f.top < 0 and f.head > s.height
    assert 0.3 * s.height < f.eye_y < 0.6 * s.height


def test_eye_level_horizon_runs_through_the_eyes():
    s = sketch(shot("FS"))
    assert s.horizon == pytest.approx(s.figures[0].top + EYE_LINE * s.figures[0].head, abs=0.01)


def test_horizon_follows_the_camera_angle():
    level = sketch(shot("WS")).horizon
    high = sketch(shot("WS", angle="high")).horizon
    low = sketch(shot("WS", angle="low")).horizon
    worm = sketch(shot("WS", angle="worms-eye")).horizon
    assert high < level < low < worm
    assert sketch(shot("WS", angle="overhead")).horizon is None
    assert sketch(shot("WS", angle="dutch")).tilt != 0
    assert sketch(shot("WS")).tilt == 0


def test_overhead_shows_figures_from_above():
    s = sketch(shot("MS", angle="overhead", framing="two-shot", subjects=("a", "b")))
    assert {f.view for f in s.figures} == {"top"}


def test_low_angle_wide_shot_has_the_figure_towering_over_the_horizon():
    s = sketch(shot("WS", angle="low"))
    f = s.figures[0]
    assert f.top < s.horizon and f.top + 7.5 * f.head > s.horizon


@pytest.mark.parametrize("framing,subjects,count", [
    ("single", ("a", "b", "c"), 1), ("two-shot", ("a", "b"), 2), ("OTS", ("a", "b"), 2),
    ("group", ("a", "b", "c", "d"), 4), ("group", ("a",), 3),
    ("group", tuple("abcdefgh"), 5), ("none", (), 0), ("POV", ("a",), 1)])
def test_number_of_figures_by_framing(framing, subjects, count):
    s = shot("WS", framing=framing, subjects=subjects)
    assert figure_count(s) == count == len(sketch(s).figures)


def test_an_insert_draws_an_object_not_people():
    s = sketch(shot("INSERT", framing="none"))
    assert s.insert and not s.figures


def test_figures_keep_their_screen_sides():
    left = sketch(shot("MCU", screen=(("a", "left"),)))
    right = sketch(shot("MCU", screen=(("a", "right"),)))
    assert left.figures[0].cx < left.width / 2 < right.figures[0].cx
    assert left.figures[0].facing == 1 and right.figures[0].facing == -1
    pair = sketch(shot("MS", framing="two-shot", subjects=("a", "b"),
                       screen=(("a", "right"), ("b", "left"))))
    a, b = pair.figures
    assert a.cx > b.cx, "the 180-degree rule: a stays screen-right"
    assert a.facing == -1 and b.facing == 1, "they look at each other"


def test_over_the_shoulder_puts_the_listener_back_to_camera_at_their_edge():
    s = sketch(shot("MCU", framing="OTS", subjects=("speaker", "listener"),
                    screen=(("speaker", "left"), ("listener", "right"))))
    subject, near = s.figures
    assert near.view == "back" and subject.view == "front"
    assert near.cx > s.width * 0.8 and subject.cx < s.width / 2
    assert near.head > subject.head


@pytest.mark.parametrize("speaker,listener,near_left", [
    ("right", "center", True), ("left", "center", False), ("center", "center-left", True),
    ("center-left", "right", False), ("right", "left", True)])
def test_the_listeners_shoulder_is_on_their_side_of_the_speaker(speaker, listener, near_left):
    # Three people talking: Juno (right) speaks to Edda (center), who stands
    # left of her on screen, so Edda's shoulder is at the left edge.
    s = sketch(shot("MCU", framing="OTS", subjects=("speaker", "listener"),
                    screen=(("speaker", speaker), ("listener", listener))))
    subject, near = s.figures
    assert (near.cx < subject.cx) is near_left
    assert subject.facing == (-1 if near_left else 1)       # looking at the listener


def test_tall_frames_keep_the_ots_subject_visible():
    s = sketch(shot("MCU", framing="OTS", subjects=("a", "b"),
                    screen=(("a", "left"), ("b", "right"))), aspect=9 / 16)
    subject, near = s.figures
    # the head is 0.74 heads wide: the near head must not cover the subject's face
    assert near.cx - 0.37 * near.head > subject.cx + 0.37 * subject.head


def test_a_group_fits_across_the_frame():
    s = sketch(shot("MS", framing="group", subjects=tuple("abcde")), aspect=16 / 9)
    xs = sorted(f.cx for f in s.figures)
    widest = max(f.head for f in s.figures) * 2.2
    assert xs[0] - widest / 2 >= 0 and xs[-1] + widest / 2 <= s.width
    assert all(b - a >= widest * 0.95 for a, b in zip(xs, xs[1:]))


MOVES = ["static", "pan", "tilt", "dolly-in", "dolly-out", "truck", "pedestal", "crane",
         "tracking", "handheld", "orbit", "zoom"]


@pytest.mark.parametrize("size,framing,angle", list(itertools.product(
    SIZES + ["INSERT"], ["single", "two-shot", "OTS", "group", "POV", "none"],
    ["eye-level", "high", "low", "dutch", "overhead", "worms-eye"]))[::7])
def test_the_template_draws_valid_svg(size, framing, angle):
    for movement in MOVES[::3]:
        svg = render(None, "frame.svg.j2", "a test frame",
                     s=sketch(shot(size, framing, angle, movement, ("a", "b"))))
        root = ET.fromstring(svg)
        assert root.tag.endswith("svg")


def test_movement_is_drawn_as_an_arrow_and_static_is_not():
    def arrows(movement):
        svg = render(None, "frame.svg.j2", "t", s=sketch(shot(movement=movement)))
        return svg.count("<polygon")
    assert arrows("static") == 0
    assert arrows("pan") == 1 and arrows("dolly-in") == 4


def test_a_seated_character_is_drawn_seated_and_lower():
    from novel2board.model import ShotState
    standing = sketch(shot("FS"), aspect=16 / 9)
    seated_shot = SimpleNamespace(**vars(shot("FS")),
                                  state=ShotState(postures=(("a", "seated"),)))
    seated = sketch(seated_shot, aspect=16 / 9)
    assert seated.figures[0].posture == "seated" and standing.figures[0].posture == "standing"
    assert seated.figures[0].top > standing.figures[0].top
    svg = render(None, "frame.svg.j2", "test", s=seated)
    ET.fromstring(svg)
    assert "<rect" in svg                          # the seat


def test_a_lying_character_is_drawn_along_the_ground():
    from novel2board.model import ShotState
    standing = sketch(shot("FS"), aspect=16 / 9)
    lying = sketch(SimpleNamespace(**vars(shot("FS")),
                                   state=ShotState(postures=(("a", "lying down"),))),
                   aspect=16 / 9)
    assert lying.figures[0].posture == "lying"
    feet = standing.figures[0].top + 7.5 * standing.figures[0].head
    # the body's top is near the ground the standing figure's feet are on
    assert feet - 1.0 * lying.figures[0].head < lying.figures[0].top < feet
    svg = render(None, "frame.svg.j2", "test", s=lying)
    assert "rotate(-90)" in svg
    ET.fromstring(svg)
    # closer than a full figure, the camera goes down with them: upright
    close = sketch(SimpleNamespace(**vars(shot("MS")),
                                   state=ShotState(postures=(("a", "lying down"),))))
    assert close.figures[0].posture == "standing"


@pytest.mark.parametrize("size, drawn", [("FS", True), ("MS", True), ("CU", False)])
def test_what_a_character_holds_is_drawn_and_labelled_at_the_hand(size, drawn):
    from novel2board.model import ShotState
    held = sketch(SimpleNamespace(**vars(shot(size)),
                                  state=ShotState(holding=(("a", "a chipped mug"),))))
    assert held.figures[0].holding == "mug"
    svg = render(None, "frame.svg.j2", "test", s=held)
    ET.fromstring(svg)
    assert (">mug</text>" in svg) is drawn      # a close-up shows no hands
