#!/usr/bin/env python3
"""vigie-cli batch as a Slurm job array: a private one-node Slurm cluster
(Debian's munge, slurmctld and slurmd) is started here on localhost, with its
own munge key and socket, free TCP ports, and all its state, spool, pid and
log files under WORK_DIR/slurm; it is stopped at the end.

    slurm_batch_test.py VIGIE_CLI BUNDLE INPUT_DIR WORK_DIR

`sbatch --wait --array=0-1` runs `vigie-cli batch --input INPUT_DIR --model
BUNDLE --out WORK_DIR/out/shard-N` in each array task, with no --shard
argument: vigie-cli takes its share from SLURM_ARRAY_TASK_ID and
SLURM_ARRAY_TASK_COUNT. `vigie-cli batch merge` then joins the two shards
outside Slurm.

Checks: sbatch exits 0 and both task logs are written; each task saw task
count 2; each shard has a summary.csv (header row, `key` and `status`
columns); the shards' keys are disjoint, neither is empty, and each shard holds
fewer rows than there are inputs; the merged summary.csv has exactly the union
of the keys, one row per key, all `ok`, as many rows as there are photographs
(.png .jpg .jpeg .tif .tiff .dcm, lesion masks aside) in INPUT_DIR, which
must hold at least two.
Accounting is off: nothing here needs sacct or slurmdbd.
Exit 77 (skipped) when slurmctld, slurmd, munged or sbatch are not installed.
"""
import csv
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from checks import FAILURES, check, free_port

SLURMCTLD = "/usr/sbin/slurmctld"
SLURMD = "/usr/sbin/slurmd"
MUNGED = "/usr/sbin/munged"
SBATCH = "/usr/bin/sbatch"
PHOTO_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".dcm")
TASKS = 2


def tail(path, lines=40):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError as e:
        return f"({e})\n"


