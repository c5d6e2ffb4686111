#!/usr/bin/env bash
# Whichever way limpet ends, the user's terminal modes are exactly as they
# were before it started: detach, ~., a fatal error, SIGTERM and SIGHUP.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_init tty_restore
t_sshd_start

t_wrong_key_host badkey

# A plain sh saves the modes, runs limpet, saves them again. Unlike an
# interactive shell it repairs nothing in between.
cat >"$T/ttywrap.sh" <<'WRAP'
name=$1; shift
stty -a >"$name.before"
"$@"
echo "limpet-exit:$?"
stty -a >"$name.after"
echo "stty-saved:$name"
WRAP

# run_path NAME HOST: start limpet under the wrapper.
run_path()
{
	[ -x "$LIMPET" ] || t_die "limpet not built: $LIMPET"
	t_term_start sh "$T/ttywrap.sh" "$1" env XDG_CONFIG_HOME="$T/xdg" \
	    "$LIMPET" -F "$T/ssh_config" "$2"
}

# check_path NAME: compare the saved modes.
check_path()
{
	if ! t_poll 10 t_term_has "^stty-saved:$1"; then
		t_term_dump
		t_fail "limpet did not end after $1"
		return
	fi
	if diff "$T/$1.before" "$T/$1.after" >"$T/$1.diff"; then
		t_pass "terminal modes restored after $1"
	else
		sed 's/^/#   /' "$T/$1.diff" >&2
		t_fail "terminal modes differ after $1"
	fi
}

run_path detach testhost
t_remote_wait_clients 1
t_term_keys C-b d
check_path detach

run_path escape testhost
t_remote_wait_clients 1
t_remote_shell_pid ready >/dev/null || t_die "no shell in the session"
t_term_keys Enter
t_term_type '~.'
check_path escape

run_path fatal badkey
check_path fatal

for sig in TERM HUP; do
	run_path "sig$sig" testhost
	t_remote_wait_clients 1
	t_remote_shell_pid ready >/dev/null || t_die "no shell in the session"
	lp=$(t_limpet_pid)
	[ -n "$lp" ] || t_die "cannot find limpet's pid"
	kill -"$sig" "$lp"
	check_path "sig$sig"
done

t_done
