#!/usr/bin/env bash
# Soak: force SOAK_ROUNDS reconnects in a row (default 500), cycling
# through the three ways a link ends: ssh killed, the link blackholed (the
# relay keeps the old connection open and silent forever, new ones pass)
# and sshd restarted. After each, the same shell must answer. At the end
# the same shell still holds the variable exported at the start, and
# limpet has no more file descriptors, children or memory than after the
# warm-up, and no zombie.
#
# Run with make soak (SOAK_ROUNDS=n) from a build directory; it is not part
# of make check. Prints the figures as "# soak: ..." lines.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
rounds=${SOAK_ROUNDS:-500}
# Each reconnect may take up to 30 s before it counts as failed.
T_TIMEOUT=$(( rounds * 30 + 120 ))
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_need ps pgrep
t_init soak

# RSS growth allowed over the whole run, in KiB: glibc may keep a few
# pages more in its arenas, a leak per reconnect would show far more.
rss_slack=${SOAK_RSS_SLACK_KB:-256}

t_sshd_start
t_relay_start

limpet_fds() { ls "/proc/$1/fd" | wc -l; }
limpet_children() { ps --ppid "$1" -o pid= | wc -l; }
limpet_zombies() { ps --ppid "$1" -o stat= | grep -c '^Z'; }
limpet_rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# Settled: one ssh, nothing left over from the connection it replaced.
limpet_settled()
{
	[ "$(limpet_children "$1")" -eq 1 ] && [ "$(limpet_zombies "$1")" -eq 0 ]
}

snapshot()
{
	t_poll 20 limpet_settled "$lp" ||
	    t_log "not settled: $(ps --ppid "$lp" -o pid=,stat=,comm= | tr '\n' ' ')"
	echo "$(limpet_fds "$lp") $(limpet_children "$lp") $(limpet_zombies "$lp") $(limpet_rss "$lp")"
}

# reconnect N: break the link the N-th way and wait for the same shell;
# ms is set to the milliseconds that took. Never run in a subshell: a
# restarted sshd must stay this shell's child.
reconnect()
{
	local n=$1 old start
	case $(( n % 3 )) in
	0)	old=$(t_limpet_ssh_now) || return 1
		kill -KILL $old ;;
	1)	t_relay orphan >/dev/null || return 1 ;;
	2)	t_sshd_restart ;;
	esac
	start=$(t_now_us)
	t_same_shell "r$n" "$pid" 30 >/dev/null || return 1
	ms=$(( ($(t_now_us) - start) / 1000 ))
}

# limpet's own account of every reconnect, shown if one fails.
export LIMPET_LOG="$T/limpet.log"
t_limpet_start relayhost
t_remote_wait_clients 1
lp=$(t_limpet_pid) || t_die "no limpet process"
pid=$(t_remote_shell_pid before) || t_die "no shell in the session"
mark="soak$RANDOM$RANDOM"
t_term_type "export LIMPET_SOAK=$mark"
t_term_keys Enter
initial=$(snapshot)

# A warm-up round of each kind, so allocations made once are not counted.
for n in 0 1 2; do
	reconnect "$n" || t_die "warm-up reconnect $n failed"
done
before=$(snapshot)

declare -a ms_kill ms_hole ms_restart
failed=0
started=$SECONDS
for (( n = 3; n < rounds + 3; n++ )); do
	if ! reconnect "$n"; then
		t_fail "reconnect $((n - 2)) of $rounds ($(( n % 3 ))) failed"
		failed=1
		break
	fi
	case $(( n % 3 )) in
	0) ms_kill+=("$ms") ;;
	1) ms_hole+=("$ms") ;;
	2) ms_restart+=("$ms") ;;
	esac
	(( (n - 2) % 50 == 0 )) && t_log "soak: $((n - 2)) reconnects, $((SECONDS - started)) s"
done
elapsed=$((SECONDS - started))
[ "$failed" -eq 0 ] && t_pass "$rounds forced reconnects in a row, each back in the same shell"

after=$(snapshot)
t_term_type "echo mark:\$LIMPET_SOAK:"
t_term_keys Enter
t_check "the shell still holds the variable exported at the start" \
    t_poll 10 t_term_has "^mark:$mark:"
t_check "the shell is the one from the start" t_same_shell end "$pid" 15

# stats NAME VALUES...: count, min, median, max in milliseconds.
stats()
{
	local name=$1; shift
	[ $# -gt 0 ] || return 0
	printf '%s\n' "$@" | sort -n | awk -v name="$name" '
	    { v[NR] = $1 }
	    END { printf "# soak: %-13s %3d reconnects, ms min %d median %d p95 %d max %d\n",
		name, NR, v[1], v[int((NR + 1) / 2)], v[int(NR * 0.95 + 0.999)], v[NR] }' >&2
}

read -r fd0 ch0 zo0 rss0 <<<"$initial"
read -r fd1 ch1 zo1 rss1 <<<"$before"
read -r fd2 ch2 zo2 rss2 <<<"$after"
t_log "soak: $rounds reconnects in $elapsed s"
stats "ssh killed" "${ms_kill[@]}"
stats "blackholed" "${ms_hole[@]}"
stats "sshd restart" "${ms_restart[@]}"
t_log "soak:                fds children zombies rss_kb"
t_log "soak: at start       $fd0 $ch0 $zo0 $rss0"
t_log "soak: after warm-up  $fd1 $ch1 $zo1 $rss1"
t_log "soak: at the end     $fd2 $ch2 $zo2 $rss2"

t_check "no file descriptor growth ($fd1 -> $fd2)" [ "$fd2" -le "$fd1" ]
t_check "no child process growth ($ch1 -> $ch2)" [ "$ch2" -le "$ch1" ]
t_check "no zombie at the end ($zo2)" [ "$zo2" -eq 0 ]
t_check "RSS grew by at most $rss_slack KiB ($rss1 -> $rss2 KiB)" \
    [ $(( rss2 - rss1 )) -le "$rss_slack" ]
t_check "limpet is still running" eval '! t_term_dead'

if [ "$T_FAILED" -gt 0 ] && [ -f "$LIMPET_LOG" ]; then
	t_log "the end of limpet's log:"
	grep -v 'argv\[' "$LIMPET_LOG" | tail -n 80 | sed 's/^/#   /' >&2
fi
t_done
