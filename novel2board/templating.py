"""The Jinja2 environment every stage renders with.

Project templates/ first, then the built-in ones (so one file can be
overridden and the rest extended); StrictUndefined, so a misspelt variable
is an error naming the template, not an empty string in a prompt; HTML, SVG
and XML templates autoescaped, so chapter text can never become markup.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2
import jinja2.meta
import jinja2.sandbox

from .errors import Novel2BoardError, TemplateError
from .resources import contained, template_dirs, template_root

# Templates are named `<name>.<kind>.j2`: the kind before `.j2` decides escaping.
_MARKUP_KINDS = ("html", "htm", "svg", "xml")
# The names Jinja gives the frames of compiled template code in a traceback.
_TEMPLATE_FRAMES = ("top-level template code", "template")
_FIX_HINT = "fix the template, or delete your override to use the built-in one"


def _trim_period(text: str) -> str:
    return str(text).strip().rstrip(".").rstrip()


def _capitalize_first(text: str) -> str:
    text = str(text).strip()
    return text[:1].upper() + text[1:]


def _squash(text: str) -> str:
    """One line: prompts go one per line into prompts/<tool>.txt."""
    return " ".join(str(text).split())


def sentence(text: str) -> str:
    """The text as a sentence: its own final punctuation kept, else a period."""
    text = str(text or "").strip()
    return text if not text or text[-1] in ".!?\u2026" else text + "."


def sdxl_text(text: str) -> str:
    """Prose inside an SDXL prompt: brackets escaped (they are weight syntax),
    no final period (the parts are joined by commas)."""
    text = str(text or "").strip().rstrip(".")
    return re.sub(r"([()\[\]])", r"\\\1", text)


def lower_first(text: str) -> str:
    """"A long room" -> "a long room" to go mid-sentence; "INT" stays."""
    text = str(text or "")
    first = text.split(" ", 1)[0]
    return text if len(first) > 1 and first.isupper() else text[:1].lower() + text[1:]


def mid_sentence(name: str) -> str:
    """A name as it reads mid-sentence: "The gentleman" -> "the gentleman"
    (an article that began it for a sentence start); "Dr. Marr" as it is."""
    text = str(name or "")
    first, _, rest = text.partition(" ")
    return f"{first.lower()} {rest}" if rest and first in ("The", "A", "An") else text


def an(text: str) -> str:
    """The text with its indefinite article: "an extreme wide shot"."""
    text = str(text or "").strip()
    return ("an " if text[:1].lower() in "aeiou" and text else "a ") + text


# Globals of every template, so that macro files imported *without* context
# (which Jinja then builds once, not once per render) can use them too.
TEXT_HELPERS = {"sentence": sentence, "sdxl_text": sdxl_text, "lower_first": lower_first,
                "an": an, "mid_sentence": mid_sentence}


def css_string(text) -> str:
    """Text made safe inside a double-quoted CSS string in a <style> element.

    HTML escaping does not work there (a <style> element is raw text, so
    `&lt;` would print as such); CSS hex escapes do, and they keep `"`, `\\`
    and `</style>` from ending the string or the element.
    """
    out = []
    for ch in str(text):
        if ch in '"\\<>&\'' or ord(ch) < 0x20 or ord(ch) == 0x7f:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return "".join(out)


def _autoescape(name: str | None) -> bool:
    """Escape HTML/SVG/XML templates, named either `x.html` or `x.html.j2`."""
    if not name:
        return False
    stem = name[:-3] if name.endswith(".j2") else name
    return stem.rsplit(".", 1)[-1].lower() in _MARKUP_KINDS


def environment(project_root: Path | None) -> jinja2.Environment:
    """The environment for a project, as its templates/ folder is now."""
    return _environment(tuple(template_dirs(project_root)))


@functools.lru_cache(maxsize=8)
def _environment(dirs: tuple[Path, ...]) -> jinja2.Environment:
    # Keyed on the folders, not the project: a templates/ folder created
    # after a first run in the same process must still be seen.
    # The sandbox: a template from a shared project folder or template pack
    # is data, not code. It cannot reach Python internals
    # (`lipsum.__globals__['os']`), call unsafe methods or change the
    # objects it is given.
    env = _Sandbox(
        loader=_ContainedLoader([str(d) for d in dirs]),
        undefined=jinja2.StrictUndefined,
        autoescape=_autoescape,
        keep_trailing_newline=False,
        # No mtime check per render (a stat for each of ~100k prompts of a
        # novel); each build() starts from fresh environments instead.
        auto_reload=False,
        trim_blocks=True, lstrip_blocks=True)
    env.filters.update(trim_period=_trim_period, capitalize_first=_capitalize_first,
                       squash=_squash, css_string=css_string)
    env.globals.update(dict=dict, **TEXT_HELPERS)
    return env


class _Sandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with its verdict on each attribute kept.

    The sandbox asks about every attribute a template reads (hundreds of
    thousands a novel), and its answer depends only on the object's type
    and the attribute's name (a leading "_", a function's or frame's
    internals, a mutating method of a list, dict or set), so it is worked
    out once per (type, name): about 12% of a prompts-only run otherwise.
    """

    _verdicts: dict[tuple[type, str], bool] = {}
    _plain_data: dict[type, bool] = {}

    def getattr(self, obj, attribute):
        """A field of novel2board's own frozen dataclasses (a shot, a
        variant, a person: most of what templates read) is read directly;
        the sandbox's own checks would let it through all the same (no
        leading "_", not a builtin's mutating method, not str.format), at
        a fifth of the cost."""
        kind = type(obj)
        plain = self._plain_data.get(kind)
        if plain is None:
            params = getattr(kind, "__dataclass_params__", None)
            plain = self._plain_data[kind] = bool(
                params is not None and params.frozen
                and kind.__module__.startswith("novel2board."))
        if plain and isinstance(attribute, str) and not attribute.startswith("_"):
            try:
                return getattr(obj, attribute)
            except AttributeError:
                pass
        return super().getattr(obj, attribute)

    def is_safe_attribute(self, obj, attr, value) -> bool:
        if not isinstance(attr, str):
            return super().is_safe_attribute(obj, attr, value)
        key = (type(obj), attr)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts[key] = super().is_safe_attribute(obj, attr, value)
        return verdict


