"""`search export`: the bulk and JSON Lines documents, the mapping and its analyzer.

The documents are checked against the article files (text, numbers, dates) and against
the index's own stored fields read directly through Whoosh (names, titles), not against
the code that exports them. The mapping is checked three ways: a snapshot, guards that
read the analyzer from the schema, and a re-implementation of the exported analyzer chain
that must give Whoosh's tokens. A live check against a cluster runs when
SEARCH_TEST_ES_URL is set.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import sys
import urllib.request
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import (
    REPO,
    SEARCH_BIN,
    SEED_NAME,
    SEED_TURKEY_PEACEKEEPING,
    assert_one_line_error,
    invoke,
)
from search.articles.article import parse_article
from search.engine.mapping import index_body, translate_filter, translate_tokenizer
from search.engine.schema import build_schema
from search.errors import ExportError
from search.present.export import article_key

SNAPSHOT = Path(__file__).parent / "data" / "es_index.json"
REGENERATE = (
    "the exported mapping changed; if the analyzer changed on purpose, regenerate with: "
    "search export --format es-index | python -m json.tool > tests/data/es_index.json"
)
ES_URL = os.environ.get("SEARCH_TEST_ES_URL")


def export(index_dir: Path, *args: str):
    return invoke("export", "--index-dir", str(index_dir), *args)


def bulk_pairs(output: str) -> list[tuple[dict, dict]]:
    """The (action, source) pairs of `_bulk` NDJSON, checking its shape on the way."""
    assert output.endswith("\n")
    lines = output.split("\n")[:-1]
    assert len(lines) % 2 == 0
    parsed = [json.loads(line) for line in lines]
    actions, sources = parsed[0::2], parsed[1::2]
    assert all(list(action) == ["index"] for action in actions)
    assert all("index" not in source and "text" in source for source in sources)
    return list(zip(actions, sources, strict=True))


def stored_sentences(index_dir: Path) -> dict[tuple[str, int], dict]:
    """Every sentence document's stored fields, read through Whoosh alone."""
    from search.engine import store

    with store.reading(index_dir) as searcher:
        return {
            (fields["path"], fields["sentence"]): fields
            for fields in searcher.documents()
            if fields.get("kind") != "article"
        }


def source_sentences(folder: Path) -> dict[tuple[str, int], tuple[str, str | None]]:
    """(path, number) -> (text, date) of every article file, as the splitter gives them."""
    found = {}
    for path in sorted(folder.iterdir()):
        article = parse_article(path.read_bytes(), path)
        for sentence in article.sentences:
            found[(str(path.resolve()), sentence.number)] = (sentence.text, article.iso_date)
    return found


