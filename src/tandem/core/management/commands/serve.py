import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from gunicorn.glogging import Logger

from tandem.config.env import env_bool, env_int, env_str
from tandem.core.logs import ScrubSecrets, scrub
from tandem.core.management.base import TandemCommand


class ScrubbedLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger with every token-carrying address masked (``tandem.core.logs``): in the
    access log's request line, path, query and Referer (every atom a log format can name), and in
    the error log (which quotes the address of a request that failed)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, ScrubSecrets) for f in log.filters):
                log.addFilter(ScrubSecrets())

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {key: scrub(value) if isinstance(value, str) else value for key, value in atoms.items()}


def gunicorn_config(options: dict[str, Any]) -> dict[str, Any]:
    """gunicorn's settings for ``tandem serve`` with these command-line options."""
    host = options["host"]
    return {
        "bind": f"[{host}]:{options['port']}" if ":" in host else f"{host}:{options['port']}",
        "workers": options["workers"],
        "threads": options["threads"],
        "worker_class": "gthread",
        "accesslog": "-" if env_bool("TANDEM_ACCESS_LOG", True) else None,
        # Survey links, invitations and password resets carry their secret in the path.
        "logger_class": ScrubbedLogger,
        "timeout": 60,
        "graceful_timeout": 20,
        # Several Tandem servers may run on one machine; the runtime control socket is not used.
        "control_socket_disable": True,
        # gunicorn's maximum (its default is 4094): a long filter address still reaches Tandem,
        # which answers a query string past 4096 characters with its own 414 page. Past this
        # gunicorn answers a bare "414 URI Too Long" before Tandem sees the request.
        "limit_request_line": 8190,
        "forwarded_allow_ips": env_str("TANDEM_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
    }


class Command(TandemCommand):
    # The server answers every request in its reader's language; only its own lines speak the terminal's.
    long_running = True

    help = gettext_lazy("Serve Tandem with gunicorn (production-grade), optionally with a background worker.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=env_str("TANDEM_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=env_int("TANDEM_PORT", 8000, minimum=1))
        parser.add_argument("--workers", type=int, default=env_int("TANDEM_WORKERS", 2, minimum=1))
        parser.add_argument("--threads", type=int, default=env_int("TANDEM_THREADS", 4, minimum=1))
        parser.add_argument(
            "--with-worker",
            action=__import__("argparse").BooleanOptionalAction,
            default=env_bool("TANDEM_EMBEDDED_WORKER", settings.DEMO),
            help=_("Also run `tandem worker` in a child process (default: on in the demo)."),
        )

    def _prepare(self) -> None:
        """Collect static files when they are missing, and say where e-mail goes."""
        manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
        if not settings.DEBUG and not manifest.exists():
            call_command("collectstatic", interactive=False, verbosity=0)
        backend = str(settings.MAILERS["default"].get("BACKEND", ""))
        if not settings.DEMO and not backend.endswith("smtp.EmailBackend"):
            with self.speaking():
                self.stderr.write(
                    _(
                        "Note: e-mail (invitations, survey links, password resets) is written to this "
                        "log, not sent, so whoever reads the log can use those links. Set "
                        "TANDEM_EMAIL_BACKEND=smtp and TANDEM_EMAIL_HOST (see docs/configuration.md) "
                        "to send it."
                    )
                )

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.base import BaseApplication

        from tandem.config.wsgi import application

        config = gunicorn_config(options)
        bind = config["bind"]

        class Server(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                for key, value in config.items():
                    if value is not None:
                        self.cfg.set(key, value)

            def load(self) -> Any:
                return application

        self._prepare()
        worker = None
        if options["with_worker"]:
            worker = subprocess.Popen([sys.executable, "-m", "tandem.cli", "worker"], env=os.environ.copy())
        with self.speaking():
            self.stdout.write(
                _("Tandem is serving at %(address)s (Ctrl+C to stop)") % {"address": f"http://{bind}/"}
            )
        try:
            Server().run()
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
