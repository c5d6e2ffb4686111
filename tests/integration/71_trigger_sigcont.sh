#!/usr/bin/env bash
# A stopped and continued limpet (a closed lid, a ^Z from outside) checks
# the link at once: with ssh's own keepalive set far out (30 s) and the old
# connection dead, a fresh one is made within seconds of SIGCONT, without
# anything typed.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_init trigger_sigcont
t_sshd_start
t_relay_start

t_limpet_start --alive-interval 30 relayhost
t_remote_wait_clients 1
pid=$(t_remote_shell_pid before) || t_die "no shell in the session"
lp=$(t_limpet_pid) || t_die "no limpet process"
old=$(t_limpet_ssh_pids)
t_relay orphan >/dev/null || t_die "relay orphan"
kill -STOP "$lp"
t_poll 5 eval '[ "$(ps -o stat= -p "$lp" | cut -c1)" = T ]' ||
    t_die "limpet did not stop"
kill -CONT "$lp"
t_check "a new ssh starts within 3 s of SIGCONT, nothing typed" \
    t_poll 3 eval 'new=$(t_limpet_ssh_pids); [ -n "$new" ] && [ "$new" != "$old" ]'
t_check "a new connection reaches the server" \
    t_poll 5 eval '[ "$(t_relay count | awk "{print \$2}")" -ge 2 ]'
t_check "the same shell is back" t_same_shell after "$pid" 10
t_done
