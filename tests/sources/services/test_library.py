"""The team library: loading reference files, and full-text search on the database in use
(PostgreSQL tsvector + GIN in CI, SQLite FTS5 by default)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from sources.models import LibraryItem, Source
from sources.selectors import library_search
from sources.services import library_add, library_file_parse, library_load, source_upsert
from workbench.exceptions import PermissionDeniedError

REPO = Path(__file__).resolve().parents[3]
DEMO_LIBRARY = REPO / "workbench" / "demo" / "library.jsonl"


def _line(**fields: object) -> bytes:
    record = {
        "url": "https://example.org/a",
        "title": "A",
        "publisher": "P",
        "published": "2025-09-29",
        "kind": "news",
        "text": "Cuba and China established diplomatic relations on 28 September 1960.",
    }
    record.update(fields)
    return json.dumps(record).encode("utf-8") + b"\n"


class LibraryFileParseTests:
    def test_the_demo_library_parses(self):
        records = library_file_parse(DEMO_LIBRARY.open("rb"))
        assert len(records) == 7
        assert all(r.text and r.url.startswith("http") for r in records)
        assert records[0].published_at is not None and records[0].published_at.year == 2025

    def test_a_year_alone_is_a_date(self):
        (record,) = library_file_parse([_line(published="2025")])
        assert record.published_at is not None
        assert (record.published_at.year, record.published_at.month) == (2025, 1)

    @pytest.mark.parametrize(
        ("line", "message"),
        [
            (b"{not json\n", "line 2: not JSON"),
            (_line(text="   "), "line 2: text is empty"),
            (_line(kind="blog"), "line 2: kind 'blog' is not one of"),
            (_line(url="ftp://example.org/x"), "line 2: Not an http(s) URL"),
            (_line(url="javascript:alert(1)"), "line 2: Not an http(s) URL"),
            (_line(published="yesterday"), "line 2: published 'yesterday' is not a date"),
            (_line(colour="red"), "line 2: unknown field(s): colour"),
            (_line(text=["a list"]), "line 2: text must be a string"),
            (_line(text="binary\x00data"), "line 2: text contains NUL"),
            (b'["an", "array"]\n', "line 2: expected a JSON object"),
            (b"\xff\xfe\x00bad bytes\n", "line 2: not UTF-8 text"),
        ],
    )
    def test_a_bad_line_is_named_and_nothing_is_returned(self, line, message):
        with pytest.raises(ValidationError) as caught:
            library_file_parse([_line(url="https://example.org/ok"), line])
        assert any(m.startswith(message) for m in caught.value.messages), caught.value.messages

    def test_every_bad_line_is_reported_not_just_the_first(self):
        with pytest.raises(ValidationError) as caught:
            library_file_parse([b"{\n", _line(), b"[]\n"])
        assert [m.split(":")[0] for m in caught.value.messages] == ["line 1", "line 3"]

    def test_an_empty_file_is_refused(self):
        with pytest.raises(ValidationError, match="no sources"):
            library_file_parse([b"\n", b"   \n"])

    def test_a_byte_order_mark_is_fine(self):
        (record,) = library_file_parse([b"\xef\xbb\xbf" + _line()])
        assert record.title == "A"


@pytest.mark.django_db
class LibraryLoadTests:
    def test_loading_twice_adds_once(self, team):
        records = library_file_parse(DEMO_LIBRARY.open("rb"))
        first = library_load(team=team, records=records)
        again = library_load(team=team, records=records)
        assert (first.added, first.already) == (7, 0)
        assert (again.added, again.already) == (0, 7)
        assert LibraryItem.objects.filter(team=team).count() == 7
        source = Source.objects.get(url__contains="cubanews")
        assert source.text_hash and "28 September 1960" in source.archived_text

    def test_two_teams_share_one_archived_source(self, team, other_team):
        records = library_file_parse([_line()])
        library_load(team=team, records=records)
        library_load(team=other_team, records=records)
        assert Source.objects.count() == 1
        assert LibraryItem.objects.count() == 2

    def test_a_viewer_cannot_add_to_the_library(self, team, viewer):
        source = source_upsert(url="https://example.org/x", archived_text="Some text.")
        with pytest.raises(PermissionDeniedError):
            library_add(team=team, source=source, by=viewer)
        assert not LibraryItem.objects.exists()

    def test_the_command_loads_and_reports(self, team, capsys):
        call_command("load_library", str(DEMO_LIBRARY), team=team.name)
        assert "7 source(s) added" in capsys.readouterr().out

    def test_the_command_names_the_bad_line_and_loads_nothing(self, team, tmp_path):
        path = tmp_path / "bad.jsonl"
        path.write_bytes(_line() + b"{oops\n")
        with pytest.raises(CommandError, match="line 2: not JSON"):
            call_command("load_library", str(path), team=team.name)
        assert not LibraryItem.objects.exists()

    def test_the_command_refuses_an_unknown_team_and_a_missing_file(self, team, tmp_path):
        with pytest.raises(CommandError, match="No team named"):
            call_command("load_library", str(DEMO_LIBRARY), team="Nobody")
        with pytest.raises(CommandError, match="Cannot read"):
            call_command("load_library", str(tmp_path / "missing.jsonl"), team=team.name)


def _add(team, url: str, title: str, text: str) -> Source:
    source = source_upsert(url=url, title=title, archived_text=text)
    library_add(team=team, source=source)
    return source


@pytest.mark.django_db
class LibrarySearchTests:
    """Runs on whichever database the suite uses: CI runs it on PostgreSQL."""

    @pytest.fixture
    def library(self, team, other_team):
        relations = _add(
            team,
            "https://example.org/relations",
            "Cuba and China diplomatic relations",
            "Cuba and the People's Republic of China established diplomatic relations on "
            "28 September 1960.",
        )
        meeting = _add(
            team,
            "https://example.org/meeting",
            "Xi meets Diaz-Canel",
            "Chinese President Xi Jinping met Cuban President Miguel Diaz-Canel in Moscow.",
        )
        _add(team, "https://example.org/weather", "Weather", "Rain is expected in Havana.")
        # Another desk's library is not ours to search.
        _add(
            other_team,
            "https://example.org/other",
            "Diplomatic relations",
            "China and Cuba diplomatic relations 1960.",
        )
        return relations, meeting

    def test_finds_matching_documents_best_first(self, team, library):
        relations, _meeting = library
        found = library_search(team_id=team.pk, terms=["diplomatic", "relations", "1960"])
        assert [s.pk for s in found] == [relations.pk]
        found = library_search(team_id=team.pk, terms=["China", "relations", "established"])
        assert found[0].pk == relations.pk
        assert all(isinstance(s.rank, float) and s.rank > 0 for s in found)

    def test_any_term_matches_and_stems_are_folded(self, team, library):
        relations, meeting = library
        # "establishing" stems to the same lexeme as "established"; "meets" as "met" does not.
        found = {s.pk for s in library_search(team_id=team.pk, terms=["establishing", "Moscow"])}
        assert found == {relations.pk, meeting.pk}

    def test_only_the_team_library_is_searched(self, team, other_team, library):
        found = library_search(team_id=other_team.pk, terms=["relations"])
        assert [s.url for s in found] == ["https://example.org/other"]

    def test_title_changes_and_deletions_reach_the_index(self, team, library):
        relations, _ = library
        Source.objects.filter(pk=relations.pk).update(title="Zanzibar")
        assert [s.pk for s in library_search(team_id=team.pk, terms=["zanzibar"])] == [relations.pk]
        LibraryItem.objects.filter(source=relations).delete()
        Source.objects.filter(pk=relations.pk).delete()
        assert library_search(team_id=team.pk, terms=["zanzibar"]) == []

    @pytest.mark.parametrize(
        "terms",
        [
            [],
            ["", "   "],
            ['"', "'", "-", "*", "(", ")", ":", "^"],
            ["or", "and", "not", "NEAR"],
            ['1960" OR "x', "title:cuba", "-china", "NEAR(cuba china)"],
            ["'; DROP TABLE sources_source; --"],
            ["\x00", "\u202e", "\U0001f600"],
        ],
    )
    def test_hostile_terms_never_break_the_query(self, team, library, terms):
        found = library_search(team_id=team.pk, terms=terms)
        assert isinstance(found, list)
        assert Source.objects.filter(url="https://example.org/relations").exists()

    def test_query_syntax_in_a_term_is_only_words(self, team, library):
        relations, _ = library
        found = library_search(team_id=team.pk, terms=['1960" OR "weather'])
        assert {s.pk for s in found} >= {relations.pk}

    def test_a_long_document_is_searchable(self, team):
        text = ("Filler sentence about nothing in particular. " * 20_000) + "Unobtainium found."
        source = _add(team, "https://example.org/long", "Long", text)
        found = library_search(team_id=team.pk, terms=["filler"])
        assert [s.pk for s in found] == [source.pk]

    def test_uses_the_database_full_text_engine(self):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = 'sources_source_search_idx'"
                )
                assert "gin" in cursor.fetchone()[0].lower()
            else:
                cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'sources_source_fts'")
                assert "fts5" in cursor.fetchone()[0].lower()
