"""The chat widget in a real browser: Debian's Chromium driven by Playwright."""
from pathlib import Path

import pytest
import requests

from tests.browser import SCREENSHOTS

pytestmark = [pytest.mark.server, pytest.mark.browser]


@pytest.fixture
def page(browser, demo_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(demo_site + "/")
    yield page
    context.close()


def bot_messages(page):
    return page.locator(".msc-bot")


def open_with_keyboard(page):
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('msc-launcher')"):
            break
    else:
        pytest.fail("the launcher cannot be reached with the Tab key")
    page.keyboard.press("Enter")
    page.wait_for_selector(".msc-panel:not([hidden])")
    bot_messages(page).first.wait_for()


def ask(page, text):
    before = bot_messages(page).count()
    page.fill("#msc-input", text)
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('.msc-bot').length > {before}")
    return bot_messages(page).last.inner_text()


def test_keyboard_only_open_ask_quick_reply_and_close(page):
    open_with_keyboard(page)
    assert page.evaluate("document.activeElement.id") == "msc-input", "focus moves to the question box"
    assert "Medway SEND assistant" in bot_messages(page).first.inner_text()
    answer = ask(page, "how long have I got to comment on the draft EHC plan?")
    assert "at least 15 days" in answer
    assert page.locator(".msc-feedback").last.is_visible(), "answers offer 'Was this helpful?'"
    page.locator(".msc-feedback button", has_text="Yes").last.click()
    page.wait_for_selector("text=Thank you for your feedback.")
    before = bot_messages(page).count()
    page.locator(".msc-reply", has_text="Talk to a person").last.click()
    page.wait_for_function(f"document.querySelectorAll('.msc-bot').length > {before}")
    assert "SENDIASS" in bot_messages(page).last.inner_text()
    page.focus("#msc-input")
    page.keyboard.press("Escape")
    assert page.locator(".msc-panel").is_hidden()
    assert page.evaluate("document.activeElement.classList.contains('msc-launcher')"), "focus returns to the launcher"


def test_conversation_survives_a_page_reload(page):
    open_with_keyboard(page)
    ask(page, "what is mediation")
    page.reload()
    page.wait_for_selector(".msc-panel:not([hidden])")
    texts = page.locator(".msc-user").all_inner_texts()
    assert any("what is mediation" in t for t in texts)
    assert "mediation adviser" in bot_messages(page).last.inner_text()


def test_text_is_shown_as_text_and_links_are_safe(page):
    open_with_keyboard(page)
    ask(page, "<img src=x onerror=\"document.title='hacked'\"> hello")
    assert page.locator(".msc-log img").count() == 0
    assert page.title() != "hacked"
    assert "<img src=x" in page.locator(".msc-user").last.inner_text()
    ask(page, "what is the local offer")
    links = page.locator(".msc-bot a")
    assert links.count() >= 1
    for i in range(links.count()):
        link = links.nth(i)
        assert link.get_attribute("href").startswith(("https://", "http://", "tel:", "mailto:"))
        assert link.get_attribute("rel") == "noopener noreferrer"


def test_an_over_long_message_is_refused_in_the_widget_and_kept(page):
    open_with_keyboard(page)
    before = page.locator(".msc-user").count()
    page.fill("#msc-input", "a" * 2001)
    page.keyboard.press("Enter")
    assert "shorten it to 2,000 characters" in page.locator(".msc-notice").inner_text()
    assert page.locator(".msc-user").count() == before
    assert len(page.input_value("#msc-input")) == 2001, "the text is not lost"


def test_a_dropped_connection_shows_a_notice_then_recovers(page, assistant):
    open_with_keyboard(page)
    assistant.stop_rasa()
    try:
        page.fill("#msc-input", "what is an EHC plan")
        page.keyboard.press("Enter")
        page.wait_for_selector(".msc-notice:not([hidden])")
        assert "can't reach the assistant" in page.locator(".msc-notice").inner_text()
        assert "Your message is saved" in page.locator(".msc-notice").inner_text()
    finally:
        assistant.start_rasa()
    page.wait_for_function("[...document.querySelectorAll('.msc-bot')].some(m => m.innerText.includes('legal document'))",
                           timeout=60000)
    assert page.locator(".msc-notice").is_hidden()


def test_a_reply_lost_on_the_way_back_is_resent_and_answered_once(page, assistant):
    """The server stores the turn but the page gets a 502 (a replica died behind the load balancer):
    the widget sends the message again with the same id and "resend", and the parent reads one answer,
    stored once."""
    bodies = []

    def lose_the_first_reply(route):
        bodies.append(route.request.post_data_json)
        if len(bodies) == 1:
            route.fetch()  # the server handles and stores the turn ...
            route.fulfill(status=502, body="Bad Gateway")  # ... and the page never hears back
        else:
            route.continue_()

    open_with_keyboard(page)
    page.route("**/webhooks/rest/webhook", lose_the_first_reply)
    try:
        page.fill("#msc-input", "what is an EHC plan")
        page.keyboard.press("Enter")
        page.wait_for_function("[...document.querySelectorAll('.msc-bot')].some(m => m.innerText.includes('legal document'))",
                               timeout=30000)
    finally:
        page.unroute("**/webhooks/rest/webhook")
    first, second = bodies[0], bodies[1]
    assert first["message_id"] == second["message_id"]
    assert first["resend"] is False and second["resend"] is True
    answers = [m for m in bot_messages(page).all_inner_texts() if "legal document" in m]
    assert len(answers) == 1, answers
    stored = assistant.tracker(first["sender"])["events"]
    asked = [e for e in stored if e["event"] == "user" and e.get("text") == "what is an EHC plan"]
    assert len(asked) == 1, "the message is handled and stored once"
    assert asked[0]["message_id"] == first["message_id"]


def test_no_serious_accessibility_violations_with_a_conversation_open(page):
    from axe_playwright_python.sync_playwright import Axe
    open_with_keyboard(page)
    ask(page, "can my child get free school transport")
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in serious]


