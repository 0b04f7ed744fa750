"""A PostgreSQL primary and a streaming replica of the bench's own, on loopback ports.

    with replica_cluster.Pair() as pair:
        pair.primary_url("mttq_spike"), pair.replica_url("mttq_spike"), pair.lag_ms() ...

The primary is made by initdb, the replica by pg_basebackup from it (-R: it streams the
primary's WAL from then on, as a production standby does). Both run as the `postgres` OS user
(PostgreSQL refuses to run as root) from a temporary directory, listen on 127.0.0.1 only, on
ports of their own, and are stopped and removed when the block ends, also after an error or
Ctrl+C. The shared server on 5432 is never touched.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg2

DEFAULT_PORTS = (55432, 55433)

# Sized for a 2-core bench machine holding the national dataset (a few GB).
PRIMARY_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "shared_buffers": "'512MB'",
    "max_connections": "200",
    "max_wal_size": "'4GB'",
    "checkpoint_timeout": "'15min'",
    "wal_level": "replica",
    "max_wal_senders": "5",
    "wal_keep_size": "'1GB'",
    "hot_standby": "on",
    # The replica tells the primary what it has replayed: lag is read on the primary.
    "hot_standby_feedback": "on",
    "wal_receiver_status_interval": "'1s'",
    "logging_collector": "off",
}


def _bin(name) -> str:
    for directory in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (directory / name).exists():
            return str(directory / name)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} not found (apt-get install postgresql)")
    return found


def _as_postgres(args, **kwargs):
    """Run a PostgreSQL program as the postgres OS user when we are root."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


def _port_free(port) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


class Cluster:
    def __init__(self, directory: Path, port: int):
        self.directory, self.port = directory, port
        self.log = directory.parent / f"{directory.name}.log"

    def url(self, database="postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self):
        _as_postgres(
            [_bin("pg_ctl"), "-D", str(self.directory), "-l", str(self.log), "-w", "-t", "120"]
            + ["-o", f"-p {self.port} -k {self.directory}", "start"]
        )

    def stop(self, mode="fast"):
        if (self.directory / "postmaster.pid").exists():
            _as_postgres(
                [_bin("pg_ctl"), "-D", str(self.directory), "-m", mode, "-w", "-t", "60", "stop"]
            )

    def running(self) -> bool:
        return (self.directory / "postmaster.pid").exists()

    def query(self, sql, database="postgres"):
        connection = psycopg2.connect(self.url(database), connect_timeout=5)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall() if cursor.description else None
        finally:
            connection.close()


class Pair:
    """The primary and its replica; a context manager that removes both at the end."""

    def __init__(self, ports=DEFAULT_PORTS):
        for port in ports:
            if not _port_free(port):
                raise RuntimeError(f"port {port} is taken: another bench cluster still runs?")
        self.root = Path(tempfile.mkdtemp(prefix="mttq-replica-"))
        self.primary = Cluster(self.root / "primary", ports[0])
        self.replica = Cluster(self.root / "replica", ports[1])

    def __enter__(self):
        try:
            self._make_primary()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def _make_primary(self):
        os.chmod(self.root, 0o755)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        _as_postgres(
            [_bin("initdb"), "-D", str(self.primary.directory), "-U", "postgres"]
            + ["--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"]
        )
        conf = self.primary.directory / "postgresql.conf"
        lines = [f"{key} = {value}" for key, value in PRIMARY_SETTINGS.items()]
        conf.write_text(conf.read_text() + "\n# bench/replica_cluster.py\n" + "\n".join(lines))
        hba = self.primary.directory / "pg_hba.conf"
        hba.write_text(
            "local all all trust\nhost all all 127.0.0.1/32 trust\n"
            "host replication all 127.0.0.1/32 trust\n"
        )
        self.primary.start()

    def start_replica(self):
        """A standby of the primary as it is now (call after loading the data: copying the
        files is much faster than streaming the load)."""
        _as_postgres(
            [_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary.port)]
            + ["-U", "postgres", "-D", str(self.replica.directory), "-R", "-X", "stream"]
            + ["--checkpoint=fast"]
        )
        self.replica.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            rows = self.primary.query("SELECT state FROM pg_stat_replication")
            if rows and rows[0][0] == "streaming":
                return
            time.sleep(0.5)
        raise RuntimeError("the replica did not start streaming within 60 s")

    def primary_url(self, database):
        return self.primary.url(database)

    def replica_url(self, database):
        return self.replica.url(database)

    def lag_ms(self) -> float | None:
        """How far the replica's replay is behind the primary's last commit, as PostgreSQL
        measures it (pg_stat_replication.replay_lag); None when no standby is connected."""
        rows = self.primary.query(
            "SELECT EXTRACT(EPOCH FROM COALESCE(replay_lag, interval '0')) * 1000 "
            "FROM pg_stat_replication"
        )
        return float(rows[0][0]) if rows else None

    def size(self, database) -> str:
        return self.primary.query(
            f"SELECT pg_size_pretty(pg_database_size('{database}'))"  # noqa: S608 (our name)
        )[0][0]

    def close(self):
        for cluster in (self.replica, self.primary):
            with contextlib.suppress(subprocess.CalledProcessError):
                cluster.stop("immediate" if cluster is self.replica else "fast")
        shutil.rmtree(self.root, ignore_errors=True)
