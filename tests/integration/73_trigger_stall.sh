#!/usr/bin/env bash
# A link that goes silent with nothing typed is noticed from ssh's own TCP
# socket (data unacknowledged, resent, no acknowledgement for 2 s) in a few
# seconds, while ssh itself, allowed 10 keepalives on such a link, still
# holds the connection. The notice says "no reply"; when packets flow again
# the same shell is there, and what was typed meanwhile runs once.
# Needs root: the test runs in a network namespace of its own, where sshd
# also listens on a non-loopback address and nft drops the packets (the
# table goes away with the namespace).
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
command -v nft >/dev/null || { echo "SKIP: needs nft"; exit 77; }
t_netns_own "$0" "$@"
t_init trigger_stall
t_sshd_direct 192.0.2.1

t_term_start env XDG_CONFIG_HOME="$T/xdg" LIMPET_LOG="$T/limpet.log" \
    "$LIMPET" -F "$T/ssh_config" direct
t_remote_wait_clients 1
pid=$(t_remote_shell_pid before) || t_die "no shell in the session"
t_check "ssh may keep a watched link for 10 keepalives" \
    grep -q "ServerAliveCountMax=10" "$T/limpet.log"

nft -f - <<EOF2 || t_die "nft"
table inet limpet_stall {
	chain input {
		type filter hook input priority -10; policy accept;
		ip daddr 192.0.2.1 tcp dport $T_SSHD_PORT drop
		ip saddr 192.0.2.1 tcp sport $T_SSHD_PORT drop
	}
}
EOF2
t_check "the notice says \"no reply\" within 6 s, nothing typed" \
    t_poll 6 eval 't_term_bottom | grep -q "no reply"'
t_check "it came from the socket watch, not ssh's timeout" \
    grep -q "stall: .* unacknowledged" "$T/limpet.log"
# Typed into the stalled link: held by limpet, not lost in the dead one.
t_term_type "echo typed-in-stall-\$((6 * 7))"
t_term_keys Enter
nft delete table inet limpet_stall || t_die "nft delete"
t_check_once "what was typed during the stall runs once the link is back" \
    '^typed-in-stall-42' 15
t_check "after the link is back, the same shell is there" \
    t_same_shell after "$pid" 15
t_check "the notice is gone" t_poll 5 eval '! t_notice_shown'
t_done
