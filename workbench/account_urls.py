"""The signed-in user's account pages (the web workbench grows around them)."""

from django.urls import path

from workbench.views import tokens as views

urlpatterns = [
    path("tokens/", views.token_list, name="account-tokens"),
    path("tokens/<uuid:code>/revoke/", views.token_revoke, name="account-token-revoke"),
]
