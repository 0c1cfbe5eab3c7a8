#!/usr/bin/env python3
"""The Debian package, built and used as a user would: `make deb`'s CPack
step, then the package's own files, unpacked into an empty root.

    package_test.py BUILD_DIR WORK_DIR

- CPack writes vigie_<version>_amd64.deb; its control fields name the
  package, version and architecture, and shlibdeps' Depends hold the shared
  libraries the programs link (LibTorch, Qt 6, VTK, ITK, DCMTK), every one
  of them installable here (apt-get's simulation installs the package and
  nothing else).
- lintian reports no error and no warning; the desktop entry, the AppStream
  metadata and both manual pages are valid.
- Unpacked with dpkg -x (no installation, nothing of the build tree in
  reach by path): vigie-cli says which models it uses (the unpacked ones),
  writes a synthetic CT, and analyses it without --model through the
  unpacked vigie-cli-full and the shipped reference bundle; the unpacked
  vigie starts under Xvfb, empty (not on the build tree's demo study) and on
  that study, and renders its window (screenshots kept in WORK_DIR).
"""
import glob
import json
import os
import shutil
import subprocess
import sys

from checks import FAILURES, check, run, run_ok


def sh(*command, env=None, timeout=600):
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout)


def build_package(build_dir):
    packages = os.path.join(build_dir, "packages")
    shutil.rmtree(packages, ignore_errors=True)
    made = sh("cpack", "-G", "DEB", "--config", os.path.join(build_dir, "CPackConfig.cmake"))
    if made.returncode != 0:
        print(made.stdout, made.stderr)
        raise SystemExit("cpack failed")
    debs = glob.glob(os.path.join(packages, "vigie_*_amd64.deb"))
    check(len(debs) == 1, f"CPack wrote one vigie_<version>_amd64.deb ({debs})")
    return debs[0]


def check_control(deb):
    fields = {name: sh("dpkg-deb", "-f", deb, name).stdout.strip()
              for name in ("Package", "Version", "Architecture", "Depends", "Section")}
    check(fields["Package"] == "vigie" and fields["Architecture"] == "amd64",
          f"control: Package {fields['Package']}, Architecture {fields['Architecture']}")
    check(os.path.basename(deb) == f"vigie_{fields['Version']}_amd64.deb",
          f"the file is named after the version ({os.path.basename(deb)})")
    depends = fields["Depends"]
    for library in ("libtorch", "libqt6widgets6", "libvtk9", "libinsighttoolkit5", "libdcmtk"):
        check(library in depends, f"Depends names {library}")
    simulated = sh("apt-get", "install", "--simulate", "-q", deb)
    installs = [l for l in simulated.stdout.splitlines() if l.startswith("Inst ")]
    check(simulated.returncode == 0 and len(installs) == 1 and installs[0].startswith("Inst vigie "),
          f"apt-get can install it here with no other package ({installs or simulated.stderr})")


def check_lintian(deb):
    linted = sh("lintian", "--allow-root", "--fail-on", "error,warning", deb)
    print(linted.stdout, end="")
    check(linted.returncode == 0, "lintian: no error, no warning")


def check_shipped_metadata(root):
    share = os.path.join(root, "usr", "share")
    desktop = os.path.join(share, "applications", "org.vigie.Vigie.desktop")
    checked = sh("desktop-file-validate", desktop)
    check(checked.returncode == 0, f"desktop entry valid {checked.stdout}{checked.stderr}")
    metainfo = os.path.join(share, "metainfo", "org.vigie.Vigie.metainfo.xml")
    checked = sh("appstreamcli", "validate", "--no-net", metainfo)
    check(checked.returncode == 0, f"AppStream metadata valid {checked.stdout.strip()}")
    check(os.path.isfile(os.path.join(share, "icons", "hicolor", "scalable", "apps",
                                      "org.vigie.Vigie.svg")), "the icon is shipped")
    check(os.path.isfile(os.path.join(share, "doc", "vigie", "copyright")), "copyright is shipped")
    for page in ("vigie", "vigie-cli"):
        path = os.path.join(share, "man", "man1", page + ".1.gz")
        rendered = sh("man", "--warnings", "-E", "UTF-8", "-l", path,
                      env={**os.environ, "MANWIDTH": "80"})
        check(rendered.returncode == 0 and "SYNOPSIS" in rendered.stdout and not rendered.stderr,
              f"man page {page}(1) renders without warnings {rendered.stderr.strip()}")


def check_unpacked_cli(root, work):
    cli = os.path.join(root, "usr", "bin", "vigie-cli")
    models = os.path.join(root, "usr", "share", "vigie", "models")
    version = run_ok(cli, "version").stdout
    check(f"Models: {models}" in version, f"the unpacked vigie-cli uses the unpacked models ({version!r})")
    study = os.path.join(work, "phantom")
    run_ok(cli, "synth", "ct", "--out", study, "--count", "1", "--seed", "11",
           "--size", "128x128x96", "--nodules", "2")
    case = os.path.join(study, "case_000")
    result = os.path.join(work, "analysis")
    analyzed = run(cli, "analyze", case, "--out", result)
    print(analyzed.stderr, end="")
    check(analyzed.returncode == 0, "analyze without --model runs from the unpacked files")
    check(os.path.join(models, "ct-nodule-synth") in analyzed.stderr,
          "it names the shipped reference model it used")
    findings_file = os.path.join(result, "findings.json")
    check(os.path.isfile(findings_file), "findings.json written")
    if os.path.isfile(findings_file):
        with open(findings_file) as f:
            findings = json.load(f)
        check("findings" in findings, f"findings.json has findings ({len(findings.get('findings', []))})")
    return case


def image_fraction(png):
    """How much of a screenshot is the mid greys of CT tissue: the views of
    a study fill a good part of the window; an empty window has almost none."""
    from PIL import Image
    gray = Image.open(png).convert("L")
    histogram = gray.histogram()
    return sum(histogram[61:200]) / (gray.width * gray.height)


def check_unpacked_gui(root, work, case):
    gui = os.path.join(root, "usr", "bin", "vigie")
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "QT_XCB_GL_INTEGRATION": "xcb_glx",
           "XDG_DATA_HOME": os.path.join(work, "xdg-data"),
           "XDG_CONFIG_HOME": os.path.join(work, "xdg-config")}
    xvfb = ["xvfb-run", "-a", "-s", "-screen 0 1400x900x24"]
    for name, path in (("empty", []), ("study", [case])):
        shot = os.path.join(work, f"installed-gui-{name}.png")
        started = sh(*xvfb, gui, "--screenshot", shot, *path, env=env, timeout=300)
        rendered = os.path.isfile(shot) and os.path.getsize(shot) > 20000
        check(started.returncode == 0 and rendered,
              f"the unpacked vigie starts ({name}) and renders its window "
              f"(rc {started.returncode}) {started.stderr.strip()[-300:]}")
        if rendered:
            # Without a path it starts empty (never on the build tree's demo).
            fraction = image_fraction(shot)
            check(fraction < 0.05 if not path else fraction > 0.08,
                  f"the window shows {'no study' if not path else 'the study'} "
                  f"({fraction:.3f} of it CT greys)")


def main():
    build_dir, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    deb = build_package(build_dir)
    check_control(deb)
    check_lintian(deb)
    root = os.path.join(work, "root")
    unpacked = sh("dpkg-deb", "-x", deb, root)
    check(unpacked.returncode == 0, "dpkg -x unpacks it")
    check_shipped_metadata(root)
    case = check_unpacked_cli(root, work)
    check_unpacked_gui(root, work, case)
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
