#!/usr/bin/env bash
# Secrets: what is typed never reaches limpet's log, even while the link is
# down and input waits for the next connection; the log is 0600 whatever
# the umask and whatever mode the file had; the only things limpet itself
# creates are the log (followed symlinks refused) and, in a shared
# temporary directory, one directory closed to others for the sockets of
# its connections' masters, left empty; and the ssh it runs carries no
# option of limpet's that loosens host key checking.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_need strace stat
t_init secrets
t_sshd_start
t_relay_start

secret="sekrit$RANDOM$RANDOM"
down="typedwhiledown$RANDOM$RANDOM"
log=$T/limpet.log
mkdir -p "$T/tmpdir"

# An existing, readable log: limpet must make it private.
: >"$log"
chmod 644 "$log"

# LeakSanitizer cannot run under ptrace: a sanitizer build checks its
# leaks in the other tests.
t_term_start strace -o "$T/strace.out" -e trace=open,openat,creat,mkdir,mkdirat,link,linkat,symlink,symlinkat,rename,renameat,renameat2 \
    env LIMPET_LOG="$log" TMPDIR="$T/tmpdir" XDG_CONFIG_HOME="$T/xdg" \
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    "$LIMPET" -F "$T/ssh_config" relayhost
t_remote_wait_clients 1
pid=$(t_remote_shell_pid before) || t_die "no shell in the session"
t_term_type "echo $secret"
t_term_keys Enter
t_term_wait "^$secret"

# Typed into a held link, which is what makes limpet suspect it.
t_relay hold >/dev/null || t_die "relay hold"
t_term_type "echo $down"
t_term_keys Enter
t_check "limpet shows its notice while the link is held" \
    t_poll 15 t_notice_shown
t_relay pass >/dev/null || t_die "relay pass"
t_check "after the link came back, the same shell is there" \
    t_same_shell after "$pid" 20

lp=$(t_limpet_pid) || t_die "no limpet process"
t_check "the log file is 0600 (was 0644)" \
    [ "$(stat -c %a "$log")" = 600 ]
for sp in $(t_limpet_ssh_pids); do
	tr '\0' '\n' <"/proc/$sp/cmdline" >"$T/ssh.argv"
	t_check "ssh pid $sp: no option loosens host key checking" \
	    eval '! grep -Eiq "^(-o)?(StrictHostKeyChecking|UserKnownHostsFile|GlobalKnownHostsFile|CheckHostIP|UpdateHostKeys|VerifyHostKeyDNS|KnownHostsCommand|HostKeyAlias|NoHostAuthenticationForLocalhost)" "$T/ssh.argv"'
done
# Every regular file limpet holds open is its log.
others=$(for fd in /proc/"$lp"/fd/*; do
	f=$(readlink "$fd")
	[ -f "$f" ] && [ "$f" != "$log" ] && echo "$f"
done)
t_check "limpet holds no file open but its log (${others:-none})" [ -z "$others" ]

# Detach once the connection that lost the race is gone.
t_poll 20 eval '[ "$(t_limpet_ssh_pids | wc -l)" = 1 ]' ||
    t_log "limpet still runs ssh $(t_limpet_ssh_pids | tr '\n' ' ')"
t_term_keys C-b d
t_term_wait_exit 20 >/dev/null

t_check "the log was written" [ -s "$log" ]
t_check "the log holds nothing that was typed" \
    eval '! grep -q -e "$secret" -e "$down" "$log"'
rundir=$T/tmpdir/limpet-$(id -u)
t_check "TMPDIR holds only limpet's own directory, 0700 and empty" \
    eval '[ "$(ls -A "$T/tmpdir")" = "limpet-$(id -u)" ] &&
    [ "$(stat -c %a "$rundir")" = 700 ] && [ -z "$(ls -A "$rundir")" ]'
# strace: the calls limpet (not its children) made that create files.
grep -E 'O_CREAT|creat\(|mkdir|link|rename' "$T/strace.out" |
    grep -v ' = -1 ' >"$T/created" || true
t_check "limpet creates only its log and that directory" \
    eval '[ "$(grep -v -- "\"$log\"" "$T/created" |
    grep -vc -- "mkdir(\"$rundir\", 0700)")" = 0 ]'
t_check "the log is opened without following a symlink, mode 0600" \
    grep -q "\"$log\", .*O_NOFOLLOW.*, 0600)" "$T/created"
[ "$T_FAILED" -eq 0 ] || sed 's/^/#   created: /' "$T/created" >&2

# A new log under umask 000 is private from the start.
rm -f "$log"
t_term_start sh -c 'umask 000; exec env LIMPET_LOG="$0" XDG_CONFIG_HOME="$1" "$2" -F "$3" testhost' \
    "$log" "$T/xdg" "$LIMPET" "$T/ssh_config"
t_remote_wait_clients 1
t_check "a new log under umask 000 is 0600" [ "$(stat -c %a "$log")" = 600 ]
t_term_keys C-b d
t_term_wait_exit 10 >/dev/null

# A log path that is a symlink is refused, not followed.
rm -f "$log"
ln -s "$T/elsewhere" "$log"
t_term_start env LIMPET_LOG="$log" XDG_CONFIG_HOME="$T/xdg" "$LIMPET" \
    -F "$T/ssh_config" testhost
status=$(t_term_wait_exit 10)
t_check "a symlinked log path is refused as a usage error (exit $status)" \
    [ "$status" = 64 ]
t_check "with a message naming it" \
    t_poll 2 t_term_history_has "can't open log file"
t_check "and the symlink's target was not created" [ ! -e "$T/elsewhere" ]

t_done
