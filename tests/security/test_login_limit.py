"""Sign-in limits (django-axes, workbench.signin): the 6th failed attempt within 15 minutes for one
username, or from one client address, is refused with 429 even with the right password, on the web
sign-in and the admin login alike; a forged X-Forwarded-For neither resets nor dodges the count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import UserFactory
from workbench.signin import locked_out_message

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"  # tests.factories.UserFactory
SIGN_IN = reverse("sign-in")
ADMIN_LOGIN = reverse("admin:login")


def attempt(username: str, password: str, *, url: str = SIGN_IN, **meta: str):
    """One sign-in from a fresh browser (no cookies carried over)."""
    client = Client(**meta)
    response = client.post(url, {"username": username, "password": password})
    return client, response


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(username: str, times: int, **meta: str) -> None:
    for _ in range(times):
        client, response = attempt(username, "wrong-password", **meta)
        # The form again, or (from the 5th failure on) the form saying sign-in is now refused.
        assert response.status_code in (200, 429)
        assert not signed_in(client)


class UsernameLimitTests:
    def test_four_failures_are_the_form_again_the_fifth_says_locked(self):
        UserFactory(username="alice")
        for _ in range(4):
            response = attempt("alice", "wrong", REMOTE_ADDR="198.51.100.1")[1]
            assert response.status_code == 200
            assert "Please enter a correct username" in response.content.decode()
        response = attempt("alice", "wrong", REMOTE_ADDR="198.51.100.1")[1]
        assert response.status_code == 429
        assert "Too many failed sign-in attempts" in response.content.decode()

    def test_four_failures_still_allow_the_right_password(self):
        UserFactory(username="alice")
        fail("alice", 4, REMOTE_ADDR="198.51.100.1")
        client, response = attempt("alice", PASSWORD, REMOTE_ADDR="198.51.100.1")
        assert response.status_code == 302
        assert signed_in(client)

    def test_sixth_attempt_is_refused_even_with_the_right_password(self):
        UserFactory(username="alice")
        fail("alice", 5, REMOTE_ADDR="198.51.100.1")
        client, response = attempt("alice", PASSWORD, REMOTE_ADDR="198.51.100.1")
        assert response.status_code == 429
        assert not signed_in(client)
        page = response.content.decode()
        assert "Too many failed sign-in attempts" in page
        assert 'name="username"' in page, "the sign-in form is shown again, saying why"
        assert "Please enter a correct username" not in page

    def test_the_username_is_locked_from_every_address(self):
        UserFactory(username="alice")
        for n in range(5):
            fail("alice", 1, REMOTE_ADDR=f"198.51.100.{n + 10}")
        client, response = attempt("alice", PASSWORD, REMOTE_ADDR="203.0.113.200")
        assert response.status_code == 429
        assert not signed_in(client)

    def test_refused_until_the_window_passes(self):
        UserFactory(username="alice")
        fail("alice", 5, REMOTE_ADDR="198.51.100.1")
        assert attempt("alice", PASSWORD, REMOTE_ADDR="198.51.100.1")[1].status_code == 429
        # 14 minutes later: still refused.
        AccessAttempt.objects.update(
            attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=14)
        )
        assert attempt("alice", PASSWORD, REMOTE_ADDR="198.51.100.1")[1].status_code == 429
        # The refused attempt above is a failure too and restarts the window; 16 minutes on, open.
        AccessAttempt.objects.update(
            attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
        )
        client, response = attempt("alice", PASSWORD, REMOTE_ADDR="198.51.100.1")
        assert response.status_code == 302
        assert signed_in(client)


class AddressLimitTests:
    def test_one_address_is_locked_whatever_the_username(self):
        UserFactory(username="bob")
        for n in range(5):
            fail(f"nobody{n}", 1, REMOTE_ADDR="198.51.100.7")
        client, response = attempt("bob", PASSWORD, REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 429
        assert not signed_in(client)
        # bob himself is not locked: from another address he signs in.
        client, response = attempt("bob", PASSWORD, REMOTE_ADDR="198.51.100.8")
        assert response.status_code == 302
        assert signed_in(client)

    def test_a_forged_forwarded_for_neither_resets_nor_dodges_the_count(self):
        UserFactory(username="bob")
        for n in range(5):
            fail(f"nobody{n}", 1, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
        client, response = attempt(
            "bob", PASSWORD, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.55"
        )
        assert response.status_code == 429
        assert not signed_in(client)
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}

    @override_settings(TRUSTED_PROXIES=["10.0.0.9"])
    def test_behind_a_trusted_proxy_the_forwarded_address_counts(self):
        UserFactory(username="bob")
        # The client forges a left-most entry; the proxy appends the address it saw.
        for n in range(5):
            fail(
                f"nobody{n}",
                1,
                REMOTE_ADDR="10.0.0.9",
                HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 192.0.2.1",
            )
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.1"}
        refused = attempt(
            "bob", PASSWORD, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="8.8.8.8, 192.0.2.1"
        )[1]
        assert refused.status_code == 429
        # Another client behind the same proxy is not locked.
        client, response = attempt(
            "bob", PASSWORD, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="192.0.2.2"
        )
        assert response.status_code == 302
        assert signed_in(client)

    def test_an_untrusted_proxy_forwarded_for_is_ignored(self):
        # Without TRUSTED_PROXIES, X-Forwarded-For is never read (settings default).
        from django.test import RequestFactory

        from workbench.signin import client_ip

        request = RequestFactory().get(
            "/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.1.1.1"
        )
        assert client_ip(request) == "198.51.100.7"


class AdminLoginTests:
    def test_the_admin_login_is_limited_too(self):
        UserFactory(username="root", is_staff=True, is_superuser=True)
        for n in range(5):
            client, response = attempt("root", "wrong", url=ADMIN_LOGIN, REMOTE_ADDR="198.51.100.3")
            assert response.status_code == (200 if n < 4 else 429)
        client, response = attempt("root", PASSWORD, url=ADMIN_LOGIN, REMOTE_ADDR="198.51.100.3")
        assert response.status_code == 429
        assert locked_out_message() in response.content.decode()
        assert "for 15 minutes" in locked_out_message()
        assert not signed_in(client)

    def test_failures_on_the_web_sign_in_lock_the_admin_login(self):
        UserFactory(username="root", is_staff=True, is_superuser=True)
        fail("root", 5, REMOTE_ADDR="198.51.100.4")
        client, response = attempt("root", PASSWORD, url=ADMIN_LOGIN, REMOTE_ADDR="198.51.100.5")
        assert response.status_code == 429
        assert not signed_in(client)
