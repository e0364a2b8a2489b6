"""Split a news article into its dateline and numbered sentences.

Why regex-driven: the splitter has to run at tens of MB/s in pure Python, so compiled regular
expressions do all the scanning (finding paragraph breaks and places where a sentence *could*
end) and Python code runs only once per such place, with a few string and set operations.

How a text is read:

1. Line breaks. ``\\r\\n`` becomes `` \\n`` and a lone ``\\r`` becomes ``\\n``. Both keep the
   length, so every offset still points into the caller's string; from then on ``\\n`` is the only
   line break (other Unicode separators such as U+2028 are ordinary whitespace).
2. Dateline. If the first non-blank line is only a date (`search.dateline.parse_dateline`) it
   becomes `Article.date` and the sentences start after it. So does the first line after a
   headline (`headline.is_headline`: the first line, then a blank line) when it is only a
   date, as BBC plain text is laid out; the headline stays sentence 1 and the date line is
   no sentence.
3. Paragraphs. A whitespace run with two or more line breaks (a blank line) ends a paragraph, and
   no sentence crosses it, so an unpunctuated headline above a blank line is a sentence of its
   own. A single line break is only a space: hard-wrapped lines join.
4. Lists. A paragraph that starts with a bullet (``•``, or ``-``/``*`` at line starts) or with a
   list label (``1.``, ``1)``, ``1.)``, ``a.``) is cut before each further bullet, or before each
   following label in sequence (``2.``, ``3.`` or ``b.``, ``c.``), even without punctuation. In
   any paragraph, a line that starts with a bullet such as ``•`` starts a sentence.
5. Boundary candidates. Within a paragraph `_CANDIDATE` finds each run of terminal punctuation
   (``.``, ``!``, ``?``, ``…``, ``‽``), with the closing quotes and brackets after it and then
   any citation markers (``[12]``, ``[a]``, ``[3, 4]``, ``[3–5]``: they stay with the sentence
   before), that is followed by whitespace and then not by an ASCII lowercase letter. A curly
   *opening* quote right after the punctuation (``“over.“``, ``‘done.‘``) is read as a closing
   one: typed or converted quotes are often reversed. ``3.5%``, ``$1.2``, ``example.com`` or
   ``Jr.'s`` are never candidates.
6. Deciding a candidate, from the word before it and the token after it:

   - the next token starts with a lowercase letter (after opening quotes/brackets): no break
     (``"Ready," he said``, ``Co. at noon``, ``U.S. troops``); likewise when it starts with
     punctuation such as a dash or a comma;
   - ``?``, ``!`` and ``‽`` are never read as periods, whatever the word before (``Was it plan
     B? Officials ...`` breaks): a break, except after a quotation closed by them (a quote
     mark among the closers, not a bracket) when a speech tag follows: one to three
     capitalised words and a speech verb in any tense, perhaps after an adverb
     (``"Why?" Smith asked.``, ``"Sorry!" I say.``, ``"Great!" Ann beams.``). Verbs that are
     also common nouns (post, note, smile) count only inflected (posted, notes);
   - ellipses: ``...`` or ``…`` breaks only before a capital letter, and never as ``[...]``;
     four dots are an ellipsis plus a period; a spaced ``. . .`` never breaks, except
     ``. . . .`` (its fourth dot is a period) and ``word. . . . Capital`` (a period, then an
     ellipsis opening the next sentence);
   - a single period: the word before it is looked up in small sets (`_KINDS`). Titles and
     Latin abbreviations (Mr., Dr., Gen., Lt., Col., vs., e.g.) never end a sentence. Number
     prefixes and months (No., p., Jan., Sept.) do not before a digit (``No. 5``, ``Jan. 5``).
     In a headline (one line without final punctuation, closers and citation markers aside)
     the abbreviations below never end a sentence (``U.S. To Send Troops``). Otherwise, for
     the abbreviations below, a one-word parenthesis next names what precedes it and is no
     break (``Corp. (EGPC).``, ``Inc. (AAPL.O)``, ``Corp. (NYSE: WDC)``), and:

     * name-like ones (U.S., E.U., St., Jr., single initials, and state abbreviations) end a
       sentence before a common sentence starter (a pronoun, determiner, question word,
       conjunction or auxiliary: ``I live in the U.S. How about you?``, ``you and I. Did``)
       or before a capitalised common noun that often opens news sentences (``_OPENING_NOUNS``:
       ``the U.S. Details were``, ``Pa. Officials said``), which would be lowercase if the
       abbreviation modified it (``U.S. officials``). Any other capitalised word is read as
       part of a name: ``the U.S. Army said``, ``U.S. Government``, ``Albert I. Jones``,
       ``St. Louis``. Nouns that are also surnames (Sales, Gold) are not opening nouns. A
       conjunction and a name that close the sentence are no sentence of their own (``the
       U.S. And Japan.``; ``... And Japan agreed`` is one);
     * a state abbreviation (Calif., Pa., Tex., N.Y., D.C.) right after ``City, `` closes an
       address, which no name continues: it also ends a sentence before a title
       abbreviation (``Austin, Tex. Gov. Greg Abbott``) or a clause, read as one to four
       capitalised words then an auxiliary, a common finite verb or a past tense in -ed
       (``San Jose, Calif. Western Digital said``, ``Tulsa, Okla. Williams Cos. declined``).
       Without the city (``the Calif. Senate``) it is name-like only;
     * company suffixes (Co., Inc.) end one unless a company title follows (``Inc. Chief
       Executive``), and a.m./p.m. unless a day, month or time zone follows (``6 p.m.
       Friday``) or what precedes is a short opener (``At 5 a.m. Mr. Smith went``).

     A digit after a name-like abbreviation is no break (``Ill. 62701``); after the others
     it is one. Any other word before the period ends a sentence;
   - a "sentence" that would be only a list label (``1.``, ``a.``, ``• 9.``) or only punctuation
     is not cut off.

Measured on the gold boundaries of UD English EWT with ``benchmarks/ewt_splitter.py``.

Every non-whitespace character after the dateline lies in exactly one sentence, in order.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..language import SplitRules
from .dateline import parse_dateline
from .headline import is_headline

__all__ = ["Article", "Sentence", "SplitRules", "split_article", "split_lazily", "split_sentences"]


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an article."""

    number: int  # 1-based within the article (the dateline is not a sentence)
    text: str  # original words; a whitespace run holding a line break becomes one space
    start: int  # offset of the first character in the text passed in
    end: int  # offset just past the last character: text[start:end] is the raw sentence


