#!/usr/bin/env python3
"""vigie-cli batch end to end, on synthetic photographs and CT studies.

    batch_test.py VIGIE_CLI TEST_MODELS WORK_DIR

Checks, with the tiny test models (fixed weights, fast):
- photographs: a folder with a nested photograph and one that is not an image
  gives one result folder and one summary row per photograph; the broken one
  is failed with its reason (naming the file) and the others go on; the exit
  code says something failed; no half-written folder is left behind;
- resuming: a second run skips what is done (its files untouched) and tries
  the failure again; with the broken input gone, the run ends clean;
- shares: --shard 0/2 and 1/2 take disjoint shares that cover the input, the
  Slurm array variables give the same shares, and `batch merge` joins them
  into the same rows as one whole run; --jobs 2 gives the same results;
- CT: each study gets findings.json, heatmap SEG and a TID 1500 SR (read back
  by DCMTK's dsrdump when installed); Ctrl+C (SIGINT) stops cleanly with
  exit 130 and a summary that lists exactly the finished studies, and a kill
  -9 in the middle loses nothing that had finished: the next run completes
  the rest and the summary has every study once;
- bad command lines are refused with a usage message (exit 2).
"""
import csv
import os
import shutil
import signal
import subprocess
import sys
import time

from checks import FAILURES, check



def run(cli, *args, env=None, timeout=600):
    return subprocess.run([cli, *args], capture_output=True, text=True, timeout=timeout,
                          env=env)


def summary(out):
    with open(os.path.join(out, "summary.csv"), newline="") as f:
        return list(csv.DictReader(f))


def by_key(rows):
    return {r["key"]: r for r in rows}


def leftovers(out):
    work = os.path.join(out, ".work")
    return os.listdir(work) if os.path.isdir(work) else []


