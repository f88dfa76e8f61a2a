"""Writes for articles, claims and comments.

Every write goes through here, whoever asks (admin, commands, tasks, later the API and the web UI).
Claim changes are optimistic: the caller passes the version it saw; a stale version is refused
with ClaimConflictError and nothing is written. Every status, verdict, assignee, rationale or text
change leaves a ClaimChange row.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from claims.extraction import (
    EXTRACTOR_VERSION,
    ExtractedClaim,
    ExtractionError,
    Finding,
    InputDecodeError,
    decode_input,
    extract_article,
)
from claims.extraction.text import INVISIBLE_CHARS
from claims.mentions import mentioned_names
from claims.models import Article, Claim, ClaimChange, Comment, Mention
from sources.backends.base import BackendError, ClaimQuery, TransientError
from sources.backends.http import check_url
from sources.backends.url import UrlBackend
from sources.services.evidence import url_normalise
from sources.services.library import published_parse
from sources.services.lookups import http_client
from workbench.exceptions import ApplicationError
from workbench.models import Membership, Team
from workbench.services import create_unless_exists, model_update, require_edit, stale_rows_send

logger = logging.getLogger(__name__)

TITLE_FROM_BODY_MAX = 200
COMMENT_MAX_CHARS = 10_000
RATIONALE_MAX_CHARS = 20_000
CLAIM_TEXT_MAX_CHARS = 2_000

# C0 control characters other than tab and newline (and DEL): replaced by a space on ingest, so
# stored text is printable and offsets stay stable. NUL is refused outright (see below).
_CONTROL_CHARS = re.compile("[\x01-\x08\x0b-\x1f\x7f]")


class ClaimConflictError(ApplicationError):
    """The claim changed since the caller read it. `extra["current"]` holds the current state."""

    status_code = 409
    code = "conflict"


class TransitionError(ApplicationError):
    """The requested status change is not a step of the workflow."""

    status_code = 409
    code = "invalid_transition"


# --- article text -------------------------------------------------------------------------------


def article_text_decode(data: bytes) -> str:
    """Bytes from a file or a request body -> text. UTF-8 only (a BOM is dropped); clear errors."""
    try:
        return decode_input(data, source="The text")
    except InputDecodeError as exc:
        raise ValidationError(
            f"{exc}. Articles are UTF-8 text; save the file as UTF-8 and try again.",
            code="encoding",
        ) from None


def article_body_clean(body: str) -> str:
    """The text as it is stored and as claim offsets point into it.

    Newlines are unified, the text is put in Unicode NFC (so the same article pasted from two
    places hashes the same), control characters become spaces and outer whitespace is trimmed.
    Raises ValidationError for empty, binary or over-long text.
    """
    if "\x00" in body:
        raise ValidationError(
            "The text contains NUL characters; binary data is not an article.", code="binary"
        )
    # Cheap first check before any copying: NFC and newline changes never grow text by much.
    limit = settings.ARTICLE_MAX_CHARS
    if len(body) > 2 * limit:
        raise ValidationError(
            "The article is %(size)s characters long; the limit is %(limit)s.",
            code="too_long",
            params={"size": f"{len(body):,}", "limit": f"{limit:,}"},
        )
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL_CHARS.sub(" ", text).strip()
    # Zero-width and direction marks only (no visible character) is empty too.
    if not text or not "".join(ch for ch in text if ch not in INVISIBLE_CHARS).strip():
        raise ValidationError("The article text is empty.", code="empty")
    if len(text) > limit:
        raise ValidationError(
            "The article is %(size)s characters long; the limit is %(limit)s.",
            code="too_long",
            params={"size": f"{len(text):,}", "limit": f"{limit:,}"},
        )
    return text


def article_content_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _title_from_body(body: str) -> str:
    first_line = body.split("\n", 1)[0].strip()
    if len(first_line) <= TITLE_FROM_BODY_MAX:
        return first_line
    return first_line[: TITLE_FROM_BODY_MAX - 1].rstrip() + "…"


# --- ingest and extraction ------------------------------------------------------------------------


@dataclass(frozen=True)
class IngestResult:
    article: Article
    created: bool


def article_ingest(
    *,
    team: Team,
    body: str,
    title: str = "",
    url: str = "",
    outlet: str = "",
    published_at: datetime | None = None,
    language: str = "en",
    created_by: User | None = None,
) -> IngestResult:
    """Store an article for a team and queue its extraction after commit.

    Idempotent: the same text (after cleaning) ingested again by the same team returns the existing
    article with created=False and queues nothing. Invalid input raises ValidationError and writes
    nothing.
    """
    require_edit(user=created_by, team=team)
    text = article_body_clean(body)
    content_hash = article_content_hash(text)

    existing = Article.objects.filter(team=team, content_hash=content_hash).first()
    if existing is not None:
        return IngestResult(article=existing, created=False)

    article = Article(
        team=team,
        title=(title.strip() or _title_from_body(text)),
        url=url.strip(),
        outlet=outlet.strip(),
        published_at=published_at,
        body=text,
        language=language,
        content_hash=content_hash,
        created_by=created_by,
    )
    # Validates lengths, URL and constraints except the (team, content_hash) uniqueness, which a
    # concurrent ingest of the same text can still race us for: the database has the last word.
    article.full_clean(validate_constraints=False)
    article, created = create_unless_exists(
        instance=article,
        lookup={"team": team, "content_hash": content_hash},
        after_save=lambda saved: _enqueue_extraction(saved.pk),
    )
    if not created:
        return IngestResult(article=article, created=False)
    logger.info("article.ingested", extra={"article": str(article.code), "team": str(team.code)})
    return IngestResult(article=article, created=True)


def _enqueue_extraction(article_id: int) -> None:
    # Imported here: tasks import this module.
    from claims.tasks import article_extract as article_extract_task

    transaction.on_commit(partial(task_send, article_extract_task, article_id))


def task_send(task: Any, object_id: int, *, queue: str | None = None) -> bool:
    """Send `task(object_id)` to the broker; False (logged) if the broker cannot be reached.

    The work it stands for is saved already (pending, fetching or queued): the sweep sends it
    again later, so an ingest or a lookup request succeeds while Redis is down. The connection
    and publish retry policies in settings keep this to about a second.
    """
    options = {"queue": queue} if queue else {}
    try:
        task.apply_async(args=[object_id], **options)
    except BrokerError as exc:
        logger.error(
            "task.send_failed",
            extra={"task": task.name, "id": object_id, "error": str(exc)[:300]},
        )
        return False
    return True


# --- articles from a link ------------------------------------------------------------------------

# The statuses of an article that stands for its link: a new request for the link returns it.
_LINK_LIVE_STATUSES = (
    Article.ExtractionStatus.FETCHING,
    Article.ExtractionStatus.PENDING,
    Article.ExtractionStatus.RUNNING,
    Article.ExtractionStatus.DONE,
)


def article_url_check(url: str) -> str:
    """The link as it is stored and fetched (normalised), refused with ValidationError (code
    "url_refused", the guard's reason in the message) unless it is http(s) to a public host.

    The fetch checks again after DNS and on every redirect (sources.backends.http)."""
    raw = url.strip()
    try:
        normalised = url_normalise(raw)
    except (ValidationError, ValueError):  # ValueError: a port out of range
        normalised = ""
    try:
        check_url(normalised or raw, allow=settings.LOOKUP_ALLOW_HOSTS)
    except BackendError as exc:
        reason = str(exc).removeprefix("refused: ")
        raise ValidationError(
            {"url": ValidationError(f"This link was refused: {reason}.", code="url_refused")}
        ) from None
    if not normalised:  # pragma: no cover - the guard refuses whatever url_normalise refuses
        raise ValidationError({"url": ValidationError("Not an http(s) URL.", code="url_refused")})
    return normalised


def article_ingest_url(
    *,
    team: Team,
    url: str,
    title: str = "",
    outlet: str = "",
    published_at: datetime | None = None,
    language: str = "en",
    created_by: User | None = None,
) -> IngestResult:
    """Store an article for a team from a link; its page is fetched in the background.

    The link is refused at once (ValidationError, code "url_refused", nothing saved) unless it is
    http(s) to a public address. Idempotent: if the team already has an article for this link
    that has not failed, that one is returned with created=False. Otherwise the article is saved
    with status "fetching" and no text, and `article_fetch` is queued after commit (on the
    "fetch" queue). Two requests racing for the same link make one article: the
    unique (team, url) constraint on fetching articles decides.
    """
    require_edit(user=created_by, team=team)
    normalised = article_url_check(url)
    existing = (
        Article.objects.filter(team=team, url=normalised, extraction_status__in=_LINK_LIVE_STATUSES)
        .order_by("-created_at", "-id")
        .first()
    )
    if existing is not None:
        return IngestResult(article=existing, created=False)
    article = Article(
        team=team,
        title=(title.strip() or normalised)[: Article._meta.get_field("title").max_length],
        url=normalised,
        outlet=outlet.strip(),
        published_at=published_at,
        body="",
        language=language,
        content_hash="",
        extraction_status=Article.ExtractionStatus.FETCHING,
        created_by=created_by,
    )
    article.full_clean(validate_constraints=False)
    article, created = create_unless_exists(
        instance=article,
        lookup={"team": team, "url": normalised, "extraction_status__in": _LINK_LIVE_STATUSES},
        after_save=lambda saved: _enqueue_fetch(saved.pk),
    )
    if created:
        logger.info(
            "article.link_ingested", extra={"article": str(article.code), "team": str(team.code)}
        )
    return IngestResult(article=article, created=created)


FETCH_QUEUE = "fetch"


def _enqueue_fetch(article_id: int) -> None:
    # Imported here: tasks import this module. Pages are fetched on the "fetch" queue (threads,
    # like attached links), not on "extract" where CELERY_TASK_ROUTES sends "claims.*"; an
    # explicit queue wins over the routes (a task's `queue=` attribute is deprecated in Celery 5.7).
    from claims.tasks import article_fetch as article_fetch_task

    transaction.on_commit(partial(task_send, article_fetch_task, article_id, queue=FETCH_QUEUE))


@dataclass(frozen=True)
class FetchOutcome:
    """What `article_fetch` did: the article's status afterwards and, when it failed, why.

    `acted` is False when there was nothing to do (the article was not fetching any more, e.g.
    a task delivered twice, or it was deleted)."""

    status: str
    acted: bool = True
    reason: str = ""

    def as_log(self) -> dict[str, Any]:
        return {"status": self.status, "acted": self.acted, "reason": self.reason[:300]}


def article_fetch(*, article_id: int) -> FetchOutcome:
    """Fetch the page of an article made from a link, store its text and queue extraction.

    Acts only while the article is "fetching", so a task delivered again does nothing new. The
    page comes through the shared HTTP client (SSRF guard after DNS and on every redirect, size
    cap, deadline). HTML is reduced to its main text (its title, site name and date fill what the
    sender left empty); plain text is taken as it is; PDFs and other binaries are refused with
    the reason. The text is cleaned like pasted text. A refused, unreadable, empty or too long
    page, or one whose text the team already has, marks the article failed with the reason.
    TransientError (the site could not be reached, after the client's own retries) propagates,
    so the task can try again later.
    """
    counted = Article.objects.filter(
        pk=article_id, extraction_status=Article.ExtractionStatus.FETCHING
    ).update(deliveries=F("deliveries") + 1)
    article = (
        Article.objects.filter(pk=article_id)
        .only("id", "url", "extraction_status", "deliveries")
        .first()
    )
    if article is None:
        return FetchOutcome(status="missing", acted=False)
    if not counted or article.extraction_status != Article.ExtractionStatus.FETCHING:
        return FetchOutcome(status=article.extraction_status, acted=False)
    lost = article.deliveries - 1
    if lost > settings.TASK_MAX_REDELIVERIES:
        return _article_fetch_failed(article_id, worker_lost_reason(lost, "fetching the page"))
    backend = UrlBackend(http_client(), max_chars=sys.maxsize)
    try:
        candidates = backend.search(ClaimQuery(text="", url=article.url))
    except TransientError:
        raise
    except BackendError as exc:
        return _article_fetch_failed(article_id, _reason(str(exc)))
    page = candidates[0]
    try:
        text = article_body_clean(page.text)
    except ValidationError as exc:
        return _article_fetch_failed(article_id, " ".join(exc.messages))

    with transaction.atomic():
        current = Article.objects.select_for_update().filter(pk=article_id).first()
        if current is None or current.extraction_status != Article.ExtractionStatus.FETCHING:
            status = current.extraction_status if current else "missing"
            return FetchOutcome(status=status, acted=False)
        content_hash = article_content_hash(text)
        duplicate = _article_with_text(current, content_hash)
        if duplicate is not None:
            return _article_fetch_failed(article_id, _duplicate_reason(duplicate))
        current.body = text
        current.content_hash = content_hash
        current.extraction_status = Article.ExtractionStatus.PENDING
        current.extraction_error = ""
        current.deliveries = 0
        if current.title == current.url and page.title.strip():
            current.title = _one_line(page.title)[: Article._meta.get_field("title").max_length]
        if not current.outlet and page.publisher:
            current.outlet = page.publisher[: Article._meta.get_field("outlet").max_length]
        if current.published_at is None:
            with contextlib.suppress(ValidationError):  # an odd date on a page is not fatal
                current.published_at = published_parse(page.published)
        current.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError:
            # The same text arrived for the team meanwhile (the content hash is unique).
            duplicate = _article_with_text(current, content_hash)
            if duplicate is None:
                raise
            return _article_fetch_failed(article_id, _duplicate_reason(duplicate))
        _enqueue_extraction(article_id)
    logger.info("article.fetched", extra={"article_id": article_id, "chars": len(text)})
    return FetchOutcome(status=Article.ExtractionStatus.PENDING)


def article_fetch_mark_failed(*, article_id: int, reason: str) -> bool:
    """Record why fetching an article's page failed, if it is still fetching; True if it was."""
    updated = Article.objects.filter(
        pk=article_id, extraction_status=Article.ExtractionStatus.FETCHING
    ).update(
        extraction_status=Article.ExtractionStatus.FAILED,
        extraction_error=reason[:5000],
        deliveries=0,
        updated_at=timezone.now(),
    )
    if updated:
        logger.warning("article.fetch_failed", extra={"article_id": article_id, "reason": reason})
    return bool(updated)


def _article_fetch_failed(article_id: int, reason: str) -> FetchOutcome:
    acted = article_fetch_mark_failed(article_id=article_id, reason=reason)
    if not acted:
        status = Article.objects.filter(pk=article_id).values_list("extraction_status", flat=True)
        return FetchOutcome(status=status.first() or "missing", acted=False)
    return FetchOutcome(status=Article.ExtractionStatus.FAILED, reason=reason)


def _article_with_text(article: Article, content_hash: str) -> Article | None:
    return (
        Article.objects.filter(team_id=article.team_id, content_hash=content_hash)
        .exclude(pk=article.pk)
        .only("id", "code", "title")
        .first()
    )


def _duplicate_reason(duplicate: Article) -> str:
    return f"The page's text is already in article “{duplicate.title}” ({duplicate.code})."


def _reason(backend_error: str) -> str:
    """A backend's one-line reason without the backend's name ("url: cannot read ...")."""
    return backend_error.removeprefix(f"{UrlBackend.name}: ")


def _one_line(text: str) -> str:
    return " ".join(text.split())


ARTICLE_EDITABLE = ("title", "url", "outlet", "published_at", "language")


@transaction.atomic
def article_update(*, article: Article, by: User | None, data: dict[str, Any]) -> Article:
    """Change an article's metadata. Its team and text are fixed: claim offsets point into it.

    A new publication date queues extraction again: the extractor dates months without a year
    and checks anniversaries against it, so the claims' values and findings depend on it."""
    unknown = set(data) - set(ARTICLE_EDITABLE)
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))} of an article.")
    require_edit(user=by, team=article.team)
    # Compare against the stored row, not the caller's (possibly already modified) instance.
    current = Article.objects.select_for_update().get(pk=article.pk)
    if not current.body and "url" in data and data["url"] != current.url:
        raise ValidationError(
            {"url": "This article's text comes from its link; send a new link as a new article."}
        )
    date_before = current.published_at
    current, _ = model_update(instance=current, fields=ARTICLE_EDITABLE, data=data)
    # An article without text yet (its page is being fetched) is extracted when the text comes.
    if current.published_at != date_before and current.body:
        article_extraction_requeue(article=current, by=by)
    return current


