// Our codec against the official socket.io-parser and engine.io-parser, on thousands of
// generated packets: the same text frames, each side decodes the other's output to the same
// packet, and whatever we accept the reference reads the same way (we are stricter, never
// different).

import * as engineParser from "engine.io-parser";
import fc from "fast-check";
import * as ioParser from "socket.io-parser";
import { describe, expect, it } from "vitest";
import { Decoder, decodePacket, decodePayload, Encoder, encodePacket, encodePayload } from "../../src/codec/index.js";
import type { EnginePacket, Packet } from "../../src/codec/index.js";
import { ackId, anyString, eventName, expectedDecoded, namespace as namespaceArb, normalizeBinary, packet } from "./arbitraries.js";

const RUNS = 3000;
const ours = new Encoder();

/** Runs frames through a fresh official decoder; returns the packets it emitted. */
function theirDecode(frames: ReadonlyArray<string | Uint8Array>, maxAttachments = 10): unknown[] {
  const decoder = new ioParser.Decoder({ maxAttachments });
  const out: unknown[] = [];
  decoder.on("decoded", (packet: unknown) => out.push(packet));
  for (const frame of frames) decoder.add(frame);
  return out;
}

function ourDecode(frames: ReadonlyArray<string | Uint8Array>, maxAttachments = 10): Packet | undefined {
  const decoder = new Decoder({ maxAttachments });
  let packet: Packet | undefined;
  for (const frame of frames) packet = decoder.add(frame);
  return packet;
}

/** The official encoder mutates its argument: give it a copy of the packet's top level. */
function theirEncode(packet: Packet): Array<string | Uint8Array | ArrayBuffer> {
  const copy: Record<string, unknown> = { type: packet.type, nsp: packet.nsp };
  if (packet.data !== undefined) copy["data"] = packet.data;
  if (packet.id !== undefined) copy["id"] = packet.id;
  return new ioParser.Encoder().encode(copy as unknown as ioParser.Packet) as Array<string | Uint8Array | ArrayBuffer>;
}

/** The official decoder's packet in our shape (it leaves `attachments` out already). */
function theirShape(packet: unknown): Packet {
  return normalizeBinary(packet) as Packet;
}

describe("socket.io-parser cross-check", () => {
  it(`produces the same frames as socket.io-parser (${RUNS} packets)`, () => {
    fc.assert(
      fc.property(packet(), (original) => {
        const mine = ours.encode(original);
        const theirs = theirEncode(original);
        expect(mine[0]).toBe(theirs[0]);
        expect(mine.slice(1).map(normalizeBinary)).toStrictEqual(theirs.slice(1).map(normalizeBinary));
      }),
      { numRuns: RUNS },
    );
  });

  it(`produces the same frames for values JSON treats specially (${RUNS} packets)`, () => {
    // undefined, NaN, ±Infinity, -0, Dates, functions, symbols, holes, class instances,
    // null-prototype objects, toJSON, getters, timestamps: none of them survive JSON as they
    // are, so only the frames are compared, not a decoded copy.
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const special = fc.oneof(
      fc.constantFrom(undefined, NaN, Infinity, -Infinity, -0, 1_700_000_000_123, -(2 ** 40), 2 ** 53, 0.1 + 0.2),
      fc.constantFrom(() => 1, Symbol("s")),
      fc.date({ noInvalidDate: true }),
      fc.tuple(fc.integer(), fc.integer()).map(([x, y]) => new Point(x, y)),
      fc.dictionary(anyString(4), fc.integer(), { maxKeys: 3, noNullPrototype: false }),
      fc.integer().map((n) => ({ toJSON: () => ({ n }) })),
      fc.integer().map((n) => ({ get lazy(): number { return n; }, plain: n })),
      fc.nat(5).map((n) => new Array<unknown>(n)),
      fc.uint8Array({ maxLength: 8 }),
      fc.uint8Array({ maxLength: 8 }).map((bytes) => ({ toJSON: () => bytes })),
    );
    const args = fc.array(fc.oneof(special, fc.array(special, { maxLength: 4 }), fc.dictionary(anyString(4), special, { maxKeys: 4 })), {
      maxLength: 5,
    });
    fc.assert(
      fc.property(namespaceArb, eventName, args, fc.option(ackId, { nil: undefined }), (nsp, name, rest, id) => {
        const original: Packet = { type: 2, nsp, data: [name, ...rest] };
        if (id !== undefined) original.id = id;
        const mine = ours.encode(original);
        const theirs = theirEncode(original);
        expect(mine[0]).toBe(theirs[0]);
        expect(mine.slice(1).map(normalizeBinary)).toStrictEqual(theirs.slice(1).map(normalizeBinary));
      }),
      { numRuns: RUNS },
    );
  });

  it(`ours encodes → socket.io-parser decodes the same packet (${RUNS} packets)`, () => {
    fc.assert(
      fc.property(packet(), (original) => {
        const frames = ours.encode(original);
        const decoded = theirDecode(frames, 1000);
        expect(decoded).toHaveLength(1);
        expect(theirShape(decoded[0])).toStrictEqual(expectedDecoded(original));
      }),
      { numRuns: RUNS },
    );
  });

  it(`socket.io-parser encodes → ours decodes the same packet (${RUNS} packets)`, () => {
    fc.assert(
      fc.property(packet(), (original) => {
        // Their attachments are the caller's own objects; on the wire each is just bytes.
        const frames = theirEncode(original).map((frame) =>
          typeof frame === "string"
            ? frame
            : frame instanceof ArrayBuffer
              ? new Uint8Array(frame)
              : new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength),
        );
        const decoded = ourDecode(frames, 1000);
        expect(normalizeBinary(decoded)).toStrictEqual(expectedDecoded(original));
      }),
      { numRuns: RUNS },
    );
  });

  it("whatever text we accept, socket.io-parser reads the same way", () => {
    const alphabet = fc.constantFrom(..."0123456789-/,[]{}\": .e".split(""), "true", "null", '"a"', '"connect"', "é", "x");
    const frameLike = fc.array(alphabet, { maxLength: 30 }).map((parts) => parts.join(""));
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(frameLike, anyString(30)), (text) => {
        let mine: Packet | undefined;
        try {
          mine = new Decoder().add(text);
        } catch {
          return;
        }
        if (mine === undefined) return; // a binary packet waiting for attachments
        accepted++;
        expect(theirShape(theirDecode([text])[0])).toStrictEqual(mine);
      }),
      { numRuns: 20_000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });
});

