"""The claim page in the browser: hostile text stays text, evidence arrives without a reload
(and without losing a half-typed rationale), j/k walk the article's claims, @mentions."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from claims.services import comment_create
from sources.models import LookupRun
from tests.browser.conftest import sign_in
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=2">'
# The lookups fragment is polled every 2 s.
POLL_MS = 10_000


def test_hostile_text_on_the_claim_page_is_inert(page, team, owner):
    body = f"Officials said {SCRIPT} in 1960 and {IMG}."
    article = ArticleFactory(team=team, body=body, title=f"T {IMG}")
    claim = ClaimFactory(article=article, start=0, end=len(body), text=f"Claim {IMG} in 1960")
    source = SourceFactory(
        title=f"Source {SCRIPT}", archived_text=f"Archive {IMG} here.", url="https://a.example/s"
    )
    EvidenceFactory(claim=claim, source=source, passage=f"Passage {SCRIPT}", stance_reason=IMG)
    comment_create(claim=claim, author=owner, body=f"@alice look {IMG} {SCRIPT}")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, "alice", next_url=f"/claims/{claim.code}/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert dialogs == []
    main = page.locator("main")
    expect(main).to_contain_text(SCRIPT)
    expect(main).to_contain_text(IMG)
    expect(main.locator("script")).to_have_count(0)
    expect(main.locator("img")).to_have_count(0)
    expect(main.locator("strong.mention")).to_have_text("@alice")
    # The archived copy of the source: plain text too.
    main.get_by_role("link", name=re.compile("stored text|archived copy")).first.click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).to_contain_text(f"Archive {IMG} here.")
    assert page.evaluate("typeof window.__xss") == "undefined"
    expect(page.locator("main img")).to_have_count(0)


def test_evidence_arrives_without_a_reload_and_keeps_what_was_typed(page, team, owner):
    claim = ClaimFactory(article=ArticleFactory(team=team), text="Cuba recognised China in 1960.")
    run = LookupRun.objects.create(claim=claim, backend="library", status=LookupRun.Status.RUNNING)
    sign_in(page, "alice", next_url=f"/claims/{claim.code}/")
    expect(page.locator("#lookup-runs")).to_contain_text("Running")
    rationale = page.locator("form:has(input[name='version']) [name='rationale']")
    rationale.fill("Half-typed reasoning")
    page.evaluate("window.__same_page = true")

    source = SourceFactory(title="Havana Times archive")
    EvidenceFactory(claim=claim, source=source, passage="Relations began on 28 September 1960.")
    LookupRun.objects.filter(pk=run.pk).update(status=LookupRun.Status.SUCCEEDED, results_count=1)

    evidence = page.locator("#evidence")
    expect(evidence).to_contain_text("Relations began on 28 September 1960.", timeout=POLL_MS)
    expect(evidence).to_contain_text("Havana Times archive")
    expect(page.locator("#lookup-runs")).to_contain_text("Succeeded")
    assert page.evaluate("window.__same_page") is True, "the page must not have reloaded"
    expect(rationale).to_have_value("Half-typed reasoning")


def test_j_and_k_walk_the_articles_claims(page, team, owner):
    article = ArticleFactory(team=team, body="First one. Second one. Third one.")
    first, second, third = (
        ClaimFactory(article=article, start=s, end=e, text=t)
        for s, e, t in [(0, 10, "First one."), (11, 22, "Second one."), (23, 33, "Third one.")]
    )
    sign_in(page, "alice", next_url=f"/claims/{second.code}/")
    page.locator("body").press("j")
    page.wait_for_url(re.compile(rf"/claims/{third.code}/$"))
    page.locator("body").press("k")
    page.wait_for_url(re.compile(rf"/claims/{second.code}/$"))
    page.locator("body").press("k")
    page.wait_for_url(re.compile(rf"/claims/{first.code}/$"))
    # Typing in a field is typing, not a shortcut.
    page.locator("[name='rationale']").press("j")
    assert page.url.endswith(f"/claims/{first.code}/")


def test_comment_with_a_mention_by_keyboard(page, team, owner, editor):
    claim = ClaimFactory(article=ArticleFactory(team=team))
    sign_in(page, "alice", next_url=f"/claims/{claim.code}/")
    box = page.get_by_role("textbox", name="Comment")
    box.fill("@bob can you find the 1960 communiqué?")
    box.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#comments$"))
    expect(page.locator("#comments strong.mention")).to_have_text("@bob")
    expect(page.locator("#comments")).to_contain_text("can you find the 1960 communiqué?")
