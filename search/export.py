"""Turning the index into what another engine loads (`search export`).

Three formats, each a stream of lines:

- `es-bulk`: Elasticsearch/OpenSearch `_bulk` NDJSON, an action line and a source line per
  sentence. `_id` is `NAME:SENTENCE`, so exporting again overwrites rather than duplicates.
- `jsonl`: one JSON object per sentence, the same fields, for any other engine.
- `es-index`: the index settings and mapping. Its analyzer is not written by hand: it is
  translated, component by component, from the analyzer of our schema's `text` field, so it
  follows whatever that analyzer is; a component with no faithful equivalent is refused
  (ExportError) rather than approximated. Our word rules (search/words.py) are translated as
  far as ES's filters reach (compounds joined, accents folded); the rules they cannot
  express are named in the mapping's `_meta` (`search.not_expressed`), not approximated.

Every document has `text`, `article`, `path`, `name`, `sentence` and `date` (null when the
article has no dateline), plus `title` and `url` when the index stores them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from .errors import ExportError

FORMATS = ("es-bulk", "es-index", "jsonl")
DEFAULT_INDEX_NAME = "search"

# Stored fields copied into documents only when present.
OPTIONAL_FIELDS = ("title", "url")
# Fields matched as whole values (filters, aggregations), never analyzed.
KEYWORD_FIELDS = ("article", "path", "name", "url")


def document_name(fields: dict) -> str:
    """The sentence's article name as users type it: the stored `name` (the shortest unique
    path suffix) where the index has one, the file's stem otherwise."""
    return fields.get("name") or fields["article"]


def document_id(fields: dict) -> str:
    return f"{document_name(fields)}:{fields['sentence']}"


def sentence_document(fields: dict) -> dict:
    """The exported document of one sentence's stored fields."""
    document = {
        "text": fields["text"],
        "article": fields["article"],
        "path": fields["path"],
        "name": document_name(fields),
        "sentence": fields["sentence"],
        "date": fields.get("date"),
    }
    for name in OPTIONAL_FIELDS:
        if fields.get(name):
            document[name] = fields[name]
    return document


def to_line(value) -> str:
    """One compact JSON line (UTF-8 text as is), the same bytes for the same value."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def bulk_lines(sentences: Iterable[dict], index_name: str = DEFAULT_INDEX_NAME) -> Iterator[str]:
    """`_bulk` NDJSON: an `index` action and the document, per sentence (each line ends in a
    newline, so the stream ends in one as `_bulk` requires)."""
    for fields in sentences:
        action = {"index": {"_index": index_name, "_id": document_id(fields)}}
        yield to_line(action) + "\n"
        yield to_line(sentence_document(fields)) + "\n"


def jsonl_lines(sentences: Iterable[dict]) -> Iterator[str]:
    for fields in sentences:
        yield to_line(sentence_document(fields)) + "\n"


def bulk_actions(sentences: Iterable[dict], index_name: str) -> Iterator[dict]:
    """The same documents as `bulk_lines`, as the clients' bulk helpers take them."""
    for fields in sentences:
        yield {"_index": index_name, "_id": document_id(fields), **sentence_document(fields)}


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
        for rule in _add_analyzer(analysis, f"search_{name}", schema[name].analyzer):
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
    properties.update({name: {"type": "keyword"} for name in KEYWORD_FIELDS})
    properties["sentence"] = {"type": "integer"}
    properties["date"] = {"type": "date", "format": "strict_date"}
    mappings: dict = {"properties": dict(sorted(properties.items()))}
    if not_expressed:
        mappings["_meta"] = {"search": {"not_expressed": not_expressed}}
    return {"settings": {"analysis": analysis}, "mappings": mappings}


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


# Our word rules (search/words.py) that no combination of ES's built-in filters expresses.
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
    """The token pattern of our word rules (search/words.py)."""
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
        "Elasticsearch equivalent; teach search/export.py to translate it"
    )


# Live loading --------------------------------------------------------------------------


def load(url: str, index_name: str, sentences: Iterable[dict], progress=None) -> int:
    """Create `index_name` at `url` (if absent) with our mapping and send every sentence
    through the client's streaming bulk helper, retrying when the cluster answers 429.

    Needs the `es` extra (`pip install 'search[es]'`): the official `elasticsearch`
    client, or else `opensearch-py`. Returns how many documents were indexed.
    """
    if not re.match(r"https?://", url):
        raise ExportError(f"--to {url!r} is not a URL; give one like http://localhost:9200")
    client, helpers, create_index, failures = _client(url)
    try:
        return _load(client, helpers, create_index, index_name, sentences, progress)
    except failures as error:
        reason = str(error).splitlines()[0][:300] if str(error) else type(error).__name__
        raise ExportError(f"loading into {url} failed: {reason}") from None


def _load(client, helpers, create_index, index_name, sentences, progress) -> int:
    if not client.indices.exists(index=index_name):
        create_index(client, index_name, index_body())
    indexed = 0
    results = helpers.streaming_bulk(
        client,
        bulk_actions(sentences, index_name),
        chunk_size=1000,
        max_retries=8,
        initial_backoff=1,
        raise_on_error=False,
    )
    for ok, item in results:
        if not ok:
            raise ExportError(f"the cluster refused a document: {to_line(item)[:300]}")
        indexed += 1
        if progress is not None:
            progress(1)
    client.indices.refresh(index=index_name)
    return indexed


def _client(url: str):
    try:
        from elastic_transport import TransportError
        from elasticsearch import ApiError, Elasticsearch, helpers

        def create(client, name: str, body: dict) -> None:
            client.indices.create(index=name, settings=body["settings"], mappings=body["mappings"])

        return Elasticsearch(url), helpers, create, (ApiError, TransportError)
    except ImportError:
        pass
    try:
        from opensearchpy import OpenSearch, helpers
        from opensearchpy.exceptions import OpenSearchException

        def create(client, name: str, body: dict) -> None:
            client.indices.create(index=name, body=body)

        return OpenSearch(url), helpers, create, (OpenSearchException,)
    except ImportError:
        raise ExportError(
            "--to needs an Elasticsearch or OpenSearch client; "
            "install it with: pip install 'search[es]'"
        ) from None