class Cluster:
    """munged, slurmctld and slurmd, each in its own process group."""

    def __init__(self, root):
        self.root = root
        self.daemons = []  # (name, Popen), in start order
        self.logs = []
        self.conf = os.path.join(root, "slurm.conf")
        # Nothing from a surrounding Slurm job (when run inside one) leaks in.
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("SLURM_", "SBATCH_", "SINFO_", "SQUEUE_"))}
        self.env["SLURM_CONF"] = self.conf
        self.node = socket.gethostname().split(".")[0]
        # Unix sockets live in the munge folder (munge.socket.lock) and in
        # slurmd's spool (NODE_JOBID.STEPID, up to 22 digits): their paths
        # must fit in sockaddr_un's 108 bytes. A deep WORK_DIR gets a short
        # folder in /tmp for both, removed at the end.
        self.short_dir = None
        self.sockets = root
        if len(os.path.join(root, "spool", self.node)) + 24 > 100:
            self.short_dir = tempfile.mkdtemp(prefix="vigie-slurm-")
            os.chmod(self.short_dir, 0o755)
            self.sockets = self.short_dir

    def spawn(self, name, argv, log):
        out = open(os.path.join(self.root, name + ".out"), "w")
        self.logs += [log, out.name]
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT, env=self.env,
                                   start_new_session=True)
        out.close()
        self.daemons.append((name, process))
        return process

    def slurm(self, *argv, timeout=30):
        return subprocess.run(list(argv), capture_output=True, text=True, env=self.env,
                              timeout=timeout)

    def start_munge(self):
        munge_dir = os.path.join(self.root, "munge")
        os.makedirs(munge_dir)
        os.chmod(munge_dir, 0o755)  # munged wants its socket's folder searchable by all
        key = os.path.join(munge_dir, "munge.key")
        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)
        os.write(fd, os.urandom(1024))
        os.close(fd)
        self.socket = os.path.join(self.sockets, "munge.socket")
        log = os.path.join(munge_dir, "munged.log")
        process = self.spawn("munged", [
            MUNGED, "--foreground", "--force", "--key-file", key, "--socket", self.socket,
            "--pid-file", os.path.join(munge_dir, "munged.pid"), "--log-file", log,
            "--seed-file", os.path.join(munge_dir, "munged.seed")], log)
        deadline = time.monotonic() + 30
        while not os.path.exists(self.socket):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("munged did not start")
            time.sleep(0.1)

    def hardware(self):
        """The node's line as slurmd sees this machine (`slurmd -C`): a node
        configured with more CPUs or memory than slurmd finds is drained."""
        env = {k: v for k, v in self.env.items() if k != "SLURM_CONF"}
        found = subprocess.run([SLURMD, "-C"], capture_output=True, text=True, env=env,
                               timeout=30).stdout.split()
        seen = dict(item.split("=", 1) for item in found if "=" in item)
        try:
            memory = int(seen["RealMemory"])
        except (KeyError, ValueError):
            with open("/proc/meminfo") as f:
                memory = next(int(line.split()[1]) for line in f
                              if line.startswith("MemTotal:")) // 1024
        line = [f"CPUs={seen.get('CPUs', os.cpu_count() or 1)}"]
        line += [f"{k}={seen[k]}" for k in ("SocketsPerBoard", "CoresPerSocket", "ThreadsPerCore")
                 if k in seen and "CPUs" in seen]
        return " ".join(line + [f"RealMemory={max(memory * 9 // 10, 1)}"])

    def write_conf(self):
        d = self.root
        settings = [
            "ClusterName=vigietest",
            f"SlurmctldHost={self.node}(127.0.0.1)",
            f"SlurmctldPort={free_port()}",
            f"SlurmdPort={free_port()}",
            "AuthType=auth/munge",
            f"AuthInfo=socket={self.socket}",
            "CryptoType=crypto/munge",
            "SlurmUser=root",
            "SlurmdUser=root",
            f"StateSaveLocation={d}/state",
            f"SlurmdSpoolDir={self.sockets}/spool",
            f"SlurmctldPidFile={d}/slurmctld.pid",
            f"SlurmdPidFile={d}/slurmd.pid",
            f"SlurmctldLogFile={d}/slurmctld.log",
            f"SlurmdLogFile={d}/slurmd.log",
            "SlurmctldDebug=info",
            "SlurmdDebug=info",
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core",
            "ReturnToService=2",
            "MpiDefault=none",
            "JobAcctGatherType=jobacct_gather/none",
            "AccountingStorageType=accounting_storage/none",
            "JobCompType=jobcomp/none",
            "MailProg=/bin/true",
            f"NodeName={self.node} NodeAddr=127.0.0.1 {self.hardware()} State=UNKNOWN",
            "PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
        ]
        os.makedirs(os.path.join(d, "state"))
        os.makedirs(os.path.join(self.sockets, "spool"))
        with open(self.conf, "w") as f:
            f.write("\n".join(settings) + "\n")

    def start(self):
        self.start_munge()
        self.write_conf()
        d = self.root
        self.spawn("slurmctld", [SLURMCTLD, "-D", "-i", "-f", self.conf],
                   os.path.join(d, "slurmctld.log"))
        self.spawn("slurmd", [SLURMD, "-D", "-f", self.conf, "-N", self.node],
                   os.path.join(d, "slurmd.log"))
        deadline = time.monotonic() + 60
        resumed = False
        state = ""
        while time.monotonic() < deadline:
            for name, process in self.daemons:
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {process.returncode}")
            try:
                info = self.slurm("sinfo", "-h", "-N", "-o", "%T", timeout=15)
                state = info.stdout.strip()
            except subprocess.TimeoutExpired:
                state = "(sinfo timed out)"
            if state == "idle":
                return
            if not resumed and state.rstrip("*~#!%$@^-") in ("down", "drained", "draining"):
                self.slurm("scontrol", "update", f"nodename={self.node}", "state=resume")
                resumed = True
            time.sleep(1)
        raise RuntimeError(f"the node is not idle after 60 s: {state!r}")

    def run_array(self, script, output, cwd, timeout=900):
        """sbatch --wait for the whole array: (its exit status or None, what it
        said). Gives up early when Slurm holds a task it could not launch,
        which --wait would otherwise wait on until the timeout."""
        argv = [SBATCH, "--wait", f"--array=0-{TASKS - 1}", "--output=" + output, script]
        with tempfile.TemporaryFile("w+") as said:
            job = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=said,
                                   stderr=subprocess.STDOUT, env=self.env, cwd=cwd, text=True)
            deadline = time.monotonic() + timeout
            code, why = None, ""
            while code is None:
                try:
                    code = job.wait(timeout=3)
                    break
                except subprocess.TimeoutExpired:
                    pass
                if time.monotonic() > deadline:
                    why = f"timed out after {timeout} s"
                    break
                try:
                    queue = self.slurm("squeue", "-h", "-o", "%i %T %r", timeout=15).stdout
                except subprocess.TimeoutExpired:
                    continue
                held = [line for line in queue.splitlines() if "held" in line.lower()]
                if held:
                    why = "Slurm holds tasks it could not launch: " + "; ".join(held)
                    break
            if code is None:
                job.kill()
                job.wait()
            said.seek(0)
            return code, (said.read().strip() + " " + why).strip()

    def print_logs(self):
        for path in self.logs:
            if os.path.exists(path):
                print(f"--- {path}\n{tail(path)}", end="", flush=True)

    def stop(self):
        if any(name == "slurmctld" and process.poll() is None for name, process in self.daemons):
            try:
                self.slurm("scancel", "--quiet", "--user=root", timeout=10)
            except (OSError, subprocess.SubprocessError):
                pass
        for name, process in reversed(self.daemons):  # slurmd, slurmctld, munged
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()
        sweep(self.conf)
        if self.short_dir:
            shutil.rmtree(self.short_dir, ignore_errors=True)


