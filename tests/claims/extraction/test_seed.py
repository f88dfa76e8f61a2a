"""Regression test on the seed article (the repository's own copy): the key claims of its gold
annotation, the anniversary finding, headings, resolved references and apposition spans."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from claims.extraction.pipeline import extract_article
from claims.extraction.records import ExtractedClaim, Extraction
from claims.extraction.text import split_sentences

PROJECT_ROOT = Path(__file__).resolve().parents[3]
SEED_PATH = PROJECT_ROOT / "workbench/demo/seed-china-cuba.txt"

# The key claims of seed-china-cuba.gold.json: a claim matches when its text contains every key
# (case and accents folded).
KEY_CLAIMS: dict[str, tuple[str, ...]] = {
    "title-chen": ("Chen Yixin", "security"),
    "title-alvarez": ("Alvarez", "interior minister"),
    "meeting-beijing": ("Chen", "Alvarez", "Beijing"),
    "anniversary-65": ("65th", "anniversary"),
    "first-1960": ("first", "Western Hemisphere", "1960"),
    "xi-diazcanel-may": ("Xi Jinping", "Diaz-Canel", "May"),
    "role-model-quote": ("role model",),
}
HEADINGS = (
    "China and Cuba Strengthen Ties Amid U.S. Tensions",
    "Historical Context of China-Cuba Relations",
    "Strengthening Security Cooperation",
    "Implications of Enhanced Intelligence Sharing",
    "Broader Geopolitical Context",
    "Future Prospects",
    "Conclusion",
)
FIRST_SENTENCE_OPENING = "In a significant diplomatic move, Chen Yixin"


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.replace("\u2019", "'").casefold()


@pytest.fixture(scope="module")
def seed() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def extraction(seed: str) -> Extraction:
    return extract_article(seed)


def matching(claims: tuple[ExtractedClaim, ...], keys: tuple[str, ...]) -> list[int]:
    return [i for i, c in enumerate(claims) if all(fold(k) in fold(c.text) for k in keys)]


def only(claims: tuple[ExtractedClaim, ...], keys: tuple[str, ...]) -> ExtractedClaim:
    found = matching(claims, keys)
    assert len(found) == 1, [claims[i].text for i in found]
    return claims[found[0]]


def test_fold_ignores_case_and_accents() -> None:
    assert fold("D\u00cdAZ-Canel Berm\u00fadez") == "diaz-canel bermudez"


@pytest.mark.parametrize("gold_id", sorted(KEY_CLAIMS))
def test_each_key_claim_is_found(extraction: Extraction, gold_id: str) -> None:
    assert matching(extraction.claims, KEY_CLAIMS[gold_id]), [c.text for c in extraction.claims]


def test_anniversary_finding_places_the_events_in_2025(extraction: Extraction) -> None:
    claims = extraction.claims
    findings = [f for f in extraction.findings if f.kind == "anniversary_year"]
    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity == "info"
    assert isinstance(finding.value, dict)
    assert finding.value["year"] == 2025
    assert finding.value["founded"] == 1960
    assert finding.value["anniversary"] == 65
    anniversary = matching(claims, KEY_CLAIMS["anniversary-65"])
    founded = matching(claims, KEY_CLAIMS["first-1960"])
    assert set(finding.claims) == {*anniversary, *founded}
    assert len(anniversary) == len(founded) == 1
    # No date given: nothing to conflict with.
    assert not [f for f in extraction.findings if f.severity == "conflict"]


@pytest.mark.parametrize("threshold", [0.5, 0.0])
def test_no_claim_starts_inside_a_heading(seed: str, threshold: float) -> None:
    headings = []
    for heading in HEADINGS:
        at = seed.find(heading + "\n")
        assert at >= 0 and (at == 0 or seed[at - 1] == "\n"), heading  # a line of its own
        headings.append((at, at + len(heading)))
    claims = extract_article(seed, threshold=threshold).claims
    assert claims
    for claim in claims:
        for start, _end in claim.spans:
            assert not any(lo <= start < hi for lo, hi in headings), claim.text


def test_the_two_nations_are_named(seed: str, extraction: Extraction) -> None:
    claim = only(extraction.claims, KEY_CLAIMS["anniversary-65"])
    assert "the two nations" in claim.sentence
    assert "China and Cuba" in claim.text
    assert "the two nations" not in claim.text
    assert not claim.ambiguous
    replaced = {(r.text, r.replacement) for r in claim.replacements}
    assert ("the two nations", "China and Cuba") in replaced
    for r in claim.replacements:
        assert seed[r.start : r.end] == r.text
        assert claim.start <= r.start < r.end <= claim.end


def test_apposition_claims_have_phrase_spans_inside_the_first_sentence(
    seed: str, extraction: Extraction
) -> None:
    first = next(
        (s, e) for s, e in split_sentences(seed) if seed.startswith(FIRST_SENTENCE_OPENING, s)
    )
    # wording -> the phrase it was cut from
    expected = {
        "Chen Yixin is China\u2019s state security chief.": (
            "Chen Yixin, China\u2019s state security chief"
        ),
        "Lazaro Alberto Alvarez Casas is Cuba\u2019s interior minister.": (
            "Lazaro Alberto Alvarez Casas, Cuba\u2019s interior minister"
        ),
    }
    for wording, phrase in expected.items():
        claim = next((c for c in extraction.claims if c.text == wording), None)
        assert claim is not None, wording
        assert claim.sentence == phrase
        assert seed[claim.start : claim.end] == phrase
        # a phrase inside the sentence, not the whole sentence
        assert first[0] < claim.start < claim.end < first[1]
        assert claim.spans == ((claim.start, claim.end),)
    # The main clause keeps the whole sentence as its span.
    meeting = only(extraction.claims, ("recently met with",))
    assert meeting.text == "Chen Yixin recently met with Lazaro Alberto Alvarez Casas in Beijing."
    assert (meeting.start, meeting.end) == first
