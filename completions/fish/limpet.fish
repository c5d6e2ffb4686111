# fish completion for limpet(1): limpet's long options, the ssh options it
# passes on, and host names from ~/.ssh/config (Host lines without
# wildcards), ~/.ssh/known_hosts (entries that are not hashed) and
# limpet's own config file.

function __limpet_hosts
    set -l cfg $HOME/.config/limpet/config
    set -q XDG_CONFIG_HOME; and set cfg $XDG_CONFIG_HOME/limpet/config
    for f in $HOME/.ssh/config $cfg
        test -r $f; or continue
        string match -ri '^\s*host\s+.*' <$f | string replace -ri '^\s*host\s+' '' \
            | string split -n ' ' | string match -rv '[*?!]'
    end
    if test -r $HOME/.ssh/known_hosts
        string match -rv '^\s*([|@#]|$)' <$HOME/.ssh/known_hosts \
            | string replace -r '\s.*' '' | string split , \
            | string replace -r '^\[([^\]]*)\].*' '$1' | string match -rv '[*?!]|^$'
    end
end

function __limpet_destination
    set -l tok (commandline -ct)
    if string match -q '*@*' -- $tok
        set -l user (string replace -r '@.*' '' -- $tok)
        for h in (__limpet_hosts | sort -u)
            echo $user@$h
        end
    else
        __limpet_hosts | sort -u
    end
end

complete -c limpet -f -a '(__limpet_destination)'

complete -c limpet -l session -x -d 'Remote session name'
complete -c limpet -l mux -x -a 'auto tmux screen none' -d 'Multiplexer on the host'
complete -c limpet -l config -r -F -d 'Config file'
complete -c limpet -l escape -x -d 'Escape character'
complete -c limpet -l scrollback -x -a 'native multiplexer' -d 'Where history goes'
complete -c limpet -l alive-interval -x -d 'Seconds before a keepalive'
complete -c limpet -l alive-count-max -x -d 'Keepalives without reply'
complete -c limpet -l connect-timeout -x -d 'Seconds allowed to connect'
complete -c limpet -l ssh-option -x -d 'Extra -o option for ssh'
complete -c limpet -l list -d 'List the sessions on the host'
complete -c limpet -l kill -d 'End a session on the host'
complete -c limpet -l log -r -F -d 'Log file'
complete -c limpet -l debug -d 'Log in more detail'
complete -c limpet -l help -d 'Show the help and exit'
complete -c limpet -l version -d 'Show the version and exit'

complete -c limpet -s G -d 'Print the settings for the host'
complete -c limpet -s 4 -d 'IPv4 only'
complete -c limpet -s 6 -d 'IPv6 only'
complete -c limpet -s A -d 'Forward the authentication agent'
complete -c limpet -s a -d 'Do not forward the authentication agent'
complete -c limpet -s B -x -d 'Bind to the address of an interface'
complete -c limpet -s b -x -d 'Local address to bind to'
complete -c limpet -s C -d 'Compress'
complete -c limpet -s c -x -d 'Cipher'
complete -c limpet -s D -x -d 'Dynamic port forwarding'
complete -c limpet -s e -x -d 'Escape character'
complete -c limpet -s F -r -F -d 'ssh config file'
complete -c limpet -s g -d 'Allow remote hosts to use forwarded ports'
complete -c limpet -s I -r -F -d 'PKCS#11 library'
complete -c limpet -s i -r -F -d 'Identity file'
complete -c limpet -s J -x -a '(__limpet_hosts | sort -u)' -d 'Jump host'
complete -c limpet -s K -d 'GSSAPI authentication and delegation'
complete -c limpet -s k -d 'No GSSAPI delegation'
complete -c limpet -s L -x -d 'Local port forwarding'
complete -c limpet -s l -x -a '(__fish_complete_users)' -d 'Login name'
complete -c limpet -s m -x -d 'MAC algorithms'
complete -c limpet -s o -x -d 'ssh option'
complete -c limpet -s P -x -d 'Tag'
complete -c limpet -s p -x -d 'Port'
complete -c limpet -s q -d 'Accepted and ignored'
complete -c limpet -s R -x -d 'Remote port forwarding'
complete -c limpet -s t -d 'Accepted; a terminal is always requested'
complete -c limpet -s v -d 'ssh debug output'
complete -c limpet -s w -x -d 'Tunnel device forwarding'
complete -c limpet -s X -d 'X11 forwarding'
complete -c limpet -s x -d 'No X11 forwarding'
complete -c limpet -s Y -d 'Trusted X11 forwarding'
complete -c limpet -s y -d 'Log to syslog'