@transaction.atomic
def article_extraction_requeue(*, article: Article, by: User | None) -> None:
    """Run extraction again (e.g. after an extractor upgrade). Reviewers' work is kept.

    An article made from a link has no text until its page is fetched: TransitionError then."""
    require_edit(user=by, team=article.team)
    updated = (
        Article.objects.filter(pk=article.pk)
        .exclude(body="")
        .update(
            extraction_status=Article.ExtractionStatus.PENDING,
            extraction_error="",
            updated_at=timezone.now(),
        )
    )
    if not updated:
        raise TransitionError(
            "This article has no text to extract claims from: its page is still being fetched, "
            "or fetching it failed (send the link again)."
        )
    _enqueue_extraction(article.pk)


def claim_fingerprint(text: str) -> str:
    """Identity of a claim inside its article: its text, case- and whitespace-folded."""
    folded = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ExtractionOutcome:
    created: int = 0
    updated: int = 0
    kept: int = 0  # touched by a reviewer, left as they are
    dismissed: int = 0  # no longer found: dismissed by the system, never deleted
    # Claims whose findings alone changed (touched ones included): no new version, no history.
    findings_refreshed: int = 0
    failed: bool = False

    def as_log(self) -> dict[str, Any]:
        return {f"claims_{name}": value for name, value in self.__dict__.items()}


