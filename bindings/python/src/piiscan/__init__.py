"""piiscan: find Korean personal data in text, files, documents and archives.

A Python binding of libpiiscan (a C extension module).  Quick start::

    import piiscan

    for f in piiscan.scan("주민등록번호: 900101-1234568"):
        print(f)                 # line 1: kr_rrn 900101-1****** (checksum, high)

    engine = piiscan.Engine(types=["kr_rrn", "card"], min_confidence="medium")
    for item in engine.scan_path("/srv/share", exclude=["*.log"]):
        if isinstance(item, piiscan.Finding):
            print(item.path, item.line, item.type, item.text)
        elif not item.ok:
            print("not scanned:", item)      # encrypted, skipped, error ...

Values are reported masked (``Finding.text``); the raw value is available only
from an engine made with ``expose_raw=True`` (``Finding.raw``), and never appears
in ``repr()`` or ``str()``.  To compare or de-duplicate values without keeping
them, pass ``fingerprint_key=`` to a scan: each ``Finding.fingerprint`` is then
the keyed fingerprint of its value, the same as ``piiscan --fingerprint-key``
writes and :func:`fingerprint` computes.

An :class:`Engine` is immutable and may be shared by any number of threads; the
GIL is released while the C library scans, so threads scale with cores.
"""
from __future__ import annotations

import codecs
import collections
import functools
import os
from concurrent.futures import ThreadPoolExecutor
from typing import (Any, Deque, Dict, Iterable, Iterator, List, NamedTuple, Optional, Tuple,
                    Union)

from ._errors import (Error, FileError, InternalError, InvalidArgumentError, LimitError,
                      MismatchError, NoMemoryError, PatternError, ScratchInUseError,
                      UnknownTypeError)
from ._piiscan import FileStatus, Finding, Stream, _Engine, _Walk
from . import _piiscan

__all__ = [
    "Engine", "Finding", "FileStatus", "Stream", "TypeInfo",
    "scan", "scan_file", "scan_path", "extract_text", "default_types", "fingerprint",
    "Error", "InvalidArgumentError", "NoMemoryError", "PatternError", "ScratchInUseError",
    "MismatchError", "FileError", "UnknownTypeError", "LimitError", "InternalError",
    "__version__", "library_version",
]

__version__ = "0.1.0"
#: Version of the libpiiscan shared library in use (e.g. "0.1.0").
library_version: str = _piiscan.library_version

PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
#: A fingerprint key: bytes, or a str (its UTF-8, as ``piiscan --fingerprint-key``).
Key = Union[bytes, bytearray, memoryview, str]
Result = Union[Finding, FileStatus]

# ---- options ---------------------------------------------------------------

_OPT_KEYS = {
    "encoding": 1, "min_confidence": 2, "expose_raw": 3, "rrn_policy": 4, "report_masked": 5,
    "max_depth": 6, "max_extracted": 7, "max_ratio": 8, "max_members": 9, "max_buffer": 10,
}
_LIMITS = ("max_depth", "max_extracted", "max_ratio", "max_members", "max_buffer")
_ENCODINGS = {"utf-8": 1, "utf-16-le": 2, "utf-16-be": 3, "cp949": 4, "euc_kr": 4}
_CONFIDENCE = {"low": 1, "medium": 2, "high": 3}
_RRN_POLICY = {"checksum_only": 0, "checksum": 0, "context": 1, "structural": 2}


def _bool(name: str, value: Any) -> int:
    if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
        return int(value)
    raise InvalidArgumentError(f"{name}: expected True or False, got {value!r}", -1)


def _choice(name: str, value: Any, table: Dict[str, int]) -> int:
    if isinstance(value, str) and value.lower().replace("-", "_") in table:
        return table[value.lower().replace("-", "_")]
    if isinstance(value, int) and not isinstance(value, bool) and value in table.values():
        return value
    raise InvalidArgumentError(
        f"{name}: expected one of {', '.join(sorted(table))}, got {value!r}", -1)


