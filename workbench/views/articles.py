"""Pages of the web workbench: articles. (Being built.)"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "workbench/base.html", {"nav": "inbox"})


@login_required
def article_add(request: HttpRequest) -> HttpResponse:
    return render(request, "workbench/base.html")


@login_required
def article_detail(request: HttpRequest, code: Any) -> HttpResponse:
    return render(request, "workbench/base.html")


@login_required
def article_progress(request: HttpRequest, code: Any) -> HttpResponse:
    return render(request, "workbench/base.html")
