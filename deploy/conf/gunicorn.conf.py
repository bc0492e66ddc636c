"""gunicorn settings for one Saduak app server (`gunicorn -c deploy/conf/gunicorn.conf.py
config.wsgi:application`). Everything site-specific comes from the environment, as
for the app itself, so the same file serves the stack here and real machines."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# gthread: a few processes of a few threads each; requests wait mostly on PostgreSQL.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request that takes longer than this is killed with its worker (nginx has given
# up at 60 s anyway); on SIGTERM a worker finishes its requests for up to 30 s.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Each worker is replaced after about 2,000 requests, not all at the same moment:
# whatever memory a long-lived process gathers is given back.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
pidfile = os.environ.get("GUNICORN_PID_FILE") or None
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
# The request id nginx made (X-Request-ID) joins this line to nginx's and the app's.
access_log_format = (
    '%(h)s "%(r)s" %(s)s %(B)s rid=%({x-request-id}i)s '
    'xff="%({x-forwarded-for}i)s" time_us=%(D)s'
)
# nginx is the only client; the forwarded headers are read by Django
# (TRUSTED_PROXIES), not rewritten by gunicorn.
forwarded_allow_ips = "127.0.0.1"
proc_name = os.environ.get("GUNICORN_NAME", "saduak-web")
