// Shared steps for every spec: open a page the way a person would (waiting for hydration when
// JavaScript is on), and check it with axe against WCAG 2.2 AA.
import { expect, test as base, type Page, type TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export function jsEnabled(testInfo: TestInfo): boolean {
  return testInfo.project.use.javaScriptEnabled !== false;
}

type Fixtures = {
  /** Page errors and console errors seen in this test (CSP violations show up here). */
  browserErrors: string[];
};

export const test = base.extend<Fixtures>({
  browserErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
    });
    await use(errors);
    expect(errors, 'the browser reported errors').toEqual([]);
  },
});
export { expect };

/** Goes to `path`; with JavaScript on, waits until the wasm has hydrated the page. */
export async function open(page: Page, path: string, testInfo: TestInfo) {
  const response = await page.goto(path);
  if (jsEnabled(testInfo)) {
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  }
  return response;
}

/**
 * Runs `check` on a page where scripts can run. With JavaScript on that is the page itself.
 * With it off (axe and `evaluate` need scripts), the page's HTML, scripts removed, is served
 * again at the same address to a JavaScript-on context, where its stylesheets still load.
 */
async function inspect(page: Page, testInfo: TestInfo, check: (target: Page) => Promise<void>) {
  if (jsEnabled(testInfo)) return check(page);
  const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
  const url = page.url();
  const browser = page.context().browser();
  if (!browser) throw new Error('no browser to inspect the page with');
  const context = await browser.newContext({ javaScriptEnabled: true, viewport: page.viewportSize() });
  try {
    const copy = await context.newPage();
    await copy.route(url, (route) => route.fulfill({ body: html, contentType: 'text/html; charset=utf-8' }));
    await copy.goto(url);
    await check(copy);
  } finally {
    await context.close();
  }
}

/** Runs axe (WCAG 2.2 AA rules) on the current page: no violations allowed. */
export async function checkAccessibility(page: Page, testInfo: TestInfo) {
  await inspect(page, testInfo, async (target) => {
    const results = await new AxeBuilder({ page: target }).withTags(WCAG_TAGS).analyze();
    const summary = results.violations.map(
      (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
    expect(summary, `axe found accessibility problems on ${page.url()}`).toEqual([]);
  });
}

/** The page must not scroll sideways (WCAG 1.4.10 reflow, checked at 320 CSS pixels). */
export async function expectNoHorizontalScroll(page: Page, testInfo: TestInfo) {
  await inspect(page, testInfo, async (target) => {
    const overflow = await target.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, `${page.url()} scrolls sideways`).toBeLessThanOrEqual(0);
  });
}
