#!/usr/bin/env python3
"""The worklist and reader statistics end to end, on synthetic studies with
known truth and simulated readers.

    reading_test.py VIGIE_CLI TEST_MODELS WORK_DIR

- Synthetic photographs are batch-analysed and synthetic CT studies analysed
  with --store: every one is on the worklist with the model's answer, in
  triage order (lanes flagged, awaiting-ai, ai-normal, done; the flagged lane
  by AI score to two decimals, then clinical priority, then waiting time);
  assignment, reading states, priorities and `worklist next` behave as the
  README says, each change in the case's history; bad values are refused.
- Three simulated readers grade the photographs and two read the CT
  studies (through `review grade` and `review decide/add`); `review stats
  --json` is checked against figures computed here independently: Wilson
  intervals from the formula, Cohen's kappa and quadratic-weighted kappa
  from python3-sklearn, CT sensitivity and false positives per case from
  the truth.json files with our own hit test.
- `--reader` shows the others as anonymised peers (no name leaks); the
  MRMC exports (iMRMC inputs for fundus and CT with the AI as a second
  modality, RJafroc's FROC tables) have the rows they should.
- An expert's read exported as an SR and filed by `review import-sr` is a
  reference `review stats` takes; what is not a report, or a second report
  for a study, is refused.
- The trainer's view (`review case`) of a CT study shows the model's
  findings, the reader's calls and the reference side by side, with the
  misses and the trainer's comments (`review comment`).
- Double reading (`worklist policy --double-reading abnormal`): an abnormal
  primary grade sends the photograph to a second grader who cannot see it
  (`review grades --reader`), never back to the primary grader (`worklist
  next`); agreement makes the grading final, disagreement puts it in the
  arbitration queue, and the arbiter's grade is final.
"""
import csv
import hashlib
import json
import math
import os
import shutil
import statistics
import sys

from checks import FAILURES, check, run, run_ok

try:
    from sklearn.metrics import cohen_kappa_score
except ImportError:  # pragma: no cover - install-deps.sh installs it
    cohen_kappa_score = None


def sha256_identity(path):
    with open(path, "rb") as f:
        return "sha256:" + hashlib.sha256(f.read()).hexdigest()


def wilson(successes, trials):
    z = 1.959963984540054
    p = successes / trials
    center = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return p, max(0.0, center - half), min(1.0, center + half)


def close(a, b, tolerance=1e-9):
    return a is not None and b is not None and abs(a - b) <= tolerance


LANES = ["flagged", "awaiting-ai", "ai-normal", "done"]


def check_worklist(cli, store):
    entries = json.loads(run_ok(cli, "worklist", "--store", store, "--json").stdout)
    check(len(entries) == 30 * 3 + 3,
          f"the worklist has every photograph (PNG, JPEG, DICOM) and CT study ({len(entries)})")
    keys = {"study_uid", "modality", "max_score", "state", "assigned_reader", "lane", "priority"}
    check(all(keys <= set(e) for e in entries), "each entry has the documented keys")
    check(all(e["ai_status"] == "done" for e in entries), "every case has the AI's answer")
    lanes = [LANES.index(e["lane"]) for e in entries]
    check(lanes == sorted(lanes), "lanes in triage order")
    flagged = [round(e["max_score"], 2) for e in entries if e["lane"] == "flagged"]
    check(flagged and flagged == sorted(flagged, reverse=True),
          "the flagged lane by AI score, highest first")

    # Priority breaks a tie of scores: the later of two tied cases made stat
    # goes first.
    tied = {}
    for e in entries:
        if e["lane"] == "flagged":
            tied.setdefault(round(e["max_score"], 2), []).append(e)
    pair = next((group for group in tied.values() if len(group) >= 2), None)
    check(pair is not None, "two flagged cases share a score (to test the tie-breaker)")
    if pair:
        first, later = pair[0], pair[-1]
        run_ok(cli, "worklist", "priority", "--store", store, "--study", later["study_uid"],
               "--priority", "stat", "--reader", "trainer")
        order = [e["study_uid"]
                 for e in json.loads(run_ok(cli, "worklist", "--store", store, "--json").stdout)]
        check(order.index(later["study_uid"]) < order.index(first["study_uid"]),
              "a stat case goes before a routine one of the same score")

    fifo = json.loads(run_ok(cli, "worklist", "--store", store, "--sort", "fifo", "--json").stdout)
    times = [e["registered_at"] for e in fifo]
    check(times == sorted(times), "--sort fifo lists by arrival")

    # Assignment and next.
    top = entries[0]["study_uid"]
    run_ok(cli, "worklist", "assign", "--store", store, "--study", top, "--reader", "bob",
           "--by", "trainer")
    bobs = json.loads(run_ok(cli, "worklist", "--store", store, "--reader", "bob",
                             "--json").stdout)
    check([e["study_uid"] for e in bobs] == [top], "--reader lists the cases assigned to bob")
    nxt = json.loads(run_ok(cli, "worklist", "next", "--store", store, "--reader", "alice",
                            "--json").stdout)
    check(nxt and nxt["study_uid"] != top, "next skips a case assigned to someone else")
    check(nxt and nxt["patient"] == "", "next --json hides the patient")
    nxt = json.loads(run_ok(cli, "worklist", "next", "--store", store, "--reader", "bob",
                            "--json").stdout)
    check(nxt and nxt["study_uid"] == top,
          "next gives bob the case assigned to him before the unassigned ones")

    run_ok(cli, "worklist", "state", "--store", store, "--study", top, "--state", "read",
           "--reader", "bob")
    after = {e["study_uid"]: e for e in
             json.loads(run_ok(cli, "worklist", "--store", store, "--json").stdout)}
    check(after[top]["state"] == "read" and after[top]["lane"] == "done",
          "a case set read moves to the done lane")
    history = json.loads(run_ok(cli, "worklist", "history", "--store", store, "--study", top,
                                "--json").stdout)
    check([h["kind"] for h in history] == ["assign", "state"] and history[0]["actor"] == "trainer",
          "the case's history keeps the assignment and the state, with who made them")

    bad = run(cli, "worklist", "state", "--store", store, "--study", top, "--state", "finished",
              "--reader", "bob")
    check(bad.returncode == 1 and "not a reading state" in bad.stderr,
          "an unknown reading state is refused, saying why")
    bad = run(cli, "worklist", "assign", "--store", store, "--study", "1.2.3.4", "--reader", "x")
    check(bad.returncode == 1 and "1.2.3.4" in bad.stderr, "an unknown case is refused, named")
    deid = run_ok(cli, "worklist", "--store", store, "--deidentify").stdout
    check("PHANTOM" not in deid, "--deidentify hides patient names in the table")
    again = run_ok(cli, "worklist", "add", "--store", store, os.path.dirname(
        json.loads(run_ok(cli, "worklist", "--store", store, "--kind", "ct",
                          "--json").stdout)[0]["source"]))
    check("0 new" in again.stdout, "adding a study already listed changes nothing")


