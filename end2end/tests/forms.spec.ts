// The E2 Parental Consent form end to end, as the user guide describes it: start it from the
// child's Forms page, fill the steps (two parents via Add More), leave mid-way, sign back in
// and Continue where you left off, check the Summary, tick both "I agree" boxes, Accept, and
// View Details. Runs with JavaScript on (autosave) and off (each step posts).
import { type Browser, type Page, type TestInfo } from '@playwright/test';
import { checkAccessibility, expect, expectNoHorizontalScroll, jsEnabled, open, test } from './support';
import { codeFromMailbox, enterPassword } from './mail';

const PARENT = 'parent@example.org';
const PASSWORD = 'demo-portal-2026';

async function signIn(page: Page, browser: Browser) {
  await enterPassword(page, PARENT, PASSWORD);
  await page.getByLabel('Code').fill(await codeFromMailbox(browser, PARENT));
  await page.getByRole('button', { name: 'Verify' }).click();
}

function question(page: Page, legend: string) {
  return page.getByRole('group', { name: legend });
}

async function choose(page: Page, legend: string, answer: string) {
  await question(page, legend).getByLabel(answer, { exact: true }).check();
}

async function date(page: Page, legend: string, day: string, month: string, year: string) {
  const group = question(page, legend);
  await group.getByLabel('Day').fill(day);
  await group.getByLabel('Month').fill(month);
  await group.getByLabel('Year').fill(year);
}

async function address(scope: ReturnType<Page['getByRole']>, line1: string, town: string, postcode: string) {
  const group = scope.getByRole('group', { name: 'Address' });
  await group.getByLabel('Address line 1').fill(line1);
  await group.getByLabel('Town or city').fill(town);
  await group.getByLabel('Postcode').fill(postcode);
}

async function parent(page: Page, n: number, name: string, relationship: string, postcode: string) {
  const item = page.getByRole('group', { name: `Parent or carer ${n}`, exact: true });
  await item.getByLabel('Full name').fill(name);
  await item.getByRole('group', { name: 'Relationship to the child' }).getByLabel(relationship, { exact: true }).check();
  await item.getByRole('group', { name: 'Do they have parental responsibility?' }).getByLabel('Yes', { exact: true }).check();
  await address(item, `${n} Mill Lane`, 'Leeds', postcode);
  await item.getByLabel('Phone number').fill('01632 960 001');
  await item.getByRole('group', { name: 'Does the child live with them?' }).getByLabel('Yes, all the time').check();
}

/** Save and continue, then check the next step opened and passes axe. */
async function continueTo(page: Page, heading: string, testInfo: TestInfo) {
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(page.getByRole('heading', { level: 2, name: heading })).toBeVisible();
  await checkAccessibility(page, testInfo);
}

const PDF = '%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n';

function pdf(name: string) {
  return { name, mimeType: 'application/pdf', buffer: Buffer.from(PDF) };
}