def _encoding(value: Any) -> int:
    if value is None or (isinstance(value, str) and value.lower() == "auto"):
        return 0
    if isinstance(value, str):
        try:
            name = codecs.lookup(value).name
        except LookupError:
            name = ""
        if name in _ENCODINGS:
            return _ENCODINGS[name]
    raise InvalidArgumentError(
        f"encoding: expected 'auto', 'utf-8', 'utf-16-le', 'utf-16-be' or 'cp949' "
        f"(also 'euc-kr'), got {value!r}", -1)


def _options(options: Dict[str, Any], allowed: Iterable[str] = tuple(_OPT_KEYS)
             ) -> Tuple[List[Tuple[int, int]], bool]:
    """Validates keyword options; returns the (key, value) pairs and expose_raw."""
    allowed = set(allowed)
    pairs: List[Tuple[int, int]] = []
    expose_raw = False
    for name, value in options.items():
        if name not in allowed:
            raise TypeError(f"unexpected option {name!r} (options: {', '.join(sorted(allowed))})")
        if name == "encoding":
            v = _encoding(value)
        elif name == "min_confidence":
            v = _choice(name, value, _CONFIDENCE)
        elif name == "rrn_policy":
            v = _choice(name, value, _RRN_POLICY)
        elif name in ("expose_raw", "report_masked"):
            v = _bool(name, value)
            if name == "expose_raw":
                expose_raw = bool(v)
                continue
        else:
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidArgumentError(f"{name}: expected an int, got {value!r}", -1)
            if value < 0:
                raise InvalidArgumentError(f"{name}: must not be negative, got {value!r}", -1)
            v = value
        pairs.append((_OPT_KEYS[name], v))
    return pairs, expose_raw


def _types_arg(types: Union[None, str, Iterable[str]]) -> Optional[str]:
    if types is None:
        return None
    if isinstance(types, str):
        names = [t.strip() for t in types.split(",")]
    else:
        names = [str(t).strip() for t in types]
    if not names or not all(names):
        raise InvalidArgumentError(f"types: expected type ids, got {types!r}", -1)
    return ",".join(names)


def _pattern_files(patterns: Union[None, PathLike, Iterable[PathLike]]) -> Optional[List[Any]]:
    if patterns is None:
        return None
    if isinstance(patterns, (str, bytes, os.PathLike)):
        return [patterns]
    return list(patterns)


def _globs(globs: Union[None, str, Iterable[str]]) -> Optional[List[str]]:
    if globs is None:
        return None
    if isinstance(globs, str):
        return [globs]
    return list(globs)


# ---- Engine -------------------------------------------------------------------

