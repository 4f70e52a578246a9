// Steps several specs share: signing in, answering questions, the wizard's buttons, and
// Parent/Carer Views filled in from start to Summary.
import { type Browser, type Page, type TestInfo } from '@playwright/test';
import { checkAccessibility, expect, jsEnabled, open } from './support';
import { codeFromMailbox, enterPassword } from './mail';

export const PARENT = 'parent@example.org';
export const PASSWORD = 'demo-portal-2026';

/** Signs in with the password and the emailed code; the demo parent unless told otherwise. */
export async function signIn(
  page: Page,
  browser: Browser,
  testInfo: TestInfo,
  email = PARENT,
  welcome = 'Welcome, Sam Taylor',
) {
  await open(page, '/sign-in', testInfo);
  await enterPassword(page, email, PASSWORD);
  await page.getByLabel('Code').fill(await codeFromMailbox(browser, email));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(welcome);
}

export function group(page: Page, legend: string | RegExp) {
  return page.getByRole('group', { name: legend });
}

export async function choose(page: Page, legend: string | RegExp, answer: string) {
  await group(page, legend).getByLabel(answer, { exact: true }).check();
}

export async function address(scope: ReturnType<Page['getByRole']>, legend: string) {
  const box = scope.getByRole('group', { name: legend });
  await box.getByLabel('Address line 1').fill('12 Mill Lane');
  await box.getByLabel('Town or city').fill('Leeds');
  await box.getByLabel('Postcode').fill('LS1 4AP');
}

export async function saveAndContinue(page: Page) {
  await page.getByRole('button', { name: 'Save and continue' }).click();
}

export async function continueTo(page: Page, heading: string, testInfo: TestInfo) {
  await saveAndContinue(page);
  await expect(page.getByRole('heading', { level: 2, name: heading })).toBeVisible();
  await checkAccessibility(page, testInfo);
}

/** Ticks an area of need, then answers its follow-up question (shown once the tick is saved). */
export async function areaOfNeed(page: Page) {
  await group(page, 'Which areas does your child need help with?').getByLabel('Communication and interaction').check();
  await saveAndContinue(page);
  const followUp = page.getByLabel(/What does your child find difficult about communicating/);
  await expect(followUp).toBeVisible();
  await followUp.fill('Talking in groups.');
}

/** After a plain form post loads a whole new page: with scripts on, wait until it has hydrated
 * (typing into a page that is still hydrating can be undone by it). */
export async function settled(page: Page, testInfo: TestInfo) {
  if (jsEnabled(testInfo)) await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

export async function unreadCount(page: Page): Promise<number> {
  const badge = page.locator('.portal-unread__count');
  return (await badge.count()) === 0 ? 0 : Number(await badge.innerText());
}

/** Ticks both boxes, Accepts, and returns the reference. */
export async function accept(page: Page, first: string, second: string, testInfo: TestInfo) {
  await page.getByRole('button', { name: 'Continue to the declaration' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Declaration' })).toBeVisible();
  await page.getByLabel(first).check();
  await page.getByLabel(second).check();
  await checkAccessibility(page, testInfo);
  await page.getByRole('button', { name: 'Accept' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Form sent');
  const reference = (await page.locator('.govuk-panel__body strong').innerText()).trim();
  expect(reference).toMatch(/^EHC-/);
  return reference;
}

/** Answers every question of Parent/Carer Views from its first step to the Summary. */
export async function fillParentViews(page: Page, testInfo: TestInfo) {
  await page.getByLabel('Your full name').fill('Sam Taylor');
  await choose(page, 'Your relationship to the child', 'Mother');
  await page.getByLabel('Phone number').fill('01632 960 001');
  await choose(page, 'How would you like us to contact you?', 'Messages in this portal');
  await choose(page, 'Did anyone help you fill in this form?', 'No');
  await continueTo(page, 'About your child', testInfo);

  await page.getByLabel('What does your child do well?').fill('Building things.');
  await page.getByLabel('What does your child enjoy doing?').fill('Lego and swimming.');
  await page.getByLabel('What upsets your child, and how can adults help?').fill('Loud noise; a quiet space helps.');
  await choose(page, 'Does your child have any health needs?', 'No');
  await continueTo(page, 'What your child finds hard', testInfo);

  await page.getByLabel("How do your child's needs affect daily life at home?").fill('Mornings are hard.');
  await page.getByLabel('What helps your child at home?').fill('A picture timetable.');
  await areaOfNeed(page);
  await continueTo(page, 'Hopes for the future', testInfo);

  await page.getByLabel("What are your hopes for your child's future?").fill('To enjoy school.');
  await page.getByLabel("What would you like to be different for your child in a year's time?").fill('More friends.');
  await page.getByLabel('What help do you think your child needs to get there?').fill('Speech therapy.');
  await choose(page, 'Would you like to meet your caseworker to talk about your child?', 'Yes');
  await continueTo(page, 'Summary', testInfo);
}
