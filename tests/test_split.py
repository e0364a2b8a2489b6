"""The sentence splitter: golden rules, the seed article, news cases and invariants."""

import json
import re
import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.articles.dateline import parse_dateline
from search.articles.headline import is_headline
from search.articles.split import Article, split_article, split_sentences

DATA = Path(__file__).parent / "data"
SEED = Path(__file__).parent.parent / "seeds" / "000_88ce9bbce3777626.txt"


def normalised(sentences: list[str]) -> list[str]:
    """Each sentence with every whitespace run made one space, stripped."""
    return [" ".join(sentence.split()) for sentence in sentences]


def joined(raw: str) -> str:
    """What Sentence.text should be for the raw slice: line-break runs become one space."""
    return re.sub(r"\s+", lambda m: " " if re.search("[\r\n]", m[0]) else m[0], raw).strip()


# English Golden Rules of pySBD ------------------------------------------------------------
# Expected and actual sentences are compared after whitespace normalisation (`normalised`):
# the cases are about where sentences end, not about the spaces between them.

GOLDEN = json.loads((DATA / "golden_rules_en.json").read_text(encoding="utf-8"))
XFAIL: dict[int, str] = {}  # case id -> reason; every case passes today


def golden_params() -> list:
    params = []
    for case in GOLDEN["cases"]:
        marks = []
        if case["id"] in XFAIL:
            marks.append(pytest.mark.xfail(strict=True, reason=XFAIL[case["id"]]))
        params.append(pytest.param(case["text"], case["expect"], id=str(case["id"]), marks=marks))
    return params


def test_golden_rules_keep_their_attribution() -> None:
    assert "pySBD" in GOLDEN["source"] and "MIT" in GOLDEN["source"]
    assert len(GOLDEN["cases"]) == 48


@pytest.mark.parametrize(("text", "expected"), golden_params())
def test_golden_rule(text: str, expected: list[str]) -> None:
    assert normalised(split_sentences(text)) == normalised(expected)


# The seed article ---------------------------------------------------------------------------

SENTENCE_11 = (
    "According to defense policy analyses, NATO might need to significantly enhance European"
    " military capacities to match the defensive capabilities of approximately 300,000 U.S."
    " troops, which has led to calls from President Trump for a prompt and effective peace plan."
)


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def test_seed_dateline_and_count(seed_text: str) -> None:
    article = split_article(seed_text)
    assert article.date == date(2025, 3, 11)
    assert len(article.sentences) == 20
    assert [s.number for s in article.sentences] == list(range(1, 21))


def test_seed_sentence_11_is_joined_across_the_wrap(seed_text: str) -> None:
    sentence = split_article(seed_text).sentences[10]
    assert sentence.text == SENTENCE_11
    assert "U.S.\ntroops" in seed_text[sentence.start : sentence.end]


def test_seed_first_and_last_sentences(seed_text: str) -> None:
    sentences = split_article(seed_text).sentences
    assert sentences[0].text.startswith("In a significant geopolitical maneuver, Turkey")
    assert sentences[0].text.endswith("held in Saudi Arabia.")
    assert sentences[-1].text.startswith("Hence, the unfolding events")
    assert sentences[-1].text.endswith("Eastern and Western fronts.")


def test_seed_offsets(seed_text: str) -> None:
    for sentence in split_article(seed_text).sentences:
        assert " ".join(seed_text[sentence.start : sentence.end].split()) == sentence.text


def test_seed_with_crlf_is_the_same(seed_text: str) -> None:
    lf = split_article(seed_text)
    crlf_text = seed_text.replace("\n", "\r\n")
    crlf = split_article(crlf_text)
    assert crlf.date == lf.date
    assert [s.text for s in crlf.sentences] == [s.text for s in lf.sentences]
    for sentence in crlf.sentences:
        assert joined(crlf_text[sentence.start : sentence.end]) == sentence.text


# News cases --------------------------------------------------------------------------------

