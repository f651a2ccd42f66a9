"""Server-rendered SVG bar charts that read without colour: every bar carries its number, and the
series differ by pattern (solid / hatched) as well as by shade. The same SVG goes into the page
and the PDF; each chart on a page is followed by its data table for screen readers.
"""

from dataclasses import dataclass
from xml.sax.saxutils import escape

FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
INK = "#1f2933"
SERIES_FILL = ["#1e3a8a", "url(#{uid}-hatch)"]
PATTERN = (
    '<pattern id="{uid}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">'
    '<rect width="6" height="6" fill="#fde68a"/><line x1="0" y1="0" x2="0" y2="6" stroke="#92400e" '
    'stroke-width="2.5"/></pattern>'
)


@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.values)


MAX_LABEL = 34


def _short(label: str) -> str:
    """Long names are cut in the chart; the full name is in the data table and the description."""
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def _fmt(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def _legend(series: list[str], uid: str, x: float, y: float) -> str:
    parts = []
    for i, name in enumerate(series):
        fill = SERIES_FILL[i % len(SERIES_FILL)].format(uid=uid)
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="14" height="14" fill="{fill}" stroke="{INK}" '
            f'stroke-width="1"/><text x="{x + 20:.1f}" y="{y + 1:.1f}">{escape(name)}</text>'
        )
        x += 30 + 8 * len(name)
    return "".join(parts)


def _open(uid: str, width: int, height: int, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{uid}-title {uid}-desc" class="chart" '
        f'data-width="{width}" font-family="{FONT}" font-size="13" fill="{INK}">'  # no style=: CSP
        f'<title id="{uid}-title">{escape(title)}</title><desc id="{uid}-desc">{escape(desc)}</desc>'
        f"<defs>{PATTERN.format(uid=uid)}</defs>"
    )


def horizontal_bars(uid: str, title: str, bars: list[Bar], series: list[str], width: int = 720) -> str:
    """Stacked horizontal bars, one per row, with the series values and the total written out."""
    label_width = min(MAX_LABEL * 8 + 16, 24 + 8 * max((len(_short(b.label)) for b in bars), default=10))
    row, top = 30, 34
    height = top + row * max(len(bars), 1) + 12
    scale_width = width - label_width - 150
    peak = max((b.total for b in bars), default=0) or 1
    desc = "; ".join(
        f"{b.label}: " + ", ".join(f"{name} {_fmt(v)}" for name, v in zip(series, b.values, strict=True))
        for b in bars
    )
    out = [_open(uid, width, height, title, desc), _legend(series, uid, label_width, 18)]
    for i, bar in enumerate(bars):
        y = top + i * row
        out.append(f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end">{escape(_short(bar.label))}</text>')
        x = float(label_width)
        for j, value in enumerate(bar.values):
            w = scale_width * value / peak
            if w <= 0:
                continue
            fill = SERIES_FILL[j % len(SERIES_FILL)].format(uid=uid)
            out.append(f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="20" fill="{fill}" '
                       f'stroke="{INK}" stroke-width="1"/>')
            x += w
        parts = " + ".join(_fmt(v) for v in bar.values) if len(bar.values) > 1 and bar.total else ""
        label = f"{_fmt(bar.total)}" + (f" ({parts})" if parts else "")
        out.append(f'<text x="{x + 6:.1f}" y="{y + 18}">{escape(label)}</text>')
    out.append(f'<line x1="{label_width}" y1="{top}" x2="{label_width}" y2="{height - 12}" stroke="{INK}"/>')
    out.append("</svg>")
    return "".join(out)


def vertical_bars(uid: str, title: str, bars: list[Bar], series: list[str], width: int = 720) -> str:
    """Stacked columns (e.g. months), totals written above each column and labels below."""
    height, top, bottom, left = 280, 40, 44, 12
    n = max(len(bars), 1)
    slot = (width - left * 2) / n
    column = min(44.0, slot * 0.7)
    peak = max((b.total for b in bars), default=0) or 1
    plot = height - top - bottom
    desc = "; ".join(
        f"{b.label}: " + ", ".join(f"{name} {_fmt(v)}" for name, v in zip(series, b.values, strict=True))
        for b in bars
    )
    out = [_open(uid, width, height, title, desc), _legend(series, uid, left, 18)]
    base = height - bottom
    for i, bar in enumerate(bars):
        x = left + i * slot + (slot - column) / 2
        y = float(base)
        for j, value in enumerate(bar.values):
            h = plot * value / peak
            if h <= 0:
                continue
            y -= h
            fill = SERIES_FILL[j % len(SERIES_FILL)].format(uid=uid)
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{column:.1f}" height="{h:.1f}" fill="{fill}" '
                       f'stroke="{INK}" stroke-width="1"/>')
        cx = x + column / 2
        out.append(f'<text x="{cx:.1f}" y="{y - 5:.1f}" text-anchor="middle" font-size="11">'
                   f"{_fmt(bar.total)}</text>")
        out.append(f'<text x="{cx:.1f}" y="{base + 18}" text-anchor="middle" font-size="12">'
                   f"{escape(bar.label)}</text>")
    out.append(f'<line x1="{left}" y1="{base}" x2="{width - left}" y2="{base}" stroke="{INK}"/>')
    out.append("</svg>")
    return "".join(out)