class _ContainedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that will not follow a symlink out of the project
    folder (for project templates) or the built-in folder: a link
    `templates/prompts/leak.j2 -> /etc/passwd` is an error, not a prompt."""

    def get_source(self, environment, template):
        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.searchpath:
            candidate = Path(folder, *pieces)
            if candidate.is_file():
                try:
                    contained(candidate, template_root(Path(folder)), "template")
                except Novel2BoardError as exc:
                    raise TemplateError(exc.message, path=candidate, hint=exc.hint) from None
                break
        return super().get_source(environment, template)


def forget_templates() -> None:
    """Start the next render from the template files as they are now."""
    _environment.cache_clear()
    _may_read.cache_clear()


def get_template(project_root: Path | None, name: str) -> jinja2.Template:
    env = environment(project_root)
    try:
        return env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        raise _syntax_error(exc, name) from None
    except jinja2.TemplateNotFound as exc:
        raise _not_found(exc, name, project_root) from None


def may_read(project_root: Path | None, name: str, variables: frozenset[str]) -> bool:
    """Can rendering the template read any of these variables?

    False only when its own source never names them and it hands its
    context to no other template (no include, extends, or import "with
    context"): then its output cannot depend on them, and a caller may
    render it once for all their values.  Known once per build, like the
    templates themselves (`forget_templates`).
    """
    get_template(project_root, name)    # a missing or broken template: its own error
    return _may_read(tuple(template_dirs(project_root)), name, variables)


@functools.lru_cache(maxsize=64)
def _may_read(dirs: tuple[Path, ...], name: str, variables: frozenset[str]) -> bool:
    env = _environment(dirs)
    source, _, _ = env.loader.get_source(env, name)
    tree = env.parse(source)
    if any(getattr(node, "with_context", True)
           for node in tree.find_all((jinja2.nodes.Include, jinja2.nodes.Import,
                                      jinja2.nodes.FromImport, jinja2.nodes.Extends))):
        return True
    return bool(jinja2.meta.find_undeclared_variables(tree) & variables)


def render(project_root: Path | None, name: str, what: str, **context) -> str:
    """Render a template; `what` names the shot or page for error messages."""
    return render_template(get_template(project_root, name), project_root, name, what,
                           context)


def render_template(template: jinja2.Template, project_root: Path | None, name: str,
                    what: str, context: dict) -> str:
    """Render a template already looked up (tens of thousands of prompts a
    novel: the lookup is worth keeping), with the errors `render` gives."""
    try:
        return template.render(**context)
    except jinja2.TemplateSyntaxError as exc:       # in an included template
        raise _syntax_error(exc, name) from None
    except jinja2.TemplateNotFound as exc:          # an include that is missing
        raise _not_found(exc, name, project_root) from None
    except jinja2.UndefinedError as exc:
        where = _failing_line(exc, template)
        raise TemplateError(
            f"{_plain_undefined(exc.message or str(exc), context)} (while rendering {what})",
            path=where.path, line=where.line,
            hint="check the spelling against the variables the built-in template of "
                 "the same name uses, or delete your override") from None
    except jinja2.sandbox.SecurityError as exc:
        where = _failing_line(exc, template)
        raise TemplateError(f"{exc} (while rendering {what}); templates run sandboxed "
                            "and may not reach Python internals or change their data",
                            path=where.path, line=where.line, hint=_FIX_HINT) from None
    except Exception as exc:  # noqa: BLE001 - only errors raised by template code
        where = _failing_line(exc, template)
        if not where.in_template:
            raise
        raise TemplateError(f"{type(exc).__name__}: {exc} (while rendering {what})",
                            path=where.path, line=where.line, hint=_FIX_HINT) from None


_NO_ATTRIBUTE = re.compile(r"^'(?:[\w.]+\.)?(\w+) object' has no attribute '(\w+)'$")
_UNDEFINED_NAME = re.compile(r"^'(\w+)' is undefined$")


def _plain_undefined(message: str, context: dict) -> str:
    """Jinja's message, without module paths, with a "did you mean" when one fits."""
    if m := _NO_ATTRIBUTE.match(message):
        cls, attr = m.groups()
        fields = _fields_of(cls)
        text = f"a {cls} has no '{attr}'"
        guess = difflib.get_close_matches(attr, fields, n=1)
        return f"{text}; did you mean '{guess[0]}'?" if guess else text
    if m := _UNDEFINED_NAME.match(message):
        name = m.group(1)
        guess = difflib.get_close_matches(name, list(context), n=1)
        text = f"undefined variable '{name}'"
        return f"{text}; did you mean '{guess[0]}'?" if guess else text
    return message


def _fields_of(class_name: str) -> list[str]:
    from . import model
    cls = getattr(model, class_name, None)
    if cls is None or not dataclasses.is_dataclass(cls):
        return []
    return [f.name for f in dataclasses.fields(cls)]


def _syntax_error(exc: jinja2.TemplateSyntaxError, name: str) -> TemplateError:
    return TemplateError(f"template syntax error: {exc.message}",
                         path=exc.filename or exc.name or name, line=exc.lineno,
                         hint=_FIX_HINT)


def _not_found(exc: jinja2.TemplateNotFound, name: str,
               project_root: Path | None) -> TemplateError:
    missing = exc.name or name
    looked = ", ".join(str(d) for d in template_dirs(project_root))
    return TemplateError(f"template {missing} not found (looked in {looked})",
                         path=missing, hint="check the name in the {% include %} or "
                                            "{% import %}, or restore the file")


@dataclass(frozen=True)
class _Where:
    path: str
    line: int | None
    in_template: bool


def _failing_line(exc: BaseException, template: jinja2.Template) -> _Where:
    """The innermost template file and line being rendered when `exc` was raised.

    Jinja rewrites a rendering traceback so that template code shows as
    frames named after the template file, at the template's own line; an
    error may come from an included template or a macro file, so the last
    such frame is the one to report, not the top-level template.
    """
    found = _Where(template.filename or template.name or "<template>", None, False)
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        code = frame.f_code
        if code.co_name in _TEMPLATE_FRAMES or code.co_name.startswith("block "):
            found = _Where(code.co_filename, lineno, True)
    return found
