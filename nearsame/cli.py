"""The ``nearsame`` command line: a thin shell over the library (click).

Exit codes follow ``diff``: 0 nothing found, 1 something found, 2 usage or input error.
Data goes to stdout, diagnostics to stderr.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeGuard, TypeVar

import click
from rich.console import Console

from nearsame.analyze import analyze
from nearsame.document import Document
from nearsame.engine import Params, build_report, order_documents
from nearsame.engine import compare as engine_compare
from nearsame.errors import IndexStoreError, NearsameError
from nearsame.index import Decision, IdConflictError, Index, open_index
from nearsame.index.core import ADD_BATCH
from nearsame.language import LANGUAGES, language_code
from nearsame.loaders import (
    STDIN_NAME,
    FieldNames,
    LoadProblem,
    iter_documents,
    load_documents,
)
from nearsame.progress import ProgressBar, ShareBar, StreamCounter
from nearsame.render import render_compare, render_html, render_jsonl, render_markdown, render_text
from nearsame.render.spans import counted
from nearsame.verify import Thresholds

__all__ = ["main"]

EXIT_NOTHING, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as shells report `cat` cut short by `| head`


def _cores() -> int:
    """The cores this process may run on (its affinity, where the system says)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


#: processes of `index add` by default: one writes, one analyses the next batch meanwhile
JOBS = min(2, _cores())
F = TypeVar("F", bound=Callable[..., Any])


class InputFailed(click.ClickException):
    """Nothing usable could be read, or strictness turned a problem into an error."""

    exit_code = EXIT_ERROR


def _warn(message: str) -> None:
    click.echo(f"nearsame: {message}", err=True)


class _ReaderGone(Exception):
    """Standard output was closed by its reader (``| head -1``)."""


def _out(message: str, *, nl: bool = True) -> None:
    """``message`` on standard output (click turns a closed pipe into a plain exit 1: not here)."""
    try:
        click.echo(message, nl=nl)
    except BrokenPipeError as error:
        raise _ReaderGone from error


def _warner(counter: StreamCounter) -> Callable[[str], None]:
    """`_warn`, but above ``counter``'s line while it shows, not through it."""
    return (lambda message: counter.print(f"nearsame: {message}")) if counter.enabled else _warn


@dataclass(frozen=True)
class InputOptions:
    """How to read documents: field names, strictness, forced language."""

    fields: FieldNames
    strict: bool
    language: str | None
    encoding: str | None = None


def _language(context: click.Context, parameter: click.Parameter, value: str | None) -> str | None:
    """``--language``: a language code (`language_code`), told apart from a typing slip."""
    if value is None:
        return None
    code = language_code(value)
    if code is None:
        raise click.BadParameter(
            f"{value!r} names no language (a code such as fr, fr-FR, fra or French)"
        )
    if code not in LANGUAGES:
        _warn(f"no stemmer or stop words for {code!r}: its words are compared as they are")
    return code


def _encoding(context: click.Context, parameter: click.Parameter, value: str | None) -> str | None:
    """``--encoding``: a codec Python knows, by its canonical name."""
    if value is None:
        return None
    try:
        return codecs.lookup(value).name
    except LookupError:
        raise click.BadParameter(
            f"{value!r} is no encoding Python knows (utf-8, cp1252, latin-1…)"
        ) from None


def input_options(function: F) -> F:
    """The options every command that reads documents shares."""
    decorators = [
        click.option("--text-field", default="text", show_default=True,
                     help="JSON field(s) holding the text; several, comma-separated, are joined."),
        click.option("--id-field", default="id", show_default=True, help="JSON field holding the id."),
        click.option("--title-field", default="title", show_default=True, help="JSON field holding the title."),
        click.option("--date-field", default="date", show_default=True, help="JSON field holding the date."),
        click.option("--language", "language", default=None, metavar="CODE", callback=_language,
                     help="Force the language (fr, fr-FR, French...) instead of detecting it."),
        click.option("--encoding", default=None, metavar="NAME", callback=_encoding,
                     help="Read every input in this encoding (cp1252, latin-1…) instead of UTF-8 "
                          "(and of the charset an HTML page declares)."),
        click.option("--strict", is_flag=True, help="Exit with status 2 if any input is skipped."),
    ]  # fmt: skip
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def make_input_options(**kwargs: Any) -> InputOptions:
    """Build `InputOptions` from the shared options' values (and remove them from ``kwargs``)."""
    fields = FieldNames(
        id=kwargs.pop("id_field"),
        text=tuple(name.strip() for name in kwargs.pop("text_field").split(",") if name.strip()),
        title=kwargs.pop("title_field"),
        date=kwargs.pop("date_field"),
    )
    return InputOptions(
        fields=fields,
        strict=kwargs.pop("strict"),
        language=kwargs.pop("language"),
        encoding=kwargs.pop("encoding"),
    )


