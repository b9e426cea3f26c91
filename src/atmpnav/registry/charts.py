"""Charts of the EU registry, rendered offline with matplotlib (Agg backend, imported lazily).

One figure, two panels, for a given as-of date:

(a) ATMPs authorised in the EU by then, per category, split into still authorised and
    withdrawn / expired / not renewed (combined ATMPs marked);
(b) the cumulative number authorised per category over time.

``.png`` and ``.svg`` are written by matplotlib; ``.html`` is a self-contained page with the SVG
inline and the numbers as a table (no scripts, nothing fetched).
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from atmpnav.errors import InputError, StorageError
from atmpnav.registry.types import ENDED, STILL_AUTHORISED, Category, PartialDate, Region, Status, parse_as_of

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from sqlalchemy.engine import Engine

FORMATS = (".png", ".svg", ".html")

CATEGORY_LABELS = {
    Category.GTMP.value: "GTMP",
    Category.sCTMP.value: "sCTMP",
    Category.TEP.value: "TEP",
    Category.unknown.value: "unclassified",
}
CATEGORY_LONG = {
    Category.GTMP.value: "gene\ntherapy",
    Category.sCTMP.value: "somatic cell\ntherapy",
    Category.TEP.value: "tissue\nengineered",
    Category.unknown.value: "class not\nverified",
}
# Okabe-Ito colours: distinguishable with colour-vision deficiencies and in greyscale print.
CATEGORY_COLOURS = {
    Category.GTMP.value: "#0072B2",
    Category.sCTMP.value: "#E69F00",
    Category.TEP.value: "#009E73",
    Category.unknown.value: "#7F7F7F",
}
SOURCE_LINE = (
    "Source: ATMP Navigator registry (EMA EPARs and medicines data, EC Community Register). "
    "Counted by EU marketing-authorisation date; status on the as-of date."
)


@dataclass(frozen=True)
class CategorySeries:
    category: str
    authorised: int
    still_authorised: int
    ended: int
    status_unknown: int
    combined: int
    timeline: list[tuple[date, int]] = field(default_factory=list)


@dataclass(frozen=True)
class ChartData:
    as_of: date
    series: list[CategorySeries]
    first_year: int
    notes: list[str] = field(default_factory=list)

    @property
    def authorised(self) -> int:
        return sum(s.authorised for s in self.series)

    @property
    def still_authorised(self) -> int:
        return sum(s.still_authorised for s in self.series)


def chart_data(as_of: date | str | None = None, *, engine: Engine | None = None) -> ChartData:
    """The numbers behind the chart (EU products, on ``as_of``; default today)."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from atmpnav import store
    from atmpnav.registry.models import Product
    from atmpnav.registry.queries import registry_engine, status_on
    from atmpnav.registry.seed import tallies

    when = parse_as_of(as_of) or date.today()
    with store.session_scope(registry_engine(engine)) as session:
        products = list(
            session.scalars(
                select(Product).where(Product.region == Region.EU.value).options(selectinload(Product.events))
            )
        )
        series = []
        first_year = when.year
        for category in (Category.GTMP, Category.sCTMP, Category.TEP, Category.unknown):
            members = []
            for product in products:
                if (product.category or Category.unknown.value) != category.value:
                    continue
                status = status_on(product, when)
                if status is None:
                    continue
                counted_from = PartialDate.of(product.authorised_on, product.authorised_on_precision)
                assert counted_from is not None  # status_on is None for undated products
                members.append((product, status, counted_from.latest))
            if category is Category.unknown and not members:
                continue
            days = sorted(day for _, _, day in members)
            if days:
                first_year = min(first_year, days[0].year)
            timeline = [(day, index) for index, day in enumerate(days, start=1)]
            series.append(
                CategorySeries(
                    category=category.value,
                    authorised=len(members),
                    still_authorised=sum(1 for _, s, _ in members if s in STILL_AUTHORISED),
                    ended=sum(1 for _, s, _ in members if s in ENDED),
                    status_unknown=sum(1 for _, s, _ in members if s is Status.unknown),
                    combined=sum(1 for p, _, _ in members if p.combined),
                    timeline=timeline,
                )
            )
        notes = []
        for tally in tallies():
            tally_day = PartialDate.parse(tally.as_of).latest
            if tally_day > when:
                continue
            ours = {c.value: 0 for c in (Category.GTMP, Category.sCTMP, Category.TEP)}
            for product in products:
                if product.category in ours and status_on(product, tally_day) is not None:
                    ours[product.category] += 1
            if ours != tally.counts:
                split = " / ".join(f"{tally.counts[c]} {c}" for c in ours)
                mine = " / ".join(str(ours[c]) for c in ours)
                notes.append(
                    f"{tally.source} ({PartialDate.parse(tally.as_of)}) counts {tally.total}: {split} "
                    f"(this registry then: {mine}); sources class a product differently."
                )
        return ChartData(as_of=when, series=series, first_year=first_year, notes=notes)


