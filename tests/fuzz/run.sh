#!/bin/sh
# Run the libFuzzer targets, each for a bounded time: one line per target
# (executions, coverage, how many crashes it found), then one line
#	N passed, N failed
# counting the targets.
#
#	run.sh SRCDIR BUILDDIR SECONDS TARGET...
#
# New inputs go to BUILDDIR/fuzz-corpus/TARGET (the committed seeds in
# SRCDIR/tests/fuzz/corpus/TARGET are read, never written); a crashing
# input is kept in BUILDDIR/fuzz-artifacts/TARGET/ and its log printed.
# Exits 1 when any target crashed.

set -u
srcdir=$1 builddir=$2 seconds=$3
shift 3
status=0 pass=0 fail=0

for target in "$@"; do
	name=${target##*/}
	corpus=$builddir/fuzz-corpus/$name
	artifacts=$builddir/fuzz-artifacts/$name
	log=$builddir/fuzz-$name.log
	mkdir -p "$corpus" "$artifacts" || exit 1
	# Crashes of this run only: older ones stay for replay, uncounted.
	stamp=$artifacts/.started
	: >"$stamp" || exit 1
	dict=
	[ -f "$srcdir/tests/fuzz/$name.dict" ] &&
	    dict=-dict=$srcdir/tests/fuzz/$name.dict
	# shellcheck disable=SC2086
	"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	    -max_len=8192 -print_final_stats=1 $dict \
	    -artifact_prefix="$artifacts/" \
	    "$corpus" "$srcdir/tests/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n1 | sed 's/cov: //')
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n1 | sed 's/ft: //')
	crashes=$(find "$artifacts" -type f ! -name .started -newer "$stamp" |
	    wc -l)
	line="$name: ${execs:-0} execs in ${seconds}s, cov ${cov:-?} ft ${ft:-?}, corpus $(find "$corpus" -type f | wc -l), crashes $crashes"
	if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
		status=1
		echo "==================== $log ====================" >&2
		tail -n 60 "$log" >&2
		line="$line (FAILED, exit $rc)"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
	echo "$line"
done
echo "$pass passed, $fail failed"
exit $status