def test_usable_at_320_pixels_without_sideways_scrolling_and_screenshots(browser, demo_site):
    for name, size in (("widget-320px.png", {"width": 320, "height": 640}),
                       ("widget-desktop.png", {"width": 1280, "height": 800})):
        context = browser.new_context(viewport=size)
        page = context.new_page()
        page.goto(demo_site + "/")
        open_with_keyboard(page)
        ask(page, "what is SEN support")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name}: no horizontal scroll"
        assert page.locator("#msc-input").is_visible() and page.locator(".msc-send").is_visible()
        page.screenshot(path=str(SCREENSHOTS / name))
        context.close()


def test_cross_origin_requests_only_from_listed_origins(assistant, demo_site):
    webhook = assistant.url + "/webhooks/rest/webhook"
    allowed = requests.options(webhook, headers={"Origin": demo_site, "Access-Control-Request-Method": "POST"}, timeout=10)
    assert allowed.headers.get("Access-Control-Allow-Origin") == demo_site
    other = requests.options(webhook, headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
                             timeout=10)
    assert other.headers.get("Access-Control-Allow-Origin") in (None, "")


WEBCHAT = Path(__file__).resolve().parent / "webchat" / "rasa-webchat.js"
WEBCHAT_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>rasa-webchat client</title></head>
<body><div id="webchat" style="height: 600px"></div><script src="/rasa-webchat.js"></script>
<script>WebChat.default({selector: "#webchat", initPayload: "/greet", socketUrl: "%s", socketPath: "/socket.io/",
  embedded: true, title: "Third-party client", params: {storage: "session"}, customData: {language: "en"}}, null);</script>
</body></html>"""


@pytest.fixture
def third_party_page(tmp_path, assistant):
    """A page with rasa-webchat, served from loopback like the demo site (Chromium's local network
    protection blocks pages that were not really served from loopback from calling it)."""
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from tests.conftest import THIRD_PARTY_ORIGIN, THIRD_PARTY_PORT
    if not WEBCHAT.exists():
        pytest.fail("tests/webchat/rasa-webchat.js is missing: run scripts/fetch-webchat (make test does)")
    (tmp_path / "index.html").write_text(WEBCHAT_PAGE % assistant.url)
    (tmp_path / "rasa-webchat.js").write_bytes(WEBCHAT.read_bytes())
    handler = type("Quiet", (SimpleHTTPRequestHandler,), {"log_message": lambda *args: None})
    server = ThreadingHTTPServer(("127.0.0.1", THIRD_PARTY_PORT), partial(handler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield THIRD_PARTY_ORIGIN + "/"
    server.shutdown()
    server.server_close()


def test_a_third_party_client_talks_over_socket_io(browser, third_party_page):
    """rasa-webchat (from npm, fetched by scripts/fetch-webchat) exchanges messages over socket.io."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(third_party_page)
    page.wait_for_selector("text=Medway SEND assistant", timeout=30000)
    page.fill(".rw-new-message", "what is mediation")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=mediation adviser", timeout=30000)
    context.close()


