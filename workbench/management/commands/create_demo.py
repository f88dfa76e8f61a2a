"""Create the demo team and a user who owns it, and print how to sign in."""

from __future__ import annotations

import secrets
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from workbench.models import Membership, Team
from workbench.services import membership_set, team_save

DEMO_TEAM = "Demo desk"
DEMO_USER = "demo"


class Command(BaseCommand):
    help = "Create the demo team and its owner (a staff user who can sign in to the back office)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--team", default=DEMO_TEAM)
        parser.add_argument("--username", default=DEMO_USER)
        parser.add_argument("--password", default="", help="default: a new random password")
        parser.add_argument(
            "--reset-password", action="store_true", help="set a new password if the user exists"
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        team = Team.objects.filter(name=options["team"]).first() or team_save(
            team=Team(name=options["team"])
        )
        User = get_user_model()
        user = User.objects.filter(username=options["username"]).first()
        password = options["password"] or secrets.token_urlsafe(9)
        if user is None:
            user = User.objects.create_user(username=options["username"], password=password)
            shown = password
        elif options["reset_password"] or options["password"]:
            user.set_password(password)
            user.save(update_fields=["password"])
            shown = password
        else:
            shown = "(unchanged; use --reset-password for a new one)"
        # The demo owner may use the whole back office; real desks give narrower staff permissions.
        user.is_staff = True
        user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
        membership_set(team=team, user=user, role=Membership.Role.OWNER)
        self.stdout.write(
            f"Team {team.name!r} is ready. Sign in at http://127.0.0.1:8000/admin/ as "
            f"{user.get_username()} with password {shown}"
        )
