#!/usr/bin/env bash
# Installs the Debian 12 packages Vigie needs to build, test and run.
# Idempotent and non-interactive: packages already installed are skipped, and
# apt is not touched at all when nothing is missing. Everything comes from
# Debian's own registry; nothing is downloaded from anywhere else.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config clang-format
  # the fuzzer build: clang with libFuzzer and the sanitizer runtimes
  clang libclang-rt-14-dev
  # GUI and rendering
  qt6-base-dev libqt6opengl6-dev libgl-dev libvtk9-dev
  # the reader statistics' charts
  qt6-charts-dev
  # the window in French and English: lrelease and lupdate, and Qt's own
  # translations (standard buttons, file dialogs)
  qt6-l10n-tools qt6-translations-l10n
  # imaging
  libinsighttoolkit5-dev libdcmtk-dev libopencv-dev libopenjp2-7-dev
  libcharls-dev zlib1g-dev
  # inference (LibTorch CPU) and the Python used by the model recipes
  libtorch-dev python3 python3-torch python3-numpy python3-pil
  # storage and data formats
  libsqlite3-dev nlohmann-json3-dev libminizip-dev
  # DICOMweb client (HTTP and HTTPS)
  libcurl4-openssl-dev
  # tests: GoogleTest, an X server for GUI tests, DCMTK's command-line tools,
  # dicom3tools' dciodvfy, the independent checker of our DICOM output, and
  # pydicom's test files decoded by GDCM, the independent decoder
  libgtest-dev libgmock-dev xvfb xauth x11-utils dcmtk dicom3tools python3-pydicom python3-gdcm
  # benchmarks: dcm2niix, the baseline of `bench load`'s conversion, and GNU
  # time, which measures each child's peak memory from a small parent
  dcm2niix time
  # a real PACS for the network tests, started by the tests themselves, with
  # its DICOMweb plugin
  orthanc orthanc-dicomweb
  # certificates for the DICOM-over-TLS test
  openssl
  # a one-node Slurm cluster (with munge) for the batch job-array test, also
  # started by the test itself on loopback with its own configuration
  slurmctld slurmd slurm-client munge
  # the independent cross-check of reader statistics (Cohen's kappa)
  python3-sklearn
  # teaching files: their HTML opened in a real browser (headless Chromium),
  # their PDF rendered to PNG (pdftoppm) and read back as text (pdftotext)
  chromium poppler-utils
  # the Debian package (make deb): lintian, and the validators of its desktop
  # entry and AppStream metadata
  lintian desktop-file-utils appstream
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "install-deps: missing packages (${missing[*]}) and not root; run as root" >&2
    exit 1
  fi
fi

echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Services the packages bring (Orthanc) are not started: the tests start their
# own on free loopback ports. policy-rc.d tells invoke-rc.d so while we install.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod +x "$policy"
  own_policy=1
fi
status=0
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || status=$?
if [ $own_policy -eq 1 ]; then $SUDO rm -f "$policy"; fi
[ $status -eq 0 ] || exit $status
echo "install-deps: done"