def sweep(conf):
    """Kills what outlived its daemon (slurmstepd, job tasks in their own
    sessions), or a run killed before it could clean up: every process this
    harness started has our slurm.conf in its environment."""
    mark = b"\0SLURM_CONF=" + conf.encode() + b"\0"
    for _ in range(3):
        found = []
        for pid in os.listdir("/proc"):
            if not pid.isdigit() or int(pid) == os.getpid():
                continue
            try:
                with open(f"/proc/{pid}/environ", "rb") as f:
                    if mark in b"\0" + f.read():
                        found.append(int(pid))
            except OSError:
                pass
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if not found:
            return
        time.sleep(0.5)


def read_summary(path):
    """(header, rows) of a summary.csv, or (None, []) when there is none."""
    if not os.path.isfile(path):
        return None, []
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames or [], list(reader)


def count_photographs(folder):
    # As vigie-cli lists them: a synthetic set's lesion masks (NAME_lesions.png) are not photographs.
    return sum(1 for _, _, names in os.walk(folder) for name in names
               if name.lower().endswith(PHOTO_SUFFIXES) and "_lesions." not in name)


def write_job(work, cli, bundle, inputs, out):
    script = os.path.join(work, "vigie-batch.sbatch")
    with open(script, "w") as f:
        f.write(f"""#!/bin/bash
#SBATCH --job-name=vigie-batch-test
#SBATCH --cpus-per-task=1
set -eu
echo "vigie task $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_TASK_COUNT on $(hostname)"
exec {shlex.quote(cli)} batch --input {shlex.quote(inputs)} --model {shlex.quote(bundle)} \\
    --out {shlex.quote(out)}/"shard-$SLURM_ARRAY_TASK_ID"
""")
    return script


def stopped(number, _):
    print(f"stopped by signal {number}: stopping Slurm", flush=True)
    sys.exit(128 + number)


