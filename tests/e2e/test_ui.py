"""What an admin sees in the Prefect UI, in headless Chromium (Debian's, driven by Playwright)."""
from datetime import date, timedelta

import pytest

from loopback.servers import free_port
from tests.e2e.test_serve import HEADER, MIEUX, api, initialised_engine, start, stop, wait_for

pytestmark = pytest.mark.slow
CHROMIUM = "/usr/bin/chromium"  # the test command installs Debian's chromium when it is missing
WIDE = {"width": 1440, "height": 900}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    """`mieux serve` on a store holding one Action whose fiche is overdue; its port and reference."""
    import subprocess

    tmp = tmp_path_factory.mktemp("ui")
    port = free_port()
    env = initialised_engine(tmp / "data", port, MIEUX_SWEEP_SECONDS="5", MIEUX_ACTOR="ana")
    received = date.today() - timedelta(days=40)
    reference = f"{received.year}-01"
    portfolio = tmp / "p.csv"
    portfolio.write_text(f"{HEADER}\n{reference},Ghana,Ghana Immigration Service,national_authority,GH,"
                         f"Africa (West),legal_migration,{received},pre_implementation,\n", encoding="utf-8")
    subprocess.run([MIEUX, "portfolio", "import", str(portfolio), "--as", "pieter"], env=env, check=True,
                   capture_output=True)
    process = start(env)
    try:
        wait_for("the local Prefect server", lambda: api(port, "/health") is True)
        wait_for("the Action's page", lambda: api(port, f"/artifacts/mieux-action-{reference}/latest") is not None)
        wait_for("the status table", lambda: api(port, "/artifacts/mieux-open-actions/latest") is not None)
        yield port, reference
    finally:
        stop(process)


def test_the_open_actions_table_puts_the_overdue_first_marked_and_fits_a_1440_px_screen(browser, engine):
    port, reference = engine
    page = browser.new_page(viewport=WIDE)
    page.goto(f"http://127.0.0.1:{port}/artifacts/key/mieux-open-actions", wait_until="networkidle")
    overdue = page.get_by_text("OVERDUE: Action Fiche due").first
    overdue.wait_for(timeout=30_000)
    due = page.get_by_role("columnheader", name="due", exact=True).first
    box = due.bounding_box()
    assert box is not None and box["x"] + box["width"] <= WIDE["width"], box  # on screen, no scrolling
    with page.context.expect_page() as opened:  # each Action opens its own page (the UI opens links in a new tab)
        page.get_by_role("link", name=f"{reference} Ghana").first.click()
    own = opened.value
    own.get_by_role("heading", name=f"{reference} Ghana").first.wait_for(timeout=30_000)
    assert own.url.endswith(f"/artifacts/key/mieux-action-{reference}")
    own.close()
    page.close()


def test_an_actions_own_page_shows_its_state_deadlines_and_what_can_be_done_next(browser, engine):
    port, reference = engine
    page = browser.new_page(viewport=WIDE)
    page.goto(f"http://127.0.0.1:{port}/artifacts/key/mieux-action-{reference}", wait_until="networkidle")
    page.get_by_role("heading", name=f"{reference} Ghana").first.wait_for(timeout=30_000)
    for heading in ("Deadlines", "Alerts", "What can be done next"):
        assert page.get_by_role("heading", name=heading).first.is_visible(), heading
    assert page.get_by_text("OVERDUE").first.is_visible()  # the fiche, marked in its table
    assert page.get_by_role("cell", name="submit_fiche").first.is_visible()
    page.close()
