"""The process around the `search` commands: standard output, Ctrl-C, exit statuses.

Exit status, as grep and ripgrep: 0 something matched, 1 nothing did, 2 error.
Every library error (SearchError) becomes one line on stderr and exit 2 here,
in `SearchGroup.invoke`, and nowhere else; a Ctrl-C at any moment is one line and 130.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import click

from ..errors import OutputError, SearchError

# How the command line spells the options a library error names (`SearchError.render`).
FLAGS = {
    "since": "--since",
    "until": "--until",
    "index_dir": "--index-dir",
    "wait": "--wait",
    "jobs": "--jobs",
    "to": "--to",
    "by": "--by",
    "score": "--score",
}


def said(message: SearchError | str) -> str:
    """A library error's message (or a plain line) as the command line says it."""
    return message.render(FLAGS) if isinstance(message, SearchError) else message


class CommandError(click.ClickException):
    """A one-line error that exits 2 (Click's default for ClickException is 1)."""

    exit_code = 2

    def show(self, file=None) -> None:
        from ..present.text import inert

        click.echo(f"search: {inert(self.format_message())}", err=True)


class NoMatch(Exception):
    """Raised by a command that ran fine and found nothing: exit 1."""


class SearchGroup(click.Group):
    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Click's standalone handling, except that a usage error is one line, as all ours."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        # Click answers a KeyboardInterrupt outside the command (while it parses the arguments,
        # as it tears down) with an empty line: until the command runs, Ctrl-C is only noted.
        _interrupts.hold()
        try:
            status = super().main(args, prog_name, complete_var, False, **extra)
        except getattr(click.exceptions, "NoArgsIsHelpError", ()) as error:
            click.echo(error.format_message(), err=True)  # `search` alone: the help
            sys.exit(error.exit_code)
        except click.UsageError as error:
            command = error.ctx.command_path if error.ctx else "search"
            from ..present.text import inert

            message = inert(error.format_message())
            click.echo(f'search: {message} (see "{command} --help")', err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:
            _interrupts.tell()
            sys.exit(130)
        sys.exit(status if isinstance(status, int) else 0)

    def invoke(self, ctx: click.Context):
        # A Ctrl-C can land anywhere until `hold` has run, even in a handler below or in
        # `finally` itself; one that escaped to Click would be Click's empty line first.
        try:
            return self._invoke_command(ctx)
        except KeyboardInterrupt:
            _interrupts.hold()
            _interrupts.tell()
            ctx.exit(_interrupts.status)

    def _invoke_command(self, ctx: click.Context):
        try:
            _interrupts.resume()
            with _guarded_stdout():
                return super().invoke(ctx)
        except NoMatch:
            ctx.exit(1)
        except SearchError as error:
            raise CommandError(said(error)) from None
        except BrokenPipeError:
            _quiet_broken_pipe()
            ctx.exit(0)
        except KeyboardInterrupt:
            # Not Click's "Aborted!" and exit 1: 1 means "no match" here.
            _interrupts.tell()
            ctx.exit(_interrupts.status)
        except click.UsageError as error:
            _name_the_command(error, ctx)
            raise
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            if os.environ.get("SEARCH_DEBUG"):
                raise
            raise CommandError(
                f"unexpected error ({type(error).__name__}: {error}); "
                "set SEARCH_DEBUG=1 for details and please report it"
            ) from None
        finally:
            _interrupts.hold()


def _name_the_command(error: click.UsageError, ctx: click.Context) -> None:
    """Click raises a missing option value (`search trend oil --by`) without the command's
    context, and its message would point at `search --help`: give it the subcommand's."""
    group, name = ctx.command, ctx.invoked_subcommand
    if error.ctx is not None or not name or not isinstance(group, click.Group):
        return
    command = group.get_command(ctx, name)
    if command is not None:
        error.ctx = click.Context(command, info_name=name, parent=ctx)


class _Output:
    """A standard output whose failures to write (its disk full, its descriptor closed) are
    OutputError, so that they are one line like any other error. A reader that went away
    (BrokenPipeError) is left as it is: that one ends quietly."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, data):
        with _writing():
            return self._stream.write(data)

    def flush(self) -> None:
        with _writing():
            self._stream.flush()

    @property
    def buffer(self):
        return _Output(self._stream.buffer)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


class _ClosedOutput:
    """Standard output when the command was started with it closed (`search query x >&-`)."""

    def write(self, data):
        raise OutputError(f"cannot write output ({os.strerror(errno.EBADF)})")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    @property
    def buffer(self):
        return self


@contextmanager
def _writing():
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputError(f"cannot write output ({error.strerror or error})") from None


@contextmanager
def _guarded_stdout():
    """sys.stdout as an `_Output` while a command runs."""
    original = sys.stdout
    sys.stdout = _ClosedOutput() if original is None else _Output(original)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout = original


class _Interrupts:
    """Ctrl-C, whenever it comes, ends the command with one line and exit 130.

    Python raises KeyboardInterrupt wherever the main thread happens to be: in a weakref
    finalizer of multiprocessing (which only prints "Exception ignored"), in the teardown of
    the interpreter. So every Ctrl-C is also noted here, and the command ends as interrupted
    even when the exception was swallowed on the way.
    """

    def __init__(self) -> None:
        self.seen = False
        self.told = False
        self.terminated = False  # the signal was SIGTERM (`stopping`): exit 143
        self.stops: list[threading.Event] = []  # set on every signal (`stopping`)

    @property
    def status(self) -> int:
        return 128 + (signal.SIGTERM if self.terminated else signal.SIGINT)

    def install(self) -> None:
        """Note every Ctrl-C (unless it is ignored, as in a background job) and every
        KeyboardInterrupt that a finalizer swallowed."""
        if signal.getsignal(signal.SIGINT) not in (signal.SIG_IGN, None):
            signal.signal(signal.SIGINT, self._raise)
        previous = sys.unraisablehook

        def unraisable(hook_args) -> None:
            if isinstance(hook_args.exc_value, KeyboardInterrupt):
                self.seen = True
            else:
                previous(hook_args)

        sys.unraisablehook = unraisable

    def _raise(self, signum, frame) -> None:
        self._noted(signum)
        raise KeyboardInterrupt

    def _note(self, signum, frame) -> None:
        self._noted(signum)

    def _noted(self, signum: int) -> None:
        """Note a signal, and set the stop events first: a KeyboardInterrupt raised inside
        a finalizer is swallowed (it only reaches `sys.unraisablehook`), and a long-running
        command must end anyway."""
        self.seen = True
        self.terminated = self.terminated or signum == signal.SIGTERM
        for stop in self.stops:
            stop.set()

    def hold(self) -> None:
        """From now on a Ctrl-C is only noted: the command is ending."""
        if signal.getsignal(signal.SIGINT) == self._raise:  # bound methods: equal, never identical
            signal.signal(signal.SIGINT, self._note)

    def resume(self) -> None:
        """Ctrl-C raises again (the command runs); one noted while held is raised now."""
        if signal.getsignal(signal.SIGINT) == self._note:
            signal.signal(signal.SIGINT, self._raise)
            if self.seen:
                raise KeyboardInterrupt

    def tell(self) -> None:
        self.seen = True
        if not self.told:
            self.told = True
            click.echo(self.line(), err=True)

    def line(self) -> str:
        return "search: terminated" if self.terminated else "search: interrupted"


_interrupts = _Interrupts()


@contextmanager
def stopping(stop: threading.Event) -> Iterator[None]:
    """For a command that runs until stopped (`search watch`): a Ctrl-C or a SIGTERM also
    sets `stop`, so the command ends even when the KeyboardInterrupt was swallowed on the
    way (raised in a finalizer, where Python only prints it), and SIGTERM ends it as Ctrl-C
    does: one line (`search: terminated`) and exit 143. Call from the main thread."""
    _interrupts.stops.append(stop)
    previous = signal.signal(signal.SIGTERM, _interrupts._raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        _interrupts.stops.remove(stop)


def _quiet_broken_pipe() -> None:
    """The reader went away (`search query x | head`): stop quietly, as grep does."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def run(group: click.Group) -> None:
    """The installed command, `group` run as `search`: its exit status is right even when
    no message can be printed (stderr closed or full), and a Ctrl-C at any moment ends in
    `search: interrupted`, 130.

    The process ends by os._exit once the output is flushed: the interpreter's teardown
    (multiprocessing's finalizers, the release of every object) has nothing left to do for
    a finished command, and a Ctrl-C during it could only print a traceback.
    """
    _interrupts.install()
    status: int = 0
    try:
        try:
            group(prog_name="search")
        finally:
            _interrupts.hold()
    except SystemExit as exit:
        status = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 2)
    except KeyboardInterrupt:
        status = 130
    except (OSError, ValueError):  # an error message that could not be printed
        status = 2
    _finish(status)


def _finish(status: int) -> None:
    """Flush the output, say whether it failed or a Ctrl-C came, and end the process."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        pass
    except (OSError, ValueError) as error:
        if status in (0, 1):
            _say(f"search: cannot write output ({getattr(error, 'strerror', None) or error})")
            status = 2
    if _interrupts.seen:
        if not _interrupts.told:
            _say(_interrupts.line())
        status = _interrupts.status
    with suppress(OSError, ValueError, AttributeError):
        sys.stderr.flush()
    os._exit(status)


def _say(line: str) -> None:
    with suppress(OSError, ValueError):
        click.echo(line, err=True)
