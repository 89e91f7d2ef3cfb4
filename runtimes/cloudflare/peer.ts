// A hibernatable WebSocket as the core's `WebSocketPeer`, through the shared standard-socket
// peer of runtimes/fetch. workerd's server sockets have no `bufferedAmount` (the runtime
// queues outbound messages itself and gives a script no backpressure signal); the shared peer
// reads a missing one as an empty queue, so a send is never refused, and the core's
// `maxBufferedBytes` still bounds what it holds for a session it cannot deliver to.

import type { WebSocketPeer } from "../../src/engine/contract.js";
import { webSocketPeer } from "../fetch/websocket-peer.js";
import type { HibernatableWebSocket } from "./workerd.js";

function nothingToDrain(): void {}

export function hibernatablePeer(ws: HibernatableWebSocket): WebSocketPeer {
  return webSocketPeer(ws, nothingToDrain);
}