@dataclass(frozen=True, slots=True)
class Article:
    """An article's dateline date (None without one) and its sentences."""

    date: datetime.date | None
    sentences: list[Sentence]


_OPENERS = "\"'“‘«‹([{„"
# German quotes »so«, typed ``so'' and Dutch ,,zo'' (two commas).
_FOREIGN_OPENERS = _OPENERS + "`»›,"
_CLOSERS = "\"'”’»›)]}“‘"  # a curly opening quote right after a terminal closes a quote
_TERMINALS = ".!?…‽"
_BULLETS = "•⁃▪◦‣"
_SYMBOL_STARTS = "$£€¥#@¿¡" + _BULLETS

# One terminal char first (not "[...]+"), so that re skips fast to the next terminal; the
# lookbehind starts a match only at the start of a run, so a long run of dots stays linear.
# Group 1 is the closing quotes and brackets, group 2 citation markers ("[12]", "[a]",
# "[3, 4]"). The whitespace after them is matched too, and must not lead to an ASCII lowercase
# letter: most non-boundaries ("U.S. troops", "a.m. local") never reach Python.
_CANDIDATE = re.compile(
    r"[.!?…‽](?<![.!?…‽].)[.!?…‽]*([\"'”’»›)\]}“‘]*)"
    r"((?:\[(?:\d{1,4}(?:[,–-] ?\d{1,4})*|[a-z]{1,2})\])*)\s+(?=[^\sa-z])"
)
# For other languages, a closing guillemet may follow a space ("« Merci. » Il part").
_CANDIDATE_SPACED = re.compile(
    r"[.!?…‽](?<![.!?…‽].)[.!?…‽]*((?:[\"'”’»›)\]}“‘]|[ \u00a0\u202f](?=[»›]|''))*)"
    r"((?:\[(?:\d{1,4}(?:[,–-] ?\d{1,4})*|[a-z]{1,2})\])*)\s+(?=[^\sa-z])"
)
# The same, before any word (a language whose sentences may start in lowercase: SplitRules).
_CANDIDATE_ANY = re.compile(_CANDIDATE_SPACED.pattern.removesuffix(r"(?=[^\sa-z])") + r"(?=\S)")
_DIALOGUE = re.compile(r"[-–—]\s+[^\W\d_]")  # a line of dialogue, when that letter is a capital
_CITATION_END = re.compile(r"\[(?:\d{1,4}(?:[,–-] ?\d{1,4})*|[a-z]{1,2})\]\Z")
_PARA_BREAK = re.compile(r"\n(?:[^\S\n]*\n)+\s*")
_SPACE_BY_BREAK = re.compile(r"\n(?:(?<=[^\S\n]\n)|(?=[^\S\n]))")  # other whitespace by a break
_LINE_BULLET = re.compile(r"\n[^\S\n]*([•⁃▪◦‣])")
_NONSPACE = re.compile(r"\S")
_ALNUM = re.compile(r"[^\W_]")
_WORD = re.compile(r"[^\W\d_]+")
_INITIALISM = re.compile(r"(?:[^\W\d_]{1,2}\.)+[^\W\d_]{1,2}")  # U.S, a.m, U.S.A, Ph.D, W.Va
_LIST_LABEL = re.compile(r"[•⁃▪◦‣*-]?\s*(?:\d{1,3}|[^\W\d_]|[ivxIVX]{1,5})")
_LIST_START = re.compile(r"(\d{1,2}|[A-Za-z])(\.\)|\)|\.)(?=\s+[^\s.]{2})")
_FOURTH_DOT = re.compile(r"\s\.\s\.\s\.\s")
_DOTS_THEN_WORD = re.compile(r"[.…](?:\s?[.…])*\s+[\"'“‘«‹(\[{]*(\w)")
# A speech tag after a quote closed by "?" or "!": one to three capitalised words (a name, "I")
# and a speech verb: '"Why?" Smith asked', '"Sorry!" I say', '"Great!" Ann beams'. Verbs that
# are also common nouns ("post", "note", "smile") count only inflected.
_SPEECH = re.compile(
    r"(?:[A-Z][\w.'’-]*\s+){1,3}(?:[a-z]+ly\s+|then\s+|again\s+|later\s+)?(?:sa(?:y|ys|id)|t(?:ell|ells|old)"
    r"|wr(?:ite|ites|ote)|(?:repl|cr)(?:y|ies|ied)"
    r"|(?:ask|add|shout|yell|exclaim|wonder|insist|whisper|mutter|murmur)(?:s|ed)?"
    r"|(?:laugh|sigh|beam|answer|scream|recall|explain|declare|announce|tweet|post|repeat"
    r"|protest|respond|warn|urge|admit|boast|complain)(?:s|ed)"
    r"|(?:smile|joke|note|continue|argue)(?:s|d)|snap(?:s|ped)|quip(?:s|ped)|grin(?:s|ned))\b"
)
_QUOTES = "\"'”’»›“‘"


