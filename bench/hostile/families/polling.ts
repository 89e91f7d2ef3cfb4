// Long-polling abuse on live sessions: mutated payloads, overlapping GETs and POSTs, the
// wrong content type, bodies exactly at and just over the limit, a chunked body over the
// limit. Only protocol answers are allowed (200 / 400 / 413, never 5xx or a hang), and a
// session's abuse ends that session only.

import fc from "fast-check";
import { ENGINE_SEEDS, mutatedText } from "../../../test/security/support/mutate.js";
import { http, pollingHandshake, pollingPath, rawExchange, type RawOutcome } from "../clients/raw-http.js";
import type { AttackContext, Family, FamilyResult } from "../family.js";
import { pool, tally } from "../family.js";


/** The status, or how the exchange ended without one (a reset can swallow an answer already sent). */
function answered(outcome: RawOutcome): string {
  return outcome.status === undefined ? `no answer (${outcome.ended} after ${outcome.ms.toFixed(0)} ms)` : String(outcome.status);
}

export const polling: Family = {
  name: "polling",
  title: "Long-polling abuse (mutated payloads, overlaps, content types, limits)",
  async run(ctx: AttackContext): Promise<FamilyResult> {
    const port = ctx.target.port;
    // The fixtures run with the default maxHttpBufferSize (1e6; 1 MiB on Cloudflare).
    const MAX = ctx.target.spec.maxHttpBufferSize ?? 1e6;
    const details: string[] = [];
    let unexpected = 0;

    // 1. Mutated payloads, each on its own fresh session.
    const bodies = fc.sample(mutatedText(ENGINE_SEEDS), { numRuns: Math.round(300 * ctx.options.scale), seed: 42 });
    const statuses = await pool(bodies.length, 20, async (i) => {
      try {
        const sid = await pollingHandshake(port);
        const answer = await http(port, "POST", pollingPath(sid), bodies[i], { "content-type": "text/plain;charset=UTF-8" }, 5000);
        return String(answer.status);
      } catch (error) {
        return error instanceof Error ? error.message.slice(0, 40) : "error";
      }
    });
    const bad = statuses.filter((s) => !["200", "400", "413"].includes(s)).length;
    unexpected += bad;
    details.push(`${bodies.length} mutated payloads: ${tally(statuses)}`);

    // 2. Two GETs at once: the second is refused and the session closes; the first is answered.
    {
      const sid = await pollingHandshake(port);
      const first = http(port, "GET", pollingPath(sid), undefined, {}, 5000);
      await new Promise((r) => setTimeout(r, 100));
      const second = await http(port, "GET", pollingPath(sid), undefined, {}, 5000).catch((e: unknown) => ({ status: 0, body: String(e) }));
      const firstAnswer = await first.catch((e: unknown) => ({ status: 0, body: String(e) }));
      details.push(`overlapping GETs: second ${second.status}, first ${firstAnswer.status} ${JSON.stringify(firstAnswer.body.slice(0, 20))}`);
      if (second.status !== 400) unexpected++;
    }

    // 3. A POST while another POST's body is still arriving.
    {
      const sid = await pollingHandshake(port);
      const slow = rawExchange(port, [`POST ${pollingPath(sid)} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n4ab`], { timeoutMs: 3000 });
      await new Promise((r) => setTimeout(r, 200));
      const second = await http(port, "POST", pollingPath(sid), "4x", {}, 5000).catch((e: unknown) => ({ status: 0, body: String(e) }));
      details.push(`overlapping POSTs: second ${second.status}, first ${(await slow).status ?? "no answer"}`);
      if (second.status !== 400) unexpected++;
    }

    // 4. Content types, and the size limit.
    const sizes: Array<[string, string | Buffer, Record<string, string>, number[]]> = [
      ["application/octet-stream", Buffer.from([0x34, 0x61]), { "content-type": "application/octet-stream" }, [400]],
      ["application/json", '4{"a":1}', { "content-type": "application/json" }, [200]],
      ["exactly maxHttpBufferSize", `4${"a".repeat(MAX - 1)}`, {}, [200]],
      ["maxHttpBufferSize + 1", `4${"a".repeat(MAX)}`, {}, [413]],
    ];
    for (const [name, body, headers, allowed] of sizes) {
      const sid = await pollingHandshake(port);
      const answer = await http(port, "POST", pollingPath(sid), body, headers, 10_000).catch((e: unknown) => ({ status: 0, body: String(e) }));
      details.push(`${name}: ${answer.status}`);
      if (!allowed.includes(answer.status)) unexpected++;
    }

    // 5. A 10 MB body with its Content-Length: refused from the header, before it is read.
    {
      const sid = await pollingHandshake(port);
      const head = `POST ${pollingPath(sid)} HTTP/1.1\r\nHost: x\r\nContent-Length: ${10 * MAX}\r\n\r\n`;
      // The body follows 300 ms after the head: the answer must not wait for it.
      const outcome = await rawExchange(port, [head, "a".repeat(10 * MAX)], { timeoutMs: 5000, untilResponse: true, gapMs: 300 });
      details.push(`10 MB body: ${answered(outcome)}`);
      if (outcome.status !== 413) unexpected++;
    }

    // 6. A chunked body (no Content-Length) that passes the limit.
    {
      const sid = await pollingHandshake(port);
      const chunk = "a".repeat(64 * 1024);
      const parts = [`POST ${pollingPath(sid)} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`];
      for (let i = 0; i < 40; i++) parts.push(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      const outcome = await rawExchange(port, parts, { timeoutMs: 5000, untilResponse: true });
      details.push(`chunked body over the limit: ${answered(outcome)}`);
      if (outcome.status !== 413) unexpected++;
    }

    return {
      answer: unexpected === 0 ? "all protocol answers" : `${unexpected} unexpected`,
      asExpected: unexpected === 0,
      details,
      crashes: ctx.target.exited === undefined ? 0 : 1,
    };
  },
};
