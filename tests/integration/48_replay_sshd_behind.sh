#!/usr/bin/env bash
# sshd falls behind in reading the session's output just as a reconnect's
# replay block is printed: tmux, attaching right after the block, throws
# away what its terminal has not yet passed on (it flushes the output
# queue when it takes the terminal over). The block's end must still
# arrive, and every line printed during the outage land in the history
# once, in order. The remote's tmux is a wrapper that, the first time it
# runs after a flag file appears, stops the sshd process of its session
# for two seconds.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
T_TIMEOUT=120
t_init replay_behind
t_need tmux

REAL_TMUX=$(command -v tmux)
mkdir -p "$T/bin"
cat >"$T/bin/tmux" <<EOF
#!/bin/sh
if rm "$T/stop-sshd" 2>/dev/null; then
	sshd=\$(ps -o ppid= -p \$PPID | tr -d ' ')
	echo "\$sshd" >"$T/stopped-sshd"
	kill -STOP "\$sshd"
	(sleep 2; kill -CONT "\$sshd") </dev/null >/dev/null 2>&1 &
fi
exec "$REAL_TMUX" "\$@"
EOF
chmod +x "$T/bin/tmux"
T_SSHD_SETENV="PATH=$T/bin:$PATH"
t_sshd_start
t_relay_start

t_remote_tmux new-session -d -s behind || t_die "no remote session"
# About 9 KB of rows: more than sshd's side of the pty keeps once read in,
# less than the pty holds, so the whole block is written while sshd is
# stopped, and tmux starts before any of it is read.
t_seq_outage behind B 1500 touch "$T/stop-sshd"
t_check "sshd was stopped while the block was printed" \
    test -s "$T/stopped-sshd"

lines() { t_term_history | sed -n 's/^B\([0-9][0-9]*\)$/\1/p'; }
t_check "every line is in the history once, in order" \
    eval 't_same_numbers "$(lines)" "$(seq 1 1500)"'
t_check "the block was not given up on" \
    t_never 1 grep -q 'the block did not end' "$T/limpet.log"
t_check "the session is attached and takes input" \
    eval 't_term_type "echo after-\$((6*7))"; t_term_keys Enter; t_term_wait "^after-42$" 10'

t_done
