"""The evaluation forms in headless Chromium (Debian's, driven by Playwright), served by the
engine's own web server on loopback: answering, refusals that reveal nothing, errors next to
their field with what was typed kept, keyboard-only completion, and a 320 px wide screen."""
import struct
import urllib.request
import zlib

import pytest
from sqlmodel import select

from config.settings import DEFAULT_FACILITY, Settings
from mieux.bootstrap import bootstrap
from mieux.web.server import WebServer
from store.db import reading
from store.tables import FormAnswer, FormLink
from tests.e2e.test_ui import browser  # noqa: F401 - the shared Chromium
from tests.integration.test_evaluation import delivered_activity, register

pytestmark = pytest.mark.slow
SCALE = ["relevance", "skills_enhanced", "difference", "experts_quality", "organisation"]


@pytest.fixture
def site(sqlite_url, tmp_path, clock):
    """The forms' server on a store whose activity's forms went out to four participants, in French."""
    settings = Settings(data_dir=tmp_path / "data", database_url=sqlite_url, facility_file=DEFAULT_FACILITY,
                        link_secret="k" * 40, web_url="http://forms.example")
    app = bootstrap(settings, clock=clock)
    key = delivered_activity(app)
    register(app, tmp_path, key, people=4)
    clock.advance(days=1)
    app.fire_all_due()
    with reading(app.engine) as session:
        tokens = [app.links.token(link.nonce) for link in session.exec(select(FormLink).order_by(FormLink.id))]
    server = WebServer(app, "127.0.0.1", 0)
    server.start()
    base = f"http://127.0.0.1:{server.port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/health", timeout=1)
            break
        except OSError:
            import time

            time.sleep(0.05)
    yield base, tokens, app, clock
    server.stop()
    app.engine.dispose()


def answers_stored(app) -> list:
    with reading(app.engine) as session:
        return session.exec(select(FormAnswer)).all()


def test_a_participant_answers_sees_thanks_and_the_link_then_opens_nothing(browser, site):  # noqa: F811
    base, tokens, app, _ = site
    page = browser.new_page()
    page.goto(f"{base}/f/{tokens[0]}")
    assert page.locator("html").get_attribute("lang") == "fr"
    for key, value in zip(SCALE, ["5", "4", "5", "4", "5"]):
        page.locator(f"input[name={key}][value='{value}']").check()
    page.locator("textarea[name=comments]").fill("Des échanges très concrets <b>merci</b>")
    assert page.locator("label[for=comments-first]").is_visible()  # the comment box is labelled
    with page.expect_navigation():  # the answer is posted: wait for the page it brings back
        page.get_by_role("button").click()
    assert page.get_by_role("heading", name="Merci").is_visible()
    stored = answers_stored(app)
    assert len(stored) == 1 and stored[0].answers["comments"] == "Des échanges très concrets <b>merci</b>"
    again = page.goto(f"{base}/f/{tokens[0]}")
    assert again.status == 404 and page.get_by_role("heading", name="Ce lien ne peut pas être utilisé").is_visible()
    assert page.locator("form").count() == 0
    page.close()


def test_answered_unknown_and_closed_links_get_the_same_page(browser, site):  # noqa: F811
    base, tokens, app, clock = site
    assert app.evaluation.submit(tokens[0], {k: ["4"] for k in SCALE}).outcome == "stored"
    unknown = urllib_page(f"{base}/f/{'A' * 43}")
    answered = urllib_page(f"{base}/f/{tokens[0]}")
    clock.advance(days=30)
    app.fire_all_due()
    closed = urllib_page(f"{base}/f/{tokens[1]}")
    malformed = urllib_page(f"{base}/f/not-a-token")
    assert unknown == answered == closed == malformed
    assert unknown[0] == 404 and "This link cannot be used" in unknown[1]


def urllib_page(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_missing_answer_shows_its_error_next_to_the_field_and_keeps_what_was_typed(browser, site):  # noqa: F811
    base, tokens, app, _ = site
    page = browser.new_page()
    page.goto(f"{base}/f/{tokens[1]}")
    for key in SCALE:
        if key != "difference":
            page.locator(f"input[name={key}][value='3']").check()
    page.locator("textarea[name=comments]").fill("Rien à ajouter")
    with page.expect_navigation():
        page.get_by_role("button").click()
    error = page.locator("#difference-error")
    assert error.is_visible() and error.inner_text()
    assert "difference-error" in page.locator("fieldset:has(input[name=difference])").get_attribute("aria-describedby")
    assert page.locator("input[name=relevance][value='3']").is_checked()
    assert page.locator("textarea[name=comments]").input_value() == "Rien à ajouter"
    assert page.get_by_role("alert").is_visible() and answers_stored(app) == []
    page.close()


def test_the_form_can_be_completed_with_the_keyboard_alone(browser, site):  # noqa: F811
    base, tokens, app, _ = site
    page = browser.new_page()
    page.goto(f"{base}/f/{tokens[2]}")
    for _ in SCALE:  # into each scale, then along it: the fourth point (agree)
        page.keyboard.press("Tab")
        for _ in range(3):
            page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")
    page.keyboard.type("Clavier seulement")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.tagName")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert focused == "BUTTON" and page.get_by_role("heading", name="Merci").is_visible()
    stored = answers_stored(app)
    assert [a.answers for a in stored] == [{**{k: 4 for k in SCALE}, "comments": "Clavier seulement"}]
    page.close()


def test_at_320_px_wide_the_form_is_drawn_and_never_scrolls_sideways(browser, site):  # noqa: F811
    base, tokens, _, _ = site
    page = browser.new_page(viewport={"width": 320, "height": 640})
    page.goto(f"{base}/f/{tokens[3]}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    shot = page.screenshot(full_page=True)
    assert distinct_bytes(shot) > 50  # a blank page decodes to one or two values
    page.close()


def distinct_bytes(png: bytes) -> int:
    """How many different byte values a PNG's pixel data holds (stdlib only: no imaging library)."""
    data, at = b"", 8
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        if kind == b"IDAT":
            data += png[at + 8:at + 8 + length]
        at += 12 + length
    return len(set(zlib.decompress(data)))


def test_an_expert_declines_their_invitation_in_the_browser_with_a_word_and_the_link_then_opens_nothing(
        browser, site):  # noqa: F811
    from store.tables import InvitationLink
    from tests.integration.test_invitations import invited

    base, _, app, _ = site
    key, who = invited(app)
    with reading(app.engine) as session:
        token = app.links.token(session.exec(select(InvitationLink)).one().nonce)
    page = browser.new_page()
    page.goto(f"{base}/i/{token}")
    assert page.get_by_role("heading", name="Invitation: Training of border officers").is_visible()
    assert "Accra, GH" in page.locator("dl").inner_text()
    with page.expect_navigation():  # no choice made: the page says so, nothing recorded
        page.get_by_role("button").click()
    assert page.locator("#problems").is_visible()
    assert app.service.subject("assignment", key).state == "invited"
    page.get_by_label("I decline").check()
    page.get_by_label("A word for the team").fill("On leave that week <b>sorry</b>")
    with page.expect_navigation():
        page.get_by_role("button").click()
    assert page.get_by_role("heading", name="Thank you for your answer").is_visible()
    assert app.service.subject("assignment", key).state == "declined"
    assert page.goto(f"{base}/i/{token}").status == 404
    assert page.goto(f"{base}/f/{token}").status == 404  # an invitation's token opens no form either
    page.close()
