"""`mvkg ui`: start the analyst workspace (Streamlit) for a workspace, on 127.0.0.1 unless told
otherwise. Serving on an address other machines reach needs identity settings (login) or the
operator's explicit --insecure-no-login; the app checks the same rule (mvkg.ui.login_policy)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from mvkg.cli.app import Context, main
from mvkg.kernel.errors import InputError, MvkgError
from mvkg.ui.login_policy import INSECURE_ENV, default_secrets_files, login_settings, read_secrets, serving_refusal

APP = Path(__file__).resolve().parents[3] / "app.py"  # the source checkout's Streamlit entry point


class RefusedToServe(MvkgError):
    """The app would be reachable by others without login."""


@main.command("ui")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but a loopback address needs login settings (or --insecure-no-login).")
@click.option("--port", default=8501, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--secrets", "secrets_file", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="The secrets.toml holding the login settings ([auth]); default: ./.streamlit/secrets.toml "
                   "and ~/.streamlit/secrets.toml, as Streamlit reads them.")
@click.option("--insecure-no-login", "insecure", is_flag=True,
              help="Serve on a non-loopback address without login: everyone who reaches it acts as you.")
@click.pass_obj
def ui(obj: Context, host: str, port: int, secrets_file: Path | None, insecure: bool) -> None:
    """Open the analyst workspace in the browser (Streamlit). Without login settings it runs in
    single-user local mode as the operating-system user, on this machine only."""
    if secrets_file is not None and not secrets_file.is_file():
        raise InputError("no such secrets file", path=secrets_file)
    files = [secrets_file] if secrets_file else default_secrets_files(Path.cwd(), Path.home())
    settings = login_settings(*read_secrets(files))
    refusal = serving_refusal(host, settings, insecure)
    if refusal:
        raise RefusedToServe(refusal)
    if not APP.is_file():
        raise InputError("the analyst workspace runs from a source checkout (app.py not found)", path=APP)
    env = {**os.environ, "MVKG_WORKSPACE": str(obj.workspace.root.resolve())}
    if obj.workspace.store_override:
        env["MVKG_STORE"] = obj.workspace.store_override
    if insecure:
        env[INSECURE_ENV] = "1"
    args = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.address", host, "--server.port", str(port),
            "--server.headless", "true"]
    for path in files:  # the files checked here, and no others, whatever folder Streamlit runs in
        args += ["--secrets.files", str(path.resolve())]
    mode = "login required" if settings.configured else "local mode, acting as the OS user" if not insecure else "NO LOGIN"
    click.echo(f"mvkg: analyst workspace of {obj.workspace.root} at http://{host}:{port} ({mode})", err=True)
    sys.stderr.flush()
    os.chdir(APP.parent)  # the checkout's .streamlit/config.toml (XSRF, upload size, no error details) applies
    os.execve(sys.executable, args, env)  # Streamlit replaces this process: Ctrl-C and signals reach it
