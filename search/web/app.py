"""`search serve`: a web page and a JSON API over the index, on a local port.

The server only asks `Index` (search/index.py): a query is parsed with `question` and
answered by `Index.answer`, the command line's one call; what it adds is the web around them:

- Every search runs in a small thread pool, under a time limit per request, so a
  slow query cannot hold the event loop. Whoosh searchers are not thread-safe,
  so each `Index` is lent to one thread at a time (`IndexPool`), reused
  while the index is unchanged, and closed once a commit or a `--rebuild` swap
  made it stale (checked at most every half second, with a stat and a listing).
- Everything shown is escaped: Jinja2 autoescapes, and highlights are built from
  the library's match spans with markupsafe, never inside an attribute. Every
  response carries a strict Content-Security-Policy (no inline script or style,
  nothing from another origin) and `nosniff`.
- Read-only: every route is GET (and HEAD); other methods get 405.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import json
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from .. import __version__
from ..errors import BadRequest, InputError, Overloaded, QueryError, QueryTimeoutError, SearchError
from ..index import (
    TREND_BY,
    Index,
    Options,
    Question,
    check_date,
    check_range,
    live_snapshot,
    question,
)
from ..model import SCOPES, SIGNIFICANCE, SORTS
from ..present import json as records
from . import chart

PACKAGE = Path(__file__).resolve().parent
WORKERS = 4
TIME_LIMIT = 10.0  # seconds a request may wait for its search
FRESHNESS_INTERVAL = 0.5  # seconds between two looks at the index on disk
MAX_LIMIT = 1000
MAX_WORDS = 1000  # /api/words' n, as `search words -n`
MAX_QUERIES = 10  # /api/trend's repeated q
MAX_DIGITS = 18  # the longest number a parameter may have (a page, an offset, a sentence)
MAX_WINDOW = 10_000  # offset + limit, as Elasticsearch's index.max_result_window
PAGE_SIZE = 10
PAGE_WORDS = 12  # distinctive words on the page
PAGE_SAMPLE = 500  # matching sentences the page reads for them (`search words`: 2,000)
OVERVIEWS = 64  # the page's overviews kept (see Overviews)
MEASURES = ("articles", "share")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_TRUE = {"1", "true", "on", "yes"}
_FALSE = {"", "0", "false", "off", "no"}


# The index, lent to one thread at a time ---------------------------------------------


class IndexPool:
    """Open `Index` objects for the worker threads.

    An index is lent to one thread at a time and given back after the request.
    Every FRESHNESS_INTERVAL seconds (at most) the live snapshot on disk is read;
    idle indexes of an older snapshot are closed, and a lent one is closed when it
    comes back. So a commit is seen within a second, no request ever reads a
    half-written state (an index opens a whole committed snapshot), and the number
    of open files stays bounded by the number of workers.
    """

    def __init__(self, folder: Path, size: int = WORKERS, interval: float = FRESHNESS_INTERVAL):
        self.folder = folder
        self.size = size
        self.interval = interval
        self._lock = threading.Lock()
        self._idle: list[Index] = []
        self._live: tuple | None = None
        self._checked = float("-inf")

    @contextmanager
    def lend(self) -> Iterator[Index]:
        index = self._take()
        try:
            yield index
        finally:
            self._give_back(index)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for index in idle:
            index.close()

    def _take(self) -> Index:
        stale = []
        with self._lock:
            now = time.monotonic()
            if now - self._checked >= self.interval:
                self._checked = now
                self._live = live_snapshot(self.folder)
                stale = [index for index in self._idle if index.snapshot != self._live]
                self._idle = [index for index in self._idle if index.snapshot == self._live]
            index = self._idle.pop() if self._idle else None
        for old in stale:
            old.close()
        if index is not None:
            return index
        index = Index.open(self.folder)
        with self._lock:
            # Opening read the newest snapshot: that is now the live one.
            self._live, self._checked = index.snapshot, time.monotonic()
        return index

    def _give_back(self, index: Index) -> None:
        with self._lock:
            keep = index.snapshot == self._live and len(self._idle) < self.size
            if keep:
                self._idle.append(index)
        if not keep:
            index.close()


class Searcher:
    """Runs work on a lent index in the worker threads, within the time limit."""

    def __init__(self, folder: Path, workers: int = WORKERS, time_limit: float = TIME_LIMIT):
        self.pool = IndexPool(folder, size=workers)
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="search")
        self.time_limit = time_limit

    async def run(self, work: Callable[[Index], Any]) -> Any:
        def job():
            with self.pool.lend() as index:
                # The library stops the search itself, so the thread is free again too.
                index.budget = self.time_limit
                return work(index)

        future = asyncio.get_running_loop().run_in_executor(self.executor, job)
        try:
            return await asyncio.wait_for(future, self.time_limit)
        except asyncio.TimeoutError:
            raise Overloaded(
                f"the search took longer than {self.time_limit:g} s; make the query narrower"
            ) from None

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.pool.close()


# Requests --------------------------------------------------------------------------


def _one(request: Request, name: str, default: str = "") -> str:
    return request.query_params.get(name, default)


def _flag(request: Request, name: str) -> bool:
    value = _one(request, name).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise BadRequest(f"{name}={value!r} is not a yes/no value; use 1 or 0")


def _number(request: Request, name: str, default: int, low: int) -> int:
    """A whole-number parameter of at least `low` (BadRequest if not).

    Its digits are counted before they are converted: Python refuses to convert more than
    4,300 of them, and no count, page or sentence number here needs more than MAX_DIGITS.
    """
    text = _one(request, name).strip()
    if not text:
        return default
    if not (text.isascii() and text.isdigit()):
        raise BadRequest(f"{name}={_shown(text)!r} is not a whole number of at least {low}")
    digits = text.lstrip("0") or "0"
    if len(digits) > MAX_DIGITS:
        raise BadRequest(f"{name}={_shown(text)} is too large (at most {MAX_DIGITS} digits)")
    value = int(digits)
    if value < low:
        raise BadRequest(f"{name}={_shown(text)!r} is not a whole number of at least {low}")
    return value


def _shown(text: str, width: int = 20) -> str:
    """A parameter's value as an error quotes it: its first `width` characters."""
    return text if len(text) <= width else text[:width] + "..."


