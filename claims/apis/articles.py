"""Articles: /api/v1/articles/.

- ``GET /articles/``: the caller's teams' articles, newest first, with claim counts (no text).
  Filters: ``team`` (a team's id), ``extraction_status`` (repeatable).
- ``POST /articles/``: an article from its text (``{"text": ...}``, optionally with ``url`` as
  the article's address, kept as metadata), or from a link alone (``{"url": ...}``), whose page
  is fetched in the background. Idempotent: the same text (or the same link, unless fetching it
  failed) again is the same article, answered with 200 instead of 201 (text) or 202 (link).
- ``GET /articles/{id}/``: one article with its text and extraction status.
- ``PATCH /articles/{id}/``: its metadata (title, url, outlet, published_at, language).
- ``POST /articles/{id}/lookups/``: every lookup for its open claims again (202).
- ``POST /articles/{id}/extract/``: extraction again (202); reviewers' work is kept.

Creating and the two actions queue background work and share the enqueue throttle. Writes go
through claims.services (and sources.services), which check the caller's role.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from claims.filters import ArticleFilter
from claims.models import Article
from claims.selectors import article_list
from claims.services import (
    article_extraction_requeue,
    article_ingest,
    article_ingest_url,
    article_update,
)
from sources.models import LookupRun
from sources.services import lookup_article_start
from workbench import rest
from workbench.models import Team
from workbench.rest import EnqueueThrottle, request_user
from workbench.selectors import team_list_for_user


def _max_length(field: str) -> int:
    length = getattr(Article._meta.get_field(field), "max_length", None)
    assert isinstance(length, int)
    return length


_TITLE_MAX = _max_length("title")
_OUTLET_MAX = _max_length("outlet")
_URL_MAX = _max_length("url")
_LANGUAGE_MAX = _max_length("language")


def _filtered(queryset: QuerySet[Article], params: Any) -> QuerySet[Article]:
    article_filter = ArticleFilter(params, queryset=queryset)
    if not article_filter.is_valid():
        raise DjangoValidationError(article_filter.errors.as_data())
    result: QuerySet[Article] = article_filter.qs
    return result


def _team_for(user: User, code: Any) -> Team:
    """The team an article goes to: the one named (among the caller's), or the caller's only
    team. A team the caller is not in reads as unknown, like one that does not exist."""
    teams = team_list_for_user(user=user)
    if code is not None:
        team = teams.filter(code=code).first()
        if team is None:
            raise exceptions.ValidationError({"team": ["Unknown team."]})
        return team
    mine = list(teams[:2])
    if len(mine) == 1:
        return mine[0]
    if not mine:
        raise exceptions.ValidationError({"team": ["You are not a member of any team."]})
    raise exceptions.ValidationError(
        {"team": ["You are in several teams: say which one (the team's id)."]}
    )


@extend_schema_serializer(component_name="Article")
class ArticleOutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """An article as listed (without its text)."""

    id = serializers.UUIDField(source="code")
    team = serializers.UUIDField(source="team.code")
    title = serializers.CharField()
    url = serializers.CharField(help_text='The article\'s address; "" when none was given.')
    outlet = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    language = serializers.CharField()
    extraction_status = serializers.ChoiceField(
        choices=Article.ExtractionStatus.choices,
        help_text=(
            '"fetching": the page of a link is being fetched (no text yet); "pending"/"running": '
            'claims are being extracted; "done"; "failed": see extraction_error.'
        ),
    )
    extraction_error = serializers.CharField(help_text="Why fetching or extraction failed.")
    extracted_at = serializers.DateTimeField(allow_null=True)
    claims_total = serializers.IntegerField()
    claims_open = serializers.IntegerField(help_text="Unreviewed, in progress or in review.")
    claims_published = serializers.IntegerField()
    created_by = serializers.CharField(source="created_by.username", allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="ArticleDetail")
class ArticleDetailOutputSerializer(ArticleOutputSerializer):
    """An article with its text (claims' start and end offsets point into it)."""

    body = serializers.CharField(help_text='The text; "" while the page of a link is fetched.')


@extend_schema_serializer(component_name="ArticleLookupsStarted")
class LookupsStartedOutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    runs = serializers.IntegerField(help_text="Lookup runs created (one per claim and backend).")
    queued = serializers.IntegerField(help_text="Runs queued to run in the background.")
    skipped = serializers.IntegerField(help_text="Runs of backends that cannot run here.")


@extend_schema_view(
    list=extend_schema(summary="Your teams' articles, newest first, with claim counts."),
    retrieve=extend_schema(
        summary="One article with its text and extraction status.",
        responses=ArticleDetailOutputSerializer,
    ),
)
class ArticleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Your teams' articles. Viewers read; editors and owners add and change them."""

    lookup_field = "code"
    lookup_value_converter = "uuid"
    queryset = Article.objects.none()  # for the schema; get_queryset() scopes to the caller

    @extend_schema_serializer(component_name="ArticleCreate")
    class InputSerializer(rest.InputSerializer):
        """An article from its text, or from a link alone (fetched in the background)."""

        team = serializers.UUIDField(
            required=False,
            help_text="The team's id; may be left out by a member of exactly one team.",
        )
        text = serializers.CharField(
            required=False,
            allow_blank=True,
            trim_whitespace=False,
            help_text="The article's text. Given: it is the article (and `url` only its address).",
        )
        url = serializers.CharField(
            required=False,
            max_length=_URL_MAX,
            help_text=(
                "Without `text`: a public http(s) page to fetch the article from (refused at "
                "once if it points into a private network). With `text`: the article's address."
            ),
        )
        title = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=_TITLE_MAX,
            help_text="Default: the text's first line, or the page's title.",
        )
        outlet = serializers.CharField(required=False, allow_blank=True, max_length=_OUTLET_MAX)
        published_at = serializers.DateTimeField(required=False, allow_null=True)
        language = serializers.CharField(required=False, max_length=_LANGUAGE_MAX)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if "text" not in attrs and not attrs.get("url", "").strip():
                raise exceptions.ValidationError(
                    {"text": ["Send the article's text, or a link (url) to fetch it from."]}
                )
            return attrs

    @extend_schema_serializer(component_name="ArticleUpdate")
    class UpdateInputSerializer(rest.InputSerializer):
        """Metadata only: an article's text is fixed (claims point into it)."""

        title = serializers.CharField(required=False, max_length=_TITLE_MAX)
        url = serializers.CharField(required=False, allow_blank=True, max_length=_URL_MAX)
        outlet = serializers.CharField(required=False, allow_blank=True, max_length=_OUTLET_MAX)
        published_at = serializers.DateTimeField(
            required=False,
            allow_null=True,
            help_text="A new date runs extraction again (dates in the text are read against it).",
        )
        language = serializers.CharField(required=False, max_length=_LANGUAGE_MAX)

    def get_queryset(self) -> QuerySet[Article]:
        user = request_user(self.request)
        if self.action == "list":
            return _filtered(article_list(user=user), self.request.query_params)
        if self.action == "retrieve":
            return article_list(user=user).defer(None)  # the detail has the text
        return article_list(user=user)

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:  # type: ignore[type-arg]
        if self.action == "list":
            return ArticleOutputSerializer
        return ArticleDetailOutputSerializer

    def get_throttles(self) -> list[BaseThrottle]:
        if self.action in ("create", "lookups", "extract"):
            return [EnqueueThrottle()]
        return super().get_throttles()

    def _detail(self, article: Article, status_code: int = status.HTTP_200_OK) -> Response:
        current = article_list(user=request_user(self.request)).defer(None).get(pk=article.pk)
        return Response(ArticleDetailOutputSerializer(current).data, status=status_code)

    class FilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
        """The list's query parameters, for the schema (ArticleFilter validates and applies
        them). Repeat extraction_status for several: `?extraction_status=pending&...=running`."""

        team = serializers.UUIDField(required=False, help_text="A team's id.")
        extraction_status = serializers.MultipleChoiceField(
            choices=Article.ExtractionStatus.choices, required=False
        )

    @extend_schema(parameters=[FilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Add an article from its text or from a link.",
        request=InputSerializer,
        responses={
            201: OpenApiResponse(ArticleDetailOutputSerializer, "Created from the text."),
            202: OpenApiResponse(
                ArticleDetailOutputSerializer,
                'Created from the link: its page is being fetched (status "fetching").',
            ),
            200: OpenApiResponse(
                ArticleDetailOutputSerializer,
                "The team already has this text (or this link): that article.",
            ),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request_user(request)
        team = _team_for(user, data.get("team"))
        metadata = {
            "title": data.get("title", ""),
            "outlet": data.get("outlet", ""),
            "published_at": data.get("published_at"),
            "language": data.get("language") or "en",
            "created_by": user,
        }
        if "text" in data:
            try:
                result = article_ingest(
                    team=team, body=data["text"], url=data.get("url", ""), **metadata
                )
            except DjangoValidationError as exc:
                if hasattr(exc, "error_dict"):
                    raise
                raise DjangoValidationError({"text": exc.error_list}) from None
            created_status: int = status.HTTP_201_CREATED
        else:
            result = article_ingest_url(team=team, url=data["url"], **metadata)
            created_status = status.HTTP_202_ACCEPTED
        return self._detail(
            result.article, created_status if result.created else status.HTTP_200_OK
        )

    @extend_schema(
        summary="Change an article's metadata (editors and owners).",
        request=UpdateInputSerializer,
        responses=ArticleDetailOutputSerializer,
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        article = self.get_object()
        serializer = self.UpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        article_update(
            article=article, by=request_user(request), data=dict(serializer.validated_data)
        )
        return self._detail(article)

    @extend_schema(
        summary="Run every lookup for the article's open claims again (in the background).",
        request=None,
        responses={202: LookupsStartedOutputSerializer},
    )
    @action(detail=True, methods=["post"])
    def lookups(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        article = self.get_object()
        runs = lookup_article_start(article_id=article.pk, force=True, by=request_user(request))
        queued = sum(run.status == LookupRun.Status.QUEUED for run in runs)
        skipped = sum(run.status == LookupRun.Status.SKIPPED for run in runs)
        body = {"runs": len(runs), "queued": queued, "skipped": skipped}
        return Response(LookupsStartedOutputSerializer(body).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Extract the article's claims again (in the background); reviewers' work is kept.",
        request=None,
        responses={
            202: ArticleDetailOutputSerializer,
            409: OpenApiResponse(
                description='`code` "invalid_transition": the article has no text yet (its page '
                "is being fetched, or fetching it failed)."
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def extract(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        article = self.get_object()
        article_extraction_requeue(article=article, by=request_user(request))
        return self._detail(article, status.HTTP_202_ACCEPTED)