def grade_readers(cli, store, fundus):
    """Three readers grade the PNG photographs; returns their final grades."""
    truth = json.load(open(os.path.join(fundus, "truth.json")))["images"]
    finals = {"alice": {}, "bob": {}, "carol": {}}
    for i, image in enumerate(truth):
        uid = sha256_identity(os.path.join(fundus, image["file"]))
        grade = image["grade"]
        plan = {
            "alice": (min(4, grade + 1) if i % 5 == 0 else grade, True),
            "bob": (max(0, grade - 1) if i % 3 == 0 else grade, i != 4),
            "carol": ((grade + i) % 5, True),
        }
        for reader, (g, gradable) in plan.items():
            if reader == "alice" and i % 4 == 0:
                # A first grade she then revises: only the latest counts.
                run_ok(cli, "review", "grade", "--store", store, "--image", uid, "--grade",
                       str((g + 2) % 5), "--reader", reader)
            args = ["review", "grade", "--store", store, "--image", uid, "--grade", str(g),
                    "--reader", reader]
            if not gradable:
                args.append("--ungradable")
            run_ok(cli, *args)
            finals[reader][uid] = (g, gradable, image["grade"], image.get("gradable", True))
    return finals


def expected_fundus(reads):
    tp = fn = tn = fp = agree = 0
    pairs = []
    for g, gradable, ref, ref_gradable in reads.values():
        agree += gradable == ref_gradable
        if ref_gradable:
            referred = (not gradable) or g >= 2
            if ref >= 2:
                tp, fn = tp + referred, fn + (not referred)
            else:
                fp, tn = fp + referred, tn + (not referred)
        if gradable and ref_gradable:
            pairs.append((g, ref))
    return tp, fn, tn, fp, agree, pairs


def check_fundus_stats(cli, store, fundus, finals):
    stats = json.loads(run_ok(cli, "review", "stats", "--store", store, "--reference", fundus,
                              "--json", "--resamples", "500").stdout)
    by_reader = {r["reader"]: r for r in stats["readers"]}
    check(set(by_reader) == {"alice", "bob", "carol"}, "every fundus reader has figures")
    for reader, reads in finals.items():
        figures = by_reader.get(reader)
        if not figures:
            continue
        tp, fn, tn, fp, agree, pairs = expected_fundus(reads)
        sens = figures["referable_sensitivity"]
        p, low, high = wilson(tp, tp + fn)
        check(close(sens["value"], p) and close(sens["ci95"][0], low) and
              close(sens["ci95"][1], high) and sens["n"] == tp + fn,
              f"{reader}: referable sensitivity {p:.3f} ({low:.3f}-{high:.3f}) and its Wilson "
              "interval")
        spec = figures["referable_specificity"]
        p, low, high = wilson(tn, tn + fp)
        check(close(spec["value"], p) and close(spec["ci95"][0], low) and
              close(spec["ci95"][1], high), f"{reader}: specificity {p:.3f} and its interval")
        gradability = figures["gradability_agreement"]
        check(close(gradability["value"], agree / len(reads)),
              f"{reader}: gradability agreement {agree}/{len(reads)}")
        if cohen_kappa_score:
            raters, reference = [a for a, _ in pairs], [b for _, b in pairs]
            kappa = cohen_kappa_score(raters, reference, labels=list(range(5)))
            qwk = cohen_kappa_score(raters, reference, labels=list(range(5)),
                                    weights="quadratic")
            k, q = figures["kappa"], figures["quadratic_weighted_kappa"]
            check(close(k["value"], kappa, 1e-9) and k["ci95"][0] <= kappa <= k["ci95"][1],
                  f"{reader}: kappa {kappa:.4f} as sklearn's, inside its bootstrap interval")
            check(close(q["value"], qwk, 1e-9) and q["ci95"][0] <= qwk <= q["ci95"][1],
                  f"{reader}: quadratic-weighted kappa {qwk:.4f} as sklearn's")
        else:
            check(False, "python3-sklearn is installed for the kappa cross-check")
        check(len(figures["photographs"]) == len(reads),
              f"{reader}: every graded photograph is in the drill-down")
    alice = by_reader.get("alice", {})
    check(alice.get("seconds_per_case", {}).get("n", 0) >= 1,
          "time per case from a reader's first to last record (never opened in the window)")
    check(stats["ai"]["referable_sensitivity"]["n"] > 0,
          "the AI's figures on the same photographs are reported beside the readers'")

    peers = run_ok(cli, "review", "stats", "--store", store, "--reference", fundus, "--reader",
                   "alice", "--json", "--resamples", "200").stdout
    parsed = json.loads(peers)
    check([r["reader"] for r in parsed["readers"]] == ["alice", "peer 1", "peer 2"],
          "--reader alice: her figures, then anonymised peers")
    check("bob" not in peers and "carol" not in peers, "no peer's name in the peer comparison")
    nobody = run(cli, "review", "stats", "--store", store, "--reference", fundus, "--reader",
                 "nobody")
    check(nobody.returncode == 1 and "nobody" in nobody.stderr,
          "a reader who read nothing is an error that names them")
    baddate = run(cli, "review", "stats", "--store", store, "--reference", fundus, "--from",
                  "last week")
    check(baddate.returncode == 2 and "--from" in baddate.stderr, "a date that is not one is refused")
    future = run(cli, "review", "stats", "--store", store, "--reference", fundus, "--from",
                 "20991231", "--json")
    check(future.returncode == 0 and json.loads(future.stdout)["readers"] == [],
          "--from as YYYYMMDD selects by the day the reads were recorded (none after 2099)")
    missing = run(cli, "review", "stats", "--store", store, "--reference", "/nonexistent/ref")
    check(missing.returncode == 1 and "/nonexistent/ref" in missing.stderr,
          "a missing reference is an error that names it")


