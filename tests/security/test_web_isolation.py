"""Team isolation over every web route and the admin, generated from the URL resolver.

Desk A holds one object of every kind (tests/security/web_routes.py), each carrying MARK.
Mallory, owner of desk B, then:

- requests every route naming one of desk A's objects (<uuid:code>) with GET and POST: the
  answer is what a code that exists nowhere gets (404; 405 where the route does not take that
  method at all, whatever the code), nothing is written, and no page shows MARK;
- reads every list page (inbox, queue, teams, tokens ...), also asking for desk A by code in the
  query string and after trying to switch to desk A: MARK never appears.

In the admin, a staff user of desk B who is not a superuser and holds every permission on the
workbench's models sees none of desk A's rows in any team-scoped list, and desk A's objects are
"not found" there (change, history, delete).
"""

from __future__ import annotations

import uuid

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client

from sources.models import Source
from tests.factories import UserFactory
from tests.security.web_routes import (
    MARK,
    WebRoute,
    database_snapshot,
    desk_a_objects,
    fill,
    web_routes,
)
from workbench.admin import TeamScopedAdmin
from workbench.models import ApiToken, Membership

pytestmark = pytest.mark.django_db

ROUTES = [r for r in web_routes() if not r.is_admin]
CODE_ROUTES = [r for r in ROUTES if r.placeholders == ["code"]]
LIST_ROUTES = [r for r in ROUTES if not r.placeholders]


@pytest.fixture
def desk(team, owner, editor):
    return desk_a_objects(team, owner, editor)


@pytest.fixture
def mallory(outsider):
    client = Client()
    client.force_login(outsider)
    return client


def nowhere(route: WebRoute) -> str:
    return "/" + route.pattern.replace("<uuid:code>", str(uuid.uuid4()))


def test_every_code_route_is_covered():
    names = {r.name for r in CODE_ROUTES}
    assert {"article-detail", "claim-detail", "claim-save", "source-detail", "team-detail"} <= names
    assert "account-token-revoke" in names


@pytest.mark.parametrize("route", CODE_ROUTES, ids=str)
def test_another_teams_object_is_not_found(route: WebRoute, desk, mallory):
    path = fill(route, desk)
    before = database_snapshot()
    statuses = set()
    for method in ("get", "post"):
        response = getattr(mallory, method)(path, {"body": "x", "text": "x", "version": "1"})
        control = getattr(mallory, method)(nowhere(route), {"body": "x", "text": "x"})
        assert response.status_code == control.status_code, f"{method.upper()} {route}"
        assert response.status_code in (404, 405), f"{method.upper()} {route}"
        statuses.add(response.status_code)
        assert MARK not in response.content.decode(errors="replace")
    assert 404 in statuses, f"{route}: the method it takes must answer 404"
    assert database_snapshot() == before


@pytest.mark.parametrize("route", CODE_ROUTES, ids=str)
def test_the_same_routes_work_for_desk_a(route: WebRoute, desk, owner):
    # The 404s above are the scoping, not broken routes: the owner is not refused.
    client = Client()
    client.force_login(owner)
    response = client.get(fill(route, desk))
    assert response.status_code in (200, 302, 405), route


@pytest.mark.parametrize("route", LIST_ROUTES, ids=str)
def test_list_pages_never_show_another_teams_text(route: WebRoute, desk, mallory):
    team_code = desk["team"].code
    mallory.post("/teams/switch/", {"team": str(team_code)})  # refused (404): not her team
    for query in ("", f"?team={team_code}", f"?article={desk['article'].code}"):
        response = mallory.get(f"/{route.pattern}{query}", follow=True)
        assert MARK not in response.content.decode(errors="replace"), f"{route}{query}"


def test_switching_to_another_team_is_refused(desk, mallory):
    response = mallory.post("/teams/switch/", {"team": str(desk["team"].code)})
    assert response.status_code == 404
    inbox = mallory.get("/").content.decode()
    assert "Desk B" in inbox
    assert MARK not in inbox


# --- the admin --------------------------------------------------------------------------------

# Sources are a shared archive keyed by URL (sources/admin.py SourceAdmin): not team data.
SHARED_MODELS = {Source}
SCOPED = [
    (model, model_admin)
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, TeamScopedAdmin)
]


@pytest.fixture
def staff_b(other_team):
    """Staff in desk B, not a superuser, with every permission on the workbench's models."""
    user = UserFactory(username="mallory-staff", is_staff=True, is_superuser=False)
    Membership.objects.create(team=other_team, user=user, role=Membership.Role.OWNER)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["workbench", "claims", "sources"])
    )
    client = Client()
    client.force_login(user)
    return client


def test_the_admin_scopes_every_team_model():
    scoped = {model.__name__ for model, _ in SCOPED}
    assert {"Article", "Claim", "Comment", "ClaimChange", "Evidence", "LookupRun"} <= scoped
    assert {"LibraryItem", "Membership"} <= scoped


@pytest.mark.parametrize(("model", "model_admin"), SCOPED, ids=[m._meta.label for m, _ in SCOPED])
def test_admin_lists_show_no_other_teams_rows(model, model_admin, desk, staff_b):
    opts = model._meta
    response = staff_b.get(f"/admin/{opts.app_label}/{opts.model_name}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert MARK not in body
    for username in ("alice", "bob"):  # desk A's members (authors, assignees, memberships)
        assert f">{username}<" not in body and f" {username} " not in body


def test_a_superuser_sees_desk_a_in_the_admin(desk):
    # Control: the lists above do show MARK to someone allowed to see it.
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert MARK in client.get("/admin/claims/claim/").content.decode()
    assert MARK in client.get("/admin/claims/comment/").content.decode()


@pytest.mark.parametrize(("model", "model_admin"), SCOPED, ids=[m._meta.label for m, _ in SCOPED])
def test_admin_pages_of_another_teams_object_are_not_found(model, model_admin, desk, staff_b):
    instance = next((o for o in desk.values() if isinstance(o, model)), None)
    if instance is None:
        instance = model_admin.model._default_manager.filter(
            **{f"{model_admin.team_lookup}": desk["team"]}
        ).first()
    assert instance is not None, f"desk A has no {model.__name__}"
    opts = model._meta
    before = database_snapshot()
    for action in ("change", "history", "delete"):
        path = f"/admin/{opts.app_label}/{opts.model_name}/{instance.pk}/{action}/"
        response = staff_b.get(path, follow=True)
        assert MARK not in response.content.decode(), path
        assert response.redirect_chain or response.status_code in (403, 404), path
        posted = staff_b.post(path, {"post": "yes", "body": "x", "status": "dismissed"})
        assert posted.status_code in (302, 403, 404), path
    assert database_snapshot() == before


def test_admin_tokens_are_the_users_own(desk, staff_b):
    body = staff_b.get("/admin/workbench/apitoken/").content.decode()
    assert MARK not in body
    token: ApiToken = desk["token"]
    response = staff_b.get(f"/admin/workbench/apitoken/{token.pk}/change/", follow=True)
    assert MARK not in response.content.decode()


def test_shared_models_are_named():
    # Anything registered that is neither team-scoped nor named shared must be looked at.
    registered = set(admin.site._registry)
    scoped = {model for model, _ in SCOPED}
    from django.contrib.auth.models import Group, User

    from workbench.models import Team

    known = scoped | SHARED_MODELS | {ApiToken, Team, User, Group}
    unknown = {m._meta.label for m in registered - known if m._meta.app_label != "axes"}
    assert unknown == set(), "new admin models: scope them or name them here"
