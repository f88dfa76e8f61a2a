"""Every web route (the team workbench, the account pages and the admin), walked from the URL
resolver, with its placeholders filled from one object of each kind in desk A.

A route whose placeholder this file does not know fails the tests that use it, so a route added
later is either covered or noticed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from claims.models import ClaimChange, Comment
from sources.models import LibraryItem, LookupRun
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, SourceFactory
from workbench.services import token_create

# Text only desk A's objects hold: it must never reach desk B.
MARK = "DESKA7SECRET"

# The route prefix (after the leading slash) -> the kind of object its <uuid:code> names.
CODE_KIND_BY_PREFIX = {
    "articles/": "article",
    "claims/": "claim",
    "sources/": "source",
    "teams/": "team",
    "account/tokens/": "token",
}
# Routes that are not web pages of the workbench: the API (tests/test_api_isolation.py), the
# health probe (no data, no session), static files.
SKIPPED_PREFIXES = ("api/", "health/", "static/")


@dataclass(frozen=True)
class WebRoute:
    name: str  # "claim-detail", "admin:claims_claim_change", or the pattern when unnamed
    pattern: str  # e.g. "claims/<uuid:code>/save/"; admin regex groups as <name>

    @property
    def is_admin(self) -> bool:
        return self.pattern.startswith("admin/")

    @property
    def placeholders(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.pattern)

    def __str__(self) -> str:
        return f"{self.name} /{self.pattern}"


def _as_route(pattern: str) -> str:
    """A regex pattern's named groups as <name>, anchors dropped."""
    pattern = re.sub(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)", r"<\1>", pattern)
    return pattern.replace("^", "").replace("$", "").replace("\\", "")


def _walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[WebRoute]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + _as_route(str(entry.pattern)), inner)
        elif isinstance(entry, URLPattern):
            pattern = prefix + _as_route(str(entry.pattern))
            if pattern.startswith(SKIPPED_PREFIXES):
                continue
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield WebRoute(name or pattern, pattern)


def web_routes() -> list[WebRoute]:
    routes = list(_walk(get_resolver().url_patterns, "", ""))
    assert any(r.name == "inbox" for r in routes) and any(r.is_admin for r in routes)
    return routes


def desk_a_objects(team: Any, owner: Any, editor: Any) -> dict[str, Any]:
    """One object of every kind in desk A, each carrying MARK in its text."""
    article = ArticleFactory(
        team=team,
        title=f"{MARK} article title",
        body=f"{MARK} said the minister in 1960. The talks began in Havana in 1961.",
        url="https://news.example.org/desk-a",
        created_by=owner,
    )
    claim = ClaimFactory(article=article, text=f"{MARK} claim: the minister spoke in 1960.")
    source = SourceFactory(title=f"{MARK} source title", archived_text=f"{MARK} archived text")
    evidence = EvidenceFactory(claim=claim, source=source, passage=f"{MARK} passage")
    LibraryItem.objects.create(team=team, source=SourceFactory(title=f"{MARK} library"))
    run = LookupRun.objects.create(claim=claim, backend="library")
    comment = Comment.objects.create(claim=claim, author=editor, body=f"{MARK} comment")
    change = ClaimChange.objects.create(
        claim=claim,
        changed_by=editor,
        field="rationale",
        old_value="",
        new_value=f"{MARK} rationale",
        version=2,
        created_at=timezone.now(),
    )
    token = token_create(user=owner, name=f"{MARK} token").token
    return {
        "article": article,
        "claim": claim,
        "source": source,
        "evidence": evidence,
        "lookup_run": run,
        "comment": comment,
        "change": change,
        "team": team,
        "token": token,
        "user": owner,
    }


def _admin_model(route: WebRoute) -> Any:
    # admin/<app_label>/<model_name>/...
    parts = route.pattern.split("/")
    return apps.get_model(parts[1], parts[2])


def fill(route: WebRoute, objects: dict[str, Any]) -> str:
    """The route's path with every placeholder naming desk A's object of the right kind."""
    values: dict[str, str] = {}
    for name in route.placeholders:
        if name == "code":
            kind = next(
                (k for p, k in CODE_KIND_BY_PREFIX.items() if route.pattern.startswith(p)), None
            )
            assert kind, (
                f"{route}: which object does its <code> name? add it to CODE_KIND_BY_PREFIX"
            )
            values[name] = str(objects[kind].code)
        elif name == "object_id" and route.pattern.startswith("admin/r/"):
            values[name] = str(objects["claim"].pk)
        elif name == "content_type_id":
            values[name] = str(ContentType.objects.get_for_model(objects["claim"]).pk)
        elif name == "object_id" or (name == "id" and route.is_admin):
            model = _admin_model(route)
            instance = next((o for o in objects.values() if isinstance(o, model)), None)
            instance = instance or model._default_manager.order_by("pk").first()
            # None: a model desk A has no row of (sign-in records); any id does for those.
            values[name] = str(instance.pk) if instance is not None else "999999"
        elif name == "evidence":
            values[name] = str(objects["evidence"].code)
        elif name == "app_label":
            values[name] = "claims"
        elif name == "url":
            values[name] = "no-such-page/"
        else:
            raise AssertionError(f"{route}: unknown placeholder <{name}>; teach fill() about it")
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route.pattern)


# Tables whose rows change on any request (sessions, sign-in attempts) and say nothing about data.
VOLATILE_TABLES = {"django_session"}


def database_snapshot() -> dict[str, list[str]]:
    """Every row of every table, as text: equal snapshots mean nothing was written."""
    snapshot: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table in VOLATILE_TABLES or table.startswith("axes_"):
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            snapshot[table] = sorted(repr(row) for row in cursor.fetchall())
    return snapshot


def registered_admins() -> list[tuple[Any, Any]]:
    return list(admin.site._registry.items())
