#!/usr/bin/env python3
"""Teaching files end to end: a synthetic CT study and a fundus photograph,
analysed into a store, read by two readers and commented by a trainer, then
exported with `vigie-cli teach export`.

    teaching_test.py VIGIE_CLI TEST_MODELS WORK_DIR

- The package holds the de-identified series, SR and SEG, key images, the
  summary as HTML and PDF, and a manifest; it opens back in Vigie
  (`vigie-cli info` finds the series, the SR and the SEG).
- Nothing identifying survives anywhere in it: not the patient's name or ID,
  the study date, the original UIDs, nor the readers' and trainer's names
  (in the DICOM, the HTML, the PDF's text and bytes, the JSON); the
  trainer's free text loses them too.
- The HTML is opened in a real browser (headless Chromium, screenshot) and
  the PDF rendered to PNG (pdftoppm); both show the page (not blank), the
  key images show the marks (yellow); the screenshots stay in WORK_DIR.
- `--unknown` leaves out the findings, the diagnosis, the discussion, the SR
  and SEG and the marks.
- A photograph's teaching file carries the model's answer, the grades and
  the reference grade, a re-encoded image without its file's metadata (the
  model's lesion regions outlined on it and counted in its caption), and
  the DR screening SR (the reader's grade, the model's recorded answer)
  de-identified in the photograph's study; its HTML and PDF are looked at
  as the CT package's are. Chromium missing is a failure, not a skip: the
  test dependencies install it.
- Bad requests (an unknown case, a folder that is not empty) are refused
  with a message, and leave nothing behind.
"""
import glob
import json
import os
import shutil
import subprocess
import sys

from checks import FAILURES, check, run, run_ok

READERS = ["dave_moreau", "erin_kowalski"]
TRAINER = "prof_lambert"


def package_bytes(folder):
    """Every file of the package, with its bytes (and the PDF's text)."""
    out = {}
    for path in glob.glob(os.path.join(folder, "**", "*"), recursive=True):
        if os.path.isfile(path):
            with open(path, "rb") as f:
                out[path] = f.read()
            if path.endswith(".pdf") and shutil.which("pdftotext"):
                text = subprocess.run(["pdftotext", path, "-"], capture_output=True).stdout
                out[path + " (text)"] = text
            if path.endswith(".dcm"):
                dump = subprocess.run(["dcmdump", path], capture_output=True).stdout
                out[path + " (dump)"] = dump
    return out


def leaks(folder, secrets):
    found = []
    for path, data in package_bytes(folder).items():
        lowered = data.lower()
        for secret in secrets:
            if secret.lower().encode() in lowered:
                found.append(f"{secret} in {os.path.relpath(path, folder)}")
    return found


def is_not_blank(png, work, expect_yellow):
    """Whether an image shows something (many grey levels), and yellow marks
    (expect_yellow None: whichever)."""
    probe = subprocess.run(
        ["/usr/bin/python3", "-c",
         "import sys\nfrom PIL import Image\n"
         "im = Image.open(sys.argv[1]).convert('RGB')\n"
         "px = list(im.getdata())\n"
         "levels = len(set(px))\n"
         "yellow = sum(1 for r, g, b in px if r > 200 and g > 170 and b < 90)\n"
         "print(levels, yellow)", png], capture_output=True, text=True)
    if probe.returncode != 0:
        print(probe.stderr)
        return False
    levels, yellow = (int(v) for v in probe.stdout.split())
    print(f"       {os.path.relpath(png, work)}: {levels} colours, {yellow} yellow pixels")
    return levels > 50 and (expect_yellow is None or (yellow > 20) == expect_yellow)


def ai_region_pixels(png):
    """How many pixels of an image are the model's lesion region colour
    (dashed violet, 150 90 255 as TeachingRendering.h's kAiRegionColor)."""
    probe = subprocess.run(
        ["/usr/bin/python3", "-c",
         "import sys\nfrom PIL import Image\n"
         "px = Image.open(sys.argv[1]).convert('RGB').getdata()\n"
         "print(sum(1 for r, g, b in px\n"
         "          if abs(r - 150) < 40 and abs(g - 90) < 40 and abs(b - 255) < 40))", png],
        capture_output=True, text=True)
    if probe.returncode != 0:
        print(probe.stderr)
        return -1
    return int(probe.stdout)


def top_level(dcm, tag):
    """A DICOM file's top-level value of a tag ("0020,000d"), as dcmdump shows it."""
    dump = subprocess.run(["dcmdump", dcm], capture_output=True, text=True).stdout
    for line in dump.splitlines():
        if line.startswith(f"({tag})") and "[" in line:
            return line.split("[", 1)[1].split("]", 1)[0]
    return None


