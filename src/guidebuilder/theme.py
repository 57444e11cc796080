"""Themes are data: a folder with `theme.yml`, `templates/` and `css/`, found along an
extends chain. The project's `themes/<name>` wins over the built-in theme of the same name,
and a theme only needs to ship the files it changes.

A theme is not trusted to run code or read the machine: templates run in Jinja2's sandbox,
a template or theme folder that is a symlink out of its theme (or project) is refused, and
WeasyPrint may read only files inside the theme's folders."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import jinja2
import jinja2.sandbox

from .errors import GuideError
from .frontmatter import Located, parse_yaml_mapping
from .keys import Key, KeySet, Kind
from .reader import read_text

BUILTIN_THEMES = Path(__file__).parent / "themes"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_CN_DIGITS = "零一二三四五六七八九"


def cn_date(value: dt.date) -> str:
    """2025-03-14 as 2025年3月14日."""
    return f"{value.year}年{value.month}月{value.day}日"


def cn_number(value: int) -> str:
    """1..99 in Chinese numerals (第一部分, 第十二部分)."""
    if value < 10:
        return _CN_DIGITS[value]
    tens, ones = divmod(value, 10)
    return f"{'' if tens == 1 else _CN_DIGITS[tens]}十{_CN_DIGITS[ones] if ones else ''}"


FILTERS = {"cn_date": cn_date, "cn_number": cn_number}


THEME_KEYS = KeySet(
    "theme",
    Key("name", Kind.TEXT, "the theme's name, for the reader of the file (the folder's name "
        "is the one a guide gives)"),
    Key("extends", Kind.THEME, "the parent theme; `null`: none. Default: `default` (a project "
        "theme named `default` extends the built-in one)"),
    Key("fonts", Kind.TEXTS, "the font families every character of a guide must be in; one "
        "name alone is a list of one; default: the parent's",
        default=("Noto Serif CJK SC", "Noto Sans CJK SC")),
    Key("options", Kind.MAPPING, "values the templates read as `options` (e.g. "
        "`epub_embed_fonts: true`), over the parent's", default={}),
)


@dataclass(frozen=True)
class Theme:
    name: str
    folders: tuple[Path, ...]
    fonts: tuple[str, ...]
    options: Mapping[str, Any]

    def label(self, name: str) -> str:
        """One of the words the renderers write outside the templates (the e-book's contents
        title, ...): `options: labels:` in theme.yml, each label from the nearest theme that
        gives it (the built-in theme gives them all)."""
        value = (self.options.get("labels") or {}).get(name)
        if not isinstance(value, str):
            raise GuideError(f"theme '{self.name}': `options: labels: {name}:` must be a text "
                             "(the built-in theme.yml gives every label)",
                             self.folders[0] / "theme.yml")
        return value

    def stylesheets(self, kind: str) -> list[Path]:
        """`css/<kind>.css` of every theme in the chain, parents first, so children override."""
        found = [f / "css" / f"{kind}.css" for f in reversed(self.folders)
                 if (f / "css" / f"{kind}.css").is_file()]
        for path in found:
            if not path.resolve().is_relative_to(path.parent.parent.resolve()):
                raise GuideError(f"theme '{self.name}': a stylesheet that is a symlink out of "
                                 "its theme: refused", path)
        return found

    @functools.cached_property
    def environment(self) -> jinja2.Environment:
        """One Jinja2 environment per theme, so templates are compiled once."""
        env = jinja2.sandbox.SandboxedEnvironment(
            loader=_ConfinedLoader([str(f / "templates") for f in self.folders]),
            autoescape=jinja2.select_autoescape(["html", "xhtml"]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.filters.update(FILTERS)
        return env

    def render(self, template: str, **context: Any) -> str:
        env = self.environment
        try:
            return env.get_template(template).render(**context)
        except jinja2.TemplateNotFound as exc:
            searched = ", ".join(str(f / "templates") for f in self.folders)
            raise GuideError(f"theme '{self.name}': template '{exc.name}' not found "
                             f"(searched {searched})") from None
        except jinja2.sandbox.SecurityError as exc:
            raise GuideError(f"theme '{self.name}': template '{template}' tried something a "
                             f"theme may not do: {exc}", *self._where(exc)) from None
        except jinja2.TemplateError as exc:
            where = getattr(exc, "filename", None)
            location = (Path(where), getattr(exc, "lineno", None)) if where else self._where(exc)
            raise GuideError(f"theme '{self.name}': template error: {exc}", *location) from None

    def _where(self, exc: BaseException) -> tuple[Path | None, int | None]:
        """The theme file and line a template error was raised at (Jinja2 puts the templates'
        own lines into the traceback), or (None, None)."""
        folders = [f.resolve() for f in self.folders]
        found: tuple[Path | None, int | None] = (None, None)
        tb = exc.__traceback__
        while tb is not None:
            name = Path(tb.tb_frame.f_code.co_filename)
            if name.suffix in (".html", ".xhtml") and any(
                    name.resolve().is_relative_to(folder) for folder in folders):
                found = (name, tb.tb_lineno)
            tb = tb.tb_next
        return found


class _ConfinedLoader(jinja2.FileSystemLoader):
    """Templates from the theme folders, but none that is a symlink out of its folder."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        if not any(real.is_relative_to(Path(folder).resolve()) for folder in self.searchpath):
            raise GuideError(f"template '{template}' is a symlink out of its theme: refused",
                             Path(filename))
        return source, filename, uptodate


