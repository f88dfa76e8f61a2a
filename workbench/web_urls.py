"""The web workbench's pages (names without a namespace: ``inbox``, ``claim-detail`` ...)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from workbench.views import account, articles, claims

urlpatterns = [
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            template_name="workbench/sign_in.html", redirect_authenticated_user=True
        ),
        name="sign-in",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(
            template_name="workbench/password_change.html", success_url="/"
        ),
        name="password-change",
    ),
    path("teams/", account.team_list, name="team-list"),
    path("teams/switch/", account.team_switch, name="team-switch"),
    path("teams/<uuid:code>/", account.team_detail, name="team-detail"),
    path("", articles.inbox, name="inbox"),
    path("articles/new/", articles.article_add, name="article-add"),
    path("articles/<uuid:code>/", articles.article_detail, name="article-detail"),
    path("articles/<uuid:code>/progress/", articles.article_progress, name="article-progress"),
    path("claims/", claims.claim_queue, name="claim-queue"),
    path("claims/bulk/", claims.claim_bulk, name="claim-bulk"),
    path("claims/<uuid:code>/", claims.claim_detail, name="claim-detail"),
    path("claims/<uuid:code>/save/", claims.claim_save, name="claim-save"),
    path("claims/<uuid:code>/comments/", claims.claim_comment, name="claim-comment"),
    path("claims/<uuid:code>/lookups/", claims.claim_lookups, name="claim-lookups"),
    path(
        "claims/<uuid:code>/lookups/progress/",
        claims.claim_lookup_progress,
        name="claim-lookup-progress",
    ),
    path("claims/<uuid:code>/evidence/", claims.claim_evidence_url, name="claim-evidence-url"),
    path(
        "claims/<uuid:code>/evidence/<uuid:evidence>/",
        claims.claim_evidence_change,
        name="claim-evidence-change",
    ),
    path("sources/<uuid:code>/", claims.source_detail, name="source-detail"),
    # --- articles (W1): the article page's editor actions ---
    path("articles/<uuid:code>/lookups/", articles.article_lookups, name="article-lookups"),
    path("articles/<uuid:code>/extract/", articles.article_extract, name="article-extract"),
]
