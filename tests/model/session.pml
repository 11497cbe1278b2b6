/*
 * SPDX-License-Identifier: GPL-2.0
 *
 * A Promela model of one Jumping VPN session between a client (the mover,
 * the handshake initiator) and a server (the peer, the responder), over
 * two paths, checked with spin (tests/model/check). docs/invariants.md
 * names the properties; the README section "The protocol model" gives the
 * bounds and the figures of the last run.
 *
 * What is in it
 * - The session state machine of docs/state-machine.md on both sides
 *   (fsm() below is its table, DEGRADED left out: it only tracks the loss
 *   rate, never starts a move and never binds, and every REATTACH row it
 *   has is the same as ATTACHED's).
 * - The handshake (initiation with a timestamp, response) and the fallback
 *   to it: peer-lost after a move got no challenge on any path.
 * - REATTACH request / challenge / response with counters and nonces, the
 *   server's one pending validation and its 3x amplification budget.
 * - Two paths, each a FIFO per direction; a World process that may kill a
 *   path, lose a datagram, hold one back and deliver it later (reordering),
 *   make the client see a spurious silence (a loss burst on a working
 *   path), wipe the server's state (restart without state), and, as the
 *   attacker, copy any datagram in flight and inject copies of it on any
 *   path (duplication and replay). It cannot forge: a message is accepted
 *   under a session's key only if it carries that session's epoch.
 * - Timers are events: retransmissions fire at any moment (a path may be
 *   slower than a retransmission timer); the long timers (the server's
 *   validation deadline, the client's peer-lost, handshake retries) only
 *   when nothing is in flight (`quiet`: they are longer than any RTT);
 *   SessionTTL, the longest, only on `timeout` (nothing else can happen).
 *   The client's VolatileAfter is longer than any RTT too (a loss burst
 *   on a working path stands for a silence that comes early).
 *   Data and keepalives are not messages: flow_s / flow_c say whether
 *   authenticated packets reach a side on its binding (keepalives are
 *   sent whenever a session has a binding and a key).
 *
 * Switches (spin -D...):
 *   MUTANT_STALE_CHALLENGE  the mover of a48bab0 (see the README of
 *                           tests/model): a new counter for every
 *                           retransmission, and any challenge for one of the
 *                           move's counters switches it, move or no move
 *   MUTANT_NO_FALLBACK      a48bab0: no peer-lost; the client goes on
 *                           sending REATTACH round after round until its TTL
 *   MUTANT_ANY_ARRIVAL      the fix as first specified: a challenge for the
 *                           current attempt is accepted on whatever path it
 *                           arrives, and answered from the attempt's path
 *   MUTANT_HS_ANY_ARRIVAL   a handshake response accepted on any path; the
 *                           client binds to the path of its initiation
 *   FROM_BIRTH              start before the first handshake (else from a
 *                           session attached on path 0)
 *   LIVENESS                compile the LTL property `converge`
 */

#define NPATH	2
#define K	2	/* tries (request sends) per path before the next */

#ifndef MAXC
#define MAXC	6	/* REATTACH counters per client session: 1..MAXC-1 */
#endif
#ifndef MAXE
#define MAXE	8	/* handshake initiations (timestamps, epochs): 1..MAXE */
#endif
#ifndef LOSS
#define LOSS	1	/* datagrams the network may lose */
#endif
#ifndef REORDER
#define REORDER	1	/* datagrams it may hold back and deliver late */
#endif
#ifndef SNAPS
#define SNAPS	1	/* datagrams the attacker may copy */
#endif
#ifndef INJECT
#define INJECT	2	/* copies it may inject */
#endif
#ifndef XPATH
#define XPATH	1	/* of which on another path than it was seen on */
#endif
#ifndef KILL
#define KILL	1	/* paths that may die (for good) */
#endif
#ifndef SPUR
#define SPUR	1	/* spurious silences at the client (loss bursts) */
#endif
#ifndef STATELOSS
#define STATELOSS 1	/* server restarts that lose the session */
#endif

#define REQ_B	52	/* bytes of a REQUEST (reattach.h) */
#define CHAL_B	68	/* bytes of a CHALLENGE */

/* session states (docs/state-machine.md); NOSESS: no session at all */
#define NOSESS		0
#define BIRTH		1
#define ATTACHED	2
#define VOLATILE	3
#define RECOVERING	4
#define TERMINATED	5