_MACHINE_FIELDS = [
    "text",
    "sentence",
    "start",
    "end",
    "claim_type",
    "checkworthiness",
    "entities",
    "values",
    "spans",
    "ambiguous",
    "replacements",
    "extractor_version",
]


def _claim_machine_data(item: ExtractedClaim) -> dict[str, Any]:
    """What the extractor says about a claim, as stored (JSON round-tripped, so a re-run that
    finds the same claim compares equal and writes nothing)."""
    as_dict = item.to_dict()
    return {
        "text": item.text,
        "sentence": item.sentence,
        "start": item.start,
        "end": item.end,
        "claim_type": item.type if item.type in Claim.Type.values else Claim.Type.OTHER,
        "checkworthiness": min(1.0, max(0.0, float(item.checkworthiness))),
        "entities": as_dict["entities"],
        "values": as_dict["values"],
        "spans": _as_json(as_dict["spans"], what="spans"),
        "ambiguous": bool(item.ambiguous),
        "replacements": _as_json(as_dict["replacements"], what="replacements"),
        "extractor_version": EXTRACTOR_VERSION,
    }


def _as_json(value: Any, *, what: str) -> Any:
    """`value` as the JSON column gives it back (tuples become lists); refuses non-JSON."""
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"The extractor returned {what} that is not JSON: {exc}.") from None


