"""Signing in through the form, and the inbox behind it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import ArticleFactory
from workbench.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)


def test_anonymous_visitor_is_sent_to_sign_in(page):
    page.goto("/")
    assert "/sign-in/" in page.url
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_sign_in_with_the_right_password_opens_the_inbox(page, owner, team):
    sign_in(page, "alice")
    assert page.url.endswith("/")
    expect(page.get_by_role("button", name="Sign out alice")).to_be_visible()
    expect(page.get_by_role("link", name="Inbox")).to_have_attribute("aria-current", "page")


def test_sign_in_with_a_wrong_password_is_refused(page, owner):
    page.goto("/sign-in/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("correct username and password")
    assert "/sign-in/" in page.url
    expect(page.get_by_role("button", name="Sign out alice")).to_have_count(0)
    # Still out: the inbox sends the visitor back to the form.
    page.goto("/")
    assert "/sign-in/" in page.url


def test_inbox_lists_the_teams_articles(page, owner, team, other_team):
    ArticleFactory(team=team, title="Havana and Beijing, 65 years on")
    ArticleFactory(team=other_team, title="Desk B's secret draft")
    sign_in(page, "alice")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Havana and Beijing, 65 years on")
    expect(main).not_to_contain_text("Desk B's secret draft")


def test_team_pages_work_in_the_browser(page, owner, editor, team):
    sign_in(page, "alice")
    page.get_by_role("link", name="Teams").click()
    page.get_by_role("link", name="Desk A").click()
    expect(page.get_by_role("heading", name="Desk A")).to_be_visible()
    page.get_by_label("Role of bob", exact=True).select_option("viewer")
    page.get_by_role("button", name="Change the role of bob").click()
    expect(page.get_by_role("status")).to_contain_text("bob is now viewer in Desk A")
    expect(page.get_by_label("Role of bob", exact=True)).to_have_value("viewer")


def test_switching_team_from_the_header(page, owner, team, other_team):
    Membership.objects.create(team=other_team, user=owner, role=Membership.Role.VIEWER)
    ArticleFactory(team=other_team, title="Only on desk B")
    sign_in(page, "alice")
    expect(page.locator("main")).not_to_contain_text("Only on desk B")
    page.get_by_label("Team").select_option(label="Desk B")
    page.get_by_role("button", name="Switch").click()
    expect(page.get_by_role("status")).to_contain_text("You are now working in Desk B")
    expect(page.get_by_label("Team")).to_have_value(str(other_team.code))
    expect(page.locator("main")).to_contain_text("Only on desk B")
