// The account page, reached from the header once signed in.
import { checkAccessibility, expect, open, test } from './support';
import { codeFromMailbox, enterPassword } from './mail';

test('a professional sees recent sign-ins and changes the secret question', async ({ page, browser }, testInfo) => {
  await open(page, '/sign-in', testInfo);
  await enterPassword(page, 'senco@example.org', 'demo-portal-2026');
  await page.getByLabel('Code').fill(await codeFromMailbox(browser, 'senco@example.org'));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/professional$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your caseload');

  await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Your account' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account');
  await expect(page.getByRole('table')).toContainText('Signed in');
  await checkAccessibility(page, testInfo);

  await page.getByLabel('Current password').nth(1).fill('demo-portal-2026');
  await page.getByLabel('Secret question', { exact: true }).selectOption('In which town or city were you born?');
  await page.getByLabel('Answer to your secret question').fill('Darlington');
  await page.getByRole('button', { name: 'Change secret question' }).click();
  await expect(page.getByRole('alert')).toContainText('Your secret question has been changed.');
  await expect(page.getByText('In which town or city were you born?').first()).toBeVisible();
  await checkAccessibility(page, testInfo);

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You have signed out');
});