def read_ct(cli, store, ct_root):
    """dave reads each CT study: confirms the AI's first finding, rejects the
    second, moves the third onto a nodule and adds the last nodule."""
    export = json.loads(run_ok(cli, "review", "export", "--json", "--store", store).stdout)
    runs = {}
    for r in export["model_runs"]:
        runs[r["study_uid"]] = r
    expected = {"nodules": 0, "hits": 0, "fps": [], "confirmed": 0, "rejected": 0, "edited": 0,
                "ai": 0, "marks": 0}
    for case in sorted(os.listdir(ct_root)):
        folder = os.path.join(ct_root, case)
        truth = json.load(open(os.path.join(folder, "truth.json")))["nodules"]
        info = json.loads(run_ok(cli, "info", folder, "--json").stdout)
        study = info["series"][0]["study_uid"]
        findings = runs[study]["findings"]
        marks = []
        calls = {}
        if len(findings) > 0:
            calls[findings[0]["id"]] = ("confirm", findings[0]["center_mm"])
        if len(findings) > 1:
            calls[findings[1]["id"]] = ("reject", None)
        if len(findings) > 2 and truth:
            calls[findings[2]["id"]] = ("edit", truth[0]["center_mm"])
        for fid, (kind, center) in calls.items():
            args = ["review", "decide", "--store", store, "--study", study, "--finding", str(fid),
                    "--decision", kind, "--reader", "dave"]
            if kind == "edit":
                args += ["--center", ",".join(str(c) for c in center)]
            run_ok(cli, *args)
            if center:
                marks.append(center)
            expected[{"confirm": "confirmed", "reject": "rejected", "edit": "edited"}[kind]] += 1
        expected["ai"] += len(findings)
        # The last nodule, or a point far from any when the case has none.
        added = truth[-1]["center_mm"] if truth else [500.0, 500.0, 500.0]
        run_ok(cli, "review", "add", "--store", store, "--study", study, "--center",
               ",".join(str(c) for c in added), "--diameter", "5", "--reader", "dave")
        marks.append(added)
        hit = [False] * len(truth)
        fps = 0
        for m in marks:
            on = [i for i, n in enumerate(truth)
                  if math.dist(m, n["center_mm"]) <= n["diameter_mm"] / 2]
            if on:
                hit[on[0]] = True
            else:
                fps += 1
        expected["nodules"] += len(truth)
        expected["marks"] += len(marks)
        expected["hits"] += sum(hit)
        expected["fps"].append(fps)
    return expected


