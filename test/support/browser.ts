import AxeBuilder from '@axe-core/playwright';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

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

/** A phone's width in CSS pixels. */
export const PHONE_WIDTH = 390;

/** Whether the page, at `width`, needs no sideways scrolling (wide tables scroll in their own box); the size is restored after. */
export async function fitsWidth(page: Page, width: number): Promise<boolean> {
  const before = page.viewportSize()!;
  await page.setViewportSize({ width, height: 844 });
  // The function runs in the page, where document and window exist.
  const fits = (await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')) as boolean;
  await page.setViewportSize(before);
  return fits;
}

/** axe-core's serious and critical findings on the page as it is now. */
export async function seriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
}

/** A new browser context signed in to the web app at `apiUrl` with `accessKey`, on `landing`. */
export async function signedInContext(
  browser: Browser,
  apiUrl: string,
  accessKey: string,
  landing = '/app/migrations',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${apiUrl}${landing}`);
  await page.waitForURL(/\/app\/sign-in/);
  await page.getByLabel('Access key').fill(accessKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === landing.split('?')[0]);
  return { context, page };
}
