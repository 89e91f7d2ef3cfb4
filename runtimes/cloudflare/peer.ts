// A hibernatable WebSocket as the core's `WebSocketPeer`, through the shared standard-socket
// peer of runtimes/fetch. workerd's server sockets have no `bufferedAmount` (the runtime
// queues outbound messages itself and gives a script no backpressure signal), so the view
// below reports an empty queue: a send is never refused, and the core's `maxBufferedBytes`
// still bounds what it holds for a session it cannot deliver to.

import type { WebSocketPeer } from "../../src/engine/contract.js";
import { type StandardWebSocket, webSocketPeer } from "../fetch/websocket-peer.js";
import type { HibernatableWebSocket } from "./workerd.js";

function nothingToDrain(): void {}

export function hibernatablePeer(ws: HibernatableWebSocket): WebSocketPeer {
  const view: StandardWebSocket = {
    get readyState() {
      return ws.readyState;
    },
    bufferedAmount: 0,
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
  };
  return webSocketPeer(view, nothingToDrain);
}
