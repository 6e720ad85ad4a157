"""The programme's figures in the Prefect UI: the year so far, every week, and last year's whole
report in January (its HTML written to DATA_DIR/reports/, its figures as the artifact).

Thin: the figures are mieux.annual's, the words mieux.annual_page's; this only publishes them.
"""
from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from flows import runtime


def figures_key(year: int) -> str:
    """The artifact key of a year's figures (keys allow lowercase letters, digits and dashes)."""
    return f"mieux-figures-{year}"


@flow(name="mieux-figures", flow_run_name="figures", log_prints=True)
def publish_figures(year: int | None = None) -> dict:
    """Publish the year's figures (default: this year so far, and in January last year's too)."""
    from mieux.annual import annual_report
    from mieux.annual_page import annual_html, annual_markdown

    app = runtime.current()
    today = app.clock.now().astimezone(app.facility.zone).date()
    years = [year] if year else [today.year, *([today.year - 1] if today.month == 1 else [])]
    published = {}
    for y in years:
        figures = annual_report(app.engine, y, zone=app.facility.zone, evaluation=app.evaluation)
        whole = y < today.year
        note = ""
        if whole:
            folder = app.settings.data_dir / "reports"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"annual-{y}.html"
            path.write_text(annual_html(figures, facility=app.facility.name), encoding="utf-8")
            note = f"The whole report, with its charts: `{path}`."
        as_of = "the whole year" if whole else f"the year so far ({today.isoformat()})"
        create_markdown_artifact(key=figures_key(y), markdown=annual_markdown(figures, facility=app.facility.name,
                                                                              as_of=as_of, note=note),
                                 description=f"{app.facility.name} figures of {y}, {as_of}")
        published[y] = {"requests": figures["requests_received"], "activities": figures["activities_organised"],
                        "experts": figures["experts_deployed"]}
    get_run_logger().info("figures published: %s", published)
    return published


@flow(name="mieux-newsletter", flow_run_name="newsletter", log_prints=True)
def prepare_newsletter() -> str:
    """Prepare last month's newsletter for review; a month already prepared is left as it is. It
    takes no parameter: a person prepares another month with `mieux comms newsletter MONTH`, which
    checks who they are."""
    from domain.errors import Conflict
    from mieux.newsletter import prepare

    app = runtime.current()
    try:
        task = prepare(app.service, None, actor=None, via="Prefect flow run newsletter")
    except Conflict as exists:
        get_run_logger().info("%s", exists)
        return str(exists)
    done = f"NL-{task.month} {task.title}: drafted for review"
    get_run_logger().info("%s", done)
    return done
