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
has nothing to do, and a query matching nothing is not an error. Then the same
archive over DICOMweb (Debian's orthanc-dicomweb plugin): QIDO-RS at both
levels, WADO-RS of a series and of the study (nothing written over), a WADO-RS
get after a broken transfer (files removed, one cut off) fetching only the
missing instances (QIDO-RS listing) and then nothing, STOW-RS of
a series, a DICOMweb node by name, C-MOVE refused for it, a service that is
down named without its password, batch screening over DICOMweb, a
retrieval cache quota (C-GET, WADO-RS and C-MOVE stop at it, keeping what
came; the moved study reported partial with its counts), `pacs store
--deidentify` (queried back, the PACS holds no patient name or ID of the
original; the files named unchanged), batch screening of a study of DICOM
photographs with the fundus model (one DR screening SR, an entry per
photograph, sent back), `pacs get --store` and `listen --store` putting what
arrived on a review store's worklist, and a hostile service's corrupt and
cut-off parts, one that cannot list instances (the whole study asked for
again, the copy dropped), and a service behind OAuth (the
bearer token from a file; a missing or refused one said so, never shown).
Faults: a PACS killed (SIGKILL) in the middle of a C-GET (the study said
incomplete at once, what arrived kept whole; restarted on the same storage,
the same get fetches only the missing objects, nothing twice); a PACS killed
in the middle of a C-MOVE into Vigie's listener (the study said incomplete
within seconds, the whole objects that came kept, nothing left listening);
batch --pacs
past a quota (the study "partial" in the summary, retried by a rerun); a
corrupt object sent to `vigie-cli listen` by DCMTK's storescu (refused,
named with its sender and SOP Instance UID; the next good one stored).
Last, DICOM over TLS against a second Orthanc that requires it and a client
certificate (certificates made by openssl here): echo, store, find, get,
C-MOVE back into Vigie's listener over TLS, a node configured for TLS in the
nodes file; a plain connection, no client certificate, an untrusted server
certificate and a key that is not the certificate's all refused; Vigie's own
listener over TLS lets in a sender with a trusted certificate only. Exit 77
(skipped) when Orthanc is not installed.
"""
import csv
import hashlib
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from checks import FAILURES, check, free_port

ORTHANC = "/usr/sbin/Orthanc"
DICOMWEB_PLUGIN = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so"


def run(cli, *args, timeout=120):
    started = time.monotonic()
    result = subprocess.run([cli, *args], capture_output=True, text=True, timeout=timeout)
    result.seconds = time.monotonic() - started
    return result


def start_orthanc(work, ours, tls=None):
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
        # Debian's orthanc-dicomweb: the same archive over QIDO-RS, WADO-RS, STOW-RS.
        "Plugins": [DICOMWEB_PLUGIN] if os.path.exists(DICOMWEB_PLUGIN) else [],
        "DicomWeb": {"Enable": True, "Root": "/dicom-web/"},
        **(tls or {}),
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


def check_worklist(cli, store, study_uid, folder, what):
    """The review store's worklist lists the study, opening from inside `folder`."""
    listed = run(cli, "worklist", "--store", store, "--json")
    entries = json.loads(listed.stdout) if listed.returncode == 0 else []
    mine = [e for e in entries if e["study_uid"] == study_uid]
    check(len(mine) == 1 and mine[0]["source"].startswith(os.path.abspath(folder)),
          what + ": " + json.dumps(mine or listed.stderr.strip()))