def check_expert_reference(cli, store, ct_root, work):
    """An expert's read, exported as an SR and filed by `review import-sr`,
    is the reference readers are judged against: the expert against their
    own report finds every nodule with no false positive."""
    case = os.path.join(ct_root, sorted(os.listdir(ct_root))[0])
    exported = os.path.join(work, "expert-export")
    run_ok(cli, "export", case, "--out", exported, "--store", store, "--reader", "dave")
    references = os.path.join(work, "expert-references")
    filed = run_ok(cli, "review", "import-sr", os.path.join(exported, "sr.dcm"), "--into",
                   references)
    nodules = int(filed.stdout.split(": ")[1].split(" ")[0])
    check(nodules >= 1 and "1 report filed" in filed.stdout,
          f"import-sr files the expert's report with its {nodules} nodules")
    stats = json.loads(run_ok(cli, "review", "stats", "--store", store, "--reference",
                              references, "--json").stdout)
    dave = next((r for r in stats["readers"] if r["reader"] == "dave"), None)
    check(dave is not None and dave["sensitivity"]["value"] == 1.0 and
          dave["sensitivity"]["n"] == nodules and dave["fp_per_case"]["value"] == 0.0,
          "judged against their own imported report, the expert finds every nodule, no FP")
    again = run(cli, "review", "import-sr", os.path.join(exported, "seg-nodules.dcm"),
                os.path.join(exported, "sr.dcm"), "--into", references)
    check(again.returncode == 1 and "not a structured report" in again.stderr,
          "import-sr refuses what is not a structured report, naming it")
    other = os.path.join(work, "expert-export-2")
    run_ok(cli, "export", case, "--out", other, "--store", store, "--reader", "dave")
    second = run(cli, "review", "import-sr", os.path.join(other, "sr.dcm"), "--into", references)
    check(second.returncode == 1 and "already has a reference" in second.stderr,
          "a second report for the same study is refused without --replace")


def check_expert_grades(cli, fundus, work):
    """An expert's grades of DICOM photographs, exported as a DR screening SR
    and filed by `review import-sr`, are those photographs' reference: the
    expert judged against them agrees exactly, another reader as graded."""
    import pydicom
    store = os.path.join(work, "experts.sqlite")
    photos = sorted(f for f in os.listdir(fundus) if f.endswith(".dcm"))[:6]
    truth = {i["file"]: i for i in json.load(open(os.path.join(fundus, "truth.json")))["images"]}
    expert = {}
    for i, name in enumerate(photos):
        uid = str(pydicom.dcmread(os.path.join(fundus, name), stop_before_pixels=True).SOPInstanceUID)
        grade = truth.get(name, {}).get("grade", i % 5) if i % 2 == 0 else (i + 2) % 5
        expert[uid] = grade
        # finn first: the report carries each photograph's latest grade, the expert's.
        run_ok(cli, "review", "grade", "--store", store, "--image", uid, "--grade", "0",
               "--reader", "finn")
        run_ok(cli, "review", "grade", "--store", store, "--image", uid, "--grade", str(grade),
               "--reader", "erin")
    # Each synthetic photograph is a series of its own: one report per series.
    reports = []
    for i, name in enumerate(photos):
        series = str(pydicom.dcmread(os.path.join(fundus, name),
                                     stop_before_pixels=True).SeriesInstanceUID)
        exported = os.path.join(work, f"expert-grades-{i}")
        run_ok(cli, "export", fundus, "--series", series, "--out", exported, "--store", store,
               "--reader", "erin")
        reports.append(os.path.join(exported, "sr.dcm"))
    plain = reader_grades_in(reports[0])
    check(plain == {("finn", None, "No"), ("erin", None, "Yes")},
          f"without double reading, export's report gives each reader's grade, the latest final, "
          f"and no roles: {plain}")
    references = os.path.join(work, "expert-grade-references")
    filed = run_ok(cli, "review", "import-sr", *reports, "--into", references)
    check(filed.stdout.count("1 photograph grade ") == len(photos) and
          f"{len(photos)} reports filed" in filed.stdout,
          f"import-sr files the expert's {len(photos)} DR reports (one a series), one grade each")
    other = os.path.join(work, "expert-grades-again")
    run_ok(cli, "export", fundus, "--series", str(pydicom.dcmread(
        os.path.join(fundus, photos[0]), stop_before_pixels=True).SeriesInstanceUID),
        "--out", other, "--store", store, "--reader", "erin")
    twice = run(cli, "review", "import-sr", os.path.join(other, "sr.dcm"), "--into", references)
    check(twice.returncode == 1 and "already has a reference grade" in twice.stderr,
          "a second report grading the same photograph is refused: " + twice.stderr.strip())
    stats = json.loads(run_ok(cli, "review", "stats", "--store", store, "--reference",
                              references, "--json", "--resamples", "200").stdout)
    by_reader = {r["reader"]: r for r in stats["readers"]}
    erin, finn = by_reader.get("erin"), by_reader.get("finn")
    check(erin is not None and erin["kappa"]["value"] == 1.0 and
          len(erin["photographs"]) == len(photos),
          "judged against her own imported grades, the expert agrees exactly (kappa 1)")
    referable = sum(1 for g in expert.values() if g >= 2)
    check(finn is not None and referable > 0 and finn["referable_sensitivity"]["value"] == 0.0
          and finn["referable_sensitivity"]["n"] == referable,
          f"a reader who graded every photograph 0 misses the expert's {referable} referable")


def reader_grades_in(report):
    """(reader, role, final) of each reader's grade in a DR screening SR; role
    and final are code meanings, None where the report does not say."""
    import pydicom

    def meaning(item, attribute):
        return str(item[attribute][0].CodeMeaning) if attribute in item else None

    def walk(items):
        for item in items:
            yield item
            yield from walk(item.get("ContentSequence", []))

    found = set()
    for item in walk(pydicom.dcmread(report).ContentSequence):
        if meaning(item, "ConceptNameCodeSequence") != "Reader's grade":
            continue
        named = {meaning(c, "ConceptNameCodeSequence"): c for c in item.ContentSequence}
        observer = named.get("Person Observer Name")
        role = named.get("Person Observer's Role in this Procedure")
        final = named.get("Final grade")
        found.add((str(observer.PersonName).rstrip("^") if observer else None,
                   meaning(role, "ConceptCodeSequence") if role else None,
                   meaning(final, "ConceptCodeSequence") if final else None))
    return found


