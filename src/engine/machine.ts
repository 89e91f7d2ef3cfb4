// The Engine.IO session's state machine: every state, every input, every legal transition.
//
// Rules
// -----
// 1. A session is in exactly one of five states:
//      opening    created, the handshake not yet queued (only inside the engine, synchronously)
//      open       packets flow over the session's transport (polling or websocket)
//      upgrading  open on polling, and a probe websocket is being tested alongside
//      closing    the application called close(): what is buffered goes out, then `1`
//      closed     final; every later input is ignored (late peer events are normal)
// 2. Everything that happens to a session is an input, named below: a packet from the client
//    on its transport ("packet:…"), an event of the transport or of the probe websocket
//    ("transport:…", "probe:…"), a local call ("local:…", "server:…"), or a deadline
//    ("heartbeat:…"). The session looks up (state, input) in SESSION_TABLE before doing
//    anything else. A pair that is not in the table is a protocol violation: the session
//    closes with "transport error" and the description `cannot handle X in state Y`. Nothing
//    is ever thrown at the peer's bidding.
// 3. Inputs whose next state is "closed" end the session with the reason in CLOSE_REASONS:
//    that is the only way a session ends, so the "close" event fires exactly once.
// 4. In v4 the server pings and the client answers, so a client `2` is a violation; `0` and
//    `5` never come from a client on its own transport, and are violations too.
// 5. An upgrade is one probe, tested on its own websocket (PROBE_TABLE): `2probe` → `3probe`,
//    then `5` switches the session to the websocket. Anything else on the probe, or
//    `upgradeTimeout`, fails the probe: the probe socket closes and the session carries on
//    over polling. Only an open polling session may start a probe, one at a time; a session
//    that is on websocket (born there or upgraded) never takes another one. This guard is
//    checked before the table: a websocket that fails it is refused and the session is left
//    untouched, so that a stranger who learnt a sid cannot end the session that way.
//    A session that starts closing while a probe is under way lets the probe finish, as the
//    reference does: the client may already have paused polling for it, and then only the
//    websocket can carry the last packets; an upgrade completed while closing delivers them
//    and `1` there (rule 7).
// 6. The heartbeat is a sub-machine (HEARTBEAT_TABLE) with one deadline: in "waiting" the
//    deadline sends the next ping; in "awaiting-pong" it closes the session ("ping timeout").
//    Other traffic while awaiting the pong extends that deadline once, as the reference does,
//    so a pong stuck behind a large upload does not kill the session.
// 7. A server close waits for nothing but the transport. Over polling the buffered packets go
//    out in one GET response and `1` in the next, as the reference sends them (a client may
//    act on a `1` before it has delivered the packets of the same payload); over a websocket
//    the buffered packets and `1` go out together once the peer's buffer has room. If the
//    transport does not take them within CLOSE_TIMEOUT the session closes anyway, still as
//    "forced close".
//
// The tables are data; socket.ts performs the effects of each transition.

/** The session's states (its public `readyState` shows "upgrading" as "open"). */
export const SESSION_STATES = ["opening", "open", "upgrading", "closing", "closed"] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/** Everything that can happen to a session. */
export const SESSION_INPUTS = [
  /** Local: the handshake is queued (`0{…}`), the session starts. */
  "handshake",
  /** The client's `4`: a message. */
  "packet:message",
  /** The client's `3`: a heartbeat answer. */
  "packet:pong",
  /** The client's `6`. */
  "packet:noop",
  /** The client's `2`: the v3 heartbeat direction, a violation in v4. */
  "packet:ping",
  /** The client's `0`: never sent by a client. */
  "packet:open",
  /** The client's `5` on its own transport (it belongs on the probe). */
  "packet:upgrade",
  /** The client's `1`: it is leaving. */
  "packet:close",
  /** Something that does not decode, or a message over `maxHttpBufferSize`. */
  "packet:invalid",
  /** The transport ended cleanly (WebSocket closed by the peer). */
  "transport:close",
  /** The transport failed (aborted request, overlapping requests, broken WebSocket). */
  "transport:error",
  /** A websocket with this session's sid was accepted: the probe starts. */
  "probe:attach",
  /** `2probe` on the probe. */
  "probe:ping",
  /** `5` on the probe: switch to it. */
  "probe:upgrade",
  /** The probe broke, timed out or said something else. */
  "probe:fail",
  /** The application called `close()`. */
  "local:close",
  /** A closing session handed its last packets and `1` to the transport. */
  "local:closed",
  /** The write buffer grew past `maxBufferedBytes`. */
  "local:overflow",
  /** The engine is closing every session. */
  "server:shutdown",
  /** The pong did not come in time. */
  "heartbeat:timeout",
] as const;
export type SessionInput = (typeof SESSION_INPUTS)[number];

type Row = { readonly [I in SessionInput]?: SessionState };