/* events */
#define E_HSDONE	1
#define E_AUTHRX	2
#define E_SILENCE	3
#define E_SILENCE_LONG	4
#define E_REQUESTED	5
#define E_VALIDATED	6
#define E_REJECTED	7
#define E_TTL		8
#define E_PEERLOST	9
#define E_SUPERSEDED	10

mtype = { INIT, HSRESP, REQ, CHAL, RESP };

/*
 * One queue per path and direction. A message: type, epoch (the session it
 * is for: stands for session id and key), counter (request, challenge,
 * response), observed or claimed path, nonce, and a ghost bit: 1 for a
 * copy the attacker injected of a message the receiver had processed.
 */
#define QCAP	6	/* a queue's size; the world adds to one only below 2 */
chan c2s[NPATH] = [QCAP] of { mtype, byte, byte, byte, byte, bit };
chan s2c[NPATH] = [QCAP] of { mtype, byte, byte, byte, byte, bit };

bool up[NPATH];

/* client */
byte cli_state = BIRTH;
byte c_sess;		/* epoch of its session, 0: none */
byte c_bind;		/* path of its binding */
byte c_hs;		/* epoch (timestamp) of its latest initiation */
byte c_hs_path;		/* and the path it went out on */
byte c_last_ctr;	/* last REATTACH counter used in this session */
bool m_active;		/* a move is in progress */
byte m_path;		/* path of the current attempt */
byte m_tries;		/* sends of the request on it */
byte m_paths;		/* attempts (paths) in this move */
byte m_ctr;		/* counter of the current attempt */
byte m_ans_ctr;		/* the challenge answered last: counter, */
byte m_ans_path;	/* and path */
#ifdef MUTANT_STALE_CHALLENGE
byte m_sent_on[MAXC];	/* a48bab0's ring: path+1 each counter went on */
#endif

/* server */
byte srv_state = NOSESS;
byte s_sess;
byte s_bind;
byte s_hi;		/* highest accepted REATTACH counter */
byte s_last_ts;		/* newest initiation timestamp accepted */
bool v_active;		/* a validation is pending: */
byte v_ctr;		/* its request's counter, */
byte v_path;		/* the observed source, */
byte v_nonce;		/* the challenge's nonce, */
byte v_tsends;		/* retransmissions by timer, */
short v_rcv;		/* bytes received from v_path (3x budget) */
short v_sent;		/* bytes sent to it */
byte s_nonce;		/* last nonce drawn */

/* the world */
byte kill_left = KILL, spur_left = SPUR, sloss_left = STATELOSS;
byte loss_left = LOSS, reorder_left = REORDER;
byte snap_left = SNAPS, inj_left = INJECT, xpath_left = XPATH;
bool spur;		/* the client's next silence check sees silence */
bool held;		/* a datagram held back: */
bool h_s2c;		/* direction, */
byte h_path;
mtype h_t;
byte h_e, h_c, h_o, h_n;
bool a_has;		/* the attacker's copy: */
bool a_s2c;
mtype a_t;
byte a_e, a_c, a_o, a_n;
byte a_path;		/* the path it was seen on */
byte a_done;		/* paths (bit mask) it was processed on */

/* ghosts: what was sent, for the assertions */
byte g_req[MAXC];	/* path+1 of the request with this counter (session) */
byte g_nonce_to[NPATH];	/* last nonce challenged to a path */
bool g_ttl;		/* some session ended by TTL */

/* named assertions: pan prints the name of the one that failed */
hidden byte transition_in_table;
hidden byte no_ttl_with_working_path;
hidden byte replay_changes_nothing;
hidden byte binding_after_verified_request_and_validated_path;
hidden byte amplification_at_most_3x;
hidden byte key_counter_used_once;
hidden byte bounds_sufficient;
hidden byte z_state, z_sess, z_bind, z_a, z_b, z_c, z_d;

#define c_live	(cli_state == ATTACHED || cli_state == VOLATILE || cli_state == RECOVERING)
#define s_live	(srv_state == ATTACHED || srv_state == VOLATILE || srv_state == RECOVERING)
#define same_sess	(c_live && s_live && c_sess == s_sess)
/* authenticated packets reach the server on its binding / the client */
#define flow_s	(same_sess && c_bind == s_bind && up[c_bind])
#define flow_c	(same_sess && up[s_bind])
#define working	(up[0] || up[1])
#define quiet	(len(c2s[0]) == 0 && len(c2s[1]) == 0 && \
		 len(s2c[0]) == 0 && len(s2c[1]) == 0 && !held)
