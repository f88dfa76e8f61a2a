from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from claims.models import Claim, ClaimChange
from claims.services import (
    ClaimConflictError,
    TransitionError,
    claim_assign,
    claim_dismiss,
    claim_reopen,
    claim_update,
    comment_create,
)
from tests.factories import ClaimFactory
from workbench.exceptions import PermissionDeniedError


@pytest.fixture
def claim(team):
    return ClaimFactory(article__team=team)


@pytest.mark.django_db
class ClaimUpdateTests:
    def test_change_writes_history_and_bumps_version(self, claim, editor):
        saved = claim_update(
            claim=claim,
            by=editor,
            version=1,
            data={"status": Claim.Status.IN_PROGRESS, "verdict": Claim.Verdict.TRUE},
        )
        assert saved.version == 2
        assert saved.touched_at is not None
        changes = {
            c.field: (c.old_value, c.new_value, c.changed_by, c.version)
            for c in ClaimChange.objects.filter(claim=claim)
        }
        assert changes == {
            "status": ("unreviewed", "in_progress", editor, 2),
            "verdict": ("", "true", editor, 2),
        }

    def test_second_save_with_the_same_version_is_refused_and_nothing_is_lost(
        self, claim, editor, owner
    ):
        claim_update(claim=claim, by=editor, version=1, data={"rationale": "Editor's reasoning."})
        with pytest.raises(ClaimConflictError) as info:
            claim_update(claim=claim, by=owner, version=1, data={"rationale": "Owner's reasoning."})

        claim.refresh_from_db()
        assert claim.rationale == "Editor's reasoning."
        assert claim.version == 2
        assert ClaimChange.objects.filter(claim=claim).count() == 1
        assert info.value.extra["current"]["rationale"] == "Editor's reasoning."
        assert info.value.extra["current"]["version"] == 2

    def test_no_op_changes_write_nothing(self, claim, editor):
        saved = claim_update(claim=claim, by=editor, version=1, data={"status": claim.status})
        assert saved.version == 1
        assert not ClaimChange.objects.exists()

    def test_unknown_fields_are_refused(self, claim, editor):
        with pytest.raises(ValidationError):
            claim_update(claim=claim, by=editor, version=1, data={"team": None})

    def test_viewer_and_outsider_cannot_change(self, claim, viewer, outsider):
        for user in (viewer, outsider):
            with pytest.raises(PermissionDeniedError):
                claim_update(claim=claim, by=user, version=1, data={"rationale": "x"})
        assert claim.changes.count() == 0

    def test_workflow_to_publication_and_back(self, claim, editor, owner):
        c = claim_update(claim=claim, by=editor, version=1, data={"status": "in_progress"})
        c = claim_update(
            claim=c, by=editor, version=c.version, data={"status": "in_review", "verdict": "true"}
        )
        c = claim_update(claim=c, by=owner, version=c.version, data={"status": "published"})
        assert c.published_at is not None and c.reviewed_by == owner
        with pytest.raises(TransitionError, match="published"):
            claim_update(claim=c, by=owner, version=c.version, data={"verdict": "false"})
        c = claim_update(claim=c, by=owner, version=c.version, data={"status": "in_review"})
        assert c.published_at is None
        assert [ch.new_value for ch in c.changes.filter(field="status")] == [
            "in_progress",
            "in_review",
            "published",
            "in_review",
        ]

    def test_publishing_needs_a_verdict(self, claim, editor):
        c = claim_update(claim=claim, by=editor, version=1, data={"status": "in_progress"})
        c = claim_update(claim=c, by=editor, version=c.version, data={"status": "in_review"})
        with pytest.raises(TransitionError, match="verdict"):
            claim_update(claim=c, by=editor, version=c.version, data={"status": "published"})

    def test_skipping_steps_is_refused(self, claim, editor):
        with pytest.raises(TransitionError) as info:
            claim_update(claim=claim, by=editor, version=1, data={"status": "published"})
        assert info.value.extra["allowed"] == ["dismissed", "in_progress"]

    def test_dismiss_and_reopen(self, claim, editor):
        c = claim_dismiss(claim=claim, by=editor, version=1, reason="Opinion, not a claim.")
        assert c.status == "dismissed"
        assert c.changes.get().note == "Opinion, not a claim."
        c = claim_reopen(claim=c, by=editor, version=c.version)
        assert c.status == "unreviewed"
        with pytest.raises(TransitionError):
            claim_reopen(claim=c, by=editor, version=c.version)

    def test_assign_only_to_the_teams_editors(self, claim, editor, viewer, outsider):
        c = claim_assign(claim=claim, by=editor, version=1, assignee=editor)
        assert c.assignee == editor
        assert c.changes.get().new_value == "bob"
        for user in (viewer, outsider):
            with pytest.raises(ValidationError):
                claim_assign(claim=c, by=editor, version=c.version, assignee=user)
        c = claim_assign(claim=c, by=editor, version=c.version, assignee=None)
        assert c.assignee is None

    def test_empty_claim_text_is_refused(self, claim, editor):
        with pytest.raises(ValidationError):
            claim_update(claim=claim, by=editor, version=1, data={"text": "   "})


@pytest.mark.django_db
class CommentCreateTests:
    def test_comment(self, claim, editor):
        comment = comment_create(claim=claim, author=editor, body="  Check the 1960 date.  ")
        assert comment.body == "Check the 1960 date."

    @pytest.mark.parametrize("body", ["", "   ", "x" * 10_001])
    def test_bad_comments_are_refused(self, claim, editor, body):
        with pytest.raises(ValidationError):
            comment_create(claim=claim, author=editor, body=body)

    def test_viewer_cannot_comment(self, claim, viewer):
        with pytest.raises(PermissionDeniedError):
            comment_create(claim=claim, author=viewer, body="hello")


@pytest.mark.django_db(transaction=True)
class ClaimConcurrentSaveTests:
    """Two people press save at the same moment with the same version (real threads)."""

    def test_exactly_one_of_two_concurrent_saves_wins(self, team, editor, owner):
        if connection.vendor != "postgresql":
            pytest.skip(
                "needs PostgreSQL row locks; SQLite serialises writers and is covered above"
            )
        claim = ClaimFactory(article__team=team)
        barrier = threading.Barrier(2)
        outcomes: dict[str, str] = {}

        def save(user, rationale):
            from django.db import connection as thread_connection

            try:
                barrier.wait()
                claim_update(claim=claim, by=user, version=1, data={"rationale": rationale})
                outcomes[rationale] = "saved"
            except ClaimConflictError:
                outcomes[rationale] = "refused"
            finally:
                thread_connection.close()

        threads = [
            threading.Thread(target=save, args=(u, r))
            for u, r in ((editor, "first"), (owner, "second"))
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        assert sorted(outcomes.values()) == ["refused", "saved"]
        winner = next(r for r, o in outcomes.items() if o == "saved")
        claim.refresh_from_db()
        assert claim.rationale == winner and claim.version == 2
        assert ClaimChange.objects.filter(claim=claim).count() == 1
