"""Pages of the web workbench: account. (Being built.)"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    return render(request, "workbench/base.html", {"nav": "teams"})


@login_required
def team_switch(request: HttpRequest) -> HttpResponse:
    return render(request, "workbench/base.html")


@login_required
def team_detail(request: HttpRequest, code: Any) -> HttpResponse:
    return render(request, "workbench/base.html", {"nav": "teams"})
