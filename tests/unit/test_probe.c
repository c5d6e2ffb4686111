/* Unit tests of reading ssh -G output for probes (client/probe.c). */

#include <string.h>

#include "limpet.h"
#include "tests/unit/unit.h"

int
main(void)
{
	char	host[256], port[16];

	CHECK(probe_parse_config("user root\nhostname 10.1.2.3\nport 2222\n"
	    "proxycommand none\n", host, sizeof host, port, sizeof port) == 0);
	CHECK_STR(host, "10.1.2.3");
	CHECK_STR(port, "2222");

	/* No trailing newline; IPv6; keywords that only look alike. */
	CHECK(probe_parse_config("hostnamex nope\nhostname ::1\nportx 9\n"
	    "port 22", host, sizeof host, port, sizeof port) == 0);
	CHECK_STR(host, "::1");
	CHECK_STR(port, "22");

	/* A proxy in the way: there is no address to probe. */
	CHECK(probe_parse_config("hostname h\nport 22\nproxyjump bastion\n",
	    host, sizeof host, port, sizeof port) == -1);
	CHECK(probe_parse_config("hostname h\nport 22\n"
	    "proxycommand nc %h %p\n", host, sizeof host, port,
	    sizeof port) == -1);

	/* Missing pieces. */
	CHECK(probe_parse_config("port 22\n", host, sizeof host, port,
	    sizeof port) == -1);
	CHECK(probe_parse_config("hostname h\n", host, sizeof host, port,
	    sizeof port) == -1);
	CHECK(probe_parse_config("", host, sizeof host, port,
	    sizeof port) == -1);

	/* A value too long for the buffer is not taken. */
	CHECK(probe_parse_config("hostname 0123456789\nport 22\n", host, 5,
	    port, sizeof port) == -1);

	return (unit_done());
}
