"""Teams, members and API tokens. (Being built.)"""

from rest_framework import viewsets


class TeamViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    lookup_field = "code"
    lookup_value_converter = "uuid"


class TokenViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    lookup_field = "code"
    lookup_value_converter = "uuid"
