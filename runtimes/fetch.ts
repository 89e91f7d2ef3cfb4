// The web-standard path shared by the Deno, Bun and Cloudflare shims: `Request` in,
// `Response` out, a standard WebSocket as a peer, and `setTimeout` as the core's clock.
export { type BodyDeadline, type BodyEnd, type BodyProgress, BodyTimeoutError, type ConnectionInfo, type FetchEngineRequest, notFound, pathAndQuery, readBody, toEngineRequest, toResponse } from "./fetch/request.js";
export { closeByHeader, handshakeRefused } from "./fetch/hang-up.js";
export { type PeerOptions, type StandardWebSocket, webSocketPeer } from "./fetch/websocket-peer.js";
export { type StartTimer, type TimerClock, startTimer, timerClock } from "./shared/clock.js";
// `FetchEngine` is the name this path has always given the engine slice it drives.
export { type EngineHolder, type EngineHost, type HostedEngine, type HostedEngine as FetchEngine, engineOf } from "./shared/engine-host.js";
export { type AcceptedUpgrade, type FetchOptions, type Upgrader, fetchOptions, handleFetch, isWebSocketUpgrade, timedEngineOf } from "./fetch/handle.js";