def _dates(request: Request) -> tuple[str | None, str | None]:
    """The `since` and `until` of a request as days (QueryError if either is no date, or
    the range they make is empty, named as the page and the API name them)."""
    since, until = _date(request, "since"), _date(request, "until")
    check_range(since, until)
    return since, until


def _date(request: Request, name: str) -> str | None:
    text = _one(request, name).strip()
    return check_date(text, name, last=name == "until") if text else None


def _sort(request: Request) -> str:
    sort = _one(request, "sort", "relevance") or "relevance"
    if sort not in SORTS:
        raise BadRequest(f"sort={sort!r} is not one of {', '.join(SORTS)}")
    return sort


def _scope(request: Request) -> str:
    scope = _one(request, "scope", "sentence") or "sentence"
    if scope not in SCOPES:
        raise BadRequest(f"scope={scope!r} is not one of {', '.join(SCOPES)}")
    return scope


def _parsed(request: Request) -> tuple[Question, Options]:
    """The query of a request, parsed with its filters (QueryError: a 400), and the options
    of its answer (with the total; the caller sets the page)."""
    options = replace(
        _filters(request),
        include_undated=_flag(request, "include_undated"),
        copies=_flag(request, "copies"),
    )
    parsed = question(_one(request, "q"), options)
    return parsed, replace(options, total=True)


def _window(offset: int, limit: int) -> None:
    if offset + limit > MAX_WINDOW:
        raise BadRequest(
            f"offset + limit is {offset + limit}; the limit is {MAX_WINDOW}, narrow the query"
        )


def _results(index: Index, parsed, options: Options) -> dict:
    """One page of hits, the total, the top score, the undated matches a date filter left
    out and (for a miss) a suggestion and what `any` would find: the one `Index.answer`."""
    started = time.perf_counter()
    answer = index.answer(parsed, options)
    return {
        "hits": answer.hits,
        "articles": answer.in_articles,
        "scope_count": answer.scope_count,
        "total": answer.total,
        "max_score": answer.max_score,
        "suggestion": answer.did_you_mean,
        "undated_left_out": answer.undated_left_out,
        "any_count": answer.any_count,
        "took": round((time.perf_counter() - started) * 1000),
    }