def test_directory_results_render_as_accessible_cards_on_a_phone(browser, demo_site):
    from axe_playwright_python.sync_playwright import Axe
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(demo_site + "/")
    open_with_keyboard(page)
    ask(page, "is there speech therapy for my 4 year old near Gillingham?")
    page.wait_for_selector(".msc-card")
    cards = page.locator(".msc-card")
    assert 3 <= cards.count() <= 5
    first = cards.first.inner_text()
    assert "Gillingham Speech and Language" in first, "a service in the named town comes first"
    assert "Sample data: not a real service" in first and "Ages 0 to 5" in first and "Last updated" in first
    assert page.locator(".msc-card a[href^='tel:01632960']").count() >= 1
    site = page.locator(".msc-card a[target=_blank]").first
    assert site.get_attribute("rel") == "noopener noreferrer"
    shown = page.locator(".msc-log").inner_text()
    assert "How to get it:" not in shown and shown.count("How to get it") == cards.count(), \
        "the cards are shown, not their plain-text copy for other channels as well"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Show more").click()
    page.wait_for_function("document.querySelectorAll('.msc-cards').length >= 2")
    assert page.locator(".msc-cards").last.get_attribute("start") == "5"
    serious = [v for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, [(v["id"], v["help"]) for v in serious]
    page.evaluate("""(() => { const log = document.querySelector('.msc-log');
        const cards = document.querySelector('.msc-cards').closest('.msc-msg').previousElementSibling;
        log.scrollTop += cards.getBoundingClientRect().top - log.getBoundingClientRect().top - 8; })()""")
    page.screenshot(path=str(SCREENSHOTS / "directory-cards-320px.png"))
    page.reload()
    page.wait_for_selector(".msc-card")
    assert page.locator(".msc-cards").count() == 2, "cards come back after a reload"
    context.close()


# ---- issue 17, item 5: replies open at their first line, tap-to-call, "not helpful", one "Start again",
# ---- room for the conversation on a phone ---------------------------------------------------------

PHONE = {"width": 375, "height": 812}
RISK = "my son has taken an overdose"
CRISIS_NUMBERS = {"999": "999", "111": "111", "01634334466": "01634 334 466", "03000419191": "03000 419 191",
                  "116123": "116 123", "08001111": "0800 1111", "08088005000": "0808 800 5000"}


def new_page(browser, demo_site, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(demo_site + "/")
    return context, page


def ask_turn(page, text):
    """Ask, wait for the whole reply (the typing notice gone), and return the index of its first message."""
    before = bot_messages(page).count()
    ask(page, text)
    page.wait_for_function("!document.querySelector('.msc-status').textContent")
    return before


def offset_in_log(page, index):
    """How far below the top of the conversation area the bot message's first line is, in CSS pixels."""
    return page.evaluate("""i => { const log = document.querySelector('.msc-log');
        const m = document.querySelectorAll('.msc-bot')[i];
        return m.getBoundingClientRect().top - log.getBoundingClientRect().top; }""", index)


def visible_in_log(page, selector):
    return page.evaluate("""s => { const log = document.querySelector('.msc-log').getBoundingClientRect();
        const r = document.querySelector(s).getBoundingClientRect();
        return r.top >= log.top && r.bottom <= log.bottom; }""", selector)


def sender(page):
    return page.evaluate("JSON.parse(sessionStorage.getItem('medway-send-chat')).sender")


def tracker(assistant, page):
    answer = requests.get(f"{assistant.url}/conversations/{sender(page)}/tracker", params={"token": assistant.token},
                          timeout=30)
    answer.raise_for_status()
    return answer.json()


def test_phone_numbers_in_the_crisis_reply_are_tap_to_call_links(page):
    open_with_keyboard(page)
    ask_turn(page, RISK)
    for digits, written in CRISIS_NUMBERS.items():
        link = page.locator(f".msc-bot a[href='tel:{digits}']")
        assert link.count() >= 1, f"{written} is a tel: link"
        assert link.first.inner_text() == written, "the link text stays as written"
    for i in range(page.locator(".msc-bot a[href^='tel:']").count()):
        href = page.locator(".msc-bot a[href^='tel:']").nth(i).get_attribute("href")
        assert href[4:].isdigit(), f"{href}: a tel: link is built from digits only"


FAKE_REPLY = ("Call 999 now, or 111. Ages 0 to 25; 2,000 characters; 20 weeks; 15 days; in 2026; £999; "
              "ref A01634334466; 1,111 families; v0.999; 01234 56; 3.111; 0808 800 5000 (free).\n"
              "<img src=x onerror=\"document.title='hacked'\"> 01632 960 000")


def test_only_phone_numbers_become_tel_links_and_text_stays_text(page):
    """A made-up reply (the webhook answered by the test): numbers that are not phone numbers stay text."""
    import json
    open_with_keyboard(page)
    page.route("**/webhooks/rest/webhook", lambda route: route.fulfill(
        status=200, content_type="application/json", headers={"Access-Control-Allow-Origin": "*"},
        body=json.dumps([{"recipient_id": "x", "text": FAKE_REPLY}])))
    ask(page, "numbers please")
    links = page.locator(".msc-bot").last.locator("a")
    assert [(links.nth(i).get_attribute("href"), links.nth(i).inner_text()) for i in range(links.count())] == [
        ("tel:999", "999"), ("tel:111", "111"), ("tel:08088005000", "0808 800 5000"),
        ("tel:01632960000", "01632 960 000")]
    assert page.locator(".msc-log img").count() == 0 and page.title() != "hacked"
    assert "£999" in page.locator(".msc-bot").last.inner_text()
    page.unroute("**/webhooks/rest/webhook")


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}], ids=["phone", "desktop"])
def test_a_long_reply_opens_at_its_first_line_with_999_in_view(browser, demo_site, viewport):
    context, page = new_page(browser, demo_site, viewport)
    open_with_keyboard(page)
    ask_turn(page, "what is an EHC plan")
    first = ask_turn(page, RISK)
    assert "999" in bot_messages(page).nth(first).inner_text().split("\n")[1], "the emergency reply opens with 999"
    assert page.evaluate("(() => { const l = document.querySelector('.msc-log'); return l.scrollHeight > l.clientHeight; })()"), \
        "the conversation is longer than its area, so where it scrolls to matters"
    offset = offset_in_log(page, first)
    assert 0 <= offset <= 24, f"the reply's first line is {offset:.0f}px from the top of the conversation area"
    assert visible_in_log(page, ".msc-bot a[href='tel:999']"), "the 999 line is on screen without scrolling"
    if viewport is PHONE:
        page.screenshot(path=str(SCREENSHOTS / "widget-crisis-375px.png"))
    context.close()


