"""Claims: the queue (filtered, cursor pages), a claim, its review (PATCH with the version you
saw), its comments and history, re-running its lookups, and published verdicts as schema.org
ClaimReview JSON-LD (one claim, or the feed of a user's teams).

Writes go through claims.services and sources.services; reads through claims.selectors, scoped
to the caller's teams (another team's claim is a 404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from claims.claimreview import ClaimReviewInput, claim_review
from claims.models import Claim, ClaimChange
from claims.selectors import (
    claim_comments,
    claim_history,
    claim_list,
    claim_review_facts,
    claim_review_list,
    team_member_get,
)
from claims.services import ClaimConflictError, claim_update, comment_create
from sources.models import LookupRun
from sources.services import lookup_claim_start
from workbench.pagination import CursorPage
from workbench.rest import EnqueueThrottle, InputSerializer, request_user


class OldestFirstPage(CursorPage):
    """Cursor pages, oldest first (a claim's history and comments read top to bottom)."""

    ordering = ("created_at", "id")


class PublishedPage(CursorPage):
    """Cursor pages, most recently published first (the ClaimReview feed)."""

    ordering = ("-published_at", "-id")


# --- serializers ----------------------------------------------------------------------------------


_JUDGED = frozenset({Claim.Suggestion.SUPPORTED, Claim.Suggestion.CONTRADICTED})
# Formats datetimes as every DRF DateTimeField does (ISO 8601, UTC as "Z").
_DATETIME = serializers.DateTimeField()


class SuggestionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The machine's suggestion from the evidence found (never a verdict)."""

    value = serializers.ChoiceField(choices=Claim.Suggestion.choices)
    confidence = serializers.FloatField(
        allow_null=True, help_text="0 to 1, for supported and contradicted only."
    )
    reason = serializers.CharField()

    class Meta:
        ref_name = "ClaimSuggestion"

    def to_representation(self, instance: Claim) -> dict[str, Any]:
        value = instance.suggestion
        return {
            "value": value,
            "confidence": instance.suggestion_confidence if value in _JUDGED else None,
            "reason": instance.suggestion_reason,
        }


class ClaimOutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A claim as the API shows it: references are codes, people are usernames."""

    id = serializers.UUIDField(source="code")
    team = serializers.UUIDField(source="team.code")
    article = serializers.UUIDField(source="article.code")
    article_title = serializers.CharField(source="article.title")
    text = serializers.CharField()
    sentence = serializers.CharField()
    start = serializers.IntegerField(help_text="Offset of the sentence in the article's text.")
    end = serializers.IntegerField()
    spans = serializers.JSONField(help_text="Every place the claim occurs: [[start, end], ...].")
    claim_type = serializers.ChoiceField(choices=Claim.Type.choices)
    checkworthiness = serializers.FloatField()
    entities = serializers.JSONField()
    values = serializers.JSONField()
    ambiguous = serializers.BooleanField()
    replacements = serializers.JSONField()
    findings = serializers.JSONField()
    status = serializers.ChoiceField(choices=Claim.Status.choices)
    verdict = serializers.ChoiceField(choices=Claim.Verdict.choices)
    rationale = serializers.CharField()
    review_url = serializers.CharField()
    suggestion = SuggestionSerializer(source="*")
    assignee = serializers.CharField(source="assignee.username", allow_null=True)
    reviewed_by = serializers.CharField(source="reviewed_by.username", allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(help_text="Send it back with a change (PATCH).")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    class Meta:
        ref_name = "Claim"

    def to_representation(self, instance: Claim) -> dict[str, Any]:
        """The fields above, built by hand: the claim list is the API's busiest page, and DRF's
        field-by-field path costs ten times as much. A test checks both give the same JSON."""
        c = instance
        when = _DATETIME.to_representation
        assignee = c.assignee
        reviewed_by = c.reviewed_by
        judged = c.suggestion in _JUDGED
        return {
            "id": str(c.code),
            "team": str(c.team.code),
            "article": str(c.article.code),
            "article_title": c.article.title,
            "text": c.text,
            "sentence": c.sentence,
            "start": c.start,
            "end": c.end,
            "spans": c.spans,
            "claim_type": c.claim_type,
            "checkworthiness": float(c.checkworthiness),
            "entities": c.entities,
            "values": c.values,
            "ambiguous": c.ambiguous,
            "replacements": c.replacements,
            "findings": c.findings,
            "status": c.status,
            "verdict": c.verdict,
            "rationale": c.rationale,
            "review_url": c.review_url,
            "suggestion": {
                "value": c.suggestion,
                "confidence": c.suggestion_confidence if judged else None,
                "reason": c.suggestion_reason,
            },
            "assignee": assignee.username if assignee is not None else None,
            "reviewed_by": reviewed_by.username if reviewed_by is not None else None,
            "published_at": when(c.published_at) if c.published_at is not None else None,
            "version": c.version,
            "created_at": when(c.created_at),
            "updated_at": when(c.updated_at),
        }


class ClaimConflictSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A refused claim change (409)."""

    detail = serializers.CharField()
    code = serializers.CharField(help_text='"conflict" or "invalid_transition".')
    current = ClaimOutputSerializer(
        required=False, help_text="conflict: the claim as it is now (nothing was saved)."
    )
    your_version = serializers.IntegerField(
        required=False, help_text="conflict: the version you sent."
    )
    to = serializers.CharField(required=False, help_text="invalid_transition: the status asked.")
    allowed = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="invalid_transition: the statuses the claim can move to.",
    )

    class Meta:
        ref_name = "ClaimConflict"

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        fields = super().get_fields()
        # "from" is a keyword: the field is added here.
        fields["from"] = serializers.CharField(
            required=False, help_text="invalid_transition: the claim's status."
        )
        return fields


