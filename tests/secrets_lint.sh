#!/bin/sh
# No C source of limpet makes a temporary file by name (tmpnam, tempnam,
# mktemp, tmpfile) or writes into a fixed path under /tmp: anything in a
# shared directory must come from mkstemp or open with O_EXCL. Every open
# that creates a file must refuse to follow a symlink.

top=${TESTLIB:+$TESTLIB/../..}
top=${top:-$(dirname "$0")/..}
status=0
for f in "$top"/client/*.c "$top"/pty/*.c "$top"/reattach/*.c \
    "$top"/compat/*.c; do
	if grep -nE '\b(tmpnam|tempnam|mktemp|tmpfile)[[:space:]]*\(|"/tmp/' \
	    "$f"; then
		echo "FAIL $f: temporary file by name" >&2
		status=1
	fi
	# open(..., O_CREAT ...) must carry O_NOFOLLOW or O_EXCL.
	if grep -n 'O_CREAT' "$f" | grep -vE 'O_NOFOLLOW|O_EXCL'; then
		echo "FAIL $f: O_CREAT without O_NOFOLLOW or O_EXCL" >&2
		status=1
	fi
	# fopen for writing creates files and follows symlinks.
	if grep -nE 'fopen\([^,]*, *"[wa]' "$f"; then
		echo "FAIL $f: fopen for writing" >&2
		status=1
	fi
done
[ "$status" -eq 0 ] && echo "ok   no unsafe temporary or created files"
exit $status