class Engine(_Engine):
    """A compiled detector set: compile once, scan many times, from any thread.

    Args:
        types: type ids to detect, as a list or a comma-separated string
            (``["kr_rrn", "card"]``); None for the default set (every built-in
            type except ``kr_brn``).  Unknown ids raise :class:`UnknownTypeError`.
        patterns: a pattern file, or a list of them (``docs/patterns.md``),
            merged over the defaults: add custom types or override built-ins.
        pattern_text: pattern-file text, merged after ``patterns``.
        defaults: False to start from an empty set (only your patterns).
        **options: scan options, validated here (bad values raise
            :class:`InvalidArgumentError`, unknown names TypeError):

            - ``min_confidence``: 'low' (default), 'medium' or 'high'.
            - ``rrn_policy``: what to do with a registration number whose date and
              gender digit are valid but whose check digit fails (numbers issued
              since 2020-10-05 have none): 'checksum_only', 'context' (default:
              reported 'structural' when hyphenated or near a keyword) or
              'structural'.
            - ``report_masked``: report values already masked in the source
              (default True).
            - ``encoding``: of bytes input: 'auto' (default), 'utf-8',
              'utf-16-le', 'utf-16-be', 'cp949' ('euc-kr').
            - ``expose_raw``: fill :attr:`Finding.raw` with the value itself
              (default False).
            - ``max_depth`` (8), ``max_extracted`` (16 GiB), ``max_ratio`` (250),
              ``max_members`` (100,000), ``max_buffer`` (256 MiB): limits of file
              scans (``docs/extraction.md``).

    Raises:
        PatternError: a bad pattern file or regex (with ``source``, ``line``,
            ``type``), or no type enabled.
        FileError: a pattern file cannot be read.
    """

    def __init__(self, types: Union[None, str, Iterable[str]] = None,
                 patterns: Union[None, PathLike, Iterable[PathLike]] = None, *,
                 pattern_text: Optional[str] = None, defaults: bool = True,
                 **options: Any) -> None:
        pairs, expose_raw = _options(options)
        files = _pattern_files(patterns)
        super().__init__(types=_types_arg(types), pattern_files=files, pattern_text=pattern_text,
                         defaults=bool(defaults), options=pairs, expose_raw=expose_raw)
        self._args = (types if types is None or isinstance(types, str) else list(types),
                      files, pattern_text, bool(defaults), dict(options))

    @property
    def options(self) -> Dict[str, Any]:
        """The options the engine was made with (a copy)."""
        return dict(self._args[4])

    def __repr__(self) -> str:
        opts = "".join(f", {k}={v!r}" for k, v in self._args[4].items())
        return f"piiscan.Engine(types={list(self.types)!r}{opts})"

    def __reduce__(self) -> Any:
        # Picklable (e.g. for multiprocessing): rebuilt from its arguments.
        types, files, text, defaults, options = self._args
        return (_rebuild, (types, files, text, defaults, options))

    # scan(), contains(), scan_blob(), stream(), types, type_names and
    # expose_raw come from the C type; scan(), scan_blob() and stream() take
    # fingerprint_key= too.

    def scan_file(self, path: Union[PathLike, int], *, name: Optional[str] = None,
                  fingerprint_key: Optional[Key] = None) -> List[Result]:
        """Scans one file: its text, or the text of the document or of every
        archive member it holds (followed to ``max_depth``).

        Args:
            path: a path, or an open file descriptor (then ``name`` is the
                path used in results).
            fingerprint_key: fill :attr:`Finding.fingerprint` with the keyed
                fingerprint of each value (see :func:`fingerprint`); the raw
                value is dropped unless the engine has ``expose_raw=True``.

        Returns:
            Findings and :class:`FileStatus` objects in the order they happened:
            a file's findings, then its status; a member's status comes before
            its container's.  Paths name members with ``!``
            (``share/a.zip!hr/list.csv``).

        Raises:
            FileError: the file cannot be opened or read.
        """
        if not isinstance(path, int):
            path = os.fspath(path)
        return self._scan_file(path, name=name, fingerprint_key=fingerprint_key)

    def scan_path(self, path: PathLike, *, follow_symlinks: bool = False,
                  one_file_system: bool = False, max_file_size: Optional[int] = None,
                  ignore_files: bool = True, include: Union[None, str, Iterable[str]] = None,
                  exclude: Union[None, str, Iterable[str]] = None, workers: int = 1,
                  fingerprint_key: Optional[Key] = None) -> Iterator[Result]:
        """Walks a file or directory tree in sorted order and scans every file.

        A generator of findings and :class:`FileStatus` objects, as
        :meth:`scan_file` gives them, file after file.  Entries the walk does
        not scan (symbolic links not followed, FIFOs, devices, unreadable
        directories, files over ``max_file_size``) come as FileStatus
        'skipped' or 'error': nothing is left out silently.  Files that are
        ignored (``.piiscanignore``, include/exclude) are not reported.  The
        depth-0 FileStatus of each file carries its mtime/atime/ctime.

        Args:
            follow_symlinks: follow symbolic links (loops are detected).
            one_file_system: do not descend into other file systems.
            max_file_size: skip (and report) files larger than this many bytes.
            ignore_files: honour ``.piiscanignore`` files (gitignore syntax).
            include: globs (gitignore syntax, ``*.xlsx``, ``hr/**``); when
                given, only matching files are scanned.
            exclude: globs of files or directories to leave out.
            workers: files scanned at once by a pool of threads; results come
                in the same order whatever the number.
            fingerprint_key: as in :meth:`scan_file`.

        Raises:
            FileError: ``path`` does not exist (raised at once, not on iteration).
        """
        root = os.fspath(path)
        if isinstance(root, bytes):
            root = os.fsdecode(root)
        try:
            os.stat(root)
        except OSError as e:
            err = FileError(f"{root}: {e.strerror}", -6)
            err.errno, err.strerror, err.filename = e.errno, e.strerror, root
            raise err from None
        if fingerprint_key is not None:
            fingerprint(fingerprint_key, "", "")  # a bad key raises now, not on iteration
        if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
            raise InvalidArgumentError(f"workers: expected an int >= 1, got {workers!r}", -1)
        if max_file_size is not None and (not isinstance(max_file_size, int)
                                          or max_file_size < 0):
            raise InvalidArgumentError(f"max_file_size: expected an int >= 0, got "
                                       f"{max_file_size!r}", -1)
        walk = _Walk(root, follow_symlinks=bool(follow_symlinks),
                     one_file_system=bool(one_file_system), max_file_size=max_file_size or 0,
                     ignore_files=bool(ignore_files), include=_globs(include),
                     exclude=_globs(exclude))
        return self._walk_results(walk, workers, fingerprint_key)

    def _entry(self, entry: Tuple[Any, ...], key: Optional[Key] = None) -> List[Result]:
        path, status, reason, size, mtime, atime, ctime = entry
        times = (mtime, atime, ctime)
        if status != "ok":
            return [_piiscan._file_status(path, status, reason, size, times)]
        results = self._scan_file(path, mtimes=times, report_io=True, fingerprint_key=key)
        if not results or not isinstance(results[-1], FileStatus):
            results.append(_piiscan._file_status(path, "error", "could not be read", size,
                                                 times))
        return results

    def _walk_results(self, walk: Any, workers: int, key: Optional[Key]) -> Iterator[Result]:
        try:
            if workers == 1:
                for entry in walk:
                    yield from self._entry(entry, key)
            else:
                with ThreadPoolExecutor(workers, thread_name_prefix="piiscan") as pool:
                    pending: Deque[Any] = collections.deque()
                    try:
                        for entry in walk:
                            pending.append(pool.submit(self._entry, entry, key))
                            while len(pending) >= 2 * workers:
                                yield from pending.popleft().result()
                        while pending:
                            yield from pending.popleft().result()
                    finally:
                        for fut in pending:
                            fut.cancel()
            if walk.status == -2:
                raise NoMemoryError("out of memory while walking", -2)
        finally:
            walk.close()