#define converged (cli_state == ATTACHED && srv_state == ATTACHED && \
		   c_sess == s_sess && c_bind == s_bind && up[c_bind])
#define s_budget	(v_sent + CHAL_B <= 3 * v_rcv)

/* may the attacker inject its copy on path q? */
#define CROSS_OK(q)	(a_path == q || xpath_left > 0)
#define CROSS_USE(q)	if :: a_path != q -> xpath_left-- :: else -> skip fi

/* the mover takes a challenge only on the path of its attempt */
#ifdef MUTANT_ANY_ARRIVAL
#define ARRIVAL_OK(p, path)	true
#else
#define ARRIVAL_OK(p, path)	(p == path)
#endif
/* the initiator takes a response only on the path of its initiation */
#ifdef MUTANT_HS_ANY_ARRIVAL
#define HS_ARRIVAL_OK(p)	true
#else
#define HS_ARRIVAL_OK(p)	(p == c_hs_path)
#endif

/*
 * The table of docs/state-machine.md (rows of the events modelled; the
 * rekey, peer-closed and operator-delete rows are not raised here). A
 * binding changes only in a row that binds.
 */
inline fsm(st, ev, bind, to)
{
	transition_in_table = true;
	if
	:: st == BIRTH && ev == E_HSDONE -> st = ATTACHED; bind = to
	:: st == BIRTH && (ev == E_TTL || ev == E_SUPERSEDED) -> st = TERMINATED
	:: st == ATTACHED && (ev == E_AUTHRX || ev == E_REJECTED) -> skip
	:: st == ATTACHED && ev == E_SILENCE -> st = VOLATILE
	:: st == ATTACHED && ev == E_REQUESTED -> st = RECOVERING
	:: st == ATTACHED && ev == E_VALIDATED -> bind = to
	:: st == ATTACHED && ev == E_SUPERSEDED -> st = TERMINATED
	:: st == VOLATILE && ev == E_AUTHRX -> st = ATTACHED
	:: st == VOLATILE && (ev == E_SILENCE_LONG || ev == E_REQUESTED) ->
		st = RECOVERING
	:: st == VOLATILE && ev == E_VALIDATED -> st = ATTACHED; bind = to
	:: st == VOLATILE && ev == E_REJECTED -> skip
	:: st == VOLATILE && (ev == E_TTL || ev == E_PEERLOST ||
			      ev == E_SUPERSEDED) -> st = TERMINATED
	:: st == RECOVERING && ev == E_AUTHRX -> st = ATTACHED
	:: st == RECOVERING && (ev == E_REQUESTED || ev == E_REJECTED) -> skip
	:: st == RECOVERING && ev == E_VALIDATED -> st = ATTACHED; bind = to
	:: st == RECOVERING && (ev == E_TTL || ev == E_PEERLOST ||
				ev == E_SUPERSEDED) -> st = TERMINATED
	:: else -> transition_in_table = false
	fi;
	assert(transition_in_table)
}

/*
 * Send on path p: lost if the path is down. Queues never overflow (loss
 * is the world's, budgeted); the assertion checks that QCAP suffices.
 */
inline to_server(p, t, e, c, o, n)
{
	if
	:: up[p] ->
		bounds_sufficient = (len(c2s[p]) < QCAP);
		assert(bounds_sufficient);
		c2s[p]!t, e, c, o, n, 0
	:: else -> skip
	fi
}

inline to_client(p, t, e, c, o, n)
{
	if
	:: up[p] ->
		bounds_sufficient = (len(s2c[p]) < QCAP);
		assert(bounds_sufficient);
		s2c[p]!t, e, c, o, n, 0
	:: else -> skip
	fi
}

/*
 * A receiver processed this message on path p: a copy injected on that
 * path from now on is a replay of it.
 */
inline seen(dir, p)
{
	if
	:: a_has && a_s2c == dir && a_t == t_t && a_e == t_e &&
	   a_c == t_c && a_o == t_o && a_n == t_n -> a_done = a_done | (1 << p)
	:: else -> skip
	fi
}

