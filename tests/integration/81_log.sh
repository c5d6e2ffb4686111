#!/usr/bin/env bash
# --log FILE: a private, timestamped log of what limpet did that never
# holds what was typed or shown; --debug adds how the config was read;
# -v reaches ssh, whose debug lines then show in the terminal.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_init log
t_sshd_start
t_limpet_config <<'CONF'
Host testhost
	Session logged
CONF

log=$T/limpet.log
t_limpet_start --log "$log" --debug testhost
t_remote_wait_clients 1
# The typed line and its output both hold the marker.
t_term_type 'echo LIMPETSECRET$((6*7))'
t_term_keys Enter
t_term_wait 'LIMPETSECRET42'
old=$(t_limpet_ssh_now) || exit 1
kill -KILL $old
t_check "limpet reconnects after its ssh is killed" t_limpet_new_ssh "$old"
t_remote_wait_clients 1
t_term_keys C-b d
status=$(t_term_wait_exit 10)
t_check "limpet exits 0 after a detach (got $status)" [ "$status" = 0 ]

t_check "the log file exists" [ -s "$log" ]
t_check "the log file has mode 600 (got $(stat -c %a "$log"))" \
    [ "$(stat -c %a "$log")" = 600 ]
t_check "every line starts with a date, a time and a pid" \
    eval '! grep -Evq "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} \[[0-9]+\] " "$log"'
t_check "the log says how a connection ended" grep -q 'connection ended' "$log"
t_check "--debug logs how the config file was read" \
    grep -q 'config:1: Host line applies to testhost' "$log"
t_check "--debug logs the resolved settings" \
    grep -q 'setting session logged' "$log"
t_check "nothing typed or shown is in the log" \
    eval '! grep -q LIMPETSECRET "$log"'

# Without --debug the detail is left out, and an existing file is kept
# and made private.
log2=$T/plain.log
echo "earlier line" >"$log2"
chmod 644 "$log2"
t_limpet_start --log "$log2" testhost
t_remote_wait_clients 1
t_term_keys C-b d
t_term_wait_exit 10 >/dev/null
t_check "an existing log is appended to" grep -q '^earlier line$' "$log2"
t_check "and made mode 600 (got $(stat -c %a "$log2"))" \
    [ "$(stat -c %a "$log2")" = 600 ]
t_check "the plain log has events" grep -q 'ssh pid' "$log2"
t_check "the plain log has no --debug detail" \
    eval '! grep -q "Host line" "$log2"'

# LIMPET_LOG still works.
log3=$T/env.log
t_term_start env LIMPET_LOG="$log3" XDG_CONFIG_HOME="$T/xdg" "$LIMPET" \
    -F "$T/ssh_config" testhost
t_remote_wait_clients 1
t_term_keys C-b d
t_term_wait_exit 10 >/dev/null
t_check "LIMPET_LOG names a log file too" grep -q 'ssh pid' "$log3"

# A symbolic link is never followed.
ln -s "$T/elsewhere" "$T/link.log"
eval "$(t_limpet --log "$T/link.log" -G testhost)" >/dev/null 2>"$T/err"
status=$?
t_check "--log on a symbolic link is refused with status 64 (got $status)" \
    [ "$status" = 64 ]
t_check "and says why" grep -q 'symbolic link' "$T/err"
t_check "and nothing was written behind the link" [ ! -e "$T/elsewhere" ]

# -v is ssh's.
t_limpet_start -v testhost
t_term_wait_history 'debug1: ' 15
t_pass "with -v, ssh's debug1 lines reach the terminal"
t_remote_wait_clients 1
t_term_keys C-b d
t_term_wait_exit 10 >/dev/null

t_done
