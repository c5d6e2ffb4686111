#!/usr/bin/env bash
# Bad input of every kind: each gets a clear message, the exit status it
# should, and the user's terminal modes exactly as before (stty -a). The
# config file's errors name file and line; session names that a shell
# would interpret are refused before anything runs; ssh's own refusals
# (an unknown option, a changed host key) end limpet without a retry; a
# server without tmux or screen fails clearly when one was asked for and
# falls back to a shell with a warning otherwise; an unknown TERM, a
# closed stdout and a terminal that goes away end limpet cleanly.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
T_TIMEOUT=240
t_init bad_input
t_sshd_start

# A plain sh saves the modes, runs the command, saves them again.
cat >"$T/wrap.sh" <<'WRAP'
name=$1; shift
stty -a >"$name.before"
"$@"
echo $? >"$name.status"
stty -a >"$name.after"
echo "wrap-done:$name"
WRAP

# run NAME ARGS...: limpet with ARGS under the wrapper, in the terminal.
run()
{
	local name=$1; shift
	t_term_start sh "$T/wrap.sh" "$name" env XDG_CONFIG_HOME="$T/xdg" \
	    "$LIMPET" -F "$T/ssh_config" "$@"
}

# ended NAME STATUS PATTERN [SECONDS]: limpet ended with STATUS, the
# terminal shows PATTERN, and the modes are as before.
ended()
{
	local name=$1 want=$2 pattern=$3 secs=${4:-15} got
	if ! t_poll "$secs" t_term_history_has "^wrap-done:$name"; then
		t_term_dump
		t_fail "$name: limpet did not end within $secs s"
		return
	fi
	got=$(cat "$T/$name.status")
	t_check "$name: exit status $want (got $got)" [ "$got" = "$want" ]
	if t_term_history_has "$pattern"; then
		t_pass "$name: the message says /$pattern/"
	else
		t_term_dump
		t_fail "$name: no /$pattern/ on the terminal"
	fi
	if diff "$T/$name.before" "$T/$name.after" >"$T/$name.diff"; then
		t_pass "$name: terminal modes restored"
	else
		sed 's/^/#   /' "$T/$name.diff" >&2
		t_fail "$name: terminal modes differ"
	fi
}

conf() { cat >"$T/$1.conf"; }

# ---- the config file --------------------------------------------------------

printf 'Host *\n  Session ok\n  Mux tmux screen\n' | conf malformed
run malformed --config "$T/malformed.conf" testhost
ended malformed 64 'malformed\.conf:3: Mux takes one value'

{ printf 'Host *\n'; head -c 200000 /dev/zero | tr '\0' a; printf '\n'; } |
    conf huge
run huge --config "$T/huge.conf" testhost
ended huge 64 'huge\.conf:2: line too long'

{ printf 'Host *\n  Session ok\n'; head -c 4096 /dev/urandom; } | conf junk
run junk --config "$T/junk.conf" testhost
ended junk 64 'junk\.conf:[0-9]+: (binary data|line too long|unknown keyword)'

printf 'Host *\n  Session "a;touch %s/pwned"\n' "$T" | conf badsession
run badsession --config "$T/badsession.conf" testhost
ended badsession 64 'badsession\.conf:2: invalid Session'

# ---- session names a shell would interpret -----------------------------------

n=0
for name in 'a;touch pwned' "a'b" 'a"b' '$(touch pwned)' '`touch pwned`' \
    'a b' 'a|b' '' '../x' "$(printf 'a\tb')"; do
	n=$((n + 1))
	run "session$n" --session "$name" testhost
	ended "session$n" 64 'session name|invalid session|--session needs a value'
done
# A host name with shell syntax, also expanded into the session name.
printf 'Host *\n  Session s-%%h\n' | conf hostsession
n=0
for host in 'a;touch pwned' 'a$(touch pwned)' "a'b" 'a b'; do
	n=$((n + 1))
	run "host$n" --config "$T/hostsession.conf" "$host"
	ended "host$n" 255 'hostname contains invalid characters'
done
t_check "no session name or host name ran a command" [ ! -e "$T/pwned" ]
t_check "no remote session was made for a refused name" \
    [ -z "$(t_remote_sessions)" ]

