"""A read replica for tests: a second alias on the same test database, as settings make one
from DATABASE_REPLICA_URL (a TEST MIRROR of default). tests/conftest.py loads this module as
a plugin, so the `replica` fixture is there for every test."""

import copy

import pytest
from django.db import connections
from django.db.utils import load_backend

from core import db_router

REPLICA = db_router.REPLICA


def mirror_of_default(**changes):
    """A "replica" connection wrapper like the test runner's mirror; `changes` alter its
    settings (to point it somewhere that does not answer)."""
    primary = connections["default"].settings_dict
    mirror = copy.deepcopy(primary)
    mirror["TEST"] = {**primary["TEST"], "MIRROR": "default"}
    connection = load_backend(mirror["ENGINE"]).DatabaseWrapper(mirror, REPLICA)
    connection.creation.set_as_test_mirror(primary)
    connection.settings_dict.update(changes)
    return connection


def install(connection, settings):
    """What DATABASE_REPLICA_URL switches on: the alias, the router, the middleware."""
    connections[REPLICA] = connection
    settings.DATABASE_REPLICA_URL = "postgres://reader@replica.invalid/mttq"
    settings.DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
    settings.REPLICA_RETRY_SECONDS = 5
    db_router._down_until = 0.0


def uninstall(connection):
    connection.close()
    del connections[REPLICA]
    db_router._down_until = 0.0


@pytest.fixture
def replica(settings):
    """A replica that answers (the alias is made for these tests only: declared in
    DATABASES it would be set up for the whole session)."""
    connection = mirror_of_default()
    install(connection, settings)
    yield connection
    uninstall(connection)
