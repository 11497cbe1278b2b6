// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: UDP sockets and the outer send.
 *
 * A device has an IPv4 and an IPv6 socket on its listen port, both kernel
 * sockets set up with udp_tunnel so that every datagram reaches
 * jp_udp_encap_rcv() in softirq. Sending routes the outer packet once per
 * binding and CPU (the binding's dst_cache), honouring the device's fwmark
 * and the binding's output interface.
 */
#include <linux/netlink.h>
#include <net/addrconf.h>
#include <net/dst_cache.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp_tunnel.h>

#include "bind.h"
#include "device.h"
#include "receive.h"
#include "socket.h"

static int jp_socket_open_one(struct jp_device *jp, sa_family_t family,
			      u16 port, struct socket **sockp)
{
	struct udp_tunnel_sock_cfg tcfg = {
		/* Cleared (and waited for) by udp_tunnel_sock_release(). */
		.sk_user_data = jp,
		.encap_type = 1,
		.encap_rcv = jp_udp_encap_rcv,
	};
	struct udp_port_cfg conf = {
		.family = family,
		.local_udp_port = htons(port),
	};
	struct net *net = dev_net(jp->dev);
	struct socket *sock;
	int err;

	if (family == AF_INET6) {
		/* The IPv4 socket has the port for IPv4. */
		conf.ipv6_v6only = 1;
		conf.use_udp6_tx_checksums = 1;
		conf.use_udp6_rx_checksums = 1;
	} else {
		conf.use_udp_checksums = 1;
	}
	err = udp_sock_create(net, &conf, &sock);
	if (err)
		return err;
	setup_udp_tunnel_sock(net, sock, &tcfg);
	*sockp = sock;
	return 0;
}

/**
 * jp_socket_open - open the sockets for a new listen port
 * @jp: the device, conf_lock held
 * @port: host order, not 0
 * @sock4: set to the IPv4 socket
 * @sock6: set to the IPv6 socket, or NULL where IPv6 is disabled
 * @extack: why it failed
 *
 * Return: 0 or a negative errno (typically -EADDRINUSE).
 */
int jp_socket_open(struct jp_device *jp, u16 port, struct socket **sock4,
		   struct socket **sock6, struct netlink_ext_ack *extack)
{
	int err;

	*sock4 = NULL;
	*sock6 = NULL;
	err = jp_socket_open_one(jp, AF_INET, port, sock4);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot bind the IPv4 UDP socket");
		return err;
	}
	if (!ipv6_mod_enabled())
		return 0;
	err = jp_socket_open_one(jp, AF_INET6, port, sock6);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot bind the IPv6 UDP socket");
		jp_socket_release(*sock4);
		*sock4 = NULL;
	}
	return err;
}

/*
 * Process context. Unpublish the socket from its device first; this waits
 * for a grace period, so no receive is still using the device afterwards.
 */
void jp_socket_release(struct socket *sock)
{
	if (sock)
		udp_tunnel_sock_release(sock);
}

static int jp_send4(struct jp_device *jp, struct jp_bind *bind,
		    struct sk_buff *skb, struct socket *sock, u16 port)
{
	const struct sockaddr_in *to = &bind->remote.in4;
	struct net *net = dev_net(jp->dev);
	struct rtable *rt;
	__be32 saddr;

	rt = dst_cache_get_ip4(&bind->dst_cache, &saddr);
	if (!rt) {
		struct flowi4 fl4 = {
			.daddr = to->sin_addr.s_addr,
			.saddr = bind->local.ip4,
			.fl4_dport = to->sin_port,
			.fl4_sport = htons(port),
			.flowi4_mark = skb->mark,
			.flowi4_proto = IPPROTO_UDP,
			.flowi4_oif = bind->ifindex,
		};

		rt = ip_route_output_flow(net, &fl4, sock->sk);
		if (IS_ERR(rt))
			return PTR_ERR(rt);
		/* Routing the tunnel into itself would loop forever. */
		if (rt->dst.dev == jp->dev) {
			ip_rt_put(rt);
			return -ELOOP;
		}
		saddr = fl4.saddr;
		dst_cache_set_ip4(&bind->dst_cache, &rt->dst, saddr);
	}
	/* Like any locally sent datagram; also keeps the tunnel helpers
	 * from counting outer bytes on our device (we count inner ones).
	 */
	skb->dev = NULL;
	udp_tunnel_xmit_skb(rt, sock->sk, skb, saddr, to->sin_addr.s_addr, 0,
			    ip4_dst_hoplimit(&rt->dst), 0, htons(port),
			    to->sin_port, false, false);
	return 0;
}

