"""Guide definitions (`guides/<name>.yml`): typed, defaulted, and validated all at once."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any, Callable

from .errors import GuideError, Problems
from .frontmatter import Located, parse_yaml_mapping
from .keys import Key, Kind
from .model import EDITION_KEYS, GUIDE_KEYS, PAGE_SIZES, Edition, Guide, Rights
from .reader import parse_date, read_text, text_list, text_value
from .slugs import pinyin_slug


def guide_paths(root: Path) -> list[Path]:
    folder = root / "guides"
    return sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]) if folder.is_dir() else []


def _rights(meta: Located, path: Path) -> Rights:
    value = meta.data.get("copyright")
    if value is None:
        return Rights()
    if isinstance(value, str):
        return Rights(notice=value.strip(), rights=value.strip())
    if isinstance(value, dict) and set(value) <= {"notice", "rights", "reprint_notice"} \
            and not any(isinstance(v, (list, dict)) for v in value.values()):
        def text(key: str) -> str | None:
            return str(value[key]).strip() if value.get(key) else None
        return Rights(notice=text("notice"), rights=text("rights"),
                      reprint_notice=text("reprint_notice"))
    raise GuideError("'copyright' is text, or a mapping with 'notice', 'rights' and "
                     "'reprint_notice'", path, meta.line("copyright"))


def read_guide(path: Path, problems: Problems) -> Guide | None:
    """One guide file; problems are collected, and None is returned if any is an error."""
    before = len(problems.errors)
    try:
        meta = parse_yaml_mapping(read_text(path), path)
    except GuideError as exc:
        problems.extend(exc)
        return None

    values = {key.name: _READERS[key.kind](meta, key, path, problems) for key in GUIDE_KEYS}
    for key in GUIDE_KEYS.unknown(meta.data):
        problems.warn(f"unknown key '{key}' is kept but not used", path, meta.line(key))
    guide = Guide(
        name=path.stem,
        path=path,
        **values,
        extra={k: v for k, v in meta.data.items() if k not in GUIDE_KEYS},
        lines=_lines(meta),
    )
    return guide if len(problems.errors) == before else None


Reader = Callable[[Located, Key, Path, Problems], Any]


def _text(meta: Located, key: Key, path: Path, problems: Problems) -> Any:
    value = meta.data.get(key.name)
    if key.required and (value is None or isinstance(value, str) and not value.strip()):
        problems.error(f"'{key.name}' {key.required}", path, meta.line(key.name) or 1)
        return ""
    return problems.collect(text_value, meta, key.name, path,
                            default="" if key.required else key.default)


def _texts(meta: Located, key: Key, path: Path, problems: Problems) -> Any:
    value = problems.collect(text_list, meta, key.name, path, default=key.default)
    if not value and key.required:
        problems.error(f"'{key.name}' {key.required}", path, meta.line(key.name) or 1)
    return value


def _date(meta: Located, key: Key, path: Path, problems: Problems) -> Any:
    if meta.data.get(key.name) is None:
        return key.default
    return problems.collect(parse_date, meta.data[key.name], key.name, path,
                            meta.line(key.name))


def _switch(meta: Located, key: Key, path: Path, problems: Problems) -> Any:
    value = meta.data.get(key.name, key.default)
    if value is not key.default and not isinstance(value, bool):
        problems.error(f"'{key.name}' is true or false", path, meta.line(key.name))
        return key.default
    return value


def _months(meta: Located, key: Key, path: Path, problems: Problems) -> Any:
    value = meta.data.get(key.name)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
        problems.error(f"'{key.name}' is a number of months, e.g. 24", path, meta.line(key.name))
        return key.default
    return key.default if value is None else value


def _page_size(meta: Located, key: Key, path: Path, problems: Problems) -> Any:
    written = _text(meta, key, path, problems)
    matching = [name for name in PAGE_SIZES if name.lower() == written.lower()]
    if not matching:
        problems.error(f"{key.name} '{written}' must be one of {', '.join(PAGE_SIZES)}", path,
                       meta.line(key.name))
        return key.default
    return matching[0]


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def _language(meta: Located, key: Key, path: Path, problems: Problems) -> Any:
    tag = _text(meta, key, path, problems)
    if not _LANGUAGE_TAG.fullmatch(tag):
        problems.error(f"{key.name} '{tag}' is not a language tag like {key.default}", path,
                       meta.line(key.name))
    return tag


def _located(read: Callable[[Located, Path], Any]) -> Reader:
    """A reader that raises GuideError, as one that collects its problem."""
    def reader(meta: Located, key: Key, path: Path, problems: Problems) -> Any:
        return problems.collect(read, meta, path, default=key.default)
    return reader


def _editions_of(meta: Located, key: Key, path: Path, problems: Problems) -> Any:
    return _editions(meta, path, path.stem, problems)


_THEME_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
def _theme_name(meta: Located, path: Path) -> str | None:
    """A theme is named, not pathed: `themes/<name>` in the project or a built-in theme."""
    name = text_value(meta, "theme", path)
    if name is not None and not _THEME_NAME.fullmatch(name):
        raise GuideError(f"theme '{name}' must be a theme's name (letters, digits, - and _), "
                         "not a path", path, meta.line("theme"))
    return name


def _cover(meta: Located, path: Path) -> Path | None:
    """A file inside the project (the folder holding guides/), named relative to it, that is
    not a symlink out of it nor a device or FIFO: nothing else on the machine goes into a
    client's book. Whether it exists and is a PNG or JPEG is checked with the rest of the book."""
    written = text_value(meta, "cover", path)
    if written is None:
        return None
    root = path.parent.parent.resolve()
    cover = Path(written)
    real = (root / cover).resolve()
    if cover.is_absolute() or not real.is_relative_to(root):
        raise GuideError(f"cover '{written}' must be a file inside the project, named relative "
                         "to it", path, meta.line("cover"))
    if real.exists() and not real.is_file():
        raise GuideError(f"cover '{written}' is not a regular file (a folder, device or pipe)",
                         path, meta.line("cover"))
    return cover


