"""What the Python integration tests share: one line per check, the failures
kept for the exit code, a free loopback port for the servers they start, and
running vigie-cli."""
import socket
import subprocess

FAILURES = []


def check(condition, what):
    print(("ok     " if condition else "FAILED ") + what, flush=True)
    if not condition:
        FAILURES.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cli, *args):
    """vigie-cli with these arguments, its output captured as text."""
    return subprocess.run([cli, *args], capture_output=True, text=True, timeout=600)


def run_ok(cli, *args):
    """run(), and the test stops with the output when the command fails."""
    result = run(cli, *args)
    if result.returncode != 0:
        print(result.stdout, result.stderr)
        raise SystemExit(f"vigie-cli {' '.join(args)} failed ({result.returncode})")
    return result