def test_a_reply_in_several_messages_opens_at_the_first_of_them(browser, demo_site):
    """A service search answers with an introduction, the cards and "what next": the introduction goes to the top."""
    context, page = new_page(browser, demo_site, PHONE)
    open_with_keyboard(page)
    first = ask_turn(page, "is there speech therapy for my 4 year old near Gillingham?")
    page.wait_for_selector(".msc-card")
    assert bot_messages(page).count() - first >= 3
    assert "Here are services" in bot_messages(page).nth(first).inner_text()
    offset = offset_in_log(page, first)
    assert 0 <= offset <= 24, f"the first message of the reply is {offset:.0f}px from the top of the conversation area"
    page.reload()
    page.wait_for_selector(".msc-card")
    offset = offset_in_log(page, first)
    assert 0 <= offset <= 24, f"after a reload the last reply opens at its first message too ({offset:.0f}px)"
    context.close()


def test_a_short_answer_also_opens_at_its_first_line(page):
    open_with_keyboard(page)
    for question in ("what is an EHC plan", "what is SEN support"):
        ask_turn(page, question)
    first = ask_turn(page, "how long have I got to comment on the draft EHC plan?")
    assert 0 <= offset_in_log(page, first) <= 24 or \
        page.evaluate("(() => { const l = document.querySelector('.msc-log'); return l.scrollTop + l.clientHeight >= l.scrollHeight - 1; })()"), \
        "the answer starts at the top, or the whole of it is in view at the end"
    assert offset_in_log(page, first) >= 0, "the first line of the answer is not above the conversation area"


