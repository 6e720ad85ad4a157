"""The annual report's HTML in headless Chromium with every network request refused: it opens with
no console error and fetches nothing, each chart is drawn (its screenshot is not blank) with its
caption and its data as a table, and a year without activities still reads."""
import re

import pytest

from mieux.annual import annual_report
from mieux.annual_page import annual_html
from tests.e2e.test_forms_web import distinct_bytes
from tests.e2e.test_ui import browser  # noqa: F401 - the shared Chromium
from tests.integration.test_annual import generate

pytestmark = pytest.mark.slow
CHARTS = ["requests-by-region", "requests-by-theme", "activities-by-month", "timeline", "experts-by-background"]


def opened(browser, path):  # noqa: F811
    """A page showing the file, with every request other than the file itself refused and recorded."""
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    fetched, errors = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    def refuse(route):
        fetched.append(route.request.url)
        route.abort()

    page.route(re.compile(r"^(?!file://).*"), refuse)
    page.goto(path.as_uri())
    return page, fetched, errors


def test_the_report_opens_offline_and_every_chart_is_drawn_with_its_table(browser, sqlite_url, tmp_path,  # noqa: F811
                                                                         facility):
    from store.db import make_engine

    engine = make_engine(sqlite_url)
    generate(engine)
    figures = annual_report(engine, 2025, zone=facility.zone)
    engine.dispose()
    path = tmp_path / "annual-2025.html"
    path.write_text(annual_html(figures, facility="MIEUX"), encoding="utf-8")
    page, fetched, errors = opened(browser, path)
    assert fetched == [] and errors == []
    assert page.get_by_role("heading", name="MIEUX: 2025 at a glance").is_visible()
    assert f"{figures['experts_deployed']}\nexperts deployed (" in page.locator(".glance").inner_text()
    for chart in CHARTS:
        figure = page.locator(f"figure#{chart}")
        assert figure.locator("figcaption").inner_text()
        assert figure.locator("svg").count() == 1 and figure.locator("table tbody tr").count() > 0
        assert distinct_bytes(figure.locator("svg").screenshot()) > 10, chart  # drawn, not blank
    region = page.locator("figure#requests-by-region table").inner_text()
    for name, count in figures["requests_by_region"].items():
        assert f"{name}\t{count}" in region
    ids = re.findall(r'\sid="([^"]+)"', path.read_text(encoding="utf-8"))
    assert len(ids) == len(set(ids))  # the charts' SVG ids do not clash
    page.close()


def test_a_year_without_activities_says_so_instead_of_drawing_empty_charts(browser, sqlite_url, tmp_path,  # noqa: F811
                                                                          facility):
    from store.db import make_engine

    engine = make_engine(sqlite_url)
    figures = annual_report(engine, 2030, zone=facility.zone)
    engine.dispose()
    path = tmp_path / "annual-2030.html"
    path.write_text(annual_html(figures, facility="MIEUX"), encoding="utf-8")
    page, fetched, errors = opened(browser, path)
    assert fetched == [] and errors == []
    assert page.locator("figure#requests-by-region .none").inner_text() == "Nothing to show for 2030."
    page.close()
