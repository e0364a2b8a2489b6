"""Saved searches that say what is new: `search alert add|list|remove|check`.

An alert is a query (with `--any`, `--since`, `--until`, `--lang` as `search query` takes
them) kept in `alerts.json` in the index folder, beside the generations, so it survives
`--rebuild`. `check` reports the hits of each alert in the articles added or changed since
that alert's previous check (or since it was added), each exactly once, then remembers.

How "new" is told, without a copy of the index per alert: `alerts.json` also keeps each
indexed file's content hash with the number of the check that first saw that content
(`versions`: path -> [sha256, seen]; a mailbox's messages each by its own path, `box.mbox#2`,
and a hash of its sentences), and a counter of checks. Every check (and every add)
first brings `versions` in step with the index: a file it does not know, or whose hash
changed, gets the next number, unless another path holds that content (a move or a copy): it
keeps that path's number. An alert's new articles are those numbered after its own last
check. A rebuild keeps the hashes, so nothing is new because of it; a file changed back and
forth is new again, as it should be.
"""

from __future__ import annotations

import datetime
import fcntl
import json
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .articles.article import is_container
from .engine.query import parse_query
from .engine.searching import Hit, SearchIndex
from .errors import InputError, SearchError
from .question import check_date

__all__ = ["Alert", "AlertHits", "Alerts", "ALERTS", "ALERTS_LOCK"]

ALERTS = "alerts.json"
ALERTS_LOCK = "alerts.lock"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@dataclass
class Alert:
    """A saved search, and the number of the last check that reported its hits."""

    name: str
    query: str
    match_any: bool = False
    since: str | None = None
    until: str | None = None
    seen: int = 0
    added: str = ""
    checked: str | None = None
    language: str | None = None  # `--lang`: only articles in this language

    def parsed(self):
        return parse_query(
            self.query,
            match_any=self.match_any,
            since=self.since,
            until=self.until,
            language=self.language,
        )


@dataclass
class AlertHits:
    """An alert's hits in the articles new to it (by path, then sentence)."""

    alert: Alert
    hits: list[Hit] = field(default_factory=list)

    @property
    def articles(self) -> int:
        return len({hit.path for hit in self.hits})


@dataclass
class _State:
    counter: int = 0
    versions: dict[str, list] = field(default_factory=dict)
    alerts: dict[str, Alert] = field(default_factory=dict)
    containers: dict[str, str] = field(default_factory=dict)  # a mailbox's hash, by path

    def contents(self, index: SearchIndex) -> dict[str, str]:
        """Each indexed article's content hash by path: a file's, and for a mailbox each
        message's (`box.mbox#2`), so that a message added to a mailbox is new, not the
        mailbox (its messages are hashed again only when the mailbox's hash changed)."""
        current: dict[str, str] = {}
        containers: dict[str, str] = {}
        for path, sha in index.versions().items():
            if not is_container(path):
                current[path] = sha
            elif self.containers.get(path) == sha:
                inside = f"{path}#"
                current.update({p: v[0] for p, v in self.versions.items() if p.startswith(inside)})
            else:
                current.update(index.parts(path))
            if is_container(path):
                containers[path] = sha
        self.containers = containers
        return current

    def catch_up(self, current: dict[str, str]) -> None:
        """Number the contents the index holds that no check has seen yet. A content known
        under another path (a file moved or copied) keeps that path's number: it is not new."""
        fresh = [p for p, sha in current.items() if self.versions.get(p, [None])[0] != sha]
        known: dict[str, int] = {}
        for sha, seen in self.versions.values():
            known[sha] = min(seen, known.get(sha, seen))
        if any(current[path] not in known for path in fresh):
            self.counter += 1
        for path in fresh:
            self.versions[path] = [current[path], known.get(current[path], self.counter)]
        for gone in set(self.versions) - set(current):
            del self.versions[gone]

    def new_for(self, alert: Alert) -> list[str]:
        return sorted(path for path, (_sha, seen) in self.versions.items() if seen > alert.seen)


class Alerts:
    """The saved searches of the index in `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / ALERTS

    def add(
        self,
        name: str,
        query: str,
        match_any: bool = False,
        since: str | None = None,
        until: str | None = None,
        language: str | None = None,
    ) -> Alert:
        """Save a search; only articles added or changed from now on are new to it."""
        if not _NAME.fullmatch(name):
            raise InputError(
                f'"{name}" cannot name an alert; use letters, digits, "-", "_" or "." '
                "(up to 64, starting with a letter or digit)"
            )
        since = check_date(since, "since") if since else None
        until = check_date(until, "until", last=True) if until else None
        now = _now()
        alert = Alert(name, query, match_any, since, until, added=now, language=language)
        alert.parsed()  # a query that cannot run is refused now, not at every check
        with self._state() as state, SearchIndex.open(self.folder) as index:
            if name in state.alerts:
                raise InputError(f'an alert "{name}" exists; remove it first or choose a name')
            state.catch_up(state.contents(index))
            alert.seen = state.counter
            state.alerts[name] = alert
        return alert

    def remove(self, name: str) -> Alert:
        with self._state() as state:
            return state.alerts.pop(self._known(state, [name])[0])

    def saved(self) -> list[Alert]:
        return sorted(self._read().alerts.values(), key=lambda alert: alert.name)

    def check(self, names: Sequence[str] = (), remember: bool = True) -> list[AlertHits]:
        """Each alert's hits in the articles new to it; with `remember`, they are not new
        to it any more (the page counts them without `remember`)."""
        with (
            self._state(write=remember) as state,
            SearchIndex.open(self.folder, budget=None) as index,
        ):
            chosen = self._known(state, names) if names else sorted(state.alerts)
            state.catch_up(state.contents(index))
            found = []
            for name in chosen:
                alert = state.alerts[name]
                paths = state.new_for(alert)  # a mailbox's new messages by their own paths
                found.append(AlertHits(alert, index.find_in(alert.parsed(), paths)))
                alert.seen = state.counter
                alert.checked = _now()
            return found

    @staticmethod
    def _known(state: _State, names: Sequence[str]) -> list[str]:
        for name in names:
            if name not in state.alerts:
                known = ", ".join(sorted(state.alerts)) or "none yet"
                raise InputError(f'no alert "{name}" (alerts: {known}); see "search alert list"')
        return list(dict.fromkeys(names))

    @contextmanager
    def _state(self, write: bool = True) -> Iterator[_State]:
        """The alerts file, read under a lock and written back whole if all went well."""
        if not self.folder.is_dir():
            raise SearchError(f"no index in {self.folder}; run search index first")
        with _locked(self.folder / ALERTS_LOCK):
            state = self._read()
            yield state
            if write:
                self._write(state)

    def _read(self) -> _State:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return _State()
        except (OSError, ValueError) as error:
            raise SearchError(
                f"{self.path}: cannot read the alerts ({error}); fix or remove the file"
            ) from None
        try:
            alerts = {name: Alert(**fields) for name, fields in data["alerts"].items()}
            containers = dict(data.get("containers", {}))
            return _State(int(data["counter"]), dict(data["versions"]), alerts, containers)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise SearchError(
                f"{self.path}: not an alerts file of this version; fix or remove it"
            ) from None

    def _write(self, state: _State) -> None:
        from .engine.durable import atomic_write

        record = {
            "counter": state.counter,
            "versions": state.versions,
            "alerts": {name: asdict(alert) for name, alert in state.alerts.items()},
            "containers": state.containers,
        }
        atomic_write(self.path, json.dumps(record, separators=(",", ":")).encode())


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Two checks at once take turns (each reads what the other wrote)."""
    descriptor = os.open(path, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
