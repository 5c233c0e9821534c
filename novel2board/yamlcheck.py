"""What every checked YAML file (the project file, rules.yaml, data files)
reports the same way: syntax errors with file:line:column, unknown keys and
near-miss words with a "did you mean"."""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml

from .errors import ConfigError


def did_you_mean(word: str, choices, cutoff: float = 0.6) -> str:
    """"; did you mean 'x'?" for the closest choice, or "" when none is close."""
    guess = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return f"; did you mean '{guess[0]}'?" if guess else ""


def unknown_key(path_text: str, key: str, known) -> str:
    """The message for a key the schema does not have."""
    hint = did_you_mean(key, known) or f"; known keys here: {', '.join(sorted(known))}"
    return f"unknown key '{path_text}'{hint}"


def syntax_error(exc: yaml.MarkedYAMLError, path: Path) -> ConfigError:
    """A YAML syntax error as one ConfigError at the line and column it names."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or str(exc)
    if exc.context and exc.context_mark and exc.context_mark is not mark:
        # "found unexpected end of stream" points at the end of the file;
        # where the unclosed quote or bracket began is what the user needs.
        problem = (f"{problem}, {exc.context} that starts at line "
                   f"{exc.context_mark.line + 1}, column {exc.context_mark.column + 1}")
    err = ConfigError([(mark.line + 1 if mark else None,
                        f"is not valid YAML: {problem}")], path)
    if mark:
        err.column = mark.column + 1
    return err


def node_line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def check_mapping(node: yaml.Node, schema: dict, where: str, problems: list,
                  check_value, any_key: object = None) -> set[str] | None:
    """Walk a mapping against its schema: a key given twice and an unknown key
    are problems (with "did you mean"); each known key's value goes to
    `check_value(value_node, sub_schema, path, problems)`.  `any_key` in the
    schema stands for keys the user names freely.  Returns the keys seen, or
    None when the node is not a mapping at all."""
    if not isinstance(node, yaml.MappingNode):
        problems.append((node_line(node), f"'{where or 'the file'}' should be a mapping of keys"))
        return None
    seen: set[str] = set()
    for key_node, value_node in node.value:
        key = str(key_node.value)
        path = f"{where}.{key}" if where else key
        if key in seen:
            problems.append((node_line(key_node), f"'{path}' is given twice"))
        seen.add(key)
        if any_key is not None and any_key in schema:
            check_value(value_node, schema[any_key], path, problems)
        elif key not in schema:
            problems.append((node_line(key_node), unknown_key(path, key, schema)))
        else:
            check_value(value_node, schema[key], path, problems)
    return seen


# ------------------------------------------------------------ bounded loading
# Aliases share one node, so a file of a few hundred bytes can stand for
# billions of values once expanded ("billion laughs": nine levels of nine
# aliases). Composing the node graph is linear in the text; only walking or
# constructing it expands. So the graph's expanded size is counted first,
# each shared node once (memoised), and a file past the cap is refused
# before anything walks it. 100,000 values is far beyond any real project
# file or data file (the built-in rules.yaml expands to about 3,000).
MAX_EXPANDED_NODES = 100_000


def compose(text: str, path: Path) -> yaml.Node | None:
    """The YAML node graph of a file, refused when its aliases expand past
    MAX_EXPANDED_NODES or refer to themselves; file:line on a syntax error."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise syntax_error(exc, path) from None
    if root is not None:
        _check_expansion(root, path)
    return root


def construct(node: yaml.Node):
    """Python values of a node graph that `compose` has bounded, built by
    the safe loader (a tag it does not know is a ConstructorError)."""
    loader = _Loader("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


def safe_load(text: str, path: Path):
    """yaml.safe_load, bounded like `compose`."""
    root = compose(text, path)
    if root is None:
        return None
    try:
        return construct(root)
    except yaml.MarkedYAMLError as exc:
        raise syntax_error(exc, path) from None


# The pure-Python loader: its messages and marks are the ones the error
# tests and docs show (libyaml words some problems differently).
_Loader = yaml.SafeLoader


def _children(node: yaml.Node):
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return ()


def _check_expansion(root: yaml.Node, path: Path) -> None:
    """Count the values the graph expands to, each shared node once; refuse
    a cycle (`&a [*a]`) and a graph past the cap. Iterative, so a deeply
    nested file cannot overflow the stack either."""
    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            total = 1 + sum(size[id(child)] for child in _children(node))
            if total > MAX_EXPANDED_NODES:
                raise ConfigError([(node_line(node),
                                    f"expands through its aliases (*name) to more than "
                                    f"{MAX_EXPANDED_NODES:,} values; novel2board refuses "
                                    "such a file so that it cannot exhaust memory")], path)
            size[key] = total
            continue
        if key in size:
            continue
        if key in on_path:
            raise ConfigError([(node_line(node), "has an alias (*name) that refers to the "
                                "value it is part of; write the value out instead")], path)
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in size)
