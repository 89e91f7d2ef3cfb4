// WebSocket framing abuse: each case on its own fresh websocket-only session that joined
// "/": the abusive bytes go in, and the server must answer with the close code RFC 6455
// gives that breach (and close the connection) within 3 s.

import { frame, RawWs } from "../clients/raw-ws.js";
import type { AttackContext, Family, FamilyResult } from "../family.js";

const text = (s: string): Buffer => Buffer.from(s, "utf8");
const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ""), "hex");

/** [case, bytes, the close code the RFC calls for]. */
export const FRAMING_ABUSES: ReadonlyArray<readonly [string, () => Buffer, number]> = [
  ["unmasked frame", () => hex("81 05 48 65 6c 6c 6f"), 1002],
  ["reserved bits", () => frame(0xc1, "42[]"), 1002],
  ["unknown data opcode", () => frame(0x83, "x"), 1002],
  ["unknown control opcode", () => frame(0x8b, "x"), 1002],
  ["oversized control frame", () => frame(0x89, new Uint8Array(126)), 1002],
  ["fragmented control frame", () => frame(0x09, "x"), 1002],
  ["stray continuation", () => frame(0x80, "x"), 1002],
  ["message inside a message", () => Buffer.concat([frame(0x01, "4"), frame(0x81, "x")]), 1002],
  ["64-bit length, top bit set", () => hex("82 ff 80 00 00 00 00 00 00 00"), 1002],
  ["64-bit length 2^56", () => hex("82 ff 01 00 00 00 00 00 00 00"), 1009],
  ["length over maxPayload", () => hex("82 ff 00 00 00 00 00 10 00 00"), 1009],
  ["invalid UTF-8", () => frame(0x81, hex("34 ff fe")), 1007],
  ["invalid UTF-8 across fragments", () => Buffer.concat([frame(0x01, hex("34 e2 82")), frame(0x80, hex("41"))]), 1007],
  ["invalid UTF-8 close reason", () => frame(0x88, hex("03 e8 ff")), 1007],
  ["1-byte close payload", () => frame(0x88, hex("03")), 1002],
  ["close code 1005", () => frame(0x88, hex("03 ed")), 1002],
  ["close code 999", () => frame(0x88, hex("03 e7")), 1002],
  ["close code 5000", () => frame(0x88, hex("13 88")), 1002],
  ["10 000 one-byte fragments", () => Buffer.concat([frame(0x01, "4"), ...Array.from({ length: 10_000 }, () => frame(0x00, "x"))]), 1008],
  ["HTTP garbage after the handshake", () => text("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 1002],
  ["random bytes", () => Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 73 + 41) & 255)), 1002],
];

export const wsFraming: Family = {
  name: "ws-framing",
  title: "WebSocket framing abuse (21 cases, one connection each)",
  async run(ctx: AttackContext): Promise<FamilyResult> {
    const details: string[] = [];
    let expected = 0;
    let crashes = 0;
    for (const [name, bytes, code] of FRAMING_ABUSES) {
      let outcome: string;
      try {
        const { ws } = await RawWs.joined(ctx.target.port);
        ws.raw(bytes());
        outcome = await ws.ending(3000);
        ws.destroy();
      } catch (error) {
        outcome = `error: ${error instanceof Error ? error.message : String(error)}`;
      }
      if (ctx.target.exited !== undefined) {
        crashes++;
        outcome += " (server died)";
        await ctx.restart();
      }
      if (outcome === `close ${code}`) expected++;
      details.push(`${name}: ${outcome}${outcome === `close ${code}` ? "" : ` (RFC: ${code})`}`);
    }
    return {
      answer: `${expected}/${FRAMING_ABUSES.length} RFC close codes`,
      asExpected: expected === FRAMING_ABUSES.length,
      details,
      crashes,
    };
  },
};