def read_inputs(paths: Sequence[str], options: InputOptions) -> list[Document]:
    """Load documents, report every problem on stderr, and fail only when asked to or when empty."""
    result = load_documents(
        paths, fields=options.fields, stdin=sys.stdin.buffer, encoding=options.encoding
    )
    for problem in result.problems:
        _warn(_said(problem))
    skipped = sum(problem.skipped for problem in result.problems)
    if options.strict and skipped:
        raise InputFailed(f"{counted(skipped, 'input problem')} and --strict was given")
    if not result.documents:
        raise InputFailed("no document could be read")
    if options.language:
        return [_with_language(doc, options.language) for doc in result.documents]
    return list(result.documents)


def _with_language(document: Document, language: str) -> Document:
    return replace(document, language=language)


def _said(problem: LoadProblem) -> str:
    """How a problem is told: ``skipped ...``, or as it is when the document is read anyway."""
    return f"skipped {problem}" if problem.skipped else str(problem)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nearsame")
def cli() -> None:
    """Find the passages news articles share, which article published them first, and what each
    later article adds."""


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@input_options
def inspect(paths: tuple[str, ...], fmt: str, **kwargs: Any) -> None:
    """Show what nearsame reads in PATHS: documents, languages, paragraphs and sentences.

    PATHS are files (.txt, .md, .json, .jsonl, .html), folders (read recursively) or - for
    standard input.
    """
    options = make_input_options(**kwargs)
    documents = read_inputs(paths, options)
    for document in documents:
        analysis = analyze(document)
        sentences = [
            {
                "start": s.start,
                "end": s.end,
                "paragraph": s.paragraph,
                "text": document.text[s.start : s.end],
            }
            for s in analysis.sentences
        ]
        if fmt == "json":
            record = {
                "id": document.id, "title": document.title, "date": document.date,
                "language": analysis.language, "length": len(document.text),
                "paragraphs": len(analysis.paragraphs), "sentences": sentences,
                "source": document.source, "url": document.url, "text": document.text,
            }  # fmt: skip
            _out(json.dumps(record, ensure_ascii=False))
            continue
        click.secho(f"{document.id}", bold=True)
        _out(
            f"  title: {document.title or '-'}\n  date: {document.date or '-'}\n"
            f"  language: {analysis.language or 'unknown'}\n"
            f"  {counted(len(analysis.paragraphs), 'paragraph')}, "
            f"{counted(len(sentences), 'sentence')}, {counted(len(analysis.tokens), 'word')}"
        )
        for number, sentence in enumerate(sentences, start=1):
            text = " ".join(str(sentence["text"]).split())
            _out(f"  {number:3}. [{sentence['start']}:{sentence['end']}] {text}")


def threshold_options(function: F) -> F:
    """The thresholds of the match kinds, for every command that verifies sentences."""
    decorators = [
        click.option("--near", type=click.FloatRange(0.01, 1.0), default=Thresholds().near, show_default=True,
                     help="Surface similarity from which a reused sentence is 'near' (light edits)."),
        click.option("--paraphrase", type=click.FloatRange(0.01, 1.0), default=Thresholds().paraphrase,
                     show_default=True, help="Blended similarity from which a sentence is a 'paraphrase'."),
    ]  # fmt: skip
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def make_thresholds(kwargs: dict[str, Any]) -> Thresholds:
    """`Thresholds` from the threshold options' values (removed from ``kwargs``)."""
    return replace(Thresholds(), near=kwargs.pop("near"), paraphrase=kwargs.pop("paraphrase"))


def engine_options(function: F) -> F:
    """The options of commands that run the overlap engine."""
    order = click.option(
        "--order", type=click.Choice(["date", "input"]), default="date", show_default=True,
        help="Reading order: by date (undated documents keep their input place), or as given.",
    )  # fmt: skip
    return order(threshold_options(function))


def make_params(options: InputOptions, kwargs: dict[str, Any]) -> Params:
    """Engine parameters from the engine options (removed from ``kwargs``)."""
    thresholds = make_thresholds(kwargs)
    return Params(thresholds=thresholds, order=kwargs.pop("order"), language=options.language)


