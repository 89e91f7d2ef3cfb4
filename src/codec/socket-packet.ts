// Socket.IO v5 packets: their types, their shape, and which data each type allows. The
// encoder and the decoder both check data against the same rules, so whatever we encode
// decodes, and whatever decodes is what socket.io-parser would accept.
//
// Wire form: <type>[<attachments>-][<nsp>,][<ack id>][<JSON data>]
//   2["foo"]                                    EVENT on "/"
//   3/admin,13["bar"]                           ACK 13 on "/admin"
//   51-["baz",{"_placeholder":true,"num":0}]    BINARY_EVENT, one attachment follows

/** Socket.IO packet types by name, as socket.io-parser numbers them. */
export const PacketType = {
  /** Join a namespace (client, with optional auth object) or accept a join (server, `{sid}`). */
  CONNECT: 0,
  /** Leave a namespace. Carries no data. */
  DISCONNECT: 1,
  /** An event: `[name, ...args]`, optionally with an ack id. */
  EVENT: 2,
  /** The answer to an event's ack id: `[...args]`. */
  ACK: 3,
  /** A refused namespace join: `{message, data?}` (or a string). */
  CONNECT_ERROR: 4,
  /** An EVENT whose args hold binary, sent as placeholders plus attachments. */
  BINARY_EVENT: 5,
  /** An ACK whose args hold binary, sent as placeholders plus attachments. */
  BINARY_ACK: 6,
} as const;

/** One of the values of {@link PacketType}. */
export type PacketType = (typeof PacketType)[keyof typeof PacketType];

/**
 * One Socket.IO packet. `data` is absent for a CONNECT without auth and for DISCONNECT.
 * `attachments` is only meaningful on the wire: the encoder computes it, and the decoder
 * returns binary packets as EVENT/ACK with their attachments back in `data` (as
 * socket.io-parser does).
 */
export interface Packet {
  type: PacketType;
  nsp: string;
  data?: unknown;
  id?: number;
  attachments?: number;
}

/** Event names that mean something to Socket.IO itself or to an EventEmitter. */
export const RESERVED_EVENTS: ReadonlySet<string> = new Set([
  "connect",
  "connect_error",
  "disconnect",
  "disconnecting",
  "newListener",
  "removeListener",
]);

/** Whether `name` is reserved; most names are ruled out by their first letter alone. */
function isReserved(name: string): boolean {
  const first = name.charCodeAt(0);
  // c(onnect…), d(isconnect…), n(ewListener), r(emoveListener)
  return (first === 99 || first === 100 || first === 110 || first === 114) && RESERVED_EVENTS.has(name);
}

/** Why data is wrong for a packet type, or undefined when it is right. */
export type PayloadProblem = "invalid packet type" | "invalid payload for type" | "reserved event name";

/** A JSON object that is not an array (socket.io-parser's `isObject`, for JSON values). */
function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks `data` (undefined when the packet has none) against what `type` allows:
 * CONNECT absent or an object; DISCONNECT absent; CONNECT_ERROR a string or an object;
 * EVENT an array starting with a number or a non-reserved name; ACK an array. A `type`
 * outside 0-6 is a problem too.
 */
export function checkPayload(type: PacketType, data: unknown): PayloadProblem | undefined {
  switch (type) {
    case PacketType.EVENT:
    case PacketType.BINARY_EVENT: {
      if (!Array.isArray(data)) return "invalid payload for type";
      const name: unknown = data[0];
      if (typeof name === "string") return isReserved(name) ? "reserved event name" : undefined;
      return typeof name === "number" ? undefined : "invalid payload for type";
    }
    case PacketType.ACK:
    case PacketType.BINARY_ACK:
      return Array.isArray(data) ? undefined : "invalid payload for type";
    case PacketType.CONNECT:
      return data === undefined || isObject(data) ? undefined : "invalid payload for type";
    case PacketType.DISCONNECT:
      return data === undefined ? undefined : "invalid payload for type";
    case PacketType.CONNECT_ERROR:
      return typeof data === "string" || isObject(data) ? undefined : "invalid payload for type";
    default:
      return "invalid packet type";
  }
}