const enginePacket: fc.Arbitrary<EnginePacket> = fc.oneof(
  fc.record(
    { type: fc.constantFrom("open", "close", "ping", "pong", "message", "upgrade", "noop" as const), data: anyString(40) },
    { noNullPrototype: true },
  ),
  fc.constantFrom("open", "close", "ping", "pong", "message", "upgrade", "noop" as const).map((type) => ({ type })),
  fc.uint8Array({ maxLength: 300 }).map((data) => ({ type: "message" as const, data })),
);

function theirEncodePacket(packet: EnginePacket, supportsBinary: boolean): string | Uint8Array {
  let out: string | Uint8Array | undefined;
  engineParser.encodePacket(packet as engineParser.Packet, supportsBinary, (encoded) => {
    out = encoded as string | Uint8Array;
  });
  return out!;
}

function theirEncodePayload(packets: EnginePacket[]): string {
  let out = "";
  engineParser.encodePayload(packets as engineParser.Packet[], (encoded) => {
    out = encoded;
  });
  return out;
}

/** engine.io-parser leaves `data` out when empty, and gives binary as Buffer. */
function theirEngineShape(packet: engineParser.Packet): EnginePacket {
  return normalizeBinary(packet) as EnginePacket;
}

describe("engine.io-parser cross-check", () => {
  it(`encodes packets exactly like engine.io-parser, and each decodes the other (${RUNS} packets)`, () => {
    fc.assert(
      fc.property(enginePacket, fc.boolean(), (packet, supportsBinary) => {
        const mine = encodePacket(packet, supportsBinary);
        const theirs = theirEncodePacket(packet, supportsBinary);
        expect(normalizeBinary(mine)).toStrictEqual(normalizeBinary(theirs));
        const expected = normalizeBinary(packet.data === "" ? { type: packet.type } : packet);
        expect(theirEngineShape(engineParser.decodePacket(mine))).toStrictEqual(expected);
        expect(normalizeBinary(decodePacket(theirs))).toStrictEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it(`encodes payloads exactly like engine.io-parser, and each decodes the other (${RUNS} payloads)`, () => {
    fc.assert(
      fc.property(fc.array(enginePacket, { minLength: 1, maxLength: 8 }), (packets) => {
        fc.pre(packets.every((p) => typeof p.data !== "string" || !p.data.includes("\x1e")));
        const mine = encodePayload(packets);
        expect(mine).toBe(theirEncodePayload(packets));
        const expected = packets.map((p) => normalizeBinary(p.data === "" ? { type: p.type } : p));
        expect(engineParser.decodePayload(mine).map(theirEngineShape)).toStrictEqual(expected);
        expect(normalizeBinary(decodePayload(mine))).toStrictEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it("whatever payload we accept, engine.io-parser reads the same way", () => {
    const alphabet = fc.constantFrom(..."0123456789b\x1eAQID=+/x".split(""), "é");
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 20 }).map((parts) => parts.join("")), (text) => {
        let mine: EnginePacket[];
        try {
          mine = decodePayload(text);
        } catch {
          return;
        }
        accepted++;
        expect(normalizeBinary(mine)).toStrictEqual(engineParser.decodePayload(text).map(theirEngineShape));
      }),
      { numRuns: 10_000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });
});
