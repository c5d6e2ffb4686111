/*
 * Copyright (c) 2026 The limpet authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * remotecmd MUX SESSION [BACK FINGERPRINT...]: print the remote command
 * limpet would give ssh, without a trailing newline, so shell tests can
 * run it under each login shell exactly as sshd would. With BACK and up
 * to three fingerprints, the command that first prints the replay block.
 * "remotecmd list" and "remotecmd kill MUX SESSION" print the commands of
 * --list and --kill.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limpet.h"

static const struct {
	const char	*name;
	enum mux	 mux;
} muxes[] = {
	{ "auto", MUX_AUTO },
	{ "tmux", MUX_TMUX },
	{ "screen", MUX_SCREEN },
	{ "none", MUX_NONE }
};

int
main(int argc, char **argv)
{
	struct replay_anchor	 anchor;
	size_t			 i;
	int			 j, kill = 0;
	char			*cmd;

	if (argc == 2 && strcmp(argv[1], "list") == 0)
		cmd = remote_list_command();
	else {
		if (argc == 4 && strcmp(argv[1], "kill") == 0) {
			kill = 1;
			argc--;
			argv++;
		}
		if (argc < 3 || argc == 4 || argc > 4 + REPLAY_FP_ROWS ||
		    (kill && argc != 3)) {
			fprintf(stderr, "usage: remotecmd [kill] "
			    "auto|tmux|screen|none session "
			    "[back fingerprint...] | list\n");
			return (64);
		}
		for (i = 0; i < sizeof muxes / sizeof muxes[0]; i++) {
			if (strcmp(argv[1], muxes[i].name) == 0)
				break;
		}
		if (i == sizeof muxes / sizeof muxes[0]) {
			fprintf(stderr, "remotecmd: unknown mux: %s\n",
			    argv[1]);
			return (64);
		}
		if (kill)
			cmd = remote_kill_command(muxes[i].mux, argv[2]);
		else if (argc > 3) {
			memset(&anchor, 0, sizeof anchor);
			anchor.back = atoi(argv[3]);
			for (j = 4; j < argc; j++) {
				snprintf(anchor.fp[anchor.nfp],
				    sizeof anchor.fp[0], "%s", argv[j]);
				anchor.nfp++;
			}
			cmd = remote_command_replay(muxes[i].mux, argv[2],
			    &anchor);
		} else
			cmd = remote_command(muxes[i].mux, argv[2]);
	}
	if (cmd == NULL) {
		fprintf(stderr, "remotecmd: no remote command\n");
		return (1);
	}
	fputs(cmd, stdout);
	free(cmd);
	return (fflush(stdout) == 0 ? 0 : 1);
}
