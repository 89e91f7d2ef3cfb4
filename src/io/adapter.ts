// Rooms and broadcasts. Every broadcast of a namespace goes through its Adapter, so that a
// Redis or Durable-Object fan-out can replace the in-memory one without touching anything
// else: the adapter decides WHO receives a packet; the namespace encodes it; each socket
// writes it to its own connection.
//
// A broadcast is encoded ONCE: the namespace turns the packet into frames with one call to
// the encoder and one `engine.prepare` per frame, and the same WirePacket objects go to
// every recipient (a shim may cache its transport framing on them).

import type { WirePacket } from "../engine/contract.js";
import type { Packet } from "../codec/index.js";
import type { Handshake } from "./handshake.js";
import { OwnRoomSet, membersOf } from "./own-room-set.js";

export type Room = string;
export type SocketId = string;

/** Modifiers of one broadcast. */
export interface BroadcastFlags {
  /** Drop the packet for recipients whose connection cannot take it right now. */
  readonly volatile?: boolean;
  /** Compression hint, passed to the engine. */
  readonly compress?: boolean;
  /** Only this server's sockets (a multi-server adapter must not forward the broadcast). */
  readonly local?: boolean;
  /** Milliseconds to wait for acknowledgements. */
  readonly timeout?: number;
  /** The operator of one fetched socket: its ack gets one answer, not a list. */
  readonly expectSingleResponse?: boolean;
}

/** Who a broadcast is for: sockets in any of `rooms` (everyone when empty), minus those in any of `except`. */
export interface BroadcastOptions {
  readonly rooms: ReadonlySet<Room>;
  readonly except: ReadonlySet<Room>;
  readonly flags: BroadcastFlags;
}

/** What an adapter sees of a local socket. */
export interface AdapterSocket {
  readonly id: SocketId;
  readonly handshake: Handshake;
  readonly rooms: ReadonlySet<Room>;
  readonly data: unknown;
  join(rooms: Room | readonly Room[]): unknown;
  leave(room: Room): unknown;
  disconnect(close?: boolean): unknown;
  /** @internal Writes the frames of an already-encoded broadcast to this socket's connection. */
  _deliver(wire: readonly WirePacket[], packet: Packet, flags: BroadcastFlags): void;
  /** @internal The lowest ack id this socket can still use. */
  _nextAckId(): number;
  /** @internal Waits for this socket's answer to broadcast ack `id` (and reserves the id). */
  _expectAck(id: number, onResponse: (...args: unknown[]) => void): void;
  /** @internal Stops waiting for ack `id` if it is still `onResponse`'s. */
  _forgetAck(id: number, onResponse: (...args: unknown[]) => void): void;
}

/** What an adapter sees of its namespace. */
export interface AdapterNamespace {
  readonly name: string;
  /** The connected sockets of this namespace on this server, by id. */
  readonly sockets: ReadonlyMap<SocketId, AdapterSocket>;
  /** @internal Encodes `packet` (its `nsp` set to this namespace) once, into prepared wire packets. */
  _encode(packet: Packet): readonly WirePacket[];
}

/** A socket of another server, as `fetchSockets()` describes it. */
export interface RemoteSocketDetails {
  readonly id: SocketId;
  readonly handshake: Handshake;
  readonly rooms: Iterable<Room>;
  readonly data: unknown;
}

/** Called once all local recipients are known: how many acknowledgements to expect from this server. */
export type ClientCountCallback = (clientCount: number) => void;

/** Called with each client's acknowledgement (its arguments). */
export type AckResponseCallback = (...args: unknown[]) => void;

/**
 * The room registry and broadcast fan-out of one namespace. Methods may answer
 * synchronously (in memory) or with a promise (over a network).
 */
export interface Adapter {
  readonly nsp: AdapterNamespace;
  /** Called once after construction. */
  init(): void | Promise<void>;
  /** The namespace is going away (child namespace cleanup, `io.close()`). */
  close(): void | Promise<void>;
  /** Number of servers that take part in broadcasts (1 in memory). */
  serverCount(): number | Promise<number>;

  addAll(id: SocketId, rooms: Iterable<Room>): void | Promise<void>;
  del(id: SocketId, room: Room): void | Promise<void>;
  delAll(id: SocketId): void;
  /** The rooms of a local socket (its own id included), or undefined when it has none. */
  socketRooms(id: SocketId): ReadonlySet<Room> | undefined;
  /** Ids of the sockets in any of `rooms` (all when empty). */
  sockets(rooms: ReadonlySet<Room>): Promise<Set<SocketId>>;

