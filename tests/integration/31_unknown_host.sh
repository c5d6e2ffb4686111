#!/usr/bin/env bash
# A host name that does not resolve is fatal: a clear error and a non-zero
# exit, with no retry loop.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_init unknown_host
t_sshd_start

# Without a resolver, the lookup fails as "Temporary failure", which is
# rightly transient: nothing to test then.
timeout 15 ssh -F /dev/null -o BatchMode=yes nosuch.invalid true \
    >/dev/null 2>"$T/probe.err"
grep -q 'Name or service not known\|nodename nor servname' "$T/probe.err" ||
    t_skip "this resolver does not report nosuch.invalid as unknown: $(cat "$T/probe.err")"

t_limpet_start nosuch.invalid
t_term_wait_history 'nosuch\.invalid' 15
t_check "the error names the host and says it cannot be resolved" \
    t_poll 2 t_term_history_has 'Could not resolve hostname nosuch\.invalid'
if t_poll 2 t_term_dead; then
	t_pass "limpet exits within 2 s of the failure"
else
	t_term_dump
	t_fail "limpet still running 2 s after the failure"
fi
status=$(t_term_wait_exit 10)
t_check "limpet's exit status is non-zero (got $status)" [ "$status" != 0 ]
t_check "the error is shown once, not retried" \
    [ "$(t_term_history | grep -c 'Could not resolve hostname')" = 1 ]

t_done
