"""gunicorn settings for the portal: `gunicorn -c deploy/gunicorn.conf.py mttq_portal.wsgi`.

Every value can be changed from the environment (deploy/env.example lists them). The app is
stateless (sessions and cache in Redis or PostgreSQL, uploads on MEDIA_STORAGE_BACKEND), so
any number of these servers can run behind one load balancer.
"""

import gc
import multiprocessing
import os


def _int(name, default):
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# 2 × cores + 1 processes keep the CPUs busy while some wait on the database or Redis. Two
# threads each (gthread): a worker busy on an entry page still answers a cached public page,
# and connections are kept alive. `make loadtest` on 2 cores: 366 req/s, p50 35 ms with two
# threads against 326 req/s, p50 240 ms with sync workers (same code, 4 workers).
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 2)
# gthread, but a worker far busier than the least busy one closes kept-alive connections so
# that their next requests go to an idle worker (core/gunicorn_worker.py).
worker_class = "core.gunicorn_worker.BalancedThreadWorker" if threads > 1 else "sync"

# Load Django once in the master and fork: faster start, less memory per worker. Code
# changes therefore need `systemctl restart`, not a reload.
preload_app = True

# Slow requests (a long PDF) are killed after `timeout` seconds; documents that take longer
# are rendered by the task worker instead.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so that slow leaks (e.g. WeasyPrint caches) never pile up.
# Not too often: a fresh worker touches its copy-on-write memory again and reconnects, and
# under load every replacement showed in the p99 (5.000 meant one per worker per minute in
# `make loadtest`; at a province's peak 50.000 is about one every two hours).
max_requests = _int("GUNICORN_MAX_REQUESTS", 50000)
max_requests_jitter = max_requests // 10

# Access log on stdout (journald) with the time each request took in ms (%(M)s); set
# GUNICORN_ACCESS_LOG to a file, or to "" to switch it off (the load test does).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Only the local nginx may set X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# The management socket is off unless a path is given (the service user has no home).
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or None
control_socket_disable = control_socket is None


def when_ready(server):
    # In the master, before the workers are forked: they inherit compiled templates.
    from mttq_portal.warmup import compile_templates

    server.log.info("Compiled %d templates before forking the workers", compile_templates())
    # Objects loaded so far (Django, the templates) live as long as the process: frozen, the
    # collector no longer scans them, nor touches their copy-on-write pages in the workers.
    # Pages allocate many short-lived objects: collecting every 50.000 allocations instead of
    # 700 costs a little memory and saved ~8 % of the entry page's time (ab, one worker).
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def post_fork(server, worker):
    # Never share a database connection opened in the master with the forked workers.
    from django.db import connections

    connections.close_all()