/** From the home page, through the SEND area, to a child's page. */
async function openChild(page: Page, name: string) {
  await page.getByRole('link', { name: /^Special Educational Needs and Disabilities/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your SEND area');
  await page.getByRole('link', { name: new RegExp(`^${name}`) }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
}

function saveStatus(page: Page) {
  return page.locator('.portal-save-status');
}

/** Signs in and starts a new E2 for Max (the child the other journeys leave alone). */
async function startE2ForMax(page: Page, browser: Browser, testInfo: TestInfo) {
  await open(page, '/sign-in', testInfo);
  await signIn(page, browser);
  await openChild(page, 'Max Taylor');
  await page.getByRole('button', { name: 'Start E2 Parental Consent' }).click();
  await expect(page.getByRole('heading', { level: 2, name: "Child or young person's details" })).toBeVisible();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

test('a parent completes E2 with two parents, leaving and coming back mid-way', async ({ page, browser }, testInfo) => {
  test.setTimeout(120_000);
  await open(page, '/sign-in', testInfo);
  await signIn(page, browser);
  await openChild(page, 'Ellie Taylor');
  await checkAccessibility(page, testInfo);
  // The search narrows the list as you type (FormSearch), or on Search without JavaScript.
  const search = async (term: string) => {
    await page.getByLabel('Search forms').fill(term);
    if (!jsEnabled(testInfo)) await page.getByRole('button', { name: 'Search', exact: true }).click();
  };
  await search('nothing like this');
  await expect(page.getByText('No forms match your search.')).toBeVisible();
  await expect(page.getByRole('heading', { level: 3 })).toHaveCount(0);
  await search('consent');
  await expect(page.getByText('No forms match your search.')).toBeHidden();
  await expect(page.getByRole('heading', { level: 3 })).toHaveCount(1);
  await expect(page.getByRole('heading', { level: 3 })).toHaveText('E2 Parental Consent');
  await page.getByRole('button', { name: 'Start E2 Parental Consent' }).click();

  // Step 1: the child's names and date of birth come from their record; nothing else entered →
  // every problem is listed and linked.
  await expect(page.getByRole('heading', { level: 2, name: "Child or young person's details" })).toBeVisible();
  await expect(page.getByLabel('First name')).toHaveValue('Ellie');
  await page.getByLabel('First name').fill('');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  const summary = page.locator('.govuk-error-summary');
  await expect(summary).toContainText('There is a problem');
  await expect(summary).toContainText('Enter an answer to ‘First name’');
  await checkAccessibility(page, testInfo);
  await page.getByLabel('First name').fill('Ellie');
  await page.getByLabel('Last name').fill('Taylor');
  if (jsEnabled(testInfo)) {
    // With scripts, a date that cannot be is pointed out as soon as the question is left.
    await date(page, 'Date of birth', '31', '2', '2017');
    await page.getByLabel('First language').focus();
    await expect(question(page, 'Date of birth').locator('.govuk-error-message')).toHaveText('Error: Enter a real date, like 27 3 2019');
  }
  await date(page, 'Date of birth', '14', '5', '2017');
  if (jsEnabled(testInfo)) {
    await page.getByLabel('First language').focus();
    await expect(question(page, 'Date of birth').locator('.govuk-error-message')).toHaveCount(0);
  }
  await choose(page, 'Gender', 'Female');
  await choose(page, 'Ethnic group', 'White');
  await page.getByLabel('First language').fill('English');
  await choose(page, 'Do you or your child need an interpreter to talk with us?', 'No');
  await continueTo(page, 'School or setting', testInfo);

  await page.getByLabel("Name of your child's school, college or setting").fill('Oakfield Primary');
  await choose(page, 'Does your child have an EHC plan?', 'No');
  await choose(page, 'Does your child have a social worker?', 'No');
  await continueTo(page, 'Parent/Carer details', testInfo);

  // Two parents, the second by Add More.
  await parent(page, 1, 'Sam Taylor', 'Mother', 'LS1 4AP');
  await page.getByRole('button', { name: 'Add More' }).click();
  await expect(page.getByRole('group', { name: 'Parent or carer 2', exact: true })).toBeVisible();
  await parent(page, 2, 'Alex Taylor', 'Father', 'LS2 7EW');
  await checkAccessibility(page, testInfo);
  await continueTo(page, 'Professionals involved', testInfo);

  // Leave mid-way: sign out, sign back in, Continue opens this step with everything kept.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You have signed out');
  await page.getByRole('link', { name: 'Sign in again' }).click();
  await signIn(page, browser);
  await openChild(page, 'Ellie Taylor');
  // The newest first: the js-on and js-off runs share one database.
  await page.getByRole('link', { name: 'Continue E2 Parental Consent' }).first().click();
  await expect(page.getByRole('heading', { level: 2, name: 'Professionals involved' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Steps of this form' })).toContainText(/3\. Parent\/Carer details\s*Complete/);

  await choose(page, 'Have any professionals worked with your child?', 'No');
  await continueTo(page, 'Consent', testInfo);
  await choose(page, 'Do you agree to the council carrying out an EHC needs assessment for your child?', 'Yes');
  await question(page, 'Who can we ask for advice and share information with?').getByLabel('The educational psychology service').check();
  await choose(page, 'Is your child aged 16 or over?', 'No');
  await continueTo(page, 'Supporting documents', testInfo);

  // Two attachments. With scripts they go as soon as they are chosen; without, by Upload.
  await page.getByLabel('Supporting documents (optional)').setInputFiles([pdf('report.pdf'), pdf('letter.pdf')]);
  if (!jsEnabled(testInfo)) await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByRole('link', { name: /report\.pdf \(PDF/ })).toBeVisible();
  await expect(page.getByRole('link', { name: /letter\.pdf \(PDF/ })).toBeVisible();
  // Something that is not a document is refused in words, and nothing else is lost.
  await page.getByLabel('Is there anything else you want to tell us? (optional)').fill('Ellie finds loud rooms hard.');
  await page.getByLabel('Supporting documents (optional)').setInputFiles([
    { name: 'photo.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ this is a program') },
  ]);
  if (!jsEnabled(testInfo)) await page.getByRole('button', { name: 'Upload' }).click();
  await expect(page.locator('.govuk-error-summary')).toContainText('must be a PDF, a Word document');
  await expect(page.getByLabel('Is there anything else you want to tell us? (optional)')).toHaveValue('Ellie finds loud rooms hard.');
  await checkAccessibility(page, testInfo);
  await continueTo(page, 'Summary', testInfo);
  await expect(page.getByRole('link', { name: /letter\.pdf/ })).toBeVisible();

  await expect(page.getByRole('heading', { name: 'Parent or carer 2' })).toBeVisible();
  await expect(page.getByText('Alex Taylor')).toBeVisible();
  await expect(page.getByText('14 May 2017')).toBeVisible();
  await checkAccessibility(page, testInfo);
  await page.setViewportSize({ width: 320, height: 800 });
  await expectNoHorizontalScroll(page, testInfo);
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.getByRole('button', { name: 'Continue to the declaration' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Declaration' })).toBeVisible();
  // Accept refuses until both boxes are ticked.
  await page.getByLabel('I agree that the information I have given is true').check();
  await page.getByRole('button', { name: 'Accept' }).click();
  await expect(page.locator('.govuk-error-summary')).toContainText('Tick each ‘I agree’ box');
  await page.getByLabel('I agree that the information I have given is true').check();
  await page.getByLabel('I agree to the council carrying out an EHC needs assessment').check();
  await checkAccessibility(page, testInfo);
  await page.getByRole('button', { name: 'Accept' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Form sent');
  const reference = (await page.locator('.govuk-panel__body strong').innerText()).trim();
  expect(reference).toMatch(/^EHC-/);
  await expect(page.getByRole('heading', { name: 'View Details' })).toBeVisible();
  await expect(page.locator('.portal-answer').getByText('Sam Taylor', { exact: true })).toBeVisible();
  await checkAccessibility(page, testInfo);
  // Attachments come down as files, with their names.
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: /report\.pdf/ }).click();
  expect((await download).suggestedFilename()).toBe('report.pdf');

  await page.getByRole('link', { name: 'Back to Ellie’s forms' }).click();
  await expect(page.getByRole('table', { name: 'Sent' })).toContainText(reference);
  await page.getByRole('link', { name: 'View Details of E2 Parental Consent' }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('E2 Parental Consent');
  await expect(page.getByText('Alex Taylor')).toBeVisible();
});

test('edits made offline are kept in the browser and saved when the connection comes back', async ({ page, browser, context }, testInfo) => {
  test.skip(!jsEnabled(testInfo), 'without scripts each step is saved by posting it');
  await startE2ForMax(page, browser, testInfo);
  // The child's names come from their record; change one so there is something to save.
  await expect(page.getByLabel('First name')).toHaveValue('Max');
  await page.getByLabel('First name').fill('Maxi');
  await expect(saveStatus(page)).toContainText('Saved at');

  await context.setOffline(true);
  await page.getByLabel('Last name').fill('Taylor');
  await page.getByLabel('Last name').pressSequentially('-Reid');
  await expect(saveStatus(page)).toContainText('Not saved — your changes are kept in this browser');
  // Closing the tab now asks first (the browser's own "Leave site?" question).
  const asked = new Promise<string>((resolve) => {
    page.once('dialog', async (dialog) => {
      resolve(dialog.type());
      await dialog.dismiss();
    });
  });
  await page.close({ runBeforeUnload: true });
  expect(await Promise.race([asked, new Promise<string>((r) => setTimeout(() => r('no question'), 5_000))])).toBe('beforeunload');
  expect(page.isClosed()).toBe(false);
  await context.setOffline(false);
  await expect(saveStatus(page)).toContainText('Saved at', { timeout: 15_000 });

  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByLabel('Last name')).toHaveValue('Taylor-Reid');
  await expect(page.getByLabel('First name')).toHaveValue('Maxi');
});

test('two tabs on one draft: the one behind is told, shown both, and chooses', async ({ page, browser, context }, testInfo) => {
  test.skip(!jsEnabled(testInfo), 'without scripts a posted step replaces only its own answers');
  await startE2ForMax(page, browser, testInfo);
  const second = await context.newPage();
  await open(second, page.url(), testInfo);

  await page.getByLabel('First name').fill('Maximilian');
  await expect(saveStatus(page)).toContainText('Saved at');
  await second.getByLabel('First name').fill('Maxwell');
  const banner = second.getByRole('alert').filter({ hasText: 'changed in another window' });
  await expect(banner).toBeVisible();
  await expect(banner.getByRole('table')).toContainText('Maxwell');
  await expect(banner.getByRole('table')).toContainText('Maximilian');
  await expect(saveStatus(second)).toContainText('Not saved — this form was changed elsewhere');
  await checkAccessibility(second, testInfo);

  await second.getByRole('button', { name: 'Keep the answers here' }).click();
  await expect(saveStatus(second)).toContainText('Saved at');
  await expect(banner).toBeHidden();
  await page.reload();
  await expect(page.getByLabel('First name')).toHaveValue('Maxwell');
});

test('signing out forgets the answers this browser kept while offline', async ({ page, browser }, testInfo) => {
  test.skip(!jsEnabled(testInfo), 'without scripts nothing is kept in the browser');
  await startE2ForMax(page, browser, testInfo);
  // Saves do not get through (the rest of the portal does), so the answers stay in the browser.
  await page.route('**/api/forms/step/save', (route) => route.abort());
  await page.getByLabel('Last name').fill('Taylor-Reid');
  await expect(saveStatus(page)).toContainText('Not saved — your changes are kept in this browser');
  const kept = () =>
    page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('send-portal-draft-')));
  expect(await kept()).toHaveLength(1);
  // Another site's (or another feature's) storage is left alone.
  await page.evaluate(() => localStorage.setItem('unrelated', 'kept'));
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You have signed out');
  // The signed-out page forgets them as soon as it is live.
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  expect(await kept()).toEqual([]);
  expect(await page.evaluate(() => localStorage.getItem('unrelated'))).toBe('kept');

  // An inactivity sign-out lands on the same page, which forgets them too.
  await page.evaluate(() => localStorage.setItem('send-portal-draft-abc-child-details', 'first_name=Max'));
  await open(page, '/signed-out?reason=inactive', testInfo);
  expect(await kept()).toEqual([]);
});
