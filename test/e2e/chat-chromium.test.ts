// The chat demo in a real browser: Debian's Chromium, driven by playwright-core, against the
// demo served by unio on Node. Two pages chat in one room over the default transports
// (polling, then the websocket upgrade); a third is forced onto long-polling.
//
// Without /usr/bin/chromium this test is skipped with a notice — except under CI, where a
// missing browser is a failure (.ci/run installs it).
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startChat, type RunningChat } from "../../examples/chat/start.js";
import { CHROMIUM, haveChromium, launchChromium } from "./chromium.js";

if (!haveChromium && process.env["CI"] === undefined) {
  console.warn(`chat-chromium: ${CHROMIUM} not found, skipping the browser test (apt-get install chromium)`);
}

/** Polls until the value matches: a browser round trip on a busy machine can take a while. */
function eventually<T>(read: () => Promise<T> | T) {
  return expect.poll(read, { timeout: 10_000, interval: 50 });
}

/** Opens the chat, picks a nickname and waits until the page is in #general. */
async function joinAs(context: BrowserContext, url: string, nick: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.getByLabel("Nickname").fill(nick);
  await page.getByRole("button", { name: "Join the chat" }).click();
  await eventually(() => page.locator("#room-title").textContent()).toBe("#general");
  await eventually(() => page.locator("#text").isEnabled()).toBe(true);
  return page;
}

/** Switches a page to `room` (creating it when it does not exist yet). */
async function enterRoom(page: Page, room: string): Promise<void> {
  const listed = page.locator("#rooms button", { hasText: `#${room}` });
  if ((await listed.count()) > 0) await listed.click();
  else {
    await page.getByLabel("Create a room").fill(room);
    await page.getByRole("button", { name: "Create", exact: true }).click();
  }
  await eventually(() => page.locator("#room-title").textContent()).toBe(`#${room}`);
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByLabel("Message", { exact: true }).fill(text);
  await page.getByRole("button", { name: "Send" }).click();
}

/** The texts of the messages a page shows, in order. */
function messageTexts(page: Page): Promise<string[]> {
  return page.locator("#messages .message .text").allTextContents();
}

describe.skipIf(!haveChromium && process.env["CI"] === undefined)("the chat demo in Chromium", () => {
  let chat: RunningChat | undefined;
  let browser: Browser | undefined;
  let url = "";

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium`);
    chat = await startChat({ port: 0, hostname: "127.0.0.1" });
    url = `http://127.0.0.1:${chat.port}/`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await chat?.close();
  });

  it("two pages chat in a room with delivery receipts; a polling-only page joins in", async () => {
    if (browser === undefined) throw new Error("no browser");
    // Separate contexts: separate storage, as two people on two machines.
    const [aliceContext, bobContext, carolContext] = await Promise.all([
      browser.newContext(),
      browser.newContext(),
      browser.newContext(),
    ]);
    try {
      const alice = await joinAs(aliceContext, url, "alice");
      const bob = await joinAs(bobContext, url, "bob");
      // Default transports: long-polling first, then the websocket upgrade.
      await eventually(() => alice.locator("#transport").textContent()).toBe("websocket");
      await eventually(() => bob.locator("#transport").textContent()).toBe("websocket");

      await enterRoom(alice, "e2e");
      await enterRoom(bob, "e2e");
      await eventually(() => alice.locator("#members .name").allTextContents()).toEqual(["alice (you)", "bob"]);

      // Typing is shown to the other side.
      await bob.getByLabel("Message", { exact: true }).fill("typ");
      await eventually(() => alice.locator("#typing").textContent()).toBe("bob is typing…");
      await bob.getByLabel("Message", { exact: true }).fill("");

      await send(alice, "hello bob 👋");
      await eventually(() => messageTexts(bob)).toEqual(["hello bob 👋"]);
      const mine = alice.locator("#messages .message.mine").last();
      await eventually(() => mine.getAttribute("data-status")).toBe("delivered");
      expect(await mine.locator(".status").textContent()).toBe("✓");
      expect(await mine.locator(".status").getAttribute("aria-label")).toBe("delivered");

      await send(bob, "hi alice");
      await eventually(() => messageTexts(alice)).toEqual(["hello bob 👋", "hi alice"]);

      // ?transport=polling keeps a page on long-polling, and it still chats both ways.
      const carol = await joinAs(carolContext, `${url}?transport=polling`, "carol");
      expect(await carol.locator("#transport").textContent()).toBe("polling");
      await enterRoom(carol, "e2e");
      // History arrives with the join.
      await eventually(() => messageTexts(carol)).toEqual(["hello bob 👋", "hi alice"]);
      await send(carol, "polling here");
      await eventually(() => messageTexts(alice)).toEqual(["hello bob 👋", "hi alice", "polling here"]);
      await eventually(() => carol.locator("#messages .message.mine").last().getAttribute("data-status")).toBe("delivered");
      await send(alice, "welcome carol");
      await eventually(() => messageTexts(carol)).toEqual(["hello bob 👋", "hi alice", "polling here", "welcome carol"]);
      expect(await carol.locator("#transport").textContent()).toBe("polling");

      // Leaving updates who is online for the others.
      await carolContext.close();
      await eventually(() => alice.locator("#members .name").allTextContents()).toEqual(["alice (you)", "bob"]);
    } finally {
      await Promise.all([aliceContext.close(), bobContext.close(), carolContext.close()]);
    }
  });
});
