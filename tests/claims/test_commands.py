from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims.models import Article
from tests.conftest import SEED_PATH
from workbench.models import Membership, Team


def ingest(*args: str, stdin: bytes | None = None, monkeypatch=None) -> str:
    out = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    call_command("ingest", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)  # real commits: extraction runs on commit, as in use
class IngestCommandTests:
    def test_seed_article_from_a_file(self, team):
        output = ingest(
            str(SEED_PATH),
            "--team",
            team.name,
            "--url",
            "https://example.org/a",
            "--published",
            "2025-09-30",
        )
        article = Article.objects.get()
        assert "Ingested: China and Cuba Strengthen Ties Amid U.S. Tensions" in output
        assert f"Extraction done: {article.claims.count()} claims." in output
        assert article.url == "https://example.org/a"
        assert article.published_at.date().isoformat() == "2025-09-30"
        assert article.claims.count() >= 5
        for claim in article.claims.all():
            assert article.body[claim.start : claim.end] == claim.sentence

    def test_from_standard_input_and_twice_is_one_article(self, team, monkeypatch):
        data = SEED_PATH.read_bytes()
        ingest("-", "--team", team.name, "--title", "Seed", stdin=data, monkeypatch=monkeypatch)
        output = ingest("-", "--team", team.name, stdin=data, monkeypatch=monkeypatch)
        assert output.startswith("Already ingested: Seed")
        assert Article.objects.count() == 1

    def test_unknown_team(self, db):
        with pytest.raises(CommandError, match="No team named 'Nobody'"):
            ingest(str(SEED_PATH), "--team", "Nobody")

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"", "empty"),
            (b"  \n\t\n  ", "empty"),
            (bytes(range(256)) * 4, "binary"),
            (b"Caf\xe9 society in 1960", "not valid UTF-8"),
            (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "binary"),
        ],
        ids=["empty", "whitespace", "binary", "latin1", "png"],
    )
    def test_bad_files_get_a_clear_error_and_write_nothing(self, team, tmp_path, content, message):
        path = tmp_path / "article.txt"
        path.write_bytes(content)
        with pytest.raises(CommandError, match=message):
            ingest(str(path), "--team", team.name)
        assert Article.objects.count() == 0

    def test_five_megabytes_is_refused(self, team, tmp_path: Path):
        path = tmp_path / "huge.txt"
        path.write_bytes(b"Cuba recognised China in 1960. " * (5 * 1024 * 1024 // 31))
        with pytest.raises(CommandError, match="limit is 1,000,000"):
            ingest(str(path), "--team", team.name)
        assert Article.objects.count() == 0

    def test_very_large_file_is_not_read_whole(self, team, tmp_path: Path):
        path = tmp_path / "enormous.txt"
        with path.open("wb") as handle:
            handle.truncate(64 * 1024 * 1024)  # sparse: 64 MB of NULs without using the disk
        with pytest.raises(CommandError, match="larger than 8 MB"):
            ingest(str(path), "--team", team.name)

    def test_title_too_long(self, team):
        with pytest.raises(CommandError, match=r"title: .*at most 500 characters"):
            ingest(str(SEED_PATH), "--team", team.name, "--title", "T" * 10_000)
        assert Article.objects.count() == 0

    def test_missing_file_and_bad_date(self, team):
        with pytest.raises(CommandError, match="no such file"):
            ingest("/nonexistent/article.txt", "--team", team.name)
        with pytest.raises(CommandError, match="not a date"):
            ingest(str(SEED_PATH), "--team", team.name, "--published", "last Tuesday")


@pytest.mark.django_db
class CreateDemoCommandTests:
    def test_creates_team_and_owner_once(self):
        out = io.StringIO()
        call_command("create_demo", "--password", "s3cret-demo", stdout=out)
        assert "as demo with password s3cret-demo" in out.getvalue()
        team = Team.objects.get(name="Demo desk")
        membership = Membership.objects.get(team=team)
        assert membership.role == "owner" and membership.user.check_password("s3cret-demo")

        out = io.StringIO()
        call_command("create_demo", stdout=out)
        assert "(unchanged" in out.getvalue()
        assert Team.objects.count() == 1 and Membership.objects.count() == 1
        membership.user.refresh_from_db()
        assert membership.user.check_password("s3cret-demo")
