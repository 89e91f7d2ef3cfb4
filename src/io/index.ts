export { Server } from "./server.js";
export type { ServerOptions, ServerReservedEvents } from "./server.js";
export { Namespace } from "./namespace.js";
export type { NamespaceMiddleware, NamespaceReservedEvents } from "./namespace.js";
export { ParentNamespace } from "./parent-namespace.js";
export type { NamespaceMatcher } from "./parent-namespace.js";
export { Socket } from "./socket.js";
export type { PacketMiddleware, SocketReservedEvents, SocketState } from "./socket.js";
export { SocketEmitter } from "./socket-emitter.js";
export type { SocketEmitFlags } from "./socket-emitter.js";
export { BroadcastOperator, RemoteSocket } from "./broadcast-operator.js";
export type { AckTimeoutError, BroadcastHost, FetchedSocket, TimedEmitter } from "./broadcast-operator.js";
export { Client } from "./client.js";
export { InMemoryAdapter } from "./adapter.js";
export type {
  AckResponseCallback,
  Adapter,
  AdapterConstructor,
  AdapterNamespace,
  AdapterSocket,
  BroadcastFlags,
  BroadcastOptions,
  ClientCountCallback,
  RemoteSocketDetails,
  Room,
  SocketId,
} from "./adapter.js";
export type { Handshake } from "./handshake.js";
export type { ExtendedError, NextFunction } from "./middleware.js";
export { DISCONNECT_REASONS } from "./reasons.js";
export type { DisconnectReason } from "./reasons.js";
export { RESERVED_EVENTS } from "./reserved.js";
export type { ClientSnapshot, SocketSnapshot } from "./snapshot.js";
export type { EngineConnection, EnginePort } from "./engine-port.js";
export type { UserErrorReporter } from "./user-code.js";
export type {
  AckResult,
  AllButLast,
  ArgsWithoutAck,
  BroadcastAck,
  DefaultEventsMap,
  EmitWithAckArgs,
  EmitWithAckResult,
  EventNames,
  EventParams,
  EventsMap,
  Last,
  TimedAck,
  UntypedListener,
} from "./typed-events.js";
