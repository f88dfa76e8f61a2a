"""Claims, their comments and history, ClaimReview. (Being built.)"""

from rest_framework import viewsets
from rest_framework.views import APIView


class ClaimViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    lookup_field = "code"
    lookup_value_converter = "uuid"


class ClaimReviewFeedApi(APIView):
    pass
