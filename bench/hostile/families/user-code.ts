// Bugs in application code, triggered by a client: a handler that throws, one that
// rejects, one that emits a BigInt, and an echo handler answering a deeply nested value
// through its ack. The server must survive each (the error goes to its error hook), and
// keep serving. A crash is recorded and the server restarted for the next case.

import { RawWs } from "../clients/raw-ws.js";
import { healthy } from "../clients/health.js";
import type { AttackContext, Family, FamilyResult } from "../family.js";
import { sleep } from "../family.js";

const DEEP = 100_000;

/** [case, the Socket.IO packet that triggers it]. */
const CASES: ReadonlyArray<readonly [string, string]> = [
  ["handler throws", '2["throw"]'],
  ["handler rejects", '2["reject"]'],
  ["handler emits a BigInt", '2["bigint"]'],
  [`ack echoes JSON nested ${DEEP} deep`, `21["echo",${"[".repeat(DEEP)}${"]".repeat(DEEP)}]`],
];

export const userCode: Family = {
  name: "user-code",
  title: "Bugs in handlers triggered by a client (throw, reject, BigInt, deep value echoed in an ack)",
  async run(ctx: AttackContext): Promise<FamilyResult> {
    const details: string[] = [];
    let crashes = 0;
    let survived = 0;
    for (const [name, packet] of CASES) {
      const before = ctx.target.exited;
      try {
        const { ws } = await RawWs.joined(ctx.target.port);
        ws.text(`4${packet}`);
        await sleep(500);
        ws.destroy();
      } catch {
        // The connection failing is fine; what matters is whether the server lives.
      }
      await sleep(200);
      if (ctx.target.exited !== undefined && before === undefined) {
        crashes++;
        const tail = ctx.target.stderrTail.split("\n").find((line) => /Error|error/.test(line)) ?? "";
        details.push(`${name}: SERVER CRASHED (${ctx.target.exited}) ${tail.trim().slice(0, 80)}`);
        await ctx.restart();
        continue;
      }
      const health = await healthy(ctx.target.url);
      const stats = await ctx.target.stats(false);
      details.push(`${name}: survived, health ${health}${stats.userErrors === undefined ? "" : `, onUserError reports so far: ${stats.userErrors}`}`);
      if (health === "ok") survived++;
    }
    return {
      answer: crashes === 0 ? `${survived}/${CASES.length} survived` : `CRASHED ${crashes}/${CASES.length}`,
      asExpected: survived === CASES.length,
      details,
      crashes,
    };
  },
};
