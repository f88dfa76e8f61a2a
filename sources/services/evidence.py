"""Writes for sources (the shared archive) and evidence (passages linked to claims)."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from claims.models import Claim
from sources.models import Evidence, Source
from workbench.services import create_unless_exists, model_update, require_edit

PASSAGE_MAX_CHARS = 5_000


def url_normalise(url: str) -> str:
    """One spelling per URL: scheme and host lower-cased, default port and fragment dropped."""
    raw = url.strip()
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(f"Not an http(s) URL: {raw[:200]!r}", code="url")
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    if port is not None and not (
        (scheme == "http" and port == 80) or (scheme == "https" and port == 443)
    ):
        host = f"{host}:{port}"
    userinfo = ""
    if parts.username:
        userinfo = parts.username + (f":{parts.password}" if parts.password else "") + "@"
    return urlunsplit((scheme, userinfo + host, parts.path or "/", parts.query, ""))


def _passage_clean(passage: str) -> str:
    text = passage.strip()
    if not text:
        raise ValidationError("An evidence passage cannot be empty.", code="empty")
    if len(text) > PASSAGE_MAX_CHARS:
        raise ValidationError(
            f"An evidence passage is limited to {PASSAGE_MAX_CHARS:,} characters.", code="too_long"
        )
    return text


def passage_hash(passage: str) -> str:
    folded = " ".join(passage.split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


SOURCE_EDITABLE = ("title", "publisher", "kind", "published_at")


@transaction.atomic
def source_upsert(*, url: str, **fields: Any) -> Source:
    """The Source for a URL, created if new; given fields fill blanks, never erase archived text.

    The archived text, once set, is never rewritten here: evidence passages point into it.
    """
    normalised = url_normalise(url)
    if fields.get("archived_text"):
        fields["text_hash"] = text_hash(fields["archived_text"])
    source = Source.objects.select_for_update().filter(url=normalised).first()
    if source is None:
        source = Source(url=normalised, **fields)
        source.full_clean(validate_unique=False)
        source, _ = create_unless_exists(instance=source, lookup={"url": normalised})
        return source
    updates = [name for name, value in fields.items() if value and not getattr(source, name)]
    for name in updates:
        setattr(source, name, fields[name])
    if updates:
        source.full_clean()
        source.save(update_fields=[*updates, "updated_at"])
    return source


@transaction.atomic
def source_update(*, source: Source, data: dict[str, Any]) -> Source:
    """Correct a source's description. Its URL and archived text are a record and stay."""
    unknown = set(data) - set(SOURCE_EDITABLE)
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))} of a source.")
    current = Source.objects.select_for_update().get(pk=source.pk)
    current, _ = model_update(instance=current, fields=SOURCE_EDITABLE, data=data)
    return current


def evidence_add(
    *,
    claim: Claim,
    source: Source,
    passage: str,
    origin: str,
    stance: str = Evidence.Stance.NEUTRAL,
    stance_reason: str = "",
    relevance: float = 0.0,
    passage_start: int | None = None,
    passage_end: int | None = None,
    details: dict[str, Any] | None = None,
    created_by: User | None = None,
) -> tuple[Evidence, bool]:
    """Link a passage of a source to a claim. The same passage twice is one row: (row, created)."""
    require_edit(user=created_by, team=claim.team)
    text = _passage_clean(passage)
    digest = passage_hash(text)
    existing = Evidence.objects.filter(claim=claim, source=source, passage_hash=digest).first()
    if existing is not None:
        return existing, False
    evidence = Evidence(
        claim=claim,
        source=source,
        passage=text,
        passage_hash=digest,
        passage_start=passage_start,
        passage_end=passage_end,
        stance=stance,
        stance_reason=stance_reason[:500],
        relevance=relevance,
        origin=origin,
        details=details or {},
        created_by=created_by,
    )
    evidence.full_clean(validate_constraints=False)
    return create_unless_exists(
        instance=evidence, lookup={"claim": claim, "source": source, "passage_hash": digest}
    )


EVIDENCE_EDITABLE = ("passage", "stance", "relevance")


@transaction.atomic
def evidence_update(*, evidence: Evidence, by: User | None, data: dict[str, Any]) -> Evidence:
    """Correct an evidence row's passage, stance or relevance (editors and owners only); the
    claim's machine suggestion is worked out again.

    A new passage gets a new hash; if the claim already has that passage from the same source,
    the change is refused rather than creating a duplicate.
    """
    unknown = set(data) - set(EVIDENCE_EDITABLE)
    if unknown:
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))} of evidence.")
    current = Evidence.objects.select_for_update().select_related("claim__team").get(pk=evidence.pk)
    require_edit(user=by, team=current.claim.team)
    changes = dict(data)
    if "passage" in changes:
        changes["passage"] = _passage_clean(changes["passage"])
        changes["passage_hash"] = passage_hash(changes["passage"])
        twin = Evidence.objects.filter(
            claim_id=current.claim_id,
            source_id=current.source_id,
            passage_hash=changes["passage_hash"],
        ).exclude(pk=current.pk)
        if twin.exists():
            raise ValidationError("The claim already has this passage from this source.")
    if "stance" in changes and changes["stance"] != current.stance:
        # The stance is now a reviewer's: the machine's reason for its own stance no longer holds.
        changes["stance_reason"] = ""
    current, changed = model_update(
        instance=current,
        fields=[*EVIDENCE_EDITABLE, "passage_hash", "stance_reason"],
        data=changes,
    )
    if changed:
        _suggestion_refresh(current.claim_id)
    return current


def _suggestion_refresh(claim_id: int) -> None:
    from sources.services.lookups import claim_suggestion_refresh  # it imports this module

    claim_suggestion_refresh(claim_id=claim_id)


@transaction.atomic
def evidence_remove(*, evidence: Evidence, by: User | None) -> None:
    """Take an evidence row off its claim (editors and owners only); the source stays archived
    and the claim's machine suggestion is worked out again."""
    current = Evidence.objects.select_for_update().select_related("claim__team").get(pk=evidence.pk)
    require_edit(user=by, team=current.claim.team)
    claim_id = current.claim_id
    current.delete()
    _suggestion_refresh(claim_id)
