#!/usr/bin/env bash
# Resizing the user's terminal resizes the remote one.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_init resize
t_sshd_start

# remote_cols TAG: echo what tput cols says in the remote shell.
remote_cols()
{
	t_term_type "echo $1:\$(tput cols):"
	t_term_keys Enter
	t_poll 5 t_term_has "^$1:[0-9]+:" || return 1
	t_term_screen | sed -n "s/^$1:\([0-9]*\):.*/\1/p" | tail -n1
}

t_limpet_start testhost
t_remote_wait_clients 1
t_remote_shell_pid ready >/dev/null || t_die "no shell in the session"
cols=$(remote_cols before)
t_check "the remote terminal starts 100 columns wide (got $cols)" [ "$cols" = 100 ]

t_term_resize 80 24
# The resize travels through limpet, ssh and tmux; ask until it arrived.
n=0
t_poll 10 eval 'n=$((n + 1)); cols=$(remote_cols after$n); [ "$cols" = 80 ]'
t_check "after a resize to 80x24 the remote side has 80 columns (got $cols)" \
    [ "$cols" = 80 ]
t_check "limpet is still running" eval '! t_term_dead'

t_done
