#!/usr/bin/env bash
# ~^Z suspends limpet like any job: the shell gets a sane terminal back
# (modes as before limpet started), and after fg the same session is there.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_init escape_suspend
t_sshd_start
[ -x "$LIMPET" ] || t_die "limpet not built: $LIMPET"

# An interactive shell with job control plays the user's login shell.
t_term_start bash --norc --noprofile -i
t_poll 10 t_term_has '\$ ?$' || t_poll 5 t_term_has '#' ||
    t_die "no shell prompt"
t_term_type "cd $(printf %q "$T") && stty -a >stty.before && \
XDG_CONFIG_HOME=$(printf %q "$T/xdg") $(printf %q "$LIMPET") \
-F ssh_config testhost"
t_term_keys Enter
t_remote_wait_clients 1
pid=$(t_remote_shell_pid before) || t_die "no shell in the session"

t_term_keys Enter
t_term_type '~'
t_term_keys C-z
t_check "the shell reports limpet as stopped" \
    t_poll 10 t_term_history_has 'Stopped'
t_term_type "stty -a >stty.suspended; echo saved-\$((6*7))"
t_term_keys Enter
t_poll 10 t_term_history_has 'saved-42' || t_die "the shell did not answer"
t_check "terminal modes while suspended are as before limpet" \
    diff "$T/stty.before" "$T/stty.suspended"
t_check "the remote session is still there" \
    eval '[ -n "$(t_remote_tmux list-sessions -F "#{session_name}" 2>/dev/null)" ]'

t_term_type "fg"
t_term_keys Enter
t_check "after fg, the same shell is back" t_same_shell after "$pid" 10
t_done
