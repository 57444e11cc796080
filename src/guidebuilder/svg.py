"""An article's SVG is untrusted, and so is every SVG in a book: it can run scripts in an
e-book reader, load local or remote files, declare entities, or multiply itself with `<use>`.

`clean_svg` parses it with a parser that neither expands entities nor reaches the network,
refuses what cannot be made safe (a DOCTYPE with declarations, too many elements, a `<use>`
expansion past the limit, a tree too deep) and removes the rest: scripts, foreign objects,
animation, `<style>`, event handlers, and every reference that is not to a fragment of the
same SVG or a raster `data:` image. The PDF (through its URL fetcher) and the EPUB both get the
cleaned SVG, so an SVG references no file and a layout depends only on its bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

MAX_BYTES = 2 * 1024 * 1024
MAX_ELEMENTS = 20_000
MAX_DRAWN = 50_000  # elements drawn once every <use> is expanded
MAX_DEPTH = 64

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_DROPPED = {"script", "foreignObject", "style", "animate", "animateMotion", "animateTransform",
            "set", "discard", "handler", "listener", "iframe", "audio", "video", "canvas"}
_RASTER_DATA = re.compile(r"data:image/(png|jpeg|gif|webp)[;,]", re.I)
_LINK = re.compile(r"(https?:|mailto:|#)", re.I)
_URL = re.compile(r"url\(\s*(['\"]?)([^)'\"]*)", re.I)
_UNSAFE_STYLE = re.compile(r"\\|@|expression|image-set|-moz-binding|behavior", re.I)


class SvgRefused(ValueError):
    """The SVG cannot be made safe; the message says why."""


@dataclass
class CleanSvg:
    data: bytes
    removed: list[str] = field(default_factory=list)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _safe_css(value: str) -> bool:
    """No escapes, at-rules or loaders; url() only to a fragment of this SVG."""
    if _UNSAFE_STYLE.search(value):
        return False
    return all(target.strip().startswith("#") for _, target in _URL.findall(value))


def _safe_href(tag: str, value: str) -> bool:
    value = value.strip()
    if tag == "a":
        return bool(_LINK.match(value))
    return value.startswith("#") or bool(_RASTER_DATA.match(value))


def _drawn(root: etree._Element) -> int:
    """How many elements are drawn once every `<use>` is expanded (a `<use>` that points at
    an ancestor of itself counts as too many)."""
    alive = list(root.iter())  # lxml keeps one proxy per live element: ids below stay stable
    by_id = {el.get("id"): el for el in alive if isinstance(el.tag, str) and el.get("id")}
    memo: dict[int, int] = {}
    active: set[int] = set()

    def count(el: etree._Element) -> int:
        key = id(el)
        if key in memo:
            return memo[key]
        if key in active:
            return MAX_DRAWN + 1
        active.add(key)
        total = 1
        if _local(el.tag) == "use":
            target = (el.get("href") or el.get(XLINK_HREF) or "").strip()
            if target.startswith("#") and target[1:] in by_id:
                total += count(by_id[target[1:]])
        for child in el:
            if isinstance(child.tag, str):
                total += count(child)
            if total > MAX_DRAWN:
                break
        active.discard(key)
        memo[key] = min(total, MAX_DRAWN + 1)
        return memo[key]

    return count(root)


def clean_svg(data: bytes) -> CleanSvg:
    """The SVG made safe to show, with what was removed; SvgRefused if it cannot be."""
    if len(data) > MAX_BYTES:
        raise SvgRefused(f"an SVG larger than {MAX_BYTES // 1024 // 1024} MB")
    try:
        tree = etree.ElementTree(etree.fromstring(data, _parser()))
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise SvgRefused(f"not a readable SVG ({str(exc).splitlines()[0][:80]})") from None
    if tree.docinfo.internalDTD is not None or b"<!ENTITY" in data[:4096].upper():
        raise SvgRefused("an SVG that declares entities (a DOCTYPE with declarations)")
    root = tree.getroot()
    if _local(root.tag) != "svg" or etree.QName(root).namespace not in (SVG_NS, None):
        raise SvgRefused("not an SVG (its root element is not <svg>)")
    elements = 0
    for _el in root.iter():
        elements += 1
        if elements > MAX_ELEMENTS:
            raise SvgRefused(f"an SVG of more than {MAX_ELEMENTS} elements")
    if max((len(list(el.iterancestors())) for el in root.iter()), default=0) > MAX_DEPTH:
        raise SvgRefused(f"an SVG nested more than {MAX_DEPTH} deep")

    result = CleanSvg(b"")
    for el in list(root.iter()):
        if not isinstance(el.tag, str):  # an unexpanded entity reference
            el.getparent().remove(el)
            result.removed.append("an entity reference")
            continue
        tag = _local(el.tag)
        if tag in _DROPPED:
            el.getparent().remove(el)
            result.removed.append(f"a <{tag}> element")
            continue
        for name, value in list(el.attrib.items()):
            local = _local(name)
            if local.lower().startswith("on"):
                del el.attrib[name]
                result.removed.append(f"an event handler ({local})")
            elif local == "href" and not _safe_href(tag, value):
                del el.attrib[name]
                result.removed.append(f"a reference to '{value[:60]}'")
            elif ("url(" in value.lower() or local == "style") and not _safe_css(value):
                del el.attrib[name]
                result.removed.append(f"a '{local}' that may load something")
    if _drawn(root) > MAX_DRAWN:
        raise SvgRefused(f"an SVG whose <use> elements draw more than {MAX_DRAWN} elements")
    result.data = etree.tostring(root, encoding="utf-8", xml_declaration=True)
    return result