@pytest.fixture
def generated(tmp_path: Path, monkeypatch) -> Path:
    """A folder of 1,000 news-like sentences from the benchmark's corpus generator."""
    spec = importlib.util.spec_from_file_location("bench_corpus", REPO / "benchmarks/corpus.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclasses look themselves up
    spec.loader.exec_module(module)
    folder = tmp_path / "generated"
    module.generate(folder, 1000, seed=13)
    return folder


@pytest.fixture
def generated_index(tmp_path: Path, generated: Path) -> Path:
    index_dir = tmp_path / "generated-index"
    result = invoke("index", str(generated), "--index-dir", str(index_dir))
    assert result.exit_code == 0, result.stderr
    return index_dir


# Bulk and JSON Lines ------------------------------------------------------------------


@pytest.mark.parametrize("which", ["seed", "corpus"])
def test_bulk_output_round_trips_every_sentence(
    which, seed_index, seed_articles, corpus_index, corpus
):
    index_dir, folder = (seed_index, seed_articles) if which == "seed" else (corpus_index, corpus)
    result = export(index_dir, "--format", "es-bulk", "--index-name", "news")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""  # no progress bar off a terminal
    pairs = bulk_pairs(result.stdout)

    expected = source_sentences(folder)
    stored = stored_sentences(index_dir)
    assert [(s["path"], s["sentence"]) for _a, s in pairs] == sorted(expected)
    ids = [action["index"]["_id"] for action, _s in pairs]
    assert len(set(ids)) == len(ids)
    for action, source in pairs:
        key = (source["path"], source["sentence"])
        fields = stored[key]
        assert action["index"] == {"_index": "news", "_id": f"{article_key(key[0])}:{key[1]}"}
        assert (source["text"], source["date"]) == expected[key]
        assert source["article"] == Path(source["path"]).stem
        assert source["name"] == fields.get("name", fields["article"])
        assert source.get("title") == fields.get("title")
        assert source.get("url") == fields.get("url")
        required = {"text", "article", "path", "name", "sentence", "date", "language"}
        assert required <= set(source) <= required | {"title", "url"}


def test_an_updated_article_exports_its_new_sentences_only(corpus, corpus_index):
    changed = corpus / "2025-01_ceasefire.txt"
    changed.write_text("January 21, 2025\nThe talks in Geneva collapsed.\n", encoding="utf-8")
    (corpus / "undated_briefing.txt").unlink()
    assert invoke("index", str(corpus), "--index-dir", str(corpus_index)).exit_code == 0
    pairs = bulk_pairs(export(corpus_index).stdout)
    expected = source_sentences(corpus)
    assert {(s["path"], s["sentence"]): (s["text"], s["date"]) for _a, s in pairs} == expected
    assert len(pairs) == len(expected)


def test_reexport_is_byte_identical(corpus_index):
    first = export(corpus_index, "--format", "es-bulk")
    second = export(corpus_index, "--format", "es-bulk")
    assert first.exit_code == second.exit_code == 0
    assert first.stdout_bytes == second.stdout_bytes


def test_export_ids_survive_a_same_named_file_coming_and_going(tmp_path):
    """Adding `sport/001.txt` renames `001` to `politics/001`, but no `_id` moves, so loading
    the new export replaces the old documents instead of duplicating them."""
    politics = tmp_path / "articles" / "politics"
    politics.mkdir(parents=True)
    (politics / "001.txt").write_text("Labour wins.\n\nThe vote was close. It ended late.\n")
    index_dir = tmp_path / "index"
    assert invoke("index", "-q", str(politics.parent), "--index-dir", str(index_dir)).exit_code == 0

    def ids() -> dict[tuple[str, int], str]:
        pairs = bulk_pairs(export(index_dir).stdout)
        return {(source["name"], source["sentence"]): a["index"]["_id"] for a, source in pairs}

    before = ids()
    sport = tmp_path / "articles" / "sport"
    sport.mkdir()
    (sport / "001.txt").write_text("Chelsea win.\n\nThe match was close.\n")
    assert invoke("index", "-q", str(politics.parent), "--index-dir", str(index_dir)).exit_code == 0
    after = ids()
    assert sorted(before) == [("001", 1), ("001", 2), ("001", 3)]
    assert {
        (name, number): key for (name, number), key in after.items() if name == "politics/001"
    } == {("politics/001", n): before[("001", n)] for n in (1, 2, 3)}
    assert len(set(after.values())) == len(after) == 5
    (sport / "001.txt").unlink()
    assert invoke("index", "-q", str(politics.parent), "--index-dir", str(index_dir)).exit_code == 0
    assert ids() == before


def test_an_undated_article_exports_a_null_date(corpus_index):
    pairs = bulk_pairs(export(corpus_index).stdout)
    dates = {source["article"]: source["date"] for _a, source in pairs}
    assert dates["undated_briefing"] is None
    assert dates["2025-06_elections"] == "2025-06-02"


def test_jsonl_holds_the_bulk_sources(corpus_index):
    bulk = export(corpus_index, "--format", "es-bulk")
    jsonl = export(corpus_index, "--format", "jsonl")
    assert jsonl.exit_code == 0
    assert jsonl.stdout.endswith("\n")
    sources = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert sources == [source for _action, source in bulk_pairs(bulk.stdout)]


def test_non_ascii_text_is_written_as_utf8(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    text = "İstanbul, 3 March 2025\nZelenskyy met Erdoğan in Ankara — a “second round”.\n"
    (folder / "erdogan.txt").write_text(text, encoding="utf-8")
    index_dir = tmp_path / "index"
    assert invoke("index", str(folder), "--index-dir", str(index_dir)).exit_code == 0
    result = export(index_dir, "--format", "jsonl")
    assert "Erdoğan in Ankara — a “second round”." in result.stdout_bytes.decode("utf-8")


@pytest.mark.parametrize(
    ("args", "articles"),
    [
        (["--since", "2025-03-11"], {SEED_NAME, "2025-06_elections"}),
        (["--until", "2025-03-10"], {"2025-01_ceasefire"}),
        (["--since", "2025-02-01", "--until", "2025-05-31"], {SEED_NAME}),
        (["ceasefire"], {SEED_NAME, "2025-01_ceasefire", "undated_briefing"}),
        (["ceasefire", "--since", "2025-01-01"], {SEED_NAME, "2025-01_ceasefire"}),
        (["ceasefire", "--until", "2025-02-01"], {"2025-01_ceasefire"}),
        (["patrolled"], {"undated_briefing"}),
        (["--any", "autumn", "Geneva"], {"2025-06_elections", "2025-01_ceasefire"}),
    ],
)
@pytest.mark.parametrize("few", [0, 10_000], ids=["walk-articles", "sort-matches"])
def test_dates_and_a_query_restrict_the_export(corpus_index, args, articles, few, monkeypatch):
    monkeypatch.setattr("search.engine.searching._FEW_DOCUMENTS", few)
    result = export(corpus_index, "--format", "jsonl", *args)
    assert result.exit_code == 0, result.stderr
    exported = [json.loads(line) for line in result.stdout.splitlines()]
    assert {document["article"] for document in exported} == articles
    assert [(d["path"], d["sentence"]) for d in exported] == sorted(
        (d["path"], d["sentence"]) for d in exported
    )


def test_a_query_exports_exactly_its_hits(corpus_index):
    result = export(corpus_index, "--format", "jsonl", "Turkey", "peacekeeping")
    exported = [json.loads(line) for line in result.stdout.splitlines()]
    found = [(d["article"], d["sentence"]) for d in exported if d["article"] == SEED_NAME]
    assert found == SEED_TURKEY_PEACEKEEPING
    assert {d["article"] for d in exported} == {SEED_NAME, "2025-06_elections"}


def test_nothing_to_export_exits_1_with_no_output(corpus_index):
    result = export(corpus_index, "--since", "2030-01-01")
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "")


@pytest.mark.parametrize(
    ("args", "phrases"),
    [
        (["--format", "es-index", "ceasefire"], ["es-index writes the mapping only"]),
        (["--format", "es-index", "--since", "2025-01-01"], ["es-index writes the mapping only"]),
        (["--format", "jsonl", "--to", "http://localhost:9"], ["--to loads es-bulk"]),
        (["--since", "2025-13-01"], ["--since", "YYYY-MM-DD"]),
        (["--format", "csv"], ["csv"]),
        (["*"], ["has no letter"]),
    ],
)
def test_bad_export_options_are_one_line(corpus_index, args, phrases):
    assert_one_line_error(export(corpus_index, *args), *phrases)


def test_no_index_is_one_line(tmp_path):
    assert_one_line_error(export(tmp_path / "nowhere"), "no index")


def test_to_refuses_what_is_not_a_url(corpus_index):
    assert_one_line_error(export(corpus_index, "--to", "localhost:9200"), "is not a URL")


@pytest.mark.parametrize(
    ("query", "since", "until"),
    [
        (None, None, None),
        (None, "2025-03-11", None),
        (None, None, "2025-03-10"),
        ("ceasefire", None, None),
        ("Turkey peacekeeping", "2025-01-01", "2025-12-31"),
    ],
)
def test_the_count_for_the_progress_bar_is_what_is_exported(corpus_index, query, since, until):
    from search.engine.query import parse_query
    from search.engine.searching import SearchIndex

    parsed = parse_query(query, since=since, until=until) if query else None
    with SearchIndex.open(corpus_index) as index:
        exported = list(index.sentences(parsed, since, until))
        assert index.sentence_count(parsed, since, until) == len(exported) > 0


@pytest.mark.parametrize(("query", "since"), [("ceasefire", None), (None, "2025-01-01")])
def test_few_matches_sorted_in_memory_equal_the_walk_over_articles(
    corpus_index, monkeypatch, query, since
):
    from search.engine.query import parse_query
    from search.engine.searching import SearchIndex

    parsed = parse_query(query) if query else None
    with SearchIndex.open(corpus_index) as index:
        sorted_directly = list(index.sentences(parsed, since))
        monkeypatch.setattr("search.engine.searching._FEW_DOCUMENTS", 0)
        walked = list(index.sentences(parsed, since))
    assert sorted_directly == walked
    assert len(walked) > 1


def test_a_terminal_gets_a_progress_bar_and_stdout_the_documents(corpus_index, tmp_path):
    import pty
    import subprocess

    controller, terminal = pty.openpty()
    out = tmp_path / "out.ndjson"
    with open(out, "wb") as stdout:
        command = [str(SEARCH_BIN), "export", "--index-dir", str(corpus_index)]
        finished = subprocess.run(command, stdout=stdout, stderr=terminal, timeout=120)
    os.close(terminal)
    shown = b""
    with contextlib.suppress(OSError):
        while chunk := os.read(controller, 4096):
            shown += chunk
    os.close(controller)
    assert finished.returncode == 0
    assert b"Exporting" in shown and b"100%" in shown
    assert bulk_pairs(out.read_text(encoding="utf-8"))


# The mapping ----------------------------------------------------------------------------


def text_components() -> list:
    """The analyzer the index uses, from the schema itself."""
    return list(build_schema()["text"].analyzer.english.items)


def component(kind_name: str):
    found = [item for item in text_components() if type(item).__name__ == kind_name]
    return found[0] if found else None


def exported_text_analyzer() -> tuple[dict, dict, list[dict | str]]:
    analysis = index_body()["settings"]["analysis"]
    analyzer = analysis["analyzer"]["search_text"]
    filters = [analysis["filter"].get(name, name) for name in analyzer["filter"]]
    return analysis, analysis["tokenizer"][analyzer["tokenizer"]], filters


def test_the_mapping_matches_its_snapshot():
    result = invoke("export", "--format", "es-index")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json.loads(SNAPSHOT.read_text()), REGENERATE


def test_the_token_pattern_is_the_schemas():
    _analysis, tokenizer, _filters = exported_text_analyzer()
    from search.engine.words import WORD_PATTERN

    assert component("NewsroomTokenizer") is not None
    assert tokenizer["pattern"] == WORD_PATTERN
    assert tokenizer["group"] == 0
    assert "UNICODE_CHARACTER_CLASS" in tokenizer["flags"].split("|")


def test_the_stop_list_is_the_schemas():
    stop = component("StopFilter")
    stops = set(stop.stops) if stop is not None else set()
    _analysis, _tokenizer, filters = exported_text_analyzer()
    exported = [f for f in filters if isinstance(f, dict) and f["type"] == "stop"]
    if stops:
        assert [set(f["stopwords"]) for f in exported] == [stops]
    else:
        assert exported == []


def test_the_minimum_length_is_the_schemas():
    stop = component("StopFilter")
    _analysis, _tokenizer, filters = exported_text_analyzer()
    lengths = [f for f in filters if isinstance(f, dict) and f["type"] == "length"]
    if stop is None:
        assert lengths == []
    else:
        assert [(f["min"], f.get("max")) for f in lengths] == [(stop.min, stop.max)]


def test_keyword_date_and_number_fields():
    properties = index_body()["mappings"]["properties"]
    for name in ("article", "path", "name"):
        assert properties[name] == {"type": "keyword"}
    assert properties["date"]["type"] == "date"
    assert properties["sentence"]["type"] == "integer"
    assert properties["text"]["analyzer"] == "search_text"


def es_analyze(text: str, analysis: dict, analyzer_name: str = "search_text") -> list[str]:
    """A pure-Python reading of an exported ES analyzer chain (no Whoosh analysis code)."""
    from whoosh.lang.porter import stem

    definition = analysis["analyzer"][analyzer_name]
    tokenizer = analysis["tokenizer"][definition["tokenizer"]]
    assert tokenizer["type"] == "pattern"
    java_flags = {"UNICODE_CHARACTER_CLASS": re.UNICODE, "CASE_INSENSITIVE": re.IGNORECASE}
    flags = 0
    for name in filter(None, tokenizer["flags"].split("|")):
        flags |= java_flags[name]
    if "UNICODE_CHARACTER_CLASS" not in tokenizer["flags"]:
        flags |= re.ASCII
    pattern = re.compile(tokenizer["pattern"], flags)
    if tokenizer["group"] == -1:
        tokens = [token for token in pattern.split(text) if token]
    else:
        tokens = [match.group(tokenizer["group"]) for match in pattern.finditer(text)]
    keywords: set[str] = set()
    for name in definition["filter"]:
        spec = analysis["filter"].get(name, {"type": name})
        kind = spec["type"]
        if kind == "word_delimiter_graph":
            tokens = _delimited(tokens, spec)
        elif kind == "asciifolding":
            tokens = _folded(tokens, spec["preserve_original"])
        elif kind == "lowercase":
            tokens = [token.lower() for token in tokens]
        elif kind == "stop":
            tokens = [token for token in tokens if token not in set(spec["stopwords"])]
        elif kind == "length":
            most = spec.get("max", float("inf"))
            tokens = [token for token in tokens if spec["min"] <= len(token) <= most]
        elif kind == "keyword_marker":
            keywords = set(spec["keywords"])
        elif kind == "porter_stem":
            tokens = [token if token in keywords else stem(token) for token in tokens]
        else:
            raise AssertionError(f"the test cannot read the ES filter {kind}")
    return tokens


def _delimited(tokens: list[str], spec: dict) -> list[str]:
    """`word_delimiter_graph` as exported: split on every character that is not a letter or
    a digit, except those the type table makes ALPHANUM; the parts, then all of them joined."""
    assert spec["catenate_all"] and not spec["preserve_original"]
    assert not spec["split_on_case_change"] and not spec["split_on_numerics"]
    kept = "".join(re.escape(rule.split(" => ")[0]) for rule in spec["type_table"])
    assert "_" in kept  # else `\w` would keep what ES splits on
    delimiter = re.compile(rf"[^\w{kept}]")
    found = []
    for token in tokens:
        parts = [part for part in delimiter.split(token) if part]
        found.extend(parts)
        if len(parts) > 1:
            found.append("".join(parts))
    return found


def _folded(tokens: list[str], preserve_original: bool) -> list[str]:
    """`asciifolding`, as our fold models it (Lucene's table folds some symbols too)."""
    from search.engine.words import fold

    found = []
    for token in tokens:
        found.append(fold(token))
        if preserve_original and fold(token) != token:
            found.append(token)
    return found


def whoosh_tokens(text: str, field: str = "text") -> list[str]:
    """Our tokens with only the word rules that ES can express (the mapping's `_meta` names
    the others)."""
    from search.engine.analysis import LanguageAnalyzer
    from search.engine.words import NewsroomTokenizer

    analyzer = build_schema()[field].analyzer
    if isinstance(analyzer, LanguageAnalyzer):  # English text: its English analyzer
        analyzer = analyzer.english
    tokenizer, *filters = list(getattr(analyzer, "items", [analyzer]))
    expressible = NewsroomTokenizer(tokenizer.field, expressible=True)
    for component in filters:
        expressible = expressible | component
    return [token.text for token in expressible(text)]


@pytest.mark.parametrize("field", ["text", "words"])
def test_the_rules_es_cannot_express_are_named_in_the_mapping(field):
    from search.engine.mapping import NOT_EXPRESSED

    meta = index_body()["mappings"]["_meta"]["search"]["not_expressed"]
    assert set(NOT_EXPRESSED[field]) <= set(meta)
    assert any("acronyms" in rule for rule in meta)


def test_the_exported_analyzer_gives_whooshs_tokens_on_1000_sentences(generated_index):
    analysis = index_body()["settings"]["analysis"]
    texts = [fields["text"] for fields in stored_sentences(generated_index).values()]
    assert len(texts) == 1000
    differing = [t for t in texts if es_analyze(t, analysis) != whoosh_tokens(t)]
    assert differing == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=80))
