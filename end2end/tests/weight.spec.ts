// What a page costs the browser, measured on the wire: the wasm and JS it fetches (brotli, as
// the server sends them) within DESIGN.md's budget, none at all on a page without an island,
// and nothing fetched again on a return visit (the assets' names carry their content's digest).
import { type Page, type Response } from '@playwright/test';
import { expect, jsEnabled, test } from './support';
import { signIn } from './steps';

const BUDGET = 150 * 1024;

/** Every .wasm and .js the page fetches while it loads, and its size as sent. */
async function scriptsOf(page: Page, path: string) {
  const fetched: { url: string; encoding: string; bytes: number; status: number }[] = [];
  const pending: Promise<void>[] = [];
  const seen = (response: Response) => {
    const url = new URL(response.url());
    if (!/\.(wasm|js)$/.test(url.pathname)) return;
    pending.push(
      (async () => {
        const sizes = await response.request().sizes();
        fetched.push({
          url: url.pathname,
          encoding: (await response.headerValue('content-encoding')) ?? 'identity',
          bytes: sizes.responseBodySize,
          status: response.status(),
        });
      })(),
    );
  };
  page.on('response', seen);
  const document = await page.goto(path);
  const body = document ? (await document.body()).toString() : '';
  // Pages are rendered on the server only: nothing outside an island is sent again as data.
  expect(body, `${path} carries no data for hydration`).not.toContain('__RESOLVED_RESOURCES[');
  const html = body.length;
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await Promise.all(pending);
  page.off('response', seen);
  return Object.assign(fetched, { html });
}

test('a page without an island loads no wasm; pages with islands stay within 150 KB', async ({ page, browser }, testInfo) => {
  test.skip(!jsEnabled(testInfo), 'what scripts cost');
  // A fresh browser cache for each measurement.
  await page.route('**/*', (route) => route.continue({ headers: { ...route.request().headers(), 'cache-control': 'no-cache' } }));
  for (const path of ['/', '/sign-in', '/accessibility']) {
    expect([...(await scriptsOf(page, path))], `${path} has no island`).toEqual([]);
  }
  await page.unroute('**/*');

  await signIn(page, browser, testInfo);
  await page.getByRole('link', { name: /^Special Educational Needs and Disabilities/ }).click();
  await page.getByRole('link', { name: /^Max Taylor/ }).click();
  const forms = page.url();
  await page.getByRole('button', { name: 'Start E2 Parental Consent' }).click();
  await expect(page.getByRole('heading', { level: 2, name: "Child or young person's details" })).toBeVisible();
  const step = page.url();

  for (const path of [forms, step, '/home']) {
    const context = await browser.newContext({ storageState: await page.context().storageState() });
    const fresh = await context.newPage();
    const scripts = await scriptsOf(fresh, path);
    const total = scripts.reduce((n, s) => n + s.bytes, 0);
    console.log(`${new URL(path, 'http://x').pathname}: HTML ${scripts.html} B; ${scripts.map((s) => `${s.url} ${s.bytes} B ${s.encoding}`).join(', ')}; ${total} B`);
    expect(scripts.filter((s) => s.url.endsWith('.wasm')), `${path} loads one wasm`).toHaveLength(1);
    for (const s of scripts) expect(s.encoding, `${s.url} is sent compressed`).toBe('br');
    expect(total, `${path}: wasm + JS on the wire`).toBeLessThanOrEqual(BUDGET);

    // A second visit asks the server for none of them: they are kept for good under their names.
    const cdp = await context.newCDPSession(fresh);
    await cdp.send('Network.enable');
    const responses: { id: string; url: string; status: number; cached: boolean }[] = [];
    const fromMemory = new Set<string>();
    cdp.on('Network.requestServedFromCache', (event) => fromMemory.add(event.requestId));
    cdp.on('Network.responseReceived', (event) => {
      const { url, status, fromDiskCache, fromPrefetchCache, fromServiceWorker } = event.response;
      if (!/\.(wasm|js|css)$/.test(new URL(url).pathname)) return;
      responses.push({ id: event.requestId, url, status, cached: fromDiskCache || fromPrefetchCache || fromServiceWorker });
    });
    const asked = () => responses.filter((r) => !r.cached && !fromMemory.has(r.id)).map((r) => `${r.url} (${r.status})`);
    await fresh.getByRole('link', { name: 'Your account' }).click();
    await expect(fresh.getByRole('heading', { level: 1 })).toHaveText('Your account');
    await fresh.goto(path);
    await expect(fresh.locator('body')).toHaveAttribute('data-hydrated', 'true');
    expect(responses.length, `${path}: the return visit used its assets`).toBeGreaterThan(0);
    expect(asked(), `${path}: assets asked for again on a return visit`).toEqual([]);
    await context.close();
  }
});
