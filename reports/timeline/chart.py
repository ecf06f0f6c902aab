"""The coverage chart: articles per month as bars, laid out here and drawn by ``_chart.html.j2``: the bars
in inline SVG (stretched to the page's width), the labels in HTML, so that they keep a readable size
on a phone, where every other year is left out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reports.french import plural
from veille.vocabulary import MONTHS

WIDTH = 960
HEIGHT = 220
LEFT, RIGHT, TOP, BOTTOM = 8, 8, 12, 6  # the axis labels are HTML under and beside the drawing
MAJOR_TICKS = 6  # beyond, every other year label is « minor »: a phone leaves those out


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # « avril 2024 : 9 articles »
    count: int


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    minor: bool = False

    @property
    def percent(self) -> float:
        """Where the label goes under the drawing, in % of its width (HTML, so it keeps its size)."""
        return round(self.x / WIDTH * 100, 3)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    top: int  # the largest monthly count, labelled on the axis
    baseline: float
    left: int
    right: float
    total: int
    first: date | None
    last: date | None
    months: list[tuple[date, int]]

    @property
    def peak(self) -> Bar | None:
        return max(self.bars, key=lambda b: (b.count, -b.x)) if self.bars else None


def month_label(d: date) -> str:
    return f"{MONTHS[d.month - 1]} {d.year}"


def layout(months: list[tuple[date, int]]) -> Chart:
    """Bars for every month from the first to the last with an article (empty months included)."""
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = max((n for _, n in months), default=0)
    step = inner_w / max(len(months), 1)
    bars, ticks = [], []
    years = sorted({m.year for m, _ in months})
    every = max(1, -(-len(years) // 12))  # at most about twelve year labels
    for i, (m, n) in enumerate(months):
        h = inner_h * n / top if top else 0
        bars.append(
            Bar(
                x=round(LEFT + i * step + step * 0.1, 2),
                y=round(TOP + inner_h - h, 2),
                width=round(max(step * 0.8, 0.5), 2),
                height=round(h, 2),
                label=f"{month_label(m)}\u00a0: {plural(n, 'article')}",
                count=n,
            )
        )
        if m.month == 1 and (m.year - years[0]) % every == 0 or i == 0 and m.month != 1 and len(years) == 1:
            ticks.append(Tick(x=round(LEFT + i * step, 2), label=str(m.year)))
    if months and not ticks:
        ticks.append(Tick(x=LEFT, label=str(months[0][0].year)))
    if len(ticks) > MAJOR_TICKS:
        ticks = [Tick(t.x, t.label, minor=i % 2 == 1) for i, t in enumerate(ticks)]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        ticks=ticks,
        top=top,
        baseline=TOP + inner_h,
        left=LEFT,
        right=WIDTH - RIGHT,
        total=sum(n for _, n in months),
        first=months[0][0] if months else None,
        last=months[-1][0] if months else None,
        months=months,
    )
