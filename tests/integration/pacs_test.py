#!/usr/bin/env python3
"""vigie-cli pacs against a real PACS: Debian's Orthanc, started here on free
loopback ports with a temporary configuration and storage, stopped at the end.

    pacs_test.py VIGIE_CLI WORK_DIR [--gui VIGIE_GUI_TESTS] [--models TEST_MODELS]

Checks: C-STORE of a synthetic CT series, C-ECHO, C-FIND at study and series
level (text and JSON), C-GET of the study and of the series into a cache that
Vigie then reads as the same volume, an AE title the PACS does not know
refused with a message naming the node, a series-level query without its
study refused before any network use, and a stopped PACS reported within the
timeout instead of a hang. With --gui, the GUI's Query/Retrieve dialog is
driven against the same PACS (the Qt Test `retrievesAStudyFromAPacs`, under
Xvfb). With --models, batch screening from the PACS: `vigie-cli batch --pacs`
finds the study by query, retrieves it, analyses it with the test CT model and
sends its SR and SEG back (--send-to), where a C-FIND then finds them; a rerun
has nothing to do, and a query matching nothing is not an error. Exit 77
(skipped) when Orthanc is not installed.
"""
import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

from checks import FAILURES, check, free_port

ORTHANC = "/usr/sbin/Orthanc"


def run(cli, *args, timeout=120):
    started = time.monotonic()
    result = subprocess.run([cli, *args], capture_output=True, text=True, timeout=timeout)
    result.seconds = time.monotonic() - started
    return result