static int jp_send6(struct jp_device *jp, struct jp_bind *bind,
		    struct sk_buff *skb, struct socket *sock, u16 port)
{
	struct sockaddr_in6 *to = &bind->remote.in6;
	struct net *net = dev_net(jp->dev);
	struct dst_entry *dst;
	struct in6_addr saddr;

	dst = dst_cache_get_ip6(&bind->dst_cache, &saddr);
	if (!dst) {
		struct flowi6 fl6 = {
			.daddr = to->sin6_addr,
			.saddr = bind->local.ip6,
			.fl6_dport = to->sin6_port,
			.fl6_sport = htons(port),
			.flowi6_mark = skb->mark,
			.flowi6_proto = IPPROTO_UDP,
			/* The binding's uplink, else a link-local's scope. */
			.flowi6_oif = bind->ifindex ?: to->sin6_scope_id,
		};
		bool local = !ipv6_addr_any(&bind->local.ip6);

		/*
		 * With a source address, IPv6 routing takes the output
		 * interface for a preference only, and a lower metric
		 * route by another interface wins: look the interface's
		 * route up without one (then the interface is a must),
		 * and put the source back, once it is known to be ours.
		 */
		if (bind->ifindex && local) {
			if (!ipv6_chk_addr(net, &bind->local.ip6, NULL, 0))
				return -EADDRNOTAVAIL;
			fl6.saddr = in6addr_any;
		}
		dst = ipv6_stub->ipv6_dst_lookup_flow(net, sock->sk, &fl6,
						      NULL);
		if (IS_ERR(dst))
			return PTR_ERR(dst);
		if (dst->dev == jp->dev) {
			dst_release(dst);
			return -ELOOP;
		}
		saddr = bind->ifindex && local ? bind->local.ip6 : fl6.saddr;
		dst_cache_set_ip6(&bind->dst_cache, dst, &saddr);
	}
	/* No device: we count inner bytes ourselves. Always consumes. */
	skb->dev = NULL;
	/*
	 * IPv6 has no DF bit: the sender fragments only what it may, and
	 * ip6_fragment() drops (with "packet too big" to ourselves) a
	 * datagram above the path MTU unless ignore_df is set, which
	 * skb_scrub_packet() cleared. Fragment, as over IPv4.
	 */
	skb->ignore_df = 1;
	udp_tunnel6_xmit_skb(dst, sock->sk, skb, NULL, &saddr, &to->sin6_addr,
			     0, ip6_dst_hoplimit(dst), 0, htons(port),
			     to->sin6_port, false);
	return 0;
}

/**
 * jp_socket_send - send an encrypted packet to a binding
 * @jp: the device
 * @bind: where to, under rcu_read_lock()
 * @skb: our header and payload; consumed, also on error
 *
 * Return: 0, or a negative errno when the packet could not leave (no socket,
 * no route), to be counted as a drop by the caller.
 */
int jp_socket_send(struct jp_device *jp, struct jp_bind *bind,
		   struct sk_buff *skb)
{
	u16 port = READ_ONCE(jp->listen_port);
	struct socket *sock;
	int err;

	/* Nothing of the inner packet's routing or conntrack state goes out. */
	skb_scrub_packet(skb, false);
	skb->mark = READ_ONCE(jp->fwmark);

	if (bind->remote.family == AF_INET) {
		sock = rcu_dereference(jp->sock4);
		err = sock ? jp_send4(jp, bind, skb, sock, port) : -ENOTCONN;
	} else {
		sock = rcu_dereference(jp->sock6);
		err = sock ? jp_send6(jp, bind, skb, sock, port) : -ENOTCONN;
	}
	if (err)
		kfree_skb(skb);
	return err;
}
