"""The annual report as one self-contained HTML file: the figures, and charts drawn by matplotlib as
inline SVG (text drawn as paths: no font, script or image is fetched), each with a caption and its
data in a table beside it. It opens offline, attached to an email, and prints.
"""
import io
import re
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from mieux.render import percent

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "web" / "templates"),
                        autoescape=select_autoescape(default=True, default_for_string=True))
COLOURS = ["#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6", "#bf9000", "#a5a5a5"]


def annual_html(figures: dict, *, facility: str) -> str:
    """The page for the figures of `mieux.annual.annual_report`."""
    charts = [_chart(*spec) for spec in _charts(figures)]
    return TEMPLATES.get_template("annual.html").render(r=figures, facility=facility, charts=charts, label=label)


def annual_markdown(r: dict, *, facility: str, as_of: str, note: str = "") -> str:
    """The figures as the Prefect UI shows them (a Markdown artifact): the glance, then each count."""
    people, pool, actions = r["participants"], r["expert_pool"], r["actions"]
    lines = [f"# {facility}: {r['year']} at a glance", f"_Counted from the records, {as_of}._ {note}".rstrip(), "",
             "| figure | value |", "|---|---|",
             f"| new requests | {r['requests_received']} |",
             *(f"| Actions {label(k)} | {actions[k]} |" for k in actions),
             f"| activities organised | {r['activities_organised']} |",
             f"| countries benefited | {len(r['countries_benefited'])} |",
             f"| experts deployed | {r['experts_deployed']} |",
             f"| from EU Member State administrations | {percent(r['experts_from_eu_administrations_share'])} |",
             f"| participants | {people['total']} ({percent(people['women_share'])} women, "
             f"{percent(people['men_share'])} men) |",
             f"| expert pool at year end | {pool['at_year_end']} ({pool['added_in_year']:+d}) |",
             *(f"| {label(k)} | {percent(v)} |" for k, v in r.get("evaluation", {}).items() if k.endswith("_share"))]
    for title, key in (("Requests by region", "requests_by_region"), ("Activities by type", "activities_by_type"),
                       ("Experts by category", "experts_by_category")):
        if r[key]:
            lines += ["", f"## {title}", "", "| | count |", "|---|---|",
                      *(f"| {label(k)} | {n} |" for k, n in r[key].items())]
    return "\n".join(lines)


def label(key) -> str:
    return str(key).replace("_", " ")


def _charts(r: dict) -> list[tuple]:
    """(id, caption, headers, rows, draw) for each chart, rows being what the chart shows."""
    months = [[f"{date.fromisoformat(m + '-01'):%b}", n] for m, n in r["activities_by_month"].items()]
    by_sex = r["experts_by_category_and_sex"]
    sexes = sorted({s for counts in by_sex.values() for s in counts})
    timeline = [[t["reference"], t["name"], t["from"], t["to"], t["state"].replace("_", " ")] for t in r["timeline"]]
    return [
        ("requests-by-region", f"Requests received in {r['year']}, by region", ["region", "requests"],
         [[k, v] for k, v in r["requests_by_region"].items()], _bars),
        ("requests-by-theme", f"Requests received in {r['year']}, by theme", ["theme", "requests"],
         [[k.replace("_", " "), v] for k, v in r["requests_by_theme"].items()], _bars),
        ("activities-by-month", f"Activities organised in {r['year']}, by month", ["month", "activities"], months,
         _columns),
        ("timeline", f"Actions open during {r['year']}, from receipt to end", ["Action", "name", "from", "to", "state"],
         timeline, _timeline),
        ("experts-by-background", f"Experts deployed in {r['year']}, by background and sex",
         ["background", *sexes], [[k.replace("_", " "), *[v.get(s, 0) for s in sexes]] for k, v in by_sex.items()],
         _stacked),
    ]


def _chart(chart_id: str, caption: str, headers: list[str], rows: list[list], draw) -> dict:
    """One chart: its SVG (or nothing when there is no data) and its table."""
    svg = _svg(chart_id, lambda axes: draw(axes, rows, headers)) if rows else ""
    return {"id": chart_id, "caption": caption, "headers": headers, "rows": rows, "svg": svg}


def _svg(chart_id: str, draw) -> str:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    with matplotlib.rc_context({"svg.hashsalt": chart_id, "svg.fonttype": "path", "font.size": 9,
                                "axes.spines.top": False, "axes.spines.right": False}):
        figure, axes = pyplot.subplots(figsize=(6.4, 3.2))
        try:
            draw(axes)
            figure.tight_layout()
            out = io.StringIO()
            figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
        finally:
            pyplot.close(figure)
    svg = out.getvalue()
    svg = svg[svg.index("<svg"):]  # no XML declaration nor DOCTYPE inside HTML
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{chart_id}-{m.group(1)}"', svg)  # ids unique in the page
    svg = re.sub(r'(href|xlink:href)="#([^"]+)"', lambda m: f'{m.group(1)}="#{chart_id}-{m.group(2)}"', svg)
    svg = re.sub(r'url\(#([^)]+)\)', lambda m: f"url(#{chart_id}-{m.group(1)})", svg)
    return svg.replace("<svg ", f'<svg role="img" aria-labelledby="{chart_id}-caption" ', 1)


def _bars(axes, rows, _headers) -> None:
    labels, values = [r[0] for r in rows][::-1], [r[1] for r in rows][::-1]
    axes.barh(labels, values, color=COLOURS[0])
    axes.xaxis.get_major_locator().set_params(integer=True)


def _columns(axes, rows, _headers) -> None:
    axes.bar([r[0] for r in rows], [r[1] for r in rows], color=COLOURS[1])
    axes.yaxis.get_major_locator().set_params(integer=True)


def _timeline(axes, rows, _headers) -> None:
    from matplotlib.dates import DateFormatter, date2num

    shown = rows[-40:]  # the latest forty: the table lists them all
    for n, (reference, _, start, end, _) in enumerate(shown):
        begin, finish = date2num(date.fromisoformat(start)), date2num(date.fromisoformat(end))
        axes.barh(n, max(finish - begin, 1), left=begin, color=COLOURS[n % len(COLOURS)])
    axes.set_yticks(range(len(shown)), [r[0] for r in shown], fontsize=6)
    axes.xaxis.set_major_formatter(DateFormatter("%b"))
    axes.invert_yaxis()


def _stacked(axes, rows, headers) -> None:
    bottom = [0] * len(rows)
    for n in range(1, len(headers)):
        values = [r[n] for r in rows]
        axes.bar([r[0] for r in rows], values, bottom=bottom, color=COLOURS[n - 1], label=headers[n])
        bottom = [b + v for b, v in zip(bottom, values)]
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(frameon=False)