def _is_offset(value: Any, length: int) -> bool:
    return type(value) is int and 0 <= value <= length


def _claim_machine_data_check(data: dict[str, Any], *, body_length: int) -> None:
    """Refuse malformed extractor output before anything is written (no constraint covers JSON).

    Spans are [start, end] pairs inside the body, the first being the claim's own; replacements
    name a span of the body and the wording that replaced it.
    """
    spans = data["spans"]
    if not (
        isinstance(spans, list)
        and spans
        and all(
            isinstance(span, list)
            and len(span) == 2
            and _is_offset(span[0], body_length)
            and _is_offset(span[1], body_length)
            and span[0] <= span[1]
            for span in spans
        )
        and spans[0] == [data["start"], data["end"]]
    ):
        raise ValidationError(
            {"spans": f"Spans of “{data['text'][:80]}” are not [start, end] pairs in the text."}
        )
    for replacement in data["replacements"]:
        if not (
            isinstance(replacement, dict)
            and {"text", "start", "end", "replacement"} <= set(replacement)
            and isinstance(replacement["text"], str)
            and isinstance(replacement["replacement"], str)
            and _is_offset(replacement["start"], body_length)
            and _is_offset(replacement["end"], body_length)
            and replacement["start"] <= replacement["end"]
        ):
            raise ValidationError(
                {"replacements": f"A replacement in “{data['text'][:80]}” is malformed."}
            )