def main():
    if len(sys.argv) != 5:
        print(__doc__)
        return 2
    cli, bundle, inputs, work = (os.path.abspath(a) for a in sys.argv[1:5])
    missing = [p for p in (SLURMCTLD, SLURMD, MUNGED, SBATCH) if not os.path.exists(p)]
    if missing:
        print("not installed: " + ", ".join(missing)
              + " (apt-get install slurmctld slurmd slurm-client munge): skipped")
        return 77
    root = os.path.join(work, "slurm")
    out = os.path.join(work, "out")
    # A run killed outright (SIGKILL on a test timeout) leaves its daemons.
    sweep(os.path.join(root, "slurm.conf"))
    # On SIGTERM or SIGHUP, stop the cluster on the way out.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stopped)
    for folder in (root, out):
        shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(root)
    os.makedirs(out)
    total = count_photographs(inputs)
    if total < TASKS:
        check(False, f"INPUT_DIR holds at least {TASKS} photographs to share: {total}")
        return 1
    print(f"{total} photographs in {inputs}", flush=True)

    cluster = Cluster(root)
    started = time.monotonic()
    try:
        try:
            cluster.start()
        except (RuntimeError, OSError, subprocess.SubprocessError) as e:
            check(False, f"a one-node Slurm starts: {e}")
            cluster.print_logs()
            return 1
        check(True, f"a one-node Slurm ({cluster.node}) is up and idle after "
              f"{time.monotonic() - started:.1f} s")
        script = write_job(work, cli, bundle, inputs, out)
        logs = [os.path.join(root, f"task-{i}.log") for i in range(TASKS)]
        submitted = time.monotonic()
        code, said = cluster.run_array(script, os.path.join(root, "task-%a.log"), work)
        check(code == 0, f"sbatch --wait --array=0-{TASKS - 1} exits 0 after "
              f"{time.monotonic() - submitted:.1f} s: {said}")
        if code != 0:
            cluster.print_logs()
    finally:
        cluster.stop()

    for i, log in enumerate(logs):
        check(os.path.isfile(log), f"task {i} wrote its log")
        text = tail(log, 1000)
        check(f"vigie task {i} of {TASKS}" in text,
              f"task {i} ran with SLURM_ARRAY_TASK_ID={i} SLURM_ARRAY_TASK_COUNT={TASKS}")
        if code != 0:
            print(f"--- {log}\n{tail(log)}", end="")

    keys = []
    for i in range(TASKS):
        header, rows = read_summary(os.path.join(out, f"shard-{i}", "summary.csv"))
        check(header is not None and "key" in header and "status" in header,
              f"shard-{i}/summary.csv has a header with key and status: {header}")
        shard_keys = {row.get("key") for row in rows}
        check(0 < len(rows) < total and len(shard_keys) == len(rows),
              f"shard {i} took its share: {len(rows)} of {total} items, one row each")
        keys.append(shard_keys)
    shared = sorted(k or "" for k in keys[0] & keys[1])
    check(not shared, "the shards' keys are disjoint"
          + (": both have " + ", ".join(shared[:5]) if shared else ""))

    merged_dir = os.path.join(out, "merged")
    merge = subprocess.run([cli, "batch", "merge", os.path.join(out, "shard-0"),
                            os.path.join(out, "shard-1"), "--out", merged_dir],
                           capture_output=True, text=True, timeout=300)
    check(merge.returncode == 0, "vigie-cli batch merge exits 0: "
          + (merge.stdout + merge.stderr).strip()[-500:])
    header, rows = read_summary(os.path.join(merged_dir, "summary.csv"))
    check(header is not None and "key" in header and "status" in header,
          f"merged/summary.csv has a header with key and status: {header}")
    merged_keys = [row.get("key") for row in rows]
    check(len(merged_keys) == len(set(merged_keys)), "one merged row per key")
    check(set(merged_keys) == keys[0] | keys[1], "the merged keys are the union of the shards'")
    bad = [f"{row.get('key')}={row.get('status')}" for row in rows if row.get("status") != "ok"]
    check(rows and not bad, "every merged row has status ok"
          + (": " + ", ".join(bad[:5]) if bad else ""))
    check(len(rows) == total, f"{len(rows)} merged rows for {total} photographs")
    print(f"{len(FAILURES)} failures")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
