"""CPU accounting for Benchmarks/run-comparison.sh that counts a server's worker processes (uvicorn --workers 2)
with the server, so that what the rest of the machine did during a measurement can be told apart.

    python3 procstat.py snapshot PID   prints "machine_total machine_busy tree_ticks postgres_pid:ticks ...", the line
                                       run-inbound.sh's measure() reads from its cpu_snapshot(), with the ticks of
                                       PID and all its descendants in place of PID's alone
Imported by send_compare.py for the same window over its own process tree."""

import os
import sys


def machine() -> tuple[int, int]:
    """(total, busy) clock ticks of the whole machine so far."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return sum(v), sum(v) - v[3] - v[4]


def _stat(pid: str) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def ticks(pid, reaped: bool = False) -> int:
    """User + system clock ticks of one process; with `reaped`, plus those of its children that have exited and been
    waited for."""
    fields = _stat(str(pid))
    if not fields:
        return 0
    return sum(int(x) for x in fields[11:15 if reaped else 13])


def tree_ticks(root: int) -> int:
    """Ticks of `root`, of its live descendants and of every descendant that exited and was waited for."""
    return sum(ticks(p, reaped=True) for p in tree(root))


def tree(root: int) -> list[int]:
    """`root` and every process descended from it."""
    children: dict[int, list[int]] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        fields = _stat(pid)
        if fields:
            children.setdefault(int(fields[1]), []).append(int(pid))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def postgres() -> dict[str, int]:
    """Ticks of every process named postgres (the database under test), as run-inbound.sh counts them."""
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/comm") as f:
                if f.read().strip() == "postgres":
                    found[pid] = ticks(pid)
        except OSError:
            pass
    return found


class Window:
    """Machine CPU over a measurement: `other_pct` is the share of the machine used by anything but `root`'s process
    tree and PostgreSQL."""

    def __init__(self, root: int):
        self.root = root
        self.total, self.busy = machine()
        self.ours = tree_ticks(root)
        self.pg = postgres()

    def close(self) -> dict:
        total, busy = machine()
        ours = tree_ticks(self.root) - self.ours
        pg = sum(t - self.pg.get(p, 0) for p, t in postgres().items())
        hz = os.sysconf("SC_CLK_TCK")
        other = busy - self.busy - ours - pg
        return {"other_pct": max(0.0, 100 * other / max(1, total - self.total)), "ours_cpu_s": ours / hz,
                "postgres_cpu_s": pg / hz, "machine_busy_pct": 100 * (busy - self.busy) / max(1, total - self.total)}


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "snapshot":
        total, busy = machine()
        print(total, busy, tree_ticks(int(sys.argv[2])), *(f"{p}:{t}" for p, t in postgres().items()))
    else:
        sys.exit(__doc__)
