#!/usr/bin/env bash
# The reattach command under every login shell a user may have: for bash,
# dash, zsh, fish and tcsh, a throwaway user with that login shell (made
# here, removed at the end), limpet attaching a tmux and a screen session
# as that user through a real sshd, and after ssh is killed, the same
# shell in the same session again. Needs root (useradd); skips otherwise.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
T_TIMEOUT=240
[ "$(id -u)" -eq 0 ] || t_skip "needs root to create users"
t_need useradd userdel runuser screen pgrep
shells="bash dash zsh fish tcsh"
for sh in $shells; do
	command -v "$sh" >/dev/null 2>&1 || t_skip "$sh is not installed"
done
t_init login_shells

# Homes outside $T, which only root may enter.
U=$(mktemp -d "${TMPDIR:-/tmp}/limpet-users.XXXXXX") || t_die "mktemp"
chmod 755 "$U"
USERS=

users_remove()
{
	local status=$? u pids
	for u in $USERS; do
		pids=$(pgrep -u "$u")
		[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
		# userdel refuses a user whose processes are not gone yet.
		t_poll 5 eval '[ -z "$(pgrep -u "$u")" ]'
		userdel "$u" 2>/dev/null || userdel -f "$u" 2>/dev/null ||
		    echo "# could not remove user $u" >&2
	done
	rm -rf "$U"
	(exit "$status")
	t_cleanup
}
trap users_remove EXIT

t_sshd_start

# as USER CMD...: run CMD as the user, with the session directories sshd
# gives it.
as()
{
	local u=$1; shift
	runuser -u "$u" -- env HOME="$U/$u" TMUX_TMPDIR="$U/$u/tmux" \
	    SCREENDIR="$U/$u/screen" "$@"
}

for sh in $shells; do
	u=lpt$sh$((RANDOM % 1000))
	useradd -M -d "$U/$u" -s "$(command -v "$sh")" -p '*' "$u" ||
	    t_die "useradd $u failed"
	USERS="$USERS $u"
	mkdir -p "$U/$u/tmux" "$U/$u/screen"
	cp "$T/user_key.pub" "$U/$u/authorized_keys"
	chown -R "$u:" "$U/$u"
	chmod 700 "$U/$u" "$U/$u/tmux" "$U/$u/screen"
	cat >>"$T/sshd_config" <<-EOF
	Match User $u
		AuthorizedKeysFile $U/$u/authorized_keys
		SetEnv TMUX_TMPDIR=$U/$u/tmux SCREENDIR=$U/$u/screen
	EOF
done
t_sshd_restart

# session_shell USER MUX: the pid of the shell in the user's session.
session_shell()
{
	local u=$1 mux=$2 server
	if [ "$mux" = tmux ]; then
		as "$u" tmux list-panes -a -F '#{pane_pid}' 2>/dev/null | head -n1
	else
		server=$(as "$u" screen -ls 2>/dev/null |
		    sed -n 's/^[[:space:]]*\([0-9][0-9]*\)\.m[[:space:]].*/\1/p' |
		    head -n1)
		[ -n "$server" ] && pgrep -P "$server" | head -n1
	fi
}

# runs_shell PID SHELL: PID is SHELL, as a login shell or not.
runs_shell()
{
	local comm
	comm=$(ps -o comm= -p "$1")
	[ "$comm" = "$2" ] || [ "$comm" = "-$2" ]
}

# typed TAG: the shell in the terminal runs a command typed now. The
# quotes keep the command line itself from matching, in any of the shells.
typed()
{
	t_term_type "echo $1''-ok"
	t_term_keys Enter
	t_poll 5 t_term_has "^$1-ok"
}

for sh in $shells; do
	u=$(echo "$USERS" | tr ' ' '\n' | grep "^lpt$sh[0-9]*$")
	for mux in tmux screen; do
		what="$sh/$mux"
		t_limpet_start -l "$u" --mux "$mux" --session m testhost
		if ! t_poll 15 eval '[ -n "$(session_shell "$u" "$mux")" ]'; then
			t_term_dump
			t_fail "$what: no $mux session for $u"
			continue
		fi
		shell=$(session_shell "$u" "$mux")
		t_check "$what: the session runs $u's $sh (pid $shell)" \
		    runs_shell "$shell" "$sh"
		t_check "$what: the shell answers" t_poll 15 typed "a$sh$mux"
		old=$(t_limpet_ssh_now) || continue
		kill -KILL $old
		t_check "$what: limpet starts a new ssh" t_limpet_new_ssh "$old"
		t_check "$what: after ssh is killed, the same shell answers" \
		    t_poll 15 typed "b$sh$mux"
		t_check "$what: in the same session" \
		    [ "$(session_shell "$u" "$mux")" = "$shell" ]
		if [ "$mux" = tmux ]; then
			t_term_keys C-b d
		else
			t_term_keys C-a d
		fi
		status=$(t_term_wait_exit 10)
		t_check "$what: limpet exits 0 after a detach (got $status)" \
		    [ "$status" = 0 ]
	done
done

t_done
