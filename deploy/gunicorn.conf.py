"""gunicorn's settings for Permanence (docs/deployment.md). Installed as
/etc/permanence/gunicorn.conf.py and started by deploy/systemd/permanence.service:

    gunicorn -c /etc/permanence/gunicorn.conf.py 'core:create_app()'

What differs between two servers comes from the environment (the service's
/etc/permanence/permanence.env), so this file is the same everywhere:

    PERMANENCE_BIND                 where gunicorn listens (default 127.0.0.1:8000, nginx on the same host)
    PERMANENCE_WORKERS              how many worker processes (default: 2 x CPUs + 1, at most 8)
    PERMANENCE_FORWARDED_ALLOW_IPS  the nginx hosts whose X-Forwarded-Proto is believed (default 127.0.0.1)
    PERMANENCE_ACCESS_LOG           "-" (default): one line per request on stdout, i.e. the journal;
                                    "" : none (nginx keeps its own access log)

The people's data is sensitive: no access log line here ever holds a query string, a referrer
or a calendar's secret address (see PathOnlyLogger below)."""
import os
import re

from gunicorn.glogging import Logger

bind = os.environ.get("PERMANENCE_BIND", "127.0.0.1:8000")

# Synchronous workers, one request at a time each. A page takes milliseconds, a letter's PDF
# a second or two of CPU (WeasyPrint), a lawyer's ZIP export longer; 2 x CPUs + 1 keeps the CPUs
# busy while some workers wait for PostgreSQL or the storage. Each worker holds its own copy of
# the application and WeasyPrint (about 150 MB once it has rendered PDFs), so beyond 8 the memory
# goes before the CPUs help: on a bigger machine set PERMANENCE_WORKERS after watching `free -m`.
# Every worker also holds at most one PostgreSQL connection at a time (well under its default 100).
workers = int(os.environ.get("PERMANENCE_WORKERS") or min(2 * len(os.sched_getaffinity(0)) + 1, 8))
worker_class = "sync"

# A request may take this long before gunicorn kills its worker: the lawyer's ZIP export (every
# attachment of a case, up to 10 MB each, and a PDF inventory) and the statistics' PDF report are
# the slow ones. nginx waits a little longer (proxy_read_timeout 125s in deploy/nginx/permanence.conf)
# so that gunicorn, which logs the killed request, is the one that gives up.
timeout = 120
# A restart (upgrade, `systemctl restart permanence`) lets a running export finish; the unit's
# TimeoutStopSec (150 s) is longer than this.
graceful_timeout = 120

# Each worker is replaced after about 1000 requests (the jitter keeps them from all restarting at
# once), so memory a PDF rendering leaves behind is given back.
max_requests = 1000
max_requests_jitter = 100

# Only this nginx may say the visitor came over HTTPS (X-Forwarded-Proto). A second application
# server lists the address of the host running nginx (docs/deployment.md).
forwarded_allow_ips = os.environ.get("PERMANENCE_FORWARDED_ALLOW_IPS", "127.0.0.1")

# The errors, start-up and worker messages: stderr, which systemd sends to the journal
# (journalctl -u permanence).
errorlog = "-"
loglevel = "info"
accesslog = os.environ.get("PERMANENCE_ACCESS_LOG", "-") or None
# No time (the journal stamps each line), no query string, no referrer, no user agent:
# address "METHOD /path PROTOCOL" status bytes duration.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

#: A calendar's address is its only password (core/cases/calendar.py): logged without it.
_SECRET_PATHS = [(re.compile(r"^/calendrier/[^/]+\.ics$"), "/calendrier/[token].ics")]


def _logged_path(path):
    for pattern, replacement in _SECRET_PATHS:
        if pattern.match(path or ""):
            return replacement
    return path


class PathOnlyLogger(Logger):
    """Every atom that could carry a search term, a name or a secret is withheld, so that even an
    access_log_format changed by hand (%(r)s, %(q)s, %(f)s) cannot put one in the log."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = _logged_path(environ.get("PATH_INFO"))
        atoms["U"] = path
        atoms["r"] = f"{environ.get('REQUEST_METHOD')} {path} {environ.get('SERVER_PROTOCOL')}"
        atoms["q"] = "-"
        atoms["f"] = "-"
        for name in [name for name in atoms if name.startswith("{") and name[-2:] in ("}i", "}e")]:
            del atoms[name]  # request headers (Referer, Cookie) and the WSGI environment (QUERY_STRING)
        return atoms


logger_class = PathOnlyLogger

#: More than nginx lets through (client_max_body_size in deploy/nginx/permanence.conf).
_MAX_DRAINED = 128 * 1024 * 1024


def post_request(worker, req, environ, resp):
    """Read the rest of a request's body the application answered without reading: a redirection
    to the login page (a session that expired during an upload), a refused CSRF token, a request
    over MAX_CONTENT_LENGTH. gunicorn then closes the connection; with megabytes still unread the
    kernel resets it while nginx is still sending them, and nginx shows "502 Bad Gateway" instead
    of the application's answer (about one upload in ten, measured behind the shipped site)."""
    body = getattr(req, "body", None)
    drained = 0
    try:
        while body is not None and drained < _MAX_DRAINED and (chunk := body.read(1024 * 1024)):
            drained += len(chunk)
    except Exception:  # the client went away: nothing left to protect
        pass


# systemctl reload|restart permanence is the way to manage the server: no control socket (gunicorn
# 25.1 and later would otherwise open one in the service user's home folder; older ones ignore this).
control_socket_disable = True