# --------------------------------------------------------------------------- drawing


def _long_date(day: date) -> str:
    """Dates are ISO everywhere (also in the chart's title)."""
    return day.isoformat()


def _lighten(colour: str, amount: float) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    red, green, blue = to_rgb(colour)
    return (red + (1 - red) * amount, green + (1 - green) * amount, blue + (1 - blue) * amount)


def _figure(data: ChartData) -> Figure:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    text_colour = "#222222"
    muted = "#555555"
    rc = {
        "font.family": "DejaVu Sans",
        "font.size": 13,
        "axes.edgecolor": "#888888",
        "axes.labelcolor": text_colour,
        "xtick.color": muted,
        "ytick.color": muted,
        "svg.hashsalt": "atmpnav",
    }
    with matplotlib.rc_context(rc):
        figure = Figure(figsize=(13.33, 7.5), dpi=150, facecolor="white")
        grid = figure.add_gridspec(
            1, 2, width_ratios=[1.1, 1.3], wspace=0.22, left=0.06, right=0.885, top=0.80, bottom=0.235
        )
        bars = figure.add_subplot(grid[0, 0])
        lines = figure.add_subplot(grid[0, 1])

        figure.text(
            0.06,
            0.945,
            f"ATMPs authorised in the EU, as of {_long_date(data.as_of)}",
            fontsize=22,
            fontweight="bold",
            color=text_colour,
            va="center",
        )
        figure.text(
            0.06,
            0.885,
            f"{data.authorised} authorised since {data.first_year}; {data.still_authorised} still authorised "
            f"on that date, {data.authorised - data.still_authorised} withdrawn, expired or not renewed",
            fontsize=14,
            color=muted,
            va="center",
        )

        # (a) bars: still authorised + ended, per category
        names = [s.category for s in data.series]
        positions = list(range(len(names)))
        peak = max((s.authorised for s in data.series), default=0)
        for x, series in zip(positions, data.series, strict=True):
            colour = CATEGORY_COLOURS[series.category]
            bars.bar(x, series.still_authorised, width=0.62, color=colour, edgecolor=colour, zorder=3)
            ended = series.authorised - series.still_authorised
            bars.bar(
                x,
                ended,
                bottom=series.still_authorised,
                width=0.62,
                color=_lighten(colour, 0.72),
                edgecolor=colour,
                hatch="///",
                linewidth=1.0,
                zorder=3,
            )
            if series.still_authorised:
                bars.text(
                    x,
                    series.still_authorised / 2,
                    str(series.still_authorised),
                    ha="center",
                    va="center",
                    color="white",
                    fontsize=14,
                    fontweight="bold",
                    zorder=4,
                )
            if ended:
                bars.text(
                    x,
                    series.still_authorised + ended / 2,
                    str(ended),
                    ha="center",
                    va="center",
                    color=text_colour,
                    fontsize=13,
                    fontweight="bold",
                    zorder=4,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
                )
            total_label = f"{series.authorised}"
            if series.combined:
                total_label += f"\n(incl. {series.combined} combined)"
            bars.text(
                x,
                series.authorised + peak * 0.025,
                total_label,
                ha="center",
                va="bottom",
                fontsize=13,
                color=text_colour,
                linespacing=1.1,
            )
        bars.set_xticks(positions)
        bars.set_xticklabels([f"{CATEGORY_LABELS[n]}\n{CATEGORY_LONG[n]}" for n in names] if names else [], fontsize=11)
        bars.set_ylim(0, max(peak * 1.25, 5))
        bars.set_ylabel("number of products")
        bars.set_title("(a) Per category: still authorised or not", loc="left", fontsize=15, pad=12)
        bars.yaxis.get_major_locator().set_params(integer=True)
        bars.grid(axis="y", color="#e5e5e5", zorder=0)
        bars.spines[["top", "right"]].set_visible(False)
        bars.legend(
            handles=[
                Patch(facecolor="#666666", edgecolor="#666666", label="still authorised"),
                Patch(
                    facecolor=_lighten("#666666", 0.72),
                    edgecolor="#666666",
                    hatch="///",
                    label="withdrawn / expired / not renewed",
                ),
            ],
            loc="upper right",
            frameon=False,
            fontsize=12,
        )

        # (b) cumulative steps per category, labelled at their ends (labels kept apart)
        start = date(data.first_year, 1, 1)
        ends = []
        for series in data.series:
            colour = CATEGORY_COLOURS[series.category]
            xs = [start] + [d for d, _ in series.timeline] + [data.as_of]
            ys = [0] + [n for _, n in series.timeline] + [series.authorised]
            lines.step(xs, ys, where="post", color=colour, linewidth=2.6, label=CATEGORY_LABELS[series.category])
            ends.append([float(series.authorised), series])
        gap = max(peak, 1) * 0.075
        ends.sort(key=lambda item: item[0])
        for index in range(1, len(ends)):
            ends[index][0] = max(ends[index][0], ends[index - 1][0] + gap)
        for label_y, series in ends:
            lines.annotate(
                f"  {series.authorised} {CATEGORY_LABELS[series.category]}",
                xy=(data.as_of, series.authorised),
                xytext=(data.as_of, label_y),
                textcoords="data",
                va="center",
                ha="left",
                fontsize=12.5,
                fontweight="bold",
                color=CATEGORY_COLOURS[series.category],
                annotation_clip=False,
            )
        lines.set_xlim(start, data.as_of)
        lines.set_ylim(0, max(peak * 1.12, 5))
        lines.set_ylabel("authorised by then (cumulative)")
        lines.set_title("(b) Cumulative authorisations per category", loc="left", fontsize=15, pad=12)
        lines.yaxis.get_major_locator().set_params(integer=True)
        lines.grid(color="#e5e5e5")
        lines.spines[["top", "right"]].set_visible(False)
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

        locator = AutoDateLocator(minticks=5, maxticks=10)
        lines.xaxis.set_major_locator(locator)
        lines.xaxis.set_major_formatter(ConciseDateFormatter(locator, show_offset=False))

        notes = []
        if any(s.combined for s in data.series):
            notes.append("Combined ATMP: cells with an integral medical device (MACI).")
        if any(s.status_unknown for s in data.series):
            notes.append("Products whose end date is not known are not counted as still authorised.")
        notes.extend(data.notes)
        for line, text in enumerate(notes[:3]):
            figure.text(0.06, 0.1 - line * 0.03, text, fontsize=10.5, color=muted, va="center")
        figure.text(
            0.06, 0.1 - min(len(notes), 3) * 0.03, SOURCE_LINE, fontsize=10.5, color=muted, va="center", style="italic"
        )
    return figure


