"""Query expansion: a small hand-written lexicon of equivalent words, applied to a query's stems.

Written from general knowledge of health and news writing, before looking at which evaluation
claims fail, and kept general: each group is a set of words a writer uses interchangeably for
one thing ("mask" / "face covering", "kids" / "children" / "paediatric"). A query that has one
word of a group also looks for the others, at a reduced weight (:data:`EXPANSION_WEIGHT`), so
an exact word still counts most. Multi-word entries ("face covering") are matched as their
stems in order in the query and expand to every single-stem member of their group.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

from .tokens import tokenize

# The weight of a stem added by the lexicon, relative to a stem of the query (1.0); off by
# default: on Check-COVID dev it lowered recall (see ranking.py).
EXPANSION_WEIGHT = 0.0

LEXICON: tuple[tuple[str, ...], ...] = (
    ("coronavirus", "covid", "covid-19", "sars-cov-2", "2019-ncov", "ncov", "sars-cov2"),
    ("vaccine", "vaccination", "vaccinated", "immunization", "immunisation", "inoculation",
     "jab"),
    ("mask", "face covering", "face mask", "respirator", "n95"),
    ("kid", "child", "children", "paediatric", "pediatric", "infant", "adolescent", "minor"),
    ("death", "mortality", "fatality", "fatal", "died", "lethal", "deceased"),
    ("infection", "infected", "infectious", "contagion", "contagious"),
    ("transmission", "spread", "transmit", "transmissible", "contagion"),
    ("hospitalization", "hospitalisation", "hospitalized", "hospitalised", "admission",
     "admitted"),
    ("patient", "case"),
    ("symptom", "symptomatic", "manifestation", "presentation"),
    ("asymptomatic", "symptomless", "presymptomatic"),
    ("drug", "medication", "medicine", "treatment", "therapy", "therapeutic"),
    ("elderly", "older", "aged", "senior"),
    ("pregnant", "pregnancy", "maternal", "gestation"),
    ("woman", "female"),
    ("man", "male"),
    ("heart", "cardiac", "cardiovascular"),
    ("lung", "pulmonary", "respiratory"),
    ("kidney", "renal"),
    ("liver", "hepatic"),
    ("brain", "neurological", "cerebral"),
    ("blood", "serum", "plasma"),
    ("smell", "olfactory", "anosmia"),
    ("taste", "gustatory", "ageusia"),
    ("fever", "febrile", "temperature"),
    ("cough", "coughing"),
    ("obese", "obesity", "overweight"),
    ("diabetes", "diabetic"),
    ("immune", "immunity", "antibody", "antibodies"),
    ("test", "testing", "diagnostic", "diagnosis", "pcr", "rt-pcr", "assay"),
    ("lockdown", "quarantine", "isolation", "confinement", "stay-at-home"),
    ("distancing", "distance"),
    ("hand", "hands"),
    ("wash", "washing", "hygiene", "sanitizer", "sanitiser", "disinfect", "disinfection"),
    ("bat", "bats", "chiroptera"),
    ("hydroxychloroquine", "chloroquine", "hcq"),
    ("vitamin d", "cholecalciferol"),
    ("healthcare worker", "health worker", "nurse", "physician", "doctor", "clinician",
     "medical staff"),
    ("flu", "influenza"),
    ("cold", "rhinovirus"),
    ("air", "airborne", "aerosol", "droplet"),
    ("surface", "fomite"),
    ("increase", "rise", "higher", "elevated", "greater"),
    ("decrease", "reduce", "reduction", "lower", "decline", "fewer"),
    ("risk", "likelihood", "odds", "chance"),
    ("severe", "severity", "critical", "serious"),
    ("mild", "moderate"),
    ("outbreak", "epidemic", "pandemic"),
    ("school", "classroom", "student", "pupil"),
    ("mental", "psychological", "anxiety", "depression"),
    ("smoking", "smoker", "tobacco", "nicotine", "cigarette"),
    ("effective", "efficacy", "effectiveness", "efficacious"),
)  # fmt: skip


def _phrase_stems(entry: str) -> tuple[str, ...]:
    return tuple(tokenize(entry))


@functools.cache
def _groups() -> dict[tuple[str, ...], frozenset[str]]:
    """Each entry's stems (a tuple, usually of one) -> the single stems of its groups."""
    out: dict[tuple[str, ...], set[str]] = {}
    for group in LEXICON:
        phrases = [_phrase_stems(entry) for entry in group]
        singles = {p[0] for p in phrases if len(p) == 1}
        for p in phrases:
            if p:
                out.setdefault(p, set()).update(singles)
    return {k: frozenset(v) for k, v in out.items()}


def expand(stems: Sequence[str], *, weight: float = EXPANSION_WEIGHT) -> dict[str, float]:
    """The query's stems with weight 1.0 and their lexicon equivalents with ``weight``."""
    query: dict[str, float] = dict.fromkeys(stems, 1.0)
    if weight <= 0:
        return query
    groups = _groups()
    longest = max((len(k) for k in groups), default=1)
    added: dict[str, float] = {}
    for i in range(len(stems)):
        for n in range(1, longest + 1):
            key = tuple(stems[i : i + n])
            if len(key) == n and key in groups:
                for s in groups[key]:
                    if s not in query:
                        added[s] = weight
    query.update(added)
    return query


def lexicon_stems() -> Mapping[tuple[str, ...], frozenset[str]]:
    """The lexicon as stems, for inspection and tests."""
    return _groups()
