"""Pages of the web workbench: claims. (Being built.)"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def claim_queue(request: HttpRequest) -> HttpResponse:
    return render(request, "workbench/base.html", {"nav": "queue"})


@login_required
def claim_bulk(request: HttpRequest) -> HttpResponse:
    return render(request, "workbench/base.html")


@login_required
def claim_detail(request: HttpRequest, code: Any) -> HttpResponse:
    return render(request, "workbench/base.html")
