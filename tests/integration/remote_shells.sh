#!/bin/sh
#
# The remote command under every login shell sshd might use: run it the
# way sshd does ("$SHELL -c STRING") with fake tmux and screen that log
# their arguments, and check what they were given, the warning when
# neither exists, status 127 when an explicit one is missing, and the
# screen lookup (exact name, created detached when absent).

: "${REMOTECMD:?REMOTECMD must name tests/lib/remotecmd}"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/limpet-remote.XXXXXX") || exit 99
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' HUP INT TERM

failures=0
checks=0

ok() {
	checks=$((checks + 1))
	echo "ok   $*"
}

fail() {
	checks=$((checks + 1))
	failures=$((failures + 1))
	echo "FAIL $*"
}

# check NAME GOT WANT
check() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		fail "$1: got [$2], want [$3]"
	fi
}

# Directories for PATH: both fakes, only one, or neither. Each holds the
# tools the remote script itself needs (the replay block wants awk, cat,
# mktemp, rm and stty).
mkdir -p "$TMP/home" "$TMP/both" "$TMP/tmux" "$TMP/screen" "$TMP/neither"
for d in both tmux screen neither; do
	for tool in sh tail awk cat mktemp rm stty; do
		ln -s "$(command -v $tool)" "$TMP/$d/$tool"
	done
done

cat >"$TMP/both/tmux" <<'EOF'
#!/bin/sh
echo "tmux $*" >>"$FAKE_LOG"
exit 0
EOF

# A screen that lists $FAKE_LS and, on -dmS, adds the new session to it
# unless FAKE_CREATE=no. With FAKE_COPY, the session's history and window
# are that file's rows, its last three the window, and it behaves as
# screen does when busy: "-X hardcopy" returns at once and the file is
# written a moment later, and "-Q" is answered only once that is done.
cat >"$TMP/both/screen" <<'EOF'
#!/bin/sh
echo "screen $*" >>"$FAKE_LOG"
case "$3 $4" in
"-X hardcopy")
	[ -n "$FAKE_COPY" ] || exit 0
	: >"$FAKE_COPY.busy"
	{ /bin/sleep 0.3; /bin/cat "$FAKE_COPY" >"$6"; /bin/rm "$FAKE_COPY.busy"; } &
	exit 0
	;;
"-Q info")
	[ -n "$FAKE_COPY" ] || exit 0
	n=0
	while [ -e "$FAKE_COPY.busy" ] && [ $n -lt 100 ]; do
		/bin/sleep 0.05
		n=$((n + 1))
	done
	echo "(1,3)/(80,3)+1024 +flow 0(sh)"
	exit 0
	;;
esac
case $1 in
-ls)
	if [ -s "$FAKE_LS" ]; then
		echo "There are screens on:"
		/bin/cat "$FAKE_LS"
		echo "Sockets in /run/screen/S-user."
		exit 0
	fi
	echo "No Sockets found in /run/screen/S-user."
	exit 1
	;;
-dmS)
	if [ "$FAKE_CREATE" != no ]; then
		printf '\t4242.%s\t(01/02/26 10:00:00)\t(Detached)\n' "$2" \
		    >>"$FAKE_LS"
	fi
	;;
esac
exit 0
EOF
chmod +x "$TMP/both/tmux" "$TMP/both/screen"
cp "$TMP/both/tmux" "$TMP/tmux/tmux"
cp "$TMP/both/screen" "$TMP/screen/screen"

WARNING="limpet: neither tmux nor screen is installed on this host;"
WARNING="$WARNING this shell will not survive a disconnect"

LOG=$TMP/log
LS=$TMP/ls
OUT=$TMP/out
ERR=$TMP/err
IN=$TMP/in
# What the login shell reads when one is started: a marker, then exit.
echo 'echo LOGIN_SHELL_RAN' >"$IN"
echo 'exit 0' >>"$IN"
# What limpet sends once a replay block came, after which the keys go:
# anything typed ahead on that line goes with it.
IN_ACK=$TMP/in-ack
{ echo 'typed ahead limpet-replay-ack'; cat "$IN"; } >"$IN_ACK"
# A session's history and window for the fake screen's hardcopy.
COPY=$TMP/hardcopy
printf 'HB %s\n' 1 2 3 4 5 6 7 8 >"$COPY"

TIMEOUT=
if command -v timeout >/dev/null 2>&1; then
	TIMEOUT="timeout 20"
fi

