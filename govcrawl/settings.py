"""Scrapy settings for govcrawl: the components of every stage switched on and ordered here.

`scrapy.cfg` points Scrapy at this module, so `scrapy crawl NAME` and `govcrawl crawl` run the
same configuration. The CLI overrides a few values per run (output folder, portal selection).
"""

import shutil

BOT_NAME = "govcrawl"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# ASCII only: header values are latin-1 on the wire.
USER_AGENT = "govcrawl/0.1 (research archive of government information disclosure annual reports)"
# Scrapy asks for English ("Accept-Language: en"); these portals and the doc-share sites that
# mirror them write Chinese, and a site that negotiates language must answer as it would a reader.
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9",
    # Not Scrapy's "gzip, deflate, br, zstd": the archive stores bodies as sent, and warcio,
    # pywb and ReplayWeb.page all read gzip and deflate, not every one brotli or zstd.
    "Accept-Encoding": "gzip, deflate",
}
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
# Politeness per portal: at most 4 requests in flight (fewer than the 6 connections one browser
# opens to a host), paced by AutoThrottle, which spaces requests by the server's own latency and
# so slows down as soon as the portal does; 429/503 answers wait for Retry-After
# (govcrawl.fetch.guard). A portal that needs gentler treatment says so in its registry entry
# (`concurrency`, `delay`).
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 200 * 1024 * 1024
DOWNLOAD_WARNSIZE = 50 * 1024 * 1024
RETRY_TIMES = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
DEPTH_LIMIT = 8
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

# scrapy-playwright handles only requests with meta["playwright"] = True; every other request
# goes to Scrapy's HTTP/1.1 agent with a body reader that spools large bodies to disk.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
DOWNLOAD_HANDLERS = {
    "http": "govcrawl.fetch.spool.SpoolingDownloadHandler",
    "https": "govcrawl.fetch.spool.SpoolingDownloadHandler",
}
# Bodies past this size go to <GOVCRAWL_OUT>/spool/ as they arrive instead of into memory
# (govcrawl/fetch/spool.py); the archive and the clean stage read them from there.
GOVCRAWL_SPOOL_THRESHOLD = 8 * 1024 * 1024
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "headless": True,
    "executable_path": shutil.which("chromium") or "/usr/bin/chromium",
    "args": [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ],
}
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4

EXTENSIONS = {
    # Scrapy's AutoThrottle never speeds up on 304s, which stalls conditional re-crawls.
    "scrapy.extensions.throttle.AutoThrottle": None,
    "govcrawl.fetch.throttle.ConditionalAutoThrottle": 0,
    "govcrawl.archive.capture.WarcCaptureExtension": 100,
    "govcrawl.fetch.health.PortalHealthExtension": 900,
    # Only with scrapy-redis's SCHEDULER: workers of one shared queue stop when all are done.
    "govcrawl.fetch.shared_queue.SharedQueueWorkers": 950,
}

ITEM_PIPELINES = {
    "pipelines.clean.CleanPipeline": 100,
    "pipelines.extract.ExtractPipeline": 200,
    "pipelines.store.StorePipeline": 300,
}

# Where a run writes: WARCs under <out>/warc, records.jsonl and dataset.duckdb under <out>.
GOVCRAWL_OUT = "data/out"
GOVCRAWL_WARC_ENABLED = True
GOVCRAWL_WARC_MAX_SIZE = 1024**3
GOVCRAWL_WARC_FSYNC = False
# Dedup across runs into the same output folder: identical payloads become revisit records,
# re-crawls send If-None-Match/If-Modified-Since (index: <out>/warc/dedup.sqlite3 by default).
GOVCRAWL_DEDUP_ENABLED = True
GOVCRAWL_DEDUP_DB = None
GOVCRAWL_REGISTRY = "data/portals.toml"

# Hostile portals (govcrawl/fetch/guard.py): scope guard before any connection, Retry-After
# aware retries, redirect-loop detection, every failure recorded, crawler traps stopped.
DOWNLOADER_MIDDLEWARES = {
    "govcrawl.fetch.guard.ScopeGuard": 40,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "govcrawl.fetch.guard.RetryAfterMiddleware": 550,
    # Sees answers before RetryAfter: a WAF's JS-cookie challenge is run once in the browser
    # and the request retried with the cookies it earned (retrying alone never passes).
    "govcrawl.fetch.challenge.BrowserChallengeMiddleware": 560,
    "govcrawl.fetch.guard.RedirectLoopGuard": 610,
    # Above HttpCompression (590): a 304 becomes the archived 200, still compressed, which
    # HttpCompression then decodes as on the first run.
    "govcrawl.archive.conditional.ConditionalRequestMiddleware": 700,
    # Next to the downloader: a spooled page goes back into memory for the spider to parse.
    "govcrawl.fetch.spool.SpooledTextMiddleware": 950,
    # Sees a download failed at DOWNLOAD_MAXSIZE first: what arrived is archived, truncated.
    "govcrawl.archive.cut.CutDownloadMiddleware": 955,
    # Playwright requests get the archive's network-event handlers once dequeued (they are
    # closures, which would keep the request out of disk and redis queues).
    "govcrawl.archive.browser.BrowserCaptureMiddleware": 960,
    # Playwright pages get a crawl-wide cache of static files (Chromium's own is off under
    # scrapy-playwright's routing): shared scripts and styles are fetched once per crawl.
    "govcrawl.fetch.browser_cache.BrowserCacheMiddleware": 965,
    # Only with scrapy-redis's SCHEDULER: the per-host limits hold across all workers. Last
    # before the downloader, so a request holds its host lease only while it is downloaded.
    "govcrawl.fetch.shared_politeness.SharedHostLimit": 990,
}
SPIDER_MIDDLEWARES = {
    # Last to see a callback's output: one `metadata` record per page (outlinks, reports).
    "govcrawl.archive.provenance.PageMetadataMiddleware": 10,
    "govcrawl.fetch.guard.FailureReporter": 20,
    "govcrawl.fetch.guard.TrapFilter": 850,
}
REQUEST_FINGERPRINTER_CLASS = "govcrawl.fetch.guard.CanonicalFingerprinter"
# Keep short bodies (flagged `dataloss`): the archive writes them with WARC-Truncated, the
# retry middleware retries and then fails them, so a partial body never becomes a record.
DOWNLOAD_FAIL_ON_DATALOSS = False
GOVCRAWL_ALLOW_PRIVATE_HOSTS = False
# Cleaning runs in worker processes (govcrawl/clean/workers.py): 0 = one per core but one (1–4);
# a document taking longer than the timeout, or crashing its reader, becomes an error row.
GOVCRAWL_CLEAN_WORKERS = 0
GOVCRAWL_CLEAN_TIMEOUT = 600
GOVCRAWL_CLEAN_MAX_TASKS = 200
GOVCRAWL_RETRY_AFTER_MAX = 120
GOVCRAWL_RETRY_BACKOFF = 1.0
GOVCRAWL_SOLVE_CHALLENGES = True
GOVCRAWL_CHALLENGE_FUTILE = 3
GOVCRAWL_CHALLENGE_TIMEOUT = 10.0
GOVCRAWL_SHARED_QUEUE_BEAT = 1.0
GOVCRAWL_SHARED_QUEUE_GRACE = 5.0
GOVCRAWL_TRAP_DATES = 5
GOVCRAWL_TRAP_STALE_PAGES = 3
GOVCRAWL_TRAP_REPEATS = 3
PLAYWRIGHT_ABORT_REQUEST = "govcrawl.fetch.guard.abort_browser_request"
