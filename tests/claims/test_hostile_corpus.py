"""Bad input at scale: a corpus of hostile articles through the ingest service and the API, and
hypothesis over article_ingest + extraction (the pure extractor's own properties are in
tests/claims/extraction/test_properties.py; these add the database, the cleaning and the API).

Every article ends as a clear 4xx / ValidationError, or stored with claims whose spans are right
(body[start:end] == sentence, every span inside the body); never a 500, never a hang (each case
runs under an alarm).
"""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from claims.models import Article
from claims.services import article_extract, article_ingest
from tests.hangs import no_hang

pytestmark = pytest.mark.django_db

SENTENCE = "The minister visited Havana in 1960 and signed 12 agreements. "


HOSTILE: dict[str, str] = {
    "control characters": "".join(chr(c) for c in range(1, 32) if c not in (10, 13))
    + SENTENCE
    + "\x7f\x85\x9b" * 10
    + SENTENCE,
    "one line of a megabyte": (SENTENCE.strip() + " ") * (990_000 // len(SENTENCE)),
    "one line without spaces": "x" * 999_000,
    "over the limit": SENTENCE * (1_100_000 // len(SENTENCE)),
    "mixed scripts": "Путин встретился с 习近平 in Beijing in 2024. "  # noqa: RUF001 (mixed scripts on purpose)
    "وقال الوزير إن 40 في المئة. Der Minister sagte 1960 das. 日本の首相は2023年に訪問した。 " * 20,
    "RTL marks": ("\u202eThe minister\u202c visited \u200fHavana\u200f in 1960. " * 50)
    + "\u2066isolate\u2069 \u061c.",
    "zero-width": ("Cu\u200bba re\u200ccog\u200dnised Chi\ufeffna in 19\u200b60. " * 50)
    + "\u2060\u180e",
    "HTML": "<html><body><script>alert(1)</script><p>The minister visited Havana in 1960.</p>"
    "<img src=x onerror=alert(2)><iframe src=javascript:alert(3)></iframe>"
    + "<p>Trade rose by 40 percent in 2024.</p>" * 100
    + "</body></html>",
    "NUL bytes": SENTENCE + "\x00\x00" + SENTENCE,
    "only whitespace and invisible": " \n\t\u200b\u00a0\u2060\ufeff \r\n",
    "combining marks": "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319a\u0310lgo"
    * 2000
    + " in 1960.",
    "surrogate-free astral": "🇨🇺 met 🇨🇳 in 1960 👍🏽. " * 500,
    "deep nesting of quotes": "“" * 5000 + SENTENCE + "”" * 5000,
    "many short lines": "1960.\n" * 50_000,
    "many abbreviations": "U.S. Gen. No. 3 Mr. Dr. St. " * 20_000,
}


def check_article(article: Article) -> None:
    """The stored article is sound: every claim's spans point into its body at its sentence."""
    article.refresh_from_db()
    assert article.extraction_status in ("done", "failed"), article.extraction_status
    if article.extraction_status == "failed":
        assert article.extraction_error.strip()
    body = article.body
    for claim in article.claims.all():
        assert 0 <= claim.start < claim.end <= len(body)
        assert body[claim.start : claim.end] == claim.sentence
        for start, end in claim.spans:
            assert 0 <= start < end <= len(body)
        assert "\x00" not in claim.text


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_article_through_the_service(
    name, team, editor, django_capture_on_commit_callbacks
):
    body = HOSTILE[name]
    with no_hang():
        try:
            with django_capture_on_commit_callbacks(execute=True):
                result = article_ingest(team=team, body=body, title=name, created_by=editor)
        except ValidationError as exc:
            assert exc.messages and all(m.strip() for m in exc.messages)
            assert not Article.objects.exists()
            return
        check_article(result.article)
        assert "\x00" not in result.article.body


def test_the_expected_ones_are_refused(team, editor):
    for name, code in (
        ("NUL bytes", "binary"),
        ("over the limit", "too_long"),
        ("only whitespace and invisible", "empty"),
    ):
        with pytest.raises(ValidationError) as caught:
            article_ingest(team=team, body=HOSTILE[name], created_by=editor)
        assert caught.value.code == code, name


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_article_through_the_api(name, team, editor, django_capture_on_commit_callbacks):
    client = APIClient()
    client.force_login(editor)
    with no_hang(), django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/articles/", {"text": HOSTILE[name]}, format="json")
    assert response.status_code < 500
    if response.status_code >= 400:
        assert response.status_code in (400, 413)
        assert response.json()["detail"]
        assert not Article.objects.exists()
        return
    assert response.status_code == 201
    check_article(Article.objects.get(code=response.json()["id"]))


@pytest.mark.parametrize(
    "raw",
    [
        '{"text": "Cuba \\ud800 recognised China in 1960."}',  # a lone high surrogate
        '{"text": "Cuba \\udfff recognised China in 1960."}',  # a lone low surrogate
        '{"text": "\\udc80\\udc81"}',
        b'{"text": "Cuba \xff\xfe recognised China in 1960."}',  # invalid UTF-8 bytes
        b'{"text": "\xc3\x28 in 1960."}',
        '{"text": "NUL \\u0000 in 1960."}',
        '{"text": ' + json.dumps("x" * 10) + ', "title": "\\ud83d"}',
    ],
    ids=["high", "low", "pair-reversed", "bad-bytes", "bad-sequence", "nul", "title"],
)
def test_invalid_text_in_json_is_a_clear_400(raw, team, editor):
    client = APIClient()
    client.force_login(editor)
    data = raw if isinstance(raw, bytes) else raw.encode()
    with no_hang():
        response = client.post("/api/v1/articles/", data, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert response.json()["detail"]
    assert not Article.objects.exists()


# --- hypothesis over the service and extraction --------------------------------------------------

WORDS = ["Cuba", "China", "minister", "1960", "40%", "$12 million", "U.S.", "Gen.", "said", "met"]
hostile_chars = st.sampled_from(
    ["\u200b", "\u200f", "\u202e", "\ufeff", "\x07", "\r", "\r\n", "\n\n", "<b>", "&amp;", "\u0301"]
)
article_text = st.lists(
    st.one_of(st.sampled_from(WORDS), hostile_chars, st.text(min_size=1, max_size=8)),
    min_size=1,
    max_size=60,
).map(" ".join)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=article_text)
def test_any_text_is_refused_or_stored_with_sound_spans_and_is_idempotent(
    text, team, editor, django_capture_on_commit_callbacks
):
    try:
        with django_capture_on_commit_callbacks(execute=True):
            first = article_ingest(team=team, body=text, created_by=editor)
    except ValidationError as exc:
        assert exc.code in {"binary", "empty", "too_long"}
        return
    check_article(first.article)
    claims = sorted(first.article.claims.values_list("fingerprint", "start", "end", "version"))
    # The same text again is the same article; extraction run again changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        again = article_ingest(team=team, body=text, created_by=editor)
    assert again.article.pk == first.article.pk and not again.created
    article_extract(article_id=first.article.pk)
    assert (
        sorted(first.article.claims.values_list("fingerprint", "start", "end", "version")) == claims
    )
    check_article(first.article)
