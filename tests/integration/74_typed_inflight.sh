#!/usr/bin/env bash
# Keys typed just after the link broke, while output from before the break
# is still coming in, are not taken as answered by that output: on a link
# with 200 ms each way, a line typed right after the link is held, with a
# heartbeat printing, runs once on the next connection; and a line whose
# answer came before a break is not sent again after it.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
T_TIMEOUT=120
t_init typed_inflight
t_sshd_start
t_relay_start
t_relay "lag 200" >/dev/null || t_die "relay lag"

t_limpet_start --log "$T/limpet.log" --debug --mux none relayhost
# Answers learn limpet how fast this link echoes.
t_remote_shell_pid one 30 >/dev/null || t_die "no shell"
t_remote_shell_pid two 30 >/dev/null || t_die "no shell"
t_remote_shell_pid three 30 >/dev/null || t_die "no shell"
t_term_type '(i=0; while [ $i -lt 2000 ]; do i=$((i+1)); echo "HB $i"; sleep 0.05; done) &'
t_term_keys Enter
t_term_wait_history '^HB 20$' 20
t_relay hold >/dev/null || t_die "relay hold"
# Typed at once: the heartbeat's last 200 ms are still on their way.
t_term_type 'echo typed-in-flight-$((6 * 7))'
t_term_keys Enter
t_wait_notice 10
t_relay orphan >/dev/null || t_die "relay orphan"
t_check_once "the line typed into the broken link ran once on the next one" \
    '^typed-in-flight-42' 30
t_check "and ran no more" \
    t_never 3 eval '[ "$(t_term_count "^typed-in-flight-42")" != 1 ]'

# A line whose echo came is not sent again when the link breaks next.
t_term_type 'echo answered-$((6 * 7))'
t_term_keys Enter
t_term_wait '^answered-42$' 10
t_term_quiet 5
t_relay hold >/dev/null || t_die "relay hold"
t_wait_notice 10
t_relay orphan >/dev/null || t_die "relay orphan"
t_remote_shell_pid four 30 >/dev/null || t_die "no shell after the second break"
t_check_once "a line answered before the break ran once" '^answered-42' 0
t_done