def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


# How a word before a period is read. Looked up lowercased in _KINDS, else as written in
# _KINDS_EXACT (where the lowercase word is an ordinary one: "sen.", "ill.", "wash.").
_NEVER = "never"  # a title or Latin abbreviation, never the end of a sentence
_NUMBERED = "numbered"  # not the end before a digit: "No. 5", "p. 55", "Jan. 5"
_NAME = "name"  # ends a sentence only before a sentence starter: "U.S.", "J.", "St."
_PLACE = "place"  # a state: as _NAME, and after "City," also before a clause: "Calif.", "N.Y."
_COMPANY = "company"  # ends one unless a company title follows: "Inc. Chief Executive"
_TIME = "time"  # ends one unless a day, month or time zone follows: "5 p.m. Friday"
_KINDS = {
    **dict.fromkeys(
        _words(
            "mr mrs ms messrs mme mlle dr prof gen lt col maj capt cmdr adm brig sgt cpl pvt gov"
            " pres supt insp hon rev fr atty msgr vs e.g i.e cf viz approx"
        ),
        _NEVER,
    ),
    **dict.fromkeys(
        _words(
            "no nos nr n° vol vols art fig figs ch chap sec sect para op ext"
            " jan feb mar apr jun jul aug sep sept oct nov dec"
        ),
        _NUMBERED,
    ),
    **dict.fromkeys(_words("jr sr st mt ft ave blvd rd hwy dept univ assn est al ca"), _NAME),
    **dict.fromkeys(_words("co cos corp inc ltd llc plc bros"), _COMPANY),
    **dict.fromkeys(_words("a.m p.m"), _TIME),
}
_KINDS_EXACT = {
    **dict.fromkeys(_words("Sen Sens Rep Reps Det v"), _NEVER),
    **dict.fromkeys(_words("p pp"), _NUMBERED),  # "P." is an initial
    **dict.fromkeys(
        _words(
            "Ala Ariz Ark Calif Colo Conn Del Fla Ga Ill Ind Kan Kans Ky La Md Mass Mich Minn Miss"
            " Mo Mont Neb Nebr Nev Okla Ore Pa Penn Tenn Tex Vt Va Wash Wis Wisc Wyo Ont Que Alta"
            " Sask N.H N.J N.M N.Y N.C N.D S.C S.D R.I W.Va D.C B.C"
        ),
        _PLACE,
    ),
}
# Words that commonly open a sentence (exact case): after a _NAME abbreviation only these break.
_STARTERS = _words(
    "I He She It We They You This That These Those There Here The A An Its His Her Their Our My"
    " Your Some Many Most All Each Every Both Several Such Another Other Few No Not None Nor"
    " Neither Either One How What Why When Where Who Whom Whose Which While Whether But And Or So"
    " Yet However Meanwhile Still Also Then Now Later Earlier In On At For After Before Since"
    " Although Though If As Because With Without By From To Under Despite During Over Instead"
    " Indeed Moreover Furthermore Nevertheless Nonetheless Thus Therefore Hence Yes Only Even"
    " Last Next Today Yesterday Tomorrow Is Are Was Were Do Does Did Can Could Will Would Should"
    " Has Have Had Might Must Shall Let Please Perhaps Maybe"
)
# Common nouns that open news sentences (exact case). After "U.S." or a state such a noun
# would be lowercase if the abbreviation modified it ("U.S. officials"), so capitalised it
# starts a sentence: "the U.S. Details were not disclosed". Nouns that are also surnames (Sales,
# Gold, Banks) are left out: after an initial they are more likely a name ("John B. Sales").
_OPENING_NOUNS = _words(
    "Officials Details Shares Stocks Bonds Yields Futures Prices Markets Revenue Profit"
    " Profits Earnings Results Terms Analysts Investors Traders Economists Experts Critics"
    " Observers Lawmakers Legislators Voters Residents Witnesses Sources Authorities Police"
    " Investigators Prosecutors Regulators Executives Employees Workers Protesters Troops"
    " Soldiers Rescuers Scientists Researchers Doctors Officers Firefighters Students Parents"
    " Families Victims People Opponents Supporters Talks Negotiations Negotiators Demand"
    " Production Inflation Unemployment Growth Trading Volume Figures Data Oil Nothing"
    " Everyone Everybody Nobody Someone Somebody Something Everything Anyone Anything"
)
_NAME_BREAKS = _STARTERS | _OPENING_NOUNS
# After "City, ST." a capitalised run that a verb follows is the subject of a new sentence:
# "San Jose, Calif. Western Digital said". One to four capitalised words, an optional
# adverb, then an auxiliary, a common finite verb or a past tense in -ed.
_CLAUSE = re.compile(
    r"(?:[A-Z][\w'’&.-]*\s+){1,4}(?:[a-z]+ly\s+|also\s+|still\s+|then\s+|now\s+)?"
    r"(?:is|are|was|were|has|have|had|will|would|could|can|may|might|must|should|shall|did"
    r"|does|do|said|says|told|tells|plans|wants|expects|hopes|faces|remains|makes|rose|fell"
    r"|won|lost|took|gave|made|got|went|came|saw|began|grew|became|[a-z]{2,}ed)\b"
)
# A conjunction and a name closing the sentence after an abbreviation is no sentence of its
# own: "trade with the U.S. And Japan." ("And Japan agreed ..." is one).
_CONJUNCTIONS = _words("And Or Nor")
_NAME_TAIL = re.compile(r"\s+(?:[A-Z][\w'’-]*\s+){0,2}[A-Z][\w'’-]*(?:[.,;:!?…)\]]|\s*$)")
# A one-word parenthesis after an abbreviation names what precedes it: "Corp. (EGPC)",
# "Inc. (AAPL.O)", "Corp. (NYSE: WDC)".
_PAREN_NAME = re.compile(r"\([A-Z][\w&.-]*(?::\s*[A-Z][\w.]*)?\)")
_COMPANY_FOLLOWERS = _words(
    "CEO CFO COO CTO Chief Chairman Chairwoman Chair President Vice Executive Director Founder"
    " Managing Board Group Holdings Unit Subsidiary"
)
_TIME_FOLLOWERS = _words(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May"
    " June July August September October November December ET EST EDT CT CST CDT MT MST MDT PT"
    " PST PDT GMT UTC BST CET CEST Eastern Central Mountain Pacific Greenwich Local"
)
_TITLE_STARTERS = _words("Mr Mrs Ms Messrs")
_TITLES = _TITLE_STARTERS | _words("Dr Prof Gen Sen Rep Gov")
_OPENING_PREPOSITIONS = _words("at on by in before after around until till since from about near")


