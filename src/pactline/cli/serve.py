from __future__ import annotations

import gc
import json
import logging
from pathlib import Path

import click
import uvicorn

from pactline.api.app import create_app
from pactline.cli.context import container, load_settings
from pactline.cli.logs import configure_logging
from pactline.jobs.billing_schedule import billing_loop
from pactline.jobs.outbox_relay import relay_loop


@click.command(help="Serve the API (and the embedded worker unless disabled).")
@click.option("--host", default=None, help="Default: PACTLINE_HOST or 127.0.0.1")
@click.option("--port", type=int, default=None, help="Default: PACTLINE_PORT or 8000")
@click.option("--demo-key-file", type=click.Path(path_type=Path), default=None, hidden=True)
def serve(host: str | None, port: int | None, demo_key_file: Path | None) -> None:
    settings = load_settings()
    configure_logging(settings.log_level)
    with container() as app:
        host = host or settings.host
        port = port or settings.port
        click.echo(f"pactline is serving on http://{host}:{port}")
        click.echo(f"  API docs:  http://{host}:{port}/docs")
        click.echo(f"  health:    http://{host}:{port}/health")
        if demo_key_file is not None and demo_key_file.exists():
            key = demo_key_file.read_text().strip()
            click.echo(f"  demo sandbox server key: {key}")
            click.echo(f'  try: curl -H "X-API-KEY: {key}" http://{host}:{port}/api/v1/environment')
        api = create_app(app)
        # What exists now (modules, the app, the container) lives as long as the process: kept
        # out of the garbage collector's full passes, each pause is shorter (by about 100 ms on
        # the 2-core benchmark machine, docs/performance.md).
        gc.freeze()
        uvicorn.run(api, host=host, port=port, log_config=None, access_log=False)


@click.command(help="Run background jobs (the outbox relay) until interrupted.")
def worker() -> None:
    settings = load_settings()
    configure_logging(settings.log_level)
    with container() as app:
        click.echo("pactline worker running; Ctrl-C to stop")
        billing = billing_loop(app)
        billing.start()
        try:
            relay_loop(app).run_forever()
        except KeyboardInterrupt:
            logging.getLogger("pactline.worker").info("stopped")
        finally:
            billing.stop()


@click.command(help="Print the OpenAPI document (what is committed as openapi.json).")
def openapi() -> None:
    with container(upgrade=False) as app:
        click.echo(
            json.dumps(create_app(app, run_worker=False).openapi(), indent=2, sort_keys=True)
        )