NEWS_CASES = [
    (
        "headline",
        "Turkey Offers Troops\n\nTurkey has offered troops. The offer was welcomed.",
        ["Turkey Offers Troops", "Turkey has offered troops.", "The offer was welcomed."],
    ),
    (
        "headline-with-abbreviation",
        "U.S. To Send Troops\n\nThe U.S. will send troops.",
        ["U.S. To Send Troops", "The U.S. will send troops."],
    ),
    (
        "crlf",
        "First line of a\r\nwrapped sentence. Second one.\r\n\r\nNew paragraph",
        ["First line of a wrapped sentence.", "Second one.", "New paragraph"],
    ),
    ("lone-cr", "Old Mac\rfile. Still\r\rworks", ["Old Mac file.", "Still", "works"]),
    (
        "hard-wrap",
        "He met the\nU.S. ambassador on\n  Monday. They talked.",
        ["He met the U.S. ambassador on Monday.", "They talked."],
    ),
    (
        "paragraph-break-wins",
        "He said the\n\nU.S. troops left.\n \t\nNext",
        ["He said the", "U.S. troops left.", "Next"],
    ),
    (
        "gen",
        "Gen. Mark Milley said the plan was sound.",
        ["Gen. Mark Milley said the plan was sound."],
    ),
    (
        "lt-col",
        "Lt. Col. Jane Doe led the unit. She retired in 2020.",
        ["Lt. Col. Jane Doe led the unit.", "She retired in 2020."],
    ),
    (
        "mr-dr",
        "Mr. Smith met Dr. Jones. They spoke for an hour.",
        ["Mr. Smith met Dr. Jones.", "They spoke for an hour."],
    ),
    (
        "st-end-and-start",
        "He lives on Main St. The house is old. St. Louis is nearby.",
        ["He lives on Main St.", "The house is old.", "St. Louis is nearby."],
    ),
    (
        "no-5",
        "He was ranked No. 5 in the world. No. He was ranked sixth.",
        ["He was ranked No. 5 in the world.", "No.", "He was ranked sixth."],
    ),
    (
        "jan-5",
        "The vote is on Jan. 5 in Kyiv. It was delayed in Jan. Officials blamed the weather.",
        [
            "The vote is on Jan. 5 in Kyiv.",
            "It was delayed in Jan.",
            "Officials blamed the weather.",
        ],
    ),
    (
        "am-pm",
        "The meeting ended at 6 p.m. Officials left. It resumes at 9 a.m. Friday.",
        ["The meeting ended at 6 p.m.", "Officials left.", "It resumes at 9 a.m. Friday."],
    ),
    (
        "am-pm-before-mr",
        "At 5 a.m. Mr. Smith left. He came back at 6 p.m. Mr. Jones stayed.",
        ["At 5 a.m. Mr. Smith left.", "He came back at 6 p.m.", "Mr. Jones stayed."],
    ),
    ("vs", "It was Harvard vs. Yale. Yale won.", ["It was Harvard vs. Yale.", "Yale won."]),
    (
        "etc",
        "They sold apples, pears, etc. The market closed. Fruit, nuts, etc. are cheap.",
        ["They sold apples, pears, etc.", "The market closed.", "Fruit, nuts, etc. are cheap."],
    ),
    (
        "us-end-and-middle",
        "I live in the U.S. How about you? The U.S. Army agreed.",
        ["I live in the U.S.", "How about you?", "The U.S. Army agreed."],
    ),
    (
        "company",
        "He works for Pitt, Briggs & Co. It closed. Acme Inc. Chief Executive Jane Doe spoke.",
        [
            "He works for Pitt, Briggs & Co.",
            "It closed.",
            "Acme Inc. Chief Executive Jane Doe spoke.",
        ],
    ),
    (
        "state",
        "He lives in Portland, Ore. The city is wet. Calif. Gov. Gavin Newsom spoke.",
        ["He lives in Portland, Ore.", "The city is wet.", "Calif. Gov. Gavin Newsom spoke."],
    ),
    (
        "initials",
        "J. R. Smith scored 20 points. He left.",
        ["J. R. Smith scored 20 points.", "He left."],
    ),
    (
        "numbers",
        "Inflation was 3.5% in May. The deal was worth $1.2 billion. Shares fell 0.4 points.",
        [
            "Inflation was 3.5% in May.",
            "The deal was worth $1.2 billion.",
            "Shares fell 0.4 points.",
        ],
    ),
    (
        "number-starts-sentence",
        "The score was 2-1. 2024 was a good year.",
        ["The score was 2-1.", "2024 was a good year."],
    ),
    (
        "url-and-email",
        "See https://example.com/a.b/c.html. It has the data.\nMail press@example.org. We reply.",
        [
            "See https://example.com/a.b/c.html.",
            "It has the data.",
            "Mail press@example.org.",
            "We reply.",
        ],
    ),
    ("quote-comma", '"We are ready," the minister said.', ['"We are ready," the minister said.']),
    (
        "quote-period",
        '"We are ready." The minister left.',
        ['"We are ready."', "The minister left."],
    ),
    (
        "question-exclamation",
        'Is it over? Nobody knows! "Why?" she asked.',
        ["Is it over?", "Nobody knows!", '"Why?" she asked.'],
    ),
    (
        "question-then-speaker",
        '"Why now?" Smith asked. He got no answer.',
        ['"Why now?" Smith asked.', "He got no answer."],
    ),
    ("repeated-marks", "Wait!!! What happened?!", ["Wait!!!", "What happened?!"]),
    (
        "ellipsis",
        "He paused... Then he spoke. It was… fine.",
        ["He paused...", "Then he spoke.", "It was… fine."],
    ),
    (
        "closing-quote-after-period",
        "He said: “It is over.” Then he left.",
        ["He said: “It is over.”", "Then he left."],
    ),
    (
        "brackets",
        "The plan (approved in 2020.) failed. (Officials disagreed.) The end.",
        ["The plan (approved in 2020.) failed.", "(Officials disagreed.)", "The end."],
    ),
    ("no-final-punctuation", "He said hello. She left", ["He said hello.", "She left"]),
    ("bullets", "• First point\n• Second point", ["• First point", "• Second point"]),
    (
        "bullets-after-a-line",
        "Key points:\n• Taxes\n  • Spending, • not here",
        ["Key points:", "• Taxes", "• Spending, • not here"],
    ),
    (
        "numbered-list",
        "Key steps:\n\n1. Cut taxes\n2. Raise spending",
        ["Key steps:", "1. Cut taxes", "2. Raise spending"],
    ),
    (
        "q-and-a",
        "Q. What did you see? A. Nothing at all.",
        ["Q. What did you see?", "A. Nothing at all."],
    ),
    ("empty", "", []),
    ("whitespace-only", " \n\r\n\t ", []),
    # Issue 10: wire-copy boundaries, one row per case of each class.
    # A lone "?", "!" or "‽" after a single letter is never read as an initial's period.
    (
        "question-after-letter",
        "Was it plan B? Officials declined to say.",
        ["Was it plan B?", "Officials declined to say."],
    ),
    (
        "exclamation-after-letter",
        "He got an A! Everyone cheered.",
        ["He got an A!", "Everyone cheered."],
    ),
    ("interrobang-after-letter", "Was it a C‽ Nobody knew.", ["Was it a C‽", "Nobody knew."]),
    (
        "question-after-initialism",
        "Was it the U.S.? Nobody said.",
        ["Was it the U.S.?", "Nobody said."],
    ),
    (
        "exclamation-after-q",
        "It was the letter Q! Then came R.",
        ["It was the letter Q!", "Then came R."],
    ),
    ("question-or-fragment", "Is it plan B? Or plan C?", ["Is it plan B?", "Or plan C?"]),
    # A state after "City, " ends the sentence before a clause, a title or an opening noun.
    (
        "state-then-company-said",
        "The plant is in San Jose, Calif. Western Digital said it would close.",
        ["The plant is in San Jose, Calif.", "Western Digital said it would close."],
    ),
    (
        "state-then-opening-noun",
        "He lives in Pittsburgh, Pa. Officials said so.",
        ["He lives in Pittsburgh, Pa.", "Officials said so."],
    ),
    (
        "state-then-title",
        "The rally was in Austin, Tex. Gov. Greg Abbott did not attend.",
        ["The rally was in Austin, Tex.", "Gov. Greg Abbott did not attend."],
    ),
    (
        "dotted-state-then-company",
        "The team is from Buffalo, N.Y. Acme Corp. has cut 200 jobs.",
        ["The team is from Buffalo, N.Y.", "Acme Corp. has cut 200 jobs."],
    ),
    (
        "state-then-company-declined",
        "It moved to Tulsa, Okla. Williams Cos. declined to comment.",
        ["It moved to Tulsa, Okla.", "Williams Cos. declined to comment."],
    ),
    (
        "state-then-name-was",
        "She flew to Wilmington, Del. Biden was not there.",
        ["She flew to Wilmington, Del.", "Biden was not there."],
    ),
    (
        "state-then-long-name",
        "He was in Jackson, Miss. Jackson State University had closed.",
        ["He was in Jackson, Miss.", "Jackson State University had closed."],
    ),
    (
        "dc-then-opening-noun",
        "He was in Washington, D.C. Lawmakers were away.",
        ["He was in Washington, D.C.", "Lawmakers were away."],
    ),
    (
        "nj-then-opening-noun",
        "The case is in Trenton, N.J. Prosecutors have appealed.",
        ["The case is in Trenton, N.J.", "Prosecutors have appealed."],
    ),
    ("state-without-city-stays", "The Calif. Senate passed it.", ["The Calif. Senate passed it."]),
    (
        "state-before-zip-stays",
        "Write to 12 Oak St., Springfield, Ill. 62701 by Friday.",
        ["Write to 12 Oak St., Springfield, Ill. 62701 by Friday."],
    ),
    (
        "state-then-lowercase-stays",
        "Officials in Salem, Ore. and Boise agreed.",
        ["Officials in Salem, Ore. and Boise agreed."],
    ),
    # U.S. and other initialisms: a capitalised opening noun starts a sentence, a name-part not.
    (
        "us-then-details",
        "The deal was signed in the U.S. Details were not disclosed.",
        ["The deal was signed in the U.S.", "Details were not disclosed."],
    ),
    (
        "us-then-analysts",
        "Shares rose in the U.S. Analysts had expected a fall.",
        ["Shares rose in the U.S.", "Analysts had expected a fall."],
    ),
    (
        "uk-then-critics",
        "It is popular in the U.K. Critics are less kind.",
        ["It is popular in the U.K.", "Critics are less kind."],
    ),
    ("us-army-stays", "The U.S. Army said it was ready.", ["The U.S. Army said it was ready."]),
    ("us-government-stays", "The U.S. Government was closed.", ["The U.S. Government was closed."]),
    (
        "us-title-name-stays",
        "U.S. Treasury Secretary Janet Yellen spoke.",
        ["U.S. Treasury Secretary Janet Yellen spoke."],
    ),
    ("us-marines-stays", "The U.S. Marines said no.", ["The U.S. Marines said no."]),
    ("middle-initial-stays", "Albert I. Jones said so.", ["Albert I. Jones said so."]),
    ("surname-like-noun-stays", "John B. Sales won the race.", ["John B. Sales won the race."]),
    ("saint-stays", "St. Louis Cardinals won.", ["St. Louis Cardinals won."]),
    (
        "letter-grade-then-noun",
        "He got a B. Students complained.",
        ["He got a B.", "Students complained."],
    ),
    # A conjunction and a name closing the sentence is no sentence of its own.
    (
        "us-and-japan",
        "Exports rose to the U.S. And Japan.",
        ["Exports rose to the U.S. And Japan."],
    ),
    (
        "us-or-canada",
        "Will it sell in the U.S. Or Canada?",
        ["Will it sell in the U.S. Or Canada?"],
    ),
    (
        "state-and-city",
        "He moved to Austin, Tex. And Dallas.",
        ["He moved to Austin, Tex. And Dallas."],
    ),
    (
        "us-and-clause",
        "Exports rose in the U.S. And Japan agreed to talk.",
        ["Exports rose in the U.S.", "And Japan agreed to talk."],
    ),
    # A one-word parenthesis after an abbreviation names what precedes it.
    (
        "company-acronym",
        "He works for Egyptian General Petroleum Corp. (EGPC). It is state-owned.",
        ["He works for Egyptian General Petroleum Corp. (EGPC).", "It is state-owned."],
    ),
    (
        "company-ticker",
        "Apple Inc. (AAPL.O) said sales rose.",
        ["Apple Inc. (AAPL.O) said sales rose."],
    ),
    (
        "company-exchange-ticker",
        "Western Digital Corp. (NYSE: WDC) fell 3%.",
        ["Western Digital Corp. (NYSE: WDC) fell 3%."],
    ),
    (
        "time-zone-in-parens",
        "It starts at 5 p.m. (ET) on Friday.",
        ["It starts at 5 p.m. (ET) on Friday."],
    ),
    (
        "company-then-parenthesised-sentence",
        "He quit Acme Inc. (The company declined to comment.)",
        ["He quit Acme Inc.", "(The company declined to comment.)"],
    ),
    # Citation markers after the period stay with the sentence before.
    (
        "citation-number",
        "Oil fell sharply.[12] Analysts blamed demand.",
        ["Oil fell sharply.[12]", "Analysts blamed demand."],
    ),
    (
        "citation-letter-and-run",
        "It was the largest.[a] Others disagree.[3][4] Few did.",
        ["It was the largest.[a]", "Others disagree.[3][4]", "Few did."],
    ),
    (
        "citation-list-and-range",
        "Output rose.[1, 2] Prices fell.[3–5] Then it rained.",
        ["Output rose.[1, 2]", "Prices fell.[3–5]", "Then it rained."],
    ),
    (
        "citation-after-abbreviation",
        "He moved to the U.S.[4] He lives in Ohio.[5]",
        ["He moved to the U.S.[4]", "He lives in Ohio.[5]"],
    ),
    (
        "citations-at-paragraph-end",
        "He moved to the U.S. He lives in Ohio.[3][5]",
        ["He moved to the U.S.", "He lives in Ohio.[3][5]"],
    ),
    (
        "citation-after-question",
        "Was it true?[7] Nobody knows.",
        ["Was it true?[7]", "Nobody knows."],
    ),
    # Reversed and mixed curly quotes close a quotation.
    (
        "reversed-double-quote",
        "He said “it is over.“ Markets fell.",
        ["He said “it is over.“", "Markets fell."],
    ),
    (
        "reversed-single-quote",
        "She wrote ‘done.‘ Then she left.",
        ["She wrote ‘done.‘", "Then she left."],
    ),
    ("reversed-quote-exclamation", "“Stop!“ Nobody moved.", ["“Stop!“", "Nobody moved."]),
    (
        "mixed-quotes",
        "He said “it is over.’ Markets fell.",
        ["He said “it is over.’", "Markets fell."],
    ),
    ("reversed-quote-speech-lowercase", "“Why?“ she asked.", ["“Why?“ she asked."]),
    # A speech tag after a quote closed by "!" or "?" belongs to the quote, in any tense.
    ("speech-present-tense", '"Sorry!" I say.', ['"Sorry!" I say.']),
    ("speech-then-sentence", '"Sorry!" I said. Then I left.', ['"Sorry!" I said.', "Then I left."]),
    ("speech-other-verb", '"Great!" Ann beams.', ['"Great!" Ann beams.']),
    ("speech-with-adverb", '"Why?" Smith then asked.', ['"Why?" Smith then asked.']),
    (
        "speech-reversed-quote",
        "“Run!“ Maria shouted. Nobody ran.",
        ["“Run!“ Maria shouted.", "Nobody ran."],
    ),
    ("no-speech-noun", '"Sorry!" The note said nothing.', ['"Sorry!"', "The note said nothing."]),
    (
        "no-speech-after-parenthesis",
        "(Why not?) This post argues otherwise.",
        ["(Why not?)", "This post argues otherwise."],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in NEWS_CASES], ids=[c[0] for c in NEWS_CASES]
)
def test_news_case(text: str, expected: list[str]) -> None:
    article = split_article(text)
    assert article.date is None
    assert [s.text for s in article.sentences] == expected
    for sentence in article.sentences:
        assert joined(text[sentence.start : sentence.end]) == sentence.text


