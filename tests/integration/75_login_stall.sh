#!/usr/bin/env bash
# A connection whose login stops getting answers once it reached the
# server (its socket open, the greeting exchanged) is given up on and
# tried again after the stall timeout, not when ssh's own ConnectTimeout
# runs out (here 5 s, which ssh took 10 s to act on). nft lets the TCP
# handshake and the greeting through and drops every larger packet
# towards sshd, so ssh's key exchange is resent into nothing; the notice
# says why, and once the packets flow again a new attempt logs in.
# Needs root: a network namespace of its own, as 73_trigger_stall.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
command -v nft >/dev/null || { echo "SKIP: needs nft"; exit 77; }
t_netns_own "$0" "$@"
t_init login_stall
t_sshd_direct 192.0.2.1

nft -f - <<EOF2 || t_die "nft"
table inet limpet_login {
	chain input {
		type filter hook input priority -10; policy accept;
		ip daddr 192.0.2.1 tcp dport $T_SSHD_PORT ip length > 200 drop
	}
}
EOF2
t_limpet_start --log "$T/limpet.log" --debug direct
t_check "the notice says \"no reply during login\" within 8 s" \
    t_poll 8 eval 't_term_bottom | grep -q "no reply during login"'
# LOGIN_DROP_S=N keeps dropping N s more (to compare with ssh's backoff).
[ -n "${LOGIN_DROP_S:-}" ] && sleep "$LOGIN_DROP_S"
nft delete table inet limpet_login || t_die "nft delete"
t0=$(t_now_us)
t_check "once packets flow, a new attempt logs in within 15 s" \
    eval 't_remote_shell_pid after 15 >/dev/null'
t_log "logged in $(( ($(t_now_us) - t0) / 1000 )) ms after the packets flowed"
t_check "the notice is gone" t_poll 5 eval '! t_notice_shown'
t_done