def _is_opener(t: str, start: int, s: int) -> bool:
    """Whether t[start:s] is a short opening phrase such as "At 5 a.m", not a sentence."""
    return s - start <= 24 and t[start:s].split(None, 1)[0].lower() in _OPENING_PREPOSITIONS


def _after_city(t: str, w: int, start: int) -> bool:
    """Whether the word at t[w] follows "City, " (a capitalised word and a comma)."""
    if w - start < 4 or t[w - 2 : w] != ", ":
        return False
    before = t[max(start, w - 30) : w - 2].rsplit(None, 1)
    return bool(before) and before[-1][:1].isupper()


def _abbreviation_ends(
    kind: str, t: str, k: int, b: int, start: int, s: int, address: bool
) -> bool:
    """Whether an abbreviation of `kind` ending at t[s] ends the sentence; t[k] is next.

    `address` is whether the abbreviation is a state after "City, " ("San Jose, Calif.").
    """
    if t[k - 1] == "(" and _PAREN_NAME.match(t, k - 1, b):
        return False  # "Corp. (EGPC)": the acronym of the name before
    m = _WORD.match(t, k, b)
    if m is None:  # a digit or a symbol: "the U.S. 10-year yield", "Inc. 2024 was"
        return kind is not _NAME and kind is not _PLACE
    word, after = m.group(), m.end()
    if after < b and t[after] == ".":  # another abbreviation: "a.m. Mr. Smith", "U.S. Rep."
        titles = _TITLE_STARTERS if kind is _NAME or kind is _PLACE and not address else _TITLES
        return word in titles and not _is_opener(t, start, s)
    if kind is _NAME or kind is _PLACE:
        if word in _CONJUNCTIONS and _NAME_TAIL.match(t, after, b):
            return False  # "the U.S. And Japan."
        return word in _NAME_BREAKS or address and _CLAUSE.match(t, k, b) is not None
    if kind is _COMPANY:
        return word not in _COMPANY_FOLLOWERS
    return (
        word not in _TIME_FOLLOWERS
        and not t.startswith(" time", after)
        and not _is_opener(t, start, s)
    )


