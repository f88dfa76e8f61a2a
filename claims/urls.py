"""API routes of articles, claims, their comments and history, and published ClaimReviews."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from claims.apis.articles import ArticleViewSet
from claims.apis.claims import ClaimReviewFeedApi, ClaimViewSet

router = SimpleRouter(use_regex_path=False)
router.register("articles", ArticleViewSet, basename="article")
router.register("claims", ClaimViewSet, basename="claim")

urlpatterns = [
    path("claimreviews/", ClaimReviewFeedApi.as_view(), name="claimreview-feed"),
    *router.urls,
]
