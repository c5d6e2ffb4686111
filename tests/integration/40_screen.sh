#!/usr/bin/env bash
# --mux screen: the session is a screen session with the given name, and a
# lost ssh brings the user back into the same screen shell.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_init screen
t_need screen
t_sshd_start

screen_has() { t_remote_screen -ls 2>/dev/null | grep -Eq "[0-9]+\.$1[[:space:]]"; }

t_limpet_start --mux screen --session scr testhost
t_check "a screen session named scr is created" t_poll 15 screen_has scr
t_check "no tmux session is created" eval '! t_remote_has_session scr'
pid=$(t_remote_shell_pid before) || t_die "no shell in the session"
old=$(t_limpet_ssh_now) || exit 1
kill -KILL $old
t_check "limpet starts a new ssh" t_limpet_new_ssh "$old"
t_check "limpet is back in the same screen shell" t_same_shell after "$pid"
t_check "still exactly one screen session" \
    [ "$(t_remote_screen -ls 2>/dev/null | grep -Ec '[0-9]+\.scr[[:space:]]')" = 1 ]

t_done