def photographs_test(cli, models, work):
    data = os.path.join(work, "photos")
    result = run(cli, "synth", "fundus", "--out", data, "--count", "3", "--seed", "21",
                 "--size", "256")
    check(result.returncode == 0, "synthetic photographs made: " + result.stderr.strip())
    os.makedirs(os.path.join(data, "left eye"), exist_ok=True)
    shutil.copy(os.path.join(data, "fundus_000.png"), os.path.join(data, "left eye", "a b.png"))
    broken = os.path.join(data, "broken.png")
    with open(broken, "w") as f:
        f.write("not an image\n")
    expected = sorted(
        os.path.relpath(os.path.join(d, n), data)
        for d, _, names in os.walk(data) for n in names
        if n.lower().endswith((".png", ".jpg", ".jpeg", ".tif", ".tiff", ".dcm"))
        and "_lesions." not in n)
    bundle = os.path.join(models, "fundus-bundle")
    out = os.path.join(work, "photos-out")

    first = run(cli, "batch", "--input", data, "--model", bundle, "--out", out)
    check(first.returncode == 1, "a run with a broken photograph exits 1 (got %d: %s)"
          % (first.returncode, first.stderr.strip()[-300:]))
    rows = by_key(summary(out))
    check(sorted(rows) == expected, "one summary row per photograph: %s" % sorted(rows))
    check(rows.get("broken.png", {}).get("status") == "failed"
          and "broken.png" in rows.get("broken.png", {}).get("reason", ""),
          "the broken photograph is failed with a reason naming it: %s"
          % rows.get("broken.png", {}).get("reason"))
    good = [k for k in expected if k != "broken.png"]
    check(all(rows[k]["status"] == "ok" and rows[k]["grade"] != "" for k in good if k in rows),
          "every other photograph is graded")
    check(all(os.path.isfile(os.path.join(out, rows[k]["folder"], "findings.json"))
              for k in good if k in rows), "each has its findings.json")
    dicom = [k for k in good if k.endswith(".dcm") and k in rows]
    check(dicom and all(os.path.isfile(os.path.join(out, rows[k]["folder"], "sr.dcm"))
                        for k in dicom) and
          not any(os.path.exists(os.path.join(out, rows[k]["folder"], "sr.dcm"))
                  for k in good if k in rows and not k.endswith(".dcm")),
          "a DICOM photograph's answer is also a DR screening SR (sr.dcm); a PNG's is not")
    if dicom:
        info = run(cli, "info", os.path.join(out, rows[dicom[0]]["folder"], "sr.dcm"))
        check("Comprehensive3DSRStorage" in info.stdout,
              "the batch's SR reads back as a structured report: " + info.stdout.strip()[-200:])
    check(len(set(r["folder"] for r in rows.values())) == len(rows)
          and all("/" not in r["folder"] and " " not in r["folder"] for r in rows.values()),
          "folders are distinct and plain (nested 'left eye/a b.png' included)")
    check(leftovers(out) == [], "nothing half-written left in .work")

    stamp = os.path.join(out, rows[good[0]]["folder"], "findings.json")
    before = os.stat(stamp).st_mtime_ns
    second = run(cli, "batch", "--input", data, "--model", bundle, "--out", out)
    check(second.returncode == 1 and "%d already done, 1 to do" % len(good) in second.stdout,
          "a rerun skips the finished photographs and retries the failure: "
          + second.stdout.strip().splitlines()[0] if second.stdout.strip() else "(no output)")
    check(os.stat(stamp).st_mtime_ns == before, "a finished photograph is not redone")
    os.remove(broken)
    third = run(cli, "batch", "--input", data, "--model", bundle, "--out", out)
    check(third.returncode == 0 and "nothing to do" in third.stdout,
          "with the broken file gone the run ends clean: " + third.stdout.strip()[-200:])
    whole = by_key(summary(out))
    check(sorted(whole) == good, "the summary lists the photographs of the input")

    # Shares: by option, by Slurm's environment, merged.
    keys = []
    for i in range(2):
        shard_out = os.path.join(work, "shard-%d" % i)
        r = run(cli, "batch", "--input", data, "--model", bundle, "--out", shard_out,
                "--shard", "%d/2" % i)
        check(r.returncode == 0, "shard %d/2 runs" % i)
        keys.append(set(by_key(summary(shard_out))))
    check(keys[0] and keys[1] and not keys[0] & keys[1] and keys[0] | keys[1] == set(good),
          "the two shares are disjoint and cover the input: %s | %s" % (keys[0], keys[1]))
    env = dict(os.environ, SLURM_ARRAY_TASK_ID="1", SLURM_ARRAY_TASK_COUNT="2")
    slurm_out = os.path.join(work, "slurm-1")
    r = run(cli, "batch", "--input", data, "--model", bundle, "--out", slurm_out, env=env)
    check(r.returncode == 0 and set(by_key(summary(slurm_out))) == keys[1],
          "SLURM_ARRAY_TASK_ID=1 of 2 takes the same share as --shard 1/2")
    merged_out = os.path.join(work, "merged")
    r = run(cli, "batch", "merge", os.path.join(work, "shard-0"), os.path.join(work, "shard-1"),
            "--out", merged_out)
    merged = by_key(summary(merged_out))
    check(r.returncode == 0 and sorted(merged) == good, "merge gives one row per photograph")
    check(all(merged[k]["grade"] == whole[k]["grade"]
              and merged[k]["referable_probability"] == whole[k]["referable_probability"]
              for k in good if k in merged), "merged rows say what the whole run said")
    check(all(os.path.isfile(os.path.join(merged_out, merged[k]["folder"], "findings.json"))
              for k in good if k in merged), "merged folders lead to the shards' results")

    jobs_out = os.path.join(work, "jobs-2")
    r = run(cli, "batch", "--input", data, "--model", bundle, "--out", jobs_out, "--jobs", "2")
    parallel = by_key(summary(jobs_out))
    check(r.returncode == 0 and all(parallel.get(k, {}).get("grade") == whole[k]["grade"]
                                    for k in good), "--jobs 2 grades as one job does")


def wait_for_line(process, text, timeout):
    """Reads the process's output until a line holds `text`; the lines read."""
    lines = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if text in line:
            break
    return lines


