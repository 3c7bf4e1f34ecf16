"""`Index`: add, check, remove and count documents in a persistent index, whatever its backend."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from types import TracebackType

import numpy as np

from nearsame.document import Document
from nearsame.errors import IndexStoreError
from nearsame.index.base import (
    Added,
    Decision,
    Entry,
    IdConflictError,
    IndexStats,
    Status,
    Store,
    StoredDocument,
)
from nearsame.index.check import (
    VERBATIM,
    Prepared,
    bucket_limits,
    find_candidates,
    match_documents,
    pack_fingerprint,
    prepare,
    unpack_keys,
    verify_hashed,
)
from nearsame.params import Params
from nearsame.verify import Thresholds

__all__ = ["ADD_BATCH", "Index", "make_entry", "prepare_document"]

#: documents a batch of `Index.add_stream` and `nearsame index add` (bench/RESULTS.md, "Index")
ADD_BATCH = 2000


class Index:
    """A persistent index of documents, checked one document at a time.

    Use `nearsame.open_index` to get one, preferably as a context manager. ``params`` are the
    index's own (recorded when it was created). One check reads at most ``max_lookup`` of the
    indexed documents the band keys propose (those sharing the most keys first), screens their
    unit pairs on the signatures, and verifies at most ``max_candidates`` on the text.
    """

    def __init__(
        self, store: Store, params: Params, *, max_candidates: int = 8, max_lookup: int = 32
    ) -> None:
        self._store = store
        self.params = params
        self.max_candidates = max_candidates
        self.max_lookup = max_lookup

    def __enter__(self) -> Index:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the store's connections and files."""
        self._store.close()

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and self._store.find(doc_id) is not None

    def __len__(self) -> int:
        return self._store.count()[0]

    def get(self, doc_id: str) -> Document | None:
        """The indexed document with this id, if any."""
        stored = self._store.find(doc_id)
        return stored.document if stored else None

    def add(self, documents: Iterable[Document]) -> list[str]:
        """Add ``documents`` in one atomic step; returns the ids added.

        A document whose id is already indexed with the same text is skipped (adding is
        idempotent); with another text it is an error and nothing of this call is added. When
        this method returns, the documents are stored durably. On Redis, each document is added
        atomically but not the call as a whole: a call that fails part-way (the server gone) has
        added the documents before the failure, and running it again completes it.

        Large calls add faster per document: an SQLite index writes every page a document's keys
        touch, and documents added together share pages (at 100,000 articles, adding 2,000 at a
        time is about twice as fast as 200 at a time). Each document waiting to be added holds
        about 35 KB (a news article of 2 KB) until the call returns. For a long stream,
        `add_stream` also prepares the next batch on another core while this one is written.
        """
        entries = [make_entry(document, self.params) for document in documents]
        ids = [entry.document.id for entry in entries]
        if len(set(ids)) != len(ids):
            repeated = next(i for i, count in Counter(ids).items() if count > 1)
            raise IndexStoreError(f"the documents to add have repeated ids: {repeated!r}")
        with self._store.exclusive():
            new, conflicts = self._sort_out(entries)
            if conflicts:
                raise IdConflictError(conflicts[0].id)
            self._store.insert(new)
        return [entry.document.id for entry in new]

    def add_stream(
        self, documents: Iterable[Document], *, batch: int = ADD_BATCH, workers: int = 1
    ) -> Iterator[Added]:
        """Add a stream of documents ``batch`` at a time (each batch one atomic step), yielding
        what became of each batch as soon as it is stored.

        Unlike `add`, a document whose id is already indexed (or earlier in the stream) with
        another text does not stop its batch: it is left out and named in `Added.conflicts`.
        With ``workers`` (processes, started only once the stream holds more than one batch),
        the next batches are analysed on other cores while this process writes: one worker adds
        about 40% faster at 100,000 articles, and builds a 20,000-article index about 1.5 times
        as fast (``bench/RESULTS.md``). For that, a batch is written once the next ``workers``
        batches have been read: for a stream that trickles in, ``workers=0`` writes each batch as
        soon as it is read (and does everything in this process). Stop early by closing the
        iterator.
        """
        if batch < 1 or workers < 0:
            raise ValueError(
                f"batch must be at least 1 and workers at least 0, not {batch}, {workers}"
            )
        from nearsame.index.bulk import add_stream

        return add_stream(self, documents, batch=batch, workers=workers)

    def _add_entries(self, entries: Sequence[Entry], *, worker_failure: str | None = None) -> Added:
        """Store ``entries`` in one atomic step, leaving out those whose id is indexed (or
        earlier in ``entries``) with another text; ``worker_failure`` is why they were analysed
        here rather than by a worker, if one failed."""
        with self._store.exclusive():
            new, conflicts = self._sort_out(entries)
            self._store.insert(new)
        return Added(
            ids=tuple(entry.document.id for entry in new),
            conflicts=tuple(conflicts),
            documents=len(entries),
            worker_failure=worker_failure,
        )

    def check(
        self,
        document: Document,
        *,
        add: bool = False,
        thresholds: Thresholds | None = None,
        duplicate: float | None = None,
    ) -> Decision:
        """Check ``document`` against the index, and with ``add=True`` add it in the same step.

        ``thresholds`` and ``duplicate`` override the verification settings for this check.
        The indexed document with the same id, if any, is not a match of itself. With ``add``,
        the check and the add are one step: a concurrent writer cannot slip a duplicate in
        between.
        """
        params = self.params
        if thresholds is not None or duplicate is not None:
            params = replace(
                params,
                thresholds=thresholds or params.thresholds,
                duplicate=params.duplicate if duplicate is None else duplicate,
            )
        prepared = prepare_document(document, self.params)
        if not add:
            return self._decide(prepared, params, added=False)
        with self._store.exclusive():
            new = self._is_new(document)
            decision = self._decide(prepared, params, added=new)
            if new:
                self._store.insert([make_entry(prepared, self.params)])
        return decision

    def remove(self, doc_id: str) -> bool:
        """Remove the document with this id; returns whether it was there."""
        with self._store.exclusive():
            stored = self._store.find(doc_id)
            if stored is None:
                return False
            self._store.delete(stored, unpack_keys(stored.signatures, self.params))
        return True

    def optimize(self, progress: Callable[[float], None] | None = None) -> bool:
        """Make checks faster: an SQLite index writes a frozen copy of its band table beside
        its file (``news.db-frozen-N``), which answers lookups without SQLite's B-tree (at
        100,000 articles, checks about 1.1 to 1.2 times as fast). Returns whether it wrote one
        (never for Redis or ``memory://``, or if another process did meanwhile).

        From then on, every key added is also written to a table of what is newer than the
        copy, which lookups read too, a B-tree descent a key: once more than a hundredth of the
        index was added or removed since, the copy no longer pays, and is set aside (checks and
        adds as before) until the next `optimize`. Other processes go on checking and adding
        while the copy is written (about a minute at 100,000 articles) and use it from their
        next check. The copy is a cache: deleted or damaged, the index
        answers the same from its table. ``progress`` gets the share done, from 0 to 1.
        """
        return self._store.freeze(lambda blob: unpack_keys(blob, self.params), progress)

    def stats(self) -> IndexStats:
        """How many documents the index holds, its size and its parameters."""
        documents, crowded, size = self._store.count()
        return IndexStats(
            backend=self._store.backend,
            location=self._store.location,
            documents=documents,
            crowded_keys=crowded,
            size_bytes=size,
            params=self._store.read_params() or {},
            frozen=self._store.frozen(),
        )

    def _sort_out(self, entries: Sequence[Entry]) -> tuple[list[Entry], list[Document]]:
        """Within a transaction: the entries to store, and the documents whose id is indexed (or
        earlier in ``entries``) with another text. The others are there already."""
        texts: dict[str, str] = {}
        new: list[Entry] = []
        conflicts: list[Document] = []
        for entry in entries:
            document = entry.document
            if document.id not in texts:
                stored = self._store.find(document.id)
                if stored is None:
                    texts[document.id] = document.text
                    new.append(entry)
                    continue
                texts[document.id] = stored.document.text
            if texts[document.id] != document.text:
                conflicts.append(document)
        return new, conflicts

    def _is_new(self, document: Document) -> bool:
        stored = self._store.find(document.id)
        if stored is None:
            return True
        if stored.document.text != document.text:
            raise IdConflictError(document.id)
        return False

    def _decide(self, prepared: Prepared, params: Params, *, added: bool) -> Decision:
        document = prepared.document
        # only verbatim keys say anything by being crowded (boilerplate; see `find_candidates`)
        postings = self._store.lookup(prepared.keys, prepared.keys[prepared.channels == VERBATIM])
        own = self._store.find(document.id)
        # a document does not match itself; an updated version of it matches the indexed one
        candidates = find_candidates(
            prepared, postings.keys, postings.nums, postings.units, postings.crowded,
            exclude=own.num if own is not None and own.document.text == document.text else -1,
            limit=self.max_lookup,
        )  # fmt: skip
        signatures = self._store.signatures(candidates.ranked(self.max_lookup))
        candidates, order = candidates.screened(prepared, signatures, params)
        verified = verify_hashed(
            prepared, candidates, order, signatures, params, self.max_candidates
        )
        stored = self._documents(list(verified))
        matches = match_documents(prepared, candidates, stored, verified, params)
        status: Status = "unique"
        if any(m.kind == "duplicate" for m in matches):
            status = "duplicate"
        elif any(not p.boilerplate for m in matches for p in m.passages):
            status = "overlap"
        return Decision(
            id=document.id, status=status, matches=tuple(matches), added=added,
            length=len(document.text),
        )  # fmt: skip

    def _documents(self, nums: Sequence[int]) -> list[StoredDocument]:
        found = {stored.num: stored for stored in self._store.documents(nums)}
        return [found[num] for num in nums if num in found]


def prepare_document(document: Document, params: Params) -> Prepared:
    """`prepare` ``document``, recording the language found in it: the stored text then reads
    as it was analysed."""
    prepared = prepare(document, params)
    if prepared.analysis.language and document.language != prepared.analysis.language:
        analysis = replace(
            prepared.analysis,
            document=replace(document, language=prepared.analysis.language),
        )
        prepared = replace(prepared, analysis=analysis)
    return prepared


def make_entry(source: Document | Prepared, params: Params) -> Entry:
    """What an index stores of a document: its fingerprint, band keys and their limits (a few
    tens of kilobytes for a news article, not its whole analysis)."""
    prepared = source if isinstance(source, Prepared) else prepare_document(source, params)
    limits = np.asarray(bucket_limits(params), dtype=np.int64)[prepared.channels]
    return Entry(
        document=prepared.document,
        signatures=pack_fingerprint(prepared),
        keys=prepared.keys,
        units=prepared.units,
        limits=limits,
    )