# ---- ssh refuses -------------------------------------------------------------

run sshopt -o NoSuchOption=1 testhost
ended sshopt 255 'Bad configuration option|nosuchoption'

run shortopt -Z testhost
ended shortopt 64 'unknown option -Z'

# The host's key in known_hosts is another one: ssh must refuse, and
# limpet must neither retry nor weaken the check.
ssh-keygen -q -N '' -t ed25519 -f "$T/other_host_key" -C other ||
    t_die "ssh-keygen failed"
: >"$T/known_hosts.changed"
echo "[127.0.0.1]:$T_SSHD_PORT $(cut -d' ' -f1,2 "$T/other_host_key.pub")" \
    >"$T/known_hosts.changed"
cp "$T/known_hosts.changed" "$T/known_hosts.changed.orig"
run hostkey -o UserKnownHostsFile="$T/known_hosts.changed" testhost
ended hostkey 255 'REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed'
t_check "hostkey: the connection is refused once, never retried" \
    [ "$(t_term_history | grep -c 'Host key verification failed')" -le 1 ]
t_check "hostkey: known_hosts is left alone" \
    cmp -s "$T/known_hosts.changed" "$T/known_hosts.changed.orig"
t_check "hostkey: no session was started" [ -z "$(t_remote_sessions)" ]

# ---- a server without tmux or screen -----------------------------------------

# A second port whose sessions get a PATH with neither.
mkdir -p "$T/nomux"
for tool in sh tail sleep; do
	ln -s "$(command -v "$tool")" "$T/nomux/$tool"
done
while :; do
	P2=$((20000 + RANDOM % 30000))
	t_port_open "$P2" || break
done
cat >>"$T/sshd_config" <<EOF
Port $T_SSHD_PORT
Port $P2
Match LocalPort $P2
	SetEnv PATH=$T/nomux TMUX_TMPDIR=$T/rtmux SCREENDIR=$T/rscreen
EOF
t_sshd_restart
t_poll 10 t_port_open "$P2" || t_die "sshd does not listen on $P2"
t_ssh_host nomux "$P2"

run nomuxtmux --mux tmux nomux
ended nomuxtmux 127 'tmux is not installed'
run nomuxscreen --mux screen nomux
ended nomuxscreen 127 'screen is not installed'

t_limpet_start --mux auto nomux
t_check "auto without tmux or screen: a warning says the shell will not survive" \
    t_poll 15 t_term_history_has 'neither tmux nor screen.*not survive'
t_check "auto without tmux or screen: a shell answers" \
    eval 't_remote_shell_pid plain 15 >/dev/null'
t_term_type 'exit'
t_term_keys Enter
t_term_wait_exit 10 >/dev/null

# ---- the terminal ------------------------------------------------------------

conns=$(( $(t_sshd_connections) + 1 ))
# The server's tmux cannot drive an unknown terminal: its message shows,
# and limpet ends with the remote command's status instead of retrying.
t_term_start sh "$T/wrap.sh" badterm env TERM=unknown-term-xyz \
    XDG_CONFIG_HOME="$T/xdg" "$LIMPET" -F "$T/ssh_config" testhost
ended badterm 1 'missing or unsuitable terminal: unknown-term-xyz' 20
t_check "badterm: tried once" [ "$(t_sshd_connections)" = "$conns" ]

t_term_start sh "$T/wrap.sh" noout sh -c \
    'exec "$0" -F "$1" testhost >&-' "$LIMPET" "$T/ssh_config"
ended noout 64 'standard input and output must be a terminal'

# The terminal goes away under a running session: limpet and its ssh end,
# and the remote session stays for the next attach.
t_limpet_start testhost
t_remote_wait_clients 1
lp=$(t_limpet_pid) || t_die "no limpet process"
sp=$(t_limpet_ssh_now) || exit 1
t_outer kill-pane -t term:
t_check "hangup: limpet ends" t_poll 10 t_all_dead "$lp"
t_check "hangup: its ssh ends" t_poll 10 t_all_dead $sp
t_check "hangup: the remote session is kept" t_remote_has_session limpet

t_done
