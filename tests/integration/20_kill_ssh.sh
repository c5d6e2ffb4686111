#!/usr/bin/env bash
# When limpet's ssh dies (killed here), limpet reconnects by itself into the
# same shell.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_init kill_ssh
t_sshd_start

t_limpet_start testhost
t_remote_wait_clients 1
pid=$(t_remote_shell_pid before) || t_die "no shell in the session"
old=$(t_limpet_ssh_now) || exit 1
kill -KILL $old
t_check "limpet starts a new ssh" t_limpet_new_ssh "$old"
t_check "limpet is back in the same shell" t_same_shell after "$pid" 10
t_check "limpet is still running" eval '! t_term_dead'

t_done
