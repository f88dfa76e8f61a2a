"""Shared fixtures: named actors (owner, editor, viewer of desk A; an outsider of desk B)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import MembershipFactory, TeamFactory, UserFactory
from workbench.models import Membership

REPO = Path(__file__).resolve().parents[1]
SEED_PATH = REPO / "workbench" / "demo" / "seed-china-cuba.txt"


@pytest.fixture
def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture
def team(db):
    return TeamFactory(name="Desk A")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Desk B")


def member(team, username: str, role: str):
    """A user named `username` with `role` in `team`."""
    return MembershipFactory(team=team, user=UserFactory(username=username), role=role).user


@pytest.fixture
def owner(team):
    return member(team, "alice", Membership.Role.OWNER)


@pytest.fixture
def editor(team):
    return member(team, "bob", Membership.Role.EDITOR)


@pytest.fixture
def viewer(team):
    return member(team, "carol", Membership.Role.VIEWER)


@pytest.fixture
def outsider(other_team):
    return member(other_team, "mallory", Membership.Role.OWNER)