def _stdout_console() -> Console:
    return Console(soft_wrap=False, highlight=False)


def _write(output: str | None, content: str) -> None:
    if output in (None, "-"):
        _out(content, nl=False)
        return
    try:
        Path(str(output)).write_text(content, encoding="utf-8")
    except OSError as error:
        raise InputFailed(f"cannot write {output}: {error.strerror or error}") from error


@cli.command()
@click.argument("earlier")
@click.argument("later")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@engine_options
@input_options
def compare(earlier: str, later: str, fmt: str, **kwargs: Any) -> int:
    """Compare two articles: EARLIER and LATER, aligned word by word.

    Exits 1 when they share passages, 0 when they do not, 2 on an error.
    """
    options = make_input_options(**kwargs)
    params = make_params(options, kwargs)
    documents = read_inputs([earlier, later], options)
    if len(documents) != 2:
        raise InputFailed("compare needs two readable documents")
    first, second = order_documents(documents, params.order)
    report = engine_compare(first, second, params=params)
    if fmt == "json":
        _out(report.to_json())
    else:
        _stdout_console().print(render_compare(report, {d.id: d.text for d in documents}))
    return EXIT_FOUND if report.matches else EXIT_NOTHING


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl", "text", "markdown", "html"]),
    default="text",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    default=None,
    metavar="FILE",
    help="Write the report to FILE instead of stdout.",
)
@click.option("--include-text", is_flag=True, help="Put each document's text in the JSON report.")
@click.option(
    "--duplicates-only",
    is_flag=True,
    help="Find whole-article near-duplicates only (fast: no passages, no sentences).",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar on stderr (default: on a terminal; elsewhere, asked for, a plain "
    "line every 10 s and at the end of each stage).",
)
@engine_options
@input_options
def report(paths: tuple[str, ...], fmt: str, output: str | None, include_text: bool,
           duplicates_only: bool, progress: bool | None, **kwargs: Any) -> int:  # fmt: skip
    """Report every passage the articles in PATHS share, who published it first, and what is new.

    PATHS are files (.txt, .md, .json, .jsonl, .html), folders (read recursively) or - for
    standard input.
    Exits 1 when passages (or, with --duplicates-only, near-duplicates) are shared, 0 when none
    are, 2 on an error.
    """
    options = make_input_options(**kwargs)
    params = replace(make_params(options, kwargs), passages=not duplicates_only)
    documents = read_inputs(paths, options)
    show = sys.stderr.isatty() if progress is None else progress
    with ProgressBar(show) as bar:
        result = build_report(documents, params=params, progress=bar, include_text=include_text)
    texts = {d.id: d.text for d in documents}
    if fmt == "json":
        _write(output, result.to_json() + "\n")
    elif fmt == "jsonl":
        _write(output, render_jsonl(result))
    elif fmt == "markdown":
        _write(output, render_markdown(result, texts))
    elif fmt == "html":
        _write(output, render_html(result, texts))
    elif output in (None, "-"):
        console = _stdout_console()
        console.print(render_text(result, texts, width=console.width))
    else:
        console = Console(record=True, width=120, file=io.StringIO())
        console.print(render_text(result, texts, width=console.width))
        _write(output, console.export_text())
    return EXIT_FOUND if result.matches or result.clusters else EXIT_NOTHING


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@engine_options
@input_options
def tui(paths: tuple[str, ...], **kwargs: Any) -> int:
    """Browse the story in PATHS: articles in reading order, side by side, and what each adds.

    PATHS are files, folders, or one report saved by `nearsame report --format json` (texts come
    from the report with --include-text, else from each document's path). Exits 0 when you quit,
    2 on an input error or when the interface stopped on an error.
    """
    from nearsame.story import build_story, is_saved_report, read_saved_report
    from nearsame.tui import create_app  # Textual is imported only here

    options = make_input_options(**kwargs)
    params = make_params(options, kwargs)
    if len(paths) == 1 and is_saved_report(paths[0]):
        saved = paths[0]
        app = create_app(
            load=lambda _: read_saved_report(
                saved, fields=options.fields, encoding=options.encoding
            ),
            what=saved,
        )
    else:
        documents = read_inputs(paths, options)
        app = create_app(
            load=lambda progress: build_story(documents, params=params, progress=progress),
            what=f"{len(documents)} articles",
        )
    app.run()
    if app.return_code:
        _warn("the interface stopped on an error")
        return EXIT_ERROR
    return EXIT_NOTHING


def index_option(function: F) -> F:
    """The ``--index URI`` option of the index commands."""
    return click.option(
        "--index", "index_uri", required=True, envvar="NEARSAME_INDEX", metavar="URI",
        help="The index: a file path (SQLite), redis://host:port/db?prefix=NAME, or memory:// "
             "(default: $NEARSAME_INDEX).",
    )(function)  # fmt: skip


def _read_stream(paths: Sequence[str], options: InputOptions) -> Iterator[Document | LoadProblem]:
    """Documents and problems as they are read (standard input is read line by line)."""
    found = iter_documents(
        paths, fields=options.fields, stdin=sys.stdin.buffer, encoding=options.encoding
    )
    for item in found:
        if isinstance(item, Document) and options.language:
            yield _with_language(item, options.language)
        else:
            yield item


@cli.group()
def index() -> None:
    """Build and inspect a persistent index for `nearsame check`."""


@index.command("add")
@click.argument("paths", nargs=-1, required=True)
@index_option
@click.option(
    "--content-lsh", type=click.FloatRange(0.05, 0.9), default=None, metavar="JACCARD",
    help=f"For a new index: the threshold its content keys (rewritten background) aim at "
         f"(default {Params().content_lsh}). 0.2 gives about 40% fewer keys and faster checks, "
         f"for less recall on paraphrases (bench/RESULTS.md). An existing index keeps its own: "
         f"asking it for another is an error.",
)  # fmt: skip
@click.option(
    "--batch", "batch_size", type=click.IntRange(1), default=ADD_BATCH, show_default=True, metavar="N",
    help="Documents added in one transaction. Larger batches add faster to a large index and "
         "hold more in memory (about 35 KB a news article); a smaller one adds a slow stream's "
         "documents sooner.",
)  # fmt: skip
@click.option(
    "--jobs", type=click.IntRange(1), default=JOBS, show_default=True, metavar="N",
    help="Processes: beyond this one, which writes, N-1 analyse the next batches meanwhile "
         "(only for a stream of more than one batch; at most one a core). A batch is then written "
         "once the next N-1 are read: for a producer that trickles, 1 writes each batch as soon "
         "as it is read.",
)  # fmt: skip
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a running count on stderr (default: on a terminal; elsewhere, asked for, a plain "
    "line every 10 s).",
)
@input_options
def index_add(
    paths: tuple[str, ...],
    index_uri: str,
    content_lsh: float | None,
    batch_size: int,
    jobs: int,
    progress: bool | None,
    **kwargs: Any,
) -> int:
    """Add the documents in PATHS (files, folders, or - for JSONL on standard input) to the index.

    Documents already indexed with the same id and text are skipped. Exits 2 if any document
    could not be read or added (the others are added all the same).
    """
    options = make_input_options(**kwargs)
    added = problems = 0
    params = None if content_lsh is None else Params(content_lsh=content_lsh)
    if jobs > _cores():  # each process holds a batch: a thousand of them would fill the memory
        _warn(f"--jobs {jobs}: using {_cores()}, the cores this process may run on")
        jobs = _cores()
    show = sys.stderr.isatty() if progress is None else progress
    read = 0
    failed: IndexStoreError | None = None
    with open_index(index_uri, params=params) as store:
        with StreamCounter("indexing", "added", show) as counter:
            warn = _warner(counter)

            def documents() -> Iterator[Document]:
                nonlocal read, problems
                for item in _read_stream(paths, options):
                    if isinstance(item, LoadProblem) and not item.skipped:
                        warn(_said(item))  # a warning: its document comes next
                        continue
                    read += 1
                    counter.update(read, added)
                    if _anonymous(item):
                        warn(f"skipped {item.path or item.id}: {_NO_ID}")
                        problems += 1
                    elif isinstance(item, LoadProblem):
                        warn(_said(item))
                        problems += 1
                    else:
                        yield item

            failures: set[str] = set()
            try:
                for batch in store.add_stream(documents(), batch=batch_size, workers=jobs - 1):
                    added += len(batch.ids)
                    if batch.worker_failure is not None and batch.worker_failure not in failures:
                        failures.add(batch.worker_failure)  # said once: later batches repeat it
                        warn(f"{batch.worker_failure}; its batches are analysed in this "
                             "process instead")  # fmt: skip
                    for document in batch.conflicts:
                        warn(f"skipped {document.path or document.id}: "
                             f"{IdConflictError(document.id)}")  # fmt: skip
                        problems += 1
                    counter.update(read, added)
            except IndexStoreError as error:
                failed = error
        if failed is not None:  # what was added stays; adding the same input again completes it
            _warn(f"the index failed: {failed}")
            _warn(f"added {added} document(s) to {index_uri} before it failed, {problems} "
                  f"problem(s); the same command again adds the rest")  # fmt: skip
            return EXIT_ERROR
        total = len(store)
        _warn(f"added {added} document(s) to {index_uri} ({total} in all), {problems} problem(s)")
        if added and _optimize_due(store):
            _optimize(store, index_uri, show)
    return EXIT_ERROR if problems else EXIT_NOTHING


@index.command("optimize")
@index_option
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar on stderr (default: on a terminal; elsewhere, asked for, a plain "
    "line every 10 s and at the end of each stage).",
)
def index_optimize(index_uri: str, progress: bool | None) -> None:
    """Make checks against an SQLite index faster: write a frozen copy of its band table beside
    it (INDEX-frozen-N), which answers lookups without SQLite's B-tree.

    From then on every key added is also written to a table of what is newer than the copy.
    Other processes go on checking and adding meanwhile. Once more than a hundredth of the index
    was added or removed since the copy, checks use the table again, and `index add` writes a new
    copy by itself. See the README.
    """
    show = sys.stderr.isatty() if progress is None else progress
    with open_index(index_uri, create=False) as store:
        _optimize(store, index_uri, show)


def _optimize(store: Index, index_uri: str, show: bool) -> None:
    stats = store.stats()
    if stats.backend != "sqlite" or stats.location == ":memory:":
        _warn(f"{index_uri}: nothing to optimize (only an index in a file has a frozen copy)")
        return
    with ShareBar("optimizing for checks", show) as bar:
        done = store.optimize(bar)
    frozen = store.stats().frozen
    if done and frozen is not None:
        _warn(f"optimized {index_uri}: checks look keys up in {frozen['file']}")
    else:
        _warn(f"{index_uri}: another process optimized it, or set its copy aside, meanwhile")


def _optimize_due(store: Index) -> bool:
    """Whether `index add` should optimize again the index it added to: one that was optimized
    before (it is a choice: see `index optimize`), whose copy is too far behind to be used."""
    frozen = store.stats().frozen
    return frozen is not None and not frozen["in_use"]


@index.command("stats")
@index_option
def index_stats(index_uri: str) -> None:
    """Show what the index holds, as JSON."""
    with open_index(index_uri, create=False) as store:
        _out(json.dumps(store.stats().to_dict(), indent=2))


@index.command("remove")
@click.argument("ids", nargs=-1, required=True)
@index_option
def index_remove(ids: tuple[str, ...], index_uri: str) -> int:
    """Remove the documents with these IDS from the index. Exits 1 if one was not there."""
    missing = 0
    with open_index(index_uri, create=False) as store:
        for doc_id in ids:
            if not store.remove(doc_id):
                _warn(f"{doc_id}: not in the index")
                missing += 1
    return EXIT_FOUND if missing else EXIT_NOTHING


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@index_option
@click.option("--add", "add", is_flag=True, help="Add each document to the index once checked.")
@click.option(
    "--threshold",
    type=click.FloatRange(0.01, 1.0),
    default=Params().duplicate,
    show_default=True,
    help="Whole-document similarity from which a document is a duplicate.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a running count on stderr (default: when stderr is a terminal and stdout is not; "
    "where stderr is not a terminal, asked for, a plain line every 10 s).",
)
@threshold_options
@input_options
def check(paths: tuple[str, ...], index_uri: str, add: bool, threshold: float,
          progress: bool | None, **kwargs: Any) -> int:  # fmt: skip
    """Check each document in PATHS (or - for JSONL on standard input) against the index.

    Writes one JSON decision per document on stdout (status unique, duplicate or overlap, the
    matched documents and the shared spans in both), a summary on stderr. Exits 0 when nothing
    was found, 1 when a duplicate or a shared passage was, 2 if a document could not be read
    (the others are still answered) or the index cannot be used.
    """
    options = make_input_options(**kwargs)
    thresholds = make_thresholds(kwargs)
    counts = {"unique": 0, "duplicate": 0, "overlap": 0, "error": 0, "added": 0, "no id": 0}
    # the decisions themselves show progress on a terminal
    show = sys.stderr.isatty() and not sys.stdout.isatty() if progress is None else progress
    read = 0
    failed: str | None = None  # where the index failed, if it did
    with (
        open_index(index_uri, create=add) as store,
        StreamCounter("checking", "decided", show) as counter,
    ):
        warn = _warner(counter)
        for item in _read_stream(paths, options):
            if isinstance(item, LoadProblem) and not item.skipped:
                warn(_said(item))  # a warning: its document comes next
                continue
            read += 1
            anonymous = False
            if add and _anonymous(item):
                warn(f"not added {item.path or item.id}: {_NO_ID}; checked all the same")
                counts["no id"] += 1
                anonymous = True
            try:
                decision = _check_one(
                    store, item, add and not anonymous, thresholds, threshold, warn
                )
            except IndexStoreError as error:  # the index failed: this document is not answered
                where = item.location if isinstance(item, LoadProblem) else item.path or item.id
                _out(_error_record(item.id, where, str(error)))
                _warn(f"the index failed at {where}: {error}")
                counts["error"] += 1
                failed = where
                break
            counter.update(read, read)
            if decision is None:
                counts["error"] += 1
                continue
            _out(decision.to_json())
            counts[decision.status] += 1
            counts["added"] += decision.added
    unadded = f", {counts['no id']} not added (no id)" if counts["no id"] else ""
    stopped = f"; stopped at {failed}: the rest of the input was not checked" if failed else ""
    _warn(
        f"checked {sum(counts[s] for s in ('unique', 'duplicate', 'overlap', 'error'))} "
        f"document(s): {counts['unique']} unique, {counts['duplicate']} duplicate, "
        f"{counts['overlap']} overlap, {counts['error']} error(s); {counts['added']} added"
        f"{unadded}{stopped}"
    )
    if counts["error"] or counts["no id"]:
        return EXIT_ERROR
    return EXIT_FOUND if counts["duplicate"] or counts["overlap"] else EXIT_NOTHING


def _check_one(
    store: Index,
    item: Document | LoadProblem,
    add: bool,
    thresholds: Thresholds,
    duplicate: float,
    warn: Callable[[str], None],
) -> Decision | None:
    """One decision, or ``None`` after reporting (stderr, and an error record on stdout)."""
    if isinstance(item, LoadProblem):
        location, message, doc_id = item.location, item.message, item.id
    else:
        try:
            return store.check(item, add=add, thresholds=thresholds, duplicate=duplicate)
        except IdConflictError as error:
            location, message, doc_id = item.path or item.id, str(error), item.id
    warn(f"skipped {location}: {message}")
    _out(_error_record(doc_id, location, message))
    return None


def _error_record(doc_id: str | None, location: str, message: str) -> str:
    """The line `check` writes for a document it could not answer."""
    record = {"schema": "nearsame.check/1", "id": doc_id, "status": "error",
              "location": location, "error": message}  # fmt: skip
    return json.dumps(record, ensure_ascii=False)


_NO_ID = (
    "a document read from standard input needs an id to be added to an index (an id field in"
    " each record; --id-field names another)"
)


def _anonymous(item: Document | LoadProblem) -> TypeGuard[Document]:
    """Whether ``item`` is a document with no id of its own: read from standard input without an
    id field, it is named after its place in the stream, which the next run's documents would
    take again, so it cannot be added."""
    return isinstance(item, Document) and item.id.startswith(STDIN_NAME)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (library errors become status 2)."""
    try:
        result = cli.main(args=argv, prog_name="nearsame", standalone_mode=False)
    except click.exceptions.Abort as error:
        if isinstance(error.__cause__, KeyboardInterrupt):  # click's way of reporting Ctrl-C
            _warn("interrupted")
            return EXIT_INTERRUPTED
        _warn("aborted")
        return EXIT_ERROR
    except click.ClickException as error:
        error.show()
        return EXIT_ERROR if error.exit_code not in (EXIT_NOTHING, EXIT_FOUND) else error.exit_code
    except NearsameError as error:
        _warn(str(error))
        return EXIT_ERROR
    except KeyboardInterrupt:
        _warn("interrupted")
        return EXIT_INTERRUPTED
    except (_ReaderGone, BrokenPipeError):  # the reader went away: stop quietly, as `cat` does
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    return result if isinstance(result, int) else EXIT_NOTHING


def _silence_stdout() -> None:
    """Point standard output at nothing, so that Python's last flush at exit does not fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def entry_point() -> None:
    """The console script."""
    sys.exit(main())
