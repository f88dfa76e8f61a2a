"""@mentions: which names a comment mentions (pure), and who is told (the comment service)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims.mentions import MENTIONS_MAX, mention_pieces, mentioned_names
from claims.models import Mention
from claims.services import comment_create
from tests.factories import ArticleFactory, ClaimFactory


class MentionedNamesTests:
    @pytest.mark.parametrize(
        ("text", "names"),
        [
            ("@bob please check", ["bob"]),
            ("thanks @bob.", ["bob"]),
            ("@bob, @alice and @bob again", ["bob", "alice"]),
            ("@x", ["x"]),
            ("mail bob@example.org or @@bob", []),
            ("(@carol) and @d.e-f_g+h", ["carol", "d.e-f_g+h"]),
            ("no mention here, just an @ sign", []),
            ("", []),
        ],
    )
    def test_names(self, text, names):
        assert mentioned_names(text) == names

    def test_a_long_list_is_capped(self):
        text = " ".join(f"@user{i}" for i in range(100))
        assert len(mentioned_names(text)) == MENTIONS_MAX

    def test_pieces_mark_only_members(self):
        assert mention_pieces("hi @bob and @eve.", {"bob"}) == [
            ("hi ", False),
            ("@bob", True),
            (" and @eve.", False),
        ]
        assert mention_pieces("", {"bob"}) == [("", False)]
        assert "".join(p for p, _ in mention_pieces("a @bob b @bob", {"bob"})) == "a @bob b @bob"


@pytest.mark.django_db
class CommentMentionTests:
    def test_members_are_told_the_author_and_strangers_are_not(
        self, team, owner, editor, viewer, outsider
    ):
        claim = ClaimFactory(article=ArticleFactory(team=team))
        comment = comment_create(
            claim=claim, author=owner, body="@bob @carol @alice @mallory @nobody: look; @bob!"
        )
        assert sorted(m.user.username for m in comment.mentions.all()) == ["bob", "carol"]

    def test_the_inbox_lists_mentions_of_me_in_this_team(
        self, client, team, other_team, owner, editor, outsider
    ):
        mine = ClaimFactory(
            article=ArticleFactory(team=team), text="Cuba recognised China in 1960."
        )
        comment_create(claim=mine, author=owner, body="@bob <b>is this right</b>?")
        # bob in another desk, mentioned there: not shown in Desk A's inbox.
        from workbench.models import Membership

        Membership.objects.create(team=other_team, user=editor, role=Membership.Role.EDITOR)
        theirs = ClaimFactory(
            article=ArticleFactory(team=other_team), text="Desk B's secret claim."
        )
        comment_create(claim=theirs, author=outsider, body="@bob see this")
        assert Mention.objects.filter(user=editor).count() == 2

        client.force_login(editor)
        page = client.get(reverse("inbox")).content.decode()
        assert "Mentioned you" in page
        assert reverse("claim-detail", args=[mine.code]) in page
        assert "&lt;b&gt;is this right&lt;/b&gt;" in page and "<b>is this" not in page
        assert "Desk B&#x27;s claim." not in page and "Desk B's claim." not in page

        client.force_login(owner)
        assert "Mentioned you" not in client.get(reverse("inbox")).content.decode()
