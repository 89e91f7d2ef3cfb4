// One Engine.IO connection as the Socket.IO layer sees it: decodes its messages into
// packets, routes them to the socket of each namespace, and writes encoded packets back.
//
// The connection's rules (socket.io's, checked here):
// - Every namespace, "/" included, is joined with a CONNECT packet. Until one is joined,
//   the connection lives at most `connectTimeout` ms ("forced server close").
// - A packet for a namespace that is not joined (the first packet not being a CONNECT
//   included), a second CONNECT for a joined namespace, a CONNECT_ERROR from the client, or
//   anything the decoder refuses closes the whole connection: "parse error" for every socket.
// - A CONNECT for an unknown namespace is answered `44<nsp>,{"message":"Invalid namespace"}`
//   and nothing else happens; one past `maxNamespacesPerClient` (namespaces joined, joining
//   or being matched) gets `44<nsp>,{"message":"Too many namespaces"}`.
// - A repeated CONNECT while the namespace's middlewares still decide is ignored; a
//   DISCONNECT then abandons the join.
//
// Memory: a connection is usually in one namespace for its whole life, so the Client keeps
// that socket in a field and builds a Map only when a second namespace is joined; it hears
// its Engine.IO connection as that connection's handler (plain methods, no closures).

import { Decoder, PacketType } from "../codec/index.js";
import type { Frames, Packet } from "../codec/index.js";
import type { WirePacket } from "../engine/contract.js";
import type { TimerHandle } from "../engine/timers.js";
import type { EngineCloseReason, EngineSocketHandler, HandshakeRequest, SendOptions } from "../engine/types.js";
import type { EngineConnection } from "./engine-port.js";
import { authOf, issuedOf } from "./handshake.js";
import { membersOf } from "./own-room-set.js";
import type { Namespace } from "./namespace.js";
import type { DisconnectReason } from "./reasons.js";
import type { Server } from "./server.js";
import type { Socket } from "./socket.js";
import type { ClientSnapshot, SocketSnapshot } from "./snapshot.js";
import type { EventsMap } from "./typed-events.js";

/** `Client.matching` of an ended connection. */
const CLOSED = -(2 ** 30);

export class Client<
  ListenEvents extends EventsMap,
  EmitEvents extends EventsMap,
  ServerSideEvents extends EventsMap,
  SocketData,
