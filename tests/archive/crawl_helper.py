"""Run one small Scrapy crawl with the WARC extension; print the crawl's govcrawl stats as JSON.

Usage: crawl_helper.py '{"out": DIR, "requests": [{"url", "method"?, "body"?, "report"?,
"follow"?, "playwright"?}], "settings": {...}, "playwright"?: bool}'. With "playwright" the
project's scrapy-playwright handler and Chromium launch options are used. Responses of
requests marked `report` become items that go through `SignalPipeline`, which sends the
archive signals as the real first pipeline does.
`follow` makes the spider follow every link (used to keep a crawl busy until it is killed).
"""

from __future__ import annotations

import json
import resource
import sys
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess

from govcrawl.archive.browser import archive_page_method, playwright_page_event_handlers
from govcrawl.archive.signals import text_converted


class SignalPipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> SignalPipeline:
        return cls(crawler)

    def process_item(self, item: dict[str, Any], spider: scrapy.Spider) -> dict[str, Any]:
        signals = self.crawler.signals
        text = item["body"].decode("utf-8", "replace")
        signals.send_catch_log(signal=text_converted, item=item, text=text, spider=spider)
        return {"source_url": item["source_url"]}


class ArchiveTestSpider(scrapy.Spider):
    name = "archivetest"

    def __init__(self, requests: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.request_specs = requests

    async def start(self):
        for spec in self.request_specs:
            meta: dict[str, Any] = {"spec": spec}
            if spec.get("playwright"):
                meta["playwright"] = True
                meta["playwright_page_event_handlers"] = playwright_page_event_handlers(
                    self.crawler
                )
                meta["playwright_page_methods"] = [archive_page_method()]
            yield scrapy.Request(
                spec["url"],
                method=spec.get("method", "GET"),
                body=spec.get("body", "").encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"}
                if spec.get("body")
                else None,
                meta=meta,
                dont_filter=True,
            )

    def parse(self, response: scrapy.http.Response):
        spec = response.meta["spec"]
        if spec.get("report"):
            yield {
                "source_url": spec["url"],
                "final_url": response.url,
                "kind": spec.get("kind", "portal"),
                "parent_url": spec.get("parent_url"),
                "list_url": None,
                "title_hint": spec.get("title_hint"),
                "content_type": response.headers.get("Content-Type", b"").decode(),
                "body": response.body,
                "filename": spec.get("filename"),
                "warc": response.meta.get("warc"),
                "spider": self.name,
                "portal": "test",
            }
        if spec.get("follow"):
            for href in response.css("a::attr(href)").getall():
                yield response.follow(href, meta={"spec": spec})


def main() -> None:
    spec = json.loads(sys.argv[1])
    settings = {
        "EXTENSIONS": {"govcrawl.archive.capture.WarcCaptureExtension": 100},
        "ITEM_PIPELINES": {"__main__.SignalPipeline": 100},
        "SPIDER_MIDDLEWARES": {"govcrawl.archive.provenance.PageMetadataMiddleware": 10},
        "GOVCRAWL_OUT": spec["out"],
        "GOVCRAWL_RUN_ID": "test-run",
        "ROBOTSTXT_OBEY": True,
        "RETRY_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
        "HTTPERROR_ALLOW_ALL": True,
        **spec["settings"],
    }
    if spec.get("playwright"):
        from govcrawl import settings as project

        settings.update(
            DOWNLOAD_HANDLERS=project.DOWNLOAD_HANDLERS,
            TWISTED_REACTOR=project.TWISTED_REACTOR,
            PLAYWRIGHT_BROWSER_TYPE=project.PLAYWRIGHT_BROWSER_TYPE,
            PLAYWRIGHT_LAUNCH_OPTIONS=project.PLAYWRIGHT_LAUNCH_OPTIONS,
        )
    process = CrawlerProcess(settings, install_root_handler=False)
    crawler = process.create_crawler(ArchiveTestSpider)
    process.crawl(crawler, requests=spec["requests"])
    process.start()
    stats = {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("govcrawl/")}
    stats["peak_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
