"""The FastAPI application: the library, its tokens and tags, the rate limiter and the job
runner, and the routes of both dialects of the API.

``create_app`` builds it over one library folder. While it runs (its lifespan), a
``core.runner.Runner`` processes the queue in the background, so uploads answer at once and
status and results follow the queue, exactly as in the window and the batch command.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import anyio
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles

from docrouter_desktop import __version__
from docrouter_desktop.core.api_tokens import ApiTokenService
from docrouter_desktop.core.engine import Engine, RunnerPlacement
from docrouter_desktop.core.library import Library
from docrouter_desktop.core.tags import TagService
from docrouter_desktop.server import (
    account,
    v0_catalog,
    v0_documents,
    v0_llm,
    v0_ocr,
    v0_vendors,
    workspace,
)
from docrouter_desktop.server.auth import ANONYMOUS_KEYS, AuthRateLimitMiddleware
from docrouter_desktop.server.bodylimit import BodyLimitMiddleware
from docrouter_desktop.server.guards import AccessLogMiddleware, HostCheckMiddleware
from docrouter_desktop.server.loopreads import LoopReads
from docrouter_desktop.server.ratelimit import RateLimiter
from docrouter_desktop.server.responses import install_error_handlers
from docrouter_desktop.server.upload import DEFAULT_MAX_UPLOAD

log = logging.getLogger(__name__)

SWAGGER_ASSETS = "/static/swagger"

DESCRIPTION = """
The DocRouter REST API served by DocRouter Desktop over its local library, in two dialects
side by side: the early **seed** dialect (`documents/upload` with a `processor_type`, `/status`,
`/results`, `PATCH /results`, `limit`/`offset` paging) and **DocRouter's own v0 API**, as the
open-source DocRouter server and its Python SDK speak it (JSON base64 and multipart uploads,
`skip`/`limit`, tags, schemas and prompts, `ocr/download`, `llm/run` and `llm/result`). Routes
both have (the document list, a document, deletes, tokens, organizations) answer the fields of
both, e.g. a document's seed `status` and its DocRouter `state`.

**Authentication.** Every call needs `Authorization: Bearer <token>`, or `X-Api-Key: <token>`
when there is no Authorization header. An *account token* reaches `/v0/account` and every
organization; a *workspace token* only its own organization under
`/v0/orgs/{organization_id}`. Create the first account token with
`docrouter-desktop api-token create --name NAME`, then press **Authorize** above. A token
created with a `lifetime` (days) stops working after it: 401 "API token expired". Only an
account token creates or revokes tokens; a token expires no later than the token that created
it, and revoking a token revokes the tokens it created.

**Processing is asynchronous.** Upload a document, poll its status (or its `state`) until
`completed` (`llm_completed`), then read its results. `POST .../llm/run/{id}` waits for them.

**Prompts are the local processors.** The prompts `default`, `auto`, `invoice` and `receipt`
and the schemas `invoice` and `receipt` are built in; creating others is refused (400): that
needs a DocRouter server. A document uploaded with the invoice or receipt prompt's tag is read
by that processor.

**Limits.** Every reply carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and
`X-RateLimit-Reset`; over the limit the reply is 429 with `Retry-After`. Uploads over the size
limit are 413 (for base64 uploads: the decoded files); files that are not PDF, image or text
are 415; other request bodies over 1 MiB are 413.
"""


@dataclass(frozen=True)
class ServerConfig:
    rate_limit: int = 600  # requests per token per window
    rate_window: float = 60.0  # seconds
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    run_jobs: bool = True  # run a job runner in the background while serving
    workers: int | None = None  # worker processes of that runner (None: the setting)
    threads: int = 40  # threads for blocking work (SQLite reads and writes)
    runner_process: bool = False  # run the job runner in a child process (``serve`` does)
    llm_run_timeout: float = 300.0  # seconds POST .../llm/run waits for a document to be read
    bind_host: str = "127.0.0.1"  # the address served on: Host headers naming it are taken


def create_app(library: Library | Path | str, config: ServerConfig | None = None) -> FastAPI:
    config = config or ServerConfig()
    lib = library if isinstance(library, Library) else Library(Path(library))
    tokens = ApiTokenService(lib)
    reads = LoopReads(lib.db)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        # Threads for blocking work. Under bench/api_load.py, 4 threads doubled the p99 of
        # status calls (they queued for a free thread); 8 and 40 were alike within the noise.
        anyio.to_thread.current_default_thread_limiter().total_tokens = config.threads
        reads.open()
        engine = app.state.engine
        engine.start()
        try:
            yield
        finally:
            engine.stop()
            tokens.flush()
            reads.close()

    app = FastAPI(
        title="DocRouter API (local)",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.library = lib
    app.state.tokens = tokens
    app.state.tags = TagService(lib)
    app.state.reads = reads
    app.state.config = config
    # The front door: uploads and every change of work go through it; its job runner runs in
    # a child process (``serve``), in a thread, or not at all (another process runs the jobs).
    placement: RunnerPlacement = (
        "none" if not config.run_jobs else "child" if config.runner_process else "thread"
    )
    app.state.engine = Engine(lib, runner=placement, workers=config.workers)
    # Uploads wait for the library's write lock; a few at a time, so that waiting writers
    # never hold every pooled connection while status calls queue behind them.
    app.state.write_slots = anyio.CapacityLimiter(2)
    install_error_handlers(app)
    app.include_router(account.router)
    app.include_router(account.public_router)
    app.include_router(workspace.router)
    app.include_router(v0_documents.router)
    app.include_router(v0_ocr.router)
    app.include_router(v0_llm.router)
    app.include_router(v0_catalog.router)
    app.include_router(v0_vendors.router)
    assets = Path(str(resources.files("docrouter_desktop") / "resources" / "swagger"))
    app.mount(SWAGGER_ASSETS, StaticFiles(directory=assets), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui():
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{SWAGGER_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{SWAGGER_ASSETS}/favicon-32x32.png",
            swagger_ui_parameters={"persistAuthorization": True},
        )

    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(
        AuthRateLimitMiddleware,
        tokens=tokens,
        reads=reads,
        limiter=RateLimiter(config.rate_limit, config.rate_window),
        anonymous=RateLimiter(config.rate_limit, config.rate_window, max_keys=ANONYMOUS_KEYS),
    )
    app.add_middleware(HostCheckMiddleware, bind_host=config.bind_host)
    app.add_middleware(AccessLogMiddleware)  # the outermost: every refusal is logged too
    return app
