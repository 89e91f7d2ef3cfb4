// The chat demo's server-side logic, written only with socket.io v4's server API, so the
// same file runs on unio on Node, Deno, Bun and Cloudflare — and on the official socket.io.
//
// Events (client → server, each answered through its ack with `{ ok: true, … }` or
// `{ ok: false, error }`):
//   "hello"      { nick }         pick a nickname; answers the room list
//   "room:join"  { room }         join (creating it if new) and leave the previous room;
//                                 answers the room's recent history and who is in it
//   "chat:send"  { text }         post to the current room; the ack is the delivery receipt
//   "typing"     boolean          started / stopped typing (no ack)
// Events (server → client):
//   "chat:message" message        someone else's message in your room
//   "room:members" { room, members }  who is in your room, after every change
//   "room:list"  rooms            every room with its head count, after every change
//   "typing"     { id, nick, typing }
//
// Where the state lives, so that the chat survives a server that forgets its memory while
// the connections stay open (a Cloudflare Durable Object that hibernates):
// - each user's nickname and current room are in `socket.data`, which the server keeps with
//   the socket wherever it keeps the socket (on Cloudflare, in the WebSocket's attachment);
// - who is in which room is an index over those sockets, in memory: a socket the server
//   rebuilds (`socket.recovered`) puts itself back in it, silently — nobody left or came;
// - message history is in memory only: after such a wake-up, rooms start with an empty
//   history and a room nobody is in is forgotten.

/** A chat message as stored and sent. */
export interface ChatMessage {
  readonly id: string;
  readonly room: string;
  readonly nick: string;
  readonly text: string;
  /** Milliseconds since the epoch, stamped by the server. */
  readonly at: number;
}

export interface RoomSummary {
  readonly name: string;
  readonly online: number;
}

type Ack = (answer: unknown) => void;

/** The slice of socket.io's server-side socket the chat uses. */
export interface ChatSocket {
  readonly id: string;
  /** Kept with the socket by the server (keep it JSON): the chat's per-user state goes here. */
  data: Record<string, unknown>;
  /** True when the server rebuilt this socket (e.g. a Durable Object that woke up) instead of it connecting. */
  readonly recovered: boolean;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  join(room: string): unknown;
  leave(room: string): unknown;
  to(room: string): { emit(event: string, ...args: unknown[]): unknown };
}

/** The slice of socket.io's `Server` the chat uses. */
export interface ChatServer {
  on(event: "connection", listener: (socket: ChatSocket) => void): unknown;
  to(room: string): { emit(event: string, ...args: unknown[]): unknown };
  emit(event: string, ...args: unknown[]): unknown;
}

export const DEFAULT_ROOMS = ["general", "random"] as const;
const HISTORY_PER_ROOM = 50;
const MAX_ROOMS = 50;
const MAX_TEXT = 1000;
const NICK = /^[^\s\p{C}][^\p{C}]{0,23}$/u;
const ROOM = /^[a-z0-9][a-z0-9-]{0,23}$/;

/** Socket.IO room names are per namespace; prefix ours so they never meet a socket id. */
const roomKey = (name: string): string => `room:${name}`;

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** Splits a listener's arguments into the payload and an ack (a no-op if none was asked for). */
function payloadAndAck(args: unknown[]): [unknown, Ack] {
  const last = args[args.length - 1];
  if (typeof last !== "function") return [args[0], () => {}];
  return [args.length > 1 ? args[0] : undefined, last as Ack];
}

/** The nickname the user picked, kept in `socket.data` ("hello"). */
function nickOf(socket: ChatSocket): string | undefined {
  const nick = socket.data["nick"];
  return typeof nick === "string" ? nick : undefined;
}

/** The room the user is in, kept in `socket.data` ("room:join"). */
function roomOf(socket: ChatSocket): string | undefined {
  const room = socket.data["room"];
  return typeof room === "string" ? room : undefined;
}

interface Room {
  readonly history: ChatMessage[];
  /** Socket id → nickname: an index over the sockets whose `data.room` is this room. */
  readonly members: Map<string, string>;
}

