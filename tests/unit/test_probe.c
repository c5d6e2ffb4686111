/* Unit tests of reading ssh -G output for probes (client/probe.c). */

#include <string.h>

#include "limpet.h"
#include "tests/unit/unit.h"

/* A made-up kernel answer about an open socket, 20 ms round trip. */
static void
open_socket(struct tcp_health *h, unsigned unacked, unsigned retransmits,
    unsigned last_ack_recv_ms)
{
	memset(h, 0, sizeof *h);
	h->have_info = 1;
	h->state = TCPWATCH_ESTABLISHED;
	h->rtt_ms = 20;
	h->unacked = unacked;
	h->retransmits = retransmits;
	h->last_ack_recv_ms = last_ack_recv_ms;
}

/* The stall rule of client/tcpwatch.c. */
static void
test_stall(void)
{
	struct tcp_health	h;

	open_socket(&h, 1, 2, 2500);
	CHECK(tcpwatch_stalled(&h, 2000));
	CHECK(!tcpwatch_stalled(&h, 3000));
	CHECK(!tcpwatch_stalled(&h, 0));

	/* Nothing in flight: a client that only receives gets no acks. */
	h.unacked = 0;
	h.last_ack_recv_ms = 600000;
	CHECK(!tcpwatch_stalled(&h, 2000));
	h.unacked = 1;

	/* In flight, but not even resent twice: one loss is not a stall. */
	h.retransmits = 1;
	CHECK(!tcpwatch_stalled(&h, 2000));
	h.retransmits = 2;

	/* A slow link gets four round trips. */
	h.rtt_ms = 900;
	h.last_ack_recv_ms = 3000;
	CHECK(!tcpwatch_stalled(&h, 2000));
	h.last_ack_recv_ms = 3700;
	CHECK(tcpwatch_stalled(&h, 2000));

	/* Only an open connection can stall; no info, no verdict. */
	h.state = TCPWATCH_SYN_SENT;
	CHECK(!tcpwatch_stalled(&h, 2000));
	h.state = TCPWATCH_ESTABLISHED;
	h.have_info = 0;
	CHECK(!tcpwatch_stalled(&h, 2000));
}

/* How long a stall check may wait: not past when a stall could be told. */
static void
test_quiet(void)
{
	struct tcp_health	h;

	/* Nothing in flight, acked 300 ms ago: no stall before 1.7 s. */
	open_socket(&h, 0, 0, 300);
	CHECK(tcpwatch_quiet_ms(&h, 2000) == 1700);
	/* The last ack is older than the timeout: look at once. */
	h.last_ack_recv_ms = 2500;
	CHECK(tcpwatch_quiet_ms(&h, 2000) == 0);
	/* A slow link's four round trips count from the last ack too. */
	h.rtt_ms = 900;
	h.last_ack_recv_ms = 600;
	CHECK(tcpwatch_quiet_ms(&h, 2000) == 3000);
	h.rtt_ms = 20;

	/* Something in flight, a socket not open, nothing known, no watch. */
	h.last_ack_recv_ms = 300;
	h.unacked = 1;
	CHECK(tcpwatch_quiet_ms(&h, 2000) == 0);
	h.unacked = 0;
	h.state = TCPWATCH_SYN_SENT;
	CHECK(tcpwatch_quiet_ms(&h, 2000) == 0);
	h.state = TCPWATCH_ESTABLISHED;
	h.have_info = 0;
	CHECK(tcpwatch_quiet_ms(&h, 2000) == 0);
	h.have_info = 1;
	CHECK(tcpwatch_quiet_ms(&h, 0) == 0);
}

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

	/* A hop on this machine ends TCP before the server. */
	CHECK(probe_is_loopback("localhost"));
	CHECK(probe_is_loopback("LOCALHOST"));
	CHECK(probe_is_loopback("localhost.localdomain"));
	CHECK(probe_is_loopback("127.0.0.1"));
	CHECK(probe_is_loopback("127.1.2.3"));
	CHECK(probe_is_loopback("::1"));
	CHECK(probe_is_loopback("::ffff:127.0.0.1"));
	CHECK(!probe_is_loopback("128.0.0.1"));
	CHECK(!probe_is_loopback("192.0.2.1"));
	CHECK(!probe_is_loopback("::2"));
	CHECK(!probe_is_loopback("localhostx"));
	CHECK(!probe_is_loopback("example.org"));

	test_stall();
	test_quiet();
	return (unit_done());
}