def test_not_helpful_offers_other_words_a_person_or_a_volunteer(page, assistant):
    open_with_keyboard(page)
    ask_turn(page, "how long have I got to comment on the draft EHC plan?")
    before = bot_messages(page).count()
    page.locator(".msc-feedback button", has_text="No").last.click()
    page.wait_for_function(f"document.querySelectorAll('.msc-bot').length > {before}")
    offer = bot_messages(page).last
    assert "Sorry that did not help" in offer.inner_text()
    choices = offer.locator(".msc-reply").all_inner_texts()
    assert choices == ["Ask in other words", "Talk to a person", "Leave a question for a volunteer"]
    assert page.locator(".msc-feedback").last.inner_text().strip() == "Thank you for your feedback."
    intents = [e["parse_data"]["intent"]["name"] for e in tracker(assistant, page)["events"] if e["event"] == "user"]
    assert "feedback_not_helpful" in intents, "the feedback is kept in the tracker store as before"

    count = bot_messages(page).count()
    offer.locator(".msc-reply", has_text="Ask in other words").click()
    assert page.evaluate("document.activeElement.id") == "msc-input", "the cursor goes back to the question box"
    hint = page.locator("#msc-rephrase")
    assert hint.is_visible() and "other words" in hint.inner_text()
    assert "msc-rephrase" in page.get_attribute("#msc-input", "aria-describedby").split()
    assert bot_messages(page).count() == count, "nothing is sent: the parent types the question again"
    answer = ask(page, "when do I have to send my views on the draft plan by?")
    assert "15 days" in answer
    assert hint.is_hidden(), "the hint goes once the question is sent"

    page.locator(".msc-feedback button", has_text="No").last.click()
    page.wait_for_function("document.querySelectorAll('.msc-bot .msc-reply').length && "
                           "[...document.querySelectorAll('.msc-bot')].pop().innerText.includes('Sorry that did not help')")
    before = bot_messages(page).count()
    bot_messages(page).last.locator(".msc-reply", has_text="Leave a question for a volunteer").click()
    page.wait_for_function(f"document.querySelectorAll('.msc-bot').length > {before}")
    assert "question" in bot_messages(page).last.inner_text().lower()
    before = bot_messages(page).count()
    page.locator(".msc-secondary", has_text="Start again").click()
    page.wait_for_function("[...document.querySelectorAll('.msc-bot')].some(m => m.innerText.includes('started again'))")


def start_again_outcome(page, assistant, click):
    """Search for a service (which fills slots), click a "Start again", and say what it left behind."""
    ask_turn(page, "is there speech therapy for my 4 year old near Gillingham?")
    page.wait_for_selector(".msc-card")
    assert any(v for k, v in tracker(assistant, page)["slots"].items() if k in ("service_need", "child_age"))
    before_sender = sender(page)
    click()
    page.wait_for_function("[...document.querySelectorAll('.msc-bot')].some(m => m.innerText.includes('started again'))")
    page.wait_for_function("!document.querySelector('.msc-status').textContent")
    state = tracker(assistant, page)
    return {
        "same conversation id": sender(page) == before_sender,
        "bot messages": bot_messages(page).all_inner_texts(),
        "user messages": page.locator(".msc-user").count(),
        "cards left": page.locator(".msc-card").count(),
        "focus": page.evaluate("document.activeElement.id"),
        "slots filled": sorted(k for k, v in state["slots"].items() if v not in (None, [], False)
                               and k not in ("session_started_metadata",)),
        "stored": len(page.evaluate("JSON.parse(sessionStorage.getItem('medway-send-chat')).messages")),
    }