def check_export_roles(cli, fundus, work):
    """`export` writes the double-reading roles and the final grade, as the
    site's policy has them."""
    import pydicom
    store = os.path.join(work, "roles.sqlite")
    first = os.path.join(fundus, sorted(f for f in os.listdir(fundus) if f.endswith(".dcm"))[0])
    photo = pydicom.dcmread(first, stop_before_pixels=True)
    run_ok(cli, "worklist", "policy", "--store", store, "--double-reading", "all",
           "--reader", "lead")
    for reader in ("alice", "bob"):  # they agree: the primary's grade is taken
        run_ok(cli, "review", "grade", "--store", store, "--image", str(photo.SOPInstanceUID),
               "--grade", "3", "--reader", reader)
    exported = os.path.join(work, "roles-export")
    run_ok(cli, "export", fundus, "--series", str(photo.SeriesInstanceUID), "--out", exported,
           "--store", store, "--reader", "alice")
    grades = reader_grades_in(os.path.join(exported, "sr.dcm"))
    check(grades == {("alice", "Primary grader", "Yes"), ("bob", "Second grader", "No")},
          f"export's report names the primary and second graders and the final grade: {grades}")


def check_ct_stats(cli, store, ct_root, expected, mrmc):
    stats = json.loads(run_ok(cli, "review", "stats", "--store", store, "--reference", ct_root,
                              "--json", "--mrmc-out", mrmc).stdout)
    dave = next((r for r in stats["readers"] if r["reader"] == "dave"), None)
    check(dave is not None, "the CT reader has figures")
    if not dave:
        return
    p, low, high = wilson(expected["hits"], expected["nodules"])
    sens = dave["sensitivity"]
    check(close(sens["value"], p) and close(sens["ci95"][0], low) and
          close(sens["ci95"][1], high),
          f"CT sensitivity {expected['hits']}/{expected['nodules']} with its Wilson interval")
    fp = sum(expected["fps"]) / len(expected["fps"])
    check(close(dave["fp_per_case"]["value"], fp) and dave["fp_per_case"]["n"] == 3,
          f"false positives per case {fp:.2f} over 3 cases")
    check(dave["froc_point"]["sensitivity"] == sens["value"],
          "the reader's FROC point is their sensitivity and false-positive rate")
    check(close(dave["confirm_rate"]["value"], expected["confirmed"] / expected["ai"]) and
          close(dave["reject_rate"]["value"], expected["rejected"] / expected["ai"]) and
          close(dave["edit_rate"]["value"], expected["edited"] / expected["ai"]),
          "confirm, reject and edit rates of the AI's findings")
    check(dave["added"] == 3, "each added finding counted")
    check(len(stats["ai"]["froc"]) > 0 and stats["ai"]["ct_cases"],
          "the AI's FROC curve on the same cases")

    with open(os.path.join(mrmc, "ct-froc-marks.csv")) as f:
        rows = list(csv.DictReader(f))
    check(sum(r["reader"] == "dave" for r in rows) == expected["marks"],
          f"the FROC marks file has the reader's {expected['marks']} marks")
    check(sum(r["reader"] == "dave" and r["type"] == "NL" for r in rows) == sum(expected["fps"]),
          "the reader's non-lesion marks are their false positives")
    check(any(r["reader"] == "AI" for r in rows), "the AI's marks are in the FROC file too")
    with open(os.path.join(mrmc, "ct-froc-truth.csv")) as f:
        truth_rows = list(csv.DictReader(f))
    check(sum(r["lesion"] != "0" for r in truth_rows) == expected["nodules"],
          "the FROC truth file lists every nodule")


def study_of(cli, folder):
    return json.loads(run_ok(cli, "info", folder, "--json").stdout)["series"][0]["study_uid"]


