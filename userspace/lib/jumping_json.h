/* SPDX-License-Identifier: GPL-2.0 */
/* JSON string escaping for jumpctl's output and jumpd's audit log. */
#ifndef JUMPING_JSON_H
#define JUMPING_JSON_H

#include <stdio.h>

/*
 * A JSON string literal with quotes. Control characters are escaped and
 * bytes that are not valid UTF-8 become U+FFFD, so the output is always
 * valid JSON whatever the kernel reports (an interface name is bytes).
 */
void json_write_string(FILE *f, const char *s);

#endif /* JUMPING_JSON_H */
