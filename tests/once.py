"""Posting a create form as browsers do when clicked twice: the same data and the same one-time
token (wards/submissions.py), one request after the other or at the same moment."""

import re
import threading

from django.db import connections
from django.test import Client

TOKEN = re.compile(r'name="submission"\s+value="([0-9a-f-]{36})"')


def form_token(page) -> str:
    """The one-time token of the only create form on a page."""
    tokens = TOKEN.findall(page.content.decode())
    assert len(tokens) == 1, f"expected one create form token, found {tokens}"
    return tokens[0]


def post_twice(client, url, data, *, form_url=None, **extra):
    """GET the form, then POST it twice with the token the page gave (a double click)."""
    data = {**data, "submission": form_token(client.get(form_url or url, **extra))}
    return client.post(url, data, **extra), client.post(url, data, **extra)


def post_at_once(user, url, data, *, count=2, form_url=None):
    """The same form (one token) posted by `count` threads at once, each with its own client
    and database connection. Needs a transactional test database (PostgreSQL: real locks)."""
    clients = [logged_in(user) for _ in range(count)]
    data = {**data, "submission": form_token(clients[0].get(form_url or url))}
    return at_once(*(lambda client=client: client.post(url, data) for client in clients))


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def at_once(*calls):
    """Run each call in its own thread, all released together; their results, in order."""
    barrier = threading.Barrier(len(calls), timeout=30)
    results, errors = [None] * len(calls), []

    def run(index):
        try:
            barrier.wait()
            results[index] = calls[index]()
        except Exception as error:  # reported below with the others
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results
