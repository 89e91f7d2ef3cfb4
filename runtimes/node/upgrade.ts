// The `upgrade` event for the engine's path: the core decides first (unknown sid, transport
// not allowed, `allowRequest`…), then the WebSocket handshake itself is checked, the 101
// written, and the socket handed to the core as a peer.

import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { UpgradeVerdict, WebSocketConnection } from "../../src/engine/contract.js";
import type { HostedEngine } from "../shared/engine-host.js";
import { NodeWebSocketPeer, destroyOnError } from "./peer.js";
import { refuse } from "./raw-response.js";
import { toEngineRequest } from "./request.js";
import { checkHandshake, switchingProtocols } from "./handshake.js";

export async function upgrade(
  engine: HostedEngine,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  peers: { add(peer: NodeWebSocketPeer): void },
  /** Told when a peer's socket is gone: one function for every peer of the attachment. */
  forget: (peer: NodeWebSocketPeer) => void,
): Promise<void> {
  // A reset must never become an uncaught 'error' (the listener stays for the peer's life).
  socket.on("error", destroyOnError);
  let verdict: UpgradeVerdict;
  try {
    verdict = await engine.handleUpgrade(toEngineRequest(req));
  } catch (error) {
    console.error("unio: handleUpgrade failed", error);
    refuse(socket, 500, {}, "");
    return;
  }
  // The client left while the core was deciding: nothing was opened, nothing to undo.
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  if (verdict.kind === "reject") {
    const { status, headers, body } = verdict.response;
    refuse(socket, status, headers, body);
    return;
  }
  const check = checkHandshake(req.method ?? "GET", req.headers);
  if (check.kind === "invalid") {
    refuse(socket, check.status, { ...check.headers, "Content-Type": "text/plain" }, check.message);
    return;
  }
  const tcp = socket as Partial<{ setNoDelay(noDelay: boolean): void; setTimeout(ms: number): void }>;
  tcp.setNoDelay?.(true); // frames are whole messages: send them now, not after Nagle's delay
  tcp.setTimeout?.(0); // liveness is the core's heartbeat, not an idle timer
  // The engine accepts any positive limit, Infinity included; the decoder needs a safe integer.
  const maxPayload = Math.min(Math.floor(engine.options.maxHttpBufferSize), Number.MAX_SAFE_INTEGER);
  const peer = new NodeWebSocketPeer(socket, maxPayload, forget);
  peers.add(peer);
  // The 101 and the open packet that `open` sends leave as one buffer, in one write.
  peer.hold();
  let connection: WebSocketConnection;
  try {
    connection = verdict.open(peer);
  } finally {
    peer.release(switchingProtocols(check.accept));
  }
  peer.start(connection, head);
}