def test_both_start_again_buttons_do_the_same(page, assistant):
    open_with_keyboard(page)
    from_bot = start_again_outcome(page, assistant, lambda: bot_messages(page).last.locator(
        ".msc-reply", has_text="Start again").click())
    from_form = start_again_outcome(page, assistant, lambda: page.locator(".msc-secondary", has_text="Start again").click())
    assert from_bot == from_form
    typed = start_again_outcome(page, assistant, lambda: (page.fill("#msc-input", "start again"), page.keyboard.press("Enter")))
    assert typed == from_form, "typing 'start again' clears the view too"
    assert from_bot["user messages"] == 0 and from_bot["cards left"] == 0 and len(from_bot["bot messages"]) == 1
    assert from_bot["focus"] == "msc-input" and from_bot["same conversation id"] and from_bot["stored"] == 1
    assert not [s for s in from_bot["slots filled"] if s in ("service_need", "child_age", "service_area")]


def test_the_conversation_gets_most_of_a_phone_screen(browser, demo_site):
    context, page = new_page(browser, demo_site, PHONE)
    open_with_keyboard(page)
    ask_turn(page, "what is SEN support")
    height = page.evaluate("document.querySelector('.msc-log').getBoundingClientRect().height")
    # 580 of 812: the line with 999 and 111, always in view, takes about 20px.
    assert height >= 580, f"the conversation area is {height:.0f}px tall at 375 x 812"
    assert "personal details" in page.locator(".msc-privacy").inner_text(), "the privacy reminder stays, shorter"
    assert page.locator(".msc-privacy > a").is_visible()
    assert page.locator(".msc-label").is_visible() and page.locator(".msc-label").inner_text() == "Your question"
    for control in page.locator(".msc-panel button:visible").all():
        box = control.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (control.inner_text(), box)
    page.screenshot(path=str(SCREENSHOTS / "widget-375px.png"))
    context.close()


def test_the_emergency_numbers_stay_in_view_whatever_is_asked(browser, demo_site):
    """A message in danger that the assistant does not recognise still has 999 and 111 on screen, as
    tap-to-call links, before the first question and after a long answer, on a phone."""
    context, page = new_page(browser, demo_site, PHONE)
    open_with_keyboard(page)
    for turn in (None, "what happens at an annual review of an EHC plan"):
        if turn:
            ask_turn(page, turn)
        urgent = page.locator(".msc-urgent")
        assert urgent.is_visible() and urgent.inner_text().startswith("In danger now? Call 999.")
        assert [a.get_attribute("href") for a in urgent.locator("a").all()] == ["tel:999", "tel:111"]
        box = urgent.bounding_box()
        assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], "in view without scrolling"
    context.close()


TEXT_SPACING = """* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }"""


@pytest.mark.parametrize("viewport", [{"width": 320, "height": 640}, {"width": 320, "height": 256}],
                         ids=["320px-text-spacing", "400pc-zoom"])
def test_a_started_conversation_reflows_on_a_small_screen(browser, demo_site, viewport):
    """320 CSS px wide with WCAG's text spacing, and 1280 x 1024 at 400% zoom (320 x 256): no sideways
    scrolling, and the question box, Send and both buttons can be reached."""
    context, page = new_page(browser, demo_site, viewport)
    page.add_style_tag(content=TEXT_SPACING)
    open_with_keyboard(page)
    ask_turn(page, "what is SEN support")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate("(() => { const p = document.querySelector('.msc-panel'); return p.scrollWidth <= p.clientWidth; })()")
    assert page.evaluate("""(() => { const p = document.querySelector('.msc-panel');
        return p.scrollHeight <= p.clientHeight || ['auto', 'scroll'].includes(getComputedStyle(p).overflowY); })()"""), \
        "a panel taller than the screen scrolls, so its header and question box can be reached"
    for selector in ("#msc-input", ".msc-send", ".msc-secondary >> text=Talk to a person", ".msc-secondary >> text=Start again"):
        control = page.locator(selector)
        control.scroll_into_view_if_needed()
        assert control.is_visible(), selector
        box = control.bounding_box()
        assert 0 <= box["y"] and box["y"] + min(box["height"], 44) <= viewport["height"], (selector, box)
    context.close()