def _period_ends(t: str, s: int, k: int, c: str, start: int, b: int, headline: bool) -> bool:
    """Whether the period at t[s], attached to the word before it, ends the sentence."""
    if s - 7 >= start and t[s - 7 : s].isalpha():
        return True  # a word of 7 letters or more is no abbreviation
    lo = s - 24 if s - 24 > start else start
    word = t[lo:s].rsplit(None, 1)[-1]
    if lo > start and len(word) == s - lo:
        return True  # longer than any abbreviation: a URL, a long number, a word
    word = word.lstrip(_OPENERS)
    low = word.lower()
    kind = _KINDS.get(low) or _KINDS_EXACT.get(word)
    if kind is None:
        if len(word) == 1 and word.isalpha() or "." in word and _INITIALISM.fullmatch(word):
            kind = _NAME
        else:
            return True
    if kind is _NEVER:
        return False
    if kind is _NUMBERED:
        return not c.isdigit()
    if headline:  # "U.S. To Send Troops", "Pitt, Briggs & Co. Weighs Options"
        return False
    address = kind is _PLACE and _after_city(t, s - len(word), start)
    return _abbreviation_ends(kind, t, k, b, start, s, address)


def _foreign_period_ends(t: str, s: int, k: int, start: int, b: int, rules: SplitRules) -> bool:
    """Whether the period at t[s] ends the sentence by a language's `rules`; t[k] is next."""
    if s - 7 >= start and t[s - 7 : s].isalpha():
        return True  # a word of 7 letters or more is no abbreviation
    lo = s - 24 if s - 24 > start else start
    word = t[lo:s].rsplit(None, 1)[-1].lstrip(_OPENERS)
    word = word.rsplit("'", 1)[-1].rsplit("’", 1)[-1]  # "dall'art.", "l'av."
    if word.isdigit():
        if rules.ordinals and len(word) <= 3:
            return False
        m = _WORD.match(t, k, b)
        return m is None or m.group().lower() not in rules.months
    if word.lower() in rules.abbreviations:
        return False
    if word.lower() in rules.numbered:  # "No. 5", but "o no. El ..."
        return not t[k].isdigit()
    if len(word) == 1 and word.isalpha() and word.isupper():
        return False  # an initial
    return not ("." in word and _INITIALISM.fullmatch(word))