def _theme_folder(name: str, root: Path, builtin_only: bool = False) -> Path:
    searched = [BUILTIN_THEMES / name] if builtin_only else [root / "themes" / name, BUILTIN_THEMES / name]
    for folder in searched:
        if folder.is_dir():
            if folder.parent != BUILTIN_THEMES and not folder.resolve().is_relative_to(root.resolve()):
                raise GuideError(f"theme '{name}' is a symlink out of the project: refused", folder)
            return folder
    raise GuideError(f"theme '{name}' not found (searched {', '.join(map(str, searched))})")


def _add_options(options: dict[str, Any], more: Mapping[str, Any], info: Path) -> None:
    """The options of the next theme up the chain (`info`) under those read before: a child's
    win over its parent's, and its `labels` label by label (a theme that renames one keeps the
    others)."""
    for key, value in more.items():
        if key == "labels":
            if not isinstance(value, dict):
                raise GuideError("`options: labels:` is a mapping of label names to texts, "
                                 "e.g. sources: 文章来源", info)
            options["labels"] = {**value, **options.get("labels", {})}
        else:
            options.setdefault(key, value)


def load_theme(name: str, root: Path) -> Theme:
    """The theme and its parents. `extends:` defaults to the built-in `default`; a project
    theme that extends its own name (themes/default extending default) gets the built-in one."""
    folders: list[Path] = []
    options: dict[str, Any] = {}
    fonts: tuple[str, ...] | None = None
    current: str | None = name
    builtin_only = False
    if not _NAME.fullmatch(name):
        raise GuideError(f"theme '{name}' must be a theme's name (letters, digits, - and _), "
                         "not a path")
    while current:
        folder = _theme_folder(current, root, builtin_only)
        if folder in folders:
            raise GuideError(f"theme '{name}' extends itself in a loop", folder / "theme.yml")
        folders.append(folder)
        info = folder / "theme.yml"
        settings = read_settings(info)
        fonts = fonts or settings.fonts
        _add_options(options, settings.options, info)
        is_builtin = folder.parent == BUILTIN_THEMES
        parent = settings.extends if settings.says_extends else (None if is_builtin else "default")
        builtin_only = parent == current
        current = parent
    return Theme(name=name, folders=tuple(folders), fonts=fonts or THEME_KEYS.default("fonts"),
                 options=options)


@dataclass(frozen=True)
class ThemeSettings:
    """One theme.yml, checked; `fonts` is empty when it names none."""

    fonts: tuple[str, ...] = ()
    options: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    extends: str | None = None
    says_extends: bool = False  # `extends: null` (no parent) is not the same as no `extends`


def read_settings(info: Path) -> ThemeSettings:
    """A theme's `theme.yml` (none: every default), or a GuideError at its line."""
    if not info.is_file():
        return ThemeSettings()
    meta = parse_yaml_mapping(read_text(info), info)
    if unknown := THEME_KEYS.unknown(meta.data):
        raise GuideError(f"unknown theme key '{unknown[0]}' (a theme.yml may hold "
                         f"{', '.join(k.name for k in THEME_KEYS)})", info, meta.line(unknown[0]))
    return ThemeSettings(fonts=_fonts(meta, info), options=_options(meta, info),
                         extends=_extends(meta, info), says_extends="extends" in meta.data)


def _fonts(meta: Located, info: Path) -> tuple[str, ...]:
    value = meta.data.get("fonts")
    if isinstance(value, str):
        value = [value]
    if value is None or value == []:
        return ()
    if not isinstance(value, list) or not all(isinstance(f, str) and f.strip() for f in value):
        raise GuideError("'fonts' is a list of font family names, e.g. [Noto Serif CJK SC, "
                         "Noto Sans CJK SC]", info, meta.line("fonts"))
    return tuple(f.strip() for f in value)


def _options(meta: Located, info: Path) -> Mapping[str, Any]:
    value = meta.data.get("options")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise GuideError("'options' is a mapping of 'option: value' lines, e.g. "
                         "{epub_embed_fonts: true}", info, meta.line("options"))
    return value


def _extends(meta: Located, info: Path) -> str | None:
    value = meta.data.get("extends")
    if value is not None and not (isinstance(value, str) and _NAME.fullmatch(value)):
        raise GuideError(f"theme '{value}' must be a theme's name (letters, digits, - and _), "
                         "not a path", info, meta.line("extends"))
    return value
