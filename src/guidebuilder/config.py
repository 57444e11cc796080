"""Guide definitions (`guides/<name>.yml`): typed, defaulted, and validated all at once."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from .errors import GuideError, Problems
from .frontmatter import Located, parse_yaml_mapping
from .model import PAGE_SIZES, Edition, Guide, Rights
from .reader import parse_date, read_text, text_list, text_value
from .slugs import pinyin_slug

GUIDE_KEYS = {
    "title", "subtitle", "publisher", "author", "language", "edition", "date", "categories",
    "tags", "since", "until", "include", "exclude", "theme", "page_size", "copyright", "disclaimer", "cover", "print_mode",
    "stale_after_months", "editions", "normalize_punctuation", "require_source_url",
}
EDITION_KEYS = {"client", "slug", "id", "lawyer", "contact", "watermark", "guides"}


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

    get = problems.collect
    dates = {}
    for key in ("date", "since", "until"):
        if meta.data.get(key) is not None:
            dates[key] = get(parse_date, meta.data[key], key, path, meta.line(key))
    categories = get(text_list, meta, "categories", path, default=())
    if not categories:
        problems.error("'categories' must list the guide's parts, e.g. [信用卡, 金融债务]", path,
                       meta.line("categories") or 1)
    page_size = get(text_value, meta, "page_size", path, default="A5")
    matching = [s for s in PAGE_SIZES if s.lower() == page_size.lower()]
    if not matching:
        problems.error(f"page_size '{page_size}' must be one of {', '.join(PAGE_SIZES)}", path,
                       meta.line("page_size"))
    switches = {}
    for key, default in (("print_mode", False), ("require_source_url", False),
                         ("normalize_punctuation", None)):
        switches[key] = meta.data.get(key, default)
        if switches[key] is not default and not isinstance(switches[key], bool):
            problems.error(f"'{key}' is true or false", path, meta.line(key))
            switches[key] = default
    stale = meta.data.get("stale_after_months")
    if stale is not None and (not isinstance(stale, int) or isinstance(stale, bool) or stale < 1):
        problems.error("'stale_after_months' is a number of months, e.g. 24", path,
                       meta.line("stale_after_months"))
        stale = None
    for key in sorted(set(meta.data) - GUIDE_KEYS):
        problems.warn(f"unknown key '{key}' is kept but not used", path, meta.line(key))
    language = get(text_value, meta, "language", path, default="zh-CN")
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", language):
        problems.error(f"language '{language}' is not a language tag like zh-CN", path,
                       meta.line("language"))

    guide = Guide(
        name=path.stem,
        path=path,
        title=get(lambda: text_value(meta, "title", path, required=True), default=""),
        categories=categories,
        subtitle=get(text_value, meta, "subtitle", path),
        publisher=get(text_value, meta, "publisher", path),
        author=get(text_value, meta, "author", path),
        language=language,
        edition=get(text_value, meta, "edition", path),
        date=dates.get("date"),
        tags=get(text_list, meta, "tags", path, default=()),
        since=dates.get("since"),
        until=dates.get("until"),
        include=get(text_list, meta, "include", path, default=()),
        exclude=get(text_list, meta, "exclude", path, default=()),
        theme=get(_theme_name, meta, path, default="default"),
        page_size=matching[0] if matching else "A5",
        copyright=get(_rights, meta, path, default=Rights()),
        disclaimer=get(text_value, meta, "disclaimer", path),
        cover=get(_cover, meta, path),
        print_mode=switches["print_mode"],
        stale_after_months=stale,
        normalize_punctuation=switches["normalize_punctuation"],
        require_source_url=switches["require_source_url"],
        editions=_editions(meta, path, path.stem, problems),
        extra={k: v for k, v in meta.data.items() if k not in GUIDE_KEYS},
        lines=_lines(meta),
    )
    return guide if len(problems.errors) == before else None


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
    for key in ("slug", "id", "lawyer", "contact", "watermark"):
        if isinstance(data.get(key), (list, dict)):
            problems.error(f"edition '{key}' must be text, not a list or mapping", path, line)
            return None
    for key in sorted(set(data) - EDITION_KEYS):
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
