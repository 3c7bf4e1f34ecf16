"""The ``nearsame`` command line: a thin shell over the library (click).

Exit codes follow ``diff``: 0 nothing found, 1 something found, 2 usage or input error.
Data goes to stdout, diagnostics to stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from nearsame.analyze import analyze
from nearsame.document import Document
from nearsame.errors import NearsameError
from nearsame.loaders import FieldNames, LoadProblem, load_documents

__all__ = ["main"]

EXIT_NOTHING, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
F = TypeVar("F", bound=Callable[..., Any])


class InputFailed(click.ClickException):
    """Nothing usable could be read, or strictness turned a problem into an error."""

    exit_code = EXIT_ERROR


def _warn(message: str) -> None:
    click.echo(f"nearsame: {message}", err=True)


@dataclass(frozen=True)
class InputOptions:
    """How to read documents: field names, strictness, forced language."""

    fields: FieldNames
    strict: bool
    language: str | None


def input_options(function: F) -> F:
    """The options every command that reads documents shares."""
    decorators = [
        click.option("--text-field", default="text", show_default=True,
                     help="JSON field(s) holding the text; several, comma-separated, are joined."),
        click.option("--id-field", default="id", show_default=True, help="JSON field holding the id."),
        click.option("--title-field", default="title", show_default=True, help="JSON field holding the title."),
        click.option("--date-field", default="date", show_default=True, help="JSON field holding the date."),
        click.option("--language", "language", default=None, metavar="CODE",
                     help="Force the language (ISO 639-1, e.g. fr, en) instead of detecting it."),
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
    return InputOptions(fields=fields, strict=kwargs.pop("strict"), language=kwargs.pop("language"))


def read_inputs(paths: Sequence[str], options: InputOptions) -> list[Document]:
    """Load documents, report every problem on stderr, and fail only when asked to or when empty."""
    result = load_documents(paths, fields=options.fields, stdin=sys.stdin.buffer)
    _report_problems(result.problems)
    if options.strict and result.problems:
        raise InputFailed(f"{len(result.problems)} input problem(s) and --strict was given")
    if not result.documents:
        raise InputFailed("no document could be read")
    if options.language:
        return [_with_language(doc, options.language) for doc in result.documents]
    return list(result.documents)


def _with_language(document: Document, language: str) -> Document:
    from dataclasses import replace

    return replace(document, language=language)


def _report_problems(problems: Sequence[LoadProblem]) -> None:
    for problem in problems:
        _warn(f"skipped {problem}")


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

    PATHS are files (.txt, .md, .json, .jsonl), folders (read recursively) or - for standard input.
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
            }  # fmt: skip
            click.echo(json.dumps(record, ensure_ascii=False))
            continue
        click.secho(f"{document.id}", bold=True)
        click.echo(
            f"  title: {document.title or '-'}\n  date: {document.date or '-'}\n"
            f"  language: {analysis.language or 'unknown'}\n"
            f"  {len(analysis.paragraphs)} paragraphs, {len(sentences)} sentences, "
            f"{len(analysis.tokens)} words"
        )
        for number, sentence in enumerate(sentences, start=1):
            text = " ".join(str(sentence["text"]).split())
            click.echo(f"  {number:3}. [{sentence['start']}:{sentence['end']}] {text}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (library errors become status 2)."""
    try:
        result = cli.main(args=argv, prog_name="nearsame", standalone_mode=False)
    except click.exceptions.Abort:
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
        return 130
    except BrokenPipeError:
        return EXIT_NOTHING
    return result if isinstance(result, int) else EXIT_NOTHING


def entry_point() -> None:
    """The console script."""
    sys.exit(main())
