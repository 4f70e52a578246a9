// Administration: an admin creates a staff account, the new person chooses a password from
// the emailed link and signs in with a code; the admin deactivates the account and its
// session ends. Other roles are kept out. Runs with JavaScript on and off.
import { checkAccessibility, expect, expectNoHorizontalScroll, open, test } from './support';
import { codeFromMailbox, enterPassword, linkIn, newestEmail } from './mail';

const PASSWORD = 'demo-portal-2026';

async function signIn(page: import('@playwright/test').Page, browser: import('@playwright/test').Browser, email: string, password: string) {
  await enterPassword(page, email, password);
  await page.getByLabel('Code').fill(await codeFromMailbox(browser, email));
  await page.getByRole('button', { name: 'Verify' }).click();
}

test('an admin creates a staff account, then deactivates it', async ({ page, browser }, testInfo) => {
  const email = `officer.${testInfo.project.name}@example.org`;
  const name = `Robin Officer ${testInfo.project.name}`;
  await open(page, '/sign-in', testInfo);
  await signIn(page, browser, 'admin@example.org', PASSWORD);
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Accounts');
  await expect(page.getByRole('table')).toContainText('Sam Taylor');
  await checkAccessibility(page, testInfo);

  await page.getByRole('button', { name: 'Create a staff account' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Create a staff account');
  await checkAccessibility(page, testInfo);
  // A bad address is explained and nothing is made.
  await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Email address').fill('not-an-address');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toContainText('There is a problem');
  await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('SEN officer').check();
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(page.getByRole('alert')).toContainText('Account created');
  await expect(page.getByRole('table')).toContainText('Account created');
  await checkAccessibility(page, testInfo);

  // The new officer chooses a password from the email and signs in with a code.
  const staff = await browser.newContext({ javaScriptEnabled: testInfo.project.use.javaScriptEnabled });
  const staffPage = await staff.newPage();
  const welcome = await newestEmail(browser, email, 'Your SEND Portal account');
  await staffPage.goto(linkIn(welcome, '/reset-password?token='));
  await staffPage.getByLabel('New password').fill('harbour violet engine');
  await staffPage.getByRole('button', { name: 'Change password' }).click();
  await expect(staffPage.getByRole('heading', { level: 1 })).toHaveText('Your password has been changed');
  await staffPage.goto('/sign-in');
  await signIn(staffPage, browser, email, 'harbour violet engine');
  await expect(staffPage).toHaveURL(/\/staff$/);
  // A new SEN officer lands on the SEN team's dashboard, under their own name.
  await expect(staffPage.getByRole('heading', { level: 1 })).toHaveText('Cases');
  await expect(staffPage.getByText(`SEN team – ${name}`)).toBeVisible();

  // The admin finds the account by search and deactivates it.
  await open(page, '/admin', testInfo);
  await page.getByLabel('Search by name or email address').fill(email);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(2);
  await page.getByRole('link', { name }).click();
  await page.getByRole('button', { name: 'Deactivate account' }).click();
  await expect(page.getByRole('alert')).toContainText('The account has been deactivated');
  await expect(page.getByText('Deactivated', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Reactivate account' })).toBeVisible();

  // Their session has ended.
  await staffPage.goto('/staff');
  await expect(staffPage.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  await staff.close();
});

test('other roles cannot open the admin pages', async ({ page, browser }, testInfo) => {
  await open(page, '/admin', testInfo);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  await signIn(page, browser, 'caseworker@example.org', PASSWORD);
  // Signed in, sent back to the page asked for, and refused there.
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You do not have access to this page');
  await checkAccessibility(page, testInfo);
  await open(page, '/admin/accounts/1', testInfo);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You do not have access to this page');
  await page.setViewportSize({ width: 320, height: 640 });
  await expectNoHorizontalScroll(page, testInfo);
});

test('an admin adds an organisation and chooses its members', async ({ page, browser }, testInfo) => {
  const name = `Riverside Academy ${testInfo.project.name}`;
  await open(page, '/sign-in', testInfo);
  await signIn(page, browser, 'admin@example.org', PASSWORD);
  await page.getByRole('link', { name: /^Organisations/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Organisations');
  await expect(page.getByRole('table')).toContainText('Oakfield Primary School');
  await expect(page.getByRole('table')).toContainText('Educational psychology service');
  await checkAccessibility(page, testInfo);

  await page.getByRole('button', { name: 'Add an organisation' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Add an organisation');
  await checkAccessibility(page, testInfo);
  // A name already taken (whatever its case) is explained, and nothing is added.
  await page.getByLabel('Name', { exact: true }).fill('OAKFIELD primary school');
  await page.getByLabel('School', { exact: true }).check();
  await page.getByRole('button', { name: 'Add organisation' }).click();
  await expect(page.getByRole('alert')).toContainText('There is already an organisation called OAKFIELD primary school');
  await checkAccessibility(page, testInfo);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('School', { exact: true }).check();
  await page.getByRole('button', { name: 'Add organisation' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(page.getByRole('alert')).toContainText('The organisation has been added');
  await expect(page.getByText('No one is a member yet')).toBeVisible();

  // A parent cannot be a member; the SENCo and the psychologist can.
  await page.getByLabel('Email address').fill('parent@example.org');
  await page.getByRole('button', { name: 'Add member' }).click();
  await expect(page.getByRole('alert')).toContainText('Only professionals can be members of an organisation');
  await checkAccessibility(page, testInfo);
  for (const email of ['senco@example.org', 'psychologist@example.org']) {
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Add member' }).click();
    await expect(page.getByRole('alert')).toContainText('The member has been added');
  }
  const members = page.getByRole('table');
  await expect(members).toContainText('Priya Shah');
  await expect(members).toContainText('Dr Dana Okafor');
  await checkAccessibility(page, testInfo);
  await page.setViewportSize({ width: 320, height: 640 });
  await expectNoHorizontalScroll(page, testInfo);
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.getByRole('button', { name: 'Remove Priya Shah' }).click();
  await expect(page.getByRole('alert')).toContainText('The member has been removed');
  await expect(page.getByRole('table')).not.toContainText('Priya Shah');
  await expect(page.getByRole('table')).toContainText('Dr Dana Okafor');

  // The psychologist's account page names their organisations.
  await page.getByRole('link', { name: 'Dr Dana Okafor' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dr Dana Okafor');
  const organisations = page.locator('dd', { hasText: 'Educational Psychology Service' });
  await expect(organisations).toContainText(name);
});
