from __future__ import annotations

import ast
import bisect
import json
import subprocess
import sys
from pathlib import Path

import pytest

import claims.extraction as extraction
from claims.extraction import (
    EXTRACTOR_VERSION,
    MAX_TEXT_CHARS,
    EmptyTextError,
    ExtractedClaim,
    ExtractionError,
    TextTooLargeError,
    extract_claims,
    is_heading,
    split_sentences,
)
from claims.extraction.pipeline import extract_article

PROJECT_ROOT = Path(__file__).resolve().parents[3]
SEED_PATH = PROJECT_ROOT / "workbench/demo/seed-china-cuba.txt"

CLAIM_TYPES = {
    "quantity", "temporal", "attribution", "event", "relation", "causal", "prediction", "rule",
    "other",
}  # fmt: skip
ENTITY_LABELS = {"PERSON", "ORG", "PLACE", "OFFICE", "MISC"}
VALUE_KINDS = {
    "year", "date", "month", "ordinal", "anniversary", "duration", "percent", "money", "count",
}  # fmt: skip


def assert_well_formed(text: str, claims: list[ExtractedClaim]) -> None:
    # Reading order, sentence by sentence; inside one sentence the statements come in the order
    # the splitter gives them (appositions before the main clause), so starts need not be sorted.
    if claims:
        sentence_starts = [start for start, _end in split_sentences(text)]
        order = [bisect.bisect_right(sentence_starts, c.start) for c in claims]
        assert order == sorted(order)
    for claim in claims:
        assert text[claim.start : claim.end] == claim.sentence
        # The wording may differ from the sentence (an apposition restated, a reference made
        # explicit) but is one line of collapsed whitespace.
        assert claim.text and claim.text == " ".join(claim.text.split())
        assert claim.spans[0] == (claim.start, claim.end)
        assert list(claim.spans) == sorted(claim.spans)
        for start, end in claim.spans:
            assert 0 <= start < end <= len(text)
        for replacement in claim.replacements:
            assert text[replacement.start : replacement.end] == replacement.text
            assert claim.start <= replacement.start < replacement.end <= claim.end
            assert replacement.replacement in claim.text
        assert claim.type in CLAIM_TYPES
        assert 0.0 <= claim.checkworthiness <= 1.0
        for entity in claim.entities:
            assert text[entity.start : entity.end] == entity.text
            assert claim.start <= entity.start < entity.end <= claim.end
            assert entity.label in ENTITY_LABELS
        for value in claim.values:
            assert text[value.start : value.end] == value.text
            assert claim.start <= value.start < value.end <= claim.end
            assert value.kind in VALUE_KINDS
        json.dumps(claim.to_dict())


def claim_containing(claims: list[ExtractedClaim], fragment: str) -> ExtractedClaim | None:
    return next((c for c in claims if fragment in c.sentence), None)


# --- the seed article -------------------------------------------------------------------------


def test_seed_claims_are_well_formed(seed_source: str) -> None:
    claims = extract_claims(seed_source)
    assert claims
    assert_well_formed(seed_source, claims)


def test_seed_headings_yield_no_claims(seed_source: str) -> None:
    claims = extract_claims(seed_source, threshold=0.0)
    sentences = [seed_source[s:e] for s, e in split_sentences(seed_source)]
    headings = [sentence for sentence in sentences if is_heading(sentence)]
    assert "China and Cuba Strengthen Ties Amid U.S. Tensions" in headings
    assert not {c.sentence for c in claims} & set(headings)


@pytest.mark.parametrize(
    "fragment", ["first country in the Western Hemisphere", "65th anniversary"]
)
def test_seed_checkable_sentences_become_claims(seed_source: str, fragment: str) -> None:
    assert claim_containing(extract_claims(seed_source), fragment) is not None


@pytest.mark.parametrize(
    "fragment",
    [
        "As the geopolitical landscape continues to evolve",
        "This dynamic raises questions about the future",
        "will undoubtedly shape the future",
        "may provide the necessary support",
    ],
)
def test_seed_speculation_is_not_a_claim(seed_source: str, fragment: str) -> None:
    assert fragment in seed_source
    assert claim_containing(extract_claims(seed_source), fragment) is None


