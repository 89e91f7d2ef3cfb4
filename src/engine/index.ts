export { EngineServer } from "./server.js";
export type { EngineConnectionError, EngineServerEvents } from "./server.js";
export { EngineSocket } from "./socket.js";
export type { EngineSessionSnapshot, SnapshotHeartbeat } from "./snapshot.js";
export { ENGINE_ERRORS } from "./errors.js";
export type { EngineErrorCode } from "./errors.js";
export type { ResolvedEngineOptions } from "./options.js";
export { Timers } from "./timers.js";
export type { TimerHandle } from "./timers.js";
export type {
  Clock,
  EngineRequest,
  EngineResponse,
  UpgradeVerdict,
  WebSocketConnection,
  WebSocketPeer,
  WirePacket,
} from "./contract.js";
export type {
  CorsOptions,
  EngineCloseReason,
  EngineOptions,
  EngineSocketEvents,
  EngineSocketHandler,
  EngineSocketState,
  HandshakeRequest,
  SendOptions,
  Transport,
  TransportName,
} from "./types.js";
export { TRANSPORTS } from "./types.js";