CONFLICT_RESPONSE = OpenApiResponse(
    response=ClaimConflictSerializer,
    description=(
        '`code` "conflict": the claim changed since you read it; nothing was saved. '
        '`code` "invalid_transition": the status change is not a step of the workflow.'
    ),
)


def claim_data(claim: Claim) -> dict[str, Any]:
    data: dict[str, Any] = ClaimOutputSerializer(claim).data
    return data


class ClaimUpdateInputSerializer(InputSerializer):
    """A change to a claim: the version you read, and the fields to change (unknown fields are
    refused)."""

    version = serializers.IntegerField(
        min_value=1, help_text="The version you read; a stale one gets 409 with the claim now."
    )
    status = serializers.ChoiceField(choices=Claim.Status.choices, required=False)
    verdict = serializers.ChoiceField(choices=Claim.Verdict.choices, required=False)
    rationale = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    assignee = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=150,
        help_text="Username of an editor or owner of the claim's team; null to unassign.",
    )
    text = serializers.CharField(required=False, max_length=2_000)
    review_url = serializers.URLField(required=False, allow_blank=True, max_length=2000)

    class Meta:
        ref_name = "ClaimUpdate"

    # Never partial: `version` is required in a PATCH too. drf-spectacular marks a PATCH body's
    # serializer partial (every field optional) by setting this; the schema then says otherwise.
    @property
    def partial(self) -> bool:
        return False

    @partial.setter
    def partial(self, value: bool) -> None:
        pass


class ClaimFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The claim list's query parameters (documentation; claims.filters.ClaimFilter applies
    them). Parameters taking several values are repeated: `?status=unreviewed&status=in_review`.
    """

    team = serializers.UUIDField(required=False, help_text="A team's id.")
    article = serializers.UUIDField(required=False, help_text="An article's id.")
    status = serializers.MultipleChoiceField(choices=Claim.Status.choices, required=False)
    claim_type = serializers.MultipleChoiceField(choices=Claim.Type.choices, required=False)
    verdict = serializers.MultipleChoiceField(choices=Claim.Verdict.choices, required=False)
    suggestion = serializers.MultipleChoiceField(choices=Claim.Suggestion.choices, required=False)
    assignee = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text='A username, or "me" for the claims assigned to you (empty: anyone).',
    )
    unassigned = serializers.BooleanField(required=False, help_text="Only unassigned claims.")
    checkworthiness_min = serializers.FloatField(required=False, min_value=0, max_value=1)
    checkworthiness_max = serializers.FloatField(required=False, min_value=0, max_value=1)
    q = serializers.CharField(
        required=False, allow_blank=True, help_text="Text in the claim or its sentence."
    )


class ClaimChangeOutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    field = serializers.ChoiceField(choices=ClaimChange.Field.choices)
    old_value = serializers.CharField()
    new_value = serializers.CharField()
    version = serializers.IntegerField(help_text="The claim's version after the change.")
    changed_by = serializers.CharField(
        source="changed_by.username", allow_null=True, help_text="null: the system."
    )
    note = serializers.CharField()
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "ClaimChange"


class CommentOutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="code")
    author = serializers.CharField(source="author.username", allow_null=True)
    body = serializers.CharField()
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "ClaimComment"


class CommentInputSerializer(InputSerializer):
    """A new comment on a claim."""

    body = serializers.CharField(max_length=10_000)

    class Meta:
        ref_name = "ClaimCommentCreate"


class LookupRunOutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="code")
    backend = serializers.CharField()
    status = serializers.ChoiceField(choices=LookupRun.Status.choices)
    url = serializers.CharField()
    error = serializers.CharField()
    results_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "ClaimLookupRunStarted"


class LookupsOutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    runs = LookupRunOutputSerializer(many=True)

    class Meta:
        ref_name = "ClaimLookupsStarted"


# ClaimReview JSON-LD. Its keys start with "@", which cannot be attribute names: the fields are
# built in get_fields(). These serializers document the shape (claims.claimreview builds it).


class _JsonLdSerializer(serializers.Serializer):  # type: ignore[type-arg]
    json_ld_fields: dict[str, Any] = {}

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        import copy

        return copy.deepcopy(self.json_ld_fields)


class _OrganizationSerializer(_JsonLdSerializer):
    json_ld_fields = {
        "@type": serializers.CharField(help_text='"Organization"'),
        "name": serializers.CharField(),
        "url": serializers.URLField(required=False),
    }

    class Meta:
        ref_name = "ClaimReviewOrganization"


class _RatingSerializer(_JsonLdSerializer):
    json_ld_fields = {
        "@type": serializers.CharField(help_text='"Rating"'),
        "ratingValue": serializers.IntegerField(
            required=False,
            help_text="1 (false) to 5 (true); absent for an unverifiable claim.",
        ),
        "bestRating": serializers.IntegerField(required=False),
        "worstRating": serializers.IntegerField(required=False),
        "alternateName": serializers.CharField(help_text='The verdict, e.g. "Mostly true".'),
    }

    class Meta:
        ref_name = "ClaimReviewRating"


class _CreativeWorkSerializer(_JsonLdSerializer):
    json_ld_fields = {
        "@type": serializers.CharField(help_text='"CreativeWork"'),
        "url": serializers.URLField(),
        "headline": serializers.CharField(required=False),
    }

    class Meta:
        ref_name = "ClaimReviewCreativeWork"


class _ReviewedClaimSerializer(_JsonLdSerializer):
    json_ld_fields = {
        "@type": serializers.CharField(help_text='"Claim"'),
        "author": _OrganizationSerializer(required=False),
        "datePublished": serializers.DateField(required=False),
        "appearance": _CreativeWorkSerializer(many=True, required=False),
    }

    class Meta:
        ref_name = "ClaimReviewClaim"


class ClaimReviewSerializer(_JsonLdSerializer):
    """A published verdict as schema.org ClaimReview (JSON-LD)."""

    json_ld_fields = {
        "@context": serializers.CharField(help_text='"https://schema.org"'),
        "@type": serializers.CharField(help_text='"ClaimReview"'),
        "claimReviewed": serializers.CharField(),
        "datePublished": serializers.DateField(),
        "url": serializers.URLField(),
        "author": _OrganizationSerializer(),
        "reviewRating": _RatingSerializer(),
        "itemReviewed": _ReviewedClaimSerializer(),
    }

    class Meta:
        ref_name = "ClaimReview"

    def to_representation(self, instance: Claim) -> dict[str, Any]:
        request = self.context["request"]
        return claim_review(claim_review_input(instance, request=request))


def claim_review_input(claim: Claim, *, request: Request) -> ClaimReviewInput:
    """What the ClaimReview of a published claim says (team and article must be loaded)."""
    assert claim.published_at is not None
    return claim_review_facts(
        claim,
        fallback_url=request.build_absolute_uri(
            reverse("api:claim-claimreview", kwargs={"code": claim.code})
        ),
    )


# --- views ----------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(parameters=[ClaimFilterSerializer], responses=ClaimOutputSerializer),
    retrieve=extend_schema(responses=ClaimOutputSerializer),
)
class ClaimViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Claim]
):
    """Your teams' claims. Viewers read; editors and owners change them and post comments."""

    lookup_field = "code"
    lookup_value_converter = "uuid"
    serializer_class = ClaimOutputSerializer
    queryset = Claim.objects.none()  # for the schema; get_queryset() scopes to the caller

    def get_queryset(self) -> QuerySet[Claim]:
        user = request_user(self.request)
        if self.action == "list":
            return claim_list(user=user, filters=self.request.query_params)
        return claim_list(user=user)

    def _page(self, queryset: QuerySet[Any]) -> list[Any]:
        """One page of a claim's rows (its history, its comments) with the action's paginator."""
        paginator = self.paginator
        assert paginator is not None
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        return list(page or [])

    @extend_schema(
        request=ClaimUpdateInputSerializer,
        responses={200: ClaimOutputSerializer, 409: CONFLICT_RESPONSE},
    )
    def partial_update(self, request: Request, code: Any = None) -> Response:
        """Change a claim's status, verdict, rationale, assignee, text or review URL.

        Send the `version` you read: if the claim changed since, nothing is saved and the answer is
        409 with the claim as it is now (`current`)."""
        claim = self.get_object()
        serializer = ClaimUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        if data.get("assignee") is not None:
            username = data["assignee"]
            assignee = team_member_get(team_id=claim.team_id, username=username)
            if assignee is None:
                raise exceptions.ValidationError(
                    {
                        "assignee": [
                            f"{username} is not a member of {claim.team.name}; claims can only "
                            "be assigned to the team's editors and owners."
                        ]
                    }
                )
            data["assignee"] = assignee
        try:
            claim_update(claim=claim, by=request_user(request), version=version, data=data)
        except ClaimConflictError as exc:
            current = self.get_queryset().get(pk=claim.pk)
            raise ClaimConflictError(
                exc.message, extra={"current": claim_data(current), "your_version": version}
            ) from None
        return Response(claim_data(self.get_queryset().get(pk=claim.pk)))

    @extend_schema(request=None, responses={202: LookupsOutputSerializer})
    @action(detail=True, methods=["post"], throttle_classes=[EnqueueThrottle])
    def lookups(self, request: Request, code: Any = None) -> Response:
        """Run every lookup backend for this claim again (in the background)."""
        claim = self.get_object()
        runs = lookup_claim_start(claim=claim, by=request_user(request))
        body = LookupsOutputSerializer({"runs": runs}).data
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=ClaimChangeOutputSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=OldestFirstPage)
    def history(self, request: Request, code: Any = None) -> Response:
        """Every change of the claim's status, verdict, assignee, rationale, text or review URL,
        oldest first."""
        claim = self.get_object()
        page = self._page(claim_history(claim=claim))
        return self.get_paginated_response(ClaimChangeOutputSerializer(page, many=True).data)

    @extend_schema(methods=["GET"], responses=CommentOutputSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=CommentInputSerializer, responses={201: CommentOutputSerializer}
    )
    @action(detail=True, methods=["get", "post"], pagination_class=OldestFirstPage)
    def comments(self, request: Request, code: Any = None) -> Response:
        """The claim's discussion, oldest first; POST adds a comment (editors and owners)."""
        claim = self.get_object()
        if request.method == "POST":
            serializer = CommentInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            comment = comment_create(
                claim=claim, author=request_user(request), body=serializer.validated_data["body"]
            )
            return Response(CommentOutputSerializer(comment).data, status=status.HTTP_201_CREATED)
        page = self._page(claim_comments(claim=claim))
        return self.get_paginated_response(CommentOutputSerializer(page, many=True).data)

    @extend_schema(
        responses={
            200: ClaimReviewSerializer,
            404: OpenApiResponse(
                description=(
                    'Not among your teams\' claims, or not published (`code` "not_published").'
                )
            ),
        }
    )
    @action(detail=True, methods=["get"])
    def claimreview(self, request: Request, code: Any = None) -> Response:
        """The published verdict as schema.org ClaimReview JSON-LD."""
        claim = self.get_object()
        if claim.status != Claim.Status.PUBLISHED:
            raise exceptions.NotFound(
                "This claim's verdict is not published; a ClaimReview exists only once it is.",
                code="not_published",
            )
        return Response(ClaimReviewSerializer(claim, context={"request": request}).data)


class ClaimReviewFeedFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    team = serializers.UUIDField(required=False, help_text="Only this team's (one of yours).")


class ClaimReviewFeedApi(generics.ListAPIView[Claim]):
    """Your teams' published verdicts as schema.org ClaimReview JSON-LD, most recently published
    first. Unpublished claims never appear."""

    serializer_class = ClaimReviewSerializer
    pagination_class = PublishedPage
    queryset = Claim.objects.none()  # for the schema; get_queryset() scopes to the caller

    @extend_schema(parameters=[ClaimReviewFeedFilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Claim]:
        # A plain dict: from a QueryDict, DRF reads `?team=` as "not given" instead of invalid.
        filters = ClaimReviewFeedFilterSerializer(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        return claim_review_list(
            user=request_user(self.request), team=filters.validated_data.get("team")
        )
