"""The Jinja2 environment every stage renders with.

Project templates/ first, then the built-in ones (so one file can be
overridden and the rest extended); StrictUndefined, so a misspelt variable
is an error naming the template, not an empty string in a prompt; HTML
autoescaped, so chapter text can never become markup.
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

from .errors import TemplateError
from .resources import template_dirs


def _trim_period(text: str) -> str:
    return str(text).strip().rstrip(".").rstrip()


def _capitalize_first(text: str) -> str:
    text = str(text).strip()
    return text[:1].upper() + text[1:]


def _squash(text: str) -> str:
    """One line: prompts go one per line into prompts/<tool>.txt."""
    return " ".join(str(text).split())


@functools.lru_cache(maxsize=8)
def environment(project_root: Path | None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(project_root)]),
        undefined=jinja2.StrictUndefined,
        # "x.html.j2" ends in .j2: name the compound suffixes too, or the
        # storyboard templates would not be escaped.
        autoescape=jinja2.select_autoescape(["html", "htm", "svg", "xml", "html.j2",
                                             "svg.j2", "xml.j2"],
                                            default_for_string=False),
        keep_trailing_newline=False,
        trim_blocks=True, lstrip_blocks=True)
    env.filters.update(trim_period=_trim_period, capitalize_first=_capitalize_first,
                       squash=_squash)
    env.globals.update(dict=dict)
    return env


def get_template(project_root: Path | None, name: str) -> jinja2.Template:
    env = environment(project_root)
    try:
        return env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"template syntax error: {exc.message}",
                            path=exc.filename or name, line=exc.lineno,
                            hint="fix the template, or delete your override to use "
                                 "the built-in one") from None
    except jinja2.TemplateNotFound:
        raise TemplateError(f"template {name} not found", path=name) from None


def render(project_root: Path | None, name: str, what: str, **context) -> str:
    """Render a template; `what` names the shot or page for error messages."""
    template = get_template(project_root, name)
    try:
        return template.render(**context)
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"{exc.message} (while rendering {what})",
                            path=template.filename or name,
                            line=_error_line(template),
                            hint="check the variable name against docs/templates.md"
                            ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"template syntax error: {exc.message}",
                            path=exc.filename or name, line=exc.lineno) from None


def _error_line(template: jinja2.Template) -> int | None:
    """The template line being rendered when the error was raised."""
    import sys
    import traceback
    tb = sys.exc_info()[2]
    line = None
    for frame, lineno in traceback.walk_tb(tb):
        if frame.f_code.co_filename == template.filename or \
                frame.f_globals.get("__jinja_template__") is not None:
            try:
                line = template.get_corresponding_lineno(lineno)
            except Exception:  # noqa: BLE001 - best effort only
                pass
    return line
