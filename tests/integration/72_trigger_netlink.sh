#!/usr/bin/env bash
# A change of the machine's addresses (a new network) makes limpet check
# the link at once: with ssh's own keepalive set far out (30 s) and the old
# connection dead, a fresh one is made within seconds of the change.
# Needs root: the whole test runs in a network namespace of its own, where
# an address is added to one end of a veth pair.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_netns_own "$0" "$@"
t_init trigger_netlink
t_sshd_start
t_relay_start

t_limpet_start --alive-interval 30 relayhost
t_remote_wait_clients 1
pid=$(t_remote_shell_pid before) || t_die "no shell in the session"
old=$(t_limpet_ssh_pids)
t_relay orphan >/dev/null || t_die "relay orphan"
# 192.0.2.0/24 is reserved for documentation: no traffic goes anywhere.
ip addr add 192.0.2.7/32 dev limpet0 || t_die "ip addr add"
t_check "a new ssh starts within 3 s of the address change" \
    t_poll 3 eval 'new=$(t_limpet_ssh_pids); [ -n "$new" ] && [ "$new" != "$old" ]'
t_check "the same shell is back" t_same_shell after "$pid" 10
t_done
