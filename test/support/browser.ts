import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium, driven by Playwright: a browser download cannot work here, so the tests name
 * the installed one (CHROMIUM_PATH moves it; `.ci/run` installs Debian's `chromium`).
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath))
    throw new Error(`No Chromium at ${executablePath}: apt-get install chromium, or set CHROMIUM_PATH`);
  return chromium.launch({ executablePath, args: ['--no-sandbox'] });
}
