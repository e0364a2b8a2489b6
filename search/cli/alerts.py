"""`search alert`: saved searches that report the hits in new or changed articles."""

from __future__ import annotations

from pathlib import Path

import click

from .options import (
    any_option,
    index_dir_option,
    json_option,
    lang_option,
    since_option,
    until_option,
)
from .runtime import NoMatch


@click.group("alert")
def alert_group() -> None:
    """Saved searches that report the hits in new or changed articles.

    \b
    Example:
        search alert add ukraine 'Ukraine ceasefire'
        search alert check             # exit 0: new hits printed; 1: none
        search alert list
        search alert remove ukraine
    """


@alert_group.command("add")
@click.argument("name")
@click.argument("query", nargs=-1, required=True)
@index_dir_option
@any_option()
@since_option
@until_option
@lang_option
def alert_add_command(
    name: str, query, index_dir: Path, match_any: bool, since, until, language
) -> None:
    """Save QUERY as alert NAME: articles indexed from now on that match are new to it.

    \b
    Example:
        search alert add turkey-troops 'Turkey peacekeeping' --since 2025-01-01
        search alert add gespraeche 'Verhandlungen Istanbul' --lang de
    """
    from ..alerts import Alerts

    alert = Alerts(index_dir).add(name, " ".join(query), match_any, since, until, language)
    click.echo(f"Added alert {alert.name}: {alert.query}", err=True)


@alert_group.command("list")
@index_dir_option
@json_option
def alert_list_command(index_dir: Path, as_json: bool) -> None:
    """List the alerts: name, query, options, last check."""
    from ..alerts import Alerts
    from ..present import json as records
    from ..present import text as output

    for alert in Alerts(index_dir).saved():
        if as_json:
            click.echo(records.line(records.alert(alert)))
        else:
            click.echo("\t".join(output.inert(field) for field in _alert_fields(alert)))


def _alert_fields(alert) -> list[str]:
    options = ["--any"] if alert.match_any else []
    options += [f"--since {alert.since}"] if alert.since else []
    options += [f"--until {alert.until}"] if alert.until else []
    options += [f"--lang {alert.language}"] if alert.language else []
    checked = alert.checked or "never"
    return [alert.name, alert.query, " ".join(options), f"checked {checked}"]


@alert_group.command("remove")
@click.argument("name")
@index_dir_option
def alert_remove_command(name: str, index_dir: Path) -> None:
    """Remove alert NAME."""
    from ..alerts import Alerts

    Alerts(index_dir).remove(name)
    click.echo(f"Removed alert {name}", err=True)


@alert_group.command("check")
@click.argument("names", nargs=-1)
@index_dir_option
@json_option
def alert_check_command(names, index_dir: Path, as_json: bool) -> None:
    """Print each alert's hits in articles added or changed since its last check, once.

    \b
    With no NAME, every alert. Text: NAME, article:sentence and the sentence,
    tab-separated, in article and sentence order; --json: one hit a line with
    its "alert". Exit status: 0 if something was new, 1 if nothing was.
    \b
    Example:
        search alert check && notify-send "new articles"
        search alert check ukraine --json
    """
    from ..alerts import Alerts
    from ..present import json as records
    from ..present import text as output

    found = Alerts(index_dir).check(names)
    for entry in found:
        for hit in entry.hits:
            if as_json:
                click.echo(records.line(records.alert_hit(entry.alert.name, hit)))
            else:
                fields = [entry.alert.name, f"{hit.name}:{hit.sentence}", hit.text]
                click.echo("\t".join(output.inert(field) for field in fields))
    if not any(entry.hits for entry in found):
        checked = len(found)
        click.echo(f"No new hits for {checked} alert{'s' if checked != 1 else ''}", err=True)
        raise NoMatch()
