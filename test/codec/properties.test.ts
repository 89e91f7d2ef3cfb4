import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DecodeError,
  decodeBase64,
  Decoder,
  decodePacket,
  decodePayload,
  encodeBase64,
  Encoder,
  encodePacket,
  encodePayload,
} from "../../src/codec/index.js";
import type { EnginePacket, Packet } from "../../src/codec/index.js";
import { anyString, expectedDecoded, normalizeBinary, packet } from "./arbitraries.js";

const encoder = new Encoder();

/** Feeds every frame; returns what the last add returned (earlier ones must be undefined). */
function feed(decoder: Decoder, frames: ReadonlyArray<string | Uint8Array>): Packet | undefined {
  for (let i = 0; i < frames.length - 1; i++) expect(decoder.add(frames[i]!)).toBeUndefined();
  return decoder.add(frames[frames.length - 1]!);
}

/** Runs `action`; anything it throws must be a DecodeError. Returns whether it threw. */
function onlyDecodeErrors(action: () => void): boolean {
  try {
    action();
    return false;
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    return true;
  }
}

describe("round trips", () => {
  it("decode(encode(packet)) gives the packet back, attachments one at a time", () => {
    const decoder = new Decoder({ maxAttachments: 1000 });
    fc.assert(
      fc.property(packet(), (original) => {
        const frames = encoder.encode(original);
        const decoded = feed(decoder, frames);
        expect(normalizeBinary(decoded)).toStrictEqual(expectedDecoded(original));
        // The attachments come back as the very views the encoder made.
        if (frames.length > 1) expect(decoder.attachmentsDue).toBe(0);
      }),
      { numRuns: 1500 },
    );
  });

  it("engine packets and payloads round-trip, binary as base64 or raw", () => {
    const enginePacket: fc.Arbitrary<EnginePacket> = fc.oneof(
      fc.record({
        type: fc.constantFrom("open", "close", "ping", "pong", "message", "upgrade", "noop" as const),
        data: anyString(30).filter((s) => s.length > 0),
      }, { noNullPrototype: true }),
      fc.constantFrom("open", "close", "ping", "pong", "message", "upgrade", "noop" as const).map((type) => ({ type })),
      fc.uint8Array({ maxLength: 200 }).map((data) => ({ type: "message" as const, data })),
    );
    fc.assert(
      fc.property(fc.array(enginePacket, { minLength: 1, maxLength: 8 }), (packets) => {
        // A payload cannot carry a separator inside a text packet's data.
        fc.pre(packets.every((p) => typeof p.data !== "string" || !p.data.includes("\x1e")));
        expect(decodePayload(encodePayload(packets))).toStrictEqual(packets);
        for (const p of packets) {
          expect(decodePacket(encodePacket(p, true))).toStrictEqual(p);
          expect(decodePacket(encodePacket(p, false))).toStrictEqual(p);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("base64 round-trips any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), (bytes) => {
        expect(decodeBase64(encodeBase64(bytes))).toStrictEqual(bytes);
      }),
    );
  });
});

/** Characters that make up Socket.IO frames, so garbage reaches deep into the parser. */
const frameAlphabet = fc.constantFrom(
  ..."0123456789-/,[]{}\":_ .e".split(""),
  "_placeholder",
  "true",
  "num",
  "null",
  '"connect"',
  '"a"',
  "\x1e",
  "b",
  "é",
  "\ud800",
);
const frameLikeString = fc.array(frameAlphabet, { maxLength: 40 }).map((parts) => parts.join(""));
const garbageString = fc.oneof(frameLikeString, anyString(60));
const garbageChunk: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 3, arbitrary: garbageString },
  fc.uint8Array({ maxLength: 20 }),
);

/** A valid frame sequence, then damaged in one of several ways. */
const mutatedFrames: fc.Arbitrary<Array<string | Uint8Array>> = fc
  .tuple(packet(), fc.nat(), fc.nat(), fc.constantFrom("x", "0", "-", ",", "[", "]", "{", '"', "/", "\x00", "é"), fc.integer({ min: 0, max: 7 }))
  .map(([original, at, at2, char, how]) => {
    const frames: Array<string | Uint8Array> = [...encoder.encode(original)];
    const text = frames[0] as string;
    const i = at % (text.length + 1);
    switch (how) {
      case 0: frames[0] = text.slice(0, i) + text.slice(i + 1); break; // delete a char
      case 1: frames[0] = text.slice(0, i) + char + text.slice(i); break; // insert a char
      case 2: frames[0] = text.slice(0, i) + char + text.slice(i + 1); break; // replace a char
      case 3: frames[0] = text.slice(0, i); break; // truncate
      case 4: frames.splice(1 + (at2 % frames.length), 1); break; // drop a frame
      case 5: frames.splice(at2 % (frames.length + 1), 0, frames[at2 % frames.length]!); break; // duplicate one
      case 6: frames.push(...encoder.encode(original)); break; // a second copy right behind
      default: frames.reverse(); // every frame in the wrong order
    }
    return frames;
  });

describe("garbage only ever gives DecodeError", () => {
  it("single strings and byte arrays, on a fresh decoder", () => {
    fc.assert(
      fc.property(garbageChunk, (chunk) => {
        onlyDecodeErrors(() => new Decoder().add(chunk));
      }),
      { numRuns: 5000 },
    );
  });

  it("any sequence of strings and bytes on one decoder, which stays usable", () => {
    fc.assert(
      fc.property(fc.array(garbageChunk, { maxLength: 12 }), (chunks) => {
        const decoder = new Decoder();
        for (const chunk of chunks) onlyDecodeErrors(() => decoder.add(chunk));
        decoder.reset();
        expect(decoder.add('2["still fine"]')).toStrictEqual({ type: 2, nsp: "/", data: ["still fine"] });
      }),
      { numRuns: 2000 },
    );
  });

  it("damaged valid frames (chars deleted, inserted, replaced, cut; frames dropped, doubled, reordered)", () => {
    let threw = 0;
    let total = 0;
    fc.assert(
      fc.property(mutatedFrames, (frames) => {
        const decoder = new Decoder();
        for (const frame of frames) {
          total++;
          if (onlyDecodeErrors(() => decoder.add(frame))) threw++;
        }
      }),
      { numRuns: 3000 },
    );
    // The mutations must actually hurt: a good share of them are refused.
    expect(threw).toBeGreaterThan(total / 20);
  });

  it("engine packets, payloads and base64 from arbitrary text", () => {
    fc.assert(
      fc.property(garbageString, (text) => {
        onlyDecodeErrors(() => decodePacket(text));
        onlyDecodeErrors(() => decodePayload(text));
        onlyDecodeErrors(() => decodeBase64(text));
        onlyDecodeErrors(() => decodePacket("b" + text));
      }),
      { numRuns: 5000 },
    );
  });

  it("finishes quickly on large adversarial input (no quadratic or unbounded work)", () => {
    const big = [
      "2" + "9".repeat(1_000_000),
      "5" + "9".repeat(1_000_000) + "-",
      "2/" + "a".repeat(1_000_000),
      '2["' + "x".repeat(1_000_000),
      "b" + "A".repeat(1_000_001),
      "4\x1e".repeat(300_000),
    ];
    const started = performance.now();
    for (const text of big) {
      onlyDecodeErrors(() => new Decoder().add(text));
      onlyDecodeErrors(() => decodePayload(text));
    }
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
