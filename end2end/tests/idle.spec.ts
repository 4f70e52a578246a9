// WCAG 2.2.1: two minutes before the 30-minute inactivity limit, the page warns and offers
// "Stay signed in". The browser's clock is fast-forwarded; the server's session is real.
import { checkAccessibility, expect, jsEnabled, test } from './support';
import { codeFromMailbox, enterPassword } from './mail';

test('the inactivity warning offers to stay signed in', async ({ page, browser }, testInfo) => {
  test.skip(!jsEnabled(testInfo), 'the warning needs JavaScript; without it the session simply ends after 30 minutes');
  await page.clock.install();
  await page.goto('/sign-in');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await enterPassword(page, 'caseworker@example.org', 'demo-portal-2026');
  await page.getByLabel('Code').fill(await codeFromMailbox(browser, 'caseworker@example.org'));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Cases');
  // The warning's clock starts when its island is live: only then is time moved on.
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');

  const warning = page.getByRole('alertdialog', { name: 'You will be signed out soon' });
  await expect(warning).toBeHidden();
  await page.clock.fastForward('28:01');
  await expect(warning).toBeVisible();
  await checkAccessibility(page, testInfo);

  await warning.getByRole('button', { name: 'Stay signed in' }).click();
  await expect(warning).toBeHidden();
  // Still signed in on the server.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Cases');
});
