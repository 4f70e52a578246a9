// Signing in as the user guide describes: email and password, then the code we email, then
// the home page; and signing out. Runs with JavaScript on and off.
import { checkAccessibility, expect, jsEnabled, open, test } from './support';

import { codeFromMailbox, enterPassword } from './mail';

test('a parent signs in with the emailed code and signs out', async ({ page, browser }, testInfo) => {
  await open(page, '/', testInfo);
  await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  if (jsEnabled(testInfo)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await checkAccessibility(page, testInfo);

  await enterPassword(page, 'parent@example.org', 'demo-portal-2026');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your email');
  await expect(page.getByText('check your spam or junk folder')).toBeVisible();
  const codeField = page.getByLabel('Code');
  await expect(codeField).toHaveAttribute('autocomplete', 'one-time-code');
  await checkAccessibility(page, testInfo);

  const code = await codeFromMailbox(browser, 'parent@example.org');
  await codeField.fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/home$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome, Sam Taylor');
  await checkAccessibility(page, testInfo);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You have signed out');
  await open(page, '/home', testInfo);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
});

test('a wrong password is explained and nothing is emailed', async ({ page }, testInfo) => {
  await open(page, '/sign-in', testInfo);
  await enterPassword(page, 'senco@example.org', 'not-my-password');
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('There is a problem');
  await expect(summary).toContainText('The email address or password is not right');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  await checkAccessibility(page, testInfo);
});