DATED_CASES = [
    ("only-a-dateline", "March 11, 2025\n", date(2025, 3, 11), []),
    ("dateline-no-newline", "  2025-03-11  ", date(2025, 3, 11), []),
    (
        "dateline-crlf-weekday",
        "\r\nTuesday, March 11, 2025\r\nText here.",
        date(2025, 3, 11),
        ["Text here."],
    ),
    (
        "dateline-then-headline",
        "Sept. 3, 2024\nTurkey Offers Troops\n\nIt did.",
        date(2024, 9, 3),
        ["Turkey Offers Troops", "It did."],
    ),
    (
        "date-in-a-sentence",
        "March 11, 2025 was a day. It rained.",
        None,
        ["March 11, 2025 was a day.", "It rained."],
    ),
    ("second-line-date-is-text", "Hello\nMarch 11, 2025", None, ["Hello March 11, 2025"]),
]


@pytest.mark.parametrize(
    ("text", "expected_date", "expected"),
    [c[1:] for c in DATED_CASES],
    ids=[c[0] for c in DATED_CASES],
)
def test_dateline_case(text: str, expected_date: date | None, expected: list[str]) -> None:
    article = split_article(text)
    assert article.date == expected_date
    assert [s.text for s in article.sentences] == expected


def test_split_sentences_ignores_datelines() -> None:
    assert split_sentences("March 11, 2025\n\nIt rained.") == ["March 11, 2025", "It rained."]