def check_second_ct_reader(cli, store, ct_root, dave_expected, mrmc):
    """cora reads the CT studies too, confirming every AI finding: her figures,
    her place among dave's anonymised peers and the CT MRMC files, each
    against what is computed here from truth.json and the AI's findings."""
    export = json.loads(run_ok(cli, "review", "export", "--json", "--store", store).stdout)
    runs = {r["study_uid"]: r for r in export["model_runs"]}
    nodules = hits = findings_total = 0
    fps, case_truth, cora_scores, ai_scores, cora_fps = [], {}, {}, {}, 0
    for case in sorted(os.listdir(ct_root)):
        folder = os.path.join(ct_root, case)
        truth = json.load(open(os.path.join(folder, "truth.json")))["nodules"]
        study = study_of(cli, folder)
        findings = runs[study]["findings"]
        for f in findings:
            run_ok(cli, "review", "decide", "--store", store, "--study", study, "--finding",
                   str(f["id"]), "--decision", "confirm", "--reader", "cora")
        if not findings:  # a reading state makes the case hers all the same
            run_ok(cli, "worklist", "state", "--store", store, "--study", study, "--state",
                   "read", "--reader", "cora")
        hit = [False] * len(truth)
        case_fps = 0
        for f in findings:
            on = [i for i, n in enumerate(truth)
                  if math.dist(f["center_mm"], n["center_mm"]) <= n["diameter_mm"] / 2]
            if on:
                hit[on[0]] = True
            else:
                case_fps += 1
        nodules += len(truth)
        hits += sum(hit)
        fps.append(case_fps)
        findings_total += len(findings)
        case_truth[study] = 1 if truth else 0
        cora_scores[study] = 1.0 if findings else 0.0
        ai_scores[study] = max((f["score"] for f in findings), default=0.0)
    stats = json.loads(run_ok(cli, "review", "stats", "--store", store, "--reference", ct_root,
                              "--json", "--mrmc-out", mrmc).stdout)
    cora = next((r for r in stats["readers"] if r["reader"] == "cora"), None)
    check(cora is not None, "the second CT reader has figures")
    if not cora:
        return
    p, low, high = wilson(hits, nodules)
    check(close(cora["sensitivity"]["value"], p) and close(cora["sensitivity"]["ci95"][0], low)
          and close(cora["sensitivity"]["ci95"][1], high) and cora["sensitivity"]["n"] == nodules,
          f"second reader: CT sensitivity {hits}/{nodules} with its Wilson interval")
    check(close(cora["fp_per_case"]["value"], sum(fps) / len(fps)) and
          cora["fp_per_case"]["n"] == len(fps),
          f"second reader: false positives per case {sum(fps) / len(fps):.2f}")
    check(findings_total > 0, "the AI found something on the CT studies")
    if findings_total:
        p, low, high = wilson(findings_total, findings_total)
        check(close(cora["confirm_rate"]["value"], 1.0) and
              close(cora["confirm_rate"]["ci95"][0], low) and
              close(cora["reject_rate"]["value"], 0.0) and
              close(cora["edit_rate"]["value"], 0.0) and cora["added"] == 0,
              "second reader: every AI finding confirmed, none rejected")
    timed = [c["seconds"] for c in cora["ct_cases"] if c["seconds"] is not None]
    check(cora["seconds_per_case"]["n"] == len(timed) and
          (not timed or close(cora["seconds_per_case"]["value"], statistics.median(timed))),
          "second reader: the median time per case is the median of the cases' own times")

    # Whoever else set a reading state on a CT study (the worklist's checks) counts too.
    others = [r["reader"] for r in stats["readers"] if r["reader"] not in ("dave", "cora")]
    peers = json.loads(run_ok(cli, "review", "stats", "--store", store, "--reference", ct_root,
                              "--reader", "dave", "--json").stdout)["readers"]
    as_peer = [r for r in peers[1:] if r["sensitivity"]["n"] == nodules and
               close(r["sensitivity"]["value"], cora["sensitivity"]["value"]) and
               close(r["fp_per_case"]["value"], cora["fp_per_case"]["value"]) and
               close(r["confirm_rate"]["value"], 1.0)]
    check([r["reader"] for r in peers] ==
          ["dave"] + [f"peer {i + 1}" for i in range(len(others) + 1)] and as_peer and
          "cora" not in json.dumps(peers),
          "with --reader dave, the second CT reader is an anonymised peer with her figures")

    ids = {r["reader"]: r["reader_id"] for r in csv.DictReader(open(os.path.join(mrmc,
                                                                                  "readers.csv")))}
    with open(os.path.join(mrmc, "ct-froc-truth.csv")) as f:
        numbers = {r["case_uid"]: r["case"] for r in csv.DictReader(f)}
    lines = open(os.path.join(mrmc, "ct-nodules.imrmc")).read().splitlines()
    header = dict(line.split(": ") for line in lines if line[:3] in ("NR:", "N0:", "N1:", "NM:"))
    ours = ("-1", ids["cora"], ids["dave"])
    data = {row for row in lines[lines.index("BEGIN DATA:") + 1:] if row.split(",")[0] in ours}
    expected_rows = {f"-1,{numbers[s]},0,{t}" for s, t in case_truth.items()}
    for study, score in cora_scores.items():
        expected_rows.add(f"{ids['cora']},{numbers[study]},READER,{score:g}")
        # dave added a mark on every case: his score is 1 on each.
        expected_rows.add(f"{ids['dave']},{numbers[study]},READER,1")
        for reader in ("cora", "dave"):
            expected_rows.add(f"{ids[reader]},{numbers[study]},AI,{ai_scores[study]:.10g}")
    check(header.get("NR") == str(2 + len(others)) and header.get("NM") == "2" and
          int(header.get("N1", -1)) == sum(case_truth.values()) and data == expected_rows,
          "CT iMRMC: truth rows, each reader's case score and the AI's, as computed here")

    def table(name):
        with open(os.path.join(mrmc, name)) as f:
            return list(csv.DictReader(f))
    truth_table = table("ct-rjafroc-truth.csv")
    check(sum(r["LesionID"] != "0" for r in truth_table) == nodules and
          all(abs(sum(float(r["Weight"]) for r in truth_table if r["CaseID"] == c) - t) < 1e-9
              for c, t in ((numbers[s], t) for s, t in case_truth.items())),
          "RJafroc truth: every nodule, each abnormal case's weights summing to 1")
    nl, ll = table("ct-rjafroc-nl.csv"), table("ct-rjafroc-ll.csv")
    mine = lambda rows, reader: [r for r in rows if r["ReaderID"] == ids[reader] and
                                 r["ModalityID"] == "READER"]
    check(len(mine(nl, "cora")) == sum(fps) and len(mine(ll, "cora")) == hits and
          len(mine(nl, "dave")) == sum(dave_expected["fps"]) and
          len(mine(ll, "dave")) == dave_expected["hits"],
          "RJafroc NL and LL: each reader's false positives and the nodules they found")