class Overviews:
    """The page's overviews of the last OVERVIEWS queries asked, by index snapshot: the
    next page of hits, a click on a bar (a date filter) or the raw / share switch shows
    the same overview, so only the first view of a query pays for it."""

    def __init__(self, size: int = OVERVIEWS) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple, dict] = OrderedDict()

    def get(self, index: Index, parsed, compare, by: str, scope: str = "sentence") -> dict:
        # The questions themselves (language and --any included), whatever their dates.
        key = (
            index.snapshot,
            _everywhen(parsed),
            _everywhen(compare) if compare else None,
            by,
            scope,
        )
        with self._lock:
            if key in self._kept and key[0] is not None:
                self._kept.move_to_end(key)
                return self._kept[key]
        found = _overview(index, parsed, compare, by, scope)
        with self._lock:
            self._kept[key] = found
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return found


def _overview(index: Index, parsed, compare, by: str, scope: str = "sentence") -> dict:
    """What the page shows around the hits, over every date whatever the page's date filter:
    the query's trend (and its comparison's), its sources, and its distinctive words (on a
    smaller sample than `search words`)."""
    queries = [parsed] if compare is None else [parsed, compare]
    scoped = Options(scope=scope)
    return {
        "trend": index.trend(queries, by, scoped),
        "sources": index.trend([parsed], "source", scoped),
        "words": index.words(_everywhen(parsed), scoped, limit=PAGE_WORDS, sample=PAGE_SAMPLE),
    }


def _everywhen(asked: Question) -> Question:
    """The question over every date: what the page's overview shows, whatever its filter."""
    return replace(asked, since=None, until=None, include_undated=False)


# Highlighting: escaped text, our own tags around the library's match spans ----------


def highlighted(text: str, spans, tag: str = "mark") -> Markup:
    """`text` escaped, with each matched span wrapped in `<tag>` (never in an attribute)."""
    parts = []
    cursor = 0
    for start, end in sorted(spans):
        if start < cursor:
            continue
        parts.append(escape(text[cursor:start]))
        parts.append(Markup(f"<{tag}>") + escape(text[start:end]) + Markup(f"</{tag}>"))
        cursor = end
    parts.append(escape(text[cursor:]))
    return Markup("").join(parts)


# The API -----------------------------------------------------------------------------


def _marked(text: str, spans) -> str:
    """A sentence as the API highlights it: escaped, each matched span in `<em>`."""
    return str(highlighted(text, spans, "em"))


async def api_search(request: Request) -> Response:
    parsed, options = _parsed(request)
    sort = _sort(request)
    asked = _number(request, "limit", 10, 1)
    limit = min(asked, MAX_LIMIT)
    offset = _number(request, "offset", 0, 0)
    _window(offset, limit)
    options = replace(options, sort=sort, limit=limit, offset=offset)
    found = await _searcher(request).run(lambda index: _results(index, parsed, options))
    capped = {"asked": asked, "limit": limit, "next_offset": offset + limit}
    return JSONResponse(
        {
            "took": found["took"],
            "timed_out": False,
            "hits": {
                "total": {"value": found["total"], "relation": "eq"},
                "max_score": found["max_score"],
                "hits": [records.search_hit(hit, _marked) for hit in found["hits"]]
                + [records.search_article(match, _marked) for match in found["articles"]],
                "undated_left_out": found["undated_left_out"],
            },
            "did_you_mean": found["suggestion"],
            # A script that asked for more than one response gives is told, not cut short.
            **({"limit_capped": capped} if asked > limit else {}),
        }
    )


async def api_article(request: Request) -> Response:
    name = request.path_params["name"]
    found = await _searcher(request).run(lambda index: index.article(name))
    return JSONResponse(records.article_text(found))


async def not_found(request: Request) -> Response:
    """Any other path: a 404 for GET, a 405 for any other method (the app is read-only)."""
    raise HTTPException(404, "Not Found")


async def api_status(request: Request) -> Response:
    status = await _searcher(request).run(lambda index: index.status())
    return JSONResponse(records.status(status))


def _filters(request: Request) -> Options:
    """`any`, `since`, `until`, `scope` and `lang`, as every query of the API and the page
    takes them (`search query`, `trend` and `words` take them as --any, --since, --until,
    --scope and --lang)."""
    since, until = _dates(request)
    return Options(
        match_any=_flag(request, "any"),
        since=since,
        until=until,
        scope=_scope(request),
        language=_one(request, "lang").strip() or None,
    )


