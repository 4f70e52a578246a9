// The page shell every journey passes through: start page, header and footer, the statutory
// statements, the not-found page, and the layout on a 320 px phone.
import { checkAccessibility, expect, expectNoHorizontalScroll, jsEnabled, open, test } from './support';
import { signIn } from './steps';

test('start page shows the council, the service and how to get help', async ({ page, browserErrors }, testInfo) => {
  const response = await open(page, '/', testInfo);
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle('SEND Portal');
  await expect(page.getByRole('banner')).toContainText('Example Borough Council');
  await expect(page.getByRole('banner')).toContainText('SEND Portal');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Special educational needs and disabilities (SEND)');
  const footer = page.getByRole('contentinfo');
  await expect(footer.getByRole('link', { name: '01234 567890' })).toHaveAttribute('href', 'tel:01234567890');
  await expect(footer.getByRole('link', { name: 'sen.team@example.org' })).toHaveAttribute('href', 'mailto:sen.team@example.org');
  await checkAccessibility(page, testInfo);
  expect(browserErrors).toEqual([]);
});

test('start page offers Log in and Register, as the first page of the user guide does', async ({ page }, testInfo) => {
  await open(page, '/', testInfo);
  const main = page.getByRole('main');
  await expect(main.getByRole('link', { name: 'Log in' })).toHaveAttribute('href', '/sign-in');
  await main.getByRole('link', { name: 'Register' }).click();
  await expect(page).toHaveURL(/\/register$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Create an account');
  await page.goBack();
  await main.getByRole('link', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
});

test('a signed-in person opening the start page lands on their own home', async ({ page, browser }, testInfo) => {
  await signIn(page, browser, testInfo);
  await page.goto('/');
  await expect(page).toHaveURL(/\/home$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome, Sam Taylor');
});

test('the title the server sent stays while the page hydrates', async ({ page }, testInfo) => {
  test.skip(!jsEnabled(testInfo), 'hydration is what changes the title');
  // Every title the document has from its first byte until it is interactive.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { titlesSeen: string[] }).titlesSeen = seen;
    // From the moment the parser has read the server's <title>, every change after it.
    const note = () => {
      if (seen.length === 0 && !document.title) return;
      if (seen[seen.length - 1] !== document.title) seen.push(document.title);
    };
    new MutationObserver(note).observe(document, { subtree: true, childList: true, characterData: true });
    const frame = () => {
      note();
      if (document.body?.dataset.hydrated !== 'true') requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  for (const [path, title] of [
    ['/', 'SEND Portal'],
    ['/sign-in', 'Sign in – SEND Portal'],
    ['/accessibility', 'Accessibility statement – SEND Portal'],
    ['/register', 'Create an account – SEND Portal'],
  ]) {
    await open(page, path, testInfo);
    await expect(page).toHaveTitle(title);
    const seen = await page.evaluate(() => (window as unknown as { titlesSeen: string[] }).titlesSeen);
    expect(seen, `titles of ${path} while it hydrated`).toEqual([title]);
  }
});

test('pages loaded at the same moment all arrive styled, with their own policy, and hydrate', async ({ context }, testInfo) => {
  const paths = ['/', '/sign-in', '/accessibility', '/privacy', '/register', '/forgotten-password'];
  const tabs = await Promise.all([...paths, ...paths].map(() => context.newPage()));
  const refused: string[] = [];
  for (const tab of tabs) {
    tab.on('console', (msg) => {
      if (msg.type() === 'error') refused.push(`${tab.url()}: ${msg.text()}`);
    });
  }
  await Promise.all(tabs.map((tab, i) => tab.goto(paths[i % paths.length])));
  for (const tab of tabs) {
    if (jsEnabled(testInfo)) await expect(tab.locator('body')).toHaveAttribute('data-hydrated', 'true');
    // The stylesheet was let in: the header has its accent border, not the browser's none.
    await expect(tab.getByRole('banner')).toHaveCSS('border-bottom-width', '10px');
  }
  expect(refused, 'nothing was refused by a policy meant for another response').toEqual([]);
  await Promise.all(tabs.map((tab) => tab.close()));
});

test('skip link moves keyboard users to the main content', async ({ page }, testInfo) => {
  await open(page, '/', testInfo);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to main content' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main-content$/);
  await expect(page.getByRole('main')).toBeFocused();
});

test('footer leads to the accessibility statement and the privacy notice', async ({ page }, testInfo) => {
  await open(page, '/', testInfo);
  await page.getByRole('contentinfo').getByRole('link', { name: 'Accessibility statement' }).click();
  await expect(page).toHaveURL(/\/accessibility$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Accessibility statement for SEND Portal');
  await expect(page).toHaveTitle('Accessibility statement – SEND Portal');
  await checkAccessibility(page, testInfo);

  await page.getByRole('contentinfo').getByRole('link', { name: 'Privacy notice' }).click();
  await expect(page).toHaveURL(/\/privacy$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Privacy notice for SEND Portal');
  await expect(page.getByRole('heading', { name: 'Your rights' })).toBeVisible();
  await checkAccessibility(page, testInfo);
});

test('an unknown address answers 404 with a helpful page', async ({ page }, testInfo) => {
  const response = await page.goto('/no/such/page');
  expect(response?.status()).toBe(404);
  if (jsEnabled(testInfo)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  await expect(page.getByRole('link', { name: 'Go to the start page' })).toHaveAttribute('href', '/');
  await checkAccessibility(page, testInfo);
});

test.describe('on a 320 px phone', () => {
  test.use({ viewport: { width: 320, height: 640 } });

  for (const path of ['/', '/accessibility', '/privacy', '/no/such/page', '/dev/mailbox']) {
    test(`${path} fits without sideways scrolling`, async ({ page }, testInfo) => {
      await page.goto(path);
      if (jsEnabled(testInfo)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
      await expect(page.getByRole('banner')).toBeVisible();
      await expectNoHorizontalScroll(page, testInfo);
      await checkAccessibility(page, testInfo);
    });
  }
});
