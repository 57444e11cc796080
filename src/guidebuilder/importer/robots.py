"""robots.txt, read with the standard library's parser but fetched through our own gate, so
its request is spaced, identified and kept to the site like every other."""

from __future__ import annotations

from urllib.robotparser import RobotFileParser

from ..errors import GuideError
from .fetch import USER_AGENT, Fetcher, Origin


class Robots:
    def __init__(self, parser: RobotFileParser, found: bool) -> None:
        self.parser = parser
        self.found = found

    def allows(self, url: str) -> bool:
        """Whether the rules for `guidebuilder` (or, failing those, for `*`) allow `url`."""
        return self.parser.can_fetch(USER_AGENT, url)

    @property
    def crawl_delay(self) -> float | None:
        delay = self.parser.crawl_delay(USER_AGENT)
        return float(delay) if delay is not None else None


def read_robots(fetcher: Fetcher, start_url: str) -> Robots:
    """The site's robots.txt; none (404) allows everything, as do other 4xx answers except
    401 and 403, which the standard parser takes as 'keep out'."""
    origin = Origin.of(start_url)
    address = f"{origin.scheme}://{origin.host}" + (
        "" if origin.shown == origin.host else f":{origin.port}") + "/robots.txt"
    parser = RobotFileParser(address)
    try:
        response = fetcher.get(address)
    except GuideError as exc:
        message = exc.problems[0].message
        if message.startswith("the site answered 401") or message.startswith("the site answered 403"):
            parser.disallow_all = True
            return Robots(parser, True)
        if message.startswith("the site answered 4"):
            parser.allow_all = True
            return Robots(parser, False)
        raise GuideError(f"{message} (asking for its robots.txt)") from None
    parser.parse(response.body.decode("utf-8", errors="replace").splitlines())
    return Robots(parser, True)