def _by(request: Request, default: str = "month") -> str:
    by = _one(request, "by", default) or default
    if by not in TREND_BY:
        raise BadRequest(f"by={by!r} is not one of {', '.join(TREND_BY)}")
    return by


def _trend_buckets(trend, text: str) -> list[dict]:
    """One query's buckets, as Elasticsearch's date_histogram (or terms) gives them."""
    return [records.trend_bucket(row) for row in trend.buckets if row.query == text]


async def api_trend(request: Request) -> Response:
    texts = request.query_params.getlist("q")
    if not texts:
        raise BadRequest("q is missing; give a query, and repeat q to compare")
    if len(texts) > MAX_QUERIES:
        raise BadRequest(f"{len(texts)} queries (q) is too many; compare at most {MAX_QUERIES}")
    options = _filters(request)
    parsed = [question(text, options) for text in texts]
    by = _by(request)
    started = time.perf_counter()
    trend = await _searcher(request).run(lambda index: index.trend(parsed, by, options))
    per_query = {}
    for entry, text in zip(trend.undated, trend.queries, strict=True):
        buckets = _trend_buckets(trend, text)
        per_query[text] = {
            "doc_count": sum(bucket["articles"] for bucket in buckets),
            "undated": {"articles": entry.articles, "sentences": entry.sentences},
            "trend": {"buckets": buckets},
        }
    return JSONResponse(
        {
            "took": round((time.perf_counter() - started) * 1000),
            "timed_out": False,
            "by": by,
            "aggregations": {
                "trend": per_query[trend.queries[0]]["trend"],
                "queries": {"buckets": per_query},
            },
        }
    )


async def api_words(request: Request) -> Response:
    options = _filters(request)
    parsed = question(_one(request, "q"), options)
    limit = _number(request, "n", 20, 1)
    if limit > MAX_WORDS:
        raise BadRequest(f"n={limit} is too many; at most {MAX_WORDS} terms in each list")
    score = _one(request, "score", "g2") or "g2"
    if score not in SIGNIFICANCE:
        raise BadRequest(f"score={score!r} is not one of {', '.join(SIGNIFICANCE)}")
    started = time.perf_counter()
    found = await _searcher(request).run(
        lambda index: index.words(parsed, options, limit=limit, score=score)
    )
    return JSONResponse(
        {
            "took": round((time.perf_counter() - started) * 1000),
            "timed_out": False,
            "sample": {"size": found.sample, "sampled": found.sampled},
            "score": found.score,
            "aggregations": {
                "words": records.significant(found.words, found),
                "phrases": records.significant(found.phrases, found),
                "names": records.significant(found.names, found),
            },
        }
    )


async def api_openapi(request: Request) -> Response:
    return Response(request.app.state.openapi, media_type=JSONResponse.media_type)


# The page ----------------------------------------------------------------------------


