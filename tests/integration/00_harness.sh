#!/usr/bin/env bash
# The test harness itself, checked with plain ssh: the throwaway sshd, the
# outer terminal, and each fault the relay can inject.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_init harness
t_sshd_start
t_relay_start

# A command in the background with its output in files, for exit statuses.
bg_ssh()
{
	local name=$1; shift
	t_ssh "$@" >"$T/$name.out" 2>"$T/$name.err" &
	eval "${name}_pid=\$!"
}

# --- plain ssh into a remote tmux, typed at and detached -------------------
t_term_start ssh -t -F "$T/ssh_config" testhost tmux new-session -A -D -s t1
t_term_wait '\[t1\]' 15
t_term_type 'echo hi'
t_term_keys Enter
t_term_wait '^hi *$'
t_pass "typed input reaches the remote shell and its output comes back"
t_check "remote session t1 is listed by t_remote_tmux" t_remote_has_session t1
t_term_keys C-b d
t_term_wait_history '\[detached \(from session t1\)\]'
status=$(t_term_wait_exit 10)
t_check "ssh exits 0 after tmux detaches (got $status)" [ "$status" = 0 ]

# --- the same through the relay, then hold and pass --------------------------
t_term_start ssh -t -F "$T/ssh_config" relayhost tmux new-session -A -D -s t2
t_term_wait '\[t2\]' 15
t_term_type 'echo flow:$((6*7)):'
t_term_keys Enter
t_term_wait '^flow:42:'
t_check "the relay counts one connection" [ "$(t_relay_count)" = 1 ]

t_relay hold >/dev/null || t_die "relay hold"
t_term_type 'echo held:$((2*3)):'
t_term_keys Enter
t_check "under hold, typed input does not echo" t_never 2 t_term_has 'held'
t_relay pass >/dev/null || t_die "relay pass"
t_term_wait '^held:6:'
t_pass "after pass, the held input arrives and is answered"

# --- orphan: the old connection is dead for good, a new one works ---------
t_relay orphan >/dev/null || t_die "relay orphan"
t_term_type 'echo orph:$((1+1)):'
t_term_keys Enter
t_check "after orphan, the old connection moves nothing" t_never 2 t_term_has 'orph'
out=$(timeout 15 ssh -F "$T/ssh_config" -o BatchMode=yes relayhost 'echo new-ok')
t_check "after orphan, a new connection through the relay works" [ "$out" = new-ok ]
t_relay pass >/dev/null
t_check "orphaned connections stay held after pass" t_never 1 t_term_has 'orph'
t_check "the orphaned connection is still counted" t_poll 5 eval '[ "$(t_relay_count)" = 1 ]'

# --- reset: RST on every connection --------------------------------------
bg_ssh rst relayhost 'echo started; exec sleep 60'
t_poll 10 grep -q started "$T/rst.out" || t_die "ssh through the relay did not start"
t_relay reset >/dev/null || t_die "relay reset"
t_poll 5 eval '! kill -0 $rst_pid 2>/dev/null' || t_die "ssh survived a reset"
wait "$rst_pid"; status=$?
t_check "ssh exits 255 after a reset (got $status)" [ "$status" = 255 ]
# Depending on what ssh was doing, a RST shows as one of these.
t_check "ssh says the connection was reset or closed: $(tr -d '\r' <"$T/rst.err")" \
    grep -Eq 'Connection reset|closed|Broken pipe' "$T/rst.err"
status=$(t_term_wait_exit 5)
t_check "the orphaned ssh in the terminal exits 255 on reset (got $status)" [ "$status" = 255 ]
t_check "no connection is left after a reset" t_poll 5 eval '[ "$(t_relay_count)" = 0 ]'

# --- refuse: new connections are reset until pass -----------------------------
t_relay refuse >/dev/null || t_die "relay refuse"
timeout 15 ssh -F "$T/ssh_config" -o BatchMode=yes relayhost true 2>"$T/refused.err"
status=$?
t_check "ssh fails with 255 while the relay refuses (got $status)" [ "$status" = 255 ]
t_check "ssh says the connection was reset or closed: $(tr -d '\r' <"$T/refused.err")" \
    grep -Eq 'Connection reset|closed|Broken pipe' "$T/refused.err"
t_relay pass >/dev/null
out=$(timeout 15 ssh -F "$T/ssh_config" -o BatchMode=yes relayhost 'echo back-ok')
t_check "after pass, new connections work again" [ "$out" = back-ok ]

# --- sshd restart drops sessions, comes back on the same port -----------------
bg_ssh rs testhost 'echo started; exec sleep 60'
t_poll 10 grep -q started "$T/rs.out" || t_die "ssh to sshd did not start"
port=$T_SSHD_PORT
t_sshd_restart
t_poll 5 eval '! kill -0 $rs_pid 2>/dev/null' || t_die "ssh session survived the sshd restart"
wait "$rs_pid"; status=$?
t_check "an sshd restart ends the session with 255 (got $status)" [ "$status" = 255 ]
out=$(timeout 15 ssh -F "$T/ssh_config" -o BatchMode=yes testhost 'echo again-ok')
t_check "sshd is back on port $port" \
    eval '[ "$out" = again-ok ] && [ "$T_SSHD_PORT" = "$port" ]'

# --- a resize of the outer terminal reaches the remote side -------------------
t_term_start ssh -t -F "$T/ssh_config" testhost
t_term_type 'echo cols:$(tput cols):'
t_term_keys Enter
t_term_wait '^cols:100:' 15
t_term_resize 80 24
t_term_type 'echo cols2:$(tput cols):$(tput lines):'
t_term_keys Enter
t_term_wait '^cols2:80:24:'
t_pass "t_term_resize reaches the remote pty"
t_term_type 'exit'
t_term_keys Enter
status=$(t_term_wait_exit 10)
t_check "ssh exits 0 when the remote shell exits (got $status)" [ "$status" = 0 ]

# --- the remote servers are private to the test --------------------------------
t_check "the remote tmux socket lives under \$T" test -S "$T/rtmux/tmux-$(id -u)/default"

t_done