  broadcast(packet: Packet, opts: BroadcastOptions): void;
  /**
   * Broadcasts `packet` asking each recipient for an ack: reports the local recipient count
   * through `onClientCount` (once per server), then each answer through `onResponse`. May
   * return a function that stops waiting (called when the broadcast times out).
   */
  broadcastWithAck(
    packet: Packet,
    opts: BroadcastOptions,
    onClientCount: ClientCountCallback,
    onResponse: AckResponseCallback,
  ): (() => void) | void;

  fetchSockets(opts: BroadcastOptions): Promise<Array<AdapterSocket | RemoteSocketDetails>>;
  addSockets(opts: BroadcastOptions, rooms: readonly Room[]): void;
  delSockets(opts: BroadcastOptions, rooms: readonly Room[]): void;
  disconnectSockets(opts: BroadcastOptions, close: boolean): void;
  /** Sends `[event, ...args]` (an ack callback last, maybe) to the other servers. */
  serverSideEmit(args: unknown[]): void;
}

/** How a server builds the adapter of each namespace. */
export type AdapterConstructor = new (nsp: AdapterNamespace) => Adapter;

const NO_ROOMS: ReadonlySet<Room> = new Set();

/**
 * The adapter of a single server: rooms live in two maps, room → socket ids and
 * socket id → rooms, each set created on first join and dropped when empty.
 *
 * Memory: a connected socket is in its own room, and most sockets are in no other. Such a
 * socket's two sets would both be `{id}`, so they are one set object, entered in both maps;
 * before either side changes, the room's side takes a copy (`ownRooms`, `roomMembers`), so a
 * shared set always holds exactly the socket's id, `socket.rooms` stays one live set, and
 * reading either map shows what it always showed. That set is an `OwnRoomSet`, which keeps
 * its one member in a field until it changes or is walked (a fraction of a Set's storage);
 * the adapter's own walks go through `membersOf`, which leaves it compact.
 */
export class InMemoryAdapter implements Adapter {
  readonly rooms = new Map<Room, Set<SocketId>>();
  readonly sids = new Map<SocketId, Set<Room>>();

  constructor(readonly nsp: AdapterNamespace) {}

  init(): void {}
  close(): void {}
  serverCount(): number {
    return 1;
  }

  addAll(id: SocketId, rooms: Iterable<Room>): void {
    for (const room of rooms) {
      if (room === id && !this.sids.has(id) && !this.rooms.has(id)) {
        // A socket joining its own room first (every socket does): one set for both maps.
        const own = new OwnRoomSet(id);
        this.sids.set(id, own);
        this.rooms.set(id, own);
        continue;
      }
      const own = this.ownRooms(id);
      if (own.has(room)) continue;
      own.add(room);
      const members = this.roomMembers(room);
      if (members === undefined) this.rooms.set(room, new Set([id]));
      else members.add(id);
    }
  }

  del(id: SocketId, room: Room): void {
    // The socket keeps its entry, even empty: a broadcast to everyone still reaches it.
    if (this.sids.get(id)?.has(room) !== true) return;
    this.ownRooms(id).delete(room);
    this.leaveRoom(room, id);
  }

  delAll(id: SocketId): void {
    const own = this.sids.get(id);
    if (own === undefined) return;
    this.sids.delete(id); // first: a set shared with room `id` is then this walk's alone
    for (const room of membersOf(own)) this.leaveRoom(room, id);
  }

  /** `id` leaves `room`'s members (the room goes when it empties). */
  private leaveRoom(room: Room, id: SocketId): void {
    const members = this.rooms.get(room);
    if (members === undefined || !members.has(id)) return;
    if (members.size === 1) this.rooms.delete(room);
    else this.roomMembers(room)!.delete(id);
  }

  /**
   * The rooms of socket `id`, ready to change: created when missing; when shared, room `id`
   * takes a copy, so that `socket.rooms` stays the one live set it always is.
   */
  private ownRooms(id: SocketId): Set<Room> {
    const own = this.sids.get(id);
    if (own === undefined) {
      const created = new Set<Room>();
      this.sids.set(id, created);
      return created;
    }
    // Shared, so it holds exactly `id`: the room's side gets a set of its own with that member.
    if (own === this.rooms.get(id)) this.rooms.set(id, new OwnRoomSet(id));
    return own;
  }

  /** The members of `room`, ready to change: copied when shared with socket `room`'s own rooms. */
  private roomMembers(room: Room): Set<SocketId> | undefined {
    let members = this.rooms.get(room);
    if (members !== undefined && members === this.sids.get(room)) {
      // Shared, so it holds exactly `room` (a socket id).
      members = new Set([room]);
      this.rooms.set(room, members);
    }
    return members;
  }