async def page_search(request: Request) -> Response:
    form = {
        "q": _one(request, "q"),
        "any": _one(request, "any").strip().lower() in _TRUE,
        "since": _one(request, "since"),
        "until": _one(request, "until"),
        "include_undated": _one(request, "include_undated").strip().lower() in _TRUE,
        "copies": _one(request, "copies").strip().lower() in _TRUE,
        "sort": _one(request, "sort", "relevance"),
        "compare": _one(request, "compare"),
        "scope": _one(request, "scope", "sentence"),
        "lang": _one(request, "lang").strip(),
    }
    context: dict[str, Any] = {
        "form": form,
        "sorts": SORTS,
        "error": None,
        "found": None,
        "overview": None,
        "alerts": [],
        "languages": [],
    }
    if not _one(request, "q").strip():
        folder = request.app.state.searcher.pool.folder
        context["alerts"] = await asyncio.get_running_loop().run_in_executor(
            None, alert_rows, folder
        )
        context["languages"] = await _languages(request)
        return _page(request, "search.html", context)
    try:
        parsed, options = _parsed(request)
        sort = _sort(request)
        page = _number(request, "page", 1, 1)
        offset = (page - 1) * PAGE_SIZE
        _window(offset, PAGE_SIZE)
        options = replace(options, sort=sort, limit=PAGE_SIZE, offset=offset)
        by = _by(request)
        if by == "source":
            raise BadRequest("by=source is not a chart over time; use day, week, month or year")
        share = _measure(request) == "share"
        compare = _compare(request, options)

        def answer(index: Index) -> tuple[dict, dict, list[str]]:
            overview = request.app.state.overviews.get(index, parsed, compare, by, options.scope)
            return _results(index, parsed, options), overview, _offered(index)

        found, overview, context["languages"] = await _searcher(request).run(answer)
    except (QueryError, BadRequest) as error:
        context["error"] = _said(error)
        context["languages"] = await _languages(request)
        return _page(request, "search.html", context, status=_status_of(error, request))
    pages = max(1, -(-found["total"] // PAGE_SIZE))
    context.update(
        found=found,
        page=page,
        pages=pages,
        page_url=lambda number: _url(request, "/", page=number),
        article_url=lambda hit, sentence=None: _sentence_url(request, hit, sentence),
        suggestion_url=_url(request, "/", q=found["suggestion"], page=None)
        if found["suggestion"]
        else None,
        undated_url=_url(request, "/", include_undated="1", page=None),
        any_url=_url(request, "/", any="1", page=None),
        overview=_shown_overview(request, overview, by, share, form),
        scope_url=_url(request, "/", scope="article", page=None),
    )
    return _page(request, "search.html", context)


async def _languages(request: Request) -> list[str]:
    """The languages the form offers: the index's, when it holds more than English (and
    none when the index cannot be read: the page says why elsewhere)."""
    try:
        return await _searcher(request).run(_offered)
    except SearchError:
        return []


def _offered(index: Index) -> list[str]:
    languages = index.languages()
    return languages if len(languages) > 1 else []


def _measure(request: Request) -> str:
    measure = _one(request, "measure", "articles") or "articles"
    if measure not in MEASURES:
        raise BadRequest(f"measure={measure!r} is not one of {', '.join(MEASURES)}")
    return measure


def _compare(request: Request, options: Options) -> Question | None:
    """The page's second query, to chart beside the first (None if none is given)."""
    text = _one(request, "compare").strip()
    if not text:
        return None
    try:
        return question(text, options)
    except QueryError as error:
        raise BadRequest(f"compare: {_said(error)}") from None


def _shown_overview(request: Request, overview: dict, by: str, share: bool, form: dict) -> dict:
    """The chart, the sources and the words as the page links them."""
    trend = overview["trend"]
    since, until = form["since"], form["until"]

    def link(row) -> str | None:
        if row.start is None:
            return None
        end = chart.bucket_end(by, row.start)
        return _url(request, "/", since=row.start.isoformat(), until=end.isoformat(), page=None)

    def selected(row) -> bool:
        if row.start is None:
            return False
        end = chart.bucket_end(by, row.start).isoformat()
        return since == row.start.isoformat() and until == end

    text = trend.queries[0]
    title = f"{'Share of articles' if share else 'Articles'} matching {text} by {by}"
    if len(trend.queries) > 1:
        title += f", compared with {trend.queries[1]}"
    query = form["q"].strip()
    sources = [
        {
            "name": row.bucket,
            "articles": row.articles,
            "url": _url(request, "/", q=f"{query} source:{_quoted_term(row.bucket)}", page=None),
        }
        for row in sorted(overview["sources"].buckets, key=lambda r: (-r.articles, r.bucket))
        if row.articles
    ]
    words = [
        {
            "term": term.term,
            "url": _url(request, "/", q=f"{query} {_quoted_term(term.term)}", page=None),
        }
        for term in overview["words"].words + overview["words"].phrases
    ]
    undated = [entry for entry in trend.undated if entry.articles]
    return {
        "svg": chart.svg(chart.bars(trend, share, link, selected), share, title),
        "by": by,
        "by_urls": [
            (unit, _url(request, "/", by=unit, page=None), unit == by)
            for unit in TREND_BY
            if unit != "source"
        ],
        "share": share,
        "measure_urls": [
            (measure, _url(request, "/", measure=measure, page=None), share == (measure == "share"))
            for measure in MEASURES
        ],
        "queries": trend.queries,
        "undated": undated,
        "sources": sources,
        "words": words[:PAGE_WORDS],
        "all_dates_url": _url(request, "/", since=None, until=None, page=None)
        if since or until
        else None,
    }


def _quoted_term(term: str) -> str:
    return f'"{term}"' if " " in term else term


def alert_rows(folder: Path) -> list[dict]:
    """The saved searches with their new hits counted (not marked seen), for the page; none
    when there is no index or no alert yet."""
    from ..alerts import ALERTS, Alerts

    try:
        key = (live_snapshot(folder), (folder / ALERTS).stat().st_mtime_ns)
    except OSError:  # no alerts file: no alert yet
        return []
    if _alert_cache.get(folder, (None,))[0] == key:  # no commit, no check since: as before
        return _alert_cache[folder][1]
    try:
        found = Alerts(folder).check(remember=False)
    except SearchError:
        return []
    rows = []
    for entry in found:
        alert = entry.alert
        params = {"q": alert.query, "any": "1" if alert.match_any else None, "sort": "date"}
        params.update(since=alert.since, until=alert.until, lang=alert.language)
        query = urlencode({key: value for key, value in params.items() if value})
        rows.append(
            {
                "name": alert.name,
                "query": alert.query,
                "new": len(entry.hits),
                "articles": entry.articles,
                "url": f"/?{query}",
            }
        )
    _alert_cache[folder] = (key, rows)
    return rows


# The page's alert rows, by index folder, with the state they were counted in (the live
# snapshot and the alerts file's mtime): counting 50 alerts takes a second or so.
_alert_cache: dict[Path, tuple] = {}


async def page_article(request: Request) -> Response:
    """An article as its file has it, in paragraphs: the query's words marked everywhere,
    the hit it was opened at shown current, and links to the previous and next hits."""
    name = request.path_params["name"]
    wanted = _one(request, "path") or name
    hit = _number(request, "hit", 0, 0) or None
    query = _article_query(request)
    found = await _searcher(request).run(
        lambda index: index.article(wanted, query=query[0], options=query[1])
    )
    before = [number for number in found.hits if hit is None or number < hit]
    after = [number for number in found.hits if hit is None or number > hit]
    context = {
        "article": found,
        "hit": hit,
        "q": _one(request, "q"),
        "back_url": _url(request, "/", path=None, hit=None) if _one(request, "q") else "/",
        "hit_number": found.hits.index(hit) + 1 if hit in found.hits else None,
        "previous_url": _hit_url(request, before[-1]) if before and hit else None,
        "next_url": _hit_url(request, after[0]) if after else None,
        "copy_url": lambda copy: _url(
            request, f"/articles/{quote(copy.name)}", path=copy.path, hit=None
        ),
    }
    return _page(request, "article.html", context)


def _article_query(request: Request) -> tuple[Question | None, Options]:
    """The query an article page was opened with, to mark its words (none if it has none
    or cannot run: the article is shown all the same)."""
    try:
        parsed, options = _parsed(request)
    except (QueryError, BadRequest):
        return None, Options()
    return parsed, options


def _hit_url(request: Request, sentence: int) -> str:
    return _url(request, request.url.path, hit=sentence) + f"#s{sentence}"


def _sentence_url(request: Request, found, sentence: int | None = None) -> str:
    """The article page of a hit (or of an article found, at `sentence`), with the query."""
    number = sentence or getattr(found, "sentence", None)
    if number is None:
        return _url(request, f"/articles/{quote(found.name)}", path=found.path)
    where = _url(request, f"/articles/{quote(found.name)}", path=found.path, hit=number)
    return f"{where}#s{number}"


def _url(request: Request, where: str, **changes) -> str:
    """`where` with the request's query string, some parameters changed (None drops one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return f"{where}?{urlencode(params)}" if params else where


def _page(request: Request, name: str, context: dict, status: int = 200) -> Response:
    context.setdefault("version", __version__)
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status)


# Errors --------------------------------------------------------------------------------


# How the page and the API name the options a library error names (`SearchError.render`):
# as their parameters.
PARAMETERS = {"since": "since", "until": "until", "by": "by", "score": "score", "lang": "lang"}


def _said(error: Exception) -> str:
    """An error's message as the page and the API say it."""
    return error.render(PARAMETERS) if isinstance(error, SearchError) else str(error)


def _status_of(error: SearchError, request: Request) -> int:
    if isinstance(error, QueryTimeoutError):
        return 503
    if isinstance(error, QueryError | BadRequest):
        return 400
    if isinstance(error, InputError):
        return 404
    return 503  # no index yet, a damaged one, or a search over its time limit


async def on_search_error(request: Request, error: Exception) -> Response:
    status = _status_of(error, request)  # type: ignore[arg-type]
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": _said(error)}, status_code=status)
    context = {"message": _said(error), "status": status}
    return _page(request, "error.html", context, status=status)


async def on_http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    headers = dict(error.headers or {})
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": error.detail}, status_code=error.status_code, headers=headers)
    return PlainTextResponse(error.detail, status_code=error.status_code, headers=headers)


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every response, errors and static files included."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() not in _LOWER_SECURITY_NAMES
                ]
                headers += _SECURITY_ITEMS
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


# Encoded once, as ASGI sends header names and values (bytes; names latin-1, these ASCII).
_SECURITY_ITEMS = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()]
_LOWER_SECURITY_NAMES = {name.lower() for name, _value in _SECURITY_ITEMS}


