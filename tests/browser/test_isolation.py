"""What the browser sees of other teams' rows (nothing: 404) and of hostile article text
(inert text, never markup or script)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=2">'
QUOTES = "He said \"it's 'fine'\" & left </p><b>bold?</b>"


@pytest.mark.parametrize("what", ["article", "claim"])
def test_another_teams_article_and_claim_are_404(page, team, owner, outsider, what):
    claim = ClaimFactory(article=ArticleFactory(team=team, title="Desk A only"))
    url = f"/articles/{claim.article.code}/" if what == "article" else f"/claims/{claim.code}/"
    sign_in(page, "mallory")
    response = page.goto(url)
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text("Desk A only")
    expect(page.locator("body")).not_to_contain_text(claim.text)
    # The same URL works for a member (the 404 above is the scoping, not a broken page).
    page.context.clear_cookies()
    sign_in(page, "alice")
    response = page.goto(url)
    assert response is not None and response.status == 200
    expect(page.locator("main")).to_contain_text(claim.text)


def test_hostile_article_text_is_shown_as_text_and_never_runs(page, team, owner):
    intro = "The minister spoke in 1960. "
    body = f"{intro}{SCRIPT} then {IMG} and {QUOTES}\n\nA second paragraph about 1960."
    article = ArticleFactory(team=team, title=f"Title {SCRIPT}", body=body)
    # A claim over the first sentence, its text hostile too (it ends up in attributes).
    ClaimFactory(
        article=article,
        start=0,
        end=len(intro) - 1,
        spans=[[0, len(intro) - 1]],
        text='The minister spoke in 1960 "><img src=x onerror="window.__xss=3">',
    )
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, "alice")
    response = page.goto(f"/articles/{article.code}/")
    assert response is not None and response.status == 200
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert dialogs == []
    main = page.locator("main")
    for literal in (SCRIPT, IMG, QUOTES):
        expect(main).to_contain_text(literal)
    expect(main.locator("script")).to_have_count(0)
    expect(main.locator("img")).to_have_count(0)
    expect(main.locator("b")).to_have_count(0)
    expect(main.locator("mark.claim")).not_to_have_count(0)