/* a message processed, its copy in the process's variables is dead */
#define FORGET	t_t = 0; t_e = 0; t_c = 0; t_o = 0; t_n = 0; t_cp = 0

/* ---- client ------------------------------------------------------------ */

inline new_counter()
{
	if
	:: c_last_ctr < MAXC - 1 -> c_last_ctr++
	:: else ->
#ifdef MUTANT_NO_FALLBACK
		/*
		 * The mutant goes round for ever: the last counter stands for
		 * every newer one (for the server, which has lost the session,
		 * they are all the same).
		 */
		g_req[c_last_ctr] = 0
#else
		bounds_sufficient = false; assert(bounds_sufficient)
#endif
	fi;
	m_ctr = c_last_ctr
}

inline send_req()
{
	key_counter_used_once = (g_req[m_ctr] == 0 || g_req[m_ctr] == m_path + 1);
	assert(key_counter_used_once);
	g_req[m_ctr] = m_path + 1;
#ifdef MUTANT_STALE_CHALLENGE
	m_sent_on[m_ctr] = m_path + 1;
#endif
	m_tries++;
	/* the binding the client claims is its own idea of the path */
	to_server(m_path, REQ, c_sess, m_ctr, m_path, 0)
}

/* A new attempt: the next path, a new and higher counter. */
inline next_attempt()
{
	m_path = (m_path + 1) % NPATH;
	m_paths++;
	m_tries = 0;
	new_counter();
	send_req()
}

inline mover_start()
{
	m_active = true;
	m_paths = 0;
	m_path = c_bind;	/* the first attempt is on the other path */
#ifdef MUTANT_STALE_CHALLENGE
	z_a = 0;
	do
	:: z_a < MAXC -> m_sent_on[z_a] = 0; z_a++
	:: else -> break
	od;
#endif
	fsm(cli_state, E_REQUESTED, c_bind, 0);
	next_attempt()
}

inline initiate(path)
{
	if
	:: c_hs < MAXE -> c_hs++
	:: else -> bounds_sufficient = false; assert(bounds_sufficient)
	fi;
	c_hs_path = path;
	to_server(c_hs_path, INIT, c_hs, 0, 0, 0)
}

/* Terminated: a new session, handshake at once (the fallback). */
inline new_session()
{
	cli_state = BIRTH;
	c_sess = 0;
	c_last_ctr = 0;
	m_active = false;
	m_ans_ctr = 0;
	z_a = 0;
	do
	:: z_a < MAXC -> g_req[z_a] = 0; z_a++
	:: else -> break
	od;
	initiate(c_bind)
}

inline answer(path)
{
	to_server(path, RESP, c_sess, t_c, t_o, t_n)
}

inline c_recv(p)
{
	z_state = cli_state; z_sess = c_sess; z_bind = c_bind;
	z_a = m_active; z_b = m_ctr; z_c = c_hs;
	if
	:: t_t == HSRESP ->
		if
		:: cli_state == BIRTH && t_e == c_hs && HS_ARRIVAL_OK(p) ->
			c_sess = t_e;
			fsm(cli_state, E_HSDONE, c_bind, c_hs_path)
		:: else -> skip	/* an older try, a copy, or the wrong path */
		fi
	:: t_t == CHAL && c_live && t_e == c_sess ->
#ifdef MUTANT_STALE_CHALLENGE
		/* a48bab0 on_challenge(): any counter of the ring, move or not */
		if
		:: t_c < MAXC && m_sent_on[t_c] != 0 ->
			z_d = m_sent_on[t_c] - 1;
			answer(z_d);
			m_active = false;
			if
			:: z_d != c_bind ->
				binding_after_verified_request_and_validated_path =
					(g_req[t_c] == z_d + 1);
				assert(binding_after_verified_request_and_validated_path);
				fsm(cli_state, E_VALIDATED, c_bind, z_d)
			:: else -> skip	/* "a repeated challenge" */
			fi
		:: else -> skip
		fi
#else
		if
		:: m_active && t_c == m_ctr && ARRIVAL_OK(p, m_path) ->
			answer(m_path);
			m_active = false;
			m_ans_ctr = t_c;
			m_ans_path = m_path;
			binding_after_verified_request_and_validated_path =
				(g_req[t_c] == m_path + 1);
			assert(binding_after_verified_request_and_validated_path);
			fsm(cli_state, E_VALIDATED, c_bind, m_path)
		:: m_ans_ctr != 0 && t_c == m_ans_ctr && ARRIVAL_OK(p, m_ans_path) ->
			answer(m_ans_path)	/* our response was lost */
		:: else -> skip		/* stale, replayed, no move */
		fi
#endif
	:: else -> skip
	fi;
	replay_changes_nothing = (!t_cp ||
		(z_state == cli_state && z_sess == c_sess && z_bind == c_bind &&
		 z_a == m_active && z_b == m_ctr && z_c == c_hs));
	assert(replay_changes_nothing);
	seen(true, p)
}

