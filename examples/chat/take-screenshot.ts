// Regenerates examples/chat/screenshot.png: three people chat in #general (one of them on
// long-polling) and alice's page is captured while bob is typing. Needs /usr/bin/chromium.
//
//   node scripts/run-ts.mjs examples/chat/take-screenshot.ts [out.png]
import type { Page } from "playwright-core";
import { launchChromium } from "../../test/e2e/chromium.js";
import { startChat } from "./start.js";

const chat = await startChat({ port: 0, hostname: "127.0.0.1" });
const url = `http://127.0.0.1:${chat.port}/`;
const browser = await launchChromium();
async function join(nick: string, q = ""): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 660 }, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  await page.goto(url + q);
  await page.getByLabel("Nickname").fill(nick);
  await page.getByRole("button", { name: "Join the chat" }).click();
  await page.waitForFunction(() => !(document.getElementById("text") as HTMLInputElement).disabled);
  return page;
}
async function say(page: Page, text: string): Promise<void> {
  await page.getByLabel("Message", { exact: true }).fill(text);
  await page.getByRole("button", { name: "Send" }).click();
  await page.waitForSelector(".message.mine:last-child[data-status=delivered]");
}
const alice = await join("alice");
const bob = await join("bob");
const carol = await join("carol", "?transport=polling");
await alice.waitForFunction(() => document.getElementById("transport")?.textContent === "websocket");
await say(bob, "Did the Deno build pass?");
await say(alice, "Yes: Node, Deno, Bun and Workers are all green.");
await say(carol, "I'm stuck on long-polling behind the office proxy, and it just works.");
await say(alice, "Same handlers everywhere, and the official client can't tell the difference.");
await bob.getByLabel("Message", { exact: true }).pressSequentially("nice");
await alice.waitForFunction(() => document.getElementById("typing")?.textContent === "bob is typing…");
await alice.screenshot({ path: process.argv[2] ?? "examples/chat/screenshot.png" });
await browser.close();
await chat.close();