def _claim_findings(
    *, findings: Sequence[Finding], fingerprints: Sequence[str], rows: dict[str, Claim]
) -> dict[str, list[dict[str, Any]]]:
    """Each finding, stored on every claim it involves: fingerprint -> finding dicts.

    A finding names claims by index into the extraction; `fingerprints[index]` is that claim's
    identity and `rows[fingerprint]` the Claim that stands for it (created, refreshed or kept as a
    reviewer left it). Indexes are rewritten to the claims' codes, in the finding's order.
    """
    severities = set(Claim.FindingSeverity.values)
    by_fingerprint: dict[str, list[dict[str, Any]]] = {}
    for finding in findings:
        indexes = list(finding.claims)
        if not (
            isinstance(finding.kind, str)
            and finding.kind
            and isinstance(finding.message, str)
            and finding.severity in severities
            and indexes
            and all(type(i) is int and 0 <= i < len(fingerprints) for i in indexes)
        ):
            raise ValidationError(f"The extractor returned a malformed finding: {finding!r}.")
        involved = list(dict.fromkeys(fingerprints[i] for i in indexes))
        stored = {
            "kind": finding.kind,
            "severity": finding.severity,
            "message": finding.message,
            "value": _as_json(finding.value, what="a finding value"),
            "claims": [str(rows[fingerprint].code) for fingerprint in involved],
        }
        for fingerprint in involved:
            by_fingerprint.setdefault(fingerprint, []).append(dict(stored))
    return by_fingerprint


def _merged_spans(first: list[list[int]], more: list[list[int]]) -> list[list[int]]:
    """The spans of two extracted items that are one claim: the first's own span first, then
    every other span once, in reading order."""
    own = first[0]
    rest = sorted({(a, b) for a, b in [*first[1:], *more] if [a, b] != own})
    return [own, *([a, b] for a, b in rest)]


