"""Issue 6 in a browser: every page passes axe-core (no serious or critical violation, colour
contrast included), the inbox and the article page work from the keyboard alone (skip link
first, focus always visible, every highlight reachable, the add-article form submitted with
Tab/typing/Enter), the read-only pages show their content without JavaScript, and nothing
scrolls sideways on a laptop screen.

axe-core ships inside the axe-playwright-python wheel (axe.min.js, injected with
page.evaluate): nothing is downloaded when the tests run.

A page is added to the checks by adding its URL builder to PAGES (and to NARROW_PAGES for the
laptop widths).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from claims.models import Article, Claim
from claims.services import claim_update, comment_create
from sources.models import Evidence
from tests.browser.conftest import TIMEOUT_MS, sign_in
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory
from workbench.services import token_create

pytestmark = pytest.mark.django_db(transaction=True)

# Impacts that fail a page; "minor" and "moderate" findings are listed by axe but not gated.
BLOCKING = {"serious", "critical"}
LAPTOPS = [{"width": 1280, "height": 720}, {"width": 1024, "height": 768}]
TAB_LIMIT = 150  # more Tab presses than any page here has stops: a walk that loops is a failure

SENTENCES = [
    "Havana hosted the talks on Tuesday.",
    "Cuba was the first country in the Western Hemisphere to establish diplomatic ties with "
    "China, in 1960.",
    "Trade between the two nations grew 10% in 2020.",
    "Officials said trade between them fell 5% in 2020.",
    "The next meeting will take place in Beijing in 2026.",
]
BODY = " ".join(SENTENCES) + "\n\nA second paragraph with no claim in it."
STATUSES = [
    Claim.Status.DISMISSED,
    Claim.Status.UNREVIEWED,
    Claim.Status.IN_PROGRESS,
    Claim.Status.IN_REVIEW,
    Claim.Status.PUBLISHED,
]


@dataclass
class Desk:
    """The rows the pages show: one article, a claim per sentence in every status."""

    article: Article
    claims: list[Claim]

    @property
    def claim(self) -> Claim:
        """The claim with evidence, findings, history and a comment."""
        return self.claims[1]


@pytest.fixture
def desk(team, owner, editor) -> Desk:
    article = ArticleFactory(
        team=team,
        title="China and Cuba mark 65 years of ties",
        body=BODY,
        outlet="Example Wire",
        url="https://example.org/china-cuba",
        created_by=owner,
    )
    claims = []
    for sentence, status in zip(SENTENCES, STATUSES, strict=True):
        start = BODY.index(sentence)
        end = start + len(sentence)
        published = status == Claim.Status.PUBLISHED
        claims.append(
            ClaimFactory(
                article=article,
                start=start,
                end=end,
                spans=[[start, end]],
                sentence=sentence,
                text=sentence,
                status=status,
                verdict=Claim.Verdict.TRUE if published else "",
                rationale="The 2026 meeting was announced in Beijing." if published else "",
                published_at=timezone.now() if published else None,
                assignee=editor if status == Claim.Status.IN_PROGRESS else None,
                checkworthiness=0.9,
            )
        )
    grew, fell = claims[2], claims[3]
    conflict = {
        "kind": "value_conflict",
        "severity": "conflict",
        "message": "Two different figures for trade in 2020.",
        "value": "2020",
        "claims": [str(grew.code), str(fell.code)],
    }
    Claim.objects.filter(pk__in=[grew.pk, fell.pk]).update(findings=[conflict])
    note = {
        "kind": "anniversary",
        "severity": "info",
        "message": "1960 is 65 years before 2025.",
        "value": 65,
        "claims": [str(claims[1].code)],
    }
    Claim.objects.filter(pk=claims[1].pk).update(findings=[note])
    main = Claim.objects.get(pk=claims[1].pk)
    EvidenceFactory(claim=main, stance=Evidence.Stance.SUPPORTS)
    EvidenceFactory(claim=main, stance=Evidence.Stance.REFUTES)
    main = claim_update(
        claim=main,
        by=editor,
        version=main.version,
        data={"status": Claim.Status.IN_PROGRESS, "assignee": editor},
    )
    comment_create(claim=main, author=owner, body="@bob the archive has the 1960 communiqué.")
    token_create(user=editor, name="newsroom script")
    claims[1] = main
    return Desk(article=article, claims=claims)


Url = Callable[[Desk], str]

# Signed-in pages (as the editor bob): id -> URL builder.
PAGES: list[Any] = [
    pytest.param(lambda d: "/", id="inbox"),
    pytest.param(lambda d: f"/articles/{d.article.code}/", id="article"),
    pytest.param(lambda d: "/claims/", id="queue"),
    pytest.param(lambda d: f"/claims/{d.claim.code}/", id="claim"),
    pytest.param(lambda d: "/teams/", id="teams"),
    pytest.param(lambda d: f"/teams/{d.article.team.code}/", id="team"),
    pytest.param(lambda d: "/account/tokens/", id="tokens"),
    pytest.param(lambda d: "/account/password/", id="password"),
]
NARROW_PAGES: list[Any] = [
    pytest.param(lambda d: "/", id="inbox"),
    pytest.param(lambda d: f"/articles/{d.article.code}/", id="article"),
    pytest.param(lambda d: "/claims/", id="queue"),
    pytest.param(lambda d: f"/claims/{d.claim.code}/", id="claim"),
]


def goto(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    page.wait_for_load_state("networkidle")


def axe_failures(page) -> str:
    """axe-core's serious and critical findings on the page, one readable block each ("" when
    there are none): violations, and checks axe could not decide (an aria-describedby naming a
    missing element, say), which need a person and fail here until one has looked."""
    results = Axe().run(page, options={"resultTypes": ["violations", "incomplete"]}).response
    lines = []
    for kind in ("violations", "incomplete"):
        for rule in results[kind]:
            if rule["impact"] not in BLOCKING:
                continue
            lines.append(f"{rule['id']} ({rule['impact']}, {kind}): {rule['help']}")
            for node in rule["nodes"]:
                summary = (node.get("failureSummary") or "").replace("\n", " ")
                lines.append(f"    {', '.join(map(str, node['target']))}: {summary}")
                lines.append(f"        {node['html'][:200]}")
    return "\n".join(lines)


@pytest.mark.parametrize("url", PAGES)
def test_signed_in_pages_have_no_serious_axe_violations(page, desk, url: Url):
    sign_in(page, "bob")
    goto(page, url(desk))
    failures = axe_failures(page)
    assert not failures, f"axe on {page.url}:\n{failures}"


def test_sign_in_page_has_no_serious_axe_violations(page, editor):
    goto(page, "/sign-in/")
    assert not (failures := axe_failures(page)), f"axe on {page.url}:\n{failures}"
    # With a failed attempt too: the error is announced, and its list is still a list.
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    expect(page.get_by_role("alert")).to_contain_text(re.compile("correct username", re.I))
    assert not (failures := axe_failures(page)), f"axe on {page.url}:\n{failures}"


def test_password_change_errors_have_no_serious_axe_violations(page, editor):
    sign_in(page, "bob")
    goto(page, "/account/password/")
    page.get_by_label("Old password").fill("not my password")
    page.get_by_label("New password", exact=True).fill("x")
    page.get_by_label("New password confirmation").fill("y")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_load_state()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert not (failures := axe_failures(page)), f"axe on {page.url}:\n{failures}"


def test_add_article_errors_have_no_serious_axe_violations(page, team, editor):
    sign_in(page, "bob")
    goto(page, "/")
    form = page.locator("form[action$='/articles/new/']")
    form.get_by_role("button", name="Add article").click()
    page.wait_for_load_state()
    expect(form.locator(".errorlist").first).to_be_visible()
    assert not Article.objects.exists()
    assert not (failures := axe_failures(page)), f"axe on {page.url}:\n{failures}"


def test_the_axe_check_fails_on_poor_contrast(page, editor):
    """The gate is live: light grey text on white (about 2.3:1) is a serious violation."""
    goto(page, "/sign-in/")
    page.evaluate(
        """() => document.querySelector('main').insertAdjacentHTML('beforeend',
             '<p style="color:#aaa;background:#fff">Hard to read</p>')"""
    )
    assert "color-contrast (serious, violations)" in axe_failures(page)


# --- the keyboard alone ---

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
  return {
    tag: e.tagName.toLowerCase(),
    id: e.id,
    cls: e.className || "",
    name: e.getAttribute("name") || "",
    text: (e.innerText || e.value || "").slice(0, 60),
    visible: outline || (s.boxShadow && s.boxShadow !== "none"),
    style: `outline: ${s.outlineStyle} ${s.outlineWidth}; box-shadow: ${s.boxShadow}`,
  };
}"""