def _html(data: ChartData, svg: str) -> str:
    rows = "\n".join(
        f"<tr><th scope='row'>{html.escape(CATEGORY_LABELS[s.category])}"
        f"{' (incl. ' + str(s.combined) + ' combined)' if s.combined else ''}</th>"
        f"<td>{s.authorised}</td><td>{s.still_authorised}</td><td>{s.authorised - s.still_authorised}</td></tr>"
        for s in data.series
    )
    title = f"ATMPs authorised in the EU, as of {_long_date(data.as_of)}"
    svg_body = svg[svg.find("<svg") :] if "<svg" in svg else svg
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
 body {{ font-family: "DejaVu Sans", Arial, sans-serif; color: #222; margin: 2rem auto; max-width: 1100px; }}
 figure {{ margin: 0; }} figure svg {{ width: 100%; height: auto; }}
 table {{ border-collapse: collapse; margin-top: 1rem; }}
 th, td {{ border-bottom: 1px solid #ddd; padding: .3rem .8rem; text-align: right; }}
 th[scope=row], thead th:first-child {{ text-align: left; }}
 p.source {{ color: #555; font-size: .9rem; }}
</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<figure role="img" aria-label="{html.escape(title)}">
{svg_body}
</figure>
<table>
<caption>EU ATMPs per category on {data.as_of.isoformat()}</caption>
<thead><tr><th>category</th><th>authorised by then</th><th>still authorised</th>
<th>withdrawn / expired / not renewed</th></tr></thead>
<tbody>
{rows}
<tr><th scope="row">total</th><td>{data.authorised}</td><td>{data.still_authorised}</td>
<td>{data.authorised - data.still_authorised}</td></tr>
</tbody>
</table>
<p class="source">{html.escape(SOURCE_LINE)}</p>
</body>
</html>
"""


def render_chart(as_of: date | str | None, out_path: str | Path, *, engine: Engine | None = None) -> Path:
    """Write the chart for ``as_of`` (default today) to ``out_path`` (.png, .svg or .html)."""
    out = Path(out_path)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"--out: {str(out)!r} must end in {', '.join(FORMATS)}")
    data = chart_data(as_of, engine=engine)
    figure = _figure(data)
    metadata: dict[str, Any] = {"Title": f"ATMPs authorised in the EU, as of {data.as_of.isoformat()}"}
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".png":
            figure.savefig(out, format="png", metadata={**metadata, "Software": "atmpnav"})
        elif suffix == ".svg":
            figure.savefig(out, format="svg", metadata={**metadata, "Date": None})
        else:
            buffer = io.StringIO()
            figure.savefig(buffer, format="svg", metadata={**metadata, "Date": None})
            out.write_text(_html(data, buffer.getvalue()), encoding="utf-8")
    except OSError as exc:
        raise StorageError(f"cannot write {out}: {exc}") from None
    return out
