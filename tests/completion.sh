#!/usr/bin/env bash
# The completion scripts load without error in bash, zsh and fish (those
# installed) and complete a host name from a test HOME's ~/.ssh/config,
# ~/.ssh/known_hosts and limpet's config, as well as limpet's options.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"

comp="${TESTLIB:-$(dirname "$0")/lib}/../../completions"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/limpet-completion.XXXXXX") || exit 99
SOCK=$TMP/tmux.sock
cleanup()
{
	[ -S "$SOCK" ] && tmux -S "$SOCK" kill-server 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

checks=0 failures=0 shells=0
check()
{
	local desc=$1; shift
	checks=$((checks + 1))
	if "$@"; then
		echo "ok   $desc"
	else
		failures=$((failures + 1))
		echo "FAIL $desc"
	fi
}

# A HOME with one host from each source, and names that must not appear.
H=$TMP/home
mkdir -p "$H/.ssh" "$H/.config/limpet"
cat >"$H/.ssh/config" <<'CONF'
Host sshcfg-box other-alias *.wild !negated
	HostName 192.0.2.1
Host ?ingle
CONF
cat >"$H/.ssh/known_hosts" <<'CONF'
khost.example,192.0.2.7 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA
[kport.example]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA
|1|F1E1KeoE/eEWhi10WpGv4OdiO6Y=|3988QV0VE8wmZL7suNrYQLITLCg= ssh-ed25519 AAAA
@cert-authority *.ca.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA
CONF
printf 'Host limpetcfg-box\n\tSession s\n' >"$H/.config/limpet/config"
want="192.0.2.7 khost.example kport.example limpetcfg-box other-alias sshcfg-box"

# ---- bash ------------------------------------------------------------------

# bash_complete WORDS...: what the completion offers for the last word.
bash_complete()
{
	HOME=$H bash --norc --noprofile -c '
		. "$1" || exit 1
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		_limpet
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "
	' bash "$comp/bash/limpet" "$@" 2>"$TMP/bash.err"
}

if command -v bash >/dev/null 2>&1; then
	shells=$((shells + 1))
	out=$(HOME=$H bash --norc --noprofile -c '. "$1" && complete -p limpet' \
	    bash "$comp/bash/limpet" 2>&1)
	check "bash: loads without error and registers limpet" \
	    [ "$out" = "complete -F _limpet limpet" ]
	if [ -r /usr/share/bash-completion/bash_completion ]; then
		out=$(HOME=$H bash --norc --noprofile -c '
		    . /usr/share/bash-completion/bash_completion
		    . "$1" && complete -p limpet' bash "$comp/bash/limpet" 2>&1)
		check "bash: loads beside bash-completion" \
		    [ "$out" = "complete -F _limpet limpet" ]
	fi
	got=$(bash_complete limpet '')
	check "bash: hosts from every source, nothing else (got: $got)" \
	    [ "$got" = "$want " ]
	check "bash: no errors" [ ! -s "$TMP/bash.err" ]
	got=$(bash_complete limpet -p 2222 sshc)
	check "bash: a host after ssh options (got: $got)" \
	    [ "$got" = "sshcfg-box " ]
	got=$(bash_complete limpet bob@kh)
	check "bash: user@host (got: $got)" [ "$got" = "bob@khost.example " ]
	got=$(bash_complete limpet --mu)
	check "bash: long options (got: $got)" [ "$got" = "--mux " ]
	got=$(bash_complete limpet --mux s)
	check "bash: --mux values (got: $got)" [ "$got" = "screen " ]
	got=$(bash_complete limpet -J oth)
	check "bash: -J takes a host (got: $got)" [ "$got" = "other-alias " ]
fi

# ---- fish ------------------------------------------------------------------

fish_complete()
{
	HOME=$H fish --no-config -c 'source $argv[1]; or exit 1
	    complete -C $argv[2]' "$comp/fish/limpet.fish" "$1" 2>"$TMP/fish.err" |
	    cut -f1 | sort | tr '\n' ' '
}

if command -v fish >/dev/null 2>&1; then
	shells=$((shells + 1))
	out=$(HOME=$H fish --no-config -c 'source $argv[1]' \
	    "$comp/fish/limpet.fish" 2>&1)
	check "fish: loads without error" [ -z "$out" ]
	got=$(fish_complete 'limpet ')
	check "fish: hosts from every source, nothing else (got: $got)" \
	    [ "$got" = "$want " ]
	check "fish: no errors" [ ! -s "$TMP/fish.err" ]
	got=$(fish_complete 'limpet -A sshc')
	check "fish: a host after ssh options (got: $got)" \
	    [ "$got" = "sshcfg-box " ]
	got=$(fish_complete 'limpet bob@kh')
	check "fish: user@host (got: $got)" [ "$got" = "bob@khost.example " ]
	got=$(fish_complete 'limpet --scroll')
	check "fish: long options (got: $got)" [ "$got" = "--scrollback " ]
fi

# ---- zsh -------------------------------------------------------------------

# zsh completes only in an interactive line editor: type into one running
# in a private tmux and read the command line back.
zsh_line() { tmux -S "$SOCK" capture-pane -p -t z: | grep -F '% limpet' | tail -n 1; }

zsh_complete()
{
	local typed=$1 want=$2 deadline
	tmux -S "$SOCK" send-keys -t z: C-u
	tmux -S "$SOCK" send-keys -t z: -l -- "$typed"
	tmux -S "$SOCK" send-keys -t z: Tab
	deadline=$((SECONDS + 10))
	while [ "$SECONDS" -lt "$deadline" ]; do
		[ "$(zsh_line)" = "% $want" ] && return 0
		sleep 0.1
	done
	echo "# zsh line: [$(zsh_line)]"
	return 1
}

if command -v zsh >/dev/null 2>&1; then
	shells=$((shells + 1))
	out=$(zsh -n "$comp/zsh/_limpet" 2>&1)
	check "zsh: the script parses" [ -z "$out" ]
	if command -v tmux >/dev/null 2>&1; then
		cat >"$TMP/zshrc" <<-EOF
		fpath=("$comp/zsh" \$fpath)
		autoload -Uz compinit
		compinit -u -d "$TMP/zcompdump"
		PS1='%% '
		EOF
		# A plain zsh, then the rc typed in: compinit needs the line editor.
		tmux -S "$SOCK" -f /dev/null new-session -d -s z -x 100 -y 20 \
		    "env -u TMUX HOME='$H' ZDOTDIR='$TMP' zsh -f" ||
		    echo "# tmux did not start"
		tmux -S "$SOCK" send-keys -t z: -l -- "source $TMP/zshrc"
		tmux -S "$SOCK" send-keys -t z: Enter
		check "zsh: a host from ~/.ssh/config" \
		    zsh_complete 'limpet -p 22 sshc' 'limpet -p 22 sshcfg-box'
		check "zsh: a host from known_hosts" \
		    zsh_complete 'limpet khos' 'limpet khost.example'
		check "zsh: a host from limpet's config" \
		    zsh_complete 'limpet limpetc' 'limpet limpetcfg-box'
		check "zsh: long options" \
		    zsh_complete 'limpet --scrol' 'limpet --scrollback='
		check "zsh: no errors" \
		    eval '! tmux -S "$SOCK" capture-pane -p -t z: | grep -qi "error\|not found"'
	else
		echo "skip zsh interactive checks: tmux is not installed"
	fi
fi

if [ "$shells" -eq 0 ]; then
	echo "skip: none of bash, zsh, fish is installed"
	exit 77
fi
echo "$checks checks, $failures failed"
[ "$failures" -eq 0 ]