def check_case_review(cli, store, ct_root):
    folder = os.path.join(ct_root, sorted(os.listdir(ct_root))[0])
    study = json.loads(run_ok(cli, "info", folder, "--json").stdout)["series"][0]["study_uid"]
    truth = json.load(open(os.path.join(folder, "truth.json")))["nodules"]
    run_ok(cli, "review", "comment", "--store", store, "--study", study, "--finding", "2",
           "--text", "was this rejection right?", "--reader", "trainer")
    run_ok(cli, "review", "comment", "--store", store, "--study", study, "--text",
           "teaching case", "--reader", "trainer")
    review = json.loads(run_ok(cli, "review", "case", "--store", store, "--study", study,
                               "--reference", ct_root, "--json").stdout)
    check(review["readers"] == ["dave"] and review["has_reference"],
          "review case: the case's readers and its reference")
    ai = [f for f in review["findings"] if f["source"] == "ai"]
    own = [f for f in review["findings"] if f["source"] == "reader"]
    check(len(own) == 1 and own[0]["added_by"] == "dave", "the reader's own finding is listed")
    calls = {f["finding_id"]: f["calls"][0]["call"] for f in ai}
    check(calls.get(1) == "confirm" and calls.get(2) == "reject",
          "each AI finding with the reader's call on it")
    second = next((f for f in ai if f["finding_id"] == 2), None)
    check(second is not None and [c["text"] for c in second["comments"]] ==
          ["was this rejection right?"], "a comment on a finding is shown with it")
    check([c["text"] for c in review["comments"]] == ["teaching case"],
          "a comment on the case is shown with the case")
    for f in ai:
        expected = next((i + 1 for i, n in enumerate(truth)
                         if math.dist(f["center_mm"], n["center_mm"]) <= n["diameter_mm"] / 2), 0)
        if f["lesion"] != expected:
            check(False, f"AI finding {f['finding_id']} is placed on the right nodule")
            break
    else:
        check(True, "every AI finding is placed on its reference nodule (or none)")
    check(len(review["lesions"]) == len(truth) and
          all(lesion["found_by"] == ["dave"] or lesion["missed_by"] == ["dave"]
              for lesion in review["lesions"]),
          "each reference nodule says whether the reader found or missed it")
    text = run_ok(cli, "review", "case", "--store", store, "--study", study, "--reference",
                  ct_root).stdout
    check("nodule 1" in text and "comment by trainer" in text, "the text view says the same")
    unknown = run(cli, "review", "case", "--store", store, "--study", "9.9.9")
    check(unknown.returncode == 1 and "9.9.9" in unknown.stderr, "an unknown case is named")


def check_imrmc(cli, store, fundus, finals, mrmc):
    run_ok(cli, "review", "stats", "--store", store, "--reference", fundus, "--mrmc-out", mrmc)
    lines = open(os.path.join(mrmc, "fundus-referable.imrmc")).read().splitlines()
    header = dict(line.split(": ") for line in lines if line[:3] in ("NR:", "N0:", "N1:", "NM:"))
    data = lines[lines.index("BEGIN DATA:") + 1:]
    truth_rows = [r.split(",") for r in data if r.startswith("-1,")]
    gradable_refs = {uid: ref for uid, (_, _, ref, ref_ok) in finals["alice"].items() if ref_ok}
    check(header.get("NR") == "3", "iMRMC: three readers")
    check(int(header.get("N0", -1)) + int(header.get("N1", -1)) == len(gradable_refs) and
          len(truth_rows) == len(gradable_refs),
          "iMRMC: one truth row per reference-gradable photograph, N0 + N1 of them")
    check(int(header.get("N1", -1)) == sum(ref >= 2 for ref in gradable_refs.values()),
          "iMRMC: N1 counts the referable photographs")
    reads = [r.split(",") for r in data if r and not r.startswith("-1,")]
    check(sum(r[2] == "READER" for r in reads) == 3 * len(gradable_refs),
          "iMRMC: one score row per reader and case")
    # Every photograph was batch-analysed: the AI's probability under each reader's number.
    ai = [r for r in reads if r[2] == "AI"]
    check(header.get("NM") == "2" and len(ai) == 3 * len(gradable_refs) and
          all(0.0 <= float(r[3]) <= 1.0 for r in ai),
          "iMRMC: the AI as a second modality, its referable probability for each reader and case")


