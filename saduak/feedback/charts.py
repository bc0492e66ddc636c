"""The trend chart of an area's happiness as an SVG drawn on the server, so it
shows without JavaScript; the same figures are given as a table beside it."""

from dataclasses import dataclass
from datetime import date

from saduak.feedback.selectors.index import HappinessIndex

WIDTH = 600
HEIGHT = 220
PAD_LEFT = 36
PAD_RIGHT = 12
PAD_TOP = 12
PAD_BOTTOM = 28
LOWEST, HIGHEST = 1.0, 5.0


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    when: date
    index: HappinessIndex


@dataclass(frozen=True)
class TrendChart:
    points: list[Point]
    series: list[tuple[date, HappinessIndex]]
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def polyline(self) -> str:
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.points)

    @property
    def gridlines(self) -> list[tuple[int, float]]:
        return [(score, _y(score)) for score in range(1, 6)]

    @property
    def left(self) -> int:
        return PAD_LEFT

    @property
    def right(self) -> int:
        return WIDTH - PAD_RIGHT

    @property
    def first(self) -> date | None:
        return self.series[0][0] if self.series else None

    @property
    def last(self) -> date | None:
        return self.series[-1][0] if self.series else None

    @property
    def bottom(self) -> int:
        return HEIGHT - PAD_BOTTOM + 18


def _y(mean: float) -> float:
    usable = HEIGHT - PAD_TOP - PAD_BOTTOM
    return PAD_TOP + (HIGHEST - mean) / (HIGHEST - LOWEST) * usable


def trend_chart(series: list[tuple[date, HappinessIndex]]) -> TrendChart:
    """Each period with votes is a point at its mean (1-5)."""
    steps = max(len(series) - 1, 1)
    usable = WIDTH - PAD_LEFT - PAD_RIGHT
    points = [
        Point(PAD_LEFT + number / steps * usable, _y(index.mean), when, index)
        for number, (when, index) in enumerate(series)
        if index.mean is not None
    ]
    return TrendChart(points=points, series=series)