proctype Client()
{
	mtype t_t;
	byte t_e, t_c, t_o, t_n;
	bit t_cp;

#ifdef FROM_BIRTH
	atomic { initiate(0) };
#endif
end_client:
	do
	:: atomic { s2c[0]?t_t, t_e, t_c, t_o, t_n, t_cp -> c_recv(0); FORGET }
	:: atomic { s2c[1]?t_t, t_e, t_c, t_o, t_n, t_cp -> c_recv(1); FORGET }
	/* handshake retry: a fresh initiation on the next path */
	:: atomic { cli_state == BIRTH && quiet ->
		initiate((c_hs_path + 1) % NPATH) }
	/*
	 * Silence on the binding for VolatileAfter (longer than any RTT: not
	 * while datagrams are in flight), or a loss burst: move.
	 */
	:: atomic { cli_state == ATTACHED && ((!flow_c && quiet) || spur) ->
		spur = false;
		fsm(cli_state, E_SILENCE, c_bind, 0);
		mover_start() }
	/* authenticated rx again: back to attached, the move is abandoned */
	:: atomic { (cli_state == VOLATILE || cli_state == RECOVERING) && flow_c ->
		fsm(cli_state, E_AUTHRX, c_bind, 0);
		m_active = false }
	/* retransmission on the same path */
	:: atomic { m_active && m_tries < K ->
#ifdef MUTANT_STALE_CHALLENGE
		new_counter();	/* a48bab0: a fresh counter for every send */
#endif
		send_req() }
	/* no challenge: the next path, a new attempt */
	:: atomic { m_active && m_tries == K && m_paths < NPATH -> next_attempt() }
	/* no challenge on any path within RecoveringAfter */
	:: atomic { m_active && m_tries == K && m_paths == NPATH && quiet ->
#ifdef MUTANT_NO_FALLBACK
		m_paths = 0;	/* round and round until SessionTTL */
		next_attempt()
#else
		m_active = false;
		fsm(cli_state, E_PEERLOST, c_bind, 0);
		new_session()
#endif
		}
	:: atomic { timeout && (cli_state == BIRTH || cli_state == VOLATILE ||
				cli_state == RECOVERING) ->
		no_ttl_with_working_path = !working;
		assert(no_ttl_with_working_path);
		g_ttl = true;
		m_active = false;
		fsm(cli_state, E_TTL, c_bind, 0) }
	od
}

/* ---- server ------------------------------------------------------------ */

inline send_chal()
{
	/*
	 * v_rcv, v_sent: the bytes received from and sent to v_path since
	 * it became the pending source (a new source starts from 0, so the
	 * sum over all of them stays within 3x too).
	 */
	amplification_at_most_3x = (v_sent + CHAL_B <= 3 * v_rcv);
	assert(amplification_at_most_3x);
	v_sent = v_sent + CHAL_B;
	g_nonce_to[v_path] = v_nonce;
	to_client(v_path, CHAL, s_sess, v_ctr, v_path, v_nonce)
}

