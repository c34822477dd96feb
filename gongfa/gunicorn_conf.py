"""gunicorn settings for a 2-core station or county server (override with GUNICORN_CMD_ARGS)."""

import multiprocessing
import re
from pathlib import Path

INSTANCE = Path(__file__).resolve().parent.parent / "instance"

workers = min(4, multiprocessing.cpu_count() * 2 + 1)
threads = 2
worker_class = "gthread"
timeout = 60  # a large ledger PDF can take several seconds
graceful_timeout = 20
accesslog = "-"
# No query strings in the access log: a search by phone number must not end up there. The worker's pid first.
access_log_format = '%(p)s %(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
# gunicorn trusts no peer's X-Forwarded-Proto: the app's PROXY_COUNT setting (werkzeug's ProxyFix) is the one
# place that decides which proxy headers count, for the scheme and the client's address alike.
forwarded_allow_ips = ""


def control_socket_path(binds: list[str], instance: Path = INSTANCE, *, second_master: bool = False) -> str | None:
    """This instance's own control socket (for ``gunicornc -s``): instance/gunicorn-<bind>.ctl.

    gunicorn's default, ~/.gunicorn/gunicorn.ctl, is one path for every instance of one user: a second
    server (the demo and a test server, two stations on one host) unlinks the first one's socket and takes
    it over, every worker restart takes it back, and whichever stops first deletes it for the other. Keyed
    by the bind address, which no two running instances share. None when the path would not fit in a unix
    socket address (108 bytes).
    """
    key = re.sub(r"[^A-Za-z0-9.]+", "-", "_".join(binds)).strip("-") or "default"
    path = str(instance / f"gunicorn-{key}{'.2' if second_master else ''}.ctl")
    return path if len(path.encode()) < 108 else None


def on_starting(server):
    """Give this instance its own control socket unless one was asked for (``--control-socket``)."""
    cfg = server.cfg
    if cfg.control_socket_disable or cfg.control_socket != cfg.settings["control_socket"].default:
        return
    path = control_socket_path(cfg.bind, second_master=bool(server.master_pid))
    if path is None:
        server.log.warning("instance path too long for a control socket; gunicornc is off for this server")
        cfg.set("control_socket_disable", True)
        return
    INSTANCE.mkdir(exist_ok=True)
    cfg.set("control_socket", path)


def serving_problems(app, worker_count: int) -> list[str]:
    """What makes this app unfit to serve with ``worker_count`` workers; empty when all is well.

    A rate limit kept in each worker's memory lets a client through once per worker (four times the
    configured number with four workers), so several workers need a shared store (Redis), and that store
    must answer now rather than at the first login.
    """
    problems = []
    config = app.config
    if config.get("RATELIMIT_ENABLED", True):
        uri = config.get("RATELIMIT_STORAGE_URI") or "memory://"
        if uri.startswith("memory://") and worker_count > 1:
            problems.append(f"RATELIMIT_STORAGE_URI is {uri} with {worker_count} workers: each worker would count "
                            "on its own; use redis://… (README, Configuration) or --workers 1")
        else:
            from gongfa.extensions import limiter

            with app.app_context():
                if not limiter.storage.check():
                    problems.append(f"the rate-limit store {uri} does not answer")
    return problems


def post_worker_init(worker):
    """Refuse to serve with a rate-limit store that cannot hold; warm up for PDFs (~1 s here, not in a request)."""
    app = worker.wsgi
    problems = serving_problems(app, worker.cfg.workers)
    if problems:
        # Raised before the worker has booted, so the arbiter stops the whole server ("Worker failed to boot").
        raise RuntimeError("gongfa will not serve: " + "; ".join(problems))
    try:
        from gongfa.web.pdf import warm_up

        with app.app_context():
            warm_up()
    except Exception:  # noqa: BLE001 (a failed warm-up only means the first PDF is slower)
        worker.log.exception("PDF warm-up failed")
