"""The editor's whole path in a browser: sign in, add the seed article through the inbox form,
watch its claims appear highlighted, open a claim, read its evidence, set a verdict, publish;
and two editors saving the same claim (the second gets the conflict page, nothing lost)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from claims.models import Article, Claim
from sources.models import Evidence
from sources.services import library_file_parse, library_load
from tests.browser.conftest import screenshot, sign_in
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db(transaction=True)

LIBRARY = Path(__file__).resolve().parents[2] / "workbench" / "demo" / "library.jsonl"
# Extraction and library lookups run in-process (eager Celery) in well under a second; the
# page learns of them by polling every 2 s.
PROCESSING_MS = 20_000


def verdict_form(page):
    """The claim page's verdict form (the one carrying the claim's version)."""
    return page.locator("form:has(input[name='version'])").first


def save(page, form, *, button: str | re.Pattern[str] | None = None):
    """Submit `form` (its first submit button, or the one named `button`) and return the
    answer to the POST."""
    submit = (
        form.get_by_role("button", name=button)
        if button is not None
        else form.locator("button[type=submit], button:not([type])").first
    )
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        submit.click()
    page.wait_for_load_state()
    return answer.value


def set_status(page, status: str, **fields: str):
    form = verdict_form(page)
    form.locator("[name='status']").select_option(status)
    for name, value in fields.items():
        field = form.locator(f"[name='{name}']")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    response = save(page, form)
    assert response.status < 400, (response.status, page.locator("main").inner_text()[:2000])
    return response


def test_seed_article_to_published_verdict(page, team, owner, seed_text):
    with LIBRARY.open("rb") as f:
        library_load(team=team, records=library_file_parse(f))
    sign_in(page, "alice")

    # Add the seed article through the inbox form.
    add = page.locator("form[action$='/articles/new/']")
    add.locator("textarea").fill(seed_text)
    add.get_by_role("button").first.click()
    page.wait_for_url(re.compile(r"/articles/[0-9a-f-]{36}/$"))
    article = Article.objects.get(team=team)

    # Highlights appear (extraction is done by now or the progress poll reloads the claims).
    marks = page.locator("mark.claim")
    expect(marks.first).to_be_visible(timeout=PROCESSING_MS)
    expect(marks).not_to_have_count(0)
    claims = Claim.objects.filter(article=article)
    assert claims.count() >= 5
    screenshot(page, "article")

    # Open a claim that has evidence from the team's library, from the article page.
    evidence = (
        Evidence.objects.filter(claim__article=article, stance="supports")
        .select_related("claim", "source")
        .first()
    )
    assert evidence is not None, "the seed library should support at least one seed claim"
    claim = evidence.claim
    page.locator(f"a[href$='/claims/{claim.code}/']").first.click()
    page.wait_for_url(re.compile(rf"/claims/{claim.code}/$"))
    main = page.locator("main")
    expect(main).to_contain_text(claim.text)
    # Its evidence: the source, a link to it that opens safely, and the stance group.
    expect(main).to_contain_text(evidence.source.title)
    link = main.locator(f"a[href='{evidence.source.url}']").first
    expect(link).to_have_attribute("rel", re.compile(r"noopener"))
    expect(main).to_contain_text(re.compile(r"support", re.IGNORECASE))
    screenshot(page, "claim")

    # Work on it, set a verdict, send it to review, publish.
    set_status(page, "in_progress", verdict="true", rationale="Matches the ACN report.")
    set_status(page, "in_review")
    set_status(page, "published")
    claim.refresh_from_db()
    assert (claim.status, claim.verdict) == ("published", "true")
    assert claim.rationale == "Matches the ACN report."
    expect(page.locator("main")).to_contain_text("ClaimReview")
    expect(page.locator("main")).to_contain_text(re.compile(r"published", re.IGNORECASE))

    # The inbox shows the article with its claims.
    page.get_by_role("link", name="Inbox").click()
    expect(page.locator("main")).to_contain_text(article.title)
    screenshot(page, "inbox")


def test_two_editors_on_one_claim_the_second_sees_the_conflict(new_page, team, owner, editor):
    claim = ClaimFactory(article=ArticleFactory(team=team), text="Cuba and China met in 1960.")
    url = f"/claims/{claim.code}/"
    alice, bob = new_page(), new_page()
    sign_in(alice, "alice", next_url=url)
    sign_in(bob, "bob", next_url=url)
    for page in (alice, bob):
        expect(verdict_form(page)).to_be_visible()

    # Alice saves first.
    form = verdict_form(alice)
    form.locator("[name='rationale']").fill("Alice: the statement was signed on 28 September.")
    assert save(alice, form).status < 400
    claim.refresh_from_db()
    assert claim.rationale.startswith("Alice:")

    # Bob, on the page he opened before her save, saves his own rationale: 409, both shown.
    form = verdict_form(bob)
    form.locator("[name='rationale']").fill("Bob: the date is disputed.")
    response = save(bob, form)
    assert response.status == 409
    main = bob.locator("main")
    expect(main).to_contain_text("Alice: the statement was signed on 28 September.")
    expect(main).to_contain_text("Bob: the date is disputed.")
    claim.refresh_from_db()
    assert claim.rationale.startswith("Alice:"), "nothing may be overwritten silently"

    # He saves over it deliberately, from the conflict page (a form with the new version).
    response = save(bob, verdict_form(bob), button=re.compile(r"anyway", re.IGNORECASE))
    assert response.status < 400
    claim.refresh_from_db()
    assert claim.rationale == "Bob: the date is disputed."
