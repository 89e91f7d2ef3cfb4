// The web-standard path shared by the Deno, Bun and Cloudflare shims: `Request` in,
// `Response` out, a standard WebSocket as a peer, and `setTimeout` as the core's clock.
export { type ConnectionInfo, handshakeRefused, notFound, pathAndQuery, readBody, toEngineRequest, toResponse } from "./fetch/request.js";
export { type PeerOptions, type StandardWebSocket, webSocketPeer } from "./fetch/websocket-peer.js";
export { timerClock } from "./fetch/clock.js";
export {
  type AcceptedUpgrade,
  type EngineHost,
  type FetchEngine,
  type Upgrader,
  engineOf,
  handleFetch,
  isWebSocketUpgrade,
  timedEngineOf,
} from "./fetch/handle.js";