def article_extract(*, article_id: int) -> ExtractionOutcome:
    """Extract the claims of an article and store them. Safe to run any number of times.

    Claims are matched to earlier runs by fingerprint: new ones are created, untouched ones are
    refreshed, ones a reviewer has changed are left exactly as they are, and untouched ones the
    extractor no longer finds are dismissed by the system (with a history row), never deleted.
    Findings (conclusions across claims, e.g. the year an anniversary places the meeting in, or a
    conflict with the article's date) are stored on every claim they involve, touched ones
    included: they are machine information, so refreshing them makes no new version and no
    history row. An unchanged article writes no claim at all.

    An extractor error marks the article failed with the reason; other errors (malformed
    extractor output included) propagate so the task can retry or record them.

    Queries: 2 before extraction (read, mark running), then in one transaction: lock the article,
    lock and read its claims, at most one insert of new claims, one update of changed claims, one
    update of claims whose findings alone changed, one insert of history rows, and the article's
    update (plus the savepoint or transaction statements).
    """
    Article.objects.filter(pk=article_id).update(
        extraction_status=Article.ExtractionStatus.RUNNING,
        deliveries=F("deliveries") + 1,
        updated_at=timezone.now(),
    )
    article = Article.objects.only("id", "body", "published_at", "deliveries").get(pk=article_id)
    lost = article.deliveries - 1
    if lost > settings.TASK_MAX_REDELIVERIES:
        # Each time a worker took this extraction, it died before finishing (a crash, the OOM
        # killer, a hard time limit): another try would most likely end the same way.
        article_mark_failed(article_id=article_id, reason=worker_lost_reason(lost, "extracting"))
        return ExtractionOutcome(failed=True)
    article_date: date | None = (
        timezone.localdate(article.published_at) if article.published_at else None
    )
    try:
        extraction = extract_article(article.body, article_date=article_date)
    except ExtractionError as exc:
        article_mark_failed(article_id=article_id, reason=str(exc))
        return ExtractionOutcome(failed=True)

    # Findings name claims by index: fingerprints[index] is that claim's identity. The same
    # statement twice (one fingerprint) is one claim, which keeps the spans of both.
    fingerprints = [claim_fingerprint(item.text) for item in extraction.claims]
    extracted: dict[str, dict[str, Any]] = {}
    for item, fingerprint in zip(extraction.claims, fingerprints, strict=True):
        data = _claim_machine_data(item)
        _claim_machine_data_check(data, body_length=len(article.body))
        first = extracted.setdefault(fingerprint, data)
        if first is not data:
            first["spans"] = _merged_spans(first["spans"], data["spans"])

    now = timezone.now()
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        # Locked too: a reviewer's concurrent claim_update waits, and is then seen as touched,
        # rather than being overwritten by the bulk update below.
        existing = {
            c.fingerprint: c for c in Claim.objects.select_for_update().filter(article=article)
        }
        to_create: list[Claim] = []
        to_update: list[Claim] = []
        changes: list[ClaimChange] = []
        kept = 0
        for fingerprint, data in extracted.items():
            claim = existing.get(fingerprint)
            if claim is None:
                claim = Claim(
                    team_id=article.team_id, article=article, fingerprint=fingerprint, **data
                )
                # Not the foreign keys: the article is locked above and the team is its team
                # (checking them would cost two queries per claim).
                claim.full_clean(
                    exclude=["article", "team"], validate_constraints=False, validate_unique=False
                )
                to_create.append(claim)
            elif claim.is_touched:
                kept += 1
            else:
                changed = [field for field, value in data.items() if getattr(claim, field) != value]
                for field in changed:
                    setattr(claim, field, data[field])
                if claim.status == Claim.Status.DISMISSED:
                    # Found again after the system dismissed it: back in the queue.
                    changes.append(
                        _system_status_change(
                            claim, Claim.Status.UNREVIEWED, now, "Found again by the extractor."
                        )
                    )
                    changed.append("status")
                if changed:
                    to_update.append(claim)
        dismissed = 0
        for fingerprint, claim in existing.items():
            if (
                fingerprint in extracted
                or claim.is_touched
                or claim.status == Claim.Status.DISMISSED
            ):
                continue
            changes.append(
                _system_status_change(
                    claim,
                    Claim.Status.DISMISSED,
                    now,
                    f"No longer found by extractor {EXTRACTOR_VERSION}.",
                )
            )
            to_update.append(claim)
            dismissed += 1

        # Codes are set when a Claim is built, so new claims can be named before they are saved.
        findings = _claim_findings(
            findings=extraction.findings,
            fingerprints=fingerprints,
            rows={**existing, **{c.fingerprint: c for c in to_create}},
        )
        for claim in to_create:
            claim.findings = findings.get(claim.fingerprint, [])
        updating = {claim.pk for claim in to_update}
        findings_only: list[Claim] = []
        for fingerprint, claim in existing.items():
            # A claim no longer found (or kept by a reviewer but no longer found) has none.
            current = findings.get(fingerprint, [])
            if claim.findings != current:
                claim.findings = current
                if claim.pk not in updating:
                    findings_only.append(claim)

        Claim.objects.bulk_create(to_create)
        if to_update:
            for claim in to_update:
                claim.updated_at = now
            Claim.objects.bulk_update(
                to_update, [*_MACHINE_FIELDS, "findings", "status", "version", "updated_at"]
            )
        if findings_only:
            # Not an edit: the version, updated_at and history of these claims stay as they are.
            Claim.objects.bulk_update(findings_only, ["findings"])
        ClaimChange.objects.bulk_create(changes)
        article.extraction_status = Article.ExtractionStatus.DONE
        article.extraction_error = ""
        article.extracted_at = now
        article.extractor_version = EXTRACTOR_VERSION
        article.deliveries = 0
        article.save(
            update_fields=[
                "extraction_status",
                "extraction_error",
                "extracted_at",
                "extractor_version",
                "deliveries",
                "updated_at",
            ]
        )
    outcome = ExtractionOutcome(
        created=len(to_create),
        updated=len(to_update) - dismissed,
        kept=kept,
        dismissed=dismissed,
        findings_refreshed=len(findings_only),
    )
    logger.info("article.extracted", extra={"article_id": article_id, **outcome.as_log()})
    return outcome


def article_mark_failed(*, article_id: int, reason: str) -> None:
    """Record why extraction failed; the article stays, its claims (if any) too."""
    Article.objects.filter(pk=article_id).update(
        extraction_status=Article.ExtractionStatus.FAILED,
        extraction_error=reason[:5000],
        deliveries=0,
        updated_at=timezone.now(),
    )
    logger.warning("article.extraction_failed", extra={"article_id": article_id, "reason": reason})


def worker_lost_reason(lost: int, doing: str) -> str:
    return (
        f"worker lost {lost} times while {doing} (the task was delivered again after its "
        f"worker died more than {settings.TASK_MAX_REDELIVERIES} times); gave up"
    )


