import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FrameDecoder } from "../../runtimes/shared/websocket/index.js";
import { clientFrame, concatBytes, plain, toHex } from "./support/frames.js";
import type { PlainEvent } from "./support/frames.js";

/** A message, how the client cuts it into fragments, and the mask of each fragment. */
const message = fc.record({
  binary: fc.boolean(),
  text: fc.string({ unit: "grapheme", maxLength: 60 }),
  bytes: fc.uint8Array({ maxLength: 300 }),
  cuts: fc.array(fc.nat(400), { maxLength: 4 }),
  mask: fc.uint8Array({ minLength: 4, maxLength: 4 }),
  pingBetween: fc.boolean(),
});

describe("FrameDecoder properties", () => {
  it("decodes any fragmentation of any messages, pushed in any chunking", () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(2000), { maxLength: 8 }), (messages, chunkCuts) => {
        const frames: Uint8Array[] = [];
        const expected: PlainEvent[] = [];
        for (const m of messages) {
          const payload = m.binary ? m.bytes : new TextEncoder().encode(m.text);
          const points = [...new Set(m.cuts.map((c) => c % (payload.length + 1)))].sort((a, b) => a - b);
          const pieces: Uint8Array[] = [];
          let from = 0;
          for (const p of points) {
            pieces.push(payload.subarray(from, p));
            from = p;
          }
          pieces.push(payload.subarray(from));
          pieces.forEach((piece, i) => {
            const opcode = i === 0 ? (m.binary ? 0x2 : 0x1) : 0x0;
            const fin = i === pieces.length - 1 ? 0x80 : 0;
            frames.push(clientFrame(fin | opcode, piece, m.mask));
            if (m.pingBetween && fin === 0) {
              frames.push(clientFrame(0x89, Uint8Array.of(i)));
              expected.push({ kind: "ping", bytes: toHex(Uint8Array.of(i)) });
            }
          });
          expected.push(m.binary ? { kind: "message", bytes: toHex(m.bytes) } : { kind: "message", text: m.text });
        }
        const wire = concatBytes(...frames);
        const points = [...new Set(chunkCuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
        const decoder = new FrameDecoder({ maxPayload: 1 << 16 });
        const events: PlainEvent[] = [];
        let from = 0;
        for (const p of [...points, wire.length]) {
          for (const e of decoder.push(wire.slice(from, p))) events.push(plain(e));
          from = p;
        }
        expect(events).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on garbage, and stops at its first close or error", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 10 }), fc.nat(200), (chunks, maxPayload) => {
        const decoder = new FrameDecoder({ maxPayload, maxFragments: 8 });
        const kinds: string[] = [];
        for (const chunk of chunks) for (const e of decoder.push(chunk)) kinds.push(e.kind);
        const end = kinds.findIndex((k) => k === "close" || k === "error");
        if (end >= 0) {
          expect(end).toBe(kinds.length - 1);
          expect(decoder.finished).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