def screenshot_html(html, png):
    """A headless Chromium screenshot of the page; None when none was made.
    Chromium is a test dependency (packaging/install-deps.sh installs it):
    its absence fails the test rather than skipping the browser check."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    check(chromium is not None,
          "headless Chromium is installed (packaging/install-deps.sh installs the "
          "`chromium` package; without it the HTML is not checked in a browser)")
    if chromium is None:
        return None
    subprocess.run([chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", "--window-size=1100,1800", f"--screenshot={png}",
                    "file://" + os.path.abspath(html)],
                   capture_output=True, timeout=120)
    return png if os.path.exists(png) else None


def render_pdf(pdf, prefix):
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", pdf, prefix],
                   capture_output=True, timeout=120)
    pages = sorted(glob.glob(prefix + "*.png"))
    return pages[0] if pages else None


def check_ct(cli, models, work, store):
    ct = os.path.join(work, "ct")
    run_ok(cli, "synth", "ct", "--out", ct, "--count", "1", "--seed", "5", "--size", "96x96x48",
           "--nodules", "3")
    case = os.path.join(ct, "case_000")
    run_ok(cli, "analyze", case, "--model", os.path.join(models, "blob3d-bundle"), "--out",
           os.path.join(work, "ai"), "--store", store)
    info = json.loads(run_ok(cli, "info", case, "--json").stdout)
    study = info["series"][0]["study_uid"]
    series_uid = info["series"][0]["series_uid"]
    runs = json.load(open(os.path.join(work, "ai", "findings.json")))["findings"]
    check(len(runs) >= 2, "the model found something to teach on")
    first, second = runs[0]["id"], runs[1]["id"]
    run_ok(cli, "review", "decide", "--store", store, "--study", study, "--finding", str(first),
           "--decision", "confirm", "--reader", READERS[0])
    run_ok(cli, "review", "decide", "--store", store, "--study", study, "--finding", str(second),
           "--decision", "reject", "--reader", READERS[0])
    run_ok(cli, "review", "decide", "--store", store, "--study", study, "--finding", str(second),
           "--decision", "confirm", "--reader", READERS[1], "--note",
           f"{READERS[1]} saw it on 2026-01-01")
    run_ok(cli, "review", "comment", "--store", store, "--study", study, "--text",
           f"PHANTOM case (VIGIE-SYNTH), scanned 20260101: {READERS[0]} got finding "
           f"{second} right", "--reader", TRAINER)
    run_ok(cli, "review", "comment", "--store", store, "--study", study, "--finding",
           str(second), "--text", "a vessel, followed over three slices", "--reader", TRAINER)

    package = os.path.join(work, "teaching-ct")
    result = run_ok(cli, "teach", "export", "--store", store, "--study", study, "--out", package,
                    "--reference", case, "--reader", TRAINER, "--history",
                    "Smoker, referred by Dr Who for cough.", "--diagnosis",
                    "Two solid nodules; the rest are artefacts of the test model.")
    check("wrote a teaching file" in result.stdout, "teach export says what it wrote")
    manifest = json.load(open(os.path.join(package, "teaching-file.json")))
    slices = glob.glob(os.path.join(package, "dicom", "series", "*.dcm"))
    check(len(slices) == 48, f"the package holds the whole series de-identified ({len(slices)})")
    check(os.path.exists(os.path.join(package, "dicom", "sr.dcm")) and
          os.path.exists(os.path.join(package, "dicom", "seg-nodules.dcm")),
          "the package holds the review as SR and SEG")
    images = [os.path.join(package, i["file"]) for i in manifest["key_images"]]
    check(len(images) >= 2 and all(os.path.exists(i) for i in images),
          f"key images are written ({len(images)})")
    check(any("reference nodule" in i["caption"] or "on nodule" in i["caption"] or
              "no reference nodule" in i["caption"] for i in manifest["key_images"]),
          "key images' captions say what the reference makes of each finding")

    # Opens back in Vigie: the series, the SR and the SEG are found, in one
    # (de-identified) study.
    reopened = json.loads(run_ok(cli, "info", package, "--json").stdout)
    by_modality = {s["modality"]: s for s in reopened["series"]}
    ct_series, seg_series = by_modality.get("CT", {}), by_modality.get("SEG", {})
    check(ct_series.get("images") == 48 and ct_series.get("view") == "volume",
          "vigie-cli info reads the package's CT series back as a volume")
    check(seg_series and seg_series["study_uid"] == ct_series.get("study_uid") != study,
          "the package's SEG is found, in the same de-identified study as the series")
    check([d["modality"] for d in reopened["documents"]] == ["SR"],
          "the package's SR is found beside them")

    html = open(os.path.join(package, "index.html"), encoding="utf-8").read()
    for section in ["History", "Images", "Findings", "Diagnosis", "Discussion"]:
        check(f"<h2>{section}</h2>" in html, f"the summary has a {section} section")
    check("Reader A" in html and "Reader B" in html and "Trainer A" in html,
          "readers and the trainer appear under their roles")
    check("PHANTOM" not in html and
          "[removed] case ([removed]), scanned [removed]: Reader A got" in html,
          "the trainer's comment loses the patient's name, ID and date, and says Reader A")
    check("Smoker" in html and "Two solid nodules" in html,
          "the trainer's history and diagnosis are in the summary")
    check("nodule 1" in html, "the diagnosis gives the reference nodules")

    original_uids = [study, series_uid]
    for path in sorted(glob.glob(os.path.join(case, "*.dcm")))[:5]:
        dump = subprocess.run(["dcmdump", "+P", "SOPInstanceUID", path], capture_output=True,
                              text=True).stdout
        original_uids += [part.strip("[]") for part in dump.split() if part.startswith("[1.") or
                          part.startswith("[2.")]
    # (The manufacturer, "Vigie synthetic phantom", is kept, as the profile keeps it.)
    secrets = ["PHANTOM^CHEST", "VIGIE-SYNTH", "20260101", "2026-01-01",
               *READERS, TRAINER, os.path.abspath(case), *original_uids]
    leaked = leaks(package, secrets)
    check(not leaked, "nothing identifying anywhere in the package" +
          ("" if not leaked else ": " + "; ".join(leaked[:5])))

    shot = screenshot_html(os.path.join(package, "index.html"), os.path.join(work, "ct-html.png"))
    check(shot is not None and is_not_blank(shot, work, expect_yellow=True),
          "headless Chromium shows the summary with the marked key images")
    page = render_pdf(os.path.join(package, "teaching-file.pdf"), os.path.join(work, "ct-pdf"))
    check(page is not None and is_not_blank(page, work, expect_yellow=True),
          "the PDF's first page renders (pdftoppm) with the marked key images")

    # The quiz: slices bare, no answers.
    quiz = os.path.join(work, "teaching-ct-unknown")
    run_ok(cli, "teach", "export", "--store", store, "--study", study, "--out", quiz,
           "--unknown", "--diagnosis", "Two solid nodules")
    quiz_html = open(os.path.join(quiz, "index.html"), encoding="utf-8").read()
    check(all(s not in quiz_html for s in ["<h2>Findings</h2>", "<h2>Diagnosis</h2>",
                                           "Two solid nodules", "vessel", "Reader A"]),
          "an unknown case withholds findings, diagnosis, discussion and the readers")
    check(not os.path.exists(os.path.join(quiz, "dicom", "sr.dcm")) and
          not os.path.exists(os.path.join(quiz, "dicom", "seg-nodules.dcm")),
          "an unknown case leaves the review's SR and SEG out")
    quiz_images = glob.glob(os.path.join(quiz, "images", "*.png"))
    check(quiz_images and all(is_not_blank(i, work, expect_yellow=False) for i in quiz_images),
          "an unknown case's key images are the slices without marks")
    shot = screenshot_html(os.path.join(quiz, "index.html"), os.path.join(work, "quiz-html.png"))
    check(shot is not None and is_not_blank(shot, work, expect_yellow=False),
          "headless Chromium shows the quiz without marks")

    # A case nobody read and the AI never ran on (a normal scan, say) still
    # makes a teaching file: the series, the page, no SR.
    fresh_store = os.path.join(work, "fresh.sqlite")
    run_ok(cli, "worklist", "add", case, "--store", fresh_store)
    unread = os.path.join(work, "teaching-unread")
    run_ok(cli, "teach", "export", "--store", fresh_store, "--study", study, "--out", unread,
           "--history", "A normal scan.")
    unread_html = open(os.path.join(unread, "index.html"), encoding="utf-8").read()
    check(len(glob.glob(os.path.join(unread, "dicom", "series", "*.dcm"))) == 48 and
          not os.path.exists(os.path.join(unread, "dicom", "sr.dcm")) and
          "A normal scan." in unread_html and "The model found nothing" in unread_html,
          "an unread case without a model run makes a teaching file without an SR")

    # Refusals: nothing is written over, nothing is left behind.
    again = run(cli, "teach", "export", "--store", store, "--study", study, "--out", package)
    check(again.returncode != 0 and "not empty" in again.stderr,
          "a folder that is not empty is refused")
    missing = os.path.join(work, "teaching-missing")
    unknown = run(cli, "teach", "export", "--store", store, "--study", "1.2.3.4", "--out",
                  missing)
    check(unknown.returncode != 0 and "1.2.3.4" in unknown.stderr and
          not os.path.exists(missing), "a case the store does not know is refused, nothing left")


def check_photograph(cli, models, work, store):
    photos = os.path.join(work, "fundus")
    run_ok(cli, "synth", "fundus", "--out", photos, "--count", "1", "--seed", "3", "--size",
           "256")
    photo = os.path.join(photos, "fundus_000.dcm")
    run_ok(cli, "analyze", photo, "--model", os.path.join(models, "fundus-bundle"), "--out",
           os.path.join(work, "fundus-ai"), "--store", store)
    entries = json.loads(run_ok(cli, "worklist", "--store", store, "--kind", "fundus",
                                "--json").stdout)
    check(len(entries) == 1, "the analysed photograph is a case of the store")
    uid = entries[0]["study_uid"]
    run_ok(cli, "review", "grade", "--store", store, "--image", uid, "--grade", "2",
           "--reader", READERS[0], "--note", f"{READERS[0]}: exudates near the macula")
    package = os.path.join(work, "teaching-fundus")
    run_ok(cli, "teach", "export", "--store", store, "--study", uid, "--out", package,
           "--reference", photos)
    html = open(os.path.join(package, "index.html"), encoding="utf-8").read()
    check("Model: grade" in html and "Reader A" in html and "Reference grade" in html,
          "a photograph's summary has the model's answer, the grade and the reference grade")
    check(os.path.exists(os.path.join(package, "dicom", "photograph.dcm")) and
          os.path.exists(os.path.join(package, "images", "photograph.png")),
          "a DICOM photograph goes in de-identified, and as a re-encoded key image")
    # The DR screening SR: the reader's grade and the model's recorded answer,
    # de-identified like the photograph, and read back beside it.
    sr = os.path.join(package, "dicom", "sr.dcm")
    check(os.path.exists(sr), "the photograph's package holds the DR screening SR")
    manifest = json.load(open(os.path.join(package, "teaching-file.json")))
    check("dicom/sr.dcm" in manifest["dicom"], "the manifest lists the photograph's SR")
    if os.path.exists(sr):
        dump = subprocess.run(["dcmdump", "+U8", sr], capture_output=True, text=True).stdout
        check("Person" in dump and "Device" in dump,
              "the SR has a reader's (person) and the model's (device) observations")
        photograph = os.path.join(package, "dicom", "photograph.dcm")
        photo_study, photo_uid = top_level(photograph, "0020,000d"), top_level(photograph,
                                                                               "0008,0018")
        check(photo_study and top_level(sr, "0020,000d") == photo_study and
              f"[{photo_uid}]" in dump,
              "the SR is in the photograph's de-identified study and refers to it")
    reopened = json.loads(run_ok(cli, "info", package, "--json").stdout)
    check([d["modality"] for d in reopened["documents"]] == ["SR"],
          "vigie-cli info finds the photograph's SR in the package")
    # `analyze --store` kept where the model's lesion regions are: the key
    # image outlines them (dashed violet) and the caption counts them (the
    # worklist's `findings`); with none, neither says anything of them.
    key = [i for i in manifest["key_images"] if i["file"] == "images/photograph.png"]
    regions = entries[0]["findings"]
    caption = key[0]["caption"] if key else ""
    check(key and (f"AI lesion regions: {regions} (outlined in dashed violet)" in caption
                   if regions else "lesion region" not in caption) and
          "not kept" not in caption,
          f"the key image's caption gives the model's lesion regions ({regions}): {caption}")
    outlined = ai_region_pixels(os.path.join(package, "images", "photograph.png"))
    print(f"       images/photograph.png: {outlined} pixels of the AI regions' colour")
    check(outlined > 20 if regions else outlined == 0,
          "the key image outlines the model's lesion regions where it found some, only then")
    leaked = leaks(package, ["PHANTOM^FUNDUS", "VIGIE-SYNTH", "20260101", *READERS, uid])
    check(not leaked, "nothing identifying in the photograph's package" +
          ("" if not leaked else ": " + "; ".join(leaked[:5])))

    # Seen as the CT package is: in a real browser and as the PDF's first
    # page, neither blank.
    shot = screenshot_html(os.path.join(package, "index.html"),
                           os.path.join(work, "fundus-html.png"))
    check(shot is not None and is_not_blank(shot, work, expect_yellow=None),
          "headless Chromium shows the photograph's summary with its key image")
    page = render_pdf(os.path.join(package, "teaching-file.pdf"), os.path.join(work, "fundus-pdf"))
    check(page is not None and is_not_blank(page, work, expect_yellow=None),
          "the photograph's PDF renders (pdftoppm), not blank")


def main():
    cli, models, work = sys.argv[1], sys.argv[2], sys.argv[3]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    store = os.path.join(work, "review.sqlite")
    check_ct(cli, models, work, store)
    check_photograph(cli, models, work, store)
    audit = run(cli, "audit", "verify", "--store", store)
    check(audit.returncode == 0, "the audit chain is intact after the exports")
    print(f"{len(FAILURES)} failures")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