# The application ---------------------------------------------------------------------


def _searcher(request: Request) -> Searcher:
    return request.app.state.searcher


def create_app(index_dir: Path, workers: int = WORKERS, time_limit: float = TIME_LIMIT):
    """The ASGI application serving the index in `index_dir` (read-only)."""
    searcher = Searcher(index_dir, workers=workers, time_limit=time_limit)

    @asynccontextmanager
    async def lifespan(app):
        try:
            yield
        finally:
            searcher.close()

    get = ["GET"]
    routes = [
        Route("/", page_search, methods=get, name="search"),
        Route("/articles/{name:path}", page_article, methods=get, name="article"),
        Route("/api/search", api_search, methods=get),
        Route("/api/articles/{name:path}", api_article, methods=get),
        Route("/api/status", api_status, methods=get),
        Route("/api/trend", api_trend, methods=get),
        Route("/api/words", api_words, methods=get),
        Route("/api/openapi.json", api_openapi, methods=get),
        Mount("/static", StaticFiles(directory=PACKAGE / "static"), name="static"),
        Route("/{path:path}", not_found, methods=get),  # last: what no route above matched
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={SearchError: on_search_error, HTTPException: on_http_error},
        lifespan=lifespan,
    )
    # A path with a slash too many is a 404 (or a 405), never a redirect to any method.
    app.router.redirect_slashes = False
    app.state.searcher = searcher
    app.state.overviews = Overviews()
    app.state.templates = Jinja2Templates(
        env=jinja2.Environment(
            loader=jinja2.FileSystemLoader(PACKAGE / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            # The templates are the package's own files: compiled once, not stat'ed
            # again for every page.
            auto_reload=False,
        )
    )
    app.state.templates.env.filters["highlighted"] = highlighted
    # Checked as JSON and encoded once, exactly as a JSONResponse of it would be encoded.
    document = json.loads((PACKAGE / "static" / "openapi.json").read_text("utf-8"))
    app.state.openapi = JSONResponse(document).body
    return SecurityHeaders(app)


# Running ---------------------------------------------------------------------------------


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: a free one); SearchError if it cannot be had."""
    try:
        family, kind, protocol, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )[0]
    except socket.gaierror as error:
        message = f"cannot listen on {host!r} ({error.strerror}); give an address"
        raise SearchError(message) from None
    sock = socket.socket(family, kind, protocol)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise SearchError(
                f"port {port} on {host} is in use; stop what uses it or pick another with --port"
            ) from None
        raise SearchError(f"cannot listen on {host} port {port} ({error.strerror})") from None
    return sock


def is_loopback(sock: socket.socket) -> bool:
    return ipaddress.ip_address(sock.getsockname()[0]).is_loopback


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def run(index_dir: Path, sock: socket.socket) -> None:
    """Serve until interrupted; uvicorn shuts down gracefully, then re-raises the Ctrl-C."""
    import uvicorn

    config = uvicorn.Config(
        create_app(index_dir),
        log_level="warning",
        access_log=False,
        server_header=False,
        lifespan="on",
    )
    uvicorn.Server(config).run(sockets=[sock])