def test_seed_claim_details(seed_source: str) -> None:
    claims = extract_claims(seed_source)
    anniversary = claim_containing(claims, "65th anniversary")
    assert anniversary is not None
    assert ("anniversary", 65) in {(v.kind, v.value) for v in anniversary.values}
    assert anniversary.type == "temporal"

    first = claim_containing(claims, "first country in the Western Hemisphere")
    assert first is not None
    assert ("year", 1960) in {(v.kind, v.value) for v in first.values}

    # The opening sentence is cut into its appositions and the meeting: each claim carries the
    # entities of its own wording.
    meeting = claim_containing(claims, "recently met with")
    assert meeting is not None
    assert meeting.text == "Chen Yixin recently met with Lazaro Alberto Alvarez Casas in Beijing."
    labelled = {(e.text, e.label) for e in meeting.entities}
    assert labelled == {
        ("Chen Yixin", "PERSON"),
        ("Lazaro Alberto Alvarez Casas", "PERSON"),
        ("Beijing", "PLACE"),
    }
    title = next(c for c in claims if c.text.endswith("is Cuba\u2019s interior minister."))
    assert ("interior minister", "OFFICE") in {(e.text, e.label) for e in title.entities}
    assert ("Lazaro Alberto Alvarez Casas", "PERSON") in {(e.text, e.label) for e in title.entities}


def test_threshold_controls_how_many_claims(seed_source: str) -> None:
    everything = extract_claims(seed_source, threshold=0.0)
    default = extract_claims(seed_source)
    strict = extract_claims(seed_source, threshold=0.95)
    assert len(everything) > len(default) > len(strict)
    assert all(c.checkworthiness >= 0.5 for c in default)


def test_offsets_survive_crlf_bom_and_accents(seed_source: str) -> None:
    text = "\ufeff" + seed_source.replace("\n", "\r\n").replace("Diaz", "D\u00edaz")
    claims = extract_claims(text)
    assert len(claims) == len(extract_claims(seed_source))
    assert_well_formed(text, claims)


# --- claim types ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("China invested $3 billion in the Cuban economy, officials confirmed.", "quantity"),
        ("Cuba and China established diplomatic relations in 1960.", "temporal"),
        ("The Cuban interior minister said the talks in Beijing were productive.", "attribution"),
        ("Chen Yixin met the Cuban interior minister in Beijing.", "event"),
        ("Cuba was the first country in the region to recognise Beijing officially.", "relation"),
    ],
)
def test_claim_type(sentence: str, expected: str) -> None:
    claims = extract_claims(sentence, threshold=0.0)
    assert [c.type for c in claims] == [expected]


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\r\n\t", "\u200b\ufeff "])
def test_empty_text_is_rejected(text: str) -> None:
    with pytest.raises(EmptyTextError):
        extract_claims(text)


def test_too_large_text_is_rejected() -> None:
    with pytest.raises(TextTooLargeError) as info:
        extract_claims("a" * (MAX_TEXT_CHARS + 1))
    assert str(MAX_TEXT_CHARS)[:1] in str(info.value)
    assert isinstance(info.value, ExtractionError)


def test_text_at_the_limit_is_accepted() -> None:
    assert extract_claims("a" * MAX_TEXT_CHARS) == []


def test_headings_only_text_yields_no_claims() -> None:
    assert extract_claims("Conclusion\n\nFuture Prospects\n") == []


def test_public_interface() -> None:
    assert isinstance(EXTRACTOR_VERSION, str) and EXTRACTOR_VERSION
    assert MAX_TEXT_CHARS == 2_000_000
    assert issubclass(EmptyTextError, ExtractionError)
    assert issubclass(TextTooLargeError, ExtractionError)
    claim = extract_claims("Cuba and China established diplomatic relations in 1960.")[0]
    with pytest.raises(AttributeError):
        claim.start = 3  # type: ignore[misc]
    assert set(claim.to_dict()) == {
        "text", "sentence", "start", "end", "type", "checkworthiness", "entities", "values",
        "spans", "ambiguous", "replacements",
    }  # fmt: skip
    as_dict = claim.to_dict()
    assert as_dict["spans"] == [[claim.start, claim.end]]
    assert as_dict["ambiguous"] is False
    assert as_dict["replacements"] == []
    extraction = extract_article("Cuba and China established diplomatic relations in 1960.")
    assert set(extraction.to_dict()) == {"claims", "findings"}
    assert list(extraction.claims) == extract_claims(
        "Cuba and China established diplomatic relations in 1960."
    )


