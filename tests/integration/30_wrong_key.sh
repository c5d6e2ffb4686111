#!/usr/bin/env bash
# A key the server does not accept is fatal: ssh's "Permission denied" is
# shown, limpet exits non-zero promptly and never tries again.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_init wrong_key
t_sshd_start

t_wrong_key_host badkey
conns=$(t_sshd_connections)

t_limpet_start badkey
t_term_wait_history 'Permission denied' 15
t_pass "ssh's \"Permission denied\" is shown"
if t_poll 2 t_term_dead; then
	t_pass "limpet exits within 2 s of the failure"
else
	t_term_dump
	t_fail "limpet still running 2 s after \"Permission denied\""
fi
status=$(t_term_wait_exit 10)
t_check "limpet's exit status is non-zero (got $status)" [ "$status" != 0 ]
t_check "the message is still in the terminal after exit" \
    t_term_history_has 'Permission denied'
t_poll 2 eval '[ "$(t_sshd_connections)" -gt "$conns" ]'
t_check "exactly one connection was made (got $(( $(t_sshd_connections) - conns )))" \
    [ "$(t_sshd_connections)" = $((conns + 1)) ]

t_done