def _lower_start(t: str, s: int, start: int, rules: SplitRules) -> bool:
    """Whether the period at t[s] ends a sentence before a lowercase word: after a word of
    at least `rules.lower_starts` letters that is no abbreviation of the language."""
    if not rules.lower_starts:
        return False
    lo = s - 24 if s - 24 > start else start
    word = t[lo:s].rsplit(None, 1)[-1].lstrip(_OPENERS)
    word = word.rsplit("'", 1)[-1].rsplit("’", 1)[-1]
    return (
        len(word) >= rules.lower_starts
        and word.isalpha()
        and word.lower() not in rules.abbreviations
    )


def _ends_sentence(
    t: str,
    s: int,
    r: int,
    e: int,
    n: int,
    start: int,
    b: int,
    headline: bool,
    rules: SplitRules | None = None,
) -> bool:
    """Decide the candidate t[s:e]: terminal run t[s:r], closers t[r:e], next token at t[n].

    `start` is where the current sentence starts, `b` the end of the paragraph (or list item),
    `headline` whether that is one line without final punctuation.
    """
    if s - start <= 8 and (_LIST_LABEL.fullmatch(t, start, s) or not _ALNUM.search(t, start, s)):
        return False  # "1." or "• 9." or "..." alone is no sentence
    run = t[s:r]
    c = t[n]
    if c in ".…":  # "compounds. . . . The practice": a period, then an ellipsis opening the next
        if run != "." or t[s - 1].isspace():
            return False
        m = _DOTS_THEN_WORD.match(t, n, b)
        return m is not None and m.group(1).isupper()
    k = n
    openers = _OPENERS if rules is None else _FOREIGN_OPENERS
    while c in openers or rules is not None and c in " \u00a0\u202f" and t[k - 1] in "«‹":
        k += 1
        if k >= b:
            return False
        c = t[k]
    if rules is not None and c in "-–—" and (m := _DIALOGUE.match(t, k, b)):
        # A line of dialogue: "- Nie wiem. - Dlaczego?"; not a speech tag ("? — запитаєте ви").
        return t[m.end() - 1].isupper()
    if c.islower():
        return rules is not None and run == "." and _lower_start(t, s, start, rules)
    if not (c.isalnum() or c in _SYMBOL_STARTS):
        return False
    if run == ".":
        if not t[s - 1].isspace():
            if rules is not None:
                return _foreign_period_ends(t, s, k, start, b, rules)
            return _period_ends(t, s, k, c, start, b, headline)
        if s - 7 >= start and _FOURTH_DOT.fullmatch(t, s - 7, s):
            return True  # ". . . ." : the fourth dot is a period
        return t[s - 2] != "."  # a dot of a spaced ". . ." does not end a sentence
    if "?" in run or "!" in run or "‽" in run:
        quoted = any(ch in _QUOTES for ch in t[r:e])  # '"Why?" Smith asked', not "(why?)"
        return not quoted or _SPEECH.match(t, k, b) is None
    if run == "..." or run == "…":  # "[...]" marks an omission, inside the sentence
        return c.isupper() and not (t[s - 1] == "[" and t[r : r + 1] == "]")
    return True  # "....", "…." and the like: an ellipsis and a period


