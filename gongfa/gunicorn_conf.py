"""gunicorn settings for a 2-core station or county server (override with GUNICORN_CMD_ARGS)."""

import multiprocessing

workers = min(4, multiprocessing.cpu_count() * 2 + 1)
threads = 2
worker_class = "gthread"
timeout = 60  # a large ledger PDF can take several seconds
graceful_timeout = 20
accesslog = "-"
# No query strings in the access log: a search by phone number must not end up there.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
forwarded_allow_ips = "127.0.0.1"


def post_worker_init(worker):
    """Warm each worker up for PDFs (WeasyPrint import, font coverage): ~1 s here, not in a user's request."""
    app = worker.wsgi
    try:
        from gongfa.web.pdf import warm_up

        with app.app_context():
            warm_up()
    except Exception:  # noqa: BLE001 (a failed warm-up only means the first PDF is slower)
        worker.log.exception("PDF warm-up failed")