def test_the_exported_analyzer_gives_whooshs_tokens_on_any_text(text):
    assert es_analyze(text, index_body()["settings"]["analysis"]) == whoosh_tokens(text)


def test_every_text_field_of_the_schema_gets_its_analyzer():
    from whoosh.fields import TEXT

    analysis = index_body()["settings"]["analysis"]
    schema = build_schema()
    for name in schema.names():
        if isinstance(schema[name], TEXT):
            assert f"search_{name}" in analysis["analyzer"]
            sample = "Turkey's peacekeeping offers, the U.S. and NATO's 2025 talks"
            assert es_analyze(sample, analysis, f"search_{name}") == whoosh_tokens(sample, name)


def test_a_separator_pattern_becomes_a_split():
    from whoosh.analysis import RegexTokenizer

    assert translate_tokenizer(RegexTokenizer(r"\s+", gaps=True))["group"] == -1


@pytest.mark.parametrize(
    "make",
    [
        lambda a: a.CharsetFilter({}),
        lambda a: a.NgramFilter(2, 3),
        lambda a: a.StemFilter(lang="ru"),
        lambda a: a.StemFilter(stemfn=str.upper),
        lambda a: a.StripFilter(),
    ],
    ids=["charset", "ngram", "snowball", "own-stemmer", "strip"],
)
def test_a_filter_without_an_equivalent_is_refused(make):
    from whoosh import analysis

    with pytest.raises(ExportError, match="equivalent"):
        translate_filter(make(analysis))


