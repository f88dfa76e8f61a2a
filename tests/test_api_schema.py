"""The OpenAPI schema: generated without warnings, valid, committed, and honoured by the live API.

- drf-spectacular generates the schema with warnings as errors and validates it against the
  OpenAPI 3 meta-schema; the result must equal the committed ``workbench/openapi.yml`` (a change
  to the API shows up in review as a change to that file: ``make schema`` rewrites it).
- schemathesis runs against the live server (a real HTTP server thread over the test database),
  authenticated with an API token, generating a few hundred requests (valid and invalid) from
  the schema: no response may be a server error or break the schema (status code, content type,
  headers, body), invalid input must be refused, and authentication must really be required.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone

from claims.services import article_ingest
from sources.models import LookupRun
from tests.factories import ClaimFactory, EvidenceFactory
from workbench.services import token_create

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "workbench" / "openapi.yml"
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
# Per API operation; the coverage phase adds its own boundary cases on top.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "12"))
MIN_REQUESTS = 300


def test_schema_generates_without_warnings_and_matches_the_committed_file(tmp_path) -> None:
    generated = tmp_path / "openapi.yml"
    # Raises on any warning (--fail-on-warn) and on an invalid OpenAPI document (--validate).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(generated))
    assert COMMITTED.exists(), "workbench/openapi.yml is missing: run `make schema`"
    assert yaml.safe_load(generated.read_text()) == yaml.safe_load(COMMITTED.read_text()), (
        "the API changed but workbench/openapi.yml did not: run `make schema` and commit it"
    )


def test_schema_documents_token_auth_and_errors() -> None:
    schema = yaml.safe_load(COMMITTED.read_text())
    assert schema["components"]["securitySchemes"]["tokenAuth"]["scheme"] == "bearer"
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) >= 20
    for path, method, operation in operations:
        assert {"tokenAuth": []} in operation["security"], (path, method)
        for status in ("400", "401", "403", "404"):
            assert status in operation["responses"], (path, method, status)


@pytest.fixture
def api_data(transactional_db, team, owner, editor, seed_text) -> dict[str, str]:
    """A desk with the seed article extracted, claims in several statuses, evidence, a lookup
    run, a published claim, and an owner's token: the codes of real objects, so generated
    requests reach the objects and not only 404s."""
    article = article_ingest(
        team=team, body=seed_text, url="https://example.org/demo/china-cuba", created_by=owner
    ).article
    for status in ("in_progress", "in_review", "dismissed"):
        ClaimFactory(article=article, status=status, assignee=editor)
    claim = article.claims.filter(status="unreviewed").first()
    published = ClaimFactory(
        article=article,
        status="published",
        verdict="true",
        published_at=timezone.now(),
        touched_at=timezone.now(),  # a person published it: extraction leaves it alone
    )
    evidence = EvidenceFactory(claim=claim)
    run = LookupRun.objects.create(claim=claim, backend="library")
    spare = token_create(user=owner, name="another token").token
    return {
        "key": token_create(user=owner, name="schemathesis").key,
        "article": str(article.code),
        "claim": str(claim.code),
        "published": str(published.code),
        "evidence": str(evidence.code),
        "source": str(evidence.source.code),
        "lookup_run": str(run.code),
        "team": str(team.code),
        "token": str(spare.code),
        "member": editor.username,
    }


def _config(data: dict[str, str]) -> str:
    """schemathesis.toml: real codes for each kind of object's routes."""
    routes = [
        ("articles", data["article"]),
        ("claims", data["claim"]),
        ("evidence", data["evidence"]),
        ("sources", data["source"]),
        ("lookup-runs", data["lookup_run"]),
        ("teams", data["team"]),
        ("tokens", data["token"]),
    ]
    blocks = []
    for prefix, code in routes:
        params = f'code = "{code}"'
        skip = "(?!claimreview/)" if prefix == "claims" else ""
        if prefix == "teams":
            params += f', username = "{data["member"]}"'
        blocks.append(
            f'[[operations]]\ninclude-path-regex = "^/api/v1/{prefix}/\\\\{{code\\\\}}/{skip}"\n'
            f"parameters = {{ {params} }}\n"
        )
    # The ClaimReview of a published claim (an unpublished one is a 404).
    blocks.append(
        '[[operations]]\ninclude-path = "/api/v1/claims/{code}/claimreview/"\n'
        f'parameters = {{ code = "{data["published"]}" }}\n'
    )
    return "\n".join(blocks)


@pytest.mark.slow
def test_schemathesis_against_the_live_server(live_server, api_data, tmp_path) -> None:
    report = tmp_path / "report.ndjson"
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(api_data))
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(config),
        "run",
        f"{live_server.url}/api/v1/schema/",
        "--url",
        live_server.url,
        "--header",
        f"Authorization: Bearer {api_data['key']}",
        "--checks",
        "all",
        # Valid-looking input can still be refused for business reasons (a claim code that does
        # not exist, a transition the workflow forbids): 404/409 there is right, not a bug.
        "--exclude-checks",
        "positive_data_acceptance",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        "20261128",
        "--workers",
        "1",
        "--request-timeout",
        "60",
        "--no-color",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=900, cwd=tmp_path, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-8000:]
    requests = _count_requests(report)
    print(f"schemathesis: {requests} requests\n{output[-3000:]}")
    assert requests >= MIN_REQUESTS, (requests, output[-3000:])


def _count_requests(report: Path) -> int:
    """HTTP requests schemathesis sent, from its NDJSON event log."""
    count = 0
    for line in report.read_text().splitlines():
        if '"response"' not in line:
            continue
        count += _interactions(json.loads(line))
    return count


def _interactions(node: object) -> int:
    if isinstance(node, dict):
        here = 1 if "request" in node and "response" in node else 0
        return here + sum(_interactions(value) for value in node.values())
    if isinstance(node, list):
        return sum(_interactions(value) for value in node)
    return 0
