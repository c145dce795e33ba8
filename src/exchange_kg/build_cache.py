"""The per-document cache of a build: each document's reading, kept between builds.

Reading a document and normalising its records depends on that document alone (and, for
readers that take evidence from the other lists, on the few facts they looked up), so a
rebuild after one list changed need not read the others again. An entry holds what the
per-document stage returns (the lines, the reader's result, the agreements before merging)
and is keyed by everything that result is a function of: the document's bytes and its
manifest entry, its mapping file's bytes, the ``--ocr`` switch, and the code version (every
module and word list of the package but the web server's, the Python version and the
versions of the libraries the package depends on, directly or not). An edit to any of them
is a new key; the old entry is never read again and ages out. A PDF read with ``--ocr`` is
not kept: the OCR engine is a program outside the package, of a version the key cannot see.

Resolution keeps each country's clusters here too (``resolve.cache``), keyed by that
country's mentions. Entries live in ``documents/`` of the user's cache folder
(``$EXCHANGE_KG_CACHE_DIR``, as the ROR index does). Each is written atomically (a temporary
file renamed) and carries a digest of its contents: an entry that is truncated, corrupt or
unreadable is ignored and the document read anew, so the cache can make a build faster but
never different. The cache is only an optimisation: a folder that cannot be written just
goes without. Entries are pickles, so the folder is created readable and writable by its
user only, like the rest of a user cache: whoever can write into it can make the next build
run code.

It is bounded: at the end of a build, entries no build has used for ``MAX_AGE_DAYS`` are
removed, and then the least recently used ones until the folder is under ``max_bytes``
(``$EXCHANGE_KG_CACHE_MAX_MB``, default 4096), never one the build just used. Deleting the
folder clears it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import TypeVar

from exchange_kg.link.loading import default_cache_dir

T = TypeVar("T")

FORMAT = 1
MAGIC = b"exchange-kg document cache %d\n" % FORMAT
SUFFIX = ".entry"
MAX_AGE_DAYS = 30
MAX_MB_ENV = "EXCHANGE_KG_CACHE_MAX_MB"
DEFAULT_MAX_MB = 4096
# code the per-document stage cannot depend on: the web server
NOT_BUILD_CODE = ("serve",)


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the code and word lists a document is read by: an edit to any of them,
    another Python, or another version of a library the package uses, is another version.

    The package's files are read from disk, as :func:`exchange_kg.link.loading.code_fingerprint`
    does for the ROR index; this one covers the whole package (but the server), because
    reading and normalising touch most of it.
    """
    digest = hashlib.sha256(sys.version.encode())
    digest.update(package_digest(Path(str(resources.files("exchange_kg")))).encode())
    for name, version in sorted(_dependencies("exchange-kg").items()):
        digest.update(f"{name}=={version}\n".encode())
    return digest.hexdigest()[:16]


def _dependencies(root: str) -> dict[str, str]:
    """The installed version of every library ``root`` needs, directly or through another
    (pdfminer.six through pdfplumber reads PDF text), extras left out."""
    installed = {_canonical(d.metadata["Name"] or ""): d for d in metadata.distributions()}
    found: dict[str, str] = {}
    todo = [_canonical(root)]
    while todo:
        dist = installed.get(todo.pop())
        for requirement in (dist.requires or []) if dist is not None else []:
            if "extra ==" in requirement:
                continue
            name = _canonical(re.split(r"[<>=!~;\[ (]", requirement, maxsplit=1)[0])
            if name not in found:
                found[name] = installed[name].version if name in installed else "absent"
                todo.append(name)
    return found


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def package_digest(root: Path) -> str:
    """SHA-256 of every file of the package at ``root`` (paths and bytes) but the server's."""
    digest = hashlib.sha256()
    for path in sorted(_package_files(root), key=lambda p: p.as_posix()):
        rel = path.relative_to(root).as_posix()
        digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _package_files(root: Path) -> Iterable[Path]:
    for path in root.rglob("*"):
        rel = path.relative_to(root).parts
        if (path.is_file() and rel[0] not in NOT_BUILD_CODE and "__pycache__" not in rel
                and not path.name.endswith((".pyc", ".pyo"))):
            yield path


