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
    return _decoder(hint)(data)


@functools.lru_cache(maxsize=None)
def _decoder(hint):
    """A function that rebuilds data as `hint`, worked out once per type:
    a novel's cache holds hundreds of thousands of values."""
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return _dataclass_decoder(hint)
    if origin is tuple:
        return _tuple_decoder(typing.get_args(hint))
    if origin is dict:
        value = _decoder(typing.get_args(hint)[1])

        def mapping(data):
            if not isinstance(data, dict):
                raise DecodeError(f"expected a mapping, got {type(data).__name__}")
            return {str(k): value(v) for k, v in data.items()}
        return mapping
    if origin in (typing.Union, types.UnionType):
        return _union_decoder(typing.get_args(hint))
    if origin is typing.Literal:
        allowed = typing.get_args(hint)

        def literal(data):
            if data not in allowed:
                raise DecodeError(f"{data!r} is not one of {allowed}")
            return data
        return literal
    if hint in (str, int, bool):
        def plain(data, hint=hint):
            if type(data) is not hint:
                raise DecodeError(f"expected {hint.__name__}, got {type(data).__name__}")
            return data
        return plain
    return functools.partial(_scalar, hint)


def _dataclass_decoder(cls):
    hints = _hints(cls)
    fields = [(f.name, _decoder(hints[f.name]),
               f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
              for f in dataclasses.fields(cls)]
    names = {name for name, _, _ in fields}

    def decode(data):
        if not isinstance(data, dict):
            raise DecodeError(f"expected a {cls.__name__}, got {type(data).__name__}")
        values = {}
        for name, field_decoder, required in fields:
            if name in data:
                values[name] = field_decoder(data[name])
            elif required:
                raise DecodeError(f"{cls.__name__} lacks '{name}'")
        if len(values) != len(data):
            unknown = sorted(set(data) - names)
            raise DecodeError(f"{cls.__name__} has no field {unknown[0]!r}")
        return cls(**values)
    return decode


@functools.lru_cache(maxsize=None)
def _hints(cls) -> dict:
    module = sys.modules[cls.__module__]
    return typing.get_type_hints(cls, vars(module))


def _tuple_decoder(args):
    if len(args) == 2 and args[1] is Ellipsis:
        item = _decoder(args[0])
        if args[0] is str:
            def strings(data):
                if not isinstance(data, list) or not all(type(v) is str for v in data):
                    raise DecodeError("expected a list of text")
                return tuple(data)
            return strings

        def items(data):
            if not isinstance(data, list):
                raise DecodeError(f"expected a list, got {type(data).__name__}")
            return tuple(item(v) for v in data)
        return items
    each = [_decoder(a) for a in args]

    def fixed(data):
        if not isinstance(data, list):
            raise DecodeError(f"expected a list, got {type(data).__name__}")
        if len(each) != len(data):
            raise DecodeError(f"expected {len(each)} items, got {len(data)}")
        return tuple(decode(v) for decode, v in zip(each, data))
    return fixed


def _union_decoder(args):
    nullable = type(None) in args
    members = [_decoder(a) for a in args if a is not type(None)]

    def union(data):
        if data is None and nullable:
            return None
        for member in members:
            try:
                return member(data)
            except DecodeError:
                continue
        raise DecodeError(f"{type(data).__name__} fits none of {args}")
    return union


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
