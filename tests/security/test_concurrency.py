"""20 clients changing the same claims through the API at once (real PostgreSQL, live server,
threads each with its own API token): every change is either applied with exactly one history
row or refused with 409; the final state is the last applied change; versions rise by one with
no gaps and no repeats."""

from __future__ import annotations

import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest
from django.conf import settings

from claims.models import Claim, ClaimChange
from tests.factories import ArticleFactory, ClaimFactory, MembershipFactory, UserFactory
from workbench.models import Membership
from workbench.services import token_create

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so there is no race to test",
    ),
]

CLIENTS = 20
ROUNDS = 5  # each client changes each claim this many times (read, then PATCH)


@dataclass(frozen=True)
class Attempt:
    claim: str
    client: int
    sent_version: int
    status: int
    rationale: str
    version_after: int | None


def test_twenty_clients_changing_the_same_claims(live_server, team):
    article = ArticleFactory(team=team)
    claims = [ClaimFactory(article=article, rationale="") for _ in range(3)]
    initial = {str(c.code): c.version for c in claims}
    keys = []
    for n in range(CLIENTS):
        user = UserFactory(username=f"client{n}")
        MembershipFactory(team=team, user=user, role=Membership.Role.EDITOR)
        keys.append(token_create(user=user, name="load").key)

    start = threading.Barrier(CLIENTS)

    def client(n: int) -> list[Attempt]:
        done: list[Attempt] = []
        headers = {"Authorization": f"Bearer {keys[n]}"}
        with httpx.Client(base_url=live_server.url, headers=headers, timeout=60) as http:
            start.wait(timeout=60)
            for round_ in range(ROUNDS):
                for claim in claims:
                    code = str(claim.code)
                    read = http.get(f"/api/v1/claims/{code}/")
                    assert read.status_code == 200, read.text
                    version = read.json()["version"]
                    rationale = f"client {n} round {round_}"
                    response = http.patch(
                        f"/api/v1/claims/{code}/",
                        json={"version": version, "rationale": rationale},
                    )
                    after = response.json().get("version") if response.status_code == 200 else None
                    if response.status_code == 409:
                        body = response.json()
                        assert body["current"]["version"] > version
                        assert body["your_version"] == version
                    done.append(Attempt(code, n, version, response.status_code, rationale, after))
        return done

    with ThreadPoolExecutor(CLIENTS) as pool:
        attempts = [a for result in pool.map(client, range(CLIENTS)) for a in result]

    assert len(attempts) == CLIENTS * ROUNDS * len(claims)
    applied_count = sum(a.status == 200 for a in attempts)
    print(f"{len(attempts)} changes: {applied_count} applied, {len(attempts) - applied_count} 409")
    assert {a.status for a in attempts} <= {200, 409}, "only applied or refused, never an error"
    by_claim: dict[str, list[Attempt]] = defaultdict(list)
    for a in attempts:
        by_claim[a.claim].append(a)

    for code, tries in by_claim.items():
        claim = Claim.objects.get(code=code)
        applied = sorted((a for a in tries if a.status == 200), key=lambda a: a.sent_version)
        assert applied, "some change must win"
        assert any(a.status == 409 for a in tries), "20 clients at once must collide"
        # Each applied change moved the version by exactly one from the version it read ...
        assert [a.version_after for a in applied] == [a.sent_version + 1 for a in applied]
        # ... and the versions form a chain without gaps or repeats.
        versions = [a.version_after for a in applied]
        assert versions == list(range(initial[code] + 1, initial[code] + 1 + len(applied)))
        assert claim.version == initial[code] + len(applied)
        # Exactly one history row per applied change, none for a refused one.
        history = list(
            ClaimChange.objects.filter(claim=claim)
            .order_by("version")
            .values_list("version", "field", "new_value")
        )
        assert history == [(a.version_after, "rationale", a.rationale) for a in applied]
        # The final state is the last applied change.
        assert claim.rationale == applied[-1].rationale
