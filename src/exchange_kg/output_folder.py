"""The output folder is replaced whole: a killed build leaves the previous build, never a mix.

A build writes every file into a fresh folder beside the output folder (``.dist.new-…`` for
``dist``) and then switches the two in one step: on Linux an atomic exchange of the two
folders (``renameat2(RENAME_EXCHANGE)``), elsewhere two renames whose gap the next build
repairs. Whatever moment a build is killed at, ``dist/`` holds either the previous build or
the new one, complete. Users keep the plain folder they asked for (``-o DIR``; no link to
follow, nothing to change in scripts that read ``DIR/exchange-kg.ttl``).

Because the whole folder is replaced, a build refuses a folder holding files it did not
write: replacing it would delete them. One build at a time writes a folder (a lock file
beside it), and each build starts by removing what a killed one left beside the folder.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: builds are not serialised
    fcntl = None  # type: ignore[assignment]

NEW = "new"  # .{name}.new-XXXX: a build being written, or the previous one after the switch
OLD = "old"  # .{name}.old-XXXX: the previous build between the two renames of the fallback


class OutputFolderError(Exception):
    """The output folder cannot be replaced (it holds other files, or it is the project)."""


def hidden(folder: Path, kind: str) -> str:
    """The name prefix of a temporary of ``kind`` beside ``folder``."""
    return f".{folder.name}.{kind}-"


def lock_path(folder: Path) -> Path:
    return folder.parent / f".{folder.name}.lock"


def target_of(out_dir: Path) -> Path:
    """The real folder behind ``out_dir`` (a link to a folder elsewhere is followed, so the
    new build is written on the same file system as the folder it replaces)."""
    return out_dir.resolve()


def check_replaceable(folder: Path, known: set[str]) -> None:
    """Refuse to replace a folder that holds anything a build does not write."""
    cwd = Path.cwd().resolve()
    if folder == cwd or folder in cwd.parents or folder == Path(folder.anchor):
        raise OutputFolderError(
            f"{folder}: is the current folder or holds it; a build replaces its output folder "
            "as a whole, so give one of its own (e.g. -o dist)")
    if not folder.exists():
        return
    if not folder.is_dir():
        raise OutputFolderError(f"{folder}: not a folder")
    foreign = sorted(p.name for p in folder.iterdir() if not _ours(p.name, known))
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5
                                          else "")
        raise OutputFolderError(
            f"{folder}: holds {shown}, which a build did not write; a build replaces its "
            "output folder as a whole, so move them or choose another folder")


def _ours(name: str, known: set[str]) -> bool:
    if name in known:
        return True
    # temporaries that builds before atomic folders left inside the folder
    return name.startswith((".store-new-", ".store-old-")) or any(
        name.startswith(f".{k}.") for k in known)


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the folder's lock: one build (or store rebuild) at a time writes it."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover
        yield
        return
    with open(lock_path(folder), "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def recover(folder: Path) -> list[str]:
    """Undo what a killed build left beside ``folder``; return the names removed or restored.

    Call with the lock held. A folder missing while a renamed-aside previous build exists
    is the gap of the fallback switch: the previous build is put back.
    """
    touched: list[str] = []
    parent = folder.parent
    if not parent.is_dir():
        return touched
    old = sorted(p for p in parent.iterdir() if p.name.startswith(hidden(folder, OLD)))
    if old and not folder.exists():
        os.rename(old[0], folder)
        touched.append(f"{old[0].name} restored")
        old = old[1:]
    news = [p for p in parent.iterdir() if p.name.startswith(hidden(folder, NEW))]
    for stale in sorted(old + news):
        _remove(stale)
        touched.append(stale.name)
    return touched


@contextmanager
def staged(out_dir: Path, known: set[str]) -> Iterator[Path]:
    """A fresh folder to write a build into; when the block ends normally it replaces
    ``out_dir`` in one step. On any error (or a kill) ``out_dir`` is left as it was."""
    folder = target_of(out_dir)
    check_replaceable(folder, known)
    with locked(folder):
        recover(folder)
        staging = Path(tempfile.mkdtemp(prefix=hidden(folder, NEW), dir=folder.parent))
        try:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(staging, 0o777 & ~umask)  # mkdtemp's folder is private; a build is not
            yield staging
            _fsync_dir(staging)
            switch(staging, folder)
        finally:
            if staging.exists():
                _remove(staging)


def switch(new: Path, folder: Path) -> None:
    """Make ``new`` be ``folder``; afterwards ``new`` holds the previous build, if any."""
    if not folder.exists():
        os.rename(new, folder)
    elif not _exchange(new, folder):
        aside = Path(tempfile.mkdtemp(prefix=hidden(folder, OLD), dir=folder.parent))
        os.rmdir(aside)
        os.rename(folder, aside)
        os.rename(new, folder)  # a kill between these two renames: recover() restores
        os.rename(aside, new)
    _fsync_dir(folder.parent)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where that is not available."""
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # an old kernel or a file system without exchange: fall back
    raise OSError(err, os.strerror(err), str(b))


_LIBC: ctypes.CDLL | None = None


def _libc() -> ctypes.CDLL | None:
    global _LIBC
    if _LIBC is None:
        try:
            _LIBC = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        except OSError:  # pragma: no cover
            return None
    return _LIBC


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. a platform that cannot open folders
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