/** Next state for each (state, input); a missing pair is a protocol violation. */
export const SESSION_TABLE: { readonly [S in SessionState]: Row } = {
  opening: {
    handshake: "open",
    "transport:close": "closed",
    "transport:error": "closed",
    "local:close": "closed",
    "server:shutdown": "closed",
  },
  open: {
    "packet:message": "open",
    "packet:pong": "open",
    "packet:noop": "open",
    "packet:close": "closed",
    "packet:invalid": "closed",
    "transport:close": "closed",
    "transport:error": "closed",
    "probe:attach": "upgrading",
    "local:close": "closing",
    "local:overflow": "closed",
    "server:shutdown": "closed",
    "heartbeat:timeout": "closed",
  },
  upgrading: {
    "packet:message": "upgrading",
    "packet:pong": "upgrading",
    "packet:noop": "upgrading",
    "packet:close": "closed",
    "packet:invalid": "closed",
    "transport:close": "closed",
    "transport:error": "closed",
    "probe:ping": "upgrading",
    "probe:upgrade": "open",
    "probe:fail": "open",
    "local:close": "closing",
    "local:overflow": "closed",
    "server:shutdown": "closed",
    "heartbeat:timeout": "closed",
  },
  closing: {
    // The reference drops what a closing session receives; so do we (no "message" event).
    "packet:message": "closing",
    "packet:pong": "closing",
    "packet:noop": "closing",
    "packet:close": "closed",
    "packet:invalid": "closed",
    "transport:close": "closed",
    "transport:error": "closed",
    // A probe under way when the close began runs on (rule 5); a completed upgrade carries the
    // goodbye, which feeds "local:closed".
    "probe:ping": "closing",
    "probe:upgrade": "closing",
    "probe:fail": "closing",
    "local:close": "closing",
    "local:closed": "closed",
    "local:overflow": "closed",
    "server:shutdown": "closed",
    "heartbeat:timeout": "closed",
  },
  // Absorbing: every input is ignored (see rule 1).
  closed: {},
};

/** Why the session ended, for each input that ends it. */
export const CLOSE_REASONS = {
  "packet:close": "transport close",
  "packet:invalid": "parse error",
  "transport:close": "transport close",
  "transport:error": "transport error",
  "local:close": "forced close",
  "local:closed": "forced close",
  "local:overflow": "write buffer full",
  "server:shutdown": "server shutting down",
  "heartbeat:timeout": "ping timeout",
} as const satisfies { readonly [I in SessionInput]?: string };

/** The reason for a violation (rule 2). */
export const VIOLATION_REASON = "transport error";

/** ms a closing session waits for a transport to take its close packet (rule 7). */
export const CLOSE_TIMEOUT = 30_000;

/** The upgrade probe's states (rule 5). */
export const PROBE_STATES = ["awaiting-ping", "awaiting-upgrade"] as const;
export type ProbeState = (typeof PROBE_STATES)[number];

/** What the client can say on the probe websocket: `2probe`, `5`, or anything else. */
export const PROBE_INPUTS = ["ping", "upgrade", "other"] as const;
export type ProbeInput = (typeof PROBE_INPUTS)[number];

/**
 * Next probe state; "done" means the upgrade completes. A missing pair (an "other" packet,
 * a second `2probe`, a `5` before `2probe`) fails the probe, as do a timeout and the probe
 * socket closing; the session then carries on over polling.
 */
export const PROBE_TABLE: { readonly [S in ProbeState]: { readonly [I in ProbeInput]?: ProbeState | "done" } } = {
  "awaiting-ping": { ping: "awaiting-upgrade" },
  "awaiting-upgrade": { upgrade: "done" },
};

/** The heartbeat's states (rule 6). */
export const HEARTBEAT_STATES = ["stopped", "waiting", "awaiting-pong", "awaiting-pong-extended"] as const;
export type HeartbeatState = (typeof HEARTBEAT_STATES)[number];

export const HEARTBEAT_INPUTS = ["start", "deadline", "pong", "traffic", "stop"] as const;
export type HeartbeatInput = (typeof HEARTBEAT_INPUTS)[number];

/**
 * Next heartbeat state. "deadline" in "waiting" sends a ping; in an awaiting state it is the
 * ping timeout ("stopped", and the session closes). A pong nobody asked for is harmless.
 */
export const HEARTBEAT_TABLE: {
  readonly [S in HeartbeatState]: { readonly [I in HeartbeatInput]?: HeartbeatState };
} = {
  stopped: { start: "waiting", stop: "stopped", pong: "stopped", traffic: "stopped" },
  waiting: { deadline: "awaiting-pong", pong: "waiting", traffic: "waiting", stop: "stopped" },
  "awaiting-pong": { deadline: "stopped", pong: "waiting", traffic: "awaiting-pong-extended", stop: "stopped" },
  "awaiting-pong-extended": {
    deadline: "stopped",
    pong: "waiting",
    traffic: "awaiting-pong-extended",
    stop: "stopped",
  },
};

/** The one message every missed lookup carries. */
export function cannotHandle(input: string, state: string): string {
  return `cannot handle ${input} in state ${state}`;
}