def tab_walk(page) -> list[dict[str, Any]]:
    """Press Tab from the top of the page until focus leaves the page or comes back round;
    every stop (what getComputedStyle says of it included)."""
    page.evaluate("document.activeElement?.blur()")
    stops: list[dict[str, Any]] = []
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop is None or (stops and stop == stops[0]):
            return stops
        stops.append(stop)
    raise AssertionError(f"{TAB_LIMIT} Tab presses never left the page: {stops[-5:]}")


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(lambda d: "/", id="inbox"),
        pytest.param(lambda d: f"/articles/{d.article.code}/", id="article"),
    ],
)
def test_tab_walk_starts_at_the_skip_link_and_focus_is_always_visible(page, desk, url: Url):
    sign_in(page, "bob")
    goto(page, url(desk))
    stops = tab_walk(page)
    assert stops, "Tab never focused anything"
    assert "skip-link" in stops[0]["cls"], f"the first Tab stop is {stops[0]}"
    unseen = [stop for stop in stops if not stop["visible"]]
    assert not unseen, "focus is invisible on:\n" + "\n".join(map(str, unseen))
    # Every highlight in the text is a stop.
    marks = page.locator("mark.claim[tabindex]")
    wanted = set(marks.evaluate_all("ms => ms.map(m => m.id)"))
    reached = {stop["id"] for stop in stops if stop["tag"] == "mark"}
    assert wanted <= reached, f"highlights Tab never reaches: {sorted(wanted - reached)}"
    if "/articles/" in page.url:
        assert len(wanted) == len(desk.claims)
    # The skip link takes focus past the navigation, to the page's content.
    page.evaluate("document.activeElement?.blur()")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')")


