"""Read documents from text and Markdown files, JSON and JSONL records, HTML pages (their article,
`nearsame.webpage`), folders and standard input.

Nothing bad in one file stops the rest: every problem (undecodable or binary file, empty document,
malformed JSONL line, duplicate id, document over the size limit) becomes a located `LoadProblem`
and reading goes on. The caller decides whether problems are fatal. A date that cannot be read
(`nearsame.dates`) is a problem too, but not a skipped document: the document follows its warning,
its date kept as written, and is ordered as undated.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from nearsame.dates import DateError, parse_date
from nearsame.document import Document
from nearsame.webpage import HTML_SUFFIXES, PageError, looks_like_html, read_page

__all__ = [
    "FieldNames",
    "LoadProblem",
    "LoadResult",
    "iter_documents",
    "load_documents",
    "parse_text",
]

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
JSON_SUFFIXES = frozenset({".json"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
#: files whose documents may be named after them
_NAMED = TEXT_SUFFIXES | JSON_SUFFIXES | HTML_SUFFIXES
_READ = _NAMED | JSONL_SUFFIXES
DEFAULT_MAX_CHARS = 10_000_000
STDIN = "-"
STDIN_NAME = "<stdin>"  # where a document read from standard input was read, and its id if none

_HEADER_LINE_RE = re.compile(r"([A-Za-z][A-Za-z0-9_-]{0,30})[ \t]*:[ \t]*(.*?)[ \t]*\r?$")
_HEADER_KEYS = frozenset(
    {"title", "date", "source", "url", "id", "author", "language", "lang", "section",
     "published", "publisher", "modified", "tags", "link"}
)  # fmt: skip
_DATE_MARKER_RE = re.compile(r"\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\s+", re.IGNORECASE)
_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}(?:-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?)?")
_TITLE_MAX_CHARS = 200
_TITLE_MIN_WORDS = 3


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """Something that could not be read, and where: ``location`` is a path, ``path:line`` or id."""

    location: str
    message: str
    #: the id of the document, when it was read before the problem was found
    id: str | None = None
    #: whether the document was left out (else it is read all the same: a warning)
    skipped: bool = True

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass(frozen=True, slots=True)
class FieldNames:
    """Which record fields hold what. ``text`` may name several fields, joined by a blank line."""

    id: str = "id"
    text: tuple[str, ...] = ("text",)
    title: str = "title"
    date: str = "date"
    source: str = "source"
    url: str = "url"
    language: str = "language"


@dataclass(frozen=True, slots=True)
class LoadResult:
    """The documents read (in input order, ids unique) and the problems met: those whose
    ``skipped`` is true cost a document, the others are warnings about one that was read (a date
    that cannot be read)."""

    documents: tuple[Document, ...]
    problems: tuple[LoadProblem, ...] = field(default=())


def load_documents(
    sources: Iterable[str | Path],
    *,
    fields: FieldNames | None = None,
    stdin: IO[bytes] | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    encoding: str | None = None,
) -> LoadResult:
    """Read every document under ``sources`` (files, folders, or ``-`` for ``stdin``); see
    `iter_documents`."""
    documents: list[Document] = []
    problems: list[LoadProblem] = []
    found = iter_documents(
        sources, fields=fields, stdin=stdin, max_chars=max_chars, encoding=encoding
    )
    for item in found:
        (documents if isinstance(item, Document) else problems).append(item)  # type: ignore[arg-type]
    return LoadResult(tuple(documents), tuple(problems))


def iter_documents(
    sources: Iterable[str | Path],
    *,
    fields: FieldNames | None = None,
    stdin: IO[bytes] | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    encoding: str | None = None,
) -> Iterator[Document | LoadProblem]:
    """Yield documents and problems as they are read; a repeated id is a problem, not a document.

    Text is read as UTF-8 (or UTF-16 or UTF-32 after their byte-order mark), HTML pages in the
    charset they declare; ``encoding`` (a Python codec name: ``cp1252``, ``latin-1``) reads every
    input in that encoding instead.

    A document named after its file takes the file's name (its path relative to the folder given,
    for a file found in one); when two different files would give the same name, each takes its
    path relative to the folder the two have in common (``x/article.txt``, ``y/article.txt``). An
    id the input gives itself (an ``id`` field or header) is never changed: given twice, it is a
    problem. A document whose date cannot be read comes right after a problem that says so
    (``skipped`` false).
    """
    names = fields or FieldNames()
    seen: dict[str, str] = {}
    for entry in _distinct(list(_plan(sources))):
        if isinstance(entry, LoadProblem):
            yield entry
            continue
        for item in _read_entry(entry, names, stdin, max_chars, encoding):
            if isinstance(item, Document):
                where = item.path or item.id
                if item.id in seen:
                    yield LoadProblem(
                        where,
                        f"duplicate id {item.id!r} (first read from {seen[item.id]})",
                        item.id,
                    )
                    continue
                seen[item.id] = where
                warning = _date_warning(item, where)
                if warning is not None:
                    yield warning
            yield item


def _date_warning(document: Document, where: str) -> LoadProblem | None:
    if document.date is None:
        return None
    try:
        parse_date(document.date)
    except DateError as error:
        return LoadProblem(where, f"{error}; ordered as undated", document.id, skipped=False)
    return None


@dataclass(frozen=True, slots=True)
class _Entry:
    """A file to read (``path`` ``None``: standard input) and the id its name gives a document
    (a text file, or a JSON file of one record without an id)."""

    path: Path | None
    doc_id: str


def _read_entry(
    entry: _Entry,
    names: FieldNames,
    stdin: IO[bytes] | None,
    max_chars: int,
    encoding: str | None,
) -> Iterator[Document | LoadProblem]:
    if entry.path is not None:
        yield from _read_file(entry.path, entry.doc_id, names, max_chars, encoding)
    elif stdin is None:
        yield LoadProblem(STDIN_NAME, "standard input is not available")
    else:
        yield from _read_stream(stdin, STDIN_NAME, names, max_chars, encoding)


def _plan(sources: Iterable[str | Path]) -> Iterator[_Entry | LoadProblem]:
    """The files to read, in order, each with the id its name gives; or why a source gives none."""
    for source in sources:
        if str(source) == STDIN:
            yield _Entry(None, STDIN_NAME)
            continue
        path = Path(source)
        if path.is_dir():
            files = sorted(
                (p for p in path.rglob("*") if p.is_file() and _wanted(p.relative_to(path))),
                key=lambda p: p.relative_to(path).as_posix(),
            )
            if not files:
                yield LoadProblem(
                    str(path), "no .txt, .md, .json, .jsonl or .html file in this folder"
                )
            for file in files:
                json_file = file.suffix.lower() in JSON_SUFFIXES  # named as before: by its name
                yield _Entry(file, file.name if json_file else file.relative_to(path).as_posix())
        elif path.is_file():
            yield _Entry(path, path.name)
        elif path.exists():
            yield LoadProblem(str(path), "not a regular file or folder")
        else:
            yield LoadProblem(str(path), "no such file or folder")


def _distinct(plan: list[_Entry | LoadProblem]) -> list[_Entry | LoadProblem]:
    """The plan, where different files whose names give the same id are named by their paths from
    the folder they have in common instead, until no two files share an id (a name so given may
    meet another file's: ``p/a/x.txt`` and ``p/b/x.txt`` become ``a/x.txt`` and ``b/x.txt``, which
    a folder ``q`` holding ``a/x.txt`` also gives). The same file given twice, by any path, takes
    the id it was first given: the second is a duplicate."""
    resolved = {
        entry.path: entry.path.resolve()
        for entry in plan
        if isinstance(entry, _Entry) and entry.path and entry.path.suffix.lower() in _NAMED
    }
    ids: dict[Path, str] = {}
    for entry in plan:
        if isinstance(entry, _Entry) and entry.path in resolved:
            ids.setdefault(resolved[entry.path], entry.doc_id)
    for _ in range(64):  # each round lengthens the names that clash: a path's depth at most
        files: dict[str, list[Path]] = {}
        for path, doc_id in ids.items():
            files.setdefault(doc_id, []).append(path)
        clashes = [paths for paths in files.values() if len(paths) > 1]
        if not clashes:
            break
        for paths in clashes:
            common = Path(os.path.commonpath(paths))
            ids.update((path, path.relative_to(common).as_posix()) for path in paths)
    return [
        _Entry(entry.path, ids[resolved[entry.path]])
        if isinstance(entry, _Entry) and entry.path in resolved
        else entry
        for entry in plan
    ]


def _wanted(relative: Path) -> bool:
    if any(part.startswith(".") for part in relative.parts):
        return False
    return relative.suffix.lower() in _READ


def _read_file(
    path: Path, doc_id: str, names: FieldNames, max_chars: int, encoding: str | None
) -> Iterator[Document | LoadProblem]:
    where = str(path)
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        try:
            with path.open("rb") as stream:
                yield from _read_jsonl(stream, where, names, max_chars, encoding)
        except OSError as error:
            yield LoadProblem(where, f"cannot read: {error.strerror or error}")
        return
    try:
        size = path.stat().st_size
        if size > 4 * max_chars:
            yield LoadProblem(where, _too_big(size, max_chars, "bytes"))
            return
        data = path.read_bytes()
    except OSError as error:
        yield LoadProblem(where, f"cannot read: {error.strerror or error}")
        return
    if suffix in HTML_SUFFIXES:
        yield _read_page(data, where, doc_id, where, max_chars, encoding)
        return
    text = _decode(data, where, encoding)
    if isinstance(text, LoadProblem):
        yield text
    elif suffix in JSON_SUFFIXES:
        yield from _read_json(text, where, doc_id, names, max_chars)
    else:
        yield _checked(parse_text(text, doc_id=doc_id, path=where), where, max_chars)


def _read_stream(
    stream: IO[bytes], where: str, names: FieldNames, max_chars: int, encoding: str | None
) -> Iterator[Document | LoadProblem]:
    head = stream.peek(64)[:64] if hasattr(stream, "peek") else b""
    if head.lstrip()[:1] == b"{":
        yield from _read_jsonl(stream, where, names, max_chars, encoding)
        return
    data = stream.read()
    if not data.strip():  # nothing came (a feed with no new articles): no document, no error
        return
    if looks_like_html(data):
        yield _read_page(data, where, where, None, max_chars, encoding)
        return
    text = _decode(data, where, encoding)
    if isinstance(text, LoadProblem):
        yield text
    elif text.lstrip()[:1] == "{":
        lines = (text.encode() if _wide(data) or encoding else data).splitlines(keepends=True)
        yield from _read_jsonl(iter(lines), where, names, max_chars, None)
    else:
        yield _checked(parse_text(text, doc_id=where, path=None), where, max_chars)


def _read_page(
    data: bytes, where: str, doc_id: str, path: str | None, max_chars: int, encoding: str | None
) -> Document | LoadProblem:
    """The article of an HTML page (`nearsame.webpage`). The page's charset decides how its bytes
    are read, but a byte-order mark of UTF-16 or UTF-32 comes first, and NUL bytes make it binary."""
    page_data: bytes | str = data
    if encoding or _wide(data) is not None or b"\x00" in data[:8192]:
        decoded = _decode(data, where, encoding)
        if isinstance(decoded, LoadProblem):
            return decoded
        page_data = decoded
    try:
        page = read_page(page_data)
    except PageError as error:
        return LoadProblem(where, str(error))
    document = Document(id=doc_id, text=page.text, title=page.title, date=page.date,
                        source=page.source, url=page.url, path=path)  # fmt: skip
    return _checked(document, where, max_chars)


def _too_big(size: int, limit: int, unit: str) -> str:
    return f"{size:,} {unit}, over the limit of {limit:,} characters for one document"


#: byte-order marks of the encodings besides UTF-8 that text files come in (Windows' "Unicode"),
#: the longer first: UTF-32's little-endian mark begins with UTF-16's
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)  # fmt: skip


def _wide(data: bytes) -> str | None:
    """The encoding whose byte-order mark ``data`` starts with (UTF-16 or UTF-32), if any."""
    return next((codec for bom, codec in _WIDE_BOMS if data.startswith(bom)), None)


def _decode(data: bytes, where: str, encoding: str | None = None) -> str | LoadProblem:
    """``data`` as text: in ``encoding`` when one is named, whatever the bytes look like; else in
    UTF-16 or UTF-32 after their byte-order mark, or in UTF-8."""
    if encoding is None:
        wide = _wide(data)
        if wide is not None:  # spans are then in code points of the text after its mark
            try:
                return data.decode(wide)
            except UnicodeDecodeError as error:
                return LoadProblem(
                    where,
                    f"not valid {wide.upper()} (byte {error.start}); re-encode it as UTF-8, or"
                    " name its encoding if it is another (--encoding cp1252)",
                )
        if b"\x00" in data[:8192]:
            return LoadProblem(where, "binary file (it contains NUL bytes)")
    try:
        text = data.decode(encoding or "utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = f"byte {error.start}: {data[error.start : error.start + 1]!r}"
        if encoding is not None:
            return LoadProblem(f"{where}:{line}", f"not valid {encoding} ({byte})")
        return LoadProblem(
            f"{where}:{line}",
            f"not valid UTF-8 ({byte}); re-encode the file as UTF-8, or name its encoding"
            " (--encoding cp1252)",
        )
    if encoding is None:
        return text
    if "\x00" in text[:8192]:  # a NUL byte may belong to a character (UTF-16): NUL characters
        return LoadProblem(where, "binary file (it contains NUL characters)")
    return text.removeprefix("\ufeff")


def _checked(
    document: Document | LoadProblem, where: str, max_chars: int
) -> Document | LoadProblem:
    if isinstance(document, LoadProblem):
        return document
    if len(document.text) > max_chars:
        return LoadProblem(
            where, _too_big(len(document.text), max_chars, "characters"), document.id
        )
    if not document.body.strip():
        return LoadProblem(where, "empty document", document.id)
    return document


def _read_jsonl(
    lines: Iterable[bytes], where: str, names: FieldNames, max_chars: int, encoding: str | None
) -> Iterator[Document | LoadProblem]:
    for number, raw in enumerate(lines, start=1):
        location = f"{where}:{number}"
        wide = _wide(raw) if number == 1 and encoding is None else None
        if wide is not None:  # its lines cannot be told apart byte by byte
            yield LoadProblem(where, f"JSONL in {wide.upper()}: re-encode it as UTF-8")
            return
        if not raw.strip():
            continue
        if len(raw) > 4 * max_chars:
            yield LoadProblem(location, _too_big(len(raw), max_chars, "bytes"))
            continue
        text = _decode(raw, location, encoding)
        if isinstance(text, LoadProblem):
            yield LoadProblem(location, text.message)
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as error:
            message = error.msg.removesuffix(" at")  # "Invalid control character at"
            yield LoadProblem(location, f"malformed JSON ({message} at column {error.colno})")
            continue
        yield _checked(
            _from_record(record, names, location, f"{where}:{number}"), location, max_chars
        )


def _read_json(
    text: str, where: str, doc_id: str, names: FieldNames, max_chars: int
) -> Iterator[Document | LoadProblem]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        yield LoadProblem(f"{where}:{error.lineno}", f"malformed JSON ({error.msg})")
        return
    if isinstance(data, Mapping) and isinstance(data.get("documents"), list):
        data = data["documents"]
    if isinstance(data, list):
        for number, record in enumerate(data):
            location = f"{where}#{number}"
            yield _checked(_from_record(record, names, location, location), location, max_chars)
    else:
        yield _checked(_from_record(data, names, where, doc_id), where, max_chars)


def _field(record: Mapping[str, Any], name: str) -> str | None:
    value = record.get(name)
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def _from_record(
    record: Any, names: FieldNames, location: str, fallback_id: str
) -> Document | LoadProblem:
    if not isinstance(record, Mapping):
        return LoadProblem(location, f"expected a JSON object, found {type(record).__name__}")
    doc_id = record.get(names.id)
    if doc_id is not None and (isinstance(doc_id, bool) or not isinstance(doc_id, str | int)):
        return LoadProblem(location, f"the id field is not a string or an integer: {doc_id!r}")
    doc_id = None if doc_id is None or doc_id == "" else str(doc_id)
    parts = [record.get(name) for name in names.text]
    if all(part is None for part in parts):
        wanted = " or ".join(repr(name) for name in names.text)
        return LoadProblem(location, f"no {wanted} field (choose one with --text-field)", doc_id)
    if any(part is not None and not isinstance(part, str) for part in parts):
        return LoadProblem(location, "the text field is not a string", doc_id)
    text = "\n\n".join(part for part in parts if part)
    used = {names.id, *names.text, names.title, names.date, names.source, names.url, names.language}
    metadata = {
        k: v if isinstance(v, str) else json.dumps(v) for k, v in record.items() if k not in used
    }
    return Document(
        id=doc_id or fallback_id,
        text=text,
        title=_field(record, names.title),
        date=_normal_date(_field(record, names.date)),
        source=_field(record, names.source),
        url=_field(record, names.url),
        path=location,
        language=_field(record, names.language),
        metadata=metadata,
    )


def _normal_date(value: str | None) -> str | None:
    """The date as written; an ISO 8601 one with ``T``, and the ISO date inside one that cannot
    be read whole (``2023-08-14 (mis à jour)``)."""
    if value is None:
        return None
    if _ISO_DATE_RE.fullmatch(value):
        return value.replace(" ", "T")
    try:
        parse_date(value)
    except DateError:
        match = _ISO_DATE_RE.search(value)
        return match.group().replace(" ", "T") if match else value
    return value


def parse_text(text: str, *, doc_id: str, path: str | None) -> Document:
    """Make a document of a text file: its ``key: value`` header or inline date marker, and title."""
    header, body_start = _header(text)
    marker = _DATE_MARKER_RE.match(text, body_start)
    if marker is not None and "date" not in header:
        header["date"] = marker.group(1)
        body_start = marker.end()
    known = {"title", "date", "source", "url", "id", "language", "lang"}
    return Document(
        id=header.get("id") or doc_id,
        text=text,
        title=header.get("title") or _guess_title(text, body_start),
        date=_normal_date(header.get("date") or header.get("published")),
        source=header.get("source") or header.get("publisher"),
        url=header.get("url") or header.get("link"),
        path=path,
        language=header.get("language") or header.get("lang"),
        body_start=body_start,
        metadata={k: v for k, v in header.items() if k not in known},
    )


def _header(text: str) -> tuple[dict[str, str], int]:
    """A block of ``key: value`` lines (optionally between ``---`` fences) ended by a blank line."""
    lines = text.split("\n")
    fenced = bool(lines) and lines[0].strip() == "---"
    offset = len(lines[0]) + 1 if fenced else 0
    header: dict[str, str] = {}
    for line in lines[1:] if fenced else lines:
        if (fenced and line.strip() == "---") or (not fenced and not line.strip()):
            if header and _HEADER_KEYS.intersection(header):
                return header, min(len(text), offset + len(line) + 1)
            return {}, 0
        match = _HEADER_LINE_RE.fullmatch(line)
        if match is None:
            return {}, 0
        header[match.group(1).lower()] = match.group(2)
        offset += len(line) + 1
    return {}, 0


def _guess_title(text: str, start: int) -> str | None:
    """The first short single-line paragraph of three words or more, without a final full stop."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text[start : start + 3000])]
    for paragraph in [p for p in paragraphs if p][:3]:
        if "\n" in paragraph or len(paragraph) > _TITLE_MAX_CHARS:
            return None
        if len(paragraph.split()) >= _TITLE_MIN_WORDS:
            return None if paragraph[-1] in ".:;," else paragraph
    return None
