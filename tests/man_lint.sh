#!/bin/sh
# The manual pages render without warnings (mandoc -Tlint, groff -ww).
doc="$TESTLIB/../../doc"
status=0 checked=0
for page in "$doc/limpet.1" "$doc/limpet_config.5"; do
	if command -v mandoc >/dev/null 2>&1; then
		out=$(mandoc -Tlint -Wwarning "$page" 2>&1)
		checked=$((checked + 1))
		if [ -n "$out" ]; then
			echo "FAIL mandoc $page:"; echo "$out"; status=1
		else
			echo "ok   mandoc -Tlint $page"
		fi
	fi
	if command -v groff >/dev/null 2>&1; then
		out=$(groff -ww -mandoc -z "$page" 2>&1)
		checked=$((checked + 1))
		if [ -n "$out" ]; then
			echo "FAIL groff $page:"; echo "$out"; status=1
		else
			echo "ok   groff -ww $page"
		fi
	fi
done
[ "$checked" -gt 0 ] || { echo "neither mandoc nor groff installed"; exit 77; }
exit $status
