"""Evidence, sources and lookup runs: /api/v1/evidence/, /api/v1/sources/, /api/v1/lookup-runs/.

Every row is scoped to the caller's teams by the selectors; writes go through the services,
which check the caller's role (viewers read, editors and owners write).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from claims.selectors import claim_get
from sources.models import Evidence, LookupRun, Source
from sources.selectors import (
    evidence_get,
    evidence_list,
    lookup_run_get,
    lookup_run_list,
    source_get,
    source_list,
)
from sources.services import (
    PASSAGE_MAX_CHARS,
    evidence_add,
    evidence_remove,
    evidence_update,
    lookup_url_attach,
    source_upsert,
)
from workbench.rest import EnqueueThrottle, InputSerializer, request_user

# --- lookup runs ----------------------------------------------------------------------------------


class LookupRunViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """The caller's teams' lookup runs: one attempt of one backend for one claim."""

    lookup_field = "code"
    lookup_value_converter = "uuid"

    @extend_schema_serializer(component_name="LookupRun")
    class OutputSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
        id = serializers.UUIDField(source="code", read_only=True)
        claim = serializers.UUIDField(source="claim.code", read_only=True)
        # Not a URLField: searches have no link (""), which is not a URI.
        url = serializers.CharField(
            read_only=True, help_text='The link fetched by the "url" backend; "" for searches.'
        )
        requested_by = serializers.CharField(
            source="requested_by.username", read_only=True, allow_null=True
        )
        duration_ms = serializers.IntegerField(read_only=True, allow_null=True)

        class Meta:
            model = LookupRun
            fields = [
                "id",
                "claim",
                "backend",
                "url",
                "status",
                "attempts",
                "error",
                "results_count",
                "requested_by",
                "started_at",
                "finished_at",
                "duration_ms",
                "created_at",
            ]
            read_only_fields = fields

    class FilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
        """The list's query parameters, for the schema (LookupRunFilter validates and applies
        them)."""

        claim = serializers.UUIDField(required=False, help_text="A claim's id.")
        article = serializers.UUIDField(required=False, help_text="An article's id.")
        status = serializers.ListField(
            child=serializers.ChoiceField(choices=LookupRun.Status.choices),
            required=False,
            help_text="One or more statuses (repeat the parameter).",
        )
        backend = serializers.CharField(
            required=False, allow_blank=True, help_text='e.g. "library", "url".'
        )

    def get_queryset(self) -> QuerySet[LookupRun]:
        if getattr(self, "swagger_fake_view", False):
            return LookupRun.objects.none()
        filters = self.request.query_params if self.action == "list" else None
        return lookup_run_list(user=request_user(self.request), filters=filters)

    def get_object(self) -> LookupRun:
        run = lookup_run_get(user=request_user(self.request), code=self.kwargs["code"])
        if run is None:
            raise Http404
        return run

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:  # type: ignore[type-arg]
        return self.OutputSerializer

    @extend_schema(parameters=[FilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


# --- sources --------------------------------------------------------------------------------------


class SourceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Sources the caller's teams have in their libraries or cite as evidence (read-only: a
    source is a shared archive of what a URL said)."""

    lookup_field = "code"
    lookup_value_converter = "uuid"

    @extend_schema_serializer(component_name="Source")
    class OutputSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
        id = serializers.UUIDField(source="code", read_only=True)

        class Meta:
            model = Source
            fields = [
                "id",
                "url",
                "title",
                "publisher",
                "kind",
                "published_at",
                "created_at",
                "updated_at",
            ]
            read_only_fields = fields

    @extend_schema_serializer(component_name="SourceDetail")
    class DetailOutputSerializer(OutputSerializer):
        class Meta:
            model = Source
            fields = [
                "id",
                "url",
                "title",
                "publisher",
                "kind",
                "published_at",
                "archived_text",
                "text_hash",
                "fetched_at",
                "http_status",
                "created_at",
                "updated_at",
            ]
            read_only_fields = fields

    class FilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
        """The list's query parameters, for the schema (SourceFilter validates and applies
        them)."""

        kind = serializers.ListField(
            child=serializers.ChoiceField(choices=Source.Kind.choices),
            required=False,
            help_text="One or more kinds (repeat the parameter).",
        )
        q = serializers.CharField(
            required=False,
            allow_blank=True,
            help_text="Text in the title or the URL (case-insensitive).",
        )

    def get_queryset(self) -> QuerySet[Source]:
        if getattr(self, "swagger_fake_view", False):
            return Source.objects.none()
        filters = self.request.query_params if self.action == "list" else None
        return source_list(user=request_user(self.request), filters=filters)

    def get_object(self) -> Source:
        source = source_get(user=request_user(self.request), code=self.kwargs["code"])
        if source is None:
            raise Http404
        return source

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:  # type: ignore[type-arg]
        if self.action == "retrieve":
            return self.DetailOutputSerializer
        return self.OutputSerializer

    @extend_schema(parameters=[FilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


# --- evidence -------------------------------------------------------------------------------------

WITH_PASSAGE_ONLY = (
    "Only with a passage. A link without a passage is fetched in the background, and its "
    "passages are found and assessed there."
)


class EvidenceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Evidence on the caller's teams' claims: a passage of a source, with its stance."""

    lookup_field = "code"
    lookup_value_converter = "uuid"

    @extend_schema_serializer(component_name="Evidence")
    class OutputSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
        @extend_schema_serializer(component_name="EvidenceSource")
        class SourceSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
            """The source, briefly (its archived text is at /sources/{id}/)."""

            id = serializers.UUIDField(source="code", read_only=True)

            class Meta:
                model = Source
                fields = ["id", "url", "title", "publisher", "kind", "published_at"]
                read_only_fields = fields

        id = serializers.UUIDField(source="code", read_only=True)
        claim = serializers.UUIDField(source="claim.code", read_only=True)
        source = SourceSerializer(read_only=True)  # type: ignore[assignment]
        created_by = serializers.CharField(
            source="created_by.username", read_only=True, allow_null=True
        )

        class Meta:
            model = Evidence
            fields = [
                "id",
                "claim",
                "source",
                "passage",
                "passage_start",
                "passage_end",
                "stance",
                "stance_reason",
                "relevance",
                "details",
                "origin",
                "created_by",
                "created_at",
                "updated_at",
            ]
            read_only_fields = fields

    @extend_schema_serializer(component_name="EvidenceCreate")
    class CreateInputSerializer(InputSerializer):
        """Evidence for a claim: a link with a passage of it, or a link alone (to be fetched)."""

        claim = serializers.UUIDField(help_text="The id of a claim of one of your teams.")
        url = serializers.URLField(max_length=2000, help_text="The source's http(s) link.")
        passage = serializers.CharField(
            required=False,
            max_length=PASSAGE_MAX_CHARS,
            help_text=(
                "The passage of the source that is the evidence. Without one, the link is "
                "fetched in the background and the answer is 202 with the lookup run."
            ),
        )
        stance = serializers.ChoiceField(choices=Evidence.Stance.choices, required=False)
        title = serializers.CharField(required=False, max_length=500)
        publisher = serializers.CharField(required=False, max_length=200)
        kind = serializers.ChoiceField(choices=Source.Kind.choices, required=False)

        def validate_url(self, value: str) -> str:
            if urlsplit(value).scheme.lower() not in ("http", "https"):
                raise serializers.ValidationError("Only http and https links.", code="url")
            return value

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if "passage" not in attrs:
                extra = [name for name in ("stance", "title", "publisher", "kind") if name in attrs]
                if extra:
                    raise serializers.ValidationError(
                        {name: [WITH_PASSAGE_ONLY] for name in extra}, code="passage_required"
                    )
            return attrs

    @extend_schema_serializer(component_name="EvidenceUpdate")
    class UpdateInputSerializer(InputSerializer):
        """A correction by a reviewer: any of stance, passage and relevance."""

        stance = serializers.ChoiceField(choices=Evidence.Stance.choices, required=False)
        passage = serializers.CharField(required=False, max_length=PASSAGE_MAX_CHARS)
        relevance = serializers.FloatField(required=False, min_value=0.0, max_value=1.0)

    class FilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
        """The list's query parameters, for the schema (EvidenceFilter validates and applies
        them)."""

        claim = serializers.UUIDField(required=False, help_text="A claim's id.")
        article = serializers.UUIDField(required=False, help_text="An article's id.")
        stance = serializers.ListField(
            child=serializers.ChoiceField(choices=Evidence.Stance.choices),
            required=False,
            help_text="One or more stances (repeat the parameter).",
        )
        origin = serializers.CharField(
            required=False,
            allow_blank=True,
            help_text='The backend that found it ("library", ...) or "reviewer".',
        )

    def get_queryset(self) -> QuerySet[Evidence]:
        if getattr(self, "swagger_fake_view", False):
            return Evidence.objects.none()
        filters = self.request.query_params if self.action == "list" else None
        return evidence_list(user=request_user(self.request), filters=filters)

    def get_object(self) -> Evidence:
        evidence = evidence_get(user=request_user(self.request), code=self.kwargs["code"])
        if evidence is None:
            raise Http404
        return evidence

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:  # type: ignore[type-arg]
        if self.action == "create":
            return self.CreateInputSerializer
        if self.action == "partial_update":
            return self.UpdateInputSerializer
        return self.OutputSerializer

    def get_throttles(self) -> list[BaseThrottle]:
        # Adding evidence by link queues a fetch; both ways of adding share the throttle.
        if self.action == "create":
            return [EnqueueThrottle()]
        return super().get_throttles()

    @extend_schema(parameters=[FilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=CreateInputSerializer,
        responses={
            201: OutputSerializer,
            200: OutputSerializer,
            202: inline_serializer(
                name="EvidenceLookupStarted",
                fields={"lookup_run": LookupRunViewSet.OutputSerializer()},
            ),
        },
        description=(
            "Add evidence to a claim. With a `passage`: the source is archived under `url` and "
            "the passage linked to the claim (201; 200 with the existing row if the claim "
            "already has this passage from this source). Without one: the link is checked "
            "(no private addresses), then fetched, archived in the team's library and searched "
            "for passages in the background (202 with the queued lookup run)."
        ),
    )
    def create(self, request: Request) -> Response:
        user = request_user(request)
        serializer = self.CreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        claim = claim_get(user=user, code=data["claim"])
        if claim is None:
            raise serializers.ValidationError({"claim": ["Unknown claim."]}, code="unknown")
        if "passage" not in data:
            run = lookup_url_attach(claim=claim, url=data["url"], by=user)
            body = {"lookup_run": LookupRunViewSet.OutputSerializer(run).data}
            return Response(body, status=status.HTTP_202_ACCEPTED)
        described = {name: data[name] for name in ("title", "publisher", "kind") if name in data}
        with transaction.atomic():  # a refused passage (viewer, empty) leaves no new source
            source = source_upsert(url=data["url"], **described)
            evidence, created = evidence_add(
                claim=claim,
                source=source,
                passage=data["passage"],
                origin="reviewer",
                stance=data.get("stance", Evidence.Stance.NEUTRAL),
                created_by=user,
            )
        fresh = evidence_get(user=user, code=evidence.code)
        return Response(
            self.OutputSerializer(fresh).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(request=UpdateInputSerializer, responses=OutputSerializer)
    def partial_update(self, request: Request, code: Any) -> Response:
        user = request_user(request)
        evidence = self.get_object()
        serializer = self.UpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evidence_update(evidence=evidence, by=user, data=dict(serializer.validated_data))
        return Response(self.OutputSerializer(self.get_object()).data)

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request: Request, code: Any) -> Response:
        evidence_remove(evidence=self.get_object(), by=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
