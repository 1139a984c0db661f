"""Exceptions raised by piiscan.  Each carries the C status code and message."""
from __future__ import annotations

from typing import Any, Optional

# Status codes of libpiiscan (include/piiscan.h, piiscan_status).
OK = 0
STOPPED = 1
E_INVALID = -1
E_NOMEM = -2
E_PATTERN = -3
E_SCRATCH_IN_USE = -4
E_MISMATCH = -5
E_IO = -6
E_UNKNOWN_TYPE = -7
E_LIMIT = -8
E_INTERNAL = -99


class Error(Exception):
    """Base class of every error libpiiscan reports.

    Attributes:
        status: the C status code (a negative ``piiscan_status``, e.g. -3 for a
            pattern error).
        message: the message (never contains scanned data).
    """

    status: int
    message: str

    def __init__(self, message: str, status: int = E_INTERNAL) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return self.message


class InvalidArgumentError(Error, ValueError):
    """A bad argument or option value (PIISCAN_E_INVALID)."""


class NoMemoryError(Error, MemoryError):
    """The library ran out of memory (PIISCAN_E_NOMEM)."""


class PatternError(Error, ValueError):
    """A pattern file or regex is invalid, or no type is enabled (PIISCAN_E_PATTERN).

    Attributes:
        source: the file (or "<pattern_text>") with the error, or None.
        line: its 1-based line, or 0 when not line-specific.
        type: the type id of the offending section, or None.
    """

    source: Optional[str] = None
    line: int = 0
    type: Optional[str] = None


class ScratchInUseError(Error, RuntimeError):
    """Working memory or a stream used by two calls at once (PIISCAN_E_SCRATCH_IN_USE)."""


class MismatchError(Error, RuntimeError):
    """A scratch or stream of another engine (PIISCAN_E_MISMATCH)."""


class FileError(Error, OSError):
    """A file could not be opened or read (PIISCAN_E_IO).

    Also an OSError: ``errno`` and ``filename`` are set when known.
    """


class UnknownTypeError(Error, ValueError):
    """No pattern with that type id (PIISCAN_E_UNKNOWN_TYPE)."""


class LimitError(Error):
    """A configured or built-in limit was reached (PIISCAN_E_LIMIT)."""


class InternalError(Error):
    """A bug in libpiiscan (PIISCAN_E_INTERNAL); please report it."""


_BY_STATUS = {
    E_INVALID: InvalidArgumentError,
    E_NOMEM: NoMemoryError,
    E_PATTERN: PatternError,
    E_SCRATCH_IN_USE: ScratchInUseError,
    E_MISMATCH: MismatchError,
    E_IO: FileError,
    E_UNKNOWN_TYPE: UnknownTypeError,
    E_LIMIT: LimitError,
    E_INTERNAL: InternalError,
}


for _cls in (Error, *_BY_STATUS.values()):
    _cls.__module__ = "piiscan"
del _cls


def _make(status: int, message: str, **extra: Any) -> Error:
    """Builds the exception for a C status (called by the extension)."""
    cls = _BY_STATUS.get(status, Error)
    exc: Error
    if cls is FileError:
        ferr = FileError(message, status)
        # OSError's own attributes, so `except OSError` handlers see them.
        ferr.errno = extra.pop("errno", None) or None
        ferr.strerror = message
        ferr.filename = extra.pop("filename", None)
        exc = ferr
    else:
        exc = cls(message, status)
    for key, value in extra.items():
        setattr(exc, key, value)
    return exc
