#!/usr/bin/env bash
# Detaching from tmux (C-b d) ends limpet with status 0 and no reconnect.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_init detach
t_sshd_start

t_limpet_start testhost
t_remote_wait_clients 1
conns=$(t_sshd_connections)
t_term_keys C-b d
status=$(t_term_wait_exit 10)
t_check "limpet exits 0 after a detach (got $status)" [ "$status" = 0 ]
t_check "tmux's detach message reaches the terminal" \
    t_term_history_has '\[detached \(from session limpet\)\]'
t_check "no client attaches again afterwards" \
    t_never 3 eval '[ "$(t_remote_clients)" != 0 ]'
t_check "no new ssh connection is made afterwards" \
    [ "$(t_sshd_connections)" = "$conns" ]
t_check "the remote session is still there" t_remote_has_session limpet

t_done