def article_delivery_uncount(*, article_id: int) -> None:
    """A delivery that ended in a retry did finish (it was not lost): take it off the count."""
    Article.objects.filter(pk=article_id, deliveries__gt=0).update(deliveries=F("deliveries") - 1)


@dataclass(frozen=True)
class SweepOutcome:
    """Articles whose task the sweep sent again, per status they were stuck in."""

    sent: dict[str, int]
    failed_to_send: int = 0

    def as_log(self) -> dict[str, Any]:
        return {**{f"sent_{k}": v for k, v in self.sent.items()}, "unsent": self.failed_to_send}


def article_sweep(
    *, stale_after: Mapping[str, float], batch: int, now: datetime | None = None
) -> SweepOutcome:
    """Send again the task of articles stuck in a status longer than `stale_after[status]`
    seconds ("pending", "running": extraction; "fetching": the page fetch), at most `batch` per
    status, oldest first.

    An article is stuck when its message was lost (ingested while the broker was down) or its
    worker died and the broker did not deliver again. Tasks are idempotent, so sending one that
    was only slow is harmless; each article sent is marked (updated_at) so the next passes leave
    it alone for `stale_after` again. If the broker cannot be reached, the pass stops and the
    rest waits for the next one. Rows another sweep holds are skipped (SKIP LOCKED).
    """
    from claims.tasks import article_extract as article_extract_task
    from claims.tasks import article_fetch as article_fetch_task

    def send(status: str, row: tuple[Any, ...]) -> bool:
        if status == Article.ExtractionStatus.FETCHING:
            return task_send(article_fetch_task, row[0], queue=FETCH_QUEUE)
        return task_send(article_extract_task, row[0])

    sent, unsent = stale_rows_send(
        model=Article,
        status_field="extraction_status",
        stale_after=stale_after,
        batch=batch,
        now=now or timezone.now(),
        fields=("id",),
        send=send,
    )
    outcome = SweepOutcome(sent=sent, failed_to_send=unsent)
    if any(sent.values()) or unsent:
        logger.info("article.sweep", extra=outcome.as_log())
    return outcome


# --- claim workflow -------------------------------------------------------------------------------

S = Claim.Status
# Each status may move one step forward or back; dismissing works from any unpublished status and
# reopening brings a dismissed claim back to the start. Publishing needs the second check.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.UNREVIEWED: frozenset({S.IN_PROGRESS, S.DISMISSED}),
    S.IN_PROGRESS: frozenset({S.UNREVIEWED, S.IN_REVIEW, S.DISMISSED}),
    S.IN_REVIEW: frozenset({S.IN_PROGRESS, S.PUBLISHED, S.DISMISSED}),
    S.PUBLISHED: frozenset({S.IN_REVIEW}),
    S.DISMISSED: frozenset({S.UNREVIEWED}),
}
_EDITABLE = ("status", "verdict", "rationale", "assignee", "text", "review_url")


def _change(
    claim: Claim,
    field: str,
    old: Any,
    new: Any,
    by: User | None,
    when: datetime,
    note: str = "",
) -> ClaimChange:
    def show(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, User):
            return value.get_username()
        return str(value)

    return ClaimChange(
        claim=claim,
        changed_by=by,
        field=field,
        old_value=show(old),
        new_value=show(new),
        version=claim.version,
        note=note[:500],
        created_at=when,
    )


def _system_status_change(claim: Claim, status: str, when: datetime, note: str) -> ClaimChange:
    """Move an untouched claim to `status` on the system's behalf (unsaved), and its history row.

    The version moves on, so a reviewer holding the old version is told the claim changed; the
    claim stays untouched (touched_at is only set by people).
    """
    claim.version += 1
    change = _change(claim, ClaimChange.Field.STATUS, claim.status, status, None, when, note)
    claim.status = status
    return change


def claim_snapshot(claim: Claim) -> dict[str, Any]:
    """The current editable state of a claim, as shown to someone whose save was refused."""
    return {
        "version": claim.version,
        "status": claim.status,
        "verdict": claim.verdict,
        "rationale": claim.rationale,
        "text": claim.text,
        "review_url": claim.review_url,
        "assignee": claim.assignee.get_username() if claim.assignee_id and claim.assignee else None,
        "updated_at": claim.updated_at.isoformat(),
    }