> implements EngineSocketHandler
{
  readonly conn: EngineConnection;
  readonly server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  /**
   * This connection's own decoder, only while a binary packet waits for its attachments:
   * every other packet is one text frame, which the shared decoder parses without keeping
   * anything (see `decoderFor`).
   */
  private decoder: Decoder | undefined = undefined;
  /**
   * The socket of each namespace this connection joined or is joining: the one socket itself
   * while there is at most one, a Map by namespace name from the second on.
   */
  private sockets:
    | Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>
    | Map<string, Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>
    | undefined = undefined;
  private connectTimer: TimerHandle | undefined;
  /**
   * CONNECTs whose namespace matchers have not answered yet (they count towards the limit),
   * or CLOSED (negative, and still negative after any late answer's decrement) once the
   * connection ended: one field for both keeps a Client in JSC's 64-byte size class.
   */
  private matching = 0;

  /** @internal */
  constructor(
    server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    conn: EngineConnection,
    armConnectTimeout = true,
  ) {
    this.server = server;
    this.conn = conn;
    conn.setHandler(this);
    if (armConnectTimeout) this._armConnectTimeout();
  }

  private get closed(): boolean {
    return this.matching < 0;
  }

  /** @internal Starts the deadline for joining a first namespace. */
  _armConnectTimeout(): void {
    if (this.closed || this.connectTimer !== undefined) return;
    this.connectTimer = this.server.engine.timers.set(this.server._connectTimeout, () => this.onConnectTimeout());
  }

  /** The Engine.IO session id. */
  get id(): string {
    return this.conn.id;
  }

  get request(): HandshakeRequest {
    return this.conn.request;
  }

  // --- incoming ------------------------------------------------------------------------------

  /** @internal One Engine.IO message (the connection's handler). */
  onMessage(data: string | Uint8Array): void {
    if (this.closed) return;
    let packet: Packet | undefined;
    try {
      packet = this.decoderFor(data, 0).add(data);
    } catch {
      this.closeWith("parse error");
      return;
    }
    this.decoded(packet);
  }

  /** @internal A text message that `text` holds from `start` on (the connection's handler). */
  onTextMessage(text: string, start: number): void {
    if (this.closed) return;
    let packet: Packet | undefined;
    try {
      packet = this.decoderFor(text, start).addText(text, start);
    } catch {
      this.closeWith("parse error");
      return;
    }
    this.decoded(packet);
  }

  private decoded(packet: Packet | undefined): void {
    // A binary packet is complete (or never began): its decoder has nothing left to hold.
    if (this.decoder !== undefined && this.decoder.attachmentsDue === 0) this.decoder = undefined;
    if (packet !== undefined) this.onpacket(packet);
  }

  /**
   * The decoder for `data`: this connection's own while a binary packet is pending, and for
   * what may start one (a binary event or ack, or bytes, which the decoder then refuses);
   * else the one shared by every connection, since a text packet that announces no
   * attachments leaves nothing in a decoder. Text starts at `start`.
   */
  private decoderFor(data: string | Uint8Array, start: number): Decoder {
    const own = this.decoder;
    if (own !== undefined) return own;
    const max = this.server._maxAttachments;
    if (typeof data === "string") {
      const type = data.charCodeAt(start) - 48;
      if (type !== PacketType.BINARY_EVENT && type !== PacketType.BINARY_ACK) return sharedDecoder(max);
    }
    return (this.decoder = new Decoder({ maxAttachments: max }));
  }

  private onpacket(packet: Packet): void {
    const socket = this.socketOf(packet.nsp);
    if (packet.type === PacketType.CONNECT) {
      if (socket === undefined) this.connect(packet.nsp, (packet.data ?? {}) as Record<string, unknown>);
      else if (socket._state !== "pending") this.closeWith("parse error");
      return;
    }
    if (socket === undefined || packet.type === PacketType.CONNECT_ERROR) {
      this.closeWith("parse error");
      return;
    }
    if (socket._state === "pending") {
      if (packet.type === PacketType.DISCONNECT) socket._onclose("client namespace disconnect");
      else this.closeWith("parse error");
      return;
    }
    socket._onpacket(packet);
  }

  private connect(name: string, auth: Readonly<Record<string, unknown>>): void {
    if (this.namespaceCount() + this.matching >= this.server._maxNamespacesPerClient) {
      this._writePacket({ type: PacketType.CONNECT_ERROR, nsp: name, data: { message: "Too many namespaces" } });
      return;
    }
    const nsp = this.server._nsps.get(name);
    if (nsp !== undefined) {
      nsp._add(this, auth);
      return;
    }
    this.matching++;
    this.server._matchNamespace(name, auth, (found) => {
      this.matching--;
      if (this.closed || this.socketOf(name) !== undefined) return;
      if (found === undefined) {
        this._writePacket({ type: PacketType.CONNECT_ERROR, nsp: name, data: { message: "Invalid namespace" } });
      } else {
        found._add(this, auth);
      }
    });
  }

  private onConnectTimeout(): void {
    this.connectTimer = undefined;
    for (const socket of this.allSockets()) if (socket.connected) return;
    this.closeWith("forced server close");
  }

  /** @internal The Engine.IO connection ended (the connection's handler). */
  onClose(reason: EngineCloseReason, description?: string): void {
    if (this.closed) return;
    this.matching = CLOSED;
    this.release();
    this.closeSockets(reason, description);
  }

  /** Closes the connection from this side; every socket gets `reason`. */
  private closeWith(reason: DisconnectReason): void {
    if (this.closed) return;
    this.matching = CLOSED;
    this.release();
    // The engine's own "close" event that follows is ignored: the sockets learn `reason`.
    if (this.conn.readyState === "open" || this.conn.readyState === "opening") this.conn.close();
    this.closeSockets(reason, undefined);
  }

  private release(): void {
    if (this.connectTimer !== undefined) {
      this.server.engine.timers.cancel(this.connectTimer);
      this.connectTimer = undefined;
    }
    this.decoder?.reset();
    this.decoder = undefined;
  }

  private closeSockets(reason: DisconnectReason, description: string | undefined): void {
    for (const socket of this.allSockets()) socket._onclose(reason, description);
    this.sockets = undefined;
  }

  /** The socket of namespace `name`, if this connection has one. */
  private socketOf(name: string): Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | undefined {
    const sockets = this.sockets;
    if (sockets === undefined) return undefined;
    if (sockets instanceof Map) return sockets.get(name);
    return sockets.nsp.name === name ? sockets : undefined;
  }

  private namespaceCount(): number {
    const sockets = this.sockets;
    if (sockets === undefined) return 0;
    return sockets instanceof Map ? sockets.size : 1;
  }

  /** Every socket of this connection, in the order they were added (a copy: safe to close them). */
  private allSockets(): Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>[] {
    const sockets = this.sockets;
    if (sockets === undefined) return [];
    return sockets instanceof Map ? [...sockets.values()] : [sockets];
  }

  // --- what sockets and namespaces call --------------------------------------------------------

  /** @internal A socket for `nsp` now exists (pending until its middlewares pass). */
  _track(socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): void {
    const sockets = this.sockets;
    const name = socket.nsp.name;
    if (sockets === undefined || (!(sockets instanceof Map) && sockets.nsp.name === name)) {
      this.sockets = socket;
    } else if (sockets instanceof Map) {
      sockets.set(name, socket);
    } else {
      this.sockets = new Map([
        [sockets.nsp.name, sockets],
        [name, socket],
      ]);
    }
  }

  /** @internal A socket joined its namespace: the connect deadline is met. */
  _onconnected(_socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): void {
    if (this.connectTimer !== undefined) {
      this.server.engine.timers.cancel(this.connectTimer);
      this.connectTimer = undefined;
    }
  }

  /** @internal */
  _remove(socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): void {
    const sockets = this.sockets;
    if (sockets === socket) this.sockets = undefined;
    else if (sockets instanceof Map && sockets.get(socket.nsp.name) === socket) sockets.delete(socket.nsp.name);
  }

  /** @internal `socket.disconnect(true)`: every namespace left with DISCONNECT, then the connection closed. */
  _disconnectAll(): void {
    for (const socket of this.allSockets()) socket.disconnect();
    this.closeWith("forced server close");
  }

  /** @internal Encodes and writes one packet (throws EncodeError for an unencodable value). */
  _writePacket(packet: Packet): void {
    const frames = this.server._encoder.encode(packet, true);
    this._writeFrames(frames, false, undefined);
  }

  /**
   * @internal Writes the frames of one packet, encoded with `engineMessage` (its text already
   * an Engine.IO message, its attachments raw bytes).
   */
  _writeFrames(frames: Frames, volatile: boolean, compress: boolean | undefined): void {
    const conn = this.conn;
    if (this.closed || conn.readyState !== "open") return;
    // All frames of a packet or none: a volatile binary packet must not lose only a part.
    if (volatile && !conn.writable) return;
    const options: SendOptions | undefined = compress === undefined ? undefined : { compress };
    conn.sendPacket({ data: frames[0] }, options);
    for (let i = 1; i < frames.length; i++) conn.send(frames[i]!, options);
  }

  /** @internal Writes a broadcast's prepared packets. */
  _writePrepared(wire: readonly WirePacket[], volatile: boolean, compress: boolean | undefined): void {
    const conn = this.conn;
    if (this.closed || conn.readyState !== "open") return;
    if (volatile && !conn.writable) return;
    const options: SendOptions | undefined = compress === undefined ? undefined : { compress };
    for (let i = 0; i < wire.length; i++) conn.sendPacket(wire[i]!, options);
  }

  /** Closes the whole connection from the server side ("forced server close" for every socket). */
  close(): void {
    this.closeWith("forced server close");
  }

  // --- durable state -------------------------------------------------------------------------------

  /**
   * This connection's durable state as plain JSON: the Engine.IO session id and protocol,
   * and per joined namespace the socket id, rooms (besides its own), `data`, auth, creation
   * time and next ack id. Pending acks and listeners are not state: a restore re-runs the
   * connection handlers instead.
   */
  snapshot(): ClientSnapshot {
    const sockets: SocketSnapshot[] = [];
    for (const socket of this.allSockets()) {
      if (!socket.connected) continue;
      const rooms: string[] = [];
      // membersOf: a socket alone in its own room keeps its compact set (own-room-set.ts).
      for (const room of membersOf(socket.rooms)) if (room !== socket.id) rooms.push(room);
      const handshake = socket._handshakeSlot; // read without building the handshake
      sockets.push({
        nsp: socket.nsp.name,
        id: socket.id,
        rooms,
        data: socket.data,
        auth: authOf(handshake),
        issued: issuedOf(handshake),
        ackId: socket._nextAckId(),
      });
    }
    return { v: 1, sid: this.conn.id, protocol: this.conn.protocol, sockets };
  }

  /** @internal Rebuilds the sockets of a snapshot, then calls their connection handlers. */
  _restore(snapshot: ClientSnapshot): Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>[] {
    const restored: Array<{
      nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
      socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
    }> = [];
    for (const saved of snapshot.sockets) {
      const nsp = this.server._resolveNamespaceNow(saved.nsp, saved.auth);
      if (nsp === undefined) continue;
      const socket = nsp._restore(this, saved, saved.rooms, saved.ackId);
      this._track(socket);
      restored.push({ nsp, socket });
    }
    for (const { nsp, socket } of restored) if (socket.connected) nsp._emitConnection(socket);
    return restored.map((r) => r.socket);
  }
}

/** One decoder per attachment limit, shared by every connection for plain text packets. */
const sharedDecoders = new Map<number, Decoder>();

/** The last one asked for: nearly every process has one limit, so the map is rarely read. */
let lastShared: Decoder | undefined;
let lastLimit = -1;

function sharedDecoder(maxAttachments: number): Decoder {
  if (maxAttachments === lastLimit && lastShared !== undefined) return lastShared;
  let decoder = sharedDecoders.get(maxAttachments);
  if (decoder === undefined) {
    decoder = new Decoder({ maxAttachments });
    sharedDecoders.set(maxAttachments, decoder);
  }
  lastShared = decoder;
  lastLimit = maxAttachments;
  return decoder;
}