export function setupChat(io: ChatServer, now: () => number = Date.now): void {
  /** Every known room by name. Built anew whenever the server is (see the header). */
  const rooms = new Map<string, Room>();
  for (const name of DEFAULT_ROOMS) rooms.set(name, { history: [], members: new Map() });
  let nextMessageId = 0;

  const roomList = (): RoomSummary[] =>
    [...rooms].map(([name, room]) => ({ name, online: room.members.size }));

  const membersOf = (name: string): string[] =>
    [...(rooms.get(name)?.members.values() ?? [])].sort((a, b) => a.localeCompare(b));

  const announce = (name: string): void => {
    io.to(roomKey(name)).emit("room:members", { room: name, members: membersOf(name) });
  };

  /** The room called `name`, created if new (`undefined` when there are too many already). */
  const tryOpenRoom = (name: string, unlimited: boolean): Room | undefined => {
    let room = rooms.get(name);
    if (room === undefined && (unlimited || rooms.size < MAX_ROOMS)) {
      room = { history: [], members: new Map() };
      rooms.set(name, room);
    }
    return room;
  };

  io.on("connection", (socket) => {
    // A socket the server rebuilt is in its Socket.IO room already, and its room's other
    // members saw it join long ago: put it back in the index only, announcing nothing.
    if (socket.recovered) {
      const nick = nickOf(socket);
      const current = roomOf(socket);
      if (nick !== undefined && current !== undefined) tryOpenRoom(current, true)?.members.set(socket.id, nick);
    }

    const on = (event: string, handler: (payload: unknown, ack: Ack) => void): void => {
      socket.on(event, (...args: unknown[]) => {
        const [payload, ack] = payloadAndAck(args);
        handler(payload, ack);
      });
    };

    /** Leaves the current room, for another one. */
    const leaveCurrent = (): void => {
      const left = roomOf(socket);
      if (left === undefined) return;
      delete socket.data["room"];
      rooms.get(left)?.members.delete(socket.id);
      socket.leave(roomKey(left));
      announce(left);
    };

    on("hello", (payload, ack) => {
      const wanted = field(payload, "nick");
      const trimmed = typeof wanted === "string" ? wanted.trim() : "";
      if (!NICK.test(trimmed)) return ack({ ok: false, error: "A nickname is 1 to 24 visible characters." });
      socket.data["nick"] = trimmed;
      const current = roomOf(socket);
      if (current !== undefined) {
        rooms.get(current)?.members.set(socket.id, trimmed);
        announce(current);
      }
      ack({ ok: true, nick: trimmed, rooms: roomList() });
    });

    on("room:join", (payload, ack) => {
      const nick = nickOf(socket);
      if (nick === undefined) return ack({ ok: false, error: "Say hello first." });
      const wanted = field(payload, "room");
      const name = typeof wanted === "string" ? wanted.trim().toLowerCase().replace(/^#/, "") : "";
      if (!ROOM.test(name)) {
        return ack({ ok: false, error: "A room name is 1 to 24 lower-case letters, digits or dashes." });
      }
      const room = tryOpenRoom(name, false);
      if (room === undefined) return ack({ ok: false, error: "There are too many rooms already." });
      if (roomOf(socket) !== name) {
        leaveCurrent();
        socket.data["room"] = name;
        room.members.set(socket.id, nick);
        socket.join(roomKey(name));
        announce(name);
        io.emit("room:list", roomList());
      }
      ack({ ok: true, room: name, history: room.history, members: membersOf(name) });
    });

    on("chat:send", (payload, ack) => {
      const nick = nickOf(socket);
      const current = roomOf(socket);
      if (nick === undefined || current === undefined) return ack({ ok: false, error: "Join a room first." });
      const raw = field(payload, "text");
      const text = typeof raw === "string" ? raw.trim() : "";
      if (text.length === 0 || text.length > MAX_TEXT) {
        return ack({ ok: false, error: `A message is 1 to ${MAX_TEXT} characters.` });
      }
      nextMessageId += 1;
      const message: ChatMessage = { id: `m${nextMessageId}`, room: current, nick, text, at: now() };
      const room = rooms.get(current);
      if (room !== undefined) {
        room.history.push(message);
        if (room.history.length > HISTORY_PER_ROOM) room.history.shift();
      }
      socket.to(roomKey(current)).emit("chat:message", message);
      ack({ ok: true, id: message.id, at: message.at });
    });

    socket.on("typing", (typing: unknown) => {
      const nick = nickOf(socket);
      const current = roomOf(socket);
      if (nick === undefined || current === undefined) return;
      socket.to(roomKey(current)).emit("typing", { id: socket.id, nick, typing: typing === true });
    });

    // The socket has left its Socket.IO rooms already. `socket.data` stays as it is: a server
    // that can bring a disconnected socket back (socket.io's connection state recovery)
    // restores it from there.
    socket.on("disconnect", () => {
      const current = roomOf(socket);
      if (current === undefined) return;
      socket.to(roomKey(current)).emit("typing", { id: socket.id, nick: nickOf(socket), typing: false });
      rooms.get(current)?.members.delete(socket.id);
      announce(current);
      io.emit("room:list", roomList());
    });
  });
}
