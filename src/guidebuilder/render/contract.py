"""The theme contract: the ids and classes that guidebuilder's code looks for in what a theme's
templates make, or puts into it for the theme's CSS to style. A theme that renames one of
these breaks what the docstring says relies on it.

Templates get every name here as `contract.<NAME>` (e.g. `id="{{ contract.COPYRIGHT_PAGE }}"`);
README's theme section lists them (a test keeps that list and this module the same)."""

from __future__ import annotations

COPYRIGHT_PAGE = "copyright-page"
"""id of the copyright page (partials/copyright.html). The pages before it (cover, title page)
are the ones a client edition replaces with its own: the PDF renderer counts them from where
this id lands."""

APPENDIX_SOURCES = "appendix-sources"
"""id of the sources appendix (partials/appendix.html): the contents link to it, the page
furniture finds where it opens by it (running headers), the EPUB names its document and
contents entry by it, and the preview turns links to it into a link to its page."""

ARTICLE_ID = "article-{slug}"
"""id of an article's opening (partials/article.html, as `article.anchor`): links, page numbers
and bookmarks of the PDF, the EPUB's file names and the preview's links find articles by it."""

PART_ID = "part-{folder}"
"""id of a part's opening page (partials/part.html, as `part.anchor`), found as ARTICLE_ID is."""

CHUNK_END = "gb-chunk-end"
"""id of the empty element book.html puts at the end of a chunk, the first element of the next
one: the page it opens must be a new page, and is dropped when the chunks are put together."""

PAGE_REF = "page-ref"
"""class of a page-number slot (made by `page_ref()` in templates, with `page-ref-<style>`) and
of the number furniture.html draws over it: the slot is laid out invisible, the number drawn
in its place; typesetting leaves its digits alone."""

OWN_ID_PREFIX = "gb-"
"""What every id guidebuilder adds begins with (CHUNK_END, the page-number slots): such ids
are not the book's, so they are never link targets in the PDF. A theme's ids must not."""

HALT = "gb-halt"
"""class typesetting puts on a punctuation mark set at half width: the theme's CSS gives it the
fonts' `halt` feature."""

NOBREAK = "gb-nobreak"
"""class typesetting puts on a paragraph's last characters: the theme's CSS keeps them on one
line (`white-space: nowrap`), so no line holds a lone character."""

URL_TEXT = "url"
"""class of a printed URL (source and related links): typesetting leaves its text as it is."""

VERBATIM = "gb-verbatim"
"""class a template may put on an element whose text typesetting must leave as it is."""

URL = "gb-url"
"""class typesetting puts on a long URL in running text: the theme's CSS lets it break
anywhere."""

NAMES = {name: value for name, value in globals().items()
         if name.isupper() and isinstance(value, str)}
"""Every name of the contract by its constant's name: what templates see as `contract`."""