def start_orthanc(work, ours):
    http, dicom = free_port(), free_port()
    storage = os.path.join(work, "orthanc-storage")
    os.makedirs(storage, exist_ok=True)
    config = {
        "Name": "VigieTest",
        "StorageDirectory": storage,
        "IndexDirectory": storage,
        "HttpPort": http,
        "DicomPort": dicom,
        "DicomAet": "ORTHANC",
        "RemoteAccessAllowed": False,
        "AuthenticationEnabled": False,
        "DicomCheckCalledAet": True,
        # Only the modalities it knows may query, retrieve or store: an
        # unknown AE title must be refused.
        "DicomAlwaysAllowEcho": False,
        "DicomAlwaysAllowStore": False,
        "DicomAlwaysAllowFind": False,
        "DicomAlwaysAllowGet": False,
        "DicomAlwaysAllowMove": False,
        "DicomModalities": {"vigie": ["VIGIE", "127.0.0.1", ours]},
        "Plugins": [],
    }
    path = os.path.join(work, "orthanc.json")
    with open(path, "w") as f:
        json.dump(config, f)
    log = open(os.path.join(work, "orthanc.log"), "w")
    process = subprocess.Popen([ORTHANC, path], stdout=log, stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{http}/system", timeout=1).read()
            return process, http, dicom
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("Orthanc did not start; see " + log.name)


def check_listener(cli, work, study_dir, slices):
    """vigie-cli listen: who may send, where objects go, and the quota."""
    port = free_port()
    inbox = os.path.join(work, "inbox")
    listener = subprocess.Popen([cli, "listen", "--out", inbox, "--allow", "SENDER,OTHER",
                                 "--port", str(port), "--idle-exit", "3"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    node = f"VIGIE@127.0.0.1:{port}"
    stranger = run(cli, "pacs", "store", "--node", node, "--aet", "STRANGER", study_dir)
    check(stranger.returncode == 1, "the listener refuses a caller it was not told of")
    sender = run(cli, "pacs", "store", "--node", node, "--aet", "SENDER", study_dir)
    check(sender.returncode == 0 and f"stored {slices} of {slices}" in sender.stdout,
          "the listener takes a series from an allowed caller: " + sender.stdout.strip())
    again = run(cli, "pacs", "store", "--node", node, "--aet", "OTHER", study_dir)
    check(again.returncode == 0, "the same series again from another allowed caller")
    out, err = listener.communicate(timeout=60)
    files = [f for root, _, names in os.walk(inbox) for f in names]
    check(len(files) == slices, f"{len(files)} files: the same objects twice are kept once")
    check(listener.returncode == 1 and "1 associations and 0 objects refused" in out
          and "STRANGER" in err, "the listener ends when idle and reports the refused caller")

    big = os.path.join(work, "big")
    run(cli, "synth", "ct", "--out", big, "--count", "1", "--size", "256x256x24", "--nodules", "0")
    port = free_port()
    full = os.path.join(work, "full")
    listener = subprocess.Popen([cli, "listen", "--out", full, "--allow", "SENDER", "--port",
                                 str(port), "--quota-mb", "1", "--idle-exit", "3"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    over = run(cli, "pacs", "store", "--node", f"VIGIE@127.0.0.1:{port}", "--aet", "SENDER", big)
    out, err = listener.communicate(timeout=60)
    kept = sum(os.path.getsize(os.path.join(root, f)) for root, _, names in os.walk(full)
               for f in names)
    check(over.returncode == 1 and "A700" in over.stderr and kept <= 1024 * 1024,
          f"past its 1 MiB quota the listener refuses objects (A700); {kept} bytes kept")
    check("quota" in err, "the listener says the quota was reached")


def check_batch(cli, work, node, http, study_uid, models):
    """Batch screening straight from the PACS, results sent back to it."""
    before = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{http}/statistics").read())
    out = os.path.join(work, "batch")
    args = ["batch", "--pacs", node, "--query", "modality=CT", "--model",
            os.path.join(models, "blob3d-bundle"), "--out", out, "--timeout", "5"]
    # First the results' destination is down: analysed, not sent, exit 1.
    nowhere = f"NOBODY@127.0.0.1:{free_port()}"
    undelivered = run(cli, *args, "--send-to", nowhere, timeout=300)
    with open(os.path.join(out, "summary.csv"), newline="") as f:
        first = list(csv.DictReader(f))
    check(undelivered.returncode == 1 and len(first) == 1 and first[0]["status"] == "ok"
          and nowhere in first[0]["sent"] and "not sent" in undelivered.stdout,
          "with the destination down the study is analysed, not sent, and the run says so: "
          + (first[0]["sent"] if first else undelivered.stderr.strip()[-300:]))
    args += ["--send-to", node]
    batch = run(cli, *args, timeout=300)
    rows = []
    if os.path.isfile(os.path.join(out, "summary.csv")):
        with open(os.path.join(out, "summary.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
    check(batch.returncode == 0 and len(rows) == 1 and rows[0]["key"] == study_uid
          and rows[0]["status"] == "ok" and rows[0]["sent"] == "yes"
          and "sent again: yes" in batch.stdout and "0 to do" in batch.stdout,
          "batch --pacs retrieved and analysed the study; the next run sends it, not redoes it: "
          + (batch.stdout + batch.stderr).strip()[-400:])
    folder = os.path.join(out, rows[0]["folder"]) if rows else out
    check(os.path.isfile(os.path.join(folder, "sr.dcm"))
          and not os.path.exists(os.path.join(folder, "images")),
          "its folder keeps the results, not the retrieved images")
    after = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{http}/statistics").read())
    check(after["CountInstances"] == before["CountInstances"] + 2,
          "the PACS now holds the SR and the SEG too: "
          f"{before['CountInstances']} -> {after['CountInstances']} instances")
    series = run(cli, "pacs", "find", "--node", node, "--level", "series", "--study", study_uid,
                 "--json")
    modalities = sorted(m.get("Modality", "") for m in json.loads(series.stdout or "[]"))
    check(modalities == ["CT", "SEG", "SR"], f"a query finds them in the study: {modalities}")
    again = run(cli, *args, timeout=300)
    check(again.returncode == 0 and "nothing to do" in again.stdout,
          "a rerun has nothing to do: " + again.stdout.strip()[-200:])
    none = run(cli, "batch", "--pacs", node, "--query", "patient-name=NOBODY*", "--model",
               os.path.join(models, "blob3d-bundle"), "--out", os.path.join(work, "batch-none"))
    check(none.returncode == 0 and "matches no study" in none.stdout,
          "a query matching nothing is nothing to do")


def main():
    cli, work = sys.argv[1], sys.argv[2]
    options = dict(zip(sys.argv[3::2], sys.argv[4::2]))
    gui_tests = options.get("--gui")
    models = options.get("--models")
    if not os.path.exists(ORTHANC):
        print("Orthanc is not installed (apt-get install orthanc): skipped")
        return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    study_dir = os.path.join(work, "study")
    made = run(cli, "synth", "ct", "--out", study_dir, "--count", "1", "--size", "64x64x20",
               "--nodules", "1")
    check(made.returncode == 0, "a synthetic CT series is written: " + made.stderr.strip())
    info = json.loads(run(cli, "info", study_dir, "--json").stdout)
    study_uid = info["series"][0]["study_uid"]
    series_uid = info["series"][0]["series_uid"]
    slices = info["series"][0]["images"]

    ours = free_port()  # where Vigie's storage SCP listens during a C-MOVE
    orthanc, http, port = start_orthanc(work, ours)
    node = f"ORTHANC@127.0.0.1:{port}"
    try:
        stored = run(cli, "pacs", "store", "--node", node, study_dir)
        check(stored.returncode == 0 and f"stored {slices} of" in stored.stdout,
              f"C-STORE of the {slices} slices: " + (stored.stdout + stored.stderr).strip())
        not_dicom = run(cli, "pacs", "store", "--node", node, os.path.join(study_dir, "case_000",
                                                                             "truth.json"))
        check(not_dicom.returncode == 1 and "not a DICOM file" in not_dicom.stderr,
              "a named file that is not DICOM is an error")
        stats = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{http}/statistics").read())
        check(stats["CountInstances"] == slices, f"Orthanc holds {stats['CountInstances']} instances")

        echo = run(cli, "pacs", "echo", "--node", node)
        check(echo.returncode == 0 and "answered" in echo.stdout, "C-ECHO: " + echo.stdout.strip())
        nodes = os.path.join(work, "nodes.json")
        with open(nodes, "w") as f:
            json.dump({"nodes": [{"name": "archive", "aet": "ORTHANC", "host": "127.0.0.1",
                                  "port": port}]}, f)
        os.environ["VIGIE_NODES"] = nodes
        by_name = run(cli, "pacs", "echo", "--node", "archive")
        listed = run(cli, "pacs", "nodes")
        del os.environ["VIGIE_NODES"]
        check(by_name.returncode == 0 and "archive" in listed.stdout and node in listed.stdout,
              "a node named in the nodes file ($VIGIE_NODES) answers by its name")

        studies = run(cli, "pacs", "find", "--node", node, "--json")
        matches = json.loads(studies.stdout) if studies.returncode == 0 else []
        check(len(matches) == 1 and matches[0]["study_uid"] == study_uid,
              "C-FIND at study level finds the study by its UID")
        check(matches and matches[0].get("NumberOfStudyRelatedInstances") == str(slices),
              "the study's instance count comes back")
        by_name = run(cli, "pacs", "find", "--node", node, "--patient-name", "NOBODY*")
        check(by_name.returncode == 0 and "0 matches" in by_name.stdout,
              "a query matching nothing: 0 matches")
        series = run(cli, "pacs", "find", "--node", node, "--level", "series", "--study",
                     study_uid, "--json")
        series_matches = json.loads(series.stdout) if series.returncode == 0 else []
        check(len(series_matches) == 1 and series_matches[0]["series_uid"] == series_uid,
              "C-FIND at series level finds the series")

        cache = os.path.join(work, "cache")
        got = run(cli, "pacs", "get", "--node", node, "--study", study_uid, "--out", cache)
        check(got.returncode == 0 and f"retrieved {slices} objects" in got.stdout,
              "C-GET of the study: " + (got.stdout + got.stderr).strip())
        retrieved = json.loads(run(cli, "info", cache, "--json").stdout)
        check(len(retrieved["series"]) == 1
              and retrieved["series"][0]["volume"]["size"] == info["series"][0]["volume"]["size"],
              "the retrieved study reads as the same volume")
        placed = os.path.join(cache, study_uid, series_uid)
        check(os.path.isdir(placed) and len(os.listdir(placed)) == slices,
              "files land in CACHE/STUDY/SERIES, one per object")
        again = run(cli, "pacs", "get", "--node", node, "--study", study_uid, "--series", series_uid,
                    "--out", cache)
        check(again.returncode == 0 and len(os.listdir(placed)) == slices,
              "retrieving the series again writes over nothing and adds nothing")

        stranger = run(cli, "pacs", "find", "--node", node, "--aet", "STRANGER")
        check(stranger.returncode == 1 and node in stranger.stderr,
              "an AE title the PACS does not know is refused: " + stranger.stderr.strip())
        no_study = run(cli, "pacs", "find", "--node", node, "--level", "series")
        check(no_study.returncode == 1 and "Study Instance UID" in no_study.stderr,
              "a series-level query without its study is refused")
        moved_to = os.path.join(work, "moved")
        moved = run(cli, "pacs", "move", "--node", node, "--study", study_uid, "--out", moved_to,
                    "--port", str(ours))
        check(moved.returncode == 0 and f"moved {slices} objects" in moved.stdout,
              "C-MOVE of the study into Vigie's storage SCP: " + (moved.stdout + moved.stderr).strip())
        check(os.path.isdir(os.path.join(moved_to, study_uid, series_uid))
              and len(os.listdir(os.path.join(moved_to, study_uid, series_uid))) == slices,
              "the moved objects land in STUDY/SERIES")
        nowhere = run(cli, "pacs", "move", "--node", node, "--study", study_uid, "--dest",
                      "NOWHERE")
        check(nowhere.returncode == 1 and "C-MOVE" in nowhere.stderr,
              "a C-MOVE to a destination the PACS does not know fails, saying so: "
              + nowhere.stderr.strip()[-200:])
        if gui_tests:
            env = dict(os.environ, VIGIE_TEST_PACS_NODE=node, VIGIE_TEST_PACS_STUDY=study_uid,
                       VIGIE_TEST_PACS_SLICES=str(slices), QT_QPA_PLATFORM="xcb",
                       QT_XCB_GL_INTEGRATION="xcb_glx")
            gui = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1600x1200x24", gui_tests,
                                  "retrievesAStudyFromAPacs"], capture_output=True, text=True,
                                 env=env, timeout=240)
            check(gui.returncode == 0 and "PASS   : MainWindowTest::retrievesAStudyFromAPacs"
                  in gui.stdout, "the GUI's Query/Retrieve finds, retrieves and opens the study: "
                  + (gui.stdout + gui.stderr)[-1500:].strip())
            after = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{http}/statistics").read())
            check(after["CountInstances"] == slices + 2,
                  "the GUI sent the review's SR and SEG back to the PACS: "
                  f"{after['CountInstances']} instances")
        if models:
            check_batch(cli, work, node, http, study_uid, models)
        bad_uid = run(cli, "pacs", "get", "--node", node, "--study", "../../etc", "--out", cache)
        check(bad_uid.returncode == 1 and "not a DICOM UID" in bad_uid.stderr,
              "a study UID that is not a UID is refused")
    finally:
        orthanc.terminate()
        orthanc.wait(timeout=30)

    check_listener(cli, work, study_dir, slices)
    # A peer that takes the connection and never answers: an error, not a hang.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        mute = f"MUTE@127.0.0.1:{silent.getsockname()[1]}"
        quiet = run(cli, "pacs", "echo", "--node", mute, "--timeout", "3", timeout=60)
        check(quiet.returncode == 1 and mute in quiet.stderr and quiet.seconds < 20,
              f"a peer that never answers is an error after {quiet.seconds:.1f} s: "
              + quiet.stderr.strip())
    gone = run(cli, "pacs", "echo", "--node", node, "--timeout", "5", timeout=60)
    check(gone.returncode == 1 and node in gone.stderr and gone.seconds < 30,
          f"a stopped PACS is an error within {gone.seconds:.1f} s: " + gone.stderr.strip())
    print(f"{len(FAILURES)} failures")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