def _lines(meta: Located) -> dict[str, int]:
    lines = dict(meta.key_lines)
    for key, items in meta.item_lines.items():
        lines.update({f"{key}.{i}": line for i, line in enumerate(items)})
    return lines


_SLUG = re.compile(r"[A-Za-z0-9_-]+")


def _edition(data: object, guide_name: str, path: Path, line: int | None, problems: Problems,
             slug: str | None = None) -> Edition | None:
    """One edition from a mapping: `client` (required), `slug`, `id`, `lawyer`, `contact`,
    `watermark`."""
    if not isinstance(data, dict) or not isinstance(data.get("client"), (str, int)) \
            or not str(data["client"]).strip():
        problems.error("an edition needs at least 'client: <name>'", path, line)
        return None
    for key in (k.name for k in EDITION_KEYS if k.kind is Kind.TEXT):
        if isinstance(data.get(key), (list, dict)):
            problems.error(f"edition '{key}' must be text, not a list or mapping", path, line)
            return None
    for key in EDITION_KEYS.unknown(data):
        problems.warn(f"unknown edition key '{key}' is kept but not used", path, line)
    name = str(data["client"]).strip()
    slug = str(data.get("slug") or slug or pinyin_slug(name)).strip()
    if not _SLUG.fullmatch(slug):
        problems.error(f"edition slug '{slug}' may hold only ASCII letters, digits, - and _ "
                       "(it is part of the output's file name)", path, line)
        return None

    def text(key: str) -> str | None:
        value = data.get(key)
        return str(value).strip() if value not in (None, "") else None

    return Edition(slug=slug, name=name, edition_id=text("id") or f"{guide_name}-{slug}",
                   lawyer=text("lawyer"), contact=text("contact"), watermark=text("watermark"),
                   source=path, line=line)


def _editions(meta: Located, path: Path, guide_name: str, problems: Problems) -> tuple[Edition, ...]:
    value = meta.data.get("editions")
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.error("'editions' is a list of {client: ..., lawyer: ..., ...}", path,
                       meta.line("editions"))
        return ()
    found = [_edition(item, guide_name, path, meta.line("editions", i), problems)
             for i, item in enumerate(value)]
    return tuple(e for e in found if e is not None)


_READERS: dict[Kind, Reader] = {
    Kind.TEXT: _text,
    Kind.TEXTS: _texts,
    Kind.DATE: _date,
    Kind.SWITCH: _switch,
    Kind.MONTHS: _months,
    Kind.PAGE_SIZE: _page_size,
    Kind.LANGUAGE: _language,
    Kind.THEME: _located(_theme_name),
    Kind.RIGHTS: _located(_rights),
    Kind.PATH: _located(_cover),
    Kind.EDITIONS: _editions_of,
}


def client_paths(root: Path) -> list[Path]:
    folder = root / "clients"
    return sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]) if folder.is_dir() else []


def add_client_editions(guides: list[Guide], root: Path, problems: Problems,
                        unread: frozenset[str] = frozenset()) -> list[Guide]:
    """Editions from `clients/<slug>.yml`, for the guides each names (`guides:`; default all).
    A guide in `unread` (its file has errors, already reported) is skipped without a word."""
    by_name = {g.name: g for g in guides}
    extra: dict[str, list[Edition]] = {name: [] for name in by_name}
    for path in client_paths(root):
        try:
            meta = parse_yaml_mapping(read_text(path), path)
        except GuideError as exc:
            problems.extend(exc)
            continue
        wanted = meta.data.get("guides") or list(by_name)
        if not isinstance(wanted, list):
            problems.error("'guides' is a list of guide names", path, meta.line("guides"))
            continue
        for name in wanted:
            if str(name) in unread:
                continue
            if str(name) not in by_name:
                problems.error(f"no guide named '{name}'", path, meta.line("guides"))
                continue
            edition = _edition(meta.data, str(name), path, 1, problems, slug=path.stem)
            if edition is not None:
                extra[str(name)].append(edition)
    result = []
    for guide in guides:
        editions = guide.editions + tuple(extra[guide.name])
        seen: set[str] = set()
        for edition in editions:
            if edition.slug in seen:
                problems.error(f"two editions of guide '{guide.name}' have the slug "
                               f"'{edition.slug}'", guide.path, guide.line("editions"))
            seen.add(edition.slug)
        result.append(dataclasses.replace(guide, editions=editions))
    return result
