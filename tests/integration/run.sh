#!/usr/bin/env bash
# Runs every tests/integration/t_*.sh and prints one summary line.
# A test exits 0 (passed), 77 (skipped, with a message why) or else (failed).
set -u
here=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0 skipped=0 failures=()
if [ "$(id -u)" -ne 0 ]; then
	echo "integration: needs root (namespaces, veth pairs)" >&2
	exit 1
fi
for t in "$here"/t_*.sh; do
	name=$(basename "$t" .sh)
	[ -z "${ONLY:-}" ] || [[ "$name" == *"$ONLY"* ]] || continue
	start=$SECONDS
	out=$(timeout 300 bash "$t" 2>&1)
	rc=$?
	case $rc in
	0) passed=$((passed + 1)); echo "PASS $name ($((SECONDS - start))s)" ;;
	77) skipped=$((skipped + 1)); echo "SKIP $name: $(grep SKIP: <<<"$out" | tail -n 1)" ;;
	*) failed=$((failed + 1)); failures+=("$name")
	   echo "FAIL $name (exit $rc)"; sed 's/^/    /' <<<"$out" ;;
	esac
done
echo "integration: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
