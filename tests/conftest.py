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


@pytest.fixture
def owner(team):
    return MembershipFactory(
        team=team, user=UserFactory(username="alice"), role=Membership.Role.OWNER
    ).user


@pytest.fixture
def editor(team):
    return MembershipFactory(
        team=team, user=UserFactory(username="bob"), role=Membership.Role.EDITOR
    ).user


@pytest.fixture
def viewer(team):
    return MembershipFactory(
        team=team, user=UserFactory(username="carol"), role=Membership.Role.VIEWER
    ).user


@pytest.fixture
def outsider(other_team):
    return MembershipFactory(
        team=other_team, user=UserFactory(username="mallory"), role=Membership.Role.OWNER
    ).user
