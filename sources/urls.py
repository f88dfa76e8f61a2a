"""API routes of evidence, sources and lookup runs."""

from rest_framework.routers import SimpleRouter

from sources.apis import EvidenceViewSet, LookupRunViewSet, SourceViewSet

router = SimpleRouter(use_regex_path=False)
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("sources", SourceViewSet, basename="source")
router.register("lookup-runs", LookupRunViewSet, basename="lookup-run")

urlpatterns = router.urls
