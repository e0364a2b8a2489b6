"""Our schema's analyzers as an Elasticsearch/OpenSearch index mapping (`search export
--format es-index`, and the index `search export --url` creates).

The analyzer is not written by hand: it is translated, component by component, from the
analyzer of our schema's `text` field, so it follows whatever that analyzer is; a component
with no faithful equivalent is refused (ExportError) rather than approximated. Our word rules
(engine/words.py) are translated as far as ES's filters reach (compounds joined, accents
folded); the rules they cannot express are named in the mapping's `_meta`
(`search.not_expressed`), not approximated.

Languages: English sentences are matched in the cluster exactly as here (the `text` field's
English analyzer, translated). Other languages' words are indexed here as dictionary lemmas
(simplemma), which no Elasticsearch analyzer reproduces; rather than approximate them with a
Snowball analyzer, each such sentence carries `terms` (see `search.present.export`), the very
terms our index holds for it (`de:verhandlung`), in order, mapped with a whitespace analyzer:
a term or phrase query on `terms` matches exactly what our queries match in that language
(lemmas folded as ours are: `de:zurich`).
"""

from __future__ import annotations

import re

from ..errors import ExportError

# Fields matched as whole values (filters, aggregations), never analyzed.
KEYWORD_FIELDS = ("article", "path", "name", "url", "language")


# The mapping -------------------------------------------------------------------------


def index_body(schema=None) -> dict:
    """The settings and mappings for `PUT /INDEX`: every TEXT field's analyzer translated,
    `date` a date, names and paths keywords.

    `text` is analyzed with the translation of the schema's `text` analyzer. Another TEXT
    field that is stored becomes a field of its own; one that is not stored is fed from the
    sentence text in our index, so it becomes a sub-field of `text` (`text.NAME`).
    """
    from whoosh.fields import TEXT

    from .schema import build_schema

    schema = schema if schema is not None else build_schema()
    analysis: dict = {"tokenizer": {}, "filter": {}, "analyzer": {}}
    text_fields = [name for name in schema.names() if isinstance(schema[name], TEXT)]
    if "text" not in text_fields:
        raise ExportError("the schema has no `text` field to export")
    not_expressed: list[str] = []
    for name in text_fields:
        for rule in _add_analyzer(analysis, f"search_{name}", _english(schema[name].analyzer)):
            if rule not in not_expressed:
                not_expressed.append(rule)

    text: dict = {"type": "text", "analyzer": "search_text"}
    derived = {
        name: {"type": "text", "analyzer": f"search_{name}"}
        for name in text_fields
        if name != "text" and not schema[name].stored
    }
    if derived:
        text["fields"] = derived
    properties: dict = {"text": text}
    for name in text_fields:
        if name != "text" and schema[name].stored:
            properties[name] = {"type": "text", "analyzer": f"search_{name}"}
    properties.setdefault("title", {"type": "text", "analyzer": "search_text"})
    # Other languages' sentences: our own terms, as they are (see the module's docstring).
    properties["terms"] = {"type": "text", "analyzer": "whitespace"}
    properties.update({name: {"type": "keyword"} for name in KEYWORD_FIELDS})
    properties["sentence"] = {"type": "integer"}
    properties["date"] = {"type": "date", "format": "strict_date"}
    mappings: dict = {"properties": dict(sorted(properties.items()))}
    if not_expressed:
        mappings["_meta"] = {"search": {"not_expressed": not_expressed}}
    return {"settings": {"analysis": analysis}, "mappings": mappings}


def _english(analyzer):
    """The analyzer English text gets: the field's own, or a language analyzer's English one
    (other languages travel as `terms`)."""
    from .analysis import LanguageAnalyzer

    return analyzer.english if isinstance(analyzer, LanguageAnalyzer) else analyzer


def analyzer_components(analyzer) -> list:
    """The tokenizer and filters of a Whoosh analyzer, in order."""
    return list(getattr(analyzer, "items", [analyzer]))


def _add_analyzer(analysis: dict, name: str, analyzer) -> list[str]:
    """Translate each component; filters get names under the analyzer's own name. Returns
    the word rules the translation cannot express."""
    components = analyzer_components(analyzer)
    tokenizer, *filters = components
    analysis["tokenizer"][name] = translate_tokenizer(tokenizer)
    chain = []
    for definition in _word_rule_filters(tokenizer):
        filter_name = f"{name}_{definition['type']}"
        analysis["filter"][filter_name] = definition
        chain.append(filter_name)
    for component in filters:
        for definition in translate_filter(component):
            if isinstance(definition, str):  # a built-in filter, used by name
                chain.append(definition)
                continue
            filter_name = f"{name}_{definition['type']}"
            while filter_name in analysis["filter"]:
                filter_name += "_"
            analysis["filter"][filter_name] = definition
            chain.append(filter_name)
    analysis["analyzer"][name] = {"type": "custom", "tokenizer": name, "filter": chain}
    return _not_expressed(tokenizer)