def _rebuild(types: Any, files: Any, text: Any, defaults: bool, options: Dict[str, Any]
             ) -> Engine:
    return Engine(types, files, pattern_text=text, defaults=defaults, **options)


# ---- module-level helpers ------------------------------------------------------

@functools.lru_cache(maxsize=16)
def _cached(types: Optional[str], options: Tuple[Tuple[str, Any], ...]) -> Engine:
    return Engine(types, **dict(options))


def _engine(types: Union[None, str, Iterable[str]], options: Dict[str, Any]) -> Engine:
    key = tuple(sorted(options.items()))
    try:
        hash(key)
    except TypeError:
        return Engine(types, **options)
    return _cached(_types_arg(types), key)


def scan(data: Union[bytes, bytearray, memoryview, str],
         types: Union[None, str, Iterable[str]] = None, *,
         fingerprint_key: Optional[Key] = None, **options: Any) -> List[Finding]:
    """Scans a buffer with a (cached) engine of these types and options.

    For repeated use, make an :class:`Engine` once; this helper caches the
    last few engines it made, so calling it in a loop is cheap too (the
    fingerprint key is not part of the cache: it is passed to each scan).
    See :meth:`Engine.scan`.
    """
    return _engine(types, options).scan(data, fingerprint_key=fingerprint_key)


