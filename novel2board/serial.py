"""Frozen dataclasses to plain data and back, by their type hints alone.

The cache (cache.py) keeps finished boards on disk.  It used to keep them as
pickles, and unpickling runs whatever code the bytes name: a forged entry
was a way to run code.  Here a value is rebuilt only as the type its field
declares (a `Shot`, a `tuple[str, ...]`, a `Path`), from JSON's strings,
numbers, lists and mappings, so a forged or damaged entry can only fail to
decode (a cache miss) or decode to data, never run anything.

    to_data(board)          -> dicts, lists, str, int, float, bool, None
    from_data(Board, data)  -> the Board again, or DecodeError

Only what the model uses is supported: dataclasses, tuples (fixed and
`tuple[X, ...]`), dicts with string keys, `X | None` and other unions of
those, Literal, Path, bytes (as base64 text), str, int, float, bool.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import sys
import types
import typing
from pathlib import Path

__all__ = ["DecodeError", "from_data", "to_data"]


class DecodeError(ValueError):
    """The data is not a value of the type asked for."""


_SCALARS = (str, int, float, bool, type(None))
_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def to_data(value):
    """`value` as JSON-ready data."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    names = _FIELD_NAMES.get(kind, ())
    if names == ():                 # first time this type is seen
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(kind)) \
            if dataclasses.is_dataclass(kind) else None
    if names is not None:
        return {name: to_data(getattr(value, name)) for name in names}
    if kind is tuple or kind is list:
        # (a tuple of strings, the commonest, needs no walk)
        if all(type(v) is str for v in value):
            return list(value)
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, (tuple, list)):
        return [to_data(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot serialise a {type(value).__name__}")


def from_data(hint, data):
    """`data` (from `to_data`) rebuilt as a value of type `hint`."""
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return _dataclass(hint, data)
    if origin is tuple:
        return _tuple(typing.get_args(hint), data)
    if origin is dict:
        _, value_hint = typing.get_args(hint)
        if not isinstance(data, dict):
            raise DecodeError(f"expected a mapping, got {type(data).__name__}")
        return {str(k): from_data(value_hint, v) for k, v in data.items()}
    if origin in (typing.Union, types.UnionType):
        return _union(typing.get_args(hint), data)
    if origin is typing.Literal:
        if data not in typing.get_args(hint):
            raise DecodeError(f"{data!r} is not one of {typing.get_args(hint)}")
        return data
    return _scalar(hint, data)


def _dataclass(cls, data):
    if not isinstance(data, dict):
        raise DecodeError(f"expected a {cls.__name__}, got {type(data).__name__}")
    hints = _hints(cls)
    values = {}
    for f in dataclasses.fields(cls):
        if f.name in data:
            values[f.name] = from_data(hints[f.name], data[f.name])
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise DecodeError(f"{cls.__name__} lacks '{f.name}'")
    unknown = set(data) - set(values)
    if unknown:
        raise DecodeError(f"{cls.__name__} has no field {sorted(unknown)[0]!r}")
    return cls(**values)


@functools.lru_cache(maxsize=None)
def _hints(cls) -> dict:
    module = sys.modules[cls.__module__]
    return typing.get_type_hints(cls, vars(module))


def _tuple(args, data):
    if not isinstance(data, list):
        raise DecodeError(f"expected a list, got {type(data).__name__}")
    if len(args) == 2 and args[1] is Ellipsis:
        return tuple(from_data(args[0], v) for v in data)
    if len(args) != len(data):
        raise DecodeError(f"expected {len(args)} items, got {len(data)}")
    return tuple(from_data(a, v) for a, v in zip(args, data))


def _union(args, data):
    if data is None and type(None) in args:
        return None
    for arg in (a for a in args if a is not type(None)):
        try:
            return from_data(arg, data)
        except DecodeError:
            continue
    raise DecodeError(f"{type(data).__name__} fits none of {args}")


def _scalar(hint, data):
    if hint is Path:
        if not isinstance(data, str):
            raise DecodeError("expected a path")
        return Path(data)
    if hint is bytes:
        if not (isinstance(data, dict) and set(data) == {"base64"}
                and isinstance(data["base64"], str)):
            raise DecodeError("expected bytes")
        return base64.b64decode(data["base64"], validate=True)
    if hint is float and isinstance(data, int) and not isinstance(data, bool):
        return float(data)
    if hint in (str, int, float, bool) and type(data) is hint:
        return data
    if hint is type(None) and data is None:
        return None
    raise DecodeError(f"expected {getattr(hint, '__name__', hint)}, got {type(data).__name__}")
