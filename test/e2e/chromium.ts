import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium (apt-get install chromium); playwright never downloads a browser here. */
export const CHROMIUM = "/usr/bin/chromium";

export const haveChromium = existsSync(CHROMIUM);

/**
 * Headless Chromium with the flags this machine needs: without the background-networking
 * ones it keeps dialling hosts the closed network refuses. Playwright gives it a fresh
 * temporary profile (--user-data-dir) of its own.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
