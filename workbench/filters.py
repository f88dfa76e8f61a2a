"""Filter fields every list shares (django-filter), strict about what they accept.

- ``UUIDFilter``: a code; when the parameter is given it must be one (``?claim=`` is a 400, not
  "no filter": an empty value matching everything would hide a client's bug).
- ``ChoicesFilter``: any of several choice values, without django-filter's default
  ``SELECT DISTINCT`` (these filters join nothing that could repeat a row; DISTINCT over every
  column made the claim queue's query about ten times slower in bench/api.py).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError


class _GivenUUIDField(forms.UUIDField):
    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class UUIDFilter(django_filters.UUIDFilter):  # type: ignore[misc]
    field_class = _GivenUUIDField


class ChoicesFilter(django_filters.MultipleChoiceFilter):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)