  socketRooms(id: SocketId): ReadonlySet<Room> | undefined {
    return this.sids.get(id);
  }

  sockets(rooms: ReadonlySet<Room>): Promise<Set<SocketId>> {
    const ids = new Set<SocketId>();
    this.forEachRecipient({ rooms, except: NO_ROOMS, flags: {} }, (socket) => ids.add(socket.id));
    return Promise.resolve(ids);
  }

  broadcast(packet: Packet, opts: BroadcastOptions): void {
    const wire = this.nsp._encode(packet);
    const flags = opts.flags;
    this.forEachRecipient(opts, (socket) => socket._deliver(wire, packet, flags));
  }

  broadcastWithAck(
    packet: Packet,
    opts: BroadcastOptions,
    onClientCount: ClientCountCallback,
    onResponse: AckResponseCallback,
  ): () => void {
    // One frame for everyone means one ack id for everyone: take one that is free on every
    // recipient (each socket counts its own ids from 0), and move them all past it.
    const recipients: AdapterSocket[] = [];
    let id = 0;
    this.forEachRecipient(opts, (socket) => {
      recipients.push(socket);
      const next = socket._nextAckId();
      if (next > id) id = next;
    });
    packet.id = id;
    const wire = this.nsp._encode(packet);
    const flags = opts.flags;
    for (const socket of recipients) {
      socket._expectAck(id, onResponse);
      socket._deliver(wire, packet, flags);
    }
    onClientCount(recipients.length);
    return () => {
      for (const socket of recipients) socket._forgetAck(id, onResponse);
    };
  }

  fetchSockets(opts: BroadcastOptions): Promise<AdapterSocket[]> {
    const found: AdapterSocket[] = [];
    this.forEachRecipient(opts, (socket) => found.push(socket));
    return Promise.resolve(found);
  }

  addSockets(opts: BroadcastOptions, rooms: readonly Room[]): void {
    this.forEachRecipient(opts, (socket) => socket.join(rooms));
  }

  delSockets(opts: BroadcastOptions, rooms: readonly Room[]): void {
    this.forEachRecipient(opts, (socket) => {
      for (const room of rooms) socket.leave(room);
    });
  }

  disconnectSockets(opts: BroadcastOptions, close: boolean): void {
    this.forEachRecipient(opts, (socket) => socket.disconnect(close));
  }

  /** No other server to reach: an ack, if asked for, is answered with no responses. */
  serverSideEmit(args: unknown[]): void {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      const ack = last as (err: Error | null, responses: unknown[]) => void;
      queueMicrotask(() => ack(null, []));
    }
  }

  /**
   * Calls `visit` once per connected local socket that `opts` selects. The recipients are
   * collected first, so a visit that changes rooms (join, leave, disconnect) cannot make
   * the walk skip or repeat anyone.
   */
  protected forEachRecipient(opts: BroadcastOptions, visit: (socket: AdapterSocket) => void): void {
    const sockets = this.nsp.sockets;
    const except = opts.except.size === 0 ? undefined : this.exceptIds(opts.except);
    const selected: AdapterSocket[] = [];
    const rooms = opts.rooms;
    if (rooms.size === 0) {
      for (const id of this.sids.keys()) {
        if (except?.has(id)) continue;
        const socket = sockets.get(id);
        if (socket !== undefined) selected.push(socket);
      }
    } else if (rooms.size === 1) {
      // One room: its members are already distinct.
      for (const room of rooms) {
        const members = this.rooms.get(room);
        if (members === undefined) break;
        for (const id of membersOf(members)) {
          if (except?.has(id)) continue;
          const socket = sockets.get(id);
          if (socket !== undefined) selected.push(socket);
        }
      }
    } else {
      const seen = new Set<SocketId>();
      for (const room of rooms) {
        const members = this.rooms.get(room);
        if (members === undefined) continue;
        for (const id of membersOf(members)) {
          if (seen.has(id) || except?.has(id)) continue;
          seen.add(id);
          const socket = sockets.get(id);
          if (socket !== undefined) selected.push(socket);
        }
      }
    }
    for (const socket of selected) visit(socket);
  }

  private exceptIds(except: ReadonlySet<Room>): Set<SocketId> {
    const ids = new Set<SocketId>();
    for (const room of except) {
      const members = this.rooms.get(room);
      if (members !== undefined) for (const id of membersOf(members)) ids.add(id);
    }
    return ids;
  }
}
