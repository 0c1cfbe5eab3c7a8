"""What the Python integration tests share: one line per check, the failures
kept for the exit code, and a free loopback port for the servers they start."""
import socket

FAILURES = []


def check(condition, what):
    print(("ok     " if condition else "FAILED ") + what, flush=True)
    if not condition:
        FAILURES.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