def check_listener(cli, work, study_dir, slices, study_uid):
    """vigie-cli listen: who may send, where objects go, the quota, and the
    worklist what arrived goes on."""
    port = free_port()
    inbox = os.path.join(work, "inbox")
    store = os.path.join(work, "listen-review.db")
    listener = subprocess.Popen([cli, "listen", "--out", inbox, "--allow", "SENDER,OTHER",
                                 "--port", str(port), "--idle-exit", "3", "--store", store],
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
    check("1 cases on the worklist" in out, "listen --store registers what arrived: " + out[-200:])
    check_worklist(cli, store, study_uid, inbox, "a study received by the listener is on the worklist")

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


def check_corrupt_to_listener(cli, work, study_dir):
    """vigie-cli listen sent a corrupt object (by DCMTK's storescu: a slice
    whose Rows was changed so that its pixel data is too short): refused,
    named with its sender and SOP Instance UID, nothing written; the
    listener goes on and stores the good object sent next."""
    if not shutil.which("storescu") or not shutil.which("dcmodify"):
        print("skip   DCMTK's storescu or dcmodify is not installed: no corrupt object sent")
        return
    good = sorted(os.path.join(d, n) for d, _, names in os.walk(study_dir) for n in names
                  if n.endswith(".dcm"))[0]
    bad = os.path.join(work, "corrupt.dcm")
    shutil.copy(good, bad)
    subprocess.run(["dcmodify", "-nb", "-m", "Rows=512", bad], check=True, capture_output=True)
    dump = subprocess.run(["dcmdump", "+P", "SOPInstanceUID", good], capture_output=True,
                          text=True).stdout
    sop = dump.split("[", 1)[1].split("]", 1)[0] if "[" in dump else "?"
    port = free_port()
    inbox = os.path.join(work, "corrupt-inbox")
    listener = subprocess.Popen([cli, "listen", "--out", inbox, "--allow", "SENDER", "--port",
                                 str(port), "--idle-exit", "3"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    sent = subprocess.run(["storescu", "-aet", "SENDER", "-aec", "VIGIE", "127.0.0.1", str(port),
                           bad], capture_output=True, text=True, timeout=60)
    check(sent.returncode != 0, "storescu is told the corrupt object was refused: "
          + (sent.stdout + sent.stderr).strip()[-200:])
    after = run(cli, "pacs", "store", "--node", f"VIGIE@127.0.0.1:{port}", "--aet", "SENDER", good)
    out, err = listener.communicate(timeout=60)
    files = [n for _, _, names in os.walk(inbox) for n in names]
    check(f"object {sop} from 'SENDER' refused as corrupt" in err and "pixel data" in err,
          "the listener names the corrupt object's sender and SOP Instance UID: " + err.strip())
    check(after.returncode == 0 and files == [sop + ".dcm"] and "1 objects received" in out
          and "1 objects refused" in out and listener.returncode == 1,
          "the listener goes on and keeps the good object sent next, only it: " + out.strip())


def stats(http):
    return json.loads(urllib.request.urlopen(f"http://127.0.0.1:{http}/statistics").read())


def check_dicomweb(cli, work, http, study_uid, series_uid, slices, info, models):
    """The same archive over DICOMweb (Orthanc's plugin): QIDO-RS, WADO-RS, STOW-RS."""
    check(os.path.exists(DICOMWEB_PLUGIN),
          "Orthanc's DICOMweb plugin is installed (apt-get install orthanc-dicomweb)")
    web = f"http://127.0.0.1:{http}/dicom-web"
    echo = run(cli, "pacs", "echo", "--node", web)
    check(echo.returncode == 0 and "answered" in echo.stdout,
          "DICOMweb: the service answers: " + (echo.stdout + echo.stderr).strip())
    found = run(cli, "pacs", "find", "--node", web, "--json")
    matches = json.loads(found.stdout) if found.returncode == 0 else []
    check(any(m["study_uid"] == study_uid for m in matches),
          "QIDO-RS at study level finds the study: " + found.stderr.strip())
    nobody = run(cli, "pacs", "find", "--node", web, "--patient-name", "NOBODY*")
    check(nobody.returncode == 0 and "0 matches" in nobody.stdout, "QIDO-RS: a query matching nothing")
    series = run(cli, "pacs", "find", "--node", web, "--level", "series", "--study", study_uid,
                 "--json")
    series_matches = json.loads(series.stdout) if series.returncode == 0 else []
    check(any(m["series_uid"] == series_uid and m.get("Modality") == "CT" for m in series_matches),
          "QIDO-RS at series level finds the CT series")
    cache = os.path.join(work, "web-cache")
    got = run(cli, "pacs", "get", "--node", web, "--study", study_uid, "--series", series_uid,
              "--out", cache)
    placed = os.path.join(cache, study_uid, series_uid)
    check(got.returncode == 0 and f"retrieved {slices} objects" in got.stdout
          and os.path.isdir(placed) and len(os.listdir(placed)) == slices,
          "WADO-RS of the series: one file per object under STUDY/SERIES: "
          + (got.stdout + got.stderr).strip()[-300:])
    retrieved = json.loads(run(cli, "info", placed, "--json").stdout or "{}")
    check(retrieved.get("series") and retrieved["series"][0]["volume"]["size"]
          == info["series"][0]["volume"]["size"], "the series retrieved over DICOMweb reads as the same volume")
    whole = run(cli, "pacs", "get", "--node", web, "--study", study_uid, "--out", cache)
    check(whole.returncode == 0 and len(os.listdir(placed)) == slices
          and f"{slices} objects of the study already here" in whole.stdout,
          "retrieving the whole study again writes over nothing, the series not fetched again: "
          + (whole.stdout + whole.stderr).strip()[-300:])
    check(not [n for n in os.listdir(cache) if n.startswith(".vigie-")],
          "no download left behind in the cache")
    # A broken transfer, as it leaves the folder: four objects missing and
    # one cut off while it was written. The same get lists the series
    # (QIDO-RS) and fetches only those five, the whole one in place of the cut one.
    names = os.listdir(placed)
    lost = sorted(names)[:5]
    for name in lost[:4]:
        os.remove(os.path.join(placed, name))
    os.truncate(os.path.join(placed, lost[4]), os.path.getsize(os.path.join(placed, lost[4])) // 2)
    resumed = run(cli, "pacs", "get", "--node", web, "--study", study_uid, "--series", series_uid,
                  "--out", cache)
    files = dicom_files(placed)
    check(resumed.returncode == 0
          and f"{slices - 5} objects of the study already here" in resumed.stdout
          and "retrieved 5 objects" in resumed.stdout and "reports 5 completed" in resumed.stdout,
          "WADO-RS again after a broken transfer fetches only the 5 missing objects: "
          + (resumed.stdout + resumed.stderr).strip()[-300:])
    check(len(files) == slices and len(sop_instance_uids(files)) == slices
          and sorted(os.listdir(placed)) == sorted(names),
          f"the series is whole again, each object once, under its own name: {len(files)} files")
    done = run(cli, "pacs", "get", "--node", web, "--study", study_uid, "--series", series_uid,
               "--out", cache)
    check(done.returncode == 0 and f"{slices} objects of the study already here" in done.stdout
          and "retrieved 0 objects" in done.stdout and len(dicom_files(placed)) == slices,
          "a series wholly here is not fetched again over DICOMweb: " + done.stdout.strip())
    bad = run(cli, "pacs", "get", "--node", web, "--study", "../../etc", "--out", cache)
    check(bad.returncode == 1 and "not a DICOM UID" in bad.stderr,
          "a study UID that is not a UID is refused before any request")

    other = os.path.join(work, "web-study")
    run(cli, "synth", "ct", "--out", other, "--count", "1", "--seed", "77", "--size", "48x48x16",
        "--nodules", "0")
    before = stats(http)["CountInstances"]
    stored = run(cli, "pacs", "store", "--node", web, other)
    check(stored.returncode == 0 and "stored 16 of 16" in stored.stdout
          and stats(http)["CountInstances"] == before + 16,
          "STOW-RS of a series: " + (stored.stdout + stored.stderr).strip()[-300:])
    not_dicom = run(cli, "pacs", "store", "--node", web, os.path.join(other, "case_000",
                                                                      "truth.json"))
    check(not_dicom.returncode == 1 and "not a DICOM file" in not_dicom.stderr,
          "STOW-RS: a named file that is not DICOM is an error")

    nodes = os.path.join(work, "web-nodes.json")
    with open(nodes, "w") as f:
        json.dump({"nodes": [{"name": "cloud", "url": web + "/"}]}, f)
    by_name = subprocess.run([cli, "pacs", "echo", "--node", "cloud"], capture_output=True,
                             text=True, env=dict(os.environ, VIGIE_NODES=nodes), timeout=60)
    check(by_name.returncode == 0, "a DICOMweb node by its name in the nodes file")
    moved = subprocess.run([cli, "pacs", "move", "--node", "cloud", "--study", study_uid,
                            "--out", cache], capture_output=True, text=True,
                           env=dict(os.environ, VIGIE_NODES=nodes), timeout=60)
    check(moved.returncode == 2 and "DIMSE" in moved.stderr, "C-MOVE to a DICOMweb node is refused")
    closed = f"http://doctor:secret@127.0.0.1:{free_port()}/dicom-web"
    down = run(cli, "pacs", "echo", "--node", closed, "--timeout", "5", timeout=60)
    check(down.returncode == 1 and "127.0.0.1" in down.stderr and "secret" not in down.stderr
          and down.seconds < 20,
          "a service that is down is an error naming it, without its password: "
          + down.stderr.strip())
    named = run(cli, "pacs", "find", "--node", closed, "--patient-name", "DOE^JANE",
                "--timeout", "5", timeout=60)
    check(named.returncode == 1 and "DOE" not in named.stderr,
          "nor the patient's name it was asked for: " + named.stderr.strip())
    if models:
        before = stats(http)["CountInstances"]
        out = os.path.join(work, "web-batch")
        batch = run(cli, "batch", "--pacs", web, "--query", "modality=CT", "--query",
                    "study=" + study_uid, "--model", os.path.join(models, "blob3d-bundle"),
                    "--out", out, "--send-to", web, timeout=300)
        rows = []
        if os.path.isfile(os.path.join(out, "summary.csv")):
            with open(os.path.join(out, "summary.csv"), newline="") as f:
                rows = list(csv.DictReader(f))
        check(batch.returncode == 0 and len(rows) == 1 and rows[0]["sent"] == "yes"
              and stats(http)["CountInstances"] == before + 2,
              "batch over DICOMweb: QIDO-RS, WADO-RS, analysis, SR and SEG sent by STOW-RS: "
              + (batch.stdout + batch.stderr).strip()[-400:])


def make_certificates(folder):
    """A test authority, Orthanc's and Vigie's certificates signed by it, and a
    stranger authority nobody trusts (openssl, EC keys)."""
    os.makedirs(folder, exist_ok=True)

    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=folder)

    for ca in ("ca", "stranger-ca"):
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", f"{ca}.key", "-out", f"{ca}.crt", "-days", "2",
                "-subj", f"/CN=Vigie test {ca}")
    for name in ("orthanc", "vigie"):
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}")
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", f"{name}.crt", "-days", "2")
    return {n: os.path.join(folder, n) for n in os.listdir(folder)}


def check_tls(cli, work, study_dir, slices, study_uid):
    """DICOM over TLS against an Orthanc that requires it (and Vigie's certificate)."""
    certs = make_certificates(os.path.join(work, "tls"))
    tls_work = os.path.join(work, "orthanc-tls")
    os.makedirs(tls_work, exist_ok=True)
    move_port = free_port()
    orthanc, _, port = start_orthanc(tls_work, move_port, tls={
        "DicomTlsEnabled": True, "DicomTlsCertificate": certs["orthanc.crt"],
        "DicomTlsPrivateKey": certs["orthanc.key"],
        "DicomTlsTrustedCertificates": certs["ca.crt"],
        "DicomTlsRemoteCertificateRequired": True,
        # Orthanc sends a C-MOVE's objects to Vigie over TLS too.
        "DicomModalities": {"vigie": {"AET": "VIGIE", "Host": "127.0.0.1", "Port": move_port,
                                      "UseDicomTls": True}}})
    node = f"ORTHANC@127.0.0.1:{port}"
    ours = ["--tls-ca", certs["ca.crt"], "--tls-cert", certs["vigie.crt"], "--tls-key",
            certs["vigie.key"]]
    try:
        echo = run(cli, "pacs", "echo", "--node", node, *ours, "--timeout", "10", timeout=60)
        check(echo.returncode == 0 and "(TLS) answered" in echo.stdout,
              "TLS: C-ECHO with our certificate: " + (echo.stdout + echo.stderr).strip())
        stored = run(cli, "pacs", "store", "--node", node, *ours, study_dir)
        check(stored.returncode == 0 and f"stored {slices} of" in stored.stdout,
              "TLS: C-STORE of the series: " + (stored.stdout + stored.stderr).strip()[-300:])
        found = run(cli, "pacs", "find", "--node", node, *ours, "--json")
        check(found.returncode == 0 and study_uid in found.stdout, "TLS: C-FIND finds it")
        cache = os.path.join(work, "tls-cache")
        got = run(cli, "pacs", "get", "--node", node, *ours, "--study", study_uid, "--out", cache)
        check(got.returncode == 0 and f"retrieved {slices} objects" in got.stdout,
              "TLS: C-GET of the study: " + (got.stdout + got.stderr).strip()[-300:])
        nodes = os.path.join(work, "tls-nodes.json")
        with open(nodes, "w") as f:
            json.dump({"nodes": [{"name": "secure", "aet": "ORTHANC", "host": "127.0.0.1",
                                  "port": port, "tls": {"ca": "tls/ca.crt",
                                                        "certificate": "tls/vigie.crt",
                                                        "key": "tls/vigie.key"}}]}, f)
        by_name = subprocess.run([cli, "pacs", "echo", "--node", "secure"], capture_output=True,
                                 text=True, env=dict(os.environ, VIGIE_NODES=nodes), timeout=60)
        check(by_name.returncode == 0, "TLS: a node whose TLS the nodes file configures: "
              + by_name.stderr.strip())
        plain = run(cli, "pacs", "echo", "--node", node, "--timeout", "5", timeout=60)
        check(plain.returncode == 1 and plain.seconds < 30,
              "TLS: a plain connection to it fails: " + plain.stderr.strip())
        no_cert = run(cli, "pacs", "echo", "--node", node, "--tls-ca", certs["ca.crt"],
                      "--timeout", "5", timeout=60)
        check(no_cert.returncode == 1 and "TLS" in no_cert.stderr,
              "TLS: without our certificate the PACS refuses us: " + no_cert.stderr.strip())
        stranger = run(cli, "pacs", "echo", "--node", node, "--tls-ca", certs["stranger-ca.crt"],
                       "--tls-cert", certs["vigie.crt"], "--tls-key", certs["vigie.key"],
                       "--timeout", "5", timeout=60)
        check(stranger.returncode == 1 and "TLS" in stranger.stderr,
              "TLS: a PACS whose certificate no trusted authority signed is refused: "
              + stranger.stderr.strip())
        wrong_key = run(cli, "pacs", "echo", "--node", node, "--tls-ca", certs["ca.crt"],
                        "--tls-cert", certs["vigie.crt"], "--tls-key", certs["orthanc.key"])
        check(wrong_key.returncode == 1 and "is not the key of" in wrong_key.stderr,
              "TLS: a key that is not the certificate's is named: " + wrong_key.stderr.strip())
        # C-MOVE over TLS: the PACS connects back to Vigie's own listener over TLS.
        moved = run(cli, "pacs", "move", "--node", node, *ours, "--study", study_uid, "--out",
                    os.path.join(work, "tls-moved"), "--port", str(move_port), timeout=120)
        check(moved.returncode == 0 and f"moved {slices} objects" in moved.stdout,
              "TLS: C-MOVE into Vigie's listener over TLS: "
              + (moved.stdout + moved.stderr).strip()[-300:])
    finally:
        orthanc.terminate()
        orthanc.wait(timeout=30)
    check_tls_listener(cli, work, study_dir, slices, certs)


def check_tls_listener(cli, work, study_dir, slices, certs):
    """vigie-cli listen over TLS: a sender with a certificate from the trusted
    authority gets in; a plain connection, or one without a certificate, not."""
    port = free_port()
    inbox = os.path.join(work, "tls-inbox")
    ours = ["--tls-ca", certs["ca.crt"], "--tls-cert", certs["vigie.crt"], "--tls-key",
            certs["vigie.key"]]
    listener = subprocess.Popen([cli, "listen", "--out", inbox, "--allow", "SENDER", "--port",
                                 str(port), "--idle-exit", "4", *ours],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    node = f"VIGIE@127.0.0.1:{port}"
    sent = run(cli, "pacs", "store", "--node", node, "--aet", "SENDER", *ours, study_dir)
    check(sent.returncode == 0 and f"stored {slices} of {slices}" in sent.stdout,
          "TLS listener: a series from a sender with a trusted certificate: "
          + (sent.stdout + sent.stderr).strip()[-300:])
    plain = run(cli, "pacs", "store", "--node", node, "--aet", "SENDER", "--timeout", "5",
                study_dir, timeout=60)
    check(plain.returncode == 1, "TLS listener: a plain connection is not let in")
    no_cert = run(cli, "pacs", "store", "--node", node, "--aet", "SENDER", "--tls-ca",
                  certs["ca.crt"], "--timeout", "5", study_dir, timeout=60)
    check(no_cert.returncode == 1, "TLS listener: a sender without a certificate is not let in")
    out, err = listener.communicate(timeout=60)
    files = [f for root, _, names in os.walk(inbox) for f in names]
    check("(TLS)" in out and len(files) == slices,
          f"TLS listener: {len(files)} objects received over TLS, none over the plain attempts")
    no_key = run(cli, "listen", "--out", inbox, "--allow", "SENDER", "--port", str(free_port()),
                 "--tls-ca", certs["ca.crt"], "--idle-exit", "1")
    check(no_key.returncode != 0 and "needs a certificate" in no_key.stderr,
          "a TLS listener without its own certificate is refused, saying why: "
          + no_key.stderr.strip())


class QuietHandler(http.server.BaseHTTPRequestHandler):
    """A test service's request handler: no log lines, and answer() to reply."""

    def answer(self, body, kind, status=200):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(handler):
    """A test service on a free loopback port, served from a thread; shut it down when done."""
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def check_hostile_dicomweb(cli, work, study_dir):
    """A DICOMweb service that sends a corrupt part and then breaks off: what
    was whole is kept, the rest reported, nothing written outside the cache."""
    first = sorted(os.path.join(d, n) for d, _, names in os.walk(study_dir) for n in names
                   if n.endswith(".dcm"))[0]
    with open(first, "rb") as f:
        good = f.read()

    class Hostile(QuietHandler):
        def do_GET(self):
            boundary = "xyz"
            body = (b"--xyz\r\nContent-Type: application/dicom\r\n\r\n" + good
                    + b"\r\n--xyz\r\nContent-Type: application/dicom\r\n\r\n"
                    + b"\x00" * 200 + b"not DICOM at all"
                    + b"\r\n--xyz\r\nContent-Type: application/dicom\r\n\r\n" + good[:500])
            self.answer(body, f'multipart/related; type="application/dicom"; boundary="{boundary}"')

    server = serve(Hostile)
    try:
        cache = os.path.join(work, "hostile-cache")
        got = run(cli, "pacs", "get", "--node", f"http://127.0.0.1:{server.server_port}/dicom-web",
                  "--study", "1.2.3", "--out", cache)
        files = [os.path.join(d, n) for d, _, names in os.walk(cache) for n in names]
        check(got.returncode == 1 and "part 2 is not a DICOM object" in got.stderr
              and "cut off after 2 whole parts" in got.stderr
              and "retrieved 1 objects" in got.stdout and len(files) == 1
              and os.path.commonpath([cache, files[0]]) == cache,
              "a corrupt part is reported, the whole one kept, the cut-off one dropped: "
              + (got.stdout + got.stderr).strip()[-300:])
    finally:
        server.shutdown()

    # A service whose instance-level query answers what is not DICOM JSON:
    # a get of a study the cache holds part of asks for the whole study, as
    # the first get did, and the copy of what was held is dropped.
    study_uid = json.loads(run(cli, "info", study_dir, "--json").stdout)["series"][0]["study_uid"]
    asked = []

    class NoInstanceList(QuietHandler):
        def do_GET(self):
            asked.append(self.path.split("?")[0])
            if "/instances" in self.path:
                self.answer(b"<html>not here</html>", "text/html")
            else:
                self.answer(b"--xyz\r\nContent-Type: application/dicom\r\n\r\n" + good
                            + b"\r\n--xyz--\r\n",
                            'multipart/related; type="application/dicom"; boundary=xyz')

    server = serve(NoInstanceList)
    try:
        cache = os.path.join(work, "no-list-cache")
        web = f"http://127.0.0.1:{server.server_port}/dicom-web"
        first = run(cli, "pacs", "get", "--node", web, "--study", study_uid, "--out", cache)
        again = run(cli, "pacs", "get", "--node", web, "--study", study_uid, "--out", cache)
        whole = f"/dicom-web/studies/{study_uid}"
        check(first.returncode == 0 and again.returncode == 0
              and asked == [whole, whole + "/instances", whole]
              and "already here" not in again.stdout and "retrieved 1 objects" in again.stdout
              and len(dicom_files(cache)) == 1,
              "a service that cannot list instances gets the whole study asked for again, the "
              f"copy dropped: {asked} " + (again.stdout + again.stderr).strip()[-300:])
    finally:
        server.shutdown()


def check_bearer_token(cli, work):
    """A DICOMweb service behind OAuth: the token from --token-file or the node's
    token_file goes as "Authorization: Bearer", read again for each request; a
    missing or refused token is an error that says so, and never shows it."""
    token = "s3cret-token-42"
    seen = []

    class Guarded(QuietHandler):
        def do_GET(self):
            seen.append(self.headers.get("Authorization", ""))
            if self.headers.get("Authorization") != "Bearer " + token:
                self.answer(b"", "text/plain", status=401)
            else:
                self.answer(b"[]", "application/dicom+json")

    server = serve(Guarded)
    url = f"http://127.0.0.1:{server.server_port}/dicom-web"
    token_file = os.path.join(work, "oauth-token")
    try:
        with open(token_file, "w") as f:
            f.write(token + "\n")
        ok = run(cli, "pacs", "echo", "--node", url, "--token-file", token_file)
        check(ok.returncode == 0 and seen and seen[-1] == "Bearer " + token,
              "DICOMweb with a bearer token from --token-file: " + (ok.stdout + ok.stderr).strip())
        none = run(cli, "pacs", "echo", "--node", url)
        check(none.returncode == 1 and "HTTP 401" in none.stderr and "token" in none.stderr,
              "without a token the service's 401 says a token is wanted: " + none.stderr.strip())
        with open(token_file, "w") as f:
            f.write("expired-token\n")
        refused = run(cli, "pacs", "find", "--node", url, "--token-file", token_file)
        check(refused.returncode == 1 and "was refused" in refused.stderr
              and "expired-token" not in refused.stderr,
              "a refused token is named by its file, never shown: " + refused.stderr.strip())
        with open(token_file, "w") as f:
            f.write(token + "\n")
        nodes = os.path.join(work, "oauth-nodes.json")
        with open(nodes, "w") as f:
            json.dump({"nodes": [{"name": "cloud", "url": url, "token_file": "oauth-token"}]}, f)
        by_name = subprocess.run([cli, "pacs", "echo", "--node", "cloud"], capture_output=True,
                                 text=True, env=dict(os.environ, VIGIE_NODES=nodes), timeout=60)
        check(by_name.returncode == 0,
              "a node's token_file (relative to the nodes file): " + by_name.stderr.strip())
    finally:
        server.shutdown()


def folder_bytes(folder):
    return sum(os.path.getsize(os.path.join(d, n)) for d, _, names in os.walk(folder)
               for n in names)


def check_quota(cli, work, node, http, ours, models=None):
    """A retrieval that would pass the cache's quota stops there, over DIMSE
    (C-GET, and C-MOVE into Vigie's listener) and DICOMweb, keeping what came;
    a later retrieval without it completes. With models, batch --pacs with a
    quota: the study analysed from what came is "partial" in the summary,
    not sent, and a rerun without the quota retrieves and completes it."""
    big = os.path.join(work, "quota-study")
    run(cli, "synth", "ct", "--out", big, "--count", "1", "--seed", "91", "--size", "256x256x24",
        "--nodules", "0")
    info = json.loads(run(cli, "info", big, "--json").stdout)
    big_uid = info["series"][0]["study_uid"]
    stored = run(cli, "pacs", "store", "--node", node, big)
    check(stored.returncode == 0, "a 3 MB series stored for the quota test")
    web = f"http://127.0.0.1:{http}/dicom-web"
    for how, archive in (("C-GET", node), ("WADO-RS", web)):
        cache = os.path.join(work, "quota-cache-" + how)
        got = run(cli, "pacs", "get", "--node", archive, "--study", big_uid, "--out", cache,
                  "--quota-mb", "1")
        files = [n for _, _, names in os.walk(cache) for n in names]
        check(got.returncode == 1 and "quota of 1 MB is reached" in got.stderr
              and 0 < len(files) < 24 and folder_bytes(cache) <= (1 << 20) + 140000,
              f"{how} stops at a 1 MB quota: {len(files)} files, {folder_bytes(cache)} bytes: "
              + got.stderr.strip()[-200:])
        rest = run(cli, "pacs", "get", "--node", archive, "--study", big_uid, "--out", cache)
        files = [n for _, _, names in os.walk(cache) for n in names]
        check(rest.returncode == 0 and len(files) == 24,
              f"{how} without the quota completes the study, nothing twice: {len(files)} files")
    # C-MOVE: the listener refuses objects past the quota (A700), the PACS
    # counts them failed, and the study is reported partial with its counts.
    moved_to = os.path.join(work, "quota-moved")
    moved = run(cli, "pacs", "move", "--node", node, "--study", big_uid, "--out", moved_to,
                "--port", str(ours), "--quota-mb", "1")
    files = [n for _, _, names in os.walk(moved_to) for n in names]
    check(moved.returncode == 1 and f"study {big_uid} is partial" in moved.stderr
          and "quota" in moved.stderr and 0 < len(files) < 24
          and folder_bytes(moved_to) <= 1 << 20,
          f"C-MOVE stops at a 1 MB quota, keeping {len(files)} files "
          f"({folder_bytes(moved_to)} bytes), the study said partial: "
          + (moved.stdout + moved.stderr).strip()[-400:])
    rest = run(cli, "pacs", "move", "--node", node, "--study", big_uid, "--out", moved_to,
               "--port", str(ours))
    files = [n for _, _, names in os.walk(moved_to) for n in names]
    check(rest.returncode == 0 and "partial" not in rest.stderr and len(files) == 24,
          f"C-MOVE without the quota completes the study, nothing twice: {len(files)} files: "
          + rest.stderr.strip()[-300:])
    if not models:
        return
    out = os.path.join(work, "batch-partial")
    args = ["batch", "--pacs", node, "--query", f"study={big_uid}", "--model",
            os.path.join(models, "blob3d-bundle"), "--out", out, "--timeout", "10"]

    def summary():
        with open(os.path.join(out, "summary.csv"), newline="") as f:
            return list(csv.DictReader(f))
    partial = run(cli, *args, "--quota-mb", "2", timeout=300)
    rows = summary()
    check(partial.returncode == 1 and len(rows) == 1 and rows[0]["status"] == "partial"
          and "quota" in rows[0]["reason"] and "PARTIAL" in partial.stdout,
          "batch --pacs past its quota: the study is partial in the summary: "
          + json.dumps(rows) + (partial.stdout + partial.stderr).strip()[-300:])
    rerun = run(cli, *args, timeout=300)
    rows = summary()
    check(rerun.returncode == 0 and len(rows) == 1 and rows[0]["status"] == "ok"
          and "1 to do" in rerun.stdout,
          "a rerun retries the partial study and completes it: " + json.dumps(rows)
          + rerun.stdout.strip()[-300:])


def dicom_files(folder):
    return [os.path.join(d, n) for d, _, names in os.walk(folder) for n in names]


def sop_instance_uids(files):
    """The SOP Instance UIDs the files hold (DCMTK's dcmdump), or their names
    (the cache names each file by its object's UID) without it."""
    if not shutil.which("dcmdump"):
        return {os.path.basename(f) for f in files}
    dump = subprocess.run(["dcmdump", "-q", "+P", "SOPInstanceUID", *files], capture_output=True,
                          text=True, timeout=120).stdout
    return {line.split("[", 1)[1].split("]", 1)[0] for line in dump.splitlines() if "[" in line}


def fault_series(cli, here, slices):
    """The large series the fault tests interrupt: stored in a PACS started
    on `here`'s storage, it takes long enough to send to be cut in the
    middle. Returns its study UID."""
    series = os.path.join(here, "series")
    run(cli, "synth", "ct", "--out", series, "--count", "1", "--seed", "23", "--size",
        f"256x256x{slices}", "--nodules", "0")
    return json.loads(run(cli, "info", series, "--json").stdout)["series"][0]["study_uid"]


def kill_pacs_during(orthanc, transfer, folder, started, arrived=5):
    """SIGKILLs the PACS (no goodbye on any association) once `arrived`
    objects have come into `folder`, or the transfer has ended, or a minute
    has passed; then waits for the transfer. Returns its stdout, its stderr
    and the seconds since `started`."""
    while (len(dicom_files(folder)) < arrived and transfer.poll() is None
           and time.monotonic() - started < 60):
        time.sleep(0.005)
    orthanc.kill()
    orthanc.wait(timeout=30)
    out, err = transfer.communicate(timeout=60)
    return out, err, time.monotonic() - started


def check_kept_whole(cli, folder, slices, what):
    """After an interruption: some objects, not all, kept, each a whole DICOM
    file. Returns the files kept."""
    kept = dicom_files(folder)
    check(0 < len(kept) < slices, f"{what}: {len(kept)} of {slices} objects arrived before the kill")
    readable = json.loads(run(cli, "info", folder, "--json").stdout or "{}")
    check(readable.get("series") and readable["series"][0]["images"] == len(kept),
          f"{what}: every object kept after the interruption is a whole DICOM file")
    return kept


def check_interrupted_get(cli, work, ours):
    """The PACS killed in the middle of a C-GET: Vigie says the study is
    incomplete within a bounded time and keeps what arrived, whole; once the
    PACS is back (on the same storage) the same get fetches only what is
    missing, and nothing is there twice. Returns the folder of the PACS's
    storage, which holds the study, and the study's UID and size."""
    here = os.path.join(work, "interrupt")
    os.makedirs(here, exist_ok=True)
    slices = 120
    uid = fault_series(cli, here, slices)
    orthanc, http, port = start_orthanc(here, ours)
    node = f"ORTHANC@127.0.0.1:{port}"
    cache = os.path.join(here, "cache")
    try:
        stored = run(cli, "pacs", "store", "--node", node, os.path.join(here, "series"))
        check(stored.returncode == 0, f"{slices} slices stored for the interrupted C-GET")
        started = time.monotonic()
        get = subprocess.Popen([cli, "pacs", "get", "--node", node, "--study", uid, "--out", cache,
                                "--timeout", "10"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out, err, seconds = kill_pacs_during(orthanc, get, cache, started)
        check(get.returncode == 1 and f"study {uid} is incomplete" in err and seconds < 30,
              f"a PACS killed during a C-GET: an error naming the study within {seconds:.1f} s: "
              + err.strip()[-300:])
        kept = check_kept_whole(cli, cache, slices, "C-GET")
    finally:
        if orthanc.poll() is None:
            orthanc.kill()
            orthanc.wait(timeout=30)

    orthanc, http, port = start_orthanc(here, ours)  # the same storage folder
    node = f"ORTHANC@127.0.0.1:{port}"
    try:
        before = stats(http)
        check(before["CountInstances"] == slices, "the restarted PACS holds the whole study")
        rest = run(cli, "pacs", "get", "--node", node, "--study", uid, "--out", cache)
        files = dicom_files(cache)
        sops = {os.path.basename(f) for f in files}
        check(rest.returncode == 0 and len(files) == slices and len(sops) == slices,
              f"the get again completes the study, nothing twice: {len(files)} files: "
              + (rest.stdout + rest.stderr).strip()[-300:])
        check(f"{len(kept)} objects of the study already here" in rest.stdout
              and f"retrieved {slices - len(kept)} objects" in rest.stdout
              and f"reports {slices - len(kept)} completed" in rest.stdout,
              f"only the {slices - len(kept)} missing objects are fetched: " + rest.stdout.strip())
        done = run(cli, "pacs", "get", "--node", node, "--study", uid, "--out", cache)
        check(done.returncode == 0 and f"{slices} objects of the study already here" in done.stdout
              and "retrieved 0 objects" in done.stdout,
              "a study wholly here is not fetched again: " + done.stdout.strip())
    finally:
        orthanc.terminate()
        orthanc.wait(timeout=30)
    return here, uid, slices


def check_interrupted_move(cli, ours, here, uid, slices):
    """The PACS (on the storage of check_interrupted_get, which holds the
    study) killed in the middle of a C-MOVE into Vigie's storage SCP: the
    move ends within a bounded time, exit 1, the study said incomplete; the
    objects that arrived are kept, whole; nothing is left listening."""
    orthanc, _, port = start_orthanc(here, ours)
    node = f"ORTHANC@127.0.0.1:{port}"
    moved_to = os.path.join(here, "moved")
    try:
        started = time.monotonic()
        move = subprocess.Popen([cli, "pacs", "move", "--node", node, "--study", uid, "--out",
                                 moved_to, "--port", str(ours), "--timeout", "10"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out, err, seconds = kill_pacs_during(orthanc, move, moved_to, started)
        check(move.returncode == 1 and f"study {uid} is incomplete" in err and seconds < 30,
              f"a PACS killed during a C-MOVE: an error naming the study within {seconds:.1f} s: "
              + (out + err).strip()[-400:])
        kept = check_kept_whole(cli, moved_to, slices, "C-MOVE")
        check(f"moved {len(kept)} objects" in out, "the move says how many objects it kept: "
              + out.strip())
        with socket.socket() as probe:
            probe.settimeout(2)
            check(probe.connect_ex(("127.0.0.1", ours)) != 0,
                  "nothing is left listening on the move's port")
    finally:
        if orthanc.poll() is None:
            orthanc.kill()
            orthanc.wait(timeout=30)


def file_digests(folder):
    return {os.path.join(d, n): hashlib.sha256(open(os.path.join(d, n), "rb").read()).hexdigest()
            for d, _, names in os.walk(folder) for n in names}


def check_deidentified_store(cli, work, node):
    """pacs store --deidentify sends de-identified copies: the PACS, queried
    back, holds a new study without the patient's name or ID; the files
    named are left as they were."""
    original = os.path.join(work, "deid-study")
    run(cli, "synth", "ct", "--out", original, "--count", "1", "--seed", "61", "--size",
        "32x32x16", "--nodules", "0")
    info = json.loads(run(cli, "info", original, "--json").stdout)
    patient = info["patients"][0]
    original_uid = info["series"][0]["study_uid"]
    before_digests = file_digests(original)
    before = {m["study_uid"] for m in json.loads(run(cli, "pacs", "find", "--node", node,
                                                     "--json").stdout or "[]")}
    lone_key = run(cli, "pacs", "store", "--node", node, "--key", "secret", original)
    check(lone_key.returncode == 2 and "--deidentify" in lone_key.stderr,
          "--key without --deidentify is a usage error")
    stored = run(cli, "pacs", "store", "--node", node, "--deidentify", "--key", "test key",
                 original)
    check(stored.returncode == 0 and "stored 16 of 16 de-identified" in stored.stdout,
          "pacs store --deidentify sends the 16 de-identified slices: "
          + (stored.stdout + stored.stderr).strip()[-300:])
    after = json.loads(run(cli, "pacs", "find", "--node", node, "--json").stdout or "[]")
    new = [m for m in after if m["study_uid"] not in before]
    check(len(new) == 1 and new[0]["study_uid"] != original_uid
          and new[0].get("PatientID", "") != patient["id"]
          and "PHANTOM" not in new[0].get("PatientName", "")
          and new[0].get("NumberOfStudyRelatedInstances") == "16",
          "queried back, the PACS holds a new study without the patient's name or ID: "
          + json.dumps([{k: m.get(k) for k in ("study_uid", "PatientName", "PatientID")}
                        for m in new]))
    check(original_uid not in before and original_uid not in {m["study_uid"] for m in after},
          "the original study never reached the PACS")
    check(file_digests(original) == before_digests, "the files named are left unchanged")
    check(not [n for n in os.listdir(tempfile.gettempdir())
               if n.startswith("vigie-deidentified-")],
          "no de-identified copy is left in the temporary folder")


def check_fundus_batch(cli, work, node, models):
    """batch --pacs with a fundus model: a study of DICOM photographs (each in
    its own series) retrieved, graded, and one DR screening SR with an entry
    per photograph sent back to the PACS."""
    photos = os.path.join(work, "fundus-study")
    made = run(cli, "synth", "fundus", "--out", photos, "--count", "2", "--seed", "33",
               "--size", "128")
    check(made.returncode == 0, "synthetic DICOM photographs made: " + made.stderr.strip())
    dicom = sorted(os.path.join(photos, n) for n in os.listdir(photos) if n.endswith(".dcm"))
    info = json.loads(run(cli, "info", photos, "--json").stdout or "{}")
    photo_uid = info["series"][0]["study_uid"] if info.get("series") else ""
    stored = run(cli, "pacs", "store", "--node", node, *dicom)
    check(stored.returncode == 0 and "stored 2 of 2" in stored.stdout,
          "the two photographs stored: " + (stored.stdout + stored.stderr).strip()[-200:])
    out = os.path.join(work, "fundus-batch")
    batch = run(cli, "batch", "--pacs", node, "--query", "study=" + photo_uid, "--model",
                os.path.join(models, "fundus-bundle"), "--out", out, "--send-to", node,
                "--timeout", "10", timeout=300)
    rows = []
    if os.path.isfile(os.path.join(out, "summary.csv")):
        with open(os.path.join(out, "summary.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
    check(batch.returncode == 0 and len(rows) == 1 and rows[0]["kind"] == "photograph-study"
          and rows[0]["status"] == "ok" and rows[0]["sent"] == "yes",
          "batch --pacs with a fundus model grades the study and sends its SR: "
          + (batch.stdout + batch.stderr).strip()[-400:])
    folder = os.path.join(out, rows[0]["folder"]) if rows else out
    sr = os.path.join(folder, "sr.dcm")
    check(os.path.isfile(sr), "the study's folder has the DR screening sr.dcm")
    if os.path.isfile(sr) and shutil.which("dsrdump"):
        dump = subprocess.run(["dsrdump", sr], capture_output=True, text=True, timeout=60)
        check(dump.stdout.count("Vigie fundus image") == 2,
              "one report with an entry per photograph: "
              f"{dump.stdout.count('Vigie fundus image')} entries")
    series = run(cli, "pacs", "find", "--node", node, "--level", "series", "--study", photo_uid,
                 "--json")
    modalities = sorted(m.get("Modality", "") for m in json.loads(series.stdout or "[]"))
    check(modalities == ["OP", "OP", "SR"],
          f"the PACS holds the SR beside the photographs: {modalities}")


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
        store = os.path.join(work, "review.db")
        listed = run(cli, "pacs", "get", "--node", node, "--study", study_uid, "--out",
                     os.path.join(work, "cache-store"), "--store", store)
        check(listed.returncode == 0 and "1 cases on the worklist" in listed.stdout,
              "pacs get --store registers the study: " + (listed.stdout + listed.stderr).strip())
        check_worklist(cli, store, study_uid, os.path.join(work, "cache-store"),
                       "a study retrieved by C-GET with --store is on the worklist")
        refused = run(cli, "pacs", "find", "--node", node, "--store", store)
        check(refused.returncode == 2, "--store is for get and move only")

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
        check_dicomweb(cli, work, http, study_uid, series_uid, slices, info, models)
        check_quota(cli, work, node, http, ours, models)
        check_deidentified_store(cli, work, node)
        if models:
            check_fundus_batch(cli, work, node, models)
        bad_uid = run(cli, "pacs", "get", "--node", node, "--study", "../../etc", "--out", cache)
        check(bad_uid.returncode == 1 and "not a DICOM UID" in bad_uid.stderr,
              "a study UID that is not a UID is refused")
    finally:
        orthanc.terminate()
        orthanc.wait(timeout=30)

    check_interrupted_move(cli, ours, *check_interrupted_get(cli, work, ours))
    check_listener(cli, work, study_dir, slices, study_uid)
    check_corrupt_to_listener(cli, work, study_dir)
    check_hostile_dicomweb(cli, work, study_dir)
    check_bearer_token(cli, work)
    check_tls(cli, work, study_dir, slices, study_uid)
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
