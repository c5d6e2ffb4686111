#!/usr/bin/env bash
# Modes the remote turned on in the terminal are off once the link is
# lost and when limpet quits during the outage, and on again once the
# session is back: mouse reporting and bracketed paste at a shell prompt,
# then everything vim turns on (mouse, keypad, cursor keys).
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
T_TIMEOUT=150
t_init modes_link_lost
t_sshd_start
t_relay_start

# hold_until_down: blackhole the link until limpet's ssh gave up on it.
hold_until_down()
{
	local old
	old=$(t_limpet_ssh_now) || exit 1
	t_relay hold >/dev/null || t_die "relay hold"
	t_poll 15 eval '! kill -0 '"$old"' 2>/dev/null' ||
	    t_die "ssh did not give up on the blackholed link"
}

# quit_and_check WHAT: ~. while the link is down, then the terminal.
quit_and_check()
{
	t_term_keys Enter
	t_term_type '~.'
	t_poll 10 t_term_has '^limpet-exit:' || t_die "limpet did not quit"
	t_check "$1: after quitting, mouse, keypad and alternate screen are off" \
	    t_term_flags_are 0 mouse_any_flag keypad_flag keypad_cursor_flag \
	    alternate_on
	t_check "$1: after quitting, a paste is not bracketed" \
	    eval '! t_term_bracketed_paste'
}

# At a shell prompt (bash brackets pastes itself; printf makes sure).
t_limpet_then_cat relayhost
t_remote_wait_clients 1
t_remote_shell_pid before >/dev/null || t_die "no shell in the session"
t_term_type "printf '\\033[?1000h\\033[?2004h'"
t_term_keys Enter
t_check "mouse reporting reaches the terminal" \
    t_poll 10 t_term_flags_are 1 mouse_any_flag
hold_until_down
t_check "mouse reporting is off while the link is down" \
    t_poll 5 t_term_flags_are 0 mouse_any_flag
t_relay orphan >/dev/null || t_die "relay orphan"
t_check "mouse reporting is on again once the session is back" \
    t_poll 20 t_term_flags_are 1 mouse_any_flag
hold_until_down
quit_and_check "shell prompt"
t_relay pass >/dev/null

# vim, open when the link dies.
t_limpet_then_cat relayhost
t_remote_wait_clients 1
t_term_type "vim -u NONE -N -c 'set mouse=a' -c 'set t_ks=\\e[?1h\\e=' $T/vimfile"
t_term_keys Enter
t_term_wait '^~' 15
t_poll 10 t_term_flags_are 1 mouse_any_flag keypad_cursor_flag ||
    t_die "vim's modes did not reach the terminal"
hold_until_down
t_check "vim open, link lost: mouse, keypad and alternate screen are off" \
    t_poll 5 t_term_flags_are 0 mouse_any_flag keypad_flag \
    keypad_cursor_flag alternate_on
t_relay orphan >/dev/null || t_die "relay orphan"
t_check "vim's modes are on again once the session is back" \
    t_poll 20 t_term_flags_are 1 mouse_any_flag keypad_cursor_flag
hold_until_down
quit_and_check "vim"

t_done
