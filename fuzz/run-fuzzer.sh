#!/usr/bin/env bash
# Runs a fuzzer for a bounded time: run-fuzzer.sh FUZZER SECONDS WORKDIR [SEED_FOLDER...].
# Seeds: the small files under the SEED_FOLDERs when given (JSON and zips for the
# bundle fuzzer), else the DICOM files among python3-pydicom's test files (when
# installed); plus whatever earlier runs added to WORKDIR/corpus. Exit status: the fuzzer's
# (non-zero when it found a crash, a leak or a hang; the input is in WORKDIR).
set -euo pipefail
fuzzer=$1 seconds=$2 work=$3
shift 3
mkdir -p "$work/corpus" "$work/seeds"
for folder in "$@"; do
  find "$folder" -type f -size -300k \( -name '*.json' -o -name '*.yml' -o -name '*.zip' \) \
    -exec sh -c 'cp -n "$1" "$2/$(echo "$1" | md5sum | cut -c1-12)-$(basename "$1")"' _ {} "$work/seeds" \;
done
pydicom_files=$(/usr/bin/python3 -c 'import os, pydicom; print(os.path.join(os.path.dirname(pydicom.__file__), "data", "test_files"))' 2>/dev/null || true)
if [ $# -eq 0 ] && [ -n "$pydicom_files" ] && [ -d "$pydicom_files" ]; then
  # Small files only: big ones slow every iteration and add little.
  find "$pydicom_files" -type f -size -300k \( -name '*.dcm' -o -name 'DICOMDIR' \) \
    -exec cp -n {} "$work/seeds/" \; 2>/dev/null || true
fi
echo "fuzzing for ${seconds} s with $(ls "$work/seeds" | wc -l) seed files"
# -timeout: an input that takes over 10 s is a hang; -rss_limit_mb: memory
# actually used running away; leaks are reported too.
# DCMTK reserves an element of a deflated file by the length it declares (up
# to 4 GiB): the inflating stream cannot tell how much is left, the reservation
# (nothrow new) is never touched, the read then fails and DCMTK reports it. In
# the product that costs nothing; under AddressSanitizer every such
# reservation writes its shadow (an eighth of its size) and its redzones, ten
# seconds and more per input on a slow machine: the hangs CI once reported.
# So the sanitizer refuses single allocations over 1 GiB (a null for
# DCMTK's nothrow new, which it handles; a reported crash for Vigie's own
# code, which must check sizes before it allocates).
export ASAN_OPTIONS="allocator_may_return_null=1:max_allocation_size_mb=1024${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$(dirname "$0")/lsan-suppressions.txt${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 -malloc_limit_mb=1024 \
  -max_len=300000 \
  -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$work/seeds"
