// Registering (the user guide's first section) and the forgotten-password journey.
import { checkAccessibility, expect, jsEnabled, open, test } from './support';
import { codeFromMailbox, countEmails, enterPassword, linkIn, newestEmail } from './mail';

test('register, confirm by email, set up two-step, sign out and sign in with a code', async ({ page, browser }, testInfo) => {
  const email = `robin.${testInfo.project.name}@example.org`;
  const password = 'kettle orbit lantern';
  await open(page, '/sign-in', testInfo);
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Create an account');
  if (jsEnabled(testInfo)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await checkAccessibility(page, testInfo);

  await page.getByLabel('Full name').fill('Robin Lee');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('password123');
  await page.getByLabel('Secret question', { exact: true }).selectOption('What was the name of your first pet?');
  await page.getByLabel('Answer to your secret question').fill('Biscuit');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toContainText('too common');
  await checkAccessibility(page, testInfo);

  // Without JavaScript the page came back empty: fill it in again.
  await page.getByLabel('Full name').fill('Robin Lee');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Secret question', { exact: true }).selectOption('What was the name of your first pet?');
  await page.getByLabel('Answer to your secret question').fill('Biscuit');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Confirm your email address');
  await expect(page.getByText('check your spam or junk folder')).toBeVisible();
  await checkAccessibility(page, testInfo);

  const confirmation = await newestEmail(browser, email, 'Confirm your email address');
  await open(page, linkIn(confirmation, '/register/confirm?token='), testInfo);
  await page.getByRole('button', { name: 'Confirm email address' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Set up two-step verification');
  await expect(page.getByRole('radio', { name: 'Email' })).toBeChecked();
  await checkAccessibility(page, testInfo);
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your email');
  await page.getByLabel('Code').fill(await codeFromMailbox(browser, email));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome, Robin Lee');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You have signed out');

  await open(page, '/sign-in', testInfo);
  await enterPassword(page, email, password);
  await page.getByLabel('Code').fill(await codeFromMailbox(browser, email));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome, Robin Lee');
  await page.getByRole('button', { name: 'Sign out' }).click();
});

test('forgotten password: a wrong answer sends nothing, the right one sends a link', async ({ page, browser }, testInfo) => {
  const email = 'young.person@example.org';
  const newPassword = `river tulip ${testInfo.project.name}`;
  await open(page, '/sign-in', testInfo);
  await page.getByRole('link', { name: 'Forgotten your password?' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Forgotten your password');
  if (jsEnabled(testInfo)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await checkAccessibility(page, testInfo);

  const before = await countEmails(browser, email, 'Reset your password');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Secret question', { exact: true }).selectOption('What was the name of your first school?');
  await page.getByLabel('Answer to your secret question').fill('Elm Road Infants');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your email');
  const reply = await page.getByRole('main').innerText();
  await checkAccessibility(page, testInfo);
  expect(await countEmails(browser, email, 'Reset your password')).toBe(before);

  await open(page, '/forgotten-password', testInfo);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Secret question', { exact: true }).selectOption('What was the name of your first school?');
  await page.getByLabel('Answer to your secret question').fill('oakfield primary');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your email');
  expect(await page.getByRole('main').innerText()).toBe(reply);
  expect(await countEmails(browser, email, 'Reset your password')).toBe(before + 1);

  const resetMail = await newestEmail(browser, email, 'Reset your password');
  await open(page, linkIn(resetMail, '/reset-password?token='), testInfo);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Choose a new password');
  await checkAccessibility(page, testInfo);
  await page.getByLabel('New password').fill(newPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your password has been changed');

  await page.getByRole('link', { name: 'Sign in' }).first().click();
  await enterPassword(page, email, newPassword);
  await page.getByLabel('Code').fill(await codeFromMailbox(browser, email));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome, Jordan Reid');
  await page.getByRole('button', { name: 'Sign out' }).click();
});
