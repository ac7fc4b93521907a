"""RouteLLM's router metrics: the cost-quality curve, APGR and CPT(x%).

A router is swept over its threshold; each setting gives one point (x, quality), x being the share of
strong-tier calls (RouteLLM's axis) or the normalised cost (0 = always weak, 1 = always strong).

- APGR (average performance gap recovered) = (area under the curve - weak area) / (strong area - weak area),
  with areas taken by the trapezoid rule over the x range the curve spans (RouteLLM `evaluate.py`).
- CPT(p) (call-performance threshold) = the smallest x at which the curve reaches weak + p * (strong - weak),
  linear between points; RouteLLM computes it with `np.interp(target, quality, x)`, which is the same number
  on a curve whose quality rises with x. None when the curve never reaches it.

Random routing at share s has expected quality weak + s * (strong - weak): APGR 0.5, CPT(p) = p.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True)
class CurvePoint:
    x: float  # share of strong calls, or normalised cost
    quality: float  # pass rate
    label: str = ""


def _sorted(points: Sequence[CurvePoint]) -> list[CurvePoint]:
    return sorted(points, key=lambda p: (p.x, p.quality))


def clip_curve(points: Sequence[CurvePoint], lo: float = 0.0, hi: float = 1.0) -> list[CurvePoint]:
    """The curve restricted to lo <= x <= hi, with points interpolated at the cuts."""
    pts = _sorted(points)
    out: list[CurvePoint] = []
    for a, b in pairwise(pts):
        for cut in (lo, hi):
            if a.x < cut < b.x:
                t = (cut - a.x) / (b.x - a.x)
                out.append(CurvePoint(cut, a.quality + t * (b.quality - a.quality)))
    out += [p for p in pts if lo <= p.x <= hi]
    return _sorted(out)


def area(points: Sequence[CurvePoint]) -> float:
    """Trapezoid-rule area under the curve (np.trapz over points sorted by x)."""
    pts = _sorted(points)
    return sum((b.x - a.x) * (a.quality + b.quality) / 2 for a, b in pairwise(pts))


def apgr(points: Sequence[CurvePoint], weak: float, strong: float) -> float | None:
    """Average performance gap recovered; None when strong == weak (undefined without a gap)."""
    pts = _sorted(points)
    if strong == weak or len(pts) < 2:
        return None
    span = pts[-1].x - pts[0].x
    if span <= 0:
        return None
    return (area(pts) - weak * span) / ((strong - weak) * span)


def cpt(points: Sequence[CurvePoint], weak: float, strong: float, share: float) -> float | None:
    """The smallest x at which the curve reaches weak + share * (strong - weak); None if it never does."""
    target = weak + share * (strong - weak)
    pts = _sorted(points)
    if not pts:
        return None
    if pts[0].quality >= target:
        return pts[0].x
    for a, b in pairwise(pts):
        if b.quality >= target > a.quality:
            return a.x + (target - a.quality) / (b.quality - a.quality) * (b.x - a.x)
    return None


def random_curve(weak: float, strong: float, steps: int = 10) -> list[CurvePoint]:
    """Random routing's expected curve: the diagonal from always-weak to always-strong."""
    return [CurvePoint(i / steps, weak + i / steps * (strong - weak)) for i in range(steps + 1)]


def mixed_curve(point: CurvePoint, weak: float, strong: float) -> list[CurvePoint]:
    """A single-setting router's curve: mixing it at random with always-weak and always-strong reaches every
    point on the segments weak-router and router-strong."""
    return [CurvePoint(0.0, weak, "always weak"), point, CurvePoint(1.0, strong, "always strong")]


@dataclass(frozen=True)
class CurveSummary:
    apgr: float | None
    cpt50: float | None
    cpt80: float | None


def summarise(points: Sequence[CurvePoint], weak: float, strong: float) -> CurveSummary:
    """APGR over 0 <= x <= 1 (cost beyond always-strong's is cut) and CPT(50%), CPT(80%)."""
    pts = clip_curve(points)
    return CurveSummary(apgr(pts, weak, strong), cpt(pts, weak, strong, 0.5), cpt(pts, weak, strong, 0.8))
