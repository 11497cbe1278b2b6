// SPDX-License-Identifier: GPL-2.0
/* jumpctl: configure Jumping VPN devices over generic netlink. */
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "jumpctl.h"

static const char usage_text[] =
"Usage: jumpctl [--json] COMMAND ...\n"
"       jumpctl -batch FILE              (-b FILE; - reads stdin)\n"
"\n"
"  show [--state-dir DIR] [DEV]     devices (all, or one) and their sessions,\n"
"                                   with their paths if the jumpd of DEV\n"
"                                   answers in DIR (default /run/jumpd)\n"
"  set DEV [listen-port N] [fwmark M] [control-rate R]\n"
"                                   N 0..65535 (0 closes), M decimal or 0x hex,\n"
"                                   R control datagrams/s to jumpd (4..100000)\n"
"  session add DEV id ID peer-id PID [remote EP] [local ADDR] [oif IF]\n"
"              [allowed PFX...] [keepalive DUR] [silence DUR]\n"
"              [state STATE] [reason REASON]\n"
"  session set DEV id ID [peer-id PID] [remote EP] [local ADDR] [oif IF]\n"
"              [allowed PFX...] [keepalive DUR] [silence DUR]\n"
"              [state STATE] [reason REASON]\n"
"  session del DEV id ID\n"
"  binding set DEV id ID remote EP [local ADDR] [oif IF] [reason REASON]\n"
"  key add DEV id ID slot primary|secondary key-id 0..7\n"
"          cipher chacha20poly1305|aes256gcm enc-key K dec-key K\n"
"                                   or enc-key-file PATH / dec-key-file PATH\n"
"                                   [reject-after MS: refused once this old]\n"
"  key swap DEV id ID               make the secondary key the primary\n"
"  key del DEV id ID slot primary|secondary\n"
"  genkey                           new X25519 private key, base64, to stdout\n"
"  pubkey                           private key on stdin -> public key\n"
"  metrics [--state-dir DIR] [--output FILE] [DEV]\n"
"                                   counters, states and paths in Prometheus\n"
"                                   text format; FILE is replaced atomically\n"
"                                   (node_exporter's textfile collector)\n"
"  monitor [--control]              print kernel events, one line each, until\n"
"                                   killed; --control: control datagrams\n"
"\n"
"  EP is 192.0.2.1:51820 or [2001:db8::1]:51820; PFX is ADDR/LEN, several\n"
"  separated by commas or spaces; K is 32 bytes as 64 hex digits or base64.\n"
"  IF is the interface (name or index) the binding's packets leave by.\n"
"  DUR is 500ms or 2s (0 or off: none); silence DUR (10ms..600s): a monitor\n"
"  event when the session sent and heard nothing back for DUR. STATE birth,\n"
"  attached, volatile, degraded, recovering or terminated; REASON a reason\n"
"  code such as rx-silence or reattach-validated (docs/state-machine.md).\n"
"  --json (-j) prints JSON for scripts. Exit status: 0 ok, 1 failed, 2 usage.\n"
"\n"
"  -batch FILE: one command a line (session, binding, key or set, without\n"
"  'jumpctl'; '#' starts a comment), sent many to a system call. A line that\n"
"  does not parse stops the batch before anything is sent (exit 2); a line\n"
"  the kernel refuses is reported with its number and the kernel's reason,\n"
"  changes nothing, and the other lines still apply (exit 1).\n";

int main(int argc, char **argv)
{
	enum out_mode mode = OUT_TEXT;
	struct args a = { argc - 1, argv + 1 };
	const char *verb;

	if (sodium_init() < 0)
		return runtime_error("libsodium", "initialisation failed");

	while (a.argc && a.argv[0][0] == '-') {
		const char *opt = args_next(&a);

		if (!strcmp(opt, "--json") || !strcmp(opt, "-j")) {
			mode = OUT_JSON;
		} else if (!strcmp(opt, "-batch") || !strcmp(opt, "--batch") ||
			   !strcmp(opt, "-b")) {
			const char *path = args_value(&a, opt);

			if (!path)
				return EXIT_USAGE;
			if (a.argc)
				return usage_error("-batch FILE takes no command after it");
			return cmd_batch(path);
		} else if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
			fputs(usage_text, stdout);
			return 0;
		} else {
			return usage_error("unknown option '%s'", opt);
		}
	}

	verb = args_next(&a);
	if (!verb || !strcmp(verb, "show"))
		return cmd_show(&a, mode);
	if (!strcmp(verb, "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(verb, "set"))
		return cmd_set(&a);
	if (!strcmp(verb, "session"))
		return cmd_session(&a);
	if (!strcmp(verb, "binding"))
		return cmd_binding(&a);
	if (!strcmp(verb, "key"))
		return cmd_key(&a);
	if (!strcmp(verb, "genkey"))
		return cmd_genkey(&a);
	if (!strcmp(verb, "pubkey"))
		return cmd_pubkey(&a);
	if (!strcmp(verb, "metrics"))
		return cmd_metrics(&a);
	if (!strcmp(verb, "monitor"))
		return cmd_monitor(&a, mode);
	return usage_error("unknown command '%s'", verb);
}
