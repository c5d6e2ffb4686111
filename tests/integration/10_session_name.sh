#!/usr/bin/env bash
# The remote session's name: from the config file (with %h expanded), from
# --session, which wins over the file, and "limpet" when nothing says.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_init session_name
t_sshd_start
t_ssh_host otherhost "$T_SSHD_PORT"
t_limpet_config <<'CONF'
Host testhost
	Session work-%h
CONF

detach()
{
	local status
	t_term_keys C-b d
	status=$(t_term_wait_exit 10)
	t_check "limpet exits 0 after a detach (got $status)" [ "$status" = 0 ]
}

t_limpet_start testhost
t_check "Session work-%h for Host testhost makes session work-testhost" \
    t_poll 15 t_remote_has_session work-testhost
t_remote_wait_clients 1
t_check "the client is attached to work-testhost" \
    [ "$(t_remote_tmux list-clients -F '#{client_session}')" = work-testhost ]
detach

t_limpet_start --session cli-name testhost
t_check "--session cli-name overrides the config file" \
    t_poll 15 t_remote_has_session cli-name
t_remote_wait_clients 1
t_check "the client is attached to cli-name" \
    [ "$(t_remote_tmux list-clients -F '#{client_session}')" = cli-name ]
detach

t_limpet_start otherhost
t_check "a host without a Session line gets the session \"limpet\"" \
    t_poll 15 t_remote_has_session limpet
t_remote_wait_clients 1
detach

t_check "exactly the three expected sessions exist" \
    [ "$(t_remote_sessions | sort | tr '\n' ' ')" = "cli-name limpet work-testhost " ]

t_done