def check_double_reading(cli, work):
    store = os.path.join(work, "double.sqlite")
    photos = os.path.join(work, "double-photos")
    run_ok(cli, "synth", "fundus", "--out", photos, "--count", "3", "--seed", "11", "--size", "128")
    run_ok(cli, "worklist", "add", photos, "--store", store)
    refused = run(cli, "worklist", "policy", "--store", store, "--double-reading", "sometimes",
                  "--reader", "lead")
    check(refused.returncode == 2, "an unknown double-reading policy is refused")
    shown = run_ok(cli, "worklist", "policy", "--store", store, "--double-reading", "abnormal",
                   "--reader", "lead").stdout
    check("double reading: abnormal" in shown, "the site's double-reading policy is set")
    pngs = sorted(f for f in os.listdir(photos) if f.endswith(".png") and "lesions" not in f)
    uids = [sha256_identity(os.path.join(photos, f)) for f in pngs]
    normal, disputed, agreed = uids

    def grade(uid, reader, value):
        run_ok(cli, "review", "grade", "--store", store, "--image", uid, "--grade", str(value),
               "--reader", reader)

    def entries(*options):
        listed = json.loads(run_ok(cli, "worklist", "--store", store, "--json", *options).stdout)
        return {e["study_uid"]: e for e in listed}

    grade(normal, "alice", 0)
    grade(disputed, "alice", 3)
    grade(agreed, "alice", 2)
    now = entries()
    check(now[normal]["stage"] == "final" and now[normal]["state"] == "read",
          "a photograph graded normal (and not flagged by the AI) is final at once")
    check(now[disputed]["stage"] == "second-read" and now[disputed]["state"] == "in-progress",
          "an abnormal grade sends the photograph to a second reading")
    second = entries("--stage", "second-read")
    check(set(second) == {disputed, agreed}, "--stage second-read lists what awaits a second grader")
    nxt = json.loads(run_ok(cli, "worklist", "next", "--store", store, "--reader", "alice",
                            "--json").stdout)
    check(nxt is None or nxt["study_uid"] not in (disputed, agreed),
          "the primary grader is never given their own photograph to second-read")
    blind = run(cli, "review", "grades", "--store", store, "--image", disputed, "--reader", "bob",
                "--json")
    check(blind.returncode == 0 and json.loads(blind.stdout) == [] and "hidden" in blind.stderr,
          "the second grader does not see the first grade")
    own = json.loads(run_ok(cli, "review", "grades", "--store", store, "--image", disputed,
                            "--reader", "alice", "--json").stdout)
    check(len(own) == 1 and own[0]["grade"] == 3, "the primary grader sees their own grade")

    grade(disputed, "bob", 0)
    grade(agreed, "bob", 3)
    now = entries()
    check(now[agreed]["stage"] == "final" and now[agreed]["final_grade"] == 3,
          "two graders who agree on the referral: final, the more severe grade")
    check(now[disputed]["stage"] == "arbitration", "a disagreement goes to arbitration")
    check(set(entries("--stage", "arbitration")) == {disputed}, "the arbitration queue")
    for reader in ("alice", "bob"):
        nxt = json.loads(run_ok(cli, "worklist", "next", "--store", store, "--reader", reader,
                                "--json").stdout)
        check(nxt is None or nxt["study_uid"] != disputed,
              f"{reader}, one of the two graders, is not given the arbitration")
    grade(disputed, "carol", 2)
    now = entries()
    check(now[disputed]["stage"] == "final" and now[disputed]["final_grade"] == 2 and
          now[disputed]["state"] == "read", "the arbiter's grade is final")
    audit = run(cli, "audit", "verify", "--store", store)
    check(audit.returncode == 0, "the double-reading store's audit chain is intact")


def main():
    cli, models, work = sys.argv[1], sys.argv[2], sys.argv[3]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    store = os.path.join(work, "review.sqlite")
    fundus, ct = os.path.join(work, "fundus"), os.path.join(work, "ct")
    run_ok(cli, "synth", "fundus", "--out", fundus, "--count", "30", "--seed", "7", "--size", "256")
    run_ok(cli, "synth", "ct", "--out", ct, "--count", "3", "--seed", "5", "--size", "96x96x48",
           "--nodules", "3")
    run_ok(cli, "batch", "--input", fundus, "--model", os.path.join(models, "fundus-bundle"),
           "--out", os.path.join(work, "batch"), "--store", store, "--reader", "screening")
    for case in sorted(os.listdir(ct)):
        run_ok(cli, "analyze", os.path.join(ct, case), "--model",
               os.path.join(models, "blob3d-bundle"), "--out", os.path.join(work, "ai", case),
               "--store", store)
    check_worklist(cli, store)
    # A folder of several studies added at once: each opens from its own folder.
    several = os.path.join(work, "several.sqlite")
    run_ok(cli, "worklist", "add", ct, "--store", several)
    sources = sorted(e["source"] for e in
                     json.loads(run_ok(cli, "worklist", "--store", several, "--json").stdout))
    check(sources == sorted(os.path.abspath(os.path.join(ct, c)) for c in os.listdir(ct)),
          "a folder of studies added at once: each study opens from its own folder")
    finals = grade_readers(cli, store, fundus)
    check_fundus_stats(cli, store, fundus, finals)
    expected = read_ct(cli, store, ct)
    check_ct_stats(cli, store, ct, expected, os.path.join(work, "mrmc-ct"))
    check_imrmc(cli, store, fundus, finals, os.path.join(work, "mrmc-fundus"))
    check_case_review(cli, store, ct)
    check_expert_reference(cli, store, ct, work)
    check_second_ct_reader(cli, store, ct, expected, os.path.join(work, "mrmc-ct-2"))
    check_expert_grades(cli, fundus, work)
    check_export_roles(cli, fundus, work)
    check_double_reading(cli, work)
    disagreements = json.loads(run_ok(cli, "worklist", "--store", store, "--disagreement",
                                      "--json").stdout)
    check(disagreements and all(e["disagreement"] for e in disagreements) and
          any(e["kind"] == "ct" for e in disagreements),
          "--disagreement lists the cases where a reader and the AI differ (a rejected CT "
          "finding among them)")
    audit = run(cli, "audit", "verify", "--store", store)
    check(audit.returncode == 0, "the audit chain is intact after all of it")
    print(f"{len(FAILURES)} failures")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