# Long runs take linear time: before the candidate regex started matches only at the start
# of a run of dots, 20,000 dots between two letters took 6.5 s.
PATHOLOGICAL = {
    "dots": "x" + "." * 50_000 + "y",
    "spaced-dots": "x. " + ". " * 50_000 + "The",
    "closers": "a." + '"' * 50_000 + "b",
    "openers": "a. " + "(" * 50_000 + "b",
    "spaces": "a\n" + " " * 200_000 + "b",
    "one-letter-lines": "a\n" * 100_000,
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_long_runs_are_fast(text: str) -> None:
    started = time.perf_counter()
    split_article(text)
    assert time.perf_counter() - started < 2


# Invariants, for any text -----------------------------------------------------------------

WORDS = ["U.S.", "Mr.", "Gen.", "No.", "a.m.", "etc.", "J.", "The", "he", "It", "5", "3.5%", "é"]
WORDS += ["Calif.", "Corp.", "Austin,", "And", "Officials", "said", "(EGPC)", "[12]", "[a]", "B?"]
LABELS = ["1.", "a.", "2)", "•", "- ", "*", "March 11, 2025", "2025-03-11", "Ä"]
SPACES = [" ", "  ", "\t", "\n", "\n\n", "\r\n", "\r", "\n \n", "\u2028", "\x1c", "\x85", "\xa0"]
MARKS = [".", ". ", "...", ". . .", "…", "?", "!", "?!", '"', "'", "“", "”", "(", ")", "[...]", ","]
MARKS += ["‘", "’", "‽", "[", "]", ".[1]", ".“ "]
PIECES = WORDS + LABELS + SPACES + MARKS
TEXTS = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.sampled_from("aZ.?!…\"'”)( \n\r\t1"), max_size=80),
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
)


