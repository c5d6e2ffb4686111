#!/usr/bin/env bash
# --list shows the tmux and screen sessions on the host and which one has
# a client attached; --kill HOST SESSION ends exactly that session; both
# exit with ssh's status when ssh cannot log in.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_init list_kill
t_need screen
t_sshd_start

# limpet run as a plain command, its output and status kept in files.
limpet_cmd()
{
	eval "$(t_limpet "$@")" >"$T/out" 2>"$T/err" </dev/null
	echo $? >"$T/status"
}
out_has() { grep -Eq -- "$1" "$T/out"; }
status_is() { [ "$(cat "$T/status")" = "$1" ]; }
screen_has() { t_remote_screen -ls 2>/dev/null | grep -Eq "[0-9]+\.$1[[:space:]]"; }

t_remote_tmux new-session -d -s alpha || t_die "tmux new-session failed"
t_remote_tmux new-session -d -s alpha2 || t_die "tmux new-session failed"
t_remote_screen -dmS scr1 || t_die "screen -dmS failed"
t_poll 10 screen_has scr1 || t_die "screen session scr1 did not start"
t_limpet_start --session beta testhost
t_remote_wait_clients 1

limpet_cmd --list testhost
t_check "--list exits 0" status_is 0
t_check "--list shows tmux session alpha, detached" \
    out_has '^tmux +alpha +detached$'
t_check "--list shows tmux session beta, attached" \
    out_has '^tmux +beta +attached$'
t_check "--list shows screen session scr1, detached" \
    out_has '^screen +scr1 +detached$'
t_check "--list shows exactly the four sessions" \
    [ "$(grep -c . "$T/out")" = 4 ]
t_check "--list prints nothing on stderr" [ ! -s "$T/err" ]
t_check "--list leaves limpet's session attached" \
    [ "$(t_remote_clients)" = 1 ]
[ "$(cat "$T/status")" = 0 ] || { t_log "out:"; cat "$T/out" >&2; t_log "err:"; cat "$T/err" >&2; }

limpet_cmd --kill testhost alpha
t_check "--kill testhost alpha exits 0" status_is 0
t_check "tmux session alpha is gone" eval '! t_remote_has_session alpha'
t_check "alpha2, whose name starts the same, is still there" \
    t_remote_has_session alpha2

limpet_cmd --kill testhost scr1
t_check "--kill testhost scr1 exits 0" status_is 0
t_check "screen session scr1 is gone" t_poll 10 eval '! screen_has scr1'

limpet_cmd --kill testhost nosuch
t_check "--kill of a missing session exits 1 (got $(cat "$T/status"))" \
    status_is 1
t_check "and says there is no such session" \
    grep -q 'limpet: no session nosuch on this host' "$T/err"

limpet_cmd --list testhost
t_check "--list afterwards shows alpha2 and beta only" \
    [ "$(awk '{print $2}' "$T/out" | sort | tr '\n' ' ')" = "alpha2 beta " ]

t_wrong_key_host badkey
limpet_cmd --list badkey
t_check "--list with a rejected key exits 255 (got $(cat "$T/status"))" \
    status_is 255
t_check "and shows ssh's reason" grep -q 'Permission denied' "$T/err"

t_done
