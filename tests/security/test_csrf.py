"""CSRF on every form: a POST without a CSRF token to every web route (the workbench, the account
pages, the admin), from a signed-in owner (a superuser for the admin), is refused with 403 and
writes nothing. The routes come from the URL resolver (tests/security/web_routes.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.security.web_routes import (
    MARK,
    WebRoute,
    database_snapshot,
    desk_a_objects,
    fill,
    web_routes,
)

pytestmark = pytest.mark.django_db

# What a form on any of these pages could send: enough for each view to act if it let the POST in.
PAYLOAD = {
    "text": "Pasted by a forged form in 1960.",
    "title": "Forged",
    "url": "https://news.example.org/forged",
    "body": "Forged comment",
    "status": "dismissed",
    "verdict": "false",
    "rationale": "forged",
    "version": "1",
    "action": "dismiss",
    "reason": "forged",
    "name": "forged",
    "expires_in_days": "30",
    "team": "",
    "post": "yes",
    "old_password": "pw-for-tests",
    "new_password1": "a-new-long-password-1960",
    "new_password2": "a-new-long-password-1960",
    "username": "alice",
    "password": "pw-for-tests",
}

ROUTES = web_routes()


@pytest.fixture
def desk(team, owner, editor):
    return desk_a_objects(team, owner, editor)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_post_without_a_csrf_token_is_refused_and_changes_nothing(route: WebRoute, desk, owner):
    if route.is_admin:
        user = UserFactory(username="root", is_staff=True, is_superuser=True)
    else:
        user = owner
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    path = fill(route, desk)
    payload = dict(PAYLOAD, codes=str(desk["claim"].code), _selected_action=str(desk["claim"].pk))
    before = database_snapshot()

    response = client.post(path, payload)

    assert response.status_code == 403, f"{route}: {response.status_code}"
    assert b"CSRF" in response.content
    assert database_snapshot() == before, f"{route} wrote to the database"


def test_the_same_post_with_a_token_goes_through(desk, owner):
    # The 403s above are the CSRF check, and the snapshot sees a write when there is one.
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    client.get("/")  # a page that sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    before = database_snapshot()
    response = client.post(
        f"/claims/{desk['claim'].code}/comments/",
        {"body": f"{MARK} a real comment", "csrfmiddlewaretoken": token},
    )
    assert response.status_code in (200, 302)
    assert database_snapshot() != before


def test_every_kind_of_web_route_is_covered():
    names = {r.name for r in ROUTES}
    for expected in ("sign-in", "sign-out", "article-add", "claim-save", "account-tokens"):
        assert expected in names
    assert "admin:claims_claim_change" in names