def body_after_dateline(text: str, article: Article) -> str:
    """The text without its dateline line, when the article has one."""
    if article.date is None:
        return text
    lines = re.split(r"(\r\n|\r|\n)", text)
    first, second, *_rest = [i for i in range(0, len(lines), 2) if lines[i].strip()] + [0]
    if parse_dateline(lines[first]) is not None:
        assert parse_dateline(lines[first]) == article.date
        return "".join(lines[first + 1 :])
    # a date line under a headline (BBC plain text): the headline stays, the date line goes
    assert is_headline(lines[first]) and parse_dateline(lines[second]) == article.date
    return "".join(lines[:second] + lines[second + 1 :])


@settings(max_examples=1000, deadline=None)
@given(TEXTS)
def test_invariants(text: str) -> None:
    article = split_article(text)
    previous_end = 0
    for number, sentence in enumerate(article.sentences, 1):
        assert sentence.number == number
        assert previous_end <= sentence.start < sentence.end <= len(text)
        assert sentence.text
        assert sentence.text == joined(text[sentence.start : sentence.end])
        previous_end = sentence.end
    kept = "".join("".join(s.text.split()) for s in article.sentences)
    assert kept == "".join(body_after_dateline(text, article).split())


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_split_sentences_keeps_every_character(text: str) -> None:
    sentences = split_sentences(text)
    assert all(sentences)
    assert "".join("".join(s.split()) for s in sentences) == "".join(text.split())


def test_a_huge_single_line_is_split_in_memory_bounded_by_the_text():
    """4 MB on one line, 150,000 sentences: taken one at a time, the splitter holds the text
    and a sentence, not the 150,000 (a list of them came to about 40 MB)."""
    import tracemalloc

    from search.articles.split import split_lazily

    text = "March 4, 2025\n" + " ".join(
        f"The minister number {n} spoke of peace." for n in range(150_000)
    )
    tracemalloc.start()
    try:
        date, sentences = split_lazily(text)
        count = 0
        for sentence in sentences:
            count += 1
            last = sentence
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert date is not None and count == 150_000
    assert last.text == "The minister number 149999 spoke of peace."
    assert peak < 2_000_000, f"{peak / 1e6:.0f} MB held while splitting"
