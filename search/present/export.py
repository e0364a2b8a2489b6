"""Turning the index into what another engine loads (`search export`).

Three formats, each a stream of lines:

- `es-bulk`: Elasticsearch/OpenSearch `_bulk` NDJSON, an action line and a source line per
  sentence. `_id` is `KEY:SENTENCE`, KEY a hash of the article's path (`document_id`): it
  does not change when other files come and go (a name would: `001` becomes `politics/001`
  once a `sport/001.txt` is indexed), so exporting again overwrites rather than duplicates.
- `jsonl`: one JSON object per sentence, the same fields, for any other engine.
- `es-index`: the index settings and mapping. Its analyzer is not written by hand: it is
  translated, component by component, from the analyzer of our schema's `text` field, so it
  follows whatever that analyzer is; a component with no faithful equivalent is refused
  (ExportError) rather than approximated. The translation speaks Whoosh, so it lives in
  `search/engine/mapping.py`.

Every document has `text`, `article`, `path`, `name`, `sentence`, `date` (null when the
article has no dateline) and `language`, plus `title` and `url` when the index stores them,
and, for a sentence not in English, `terms`: our own terms for it (see engine/mapping.py).
The document is `search.present.json.export_document`: the fields a hit of `search query
--json` and of the web API has, under the same names.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator

from ..engine.mapping import index_body as index_body
from ..errors import ExportError
from .json import export_document, line

FORMATS = ("es-bulk", "es-index", "jsonl")
DEFAULT_INDEX_NAME = "search"


def article_key(path: str) -> str:
    """16 hex characters that stand for an article's path: the same path, the same key."""
    return hashlib.blake2b(path.encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()


def document_id(fields: dict) -> str:
    """A sentence's `_id`: its article's path key and its number. Only the article's own
    path goes in, so adding or removing other files never moves it; `name` stays a field
    for people to read."""
    return f"{article_key(fields['path'])}:{fields['sentence']}"


def to_line(value) -> str:
    """One compact JSON line, the same bytes for the same value, escaped as `--json` is."""
    return line(value, compact=True)


def bulk_lines(sentences: Iterable[dict], index_name: str = DEFAULT_INDEX_NAME) -> Iterator[str]:
    """`_bulk` NDJSON: an `index` action and the document, per sentence (each line ends in a
    newline, so the stream ends in one as `_bulk` requires)."""
    for fields in sentences:
        action = {"index": {"_index": index_name, "_id": document_id(fields)}}
        yield to_line(action) + "\n"
        yield to_line(export_document(fields)) + "\n"


def jsonl_lines(sentences: Iterable[dict]) -> Iterator[str]:
    for fields in sentences:
        yield to_line(export_document(fields)) + "\n"


def bulk_actions(sentences: Iterable[dict], index_name: str) -> Iterator[dict]:
    """The same documents as `bulk_lines`, as the clients' bulk helpers take them."""
    for fields in sentences:
        yield {"_index": index_name, "_id": document_id(fields), **export_document(fields)}


# Live loading --------------------------------------------------------------------------


def load(url: str, index_name: str, sentences: Iterable[dict], progress=None) -> int:
    """Create `index_name` at `url` (if absent) with our mapping and send every sentence
    through the client's streaming bulk helper, retrying when the cluster answers 429.

    Needs the `es` extra (`pip install -e '.[es]'`): the official `elasticsearch`
    client, or else `opensearch-py`. Returns how many documents were indexed.
    """
    if not re.match(r"https?://", url):
        raise ExportError(
            "{to} {url!r} is not a URL; give one like http://localhost:9200",
            options=("to",),
            url=url,
        )
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
            "{to} needs an Elasticsearch or OpenSearch client; "
            "install it with: pip install -e '.[es]'",
            options=("to",),
        ) from None