def _next_label(label: str) -> str | None:
    if label.isdigit():
        return str(int(label) + 1)
    if label in "yzYZ":
        return None
    return chr(ord(label) + 1)


def _list_item_starts(t: str, a: int, b: int) -> list[int]:
    """Where list items after the first begin, if the paragraph t[a:b] is a list."""
    c = t[a]
    if c in _BULLETS or (c in "-*" and t[a + 1 : a + 2] in (" ", "\t")):
        return [m.start(1) for m in _bullet_re(c).finditer(t, a, b)]
    m = _LIST_START.match(t, a, b)
    if m is None:
        return []
    label, style = m.groups()
    starts = []
    pos = m.end()
    while (label := _next_label(label)) is not None:
        item = re.compile(r"\s(" + re.escape(label + style) + r")(?=\s+[^\s.]{2})").search(
            t, pos, b
        )
        if item is None:
            break
        starts.append(item.start(1))
        pos = item.end()
    return starts


def _bullet_re(c: str) -> re.Pattern[str]:
    if c in "-*":
        return re.compile(r"\n[^\S\n]*(" + re.escape(c) + r")\s")
    return re.compile(r"\s(" + re.escape(c) + ")")


def _trim_end(t: str, a: int, y: int) -> int:
    """The offset just past the last non-whitespace character of t[a:y] (t[a] is one)."""
    while t[y - 1].isspace():
        y -= 1
    return y


def _end_of_words(t: str, a: int, b: int) -> int:
    """Where t[a:b] ends without its closing quotes, brackets and citation markers."""
    y = b
    while y > a + 1 and t[y - 1] in _CLOSERS:
        m = _CITATION_END.search(t, max(a, y - 16), y) if t[y - 1] == "]" else None
        y = y - 1 if m is None else m.start()
    return y


def _split_span(
    t: str, a: int, b: int, rules: SplitRules | None = None
) -> Iterator[tuple[int, int]]:
    """The (start, end) of each sentence of t[a:b]; t[a] and t[b - 1] are non-space."""
    if rules is not None:
        yield from _split_span_by(t, a, b, rules)
        return
    start = a
    headline = t[_end_of_words(t, a, b) - 1] not in _TERMINALS and t.find("\n", a, b) < 0
    for m in _CANDIDATE.finditer(t, a, b):
        n = m.end()
        c = t[n]
        if c.islower():  # a lowercase letter outside ASCII
            continue
        s, e = m.start(), m.end(2)
        if e == s + 1 and t[s] == "." and s - start > 8 and c.isalnum() and not t[s - 1].isspace():
            ends = _period_ends(t, s, n, c, start, b, headline)  # the commonest: "word. The"
        else:
            ends = _ends_sentence(t, s, m.start(1), m.end(1), n, start, b, headline)
        if ends:
            yield (start, e)
            start = n
    yield (start, b)


def _split_span_by(t: str, a: int, b: int, rules: SplitRules) -> Iterator[tuple[int, int]]:
    """`_split_span` for a language with its own `rules`."""
    start = a
    candidates = _CANDIDATE_ANY if rules.lower_starts else _CANDIDATE_SPACED
    for m in candidates.finditer(t, a, b):
        n = m.end()
        if t[n].islower() and not rules.lower_starts:
            continue
        s, e = m.start(), m.end(2)
        if _ends_sentence(t, s, m.start(1), m.end(1), n, start, b, False, rules):
            yield (start, e)
            start = n
    yield (start, b)


