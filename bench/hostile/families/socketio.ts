// Socket.IO protocol abuse over websocket: mutated packets, huge ack ids, floods of
// namespace CONNECTs (unknown and dynamic), duplicate CONNECTs, wrong placeholders, absurd
// attachment counts, deeply nested JSON. Allowed answers: the protocol's (an ack, a
// CONNECT_ERROR, a close of that connection); never a crash.

import fc from "fast-check";
import { SOCKET_IO_SEEDS, mutatedText } from "../../../test/security/support/mutate.js";
import { RawWs } from "../clients/raw-ws.js";
import type { AttackContext, Family, FamilyResult } from "../family.js";
import { pool, tally } from "../family.js";

const DEEP = 100_000;

interface Case {
  readonly name: string;
  /** What the client sends after joining "/": Socket.IO packets (each goes in an Engine.IO message), and binary attachments. */
  readonly send: Array<string | Uint8Array>;
  /** The outcome the protocol calls for: a message starting with this, or "closed". */
  readonly expect: string;
}

const MAX_SAFE = String(Number.MAX_SAFE_INTEGER);

const CASES: readonly Case[] = [
  { name: "ack id 2^53-1", send: [`2${MAX_SAFE}["echo",1]`], expect: `3${MAX_SAFE}[1]` },
  { name: "ack id of 400 digits", send: [`2${"9".repeat(400)}["echo",1]`], expect: "closed" },
  { name: "duplicate CONNECT", send: ["0"], expect: "closed" },
  { name: "CONNECT_ERROR from the client", send: ['4{"message":"x"}'], expect: "closed" },
  { name: "placeholder num out of range", send: ['51-["echo",{"_placeholder":true,"num":5}]', Uint8Array.of(1)], expect: "closed" },
  { name: "placeholder num not a number", send: ['51-["echo",{"_placeholder":true,"num":"0"}]', Uint8Array.of(1)], expect: "closed" },
  { name: "10^20 attachments announced", send: ['5100000000000000000000-["echo"]'], expect: "closed" },
  { name: "1000 attachments announced", send: ['51000-["echo"]'], expect: "closed" },
  { name: "text while an attachment is due", send: ['51-["echo",{"_placeholder":true,"num":0}]', '2["echo"]'], expect: "closed" },
  { name: "binary nobody announced", send: [Uint8Array.of(1, 2, 3)], expect: "closed" },
  { name: `JSON nested ${DEEP} deep (no ack)`, send: [`2["echo",${"[".repeat(DEEP)}${"]".repeat(DEEP)}]`, '21["echo","after"]'], expect: '31["after"]' },
  {
    name: `placeholder ${DEEP} deep`,
    send: [`51-["echo",${"[".repeat(DEEP)}{"_placeholder":true,"num":0}${"]".repeat(DEEP)}]`, Uint8Array.of(1), '21["echo","after"]'],
    expect: '31["after"]',
  },
];

async function runCase(port: number, c: Case): Promise<string> {
  const { ws } = await RawWs.joined(port);
  const from = ws.messages.length;
  for (const m of c.send) {
    if (typeof m === "string") ws.text(`4${m}`);
    else ws.binary(m);
  }
  if (c.expect === "closed") {
    const end = await ws.ending(3000);
    ws.destroy();
    return end === "open" ? "still open" : "closed";
  }
  try {
    const got = await ws.next((m) => typeof m === "string" && m.startsWith(`4${c.expect}`), 5000, from);
    ws.destroy();
    return String(got).slice(1);
  } catch (error) {
    ws.destroy();
    return error instanceof Error ? error.message : String(error);
  }
}

export const socketio: Family = {
  name: "socketio",
  title: "Socket.IO protocol abuse (fuzzing, ack ids, CONNECT floods, placeholders, attachments, deep JSON)",
  async run(ctx: AttackContext): Promise<FamilyResult> {
    const details: string[] = [];
    let unexpected = 0;
    let crashes = 0;
    const check = async (): Promise<void> => {
      if (ctx.target.exited === undefined) return;
      crashes++;
      await ctx.restart();
    };

    // Fuzzing: each connection sends 5 mutated packets; it may be closed or stay open.
    const runs = Math.round(300 * ctx.options.scale);
    const packets = fc.sample(fc.array(mutatedText(SOCKET_IO_SEEDS), { minLength: 5, maxLength: 5 }), { numRuns: runs, seed: 7 });
    const fuzz = await pool(runs, 20, async (i) => {
      try {
        const { ws } = await RawWs.joined(ctx.target.port);
        for (const p of packets[i]!) ws.text(`4${p}`);
        const end = await ws.ending(300);
        ws.destroy();
        return end === "open" ? "left open" : "closed";
      } catch (error) {
        return error instanceof Error ? error.message.slice(0, 40) : "error";
      }
    });
    details.push(`${runs} connections × 5 mutated packets: ${tally(fuzz)}`);
    unexpected += fuzz.filter((f) => f !== "closed" && f !== "left open").length;
    await check();

    for (const c of CASES) {
      let outcome: string;
      try {
        outcome = await runCase(ctx.target.port, c);
      } catch (error) {
        outcome = error instanceof Error ? error.message : String(error);
      }
      await check();
      const ok = outcome === c.expect;
      if (!ok) unexpected++;
      details.push(`${c.name}: ${outcome.slice(0, 60)}${ok ? "" : ` (protocol: ${c.expect.slice(0, 40)})`}`);
    }

    // 5000 CONNECTs for unknown namespaces: 5000 CONNECT_ERRORs, the connection stays.
    {
      const n = Math.round(5000 * ctx.options.scale);
      const { ws } = await RawWs.joined(ctx.target.port);
      const from = ws.messages.length;
      for (let i = 0; i < n; i++) ws.text(`40/nope-${i},`);
      const last = await ws.next((m) => m === `44/nope-${n - 1},{"message":"Invalid namespace"}`, 20_000, from).then(
        () => "answered",
        (e: unknown) => String(e),
      );
      const answers = ws.messages.slice(from).filter((m) => typeof m === "string" && m.startsWith("44/nope-")).length;
      details.push(`${n} CONNECTs to unknown namespaces: ${answers} CONNECT_ERRORs, ${last}, connection ${ws.closeCode === undefined && !ws.ended ? "open" : "closed"}`);
      if (answers !== n) unexpected++;
      ws.destroy();
      await check();
    }

    // 5000 CONNECTs to dynamic namespaces: all joined; the children go once the client leaves.
    {
      const n = Math.round(5000 * ctx.options.scale);
      const before = await ctx.target.stats(false);
      const { ws } = await RawWs.joined(ctx.target.port);
      const from = ws.messages.length;
      for (let i = 0; i < n; i++) ws.text(`40/dyn-${i},`);
      await ws.next((m) => typeof m === "string" && m.startsWith(`40/dyn-${n - 1},`), 20_000, from).catch(() => undefined);
      const during = await ctx.target.stats(false);
      ws.destroy();
      await new Promise((r) => setTimeout(r, 500));
      const after = await ctx.target.stats(false);
      details.push(`${n} CONNECTs to dynamic namespaces: namespaces ${before.namespaces} → ${during.namespaces} while connected → ${after.namespaces} after it left`);
      if (after.namespaces !== before.namespaces) unexpected++;
      await check();
    }

    return {
      answer: unexpected === 0 ? "all protocol answers" : `${unexpected} unexpected`,
      asExpected: unexpected === 0 && crashes === 0,
      details,
      crashes,
    };
  },
};
