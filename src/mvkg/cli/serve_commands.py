"""`mvkg serve`: the built graph as a read-only SPARQL 1.1 protocol endpoint at /sparql."""

from __future__ import annotations

import signal

import click

from mvkg.cli.app import Context, main
from mvkg.query.sparql import QueryLimits
from mvkg.serve.endpoint import ServeConfig, is_loopback, serve_workspace


def _stop(signum, frame) -> None:  # SIGTERM ends the server as Ctrl-C does
    raise KeyboardInterrupt


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but a loopback address lets others on the network read the graph.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: a free one, printed at start).")
@click.option("--cors-origin", "cors", multiple=True, metavar="ORIGIN",
              help="Let web pages from ORIGIN (e.g. https://yasgui.triply.cc) read results; repeatable; '*' for any. "
                   "Off by default.")
@click.option("--timeout", default=QueryLimits.seconds, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Wall-clock limit per query in seconds.")
@click.option("--max-rows", default=QueryLimits.rows, show_default=True, type=click.IntRange(1, 10_000_000),
              help="Rows (or triples) per result; a longer result is cut and says so in a response header.")
@click.option("--max-memory", default=QueryLimits.memory_mb, show_default=True, type=click.IntRange(64, 65536),
              help="Address-space limit of each query process, in MB.")
@click.option("--max-concurrent", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Queries running at once; more wait, then get 503.")
@click.option("--quiet", is_flag=True, help="No line per request on standard error.")
@click.pass_obj
def serve(obj: Context, host: str, port: int, cors: tuple[str, ...], timeout: float, max_rows: int, max_memory: int,
          max_concurrent: int, quiet: bool) -> None:
    """Serve the built graph read-only over the SPARQL 1.1 protocol at /sparql: GET or POST,
    results as JSON, XML, CSV or TSV (CONSTRUCT/DESCRIBE as Turtle, N-Triples, RDF/XML,
    JSON-LD), with the guard and limits of `mvkg query`. Ctrl-C stops it."""
    config = ServeConfig(host, port, tuple(cors), QueryLimits(timeout, max_rows, max_memory), max_concurrent, quiet=quiet)
    served = serve_workspace(obj.workspace, config)
    if not is_loopback(host):
        click.echo(f"mvkg: warning: listening on {host}: anyone who can reach it can read the whole graph", err=True)
    click.echo(f"serving the built graph of {obj.workspace.root} read-only at {served.server.url}", nl=True)
    click.echo(f"  limits: {timeout:g} s, {max_rows} rows, {max_memory} MB per query, {max_concurrent} at once; "
               f"CORS: {', '.join(cors) if cors else 'off'}", err=True)
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        served.server.serve_forever()
    except KeyboardInterrupt:
        click.echo("mvkg: stopped", err=True)
    finally:
        signal.signal(signal.SIGTERM, previous)
        served.close()
