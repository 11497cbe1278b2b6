#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A known-good session after the fault-injection run: two namespaces, a
# session each way (datapath topology), pings through the tunnel. Run with
# injection off; the module may or may not be loaded.
source "$(dirname "$0")/../../selftests/lib.sh"
source "$(dirname "$0")/../../selftests/datapath/topo.sh"

known_good() {
	topo_setup 4 chacha20poly1305
	pings_ok "$cli" 3 -i 0.2 "$SRV4"
	pings_ok "$cli" 3 -i 0.2 "$SRV6"
}

ktap_begin 1
run_case "a session passes traffic after the fault-injection run" known_good
ktap_end
