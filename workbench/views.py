"""The team web UI's views. (Being built.)"""

from django.http import HttpRequest, HttpResponse


def token_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