# run SHELL PATHDIR MODE SESSION [CREATE [REPLAY...]]: as sshd would, in
# a clean environment; sets rc, and leaves the fakes' log, stdout and
# stderr. REPLAY (rows back and fingerprints) asks for the replay block.
# MODE "list" runs --list's command, "kill-MUX" --kill's.
run() {
	r_sh=$1 r_dir=$2 r_mode=$3 r_name=$4 r_create=${5:-yes}
	r_in=${R_IN:-$IN}
	shift 4
	[ $# -gt 0 ] && shift
	[ $# -gt 0 ] && r_in=${R_IN:-$IN_ACK}
	case $r_mode in
	list) cmd=$("$REMOTECMD" list) || { rc=99; return; } ;;
	kill-*) cmd=$("$REMOTECMD" kill "${r_mode#kill-}" "$r_name") ||
	    { rc=99; return; } ;;
	*) cmd=$("$REMOTECMD" "$r_mode" "$r_name" "$@") ||
	    { rc=99; return; } ;;
	esac
	: >"$LOG"
	$TIMEOUT env -i HOME="$TMP/home" PATH="$TMP/$r_dir" SHELL="$r_sh" \
	    TERM=dumb FAKE_LOG="$LOG" FAKE_LS="$LS" FAKE_CREATE="$r_create" \
	    FAKE_COPY="${R_COPY-}" "$r_sh" -c "$cmd" <"$r_in" >"$OUT" 2>"$ERR"
	rc=$?
}

# The fakes' log as one line.
log() {
	tr '\n' '|' <"$LOG"
}