def test_a_tokenizer_without_an_equivalent_is_refused():
    from whoosh.analysis import CharsetTokenizer

    with pytest.raises(ExportError, match="CharsetTokenizer"):
        translate_tokenizer(CharsetTokenizer({}))


def test_words_never_stemmed_are_marked_as_keywords():
    from whoosh.analysis import StemFilter

    assert translate_filter(StemFilter(ignore=["news"])) == [
        {"type": "keyword_marker", "keywords": ["news"]},
        "porter_stem",
    ]


class FakeCluster:
    """The parts of a client and its helpers that `load` uses, recording what it is sent."""

    def __init__(self, refuse: bool = False) -> None:
        self.created: dict = {}
        self.sent: list[dict] = []
        self.options: dict = {}
        self.refuse = refuse
        self.indices = self

    def exists(self, index: str) -> bool:
        return index in self.created

    def refresh(self, index: str) -> None:
        assert index in self.created

    def create(self, client, name: str, body: dict) -> None:
        self.created[name] = body

    def streaming_bulk(self, client, actions, **options):
        self.options = options
        for action in actions:
            self.sent.append(action)
            yield (not self.refuse, {"index": {"_id": action["_id"], "status": 400}})


@pytest.mark.parametrize("refuse", [False, True])
def test_load_creates_the_index_and_streams_every_sentence(corpus_index, refuse):
    from search.engine.searching import SearchIndex
    from search.present.export import _load, index_body

    cluster = FakeCluster(refuse)
    with SearchIndex.open(corpus_index) as index:
        expected = [(f["article"], f["sentence"]) for f in index.sentences()]
        if refuse:
            with pytest.raises(ExportError, match="refused"):
                _load(cluster, cluster, cluster.create, "news", index.sentences(), None)
            return
        loaded = _load(cluster, cluster, cluster.create, "news", index.sentences(), None)
    assert loaded == len(expected)
    assert cluster.created == {"news": index_body()}
    assert [(a["article"], a["sentence"]) for a in cluster.sent] == expected
    assert all(
        a["_index"] == "news" and a["_id"] == f"{article_key(a['path'])}:{a['sentence']}"
        for a in cluster.sent
    )
    assert cluster.options["max_retries"] > 0  # the helper retries what a 429 refused