inline s_recv(p)
{
	z_state = srv_state; z_sess = s_sess; z_bind = s_bind;
	z_a = v_active; z_b = v_ctr; z_c = v_path; z_d = s_hi;
	if
	:: t_t == INIT ->
		if
		:: t_e > s_last_ts ->	/* a newer timestamp */
			s_last_ts = t_e;
			if
			:: s_live -> fsm(srv_state, E_SUPERSEDED, s_bind, 0)
			:: else -> skip
			fi;
			srv_state = BIRTH;
			s_sess = t_e;
			s_hi = 0;
			v_active = false;
			fsm(srv_state, E_HSDONE, s_bind, p);
			to_client(p, HSRESP, t_e, 0, 0, 0)
		:: else -> skip		/* replayed initiation */
		fi
	:: t_t == REQ ->
		if
		:: s_live && t_e == s_sess && t_c > s_hi ->
			/* fresh: replaces the pending validation */
			s_hi = t_c;
			if
			:: !(v_active && v_path == p) -> v_rcv = 0; v_sent = 0
			:: else -> skip
			fi;
			v_rcv = v_rcv + REQ_B;
			v_active = true;
			v_ctr = t_c;
			v_path = p;
			v_tsends = 0;
			if
			:: s_nonce < 255 -> s_nonce++
			:: else -> bounds_sufficient = false; assert(bounds_sufficient)
			fi;
			v_nonce = s_nonce;
			fsm(srv_state, E_REQUESTED, s_bind, 0);
			if
			:: s_budget -> send_chal()
			:: else -> skip
			fi
#ifndef MUTANT_STALE_CHALLENGE
		:: s_live && t_e == s_sess && v_active && t_c == v_ctr &&
		   p == v_path ->
			/* a retransmission: the same challenge again */
			if
			:: v_rcv < 1000 -> v_rcv = v_rcv + REQ_B
			:: else -> skip
			fi;
			if
			:: s_budget -> send_chal()
			:: else -> skip
			fi
#endif
		:: else -> skip	/* unknown session, bad proof or replayed */
		fi
	:: t_t == RESP ->
		if
		:: s_live && v_active && t_e == s_sess && t_c == v_ctr &&
		   t_o == v_path && t_n == v_nonce && p == v_path ->
			binding_after_verified_request_and_validated_path =
				(g_nonce_to[p] == t_n && s_hi == t_c);
			assert(binding_after_verified_request_and_validated_path);
			v_active = false;
			fsm(srv_state, E_VALIDATED, s_bind, p)
		:: else -> skip
		fi
	:: else -> skip
	fi;
	/* a retransmitted request may only cost a challenge again */
	replay_changes_nothing = (!t_cp ||
		(z_state == srv_state && z_sess == s_sess && z_bind == s_bind &&
		 z_a == v_active && z_b == v_ctr && z_c == v_path &&
		 z_d == s_hi));
	assert(replay_changes_nothing);
	seen(false, p)
}

proctype Server()
{
	mtype t_t;
	byte t_e, t_c, t_o, t_n;
	bit t_cp;

end_server:
	do
	:: atomic { c2s[0]?t_t, t_e, t_c, t_o, t_n, t_cp -> s_recv(0); FORGET }
	:: atomic { c2s[1]?t_t, t_e, t_c, t_o, t_n, t_cp -> s_recv(1); FORGET }
	/* challenge retransmission, within the budget */
	:: atomic { s_live && v_active && v_tsends < 1 && s_budget ->
		v_tsends++;
		send_chal() }
	/* validation deadline */
	:: atomic { s_live && v_active && quiet && (v_tsends == 1 || !s_budget) ->
		v_active = false;
		fsm(srv_state, E_REJECTED, s_bind, 0) }
	:: atomic { srv_state == ATTACHED && !flow_s ->
		fsm(srv_state, E_SILENCE, s_bind, 0) }
	:: atomic { srv_state == VOLATILE && !flow_s ->
		fsm(srv_state, E_SILENCE_LONG, s_bind, 0) }
	:: atomic { (srv_state == VOLATILE || srv_state == RECOVERING) && flow_s ->
		fsm(srv_state, E_AUTHRX, s_bind, 0) }
	:: atomic { timeout && (srv_state == VOLATILE || srv_state == RECOVERING) ->
		no_ttl_with_working_path = !working;
		assert(no_ttl_with_working_path);
		g_ttl = true;
		v_active = false;
		fsm(srv_state, E_TTL, s_bind, 0) }
	od
}

/* ---- the world: paths, network, attacker ------------------------------- */

inline lose(ch)
{
	atomic { loss_left > 0 && len(ch) > 0 ->
		loss_left--;
		ch?_, _, _, _, _, _ }
}

