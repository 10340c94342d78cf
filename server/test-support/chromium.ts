/**
 * Headless Chromium for the tests that need a real browser: Debian's package, driven by
 * playwright-core (`.ci/install-chromium` installs it). Tests skip, visibly, where it is missing.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";

export const hasChromium = existsSync(CHROMIUM);

/** Why a browser test is skipped, for its describe title; empty where Chromium is installed. */
export const chromiumSkipNote = hasChromium
  ? ""
  : " (skipped: no Debian chromium; run .ci/install-chromium)";

/** Launches Chromium quietly: no sandbox (containers), no GPU, no background traffic. */
export function launchChromium(args: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      ...args,
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
