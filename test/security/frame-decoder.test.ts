// The Node shim's RFC 6455 frame decoder under hostile input, beyond the properties in
// test/node/websocket-properties.test.ts: mutated valid frames and absurd lengths decode
// to the same events however the bytes are cut (errors included), every error carries a
// close code the RFC allows and ends the stream, and the memory a frame costs is bounded
// by the bytes the client actually sent, not by the length it claims.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FrameDecoder } from "../../runtimes/shared/websocket/index.js";
import type { FrameEvent } from "../../runtimes/shared/websocket/index.js";
import { clientFrame, concatBytes, plain } from "../node/support/frames.js";
import type { PlainEvent } from "../node/support/frames.js";
import { mutatedBytes } from "./support/mutate.js";

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Valid client streams: messages, fragments, control frames, a close. */
const SEEDS: readonly Uint8Array[] = [
  clientFrame(0x81, text('42["echo","hello"]')),
  clientFrame(0x82, Uint8Array.of(1, 2, 3, 4, 5)),
  concatBytes(clientFrame(0x01, text("4fra")), clientFrame(0x89, text("ping")), clientFrame(0x80, text("gment"))),
  concatBytes(clientFrame(0x02, Uint8Array.of(1)), clientFrame(0x00, Uint8Array.of(2)), clientFrame(0x80, Uint8Array.of(3))),
  clientFrame(0x88, Uint8Array.of(0x03, 0xe8, 0x62, 0x79, 0x65)),
  clientFrame(0x81, text("x".repeat(300))),
  clientFrame(0x82, new Uint8Array(20_000).fill(7)),
  concatBytes(clientFrame(0x81, text("é€😀")), clientFrame(0x8a, new Uint8Array(0))),
];

const ERROR_CODES = [1002, 1007, 1008, 1009];

function decode(bytes: Uint8Array, cuts: readonly number[], maxPayload: number): PlainEvent[] {
  const decoder = new FrameDecoder({ maxPayload, maxFragments: 16 });
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const events: PlainEvent[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    // Each push gets its own copy: the decoder unmasks in place.
    for (const e of decoder.push(bytes.slice(from, p))) events.push(plain(e));
    from = p;
  }
  return events;
}

describe("FrameDecoder against hostile bytes", () => {
  it("mutated frames: the same events whatever the chunking, errors with an RFC close code, nothing after them", () => {
    fc.assert(
      fc.property(
        fc.array(mutatedBytes(SEEDS), { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(200_000), { maxLength: 10 }),
        fc.constantFrom(100, 1 << 16, 1 << 20),
        (parts, cuts, maxPayload) => {
          const bytes = concatBytes(...parts);
          const whole = decode(bytes, [], maxPayload);
          expect(decode(bytes, cuts, maxPayload)).toEqual(whole);
          const end = whole.findIndex((e) => e.kind === "error" || e.kind === "close");
          if (end >= 0) expect(end).toBe(whole.length - 1);
          for (const e of whole) if (e.kind === "error") expect(ERROR_CODES).toContain(e.code);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("byte by byte gives the same as whole, for mutated frames", () => {
    fc.assert(
      fc.property(mutatedBytes(SEEDS.filter((s) => s.length < 1000)), (bytes) => {
        const cuts = Array.from({ length: bytes.length }, (_, i) => i);
        expect(decode(bytes, cuts, 1 << 16)).toEqual(decode(bytes, [], 1 << 16));
      }),
      { numRuns: 300 },
    );
  });

  it("any 64-bit length: top bit set → 1002, beyond 2^53 or maxPayload → 1009, decided from the header alone", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.constantFrom(0x81, 0x82, 0x01), (length, first) => {
        const head = new Uint8Array(10);
        head[0] = first;
        head[1] = 0xff;
        new DataView(head.buffer).setBigUint64(2, length);
        const events = decode(head, [], 1 << 20);
        if (length >= 1n << 63n) expect(events).toEqual([{ kind: "error", code: 1002, reason: "invalid length" }]);
        else if (length > 1n << 20n) expect(events).toEqual([{ kind: "error", code: 1009, reason: "message too big" }]);
        else expect(events).toEqual([]); // waiting for the mask and the payload
      }),
      { numRuns: 500 },
    );
  });

  it("a flood of one-byte fragments with pings between them is cut at maxFragments without buffering the pings", () => {
    const decoder = new FrameDecoder({ maxPayload: 1 << 20 });
    const events: FrameEvent[] = [];
    events.push(...decoder.push(clientFrame(0x01, text("a"))));
    for (let i = 0; i < 5000 && !decoder.finished; i++) {
      events.push(...decoder.push(concatBytes(clientFrame(0x89, new Uint8Array(0)), clientFrame(0x00, text("a")))));
    }
    const last = events[events.length - 1];
    expect(last).toEqual({ kind: "error", code: 1008, reason: "too many fragments" });
    expect(events.filter((e) => e.kind === "message")).toEqual([]);
    expect(events.filter((e) => e.kind === "ping").length).toBeLessThanOrEqual(1024);
  });

  it("a frame that claims maxPayload but sends one byte costs about one byte, not maxPayload", () => {
    // 15 bytes from the client: a binary frame header announcing 1 MB, its mask, one byte.
    const claim = 1_000_000;
    const frame = Uint8Array.of(0x82, 0xff, 0, 0, 0, 0, (claim >>> 24) & 255, (claim >>> 16) & 255, (claim >>> 8) & 255, claim & 255, 1, 2, 3, 4, 9);
    const decoders: FrameDecoder[] = [];
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 50; i++) {
      const decoder = new FrameDecoder({ maxPayload: claim });
      expect(decoder.push(frame.slice())).toEqual([]);
      decoders.push(decoder);
    }
    const held = process.memoryUsage().arrayBuffers - before;
    // 50 connections that sent 750 bytes between them must not pin 50 MB.
    expect(held).toBeLessThan(5_000_000);
    expect(decoders).toHaveLength(50);
  });
});