inline hold(ch, p, dir)
{
	atomic { reorder_left > 0 && !held && len(ch) > 0 ->
		reorder_left--;
		ch?h_t, h_e, h_c, h_o, h_n, _;
		held = true; h_s2c = dir; h_path = p }
}

inline snap(ch, p, dir)
{
	atomic { snap_left > 0 && len(ch) > 0 ->
		snap_left--;
		ch?<a_t, a_e, a_c, a_o, a_n, _>;
		a_has = true; a_s2c = dir; a_path = p; a_done = 0 }
}

/* dead values: cleared so that they do not tell states apart */
#define UNHOLD	held = false; h_s2c = false; h_path = 0; h_t = 0; h_e = 0; \
		h_c = 0; h_o = 0; h_n = 0
#define SPENT	if \
		:: inj_left == 0 -> a_has = false; a_s2c = false; a_t = 0; \
			a_e = 0; a_c = 0; a_o = 0; a_n = 0; a_path = 0; a_done = 0 \
		:: else -> skip \
		fi

proctype World()
{
	do
	:: atomic { kill_left > 0 -> kill_left--;
		if
		:: up[0] = false
		:: up[1] = false
		fi }
	:: atomic { spur_left > 0 && cli_state == ATTACHED -> spur_left--; spur = true }
	:: atomic { sloss_left > 0 && s_live -> sloss_left--;
		/* restart without state: no audit line, no session */
		srv_state = NOSESS; s_sess = 0; v_active = false }
	:: lose(c2s[0])
	:: lose(c2s[1])
	:: lose(s2c[0])
	:: lose(s2c[1])
	:: hold(c2s[0], 0, false)
	:: hold(c2s[1], 1, false)
	:: hold(s2c[0], 0, true)
	:: hold(s2c[1], 1, true)
	:: atomic { held && !h_s2c && len(c2s[h_path]) < 2 ->
		c2s[h_path]!h_t, h_e, h_c, h_o, h_n, 0; UNHOLD }
	:: atomic { held && h_s2c && len(s2c[h_path]) < 2 ->
		s2c[h_path]!h_t, h_e, h_c, h_o, h_n, 0; UNHOLD }
	:: snap(c2s[0], 0, false)
	:: snap(c2s[1], 1, false)
	:: snap(s2c[0], 0, true)
	:: snap(s2c[1], 1, true)
	/*
	 * Inject the copy, towards its receiver, on the path it was seen on
	 * or (XPATH times) on the other one, as if sent from the other
	 * path's address.
	 */
	:: atomic { inj_left > 0 && a_has && !a_s2c && len(c2s[0]) < 2 && CROSS_OK(0) ->
		inj_left--; CROSS_USE(0); c2s[0]!a_t, a_e, a_c, a_o, a_n, (a_done >> 0) & 1;
		SPENT }
	:: atomic { inj_left > 0 && a_has && !a_s2c && len(c2s[1]) < 2 && CROSS_OK(1) ->
		inj_left--; CROSS_USE(1); c2s[1]!a_t, a_e, a_c, a_o, a_n, (a_done >> 1) & 1;
		SPENT }
	:: atomic { inj_left > 0 && a_has && a_s2c && up[0] && len(s2c[0]) < 2 && CROSS_OK(0) ->
		inj_left--; CROSS_USE(0); s2c[0]!a_t, a_e, a_c, a_o, a_n, (a_done >> 0) & 1;
		SPENT }
	:: atomic { inj_left > 0 && a_has && a_s2c && up[1] && len(s2c[1]) < 2 && CROSS_OK(1) ->
		inj_left--; CROSS_USE(1); s2c[1]!a_t, a_e, a_c, a_o, a_n, (a_done >> 1) & 1;
		SPENT }
	/* done: nothing more happens to the network */
	:: !held -> break
	od
}

init
{
	atomic {
		up[0] = true;
		up[1] = true;
#ifndef FROM_BIRTH
		/* a session established on path 0 (FROM_BIRTH: the handshake) */
		cli_state = ATTACHED; c_sess = 1; c_bind = 0; c_hs = 1;
		srv_state = ATTACHED; s_sess = 1; s_bind = 0; s_last_ts = 1;
#endif
		run Server();
		run Client();
		run World()
	}
}

#ifdef LIVENESS
/* With a working path and weak fairness, both sides end attached to one
 * session on one binding, and stay there. */
ltl converge { <> [] converged }
#endif
