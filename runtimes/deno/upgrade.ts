// A request for a WebSocket on the engine's path: the core decides first (unknown sid,
// transport not allowed, `allowRequest`…), then the RFC 6455 handshake is checked, the 101
// written, and the connection handed to the core as a peer. Mirrors runtimes/node/upgrade.ts.

import type { UpgradeVerdict } from "../../src/engine/contract.js";
import type { HostedEngine } from "../shared/engine-host.js";
import type { RequestHead } from "../shared/http1/index.js";
import { switchingProtocols, validateHandshake } from "../shared/websocket/index.js";
import { acceptKey } from "./handshake.js";
import { DenoWebSocketPeer, type PeerConnection } from "./websocket-peer.js";

/** What an upgrade needs of its connection. */
export interface UpgradingConnection extends PeerConnection {
  readonly closed: boolean;
  readonly remoteAddress: string;
  /** Writes a closing answer and ends the connection. */
  refuse(status: number, headers: Readonly<Record<string, string>>, body: string | Uint8Array): void;
  /** Frames from here on go to `peer`. */
  carry(peer: DenoWebSocketPeer): void;
}

/** Never rejects: a failure refuses the upgrade or loses this connection, never the process. */
export async function upgrade(engine: HostedEngine, conn: UpgradingConnection, head: RequestHead, rest: Uint8Array): Promise<void> {
  let verdict: UpgradeVerdict;
  try {
    verdict = await engine.handleUpgrade({
      method: head.method,
      url: head.target,
      headers: head.headers,
      remoteAddress: conn.remoteAddress,
      secure: false,
      readBody: () => Promise.resolve(new Uint8Array(0)),
    });
  } catch (error) {
    console.error("unio: handleUpgrade failed", error);
    conn.refuse(500, {}, "");
    return;
  }
  // The client left while the core was deciding: nothing was opened, nothing to undo.
  if (conn.closed) return;
  if (verdict.kind === "reject") {
    const { status, headers, body } = verdict.response;
    conn.refuse(status, headers, body);
    return;
  }
  const check = validateHandshake(head.method, head.headers);
  if (check.kind === "invalid") {
    conn.refuse(check.status, { ...check.headers, "Content-Type": "text/plain" }, check.message);
    return;
  }
  try {
    const accept = await acceptKey(check.key);
    if (conn.closed) return;
    // The 101 and the open packet that `open` sends leave in one write (the writer gathers a turn's writes).
    conn.writer.write(switchingProtocols(accept));
    // The engine accepts any positive limit, Infinity included; the decoder needs a safe integer.
    const maxPayload = Math.min(Math.floor(engine.options.maxHttpBufferSize), Number.MAX_SAFE_INTEGER);
    const peer = new DenoWebSocketPeer(conn, maxPayload);
    conn.carry(peer);
    peer.start(verdict.open(peer), rest);
  } catch (error) {
    // A bug below us: lose this connection, not the process.
    console.error("unio: WebSocket upgrade failed", error);
    conn.destroy();
  }
}