# Only these modules may use scikit-learn / scipy, and only inside functions.
TRAINING_MODULES = {"training.py", "evaluation.py"}
SCIENTIFIC = {"sklearn", "scipy", "numpy"}


def _import_roots(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name.split(".")[0] for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0:
        return [(node.module or "").split(".")[0]]
    return []  # relative imports: the package itself


def _function_level_imports(tree: ast.Module) -> set[int]:
    """ids of the import nodes that sit inside a function body."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            inside.update(id(child) for child in ast.walk(node))
    return inside


def test_package_imports_only_stdlib_and_itself() -> None:
    package_dir = Path(extraction.__file__).parent
    allowed = set(sys.stdlib_module_names) | {"__future__"}
    seen_lazy: set[str] = set()
    for path in sorted(package_dir.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        lazy = _function_level_imports(tree)
        for node in ast.walk(tree):
            for root in _import_roots(node):
                if root in allowed:
                    continue
                # Run-time modules: standard library and the package only.
                assert path.name in TRAINING_MODULES, f"{path.name} imports {root}"
                assert root in SCIENTIFIC, f"{path.name} imports {root}"
                assert id(node) in lazy, f"{path.name} imports {root} at module level"
                seen_lazy.add(path.name)
    assert seen_lazy == TRAINING_MODULES  # the rule above did look at the lazy imports


_RUNTIME_PROBE = """
import json, sys
sys.stdout = open(__import__("os").devnull, "w")
import claims.extraction
import claims.extraction.training, claims.extraction.evaluation  # lazy: no sklearn yet
from claims.extraction import extract_claims, score_sentence
from claims.extraction.cli import main
seed = sys.argv[1]
extract_claims(open(seed, encoding="utf-8").read())
score_sentence("China and Cuba established diplomatic relations in 1960.")
assert main(["extract", seed]) == 0
sys.stdin = open(seed, encoding="utf-8")
assert main(["score"]) == 0
loaded = sorted(m for m in sys.modules if m.split(".")[0] in {"sklearn", "scipy", "numpy"})
sys.__stdout__.write(json.dumps(loaded))
"""


def test_extract_and_score_do_not_load_scikit_learn() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _RUNTIME_PROBE, str(SEED_PATH)],
        capture_output=True,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout) == []


# --- hostile input: must finish (and quickly), never crash -----------------------------------

MB = 1_000_000
HOSTILE = {
    "one long line": "China met Cuba and " * (MB // 19),
    "repeated dots": "." * 100_000 + " Cuba." + "." * 100_000,
    "spaced dots": ". " * (MB // 2),
    "digits": "1" * MB,
    "comma numbers": "1," * (MB // 2),
    "dotted initials": "A." * (MB // 2),
    "control characters": "".join(chr(i % 32) for i in range(MB)),
    "zero-width and rtl marks": "\u200b\u200f\u202e\u200dCuba" * (MB // 8),
    "mixed scripts": (
        "\u041f\u0435\u043a\u0438\u043d \u5317\u4eac Beijing \u0645\u0631\u062d\u0628\u0627 "
        "50% $3 billion, "
    )
    * (MB // 40),
    "capitalised words": "Aa Bb " * (MB // 6),
    "connectors": "A of " * (MB // 5),
    "hyphens": "a-" * (MB // 2),
    "question marks": "?" * MB,
    "short lines": "A.\n" * (MB // 3),
    "month names": "May " * (MB // 4),
    "apostrophes": "A\u2019" * (MB // 2),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_completes(name: str) -> None:
    text = HOSTILE[name]
    claims = extract_claims(text)
    assert_well_formed(text, claims)


def test_many_real_sentences_with_mixed_scripts() -> None:
    sentence = (
        "In 1960 \u00c1lvarez met Chen in \u5317\u4eac, the minister said\u200f, and signed a "
        "$3 billion deal. "
    )
    text = (sentence + "\u041f\u0435\u043a\u0438\u043d \u0645\u0631\u062d\u0628\u0627.\r\n") * 2000
    claims = extract_claims(text)
    assert_well_formed(text, claims)
    # The 2,000 identical statements are one claim found at 2,000 places.
    deal = [c for c in claims if "$3 billion deal" in c.text]
    assert len(deal) == 1
    assert len(deal[0].spans) == 2000
    assert {text[start:end] for start, end in deal[0].spans} == {sentence.strip()}