shells=0
for name in bash dash zsh fish tcsh; do
	sh=$(command -v "$name" 2>/dev/null) || {
		echo "skip $name: not installed"
		continue
	}
	shells=$((shells + 1))

	# tmux first when both exist; tmux and screen modes.
	for mode in auto tmux; do
		: >"$LS"
		run "$sh" both $mode name_1
		check "$name $mode: status" "$rc" 0
		check "$name $mode: tmux argv" "$(log)" \
		    "tmux new-session -A -D -s name_1|"
		check "$name $mode: quiet" "$(cat "$ERR")" ""
	done

	# screen, session exists among names that only look alike.
	printf '\t999.name_1x\t(Detached)\n' >"$LS"
	printf '\t77.xname_1\t(Attached)\n' >>"$LS"
	printf '\t55.name_1.b\t(Detached)\n' >>"$LS"
	printf '\t12345.name_1\t(01/02/26 10:00:00)\t(Detached)\n' >>"$LS"
	printf '\t3.name_12\t(Detached)\n' >>"$LS"
	run "$sh" both screen name_1
	check "$name screen exists: status" "$rc" 0
	check "$name screen exists: argv" "$(log)" \
	    "screen -ls|screen -D -r 12345.name_1|"
	check "$name screen exists: quiet" "$(cat "$ERR")" ""

	# screen, no exact match (a dead one does not count): create it
	# detached, then attach it by PID.NAME.
	printf '\t999.name_1x\t(Detached)\n' >"$LS"
	printf '\t77.xname_1\t(Attached)\n' >>"$LS"
	printf '\t55.name_1.b\t(Detached)\n' >>"$LS"
	printf '\t66.name_1\t(Dead ???)\n' >>"$LS"
	run "$sh" both screen name_1
	check "$name screen absent: status" "$rc" 0
	check "$name screen absent: argv" "$(log)" \
	    "screen -ls|screen -dmS name_1|screen -ls|screen -D -r 4242.name_1|"

	# screen, no sessions at all and creation failing: let screen
	# itself try and say why.
	: >"$LS"
	run "$sh" both screen name_1 no
	check "$name screen create fails: argv" "$(log)" \
	    "screen -ls|screen -dmS name_1|screen -ls|screen -D -R -S name_1|"

	# screen, two sessions with the name: the last one listed.
	printf '\t200.name_1\t(Detached)\n' >"$LS"
	printf '\t100.name_1\t(Detached)\n' >>"$LS"
	run "$sh" both screen name_1
	check "$name screen twice: argv" "$(log)" \
	    "screen -ls|screen -D -r 100.name_1|"

	# auto without tmux: screen.
	printf '\t12345.name_1\t(Detached)\n' >"$LS"
	run "$sh" screen auto name_1
	check "$name auto screen only: argv" "$(log)" \
	    "screen -ls|screen -D -r 12345.name_1|"

	# auto with neither: the warning, then a login shell.
	run "$sh" neither auto name_1
	check "$name auto neither: status" "$rc" 0
	check "$name auto neither: warning" "$(grep '^limpet:' "$ERR")" \
	    "$WARNING"
	check "$name auto neither: login shell" \
	    "$(grep LOGIN_SHELL_RAN "$OUT")" LOGIN_SHELL_RAN

	# A reconnect's command prints the replay block (empty here: the
	# fakes have no history), then attaches as usual.
	: >"$LS"
	run "$sh" both tmux name_1 yes 30 HB1 HB2
	check "$name tmux replay: status" "$rc" 0
	check "$name tmux replay: argv" "$(log)" \
	    "tmux has-session -t =name_1|tmux display-message -p -t =name_1: #{history_size} #{alternate_on} #{pane_in_mode} ; capture-pane -p -e -S - -E -1 -t =name_1: ; display-message -p -t =name_1: limpet-replay-cut ; capture-pane -p -e -S 0 -E - -t =name_1:|tmux new-session -A -D -s name_1|"
	check "$name tmux replay: block" "$(tr '\n' '|' <"$OUT")" \
	    "limpet-replay-begin|limpet-replay-info 0 0 0 0|limpet-replay-end|"
	check "$name tmux replay: quiet" "$(cat "$ERR")" ""
	printf '\t12345.name_1\t(Detached)\n' >"$LS"
	run "$sh" both screen name_1 yes 30 HB1
	check "$name screen replay: argv" "$(log)" \
	    "screen -ls|screen -S 12345.name_1 -X hardcopy -h $(sed -n 's/.*hardcopy -h //p' "$LOG")|screen -S 12345.name_1 -Q info|screen -D -r 12345.name_1|"
	check "$name screen replay: block" "$(tr '\n' '|' <"$OUT")" \
	    "limpet-replay-begin|limpet-replay-info 0 0 0 0|limpet-replay-end|"
	check "$name screen replay: quiet" "$(cat "$ERR")" ""
	# A busy session writes the hardcopy only after -X returned: the
	# rows are there all the same, and the anchor (HB 3 to HB 5) found.
	R_COPY=$COPY run "$sh" both screen name_1 yes 2 HB3 HB4 HB5
	check "$name screen replay, busy: block" "$(tr '\n' '|' <"$OUT")" \
	    "limpet-replay-begin|limpet-replay-info 3 0 0 1|HB 3|HB 4|HB 5|limpet-replay-cut|HB 6|HB 7|HB 8|limpet-replay-end|"
	run "$sh" neither auto name_1 yes 30 HB1
	check "$name auto neither replay: an empty block first" \
	    "$(head -n 2 "$OUT" | tr '\n' '|')" \
	    "limpet-replay-begin|limpet-replay-end|"
	check "$name auto neither replay: then the login shell" \
	    "$(grep LOGIN_SHELL_RAN "$OUT")" LOGIN_SHELL_RAN
	R_IN=$IN run "$sh" neither auto name_1 yes 30 HB1
	check "$name auto neither replay: nothing reaches the shell before the line that the block came" \
	    "$(grep LOGIN_SHELL_RAN "$OUT")" ""

	# none: a login shell, no warning, no multiplexer.
	run "$sh" both none name_1
	check "$name none: status" "$rc" 0
	check "$name none: login shell" "$(grep LOGIN_SHELL_RAN "$OUT")" \
	    LOGIN_SHELL_RAN
	check "$name none: no warning" "$(grep '^limpet:' "$ERR")" ""
	check "$name none: no multiplexer" "$(log)" ""

	# Explicit modes without their multiplexer: say so, status 127.
	run "$sh" screen tmux name_1
	check "$name tmux missing: status" "$rc" 127
	check "$name tmux missing: message" "$(cat "$ERR")" \
	    "limpet: tmux is not installed on this host"
	check "$name tmux missing: nothing run" "$(log)" ""
	run "$sh" tmux screen name_1
	check "$name screen missing: status" "$rc" 127
	check "$name screen missing: message" "$(cat "$ERR")" \
	    "limpet: screen is not installed on this host"
	check "$name screen missing: nothing run" "$(log)" ""

	# --list: both asked, screen's lines passed on, the end marked.
	printf '\t12345.name_1\t(01/02/26 10:00:00)\t(Detached)\n' >"$LS"
	printf '\t66.other\t(Attached)\n' >>"$LS"
	run "$sh" both list x
	check "$name list: status" "$rc" 0
	check "$name list: argv" "$(log)" \
	    "tmux list-sessions -F limpet-list tmux-session #{session_attached} #{session_name}|screen -ls|"
	check "$name list: output" "$(tr '\t\n' ' |' <"$OUT")" \
	    "limpet-list tmux|limpet-list screen|limpet-list screen-session 12345.name_1 (01/02/26 10:00:00) (Detached)|limpet-list screen-session 66.other (Attached)|limpet-list end|"
	run "$sh" neither list x
	check "$name list neither: output" "$(cat "$OUT")" "limpet-list end"

	# --kill: tmux's session when tmux has it, else screen's exact one.
	run "$sh" both kill-auto name_1
	check "$name kill tmux: status" "$rc" 0
	check "$name kill tmux: argv" "$(log)" \
	    "tmux has-session -t =name_1|tmux kill-session -t =name_1|"
	printf '\t999.name_1x\t(Detached)\n' >"$LS"
	printf '\t12345.name_1\t(Detached)\n' >>"$LS"
	run "$sh" screen kill-auto name_1
	check "$name kill screen: argv" "$(log)" \
	    "screen -ls|screen -S 12345.name_1 -X quit|"
	: >"$LS"
	run "$sh" screen kill-screen name_1
	check "$name kill missing: status" "$rc" 1
	check "$name kill missing: message" "$(cat "$ERR")" \
	    "limpet: no session name_1 on this host"
done

if [ "$shells" -eq 0 ]; then
	echo "skip: none of bash, dash, zsh, fish, tcsh is installed"
	exit 77
fi
echo "$checks checks, $failures failed"
[ "$failures" -eq 0 ]
