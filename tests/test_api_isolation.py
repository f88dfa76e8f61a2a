"""Team isolation over every API route, generated from the URL configuration.

Desk A has one object of every kind the API names by code (article, claim, evidence, source,
lookup run, team, API token) and a published claim. Mallory, owner of desk B, then:

- calls every detail and action route under /api/v1/ with each method the route allows, naming
  desk A's object: every answer is 404, and the same answer (status and body) as for a code that
  exists nowhere, so nothing tells her the object exists;
- reads every list route (and the ClaimReview feed), also filtered by desk A's codes: none of
  desk A's codes appears in any answer.

Routes are found by walking the URL resolver, so a route added later is covered without
touching this file; a route naming an object kind this file does not know fails the test.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import Claim, ClaimChange, Comment
from sources.models import LibraryItem, LookupRun
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory
from workbench.services import token_create

pytestmark = pytest.mark.django_db

# Which object a route's {code} names, by the route's name (the router's basename).
KIND_BY_ROUTE_PREFIX = {
    "article": "article",
    "claim": "claim",
    "evidence": "evidence",
    "source": "source",
    "lookup-run": "lookup_run",
    "team": "team",
    "token": "token",
}
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str  # e.g. "api/v1/claims/<uuid:code>/history/"
    methods: tuple[str, ...]

    @property
    def has_code(self) -> bool:
        return "<uuid:code>" in self.pattern

    def path(self, **kwargs: str) -> str:
        def fill(match: re.Match[str]) -> str:
            return kwargs[match.group(2)]

        return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, self.pattern)


def _methods_of(callback: Any) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)
    if actions:  # a viewset route: the methods it maps
        return tuple(m for m in METHODS if m in actions)
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return ("get",)
    return tuple(m for m in METHODS if hasattr(view_class, m))


def _walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner_ns = namespace
            if entry.namespace:
                inner_ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner_ns)
        elif isinstance(entry, URLPattern):
            if namespace != "api" or not entry.name:
                continue
            pattern = prefix + str(entry.pattern)
            if "<format>" in pattern or "(?P<format>" in pattern:
                continue  # format-suffix duplicates, if ever switched on
            yield Route(entry.name, pattern, _methods_of(entry.callback))


def api_routes() -> list[Route]:
    routes = list(_walk(get_resolver().url_patterns, "", ""))
    assert routes, "no API routes found"
    return routes


def kind_of(route: Route) -> str:
    prefix = route.name.rsplit("-", 1)[0] if "-" in route.name else route.name
    for name, kind in sorted(KIND_BY_ROUTE_PREFIX.items(), key=lambda kv: -len(kv[0])):
        if route.name == name or prefix == name or route.name.startswith(name + "-"):
            return kind
    raise AssertionError(
        f"route {route.name} ({route.pattern}) names an object this test does not know: "
        "add its kind to KIND_BY_ROUTE_PREFIX and an object of that kind to desk_a()"
    )


@pytest.fixture
def desk_a(team, owner, editor) -> dict[str, Any]:
    """One object of every kind in desk A, plus a published claim, a comment and history."""
    claim = ClaimFactory(article__team=team, article__url="https://news.example.org/a")
    published = ClaimFactory(
        article=claim.article,
        status=Claim.Status.PUBLISHED,
        verdict=Claim.Verdict.TRUE,
        published_at=timezone.now(),
    )
    evidence = EvidenceFactory(claim=claim)
    library_source = SourceFactory()
    LibraryItem.objects.create(team=team, source=library_source)
    run = LookupRun.objects.create(claim=claim, backend="library")
    Comment.objects.create(claim=claim, author=editor, body="Checked the archive.")
    ClaimChange.objects.create(
        claim=claim,
        changed_by=editor,
        field="status",
        old_value="unreviewed",
        new_value="in_progress",
        version=2,
        created_at=timezone.now(),
    )
    token = token_create(user=owner, name="desk A CMS").token
    return {
        "article": claim.article,
        "claim": claim,
        "published": published,
        "evidence": evidence,
        "source": evidence.source,
        "library_source": library_source,
        "lookup_run": run,
        "team": team,
        "token": token,
        "member": editor,
    }


@pytest.fixture
def mallory_client(outsider) -> APIClient:
    client = APIClient()
    key = token_create(user=outsider, name="mallory's script").key
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def _codes(objects: dict[str, Any]) -> set[str]:
    return {str(obj.code) for obj in objects.values() if hasattr(obj, "code")}


def _call(client: APIClient, method: str, path: str) -> Any:
    if method in ("post", "put", "patch"):
        return getattr(client, method)(path, {}, format="json")
    return getattr(client, method)(path)


def test_every_detail_and_action_route_is_a_404_for_another_team(
    desk_a: dict[str, Any], mallory_client: APIClient
) -> None:
    detail_routes = [r for r in api_routes() if r.has_code]
    assert len(detail_routes) >= 10, [r.name for r in detail_routes]
    checked = 0
    for route in detail_routes:
        kind = kind_of(route)
        target = desk_a[kind]
        extra = {"username": desk_a["member"].username}
        for method in route.methods:
            theirs = _call(mallory_client, method, route.path(code=str(target.code), **extra))
            nowhere = _call(mallory_client, method, route.path(code=str(uuid.uuid4()), **extra))
            label = f"{method.upper()} {route.pattern} ({route.name})"
            assert theirs.status_code == 404, (label, theirs.status_code, theirs.content[:300])
            assert theirs.json() == nowhere.json(), label
            assert str(target.code) not in theirs.content.decode(), label
            checked += 1
    # Articles, claims and every claim action, evidence, sources, runs, teams, members, tokens.
    assert checked >= 20


def test_no_list_shows_another_teams_rows(
    desk_a: dict[str, Any], mallory_client: APIClient, outsider
) -> None:
    # Mallory has rows of her own, so an empty answer is not why nothing leaks.
    own = ClaimFactory(article__team=outsider.teams.get())
    list_routes = [r for r in api_routes() if not r.has_code and "get" in r.methods]
    names = {r.name for r in list_routes}
    assert {"claim-list", "article-list", "evidence-list", "claimreview-feed"} <= names, names
    secret = _codes(desk_a)
    filters = [
        {},
        {"team": str(desk_a["team"].code)},
        {"article": str(desk_a["article"].code)},
        {"claim": str(desk_a["claim"].code)},
    ]
    for route in list_routes:
        if route.name in ("schema", "docs", "redoc"):
            continue
        for params in filters:
            response = mallory_client.get(route.path(), params)
            label = f"GET {route.pattern} {params}"
            assert response.status_code in (200, 400), (label, response.status_code)
            body = response.content.decode()
            leaked = [code for code in secret if code in body]
            assert not leaked, (label, leaked)
    claims = mallory_client.get("/api/v1/claims/").json()["results"]
    assert [c["id"] for c in claims] == [str(own.code)]
