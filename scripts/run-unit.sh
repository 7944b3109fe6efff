#!/usr/bin/env bash
# Run the cmocka unit test binaries named as arguments, print each one's
# output, and end with "unit: N passed, N failed", counted in test cases
# from cmocka's "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)"
# lines. A binary that stops without a summary (a sanitizer abort, a
# crash, a timeout) is counted test by test from its "[       OK ]" and
# "[  FAILED  ]" lines, plus one failure for the test it stopped in; one
# whose tests all passed but that exits non-zero (a leak report) counts one
# failure. Exits 1 if anything failed, 2 on bad usage.
#
# UNIT_TIMEOUT (seconds, default 120) bounds each binary.
set -u

if [[ $# -eq 0 ]]; then
	echo "usage: $0 TEST_BINARY..." >&2
	exit 2
fi

# cmocka's plain-text summary is what is parsed below
export CMOCKA_MESSAGE_OUTPUT=stdout
unset CMOCKA_TEST_ABORT
# `sudo make test`: what sudo sets changes nscap's defaults (-Z, the sudo
# user's CLIs); a test that wants it sets it
unset SUDO_UID SUDO_GID SUDO_USER

timeout_s=${UNIT_TIMEOUT:-120}
log=$(mktemp "${TMPDIR:-/tmp}/run-unit.XXXXXX") || exit 1
trap 'rm -f "$log"' EXIT

passed=0
failed=0
bad_bins=()

for bin in "$@"; do
	echo "== $bin"
	if [[ ! -x $bin ]]; then
		echo "run-unit: $bin: not an executable file" >&2
		failed=$((failed + 1))
		bad_bins+=("$bin")
		continue
	fi
	# stdout and stderr into one file, so that the order is kept
	timeout --kill-after=5 "$timeout_s" "$bin" >"$log" 2>&1
	rc=$?
	cat "$log"

	p=0 f=0 summary=0
	while read -r n; do
		p=$((p + n))
		summary=1
	done < <(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test(s)\..*/\1/p' "$log")
	while read -r n; do
		f=$((f + n))
	done < <(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test(s).*/\1/p' "$log")

	if [[ $summary -eq 0 ]]; then
		# no summary (a crash or an abort): count test by test, and the
		# one that was running when it stopped as failed
		p=$(grep -c '^\[       OK \] ' "$log")
		f=$(grep -c '^\[  FAILED  \] ' "$log")
		if [[ $rc -eq 124 || $rc -eq 137 ]]; then
			echo "run-unit: $bin: timed out after ${timeout_s}s" >&2
		elif [[ $rc -ne 0 ]]; then
			echo "run-unit: $bin: stopped with status $rc" >&2
		else
			echo "run-unit: $bin: no cmocka summary in its output" >&2
		fi
		f=$((f + 1))
	elif [[ $rc -ne 0 && $f -eq 0 ]]; then
		# every test passed, yet the binary failed (a leak report)
		echo "run-unit: $bin: exited with status $rc" >&2
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [[ $rc -ne 0 || $f -ne 0 ]]; then
		bad_bins+=("$bin")
	fi
done

if [[ ${#bad_bins[@]} -ne 0 ]]; then
	echo "failing: ${bad_bins[*]}"
fi
echo "unit: $passed passed, $failed failed"
[[ $failed -eq 0 && ${#bad_bins[@]} -eq 0 ]]