def key_of(*parts: str) -> str:
    """The entry name for a result that is a function of ``parts`` (and the code)."""
    digest = hashlib.sha256(f"{FORMAT}\0{code_version()}".encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:40]


def facts_digest(facts: object) -> str:
    """A digest of ``facts`` (tuples, lists, strings, dataclasses of them) that is a function
    of their values alone: pickled without a memo, as a string held twice by one object is
    otherwise written once, and equal values held differently would give other bytes."""
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(facts)
    return hashlib.blake2b(buf.getbuffer(), digest_size=32).hexdigest()


def memo(cache: DocumentCache | None, kind: str, facts: object, compute: Callable[[], T],
         kept: type) -> T:
    """``compute()``, taken from ``cache`` when an earlier build computed it from the same
    ``facts`` (everything the result is a function of, besides the code) and kept there
    otherwise. An entry that does not unpickle to a ``kept`` is computed anew."""
    if cache is None:
        return compute()
    key = key_of(kind, facts_digest(facts))
    body = cache.get(key)
    if body is not None:
        with contextlib.suppress(Exception):  # any damage an unpickler can meet: no entry
            value = pickle.loads(body)
            if isinstance(value, kept):
                cache.reused[kind] += 1
                return value  # type: ignore[no-any-return]
    value = compute()
    cache.put(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value


@dataclass
class DocumentCache:
    """A folder of entries, each one pickled per-document result with a digest of it."""

    folder: Path
    max_bytes: int = DEFAULT_MAX_MB << 20
    # entry names this build read or wrote: pruning keeps them
    used: set[str] = field(default_factory=set)
    # kind -> how many results :func:`memo` took from the cache
    reused: Counter[str] = field(default_factory=Counter)

    @classmethod
    def default(cls) -> DocumentCache:
        """``documents/`` of the user's cache folder, bounded by ``$EXCHANGE_KG_CACHE_MAX_MB``."""
        try:
            mb = int(os.environ.get(MAX_MB_ENV, DEFAULT_MAX_MB))
        except ValueError:
            mb = DEFAULT_MAX_MB
        return cls(default_cache_dir() / "documents", max(mb, 0) << 20)

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}{SUFFIX}"

    def get(self, key: str) -> bytes | None:
        """The entry's contents, or None when it is absent, truncated, corrupt or unreadable."""
        path = self._path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        head = len(MAGIC)
        body = data[head + 32:]
        if data[:head] != MAGIC or hashlib.blake2b(body, digest_size=32).digest() \
                != data[head:head + 32]:
            return None
        self.used.add(key)
        with contextlib.suppress(OSError):  # recently used: pruning goes by modification time
            os.utime(path)
        return body

    def put(self, key: str, body: bytes) -> None:
        """Write an entry atomically; a folder that cannot be written goes without."""
        try:
            # entries are pickles: whoever may write them may run code in the next build, so
            # the folder is the user's alone (entries are created 0600 as well)
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=SUFFIX)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(MAGIC)
                    fh.write(hashlib.blake2b(body, digest_size=32).digest())
                    fh.write(body)
                os.replace(tmp, self._path(key))
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return
        self.used.add(key)

    def prune(self, now: float | None = None) -> int:
        """Remove stale entries (see the module doc); returns how many were removed."""
        now = time.time() if now is None else now
        try:
            found = [(p.stat(), p) for p in self.folder.glob(f"*{SUFFIX}")]
        except OSError:
            return 0
        removed = 0
        keep_total = 0
        candidates = []
        for st, path in sorted(found, key=lambda sp: -sp[0].st_mtime):
            key = path.name.removesuffix(SUFFIX)
            if path.name.startswith(".tmp-"):  # another build's entry being written
                if now - st.st_mtime > 3600:  # ... or one left by a build that was killed
                    removed += _unlink(path)
            elif key in self.used:
                keep_total += st.st_size
            elif now - st.st_mtime > MAX_AGE_DAYS * 86400:
                removed += _unlink(path)
            else:
                candidates.append((st.st_size, path))
        for size, path in candidates:  # most recently used first
            if keep_total + size <= self.max_bytes:
                keep_total += size
            else:
                removed += _unlink(path)
        return removed


def _unlink(path: Path) -> int:
    try:
        path.unlink()
    except OSError:
        return 0
    return 1
