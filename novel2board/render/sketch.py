"""The drawn placeholder of a frame with no picture: the framing at a glance.

Figure scale follows the shot size, the horizon the camera angle, figures
stand on their recorded screen side.  Geometry only; templates/frame.svg.j2
draws it, so the look can be changed without touching code.
"""

from __future__ import annotations

from dataclasses import dataclass

# Figure height as a share of the frame height, by shot size.
_FIGURE_SCALE = {"EWS": 0.12, "WS": 0.3, "FS": 0.8, "MS": 1.5, "MCU": 2.1,
                 "CU": 3.2, "ECU": 6.0}
# Horizon height from the top, as a share of the frame, by camera angle.
_HORIZON = {"eye-level": 0.45, "high": 0.2, "overhead": 0.05, "low": 0.75,
            "worms-eye": 0.9, "dutch": 0.45}


@dataclass(frozen=True)
class Figure:
    cx: float
    head_cy: float
    head_r: float
    body_top: float
    body_w: float
    body_h: float
    back: bool          # seen from behind (the near shoulder of an OTS)


@dataclass(frozen=True)
class Sketch:
    width: float
    height: float
    horizon: float
    tilt: float               # degrees, for a dutch angle
    figures: tuple[Figure, ...]
    insert: bool              # an object, not people
    pov: bool


def sketch(shot, width: float = 160.0, aspect: float = 16 / 9) -> Sketch:
    height = round(width / aspect, 1)
    horizon = height * _HORIZON.get(shot.angle, 0.45)
    insert = shot.size == "INSERT"
    figures: list[Figure] = []
    if not insert:
        count = max(1, min(len(shot.subjects), 5)) if shot.subjects or shot.framing != "none" else 0
        if shot.framing == "none" and not shot.subjects:
            count = 0
        scale = _FIGURE_SCALE.get(shot.size, 1.0)
        fig_h = height * scale
        head_r = fig_h * 0.09
        ground = height * (0.92 if shot.size in ("EWS", "WS", "FS") else 1.0)
        sides = dict(shot.screen)
        for i in range(count):
            cid = shot.subjects[i] if i < len(shot.subjects) else None
            side = sides.get(cid)
            if count == 1:
                cx = width * (0.38 if side == "left" else 0.62 if side == "right" else 0.5)
            else:
                cx = width * (0.2 + 0.6 * i / (count - 1))
                if side == "left":
                    cx = min(cx, width * 0.4)
                elif side == "right":
                    cx = max(cx, width * 0.6)
            back = shot.framing == "OTS" and i == 1
            if back:
                cx = width * (0.12 if side == "left" else 0.88)
            top = ground - fig_h
            figures.append(Figure(cx=round(cx, 1), head_cy=round(top + head_r, 1),
                                  head_r=round(head_r, 1),
                                  body_top=round(top + head_r * 2.1, 1),
                                  body_w=round(head_r * 3.2, 1),
                                  body_h=round(fig_h - head_r * 2.1, 1), back=back))
    return Sketch(width=width, height=height, horizon=round(horizon, 1),
                  tilt=8.0 if shot.angle == "dutch" else 0.0, figures=tuple(figures),
                  insert=insert, pov=shot.framing == "POV")
