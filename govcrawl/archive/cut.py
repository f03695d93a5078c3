"""Downloads cut at DOWNLOAD_MAXSIZE go into the archive as what arrived, marked truncated.

Scrapy fails a download that passes DOWNLOAD_MAXSIZE (from its Content-Length, or while the
body streams in): no response reaches `response_downloaded`, so the capture extension would
write nothing, and the archive would not show that the server answered at all. The download
handler (`fetch.spool`) keeps what had arrived as a `CutDownload` in `request.meta`;
`CutDownloadMiddleware` sees the failure next to the downloader and writes the request and that
response — status line, headers, the bytes received — with `WARC-Truncated: length`, the WARC
1.1 reason for a record cut at a configured size. The failure then goes on as before (an error
row "too large", no record).
"""

from __future__ import annotations

import http
from pathlib import Path

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from govcrawl.archive.capture import (
    WarcCaptureExtension,
    capture_started,
    http_request_from_scrapy,
)
from govcrawl.archive.writer import HttpResponse
from govcrawl.document import CUT_META, CutDownload


class CutDownloadMiddleware:
    """Downloader middleware (next to the downloader): archives a download cut at its size
    limit before the failure travels on."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CutDownloadMiddleware:
        if not crawler.settings.getbool("GOVCRAWL_WARC_ENABLED", True):
            raise NotConfigured
        return cls(crawler)

    def process_exception(
        self, request: Request, exception: BaseException, spider: Spider | None = None
    ) -> None:
        cut: CutDownload | None = request.meta.pop(CUT_META, None)
        extension = next(
            (e for e in self.crawler.extensions.middlewares if isinstance(e, WarcCaptureExtension)),
            None,
        )
        if cut is None or extension is None or self.crawler.spider is None:
            return
        try:
            reason = http.HTTPStatus(cut.status).phrase  # as `capture` writes every status line
        except ValueError:
            reason = ""
        response = HttpResponse(
            status=cut.status,
            reason=reason,
            headers=cut.headers,
            body=cut.body,
            protocol=cut.protocol,
            truncated="length",
            body_file=cut.body_file,
            captured_at=capture_started(request),
        )
        try:
            extension.archive_exchange(
                request.url, http_request_from_scrapy(request), response, self.crawler.spider
            )
            self.crawler.stats.inc_value("govcrawl/warc_cut_at_maxsize")
        finally:
            if cut.body_file:
                Path(cut.body_file).unlink(missing_ok=True)