def ct_test(cli, models, work):
    data = os.path.join(work, "ct")
    result = run(cli, "synth", "ct", "--out", data, "--count", "6", "--seed", "7",
                 "--size", "96x96x64", "--nodules", "2")
    check(result.returncode == 0, "synthetic CT studies made: " + result.stderr.strip())
    bundle = os.path.join(models, "blob3d-bundle")
    out = os.path.join(work, "ct-out")
    args = [cli, "batch", "--input", data, "--model", bundle, "--out", out]

    # Ctrl+C after the first study: a clean stop.
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = wait_for_line(p, "[1/6]", 300)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=300)
    rows = summary(out)
    done = [d for d in os.listdir(out) if os.path.isfile(os.path.join(out, d, "status.json"))]
    check(p.returncode == 130 and "resume" in err,
          "SIGINT stops the run with exit 130 and says how to resume (%d: %s)"
          % (p.returncode, err.strip()[-200:]))
    check(1 <= len(rows) < 6 and len(rows) == len(done),
          "the summary lists exactly the %d finished studies (%d rows)" % (len(done), len(rows)))
    check(leftovers(out) == [], "no half-written study left after SIGINT")

    # kill -9 in the middle of the next run: what finished stays.
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = wait_for_line(p, "/6]", 300)
    p.kill()
    p.communicate(timeout=60)
    finished = [d for d in os.listdir(out) if os.path.isfile(os.path.join(out, d, "status.json"))]
    check(len(finished) >= len(done) + 1, "the killed run kept its finished study (%d, was %d)"
          % (len(finished), len(done)))

    last = run(*args)
    rows = by_key(summary(out))
    check(last.returncode == 0 and len(rows) == 6 and all(r["status"] == "ok" for r in rows.values()),
          "the next run completes every study, each once in the summary (%d: %s)"
          % (last.returncode, last.stderr.strip()[-300:]))
    check("%d already done" % len(finished) in last.stdout, "and skips the %d done" % len(finished))
    check(leftovers(out) == [], "nothing half-written left at the end")
    for key, row in rows.items():
        folder = os.path.join(out, row["folder"])
        names = set(os.listdir(folder))
        check({"findings.json", "heatmap.nii.gz", "heatmap-seg.dcm", "sr.dcm", "status.json"}
              <= names, "study %s has findings, heatmap, SEG and SR" % key[-12:])
        check(row["study_uid"] == key and row["series_uid"] != "", "its row names study and series")
        dsrdump = shutil.which("dsrdump")
        if dsrdump:
            dump = subprocess.run([dsrdump, os.path.join(folder, "sr.dcm")], capture_output=True,
                                  text=True)
            check(dump.returncode == 0 and "Imaging Measurement Report" in dump.stdout,
                  "its SR is a TID 1500 report DCMTK reads")
        break  # one study's files are enough; the rows cover the others


def usage_test(cli, models, work):
    bundle = os.path.join(models, "fundus-bundle")
    for args, what in [
        (["batch", "--model", bundle, "--out", work], "no --input"),
        (["batch", "--input", work, "--model", bundle, "--out", work, "--shard", "2/2"],
         "a shard that does not exist"),
        (["batch", "--input", work, "--model", bundle, "--out", work, "--jobs", "0"], "--jobs 0"),
        (["batch", "merge", "--out", work], "merge without folders"),
    ]:
        r = run(cli, *args)
        check(r.returncode == 2 and "usage: vigie-cli batch" in r.stderr, "refused: " + what)
    r = run(cli, "batch", "merge", os.path.join(work, "nowhere"), "--out", os.path.join(work, "m"))
    check(r.returncode == 1 and "nowhere/summary.csv" in r.stderr,
          "merge of a folder without a summary names the file")


def main():
    cli, models, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    photographs_test(cli, models, work)
    ct_test(cli, models, work)
    usage_test(cli, models, work)
    if FAILURES:
        print("%d checks failed" % len(FAILURES))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
