"""Articles: create from text or a link, list, detail, re-run lookups. (Being built.)"""

from rest_framework import viewsets


class ArticleViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    lookup_field = "code"
    lookup_value_converter = "uuid"
