"""Evidence, sources and lookup runs. (Being built.)"""

from rest_framework import viewsets


class EvidenceViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    lookup_field = "code"
    lookup_value_converter = "uuid"


class SourceViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    lookup_field = "code"
    lookup_value_converter = "uuid"


class LookupRunViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    lookup_field = "code"
    lookup_value_converter = "uuid"