def _split_paragraph(
    t: str, a: int, b: int, line_bullets: bool, rules: SplitRules | None = None
) -> Iterator[tuple[int, int]]:
    c = t[a]
    items: list[int] = []
    if c in _BULLETS or c in "-*" or c.isdigit() or t[a + 1 : a + 2] in (".", ")"):
        items = _list_item_starts(t, a, b)
    elif line_bullets:  # "Key points:\n• Taxes\n• Spending"
        items = [m.start(1) for m in _LINE_BULLET.finditer(t, a, b)]
    for item in items:
        yield from _split_span(t, a, _trim_end(t, a, item), rules)
        a = item
    yield from _split_span(t, a, b, rules)


def _sentence_spans(t: str, pos: int, rules: SplitRules | None = None) -> Iterator[tuple[int, int]]:
    """The spans of the sentences from `pos` on, one at a time: a text of millions of
    sentences is never held as a list of them."""
    first = _NONSPACE.search(t, pos)
    if first is None:
        return
    a = first.start()
    line_bullets = _LINE_BULLET.search(t, a) is not None
    for m in _PARA_BREAK.finditer(t, a):
        yield from _split_paragraph(t, a, _trim_end(t, a, m.start()), line_bullets, rules)
        a = m.end()
    if a < len(t):
        yield from _split_paragraph(t, a, _trim_end(t, a, len(t)), line_bullets, rules)


def _normalise(text: str) -> str:
    """Turn CR LF into " LF" and a lone CR into LF: offsets stay valid, LF is the only break."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", " \n").replace("\r", "\n")


def _sentences(t: str, pos: int, rules: SplitRules | None = None) -> Iterator[Sentence]:
    bare_breaks = _SPACE_BY_BREAK.search(t, pos) is None  # then a line break is one space
    for number, (s, e) in enumerate(_sentence_spans(t, pos, rules), 1):
        raw = t[s:e]
        if "\n" in raw:
            if bare_breaks:
                raw = raw.replace("\n", " ")
            else:
                raw = " ".join([line.strip() for line in raw.split("\n")])
        yield Sentence(number, raw, s, e)


def split_article(text: str, rules: SplitRules | None = None) -> Article:
    """Whole file text (already decoded str) -> dateline + numbered sentences, by a language's
    `rules` (English's when None)."""
    date, sentences = split_lazily(text, rules)
    return Article(date, list(sentences))


def split_lazily(
    text: str, rules: SplitRules | None = None
) -> tuple[datetime.date | None, Iterator[Sentence]]:
    """As split_article, but the sentences come one at a time, as they are found: memory
    stays that of the text, however many sentences it holds."""
    t = _normalise(text)
    first = _NONSPACE.search(t)
    if first is None:
        return None, iter(())
    line_start = t.rfind("\n", 0, first.start()) + 1
    line_end = t.find("\n", first.start())
    if line_end < 0:
        line_end = len(t)
    date = parse_dateline(t[line_start:line_end])
    if date is not None:
        return date, _sentences(t, line_end, rules)
    below = _dateline_below_headline(t, line_start, line_end)
    if below is None:
        return None, _sentences(t, 0, rules)
    start, end, date = below
    t = t[:start] + "\n" * (end - start) + t[end:]  # not a sentence; offsets stay valid
    return date, _sentences(t, 0, rules)


def _dateline_below_headline(
    t: str, line_start: int, line_end: int
) -> tuple[int, int, datetime.date] | None:
    """The span and date of a dateline that follows a headline opening the text (BBC plain
    text: headline, blank line, ``January 14, 2025``), else None."""
    if not is_headline(t[line_start:line_end]):
        return None
    following = _NONSPACE.search(t, line_end)
    if following is None:
        return None
    start = t.rfind("\n", 0, following.start()) + 1
    if t.count("\n", line_end, start) < 2:  # no blank line under it: not a headline
        return None
    end = t.find("\n", start)
    end = len(t) if end < 0 else end
    date = parse_dateline(t[start:end])
    return None if date is None else (start, end, date)


def split_sentences(text: str, rules: SplitRules | None = None) -> list[str]:
    """Plain text (one paragraph or more) -> sentence strings. Used by golden-rule tests."""
    return [s.text for s in _sentences(_normalise(text), 0, rules)]