def tab_to(page, selector: str) -> None:
    """Press Tab until the element matching `selector` has focus."""
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement?.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_add_an_article_with_the_keyboard_alone(page, team, editor):
    sign_in(page, "bob")
    goto(page, "/")
    page.evaluate("document.activeElement?.blur()")
    form = "form[action$='/articles/new/']"
    tab_to(page, f"{form} textarea")
    page.keyboard.type(
        "Typed by keyboard. The bridge opened in 1932 and carried 10,000 cars a day in 1950."
    )
    tab_to(page, f"{form} [name='title']")
    page.keyboard.type("A keyboard article")
    tab_to(page, f"{form} button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/articles/[0-9a-f-]{36}/$"), timeout=TIMEOUT_MS)
    article = Article.objects.get(team=team)
    assert article.title == "A keyboard article"
    assert article.body.startswith("Typed by keyboard.")
    assert article.created_by == editor
    expect(page.locator("h1")).to_have_text("A keyboard article")


# --- without JavaScript ---


@pytest.fixture
def no_js_page(browser, live_server, transactional_db):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 800}, base_url=live_server.url
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_article_page_and_queue_are_readable_without_javascript(no_js_page, desk):
    page = no_js_page
    sign_in(page, "bob")
    goto(page, f"/articles/{desk.article.code}/")
    main = page.locator("main")
    for claim in desk.claims:
        expect(main.locator(".article-claims")).to_contain_text(claim.text)
    marks = main.locator("mark.claim")
    expect(marks).to_have_count(len(desk.claims))
    for i in range(len(desk.claims)):
        expect(marks.nth(i)).to_be_visible()
    expect(main).to_contain_text("Two different figures for trade in 2020.")

    goto(page, "/claims/")
    results = page.locator("#queue-results")
    for claim in desk.claims:
        if claim.status not in (Claim.Status.DISMISSED, Claim.Status.PUBLISHED):
            expect(results).to_contain_text(claim.text)  # open work, whatever the default filter
    # The filter form works as a plain GET form.
    page.get_by_label("Search").fill("Beijing")
    page.get_by_role("button", name="Apply", exact=True).click()
    page.wait_for_load_state()
    assert "q=Beijing" in page.url
    expect(results).to_contain_text(SENTENCES[4])
    expect(results).not_to_contain_text(SENTENCES[2])


# --- laptop screens ---


TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > width)
    .slice(0, 5)
    .map(e => `${e.tagName}.${e.className}: right edge ${e.getBoundingClientRect().right}`);
}"""


@pytest.mark.parametrize("viewport", LAPTOPS, ids=lambda v: f"{v['width']}x{v['height']}")
@pytest.mark.parametrize("url", NARROW_PAGES)
def test_no_horizontal_scroll_on_a_laptop(page, desk, url: Url, viewport):
    page.set_viewport_size(viewport)
    sign_in(page, "bob")
    goto(page, url(desk))
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"], (
        f"{page.url} scrolls sideways at {viewport['width']}px: {widths}; "
        f"too wide: {page.evaluate(TOO_WIDE)}"
    )
