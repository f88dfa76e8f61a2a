"""API routes of teams, their members, and the signed-in user's API tokens."""

from rest_framework.routers import SimpleRouter

from workbench.apis import TeamViewSet, TokenViewSet

router = SimpleRouter(use_regex_path=False)
router.register("teams", TeamViewSet, basename="team")
router.register("tokens", TokenViewSet, basename="token")

urlpatterns = router.urls