def claim_update(
    *,
    claim: Claim,
    by: User | None,
    version: int,
    data: dict[str, Any],
    note: str = "",
) -> Claim:
    """Change a claim's status, verdict, rationale, assignee, text and/or review URL.

    `version` is the version the caller saw. If the claim has changed since, nothing is written and
    ClaimConflictError carries the current state. Changes that alter nothing write nothing. Returns
    the claim as saved.
    """
    unknown = set(data) - set(_EDITABLE)
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))} of a claim here.")
    require_edit(user=by, team=claim.team)
    with transaction.atomic():
        current = (
            Claim.objects.select_for_update(of=("self",))
            .select_related("team", "assignee")
            .get(pk=claim.pk)
        )
        if current.version != version:
            raise ClaimConflictError(
                "Someone else changed this claim since you opened it; your change was not saved.",
                extra={"current": claim_snapshot(current), "your_version": version},
            )
        now = timezone.now()
        changed = {
            field: value for field, value in data.items() if getattr(current, field) != value
        }
        if not changed:
            return current
        _validate_claim_change(current, changed)

        current.version += 1
        changes = [
            _change(current, field, getattr(current, field), value, by, now, note)
            for field, value in changed.items()
        ]
        for field, value in changed.items():
            setattr(current, field, value)
        update_fields = [*changed, "version", "updated_at"]
        if "status" in changed:
            if changed["status"] == S.PUBLISHED:
                current.published_at = now
                current.reviewed_by = by
                update_fields += ["published_at", "reviewed_by"]
            elif current.published_at is not None:
                current.published_at = None
                update_fields.append("published_at")
        if by is not None:
            current.touched_at = now
            update_fields.append("touched_at")
        current.full_clean(validate_unique=False)
        current.save(update_fields=update_fields)
        ClaimChange.objects.bulk_create(changes)
    return current


def _validate_claim_change(current: Claim, changed: dict[str, Any]) -> None:
    new_status = changed.get("status", current.status)
    if "status" in changed and new_status not in ALLOWED_TRANSITIONS[current.status]:
        raise TransitionError(
            f"A claim cannot go from {current.get_status_display().lower()} to "
            f"{Claim.Status(new_status).label.lower()}.",
            extra={
                "from": current.status,
                "to": new_status,
                "allowed": sorted(ALLOWED_TRANSITIONS[current.status]),
            },
        )
    if current.status == S.PUBLISHED and set(changed) & {"verdict", "rationale", "text"}:
        raise TransitionError(
            "This claim's verdict is published; move it back to review before changing it."
        )
    if new_status == S.PUBLISHED and not changed.get("verdict", current.verdict):
        raise TransitionError("Set a verdict before publishing.")
    if "text" in changed:
        text = str(changed["text"]).strip()
        if not text:
            raise ValidationError("The claim text cannot be empty.")
        if len(text) > CLAIM_TEXT_MAX_CHARS:
            raise ValidationError(
                f"The claim text is limited to {CLAIM_TEXT_MAX_CHARS:,} characters."
            )
        changed["text"] = text
    if len(str(changed.get("rationale", ""))) > RATIONALE_MAX_CHARS:
        raise ValidationError(f"The rationale is limited to {RATIONALE_MAX_CHARS:,} characters.")
    assignee = changed.get("assignee")
    if assignee is not None and not (
        Membership.objects.filter(team_id=current.team_id, user=assignee)
        .exclude(role=Membership.Role.VIEWER)
        .exists()
    ):
        raise ValidationError(
            f"{assignee.get_username()} is not an editor in {current.team.name}; "
            "claims can only be assigned to the team's editors and owners."
        )


def claim_assign(*, claim: Claim, by: User | None, version: int, assignee: User | None) -> Claim:
    return claim_update(claim=claim, by=by, version=version, data={"assignee": assignee})


def claim_dismiss(*, claim: Claim, by: User | None, version: int, reason: str = "") -> Claim:
    """Not check-worthy (or out of scope): out of the queues, kept with its history."""
    return claim_update(
        claim=claim, by=by, version=version, data={"status": S.DISMISSED}, note=reason
    )


def claim_reopen(*, claim: Claim, by: User | None, version: int) -> Claim:
    """Bring a dismissed claim back to the start of the workflow."""
    if claim.status != S.DISMISSED:
        raise TransitionError("Only a dismissed claim can be reopened.")
    return claim_update(claim=claim, by=by, version=version, data={"status": S.UNREVIEWED})


# --- comments -------------------------------------------------------------------------------------


def comment_create(*, claim: Claim, author: User, body: str) -> Comment:
    require_edit(user=author, team=claim.team)
    text = body.strip()
    if not text:
        raise ValidationError("A comment cannot be empty.", code="empty")
    if len(text) > COMMENT_MAX_CHARS:
        raise ValidationError(
            f"A comment is limited to {COMMENT_MAX_CHARS:,} characters.", code="too_long"
        )
    comment = Comment(claim=claim, author=author, body=text)
    comment.full_clean()
    with transaction.atomic():
        comment.save()
        # Members of the claim's team named with @username, the author apart, find it in their
        # inbox; any other name stays text.
        names = mentioned_names(text)
        if names:
            mentioned = User.objects.filter(
                username__in=names, memberships__team_id=claim.team_id
            ).exclude(pk=author.pk)
            Mention.objects.bulk_create(
                [
                    Mention(comment=comment, user=user, created_at=comment.created_at)
                    for user in mentioned
                ],
                ignore_conflicts=True,
            )
    return comment