# Our word rules (search/engine/words.py) that no combination of ES's built-in filters expresses.
NOT_EXPRESSED = {
    "text": [
        "dotted capitals as their letters (U.S. = US): ES keeps u.s",
        "capitals kept for acronyms (IT matches only IT, never it or its; a shouted headline "
        "marked ^): ES lowercases every word, so IT finds its",
        "German umlauts also as ae, oe, ue (Mueller finds Müller)",
        "a compound's joined form also at its last part's position (so \"email address\" "
        "finds e-mail address): ES's graph puts it across the parts",
    ],
    "words": [
        "dotted capitals as their letters (U.S. = US): ES keeps u.s",
        "German umlauts also as ae, oe, ue (Mueller finds Müller)",
    ],
}


def _word_rule_filters(tokenizer) -> list[dict]:
    """The ES filters for our word rules that ES can express: a compound's parts and its
    joined form (`word_delimiter_graph`, splitting on hyphens only), then lowercase and
    ASCII folding (keeping the accented word too in the `words` field)."""
    from .words import NewsroomTokenizer

    if type(tokenizer) is not NewsroomTokenizer:
        return []
    return [
        {
            "type": "word_delimiter_graph",
            "generate_word_parts": True,
            "generate_number_parts": True,
            "catenate_all": True,
            "split_on_case_change": False,
            "split_on_numerics": False,
            "stem_english_possessive": False,
            "preserve_original": False,
            "type_table": [". => ALPHANUM", "_ => ALPHANUM"],
        },
        {"type": "lowercase"},
        {"type": "asciifolding", "preserve_original": tokenizer.field == "words"},
    ]


def _not_expressed(tokenizer) -> list[str]:
    from .words import NewsroomTokenizer

    if type(tokenizer) is not NewsroomTokenizer:
        return []
    return list(NOT_EXPRESSED.get(tokenizer.field, []))


# Python's re flags that Java's Pattern spells the same way (re.UNICODE is the default for
# str patterns and is spelled UNICODE_CHARACTER_CLASS: without it Java's \w is ASCII only).
_JAVA_FLAGS = {re.IGNORECASE: "CASE_INSENSITIVE", re.MULTILINE: "MULTILINE", re.DOTALL: "DOTALL"}


def translate_tokenizer(tokenizer) -> dict:
    """Whoosh's RegexTokenizer matches tokens: ES's `pattern` tokenizer with `group: 0`
    (the whole match is the token); with `gaps`, it splits, as `group: -1` does."""
    from whoosh.analysis import RegexTokenizer

    from .words import NewsroomTokenizer

    if type(tokenizer) is NewsroomTokenizer:
        expression = re.compile(tokenizer_pattern())
    elif type(tokenizer) is RegexTokenizer:
        expression = tokenizer.expression
    else:
        raise _unsupported(tokenizer)
    flags = ["UNICODE_CHARACTER_CLASS"] if expression.flags & re.UNICODE else []
    for flag, java in _JAVA_FLAGS.items():
        if expression.flags & flag:
            flags.append(java)
    unknown = expression.flags & ~(re.UNICODE | sum(_JAVA_FLAGS))
    if unknown:
        raise ExportError(f"the token pattern's regular-expression flags {unknown} have no ES form")
    return {
        "type": "pattern",
        "pattern": expression.pattern,
        "group": -1 if getattr(tokenizer, "gaps", False) else 0,
        "flags": "|".join(flags),
    }


def tokenizer_pattern() -> str:
    """The token pattern of our word rules (search/engine/words.py)."""
    from .words import WORD_PATTERN

    return WORD_PATTERN


def translate_filter(component) -> list:
    """The ES filters (a built-in's name, or a definition) equivalent to one Whoosh filter."""
    from whoosh.analysis import LowercaseFilter, StemFilter, StopFilter
    from whoosh.lang.porter import stem as porter

    from .words import KeywordStemFilter

    kind = type(component)
    if kind is LowercaseFilter:
        return ["lowercase"]
    if kind is KeywordStemFilter:
        return ["porter_stem"]  # its keywords are the capitals ES does not keep
    if kind is StopFilter:
        definitions = []
        if component.stops:
            stopwords = sorted(component.stops)
            definitions.append({"type": "stop", "stopwords": stopwords, "ignore_case": False})
        length = {"type": "length", "min": component.min}
        if component.max is not None:
            length["max"] = component.max
        return [*definitions, length]
    if kind is StemFilter:
        if component.lang is not None or component.stemfn is not porter:
            raise ExportError(
                "the index stems with something other than Whoosh's Porter stemmer; "
                "its ES equivalent is not known, so no mapping is exported"
            )
        definitions = []
        if component.ignore:
            keywords = sorted(component.ignore)
            definitions.append({"type": "keyword_marker", "keywords": keywords})
        return [*definitions, "porter_stem"]
    raise _unsupported(component)


def _unsupported(component) -> ExportError:
    return ExportError(
        f"the index's analyzer uses {type(component).__name__}, which has no known "
        "Elasticsearch equivalent; teach search/engine/mapping.py to translate it"
    )