def scan_file(path: Union[PathLike, int], types: Union[None, str, Iterable[str]] = None, *,
              fingerprint_key: Optional[Key] = None, **options: Any) -> List[Result]:
    """Scans one file, document or archive.  See :meth:`Engine.scan_file`."""
    return _engine(types, options).scan_file(path, fingerprint_key=fingerprint_key)


def scan_path(path: PathLike, types: Union[None, str, Iterable[str]] = None, *,
              follow_symlinks: bool = False, one_file_system: bool = False,
              max_file_size: Optional[int] = None, ignore_files: bool = True,
              include: Union[None, str, Iterable[str]] = None,
              exclude: Union[None, str, Iterable[str]] = None, workers: int = 1,
              fingerprint_key: Optional[Key] = None, **options: Any) -> Iterator[Result]:
    """Walks and scans a tree.  See :meth:`Engine.scan_path`."""
    return _engine(types, options).scan_path(
        path, follow_symlinks=follow_symlinks, one_file_system=one_file_system,
        max_file_size=max_file_size, ignore_files=ignore_files, include=include,
        exclude=exclude, workers=workers, fingerprint_key=fingerprint_key)


def fingerprint(key: Key, type: str, value: Union[str, bytes, bytearray, memoryview]) -> str:
    """The keyed fingerprint of a value: 64 lower-case hex digits.

    HMAC-SHA256 under ``key`` of ``type + ":" + normalised value``, computed by
    libpiiscan (``piiscan_fingerprint``), so it equals ``Finding.fingerprint``
    of a scan with ``fingerprint_key=key`` and the CLI's ``fingerprint`` for
    ``--fingerprint-key key``.  Normalisation (``docs/reports.md``): for every
    type but ``"email"``, only ASCII letters (upper-cased) and digits are
    kept, full-width digits become ASCII digits; an ``"email"`` value is kept
    whole, ASCII letters lower-cased.  So ``fingerprint(k, "kr_rrn",
    "900101-1234568") == fingerprint(k, "kr_rrn", "9001011234568")``.

    Args:
        key: bytes, or a str (its UTF-8).  Must not be empty.
        type: the type id (``Finding.type``), e.g. ``"kr_rrn"``.
        value: the value, a str or UTF-8 bytes.

    Raises:
        InvalidArgumentError: an empty key.
        TypeError: a key or value of another type.
    """
    return _piiscan._fingerprint(key, type, value)


def extract_text(path: PathLike, *, as_bytes: bool = False, with_status: bool = False,
                 **limits: Any) -> Any:
    """The text a file scan sees: of the file, of each document part and archive member.

    Returns a dict ``{path: text}`` in the order the files were met, members
    named with ``!`` as in findings.  Text extracted from documents and members
    is UTF-8; plain-text files are passed as stored, so with ``as_bytes=False``
    (the default) each text is decoded as UTF-8 with errors replaced — pass
    ``as_bytes=True`` to get the bytes.  With ``with_status=True`` returns
    ``(texts, statuses)``, the statuses a list of :class:`FileStatus`.
    ``**limits``: ``max_depth``, ``max_extracted``, ``max_ratio``,
    ``max_members``, ``max_buffer``.

    Raises:
        FileError: the file cannot be opened or read.
    """
    pairs, _ = _options(limits, allowed=_LIMITS)
    pieces, statuses = _piiscan._extract_text(os.fspath(path), pairs)
    texts: Dict[str, Any] = {}
    for p, t in pieces:
        texts[p] = texts.get(p, b"") + t
    if not as_bytes:
        texts = {p: t.decode("utf-8", "replace") for p, t in texts.items()}
    return (texts, statuses) if with_status else texts


class TypeInfo(NamedTuple):
    """A detector type of the default set."""
    id: str
    name: str
    enabled: bool


def default_types() -> List[TypeInfo]:
    """The types of the embedded default set, in engine order, and whether each
    is on by default (``kr_brn`` is not)."""
    return [TypeInfo(*t) for t in _piiscan._default_types()]
