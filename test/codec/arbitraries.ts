// fast-check generators of valid Socket.IO packets, shared by the property and cross-check
// tests. Every generated packet is valid, and its data survives JSON unchanged (no -0, no
// undefined, no NaN), so "decoded equals original" is the exact expectation.

import fc from "fast-check";
import { RESERVED_EVENTS } from "../../src/codec/index.js";
import type { Packet, PacketType } from "../../src/codec/index.js";

/** Strings of any code points, lone surrogates included. */
export const anyString = (maxLength = 12): fc.Arbitrary<string> =>
  fc.oneof(fc.string({ maxLength }), fc.string({ maxLength, unit: "binary" }), fc.string({ maxLength, unit: "grapheme" }));

/** "/", or "/" followed by anything without a comma (digits, spaces, unicode, brackets, "/"). */
export const namespace: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constant("/") },
  fc.constantFrom("/admin", "/12", "/[", "/a/b", "/ ", "/ünï", "/😀", "/{}"),
  anyString(10)
    .filter((s) => !s.includes(","))
    .map((s) => "/" + s),
);

export const ackId: fc.Arbitrary<number> = fc.oneof(
  fc.nat(1000),
  fc.constantFrom(0, 9, 10, Number.MAX_SAFE_INTEGER),
  fc.maxSafeNat(),
);

const number: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
);

const primitive: fc.Arbitrary<unknown> = fc.oneof(anyString(), number, fc.boolean(), fc.constant(null));

/** Every kind of binary value the encoder accepts; decoded, each is a Uint8Array of its bytes. */
export const binaryValue: fc.Arbitrary<ArrayBuffer | ArrayBufferView> = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 40 }) },
  fc.uint8Array({ maxLength: 40 }).map((bytes) => bytes.slice().buffer),
  fc.uint8Array({ minLength: 2, maxLength: 40 }).map((bytes) => new DataView(bytes.buffer, 1)),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
  fc.uint16Array({ maxLength: 10 }),
);

/** JSON values, optionally with binary anywhere inside. */
export function jsonValue(withBinary: boolean): fc.Arbitrary<unknown> {
  return fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      primitive,
      ...(withBinary ? [binaryValue] : []),
      fc.array(tie("value"), { maxLength: 5 }),
      fc.dictionary(anyString(6), tie("value"), { maxKeys: 5, noNullPrototype: true }),
    ),
  })).value;
}

const object = (withBinary: boolean): fc.Arbitrary<Record<string, unknown>> =>
  fc.dictionary(anyString(6), jsonValue(withBinary), { maxKeys: 5, noNullPrototype: true });

export const eventName: fc.Arbitrary<string | number> = fc.oneof(
  anyString().filter((name) => !RESERVED_EVENTS.has(name)),
  fc.constantFrom("message", "chat", "connection"),
  fc.integer(),
);

const optionalId = fc.option(ackId, { nil: undefined });

function withId(packet: Packet, id: number | undefined): Packet {
  if (id !== undefined) packet.id = id;
  return packet;
}

/** Valid packets of every type; binary only where socket.io allows it (EVENT/ACK args). */
export function packet(withBinary = true): fc.Arbitrary<Packet> {
  const type = (t: number): PacketType => t as PacketType;
  return fc.oneof(
    fc.record({ nsp: namespace, data: fc.option(object(false), { nil: undefined }) }).map(({ nsp, data }) =>
      data === undefined ? { type: type(0), nsp } : { type: type(0), nsp, data },
    ),
    namespace.map((nsp) => ({ type: type(1), nsp })),
    { weight: 4, arbitrary: fc.record({ nsp: namespace, name: eventName, args: fc.array(jsonValue(withBinary), { maxLength: 5 }), id: optionalId }).map(
      ({ nsp, name, args, id }) => withId({ type: type(2), nsp, data: [name, ...args] }, id),
    ) },
    { weight: 2, arbitrary: fc.record({ nsp: namespace, args: fc.array(jsonValue(withBinary), { maxLength: 5 }), id: ackId }).map(
      ({ nsp, args, id }) => ({ type: type(3), nsp, id, data: args }),
    ) },
    fc.record({
      nsp: namespace,
      data: fc.oneof(anyString(), fc.record({ message: anyString() }, { noNullPrototype: true }), fc.record({ message: anyString(), data: jsonValue(false) }, { noNullPrototype: true })),
    }).map(({ nsp, data }) => ({ type: type(4), nsp, data })),
  );
}

/** A copy of `value` in which every binary value is a plain Uint8Array copy of its bytes. */
export function normalizeBinary(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0));
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  if (Array.isArray(value)) return value.map(normalizeBinary);
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(copy, key, { value: normalizeBinary(item), enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/** What decoding an encoded `packet` must give: BINARY_* as EVENT/ACK, binary as Uint8Array. */
export function expectedDecoded(packet: Packet): Packet {
  const type = (packet.type === 5 ? 2 : packet.type === 6 ? 3 : packet.type) as PacketType;
  const out: Packet = { type, nsp: packet.nsp };
  if (packet.id !== undefined) out.id = packet.id;
  if (packet.data !== undefined) out.data = normalizeBinary(packet.data);
  return out;
}
