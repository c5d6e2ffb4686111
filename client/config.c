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

#include "limpet.h"

/* Placeholder until this module is written. */
void settings_init(struct settings *s) { }
void settings_defaults(struct settings *s) { }
void settings_free(struct settings *s) { }
void settings_add_ssh_option(struct settings *s, const char *o) { }
int settings_parse_mux(const char *s) { return (-1); }
int settings_parse_escape(const char *s) { return (-1); }
int settings_parse_scrollback(const char *s) { return (-1); }
int session_name_valid(const char *s) { return (0); }
int session_expand(const char *t, const char *h, char *o, size_t ol, char *e, size_t el) { return (-1); }
int config_default_path(char *b, size_t l) { return (-1); }
int config_load(const char *p, int m, const char *h, struct settings *s, char *e, size_t el) { return (-1); }