# A live cluster (only with SEARCH_TEST_ES_URL) --------------------------------------------


def es_request(method: str, path: str, body=None, ndjson: bool = False):
    data = None
    headers = {}
    if body is not None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        headers["Content-Type"] = "application/x-ndjson" if ndjson else "application/json"
    request = urllib.request.Request(ES_URL.rstrip("/") + path, data, headers, method=method)
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"null")


@pytest.mark.skipif(not ES_URL, reason="SEARCH_TEST_ES_URL is not set: no cluster to check")
def test_live_cluster_analyzes_loads_counts_and_searches(seed_index, tmp_path):
    name = f"search-test-{os.getpid()}"
    mapping = invoke("export", "--format", "es-index").stdout
    es_request("PUT", f"/{name}", mapping)
    try:
        sample = [fields["text"] for fields in stored_sentences(seed_index).values()]
        for text in sample[:10]:
            analyzed = es_request(
                "POST", f"/{name}/_analyze", {"analyzer": "search_text", "text": text}
            )
            assert [token["token"] for token in analyzed["tokens"]] == whoosh_tokens(text)

        bulk = export(seed_index, "--format", "es-bulk", "--index-name", name).stdout
        response = es_request("POST", "/_bulk?refresh=true", bulk, ndjson=True)
        assert response["errors"] is False
        assert es_request("GET", f"/{name}/_count")["count"] == len(sample)

        query = {"query": {"match": {"text": {"query": "Turkey peacekeeping", "operator": "and"}}}}
        found = es_request("POST", f"/{name}/_search", query)["hits"]["hits"]
        assert sorted((h["_source"]["name"], h["_source"]["sentence"]) for h in found) == (
            SEED_TURKEY_PEACEKEEPING
        )
        if importlib.util.find_spec("elasticsearch") or importlib.util.find_spec("opensearchpy"):
            loaded = export(seed_index, "--to", ES_URL, "--index-name", f"{name}-to")
            assert loaded.exit_code == 0, loaded.stderr
            assert es_request("GET", f"/{name}-to/_count")["count"] == len(sample)
            es_request("DELETE", f"/{name}-to")
    finally:
        es_request("DELETE", f"/{name}")
