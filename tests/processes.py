"""The processes of a session, from /proc (Linux): what a test started and must not leave."""

from pathlib import Path


def session_processes(session_id: int) -> list[str]:
    """Each live process of the session, as "pid command"."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue
        # "pid (command) state ppid group session …": the command may hold spaces.
        state, _ppid, _group, session = stat.rsplit(")", 1)[1].split()[:4]
        if int(session) == session_id and state != "Z":
            found.append(f"{entry.name} {command}")
    return found
