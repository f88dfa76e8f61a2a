"""The team web UI's views. For now: the signed-in user's API tokens page."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from workbench import services
from workbench.exceptions import ApplicationError
from workbench.rest import request_user
from workbench.selectors import token_list_for_user


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        max_length=services.TOKEN_NAME_MAX_CHARS,
        help_text="Where the token is used, e.g. “CMS import” or “laptop”.",
    )
    expires_in_days = forms.IntegerField(
        label="Expires in (days)",
        min_value=1,
        max_value=services.TOKEN_MAX_DAYS,
        initial=services.TOKEN_DEFAULT_DAYS,
        help_text=f"From 1 to {services.TOKEN_MAX_DAYS} days.",
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's tokens, and a form to create one. The new key is in the answer to the POST
    that created it and nowhere else (not in the session, not in a later page); never_cache
    keeps it out of caches."""
    user = request_user(request)
    form = TokenCreateForm()
    new: services.NewToken | None = None
    if request.method == "POST":
        form = TokenCreateForm(request.POST)
        if form.is_valid():
            try:
                new = services.token_create(
                    user=user,
                    name=form.cleaned_data["name"],
                    expires_in_days=form.cleaned_data["expires_in_days"],
                    by=user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                form = TokenCreateForm()
    context = {
        "tokens": token_list_for_user(user=user),
        "form": form,
        "new": new,
        "now": timezone.now(),
    }
    return render(request, "workbench/tokens.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def token_revoke(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    token = get_object_or_404(token_list_for_user(user=user), code=code)
    services.token_revoke(token=token, by=user)
    messages.success(request, f"Token “{token.name}” ({token.prefix}…) revoked.")
    return HttpResponseRedirect(reverse("account-tokens"))
