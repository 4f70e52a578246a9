// The SEN team's dashboard and a case, with a parent in a second browser: the caseworker adds
// a case, links it to the parent and asks for Parent/Carer Views by a date → the parent sends
// it → the caseworker sends it back with a reason → the parent changes it and sends it again →
// the caseworker accepts it, starts the assessment and shares a draft plan → the parent sees
// the new stage on the status diagram and opens the plan. JavaScript on and off (both
// browsers); axe on every page; the dashboard and the case at phone width.
import { type Page, type TestInfo } from '@playwright/test';
import { checkAccessibility, expect, expectNoHorizontalScroll, jsEnabled, open, test } from './support';
import { accept, choose, continueTo, fillParentViews, settled, signIn } from './steps';

const CASEWORKER = 'caseworker@example.org';

/** A minimal PDF (the portal checks a file's content, not its name). */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

async function banner(page: Page, text: string | RegExp, testInfo: TestInfo) {
  await settled(page, testInfo);
  await expect(page.locator('.govuk-notification-banner--success')).toContainText(text);
  await checkAccessibility(page, testInfo);
}

async function atPhoneWidth(page: Page, testInfo: TestInfo) {
  await page.setViewportSize({ width: 320, height: 800 });
  await expectNoHorizontalScroll(page, testInfo);
  await page.screenshot({ path: testInfo.outputPath(`${new URL(page.url()).pathname.split('/')[1]}-320.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
}

test('a caseworker and a parent take a request from Parent/Carer Views to a shared draft plan', async ({ page, browser }, testInfo) => {
  test.setTimeout(240_000);
  const first = jsEnabled(testInfo) ? 'Isla' : 'Iris';
  const child = `${first} Quinn`;

  // The caseworker's dashboard.
  await signIn(page, browser, testInfo, CASEWORKER, 'Cases');
  await expect(page.locator('#case-count')).toContainText(/open cases?/);
  await expect(page.getByRole('link', { name: 'Max Taylor' })).toBeVisible();
  await checkAccessibility(page, testInfo);
  await atPhoneWidth(page, testInfo);
  await page.getByLabel('Show').selectOption({ label: 'Overdue only' });
  await page.getByRole('button', { name: 'Find cases' }).click();
  await expect(page.getByRole('link', { name: 'Max Taylor' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Ellie Taylor' })).toHaveCount(0);
  await checkAccessibility(page, testInfo);

  // A new case, with a mistake explained first.
  await page.getByRole('button', { name: 'Add a case' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Add a case');
  await settled(page, testInfo);
  await page.getByLabel('First name').fill(first);
  await page.getByRole('button', { name: 'Add the case' }).click();
  await settled(page, testInfo);
  await expect(page.locator('.govuk-error-summary')).toContainText('Enter their last name');
  await expect(page.getByLabel('First name')).toHaveValue(first);
  await checkAccessibility(page, testInfo);
  await page.getByLabel('Last name').fill('Quinn');
  await page.getByLabel('Day').fill('14');
  await page.getByLabel('Month').fill('6');
  await page.getByLabel('Year').fill('2017');
  await page.getByRole('button', { name: 'Add the case' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(child);
  const caseUrl = new URL(page.url()).pathname;
  await settled(page, testInfo);
  await checkAccessibility(page, testInfo);

  // Linked to the parent by email, then Parent/Carer Views asked for.
  await page.getByLabel('Email address').fill('parent@example.org');
  await choose(page, 'They are', 'A parent or carer');
  await page.getByRole('button', { name: 'Link', exact: true }).click();
  await banner(page, `Sam Taylor is now linked to ${first} and has been told`, testInfo);
  await page.getByLabel('Form', { exact: true }).selectOption({ label: 'Parent/Carer Views' });
  await page.getByLabel('Who should fill it in').selectOption({ label: 'Sam Taylor (parent or carer)' });
  await page.getByLabel('Message (optional)').fill(`We would like to hear about ${first} at home.`);
  await page.getByRole('button', { name: 'Send request' }).click();
  await banner(page, /Sam Taylor has been asked for Parent\/Carer Views by/, testInfo);
  await atPhoneWidth(page, testInfo);

  // The parent, in their own browser, sends it.
  const parentContext = await browser.newContext({ javaScriptEnabled: jsEnabled(testInfo) });
  const parent = await parentContext.newPage();
  try {
    await signIn(parent, browser, testInfo);
    await open(parent, '/messages', testInfo);
    await parent.getByRole('link', { name: `Please fill in Parent/Carer Views for ${first}` }).click();
    await expect(parent.getByText(`We would like to hear about ${first} at home.`)).toBeVisible();
    await parent.getByRole('button', { name: /^(Start|Continue) Parent\/Carer Views/ }).click();
    await expect(parent.getByRole('heading', { level: 2, name: 'About you and your child' })).toBeVisible();
    await settled(parent, testInfo);
    await expect(parent.getByLabel("Your child's first name")).toHaveValue(first);
    await fillParentViews(parent, testInfo);
    const firstReference = await accept(parent, 'I agree that the information I have given is true', 'I agree to the council using', testInfo);

    // The caseworker sends it back with a reason.
    await open(page, caseUrl, testInfo);
    const sent = page.locator('#case-submissions li').filter({ hasText: firstReference });
    await expect(sent).toContainText('Awaiting review');
    await sent.getByRole('link', { name: 'Parent/Carer Views' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Parent/Carer Views');
    await expect(page.getByText('Lego and swimming.')).toBeVisible();
    await settled(page, testInfo);
    await checkAccessibility(page, testInfo);
    await page.getByRole('button', { name: 'Send back' }).click();
    await settled(page, testInfo);
    await expect(page.locator('.govuk-error-summary')).toContainText('Say what needs changing');
    await page.getByLabel('What needs changing').fill('Please say what helps at bedtime.');
    await page.getByRole('button', { name: 'Send back' }).click();
    await banner(page, `has been sent back to Sam Taylor with your reason`, testInfo);

    // The parent reads why, and finds every answer kept in a new draft.
    await open(parent, '/messages', testInfo);
    await parent.getByRole('link', { name: 'Please change and send again: Parent/Carer Views' }).first().click();
    await expect(parent.getByText('Please say what helps at bedtime.')).toBeVisible();
    await checkAccessibility(parent, testInfo);
    await parent.getByRole('button', { name: /^(Start|Continue) Parent\/Carer Views/ }).click();
    await expect(parent.getByRole('heading', { level: 2, name: 'About you and your child' })).toBeVisible();
    await settled(parent, testInfo);
    await expect(parent.getByLabel('Your full name')).toHaveValue('Sam Taylor');
    await continueTo(parent, 'About your child', testInfo);
    await expect(parent.getByLabel('What does your child enjoy doing?')).toHaveValue('Lego and swimming.');
    await continueTo(parent, 'What your child finds hard', testInfo);
    await parent.getByLabel('What helps your child at home?').fill('A picture timetable, and a night light at bedtime.');
    await continueTo(parent, 'Hopes for the future', testInfo);
    await continueTo(parent, 'Summary', testInfo);
    const secondReference = await accept(parent, 'I agree that the information I have given is true', 'I agree to the council using', testInfo);
    expect(secondReference).not.toBe(firstReference);

    // The caseworker accepts it (both stay in the history), starts the assessment and shares
    // a draft plan with the parent.
    await open(page, caseUrl, testInfo);
    await expect(page.locator('#case-submissions li').filter({ hasText: firstReference })).toContainText('Sent back');
    const resent = page.locator('#case-submissions li').filter({ hasText: secondReference });
    await resent.getByRole('link', { name: 'Parent/Carer Views' }).click();
    await expect(page.getByText('a night light at bedtime')).toBeVisible();
    await settled(page, testInfo);
    await page.getByRole('button', { name: 'Accept' }).click();
    await banner(page, `Parent/Carer Views ${secondReference} is accepted`, testInfo);
    await page.getByRole('button', { name: 'Start the assessment' }).click();
    await banner(page, /Recorded: Request received on/, testInfo);
    await expect(page.locator('#case-next')).toContainText('Decision whether to assess by');
    await choose(page, 'What is it?', 'Draft EHC plan');
    await page.getByLabel('Title').fill(`Draft EHC plan for ${first}`);
    await page.getByLabel('Text').fill(`Section A: ${first} loves drawing and music.`);
    await page.getByLabel('File (optional)').setInputFiles({ name: 'draft-plan.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByLabel('Sam Taylor (parent or carer)').check();
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    await banner(page, `Draft EHC plan for ${first} is shared with Sam Taylor`, testInfo);
    await expect(page.locator('#case-history')).toContainText('Shared a document');
    await expect(page.locator('#case-history')).toContainText('Recorded a stage of the assessment');
    await expect(page.locator('#case-history')).toContainText('Sent a form back to be changed');

    // The parent sees the new stage on the status diagram and opens the draft plan.
    await open(parent, '/send', testInfo);
    await parent.getByRole('link', { name: new RegExp(`^${child}`) }).click();
    await expect(parent.getByRole('heading', { level: 1 })).toHaveText(child);
    await settled(parent, testInfo);
    await parent.getByRole('link', { name: 'See where the EHC needs assessment has got to' }).click();
    await expect(parent.getByRole('heading', { level: 1 })).toHaveText('Assessment status');
    await expect(parent.getByText('Next: Decision whether to assess')).toBeVisible();
    await checkAccessibility(parent, testInfo);
    await parent.goBack();
    await expect(parent.getByRole('heading', { level: 1 })).toHaveText(child);
    // History's three columns fit a phone, shared documents and all.
    await atPhoneWidth(parent, testInfo);
    await parent.getByRole('link', { name: `View Shared Form – Draft EHC plan for ${first}` }).click();
    await expect(parent.getByRole('heading', { level: 1 })).toHaveText(`Draft EHC plan for ${first}`);
    await expect(parent.getByText(`Section A: ${first} loves drawing and music.`)).toBeVisible();
    await expect(parent.getByRole('link', { name: /draft-plan\.pdf/ })).toBeVisible();
    await checkAccessibility(parent, testInfo);
  } finally {
    await parentContext.close();
  }
});

test('a parent who opens the SEN team dashboard is refused', async ({ page, browser }, testInfo) => {
  await signIn(page, browser, testInfo);
  const refused = await open(page, '/staff', testInfo);
  expect(refused?.status()).toBe(403);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You do not have access to this page');
  await checkAccessibility(page, testInfo);
});

test('a caseworker asks for advice, and the family sees which services were asked', async ({ page, browser }, testInfo) => {
  await signIn(page, browser, testInfo, CASEWORKER, 'Cases');
  await page.getByRole('link', { name: 'Ellie Taylor' }).click();
  await settled(page, testInfo);
  const child = new URL(page.url()).pathname.split('/').pop();
  await page.getByRole('link', { name: 'Advice asked for' }).click();

  // Nobody chosen to ask: explained, and what was typed is still there.
  const note = `Please see Ellie in class (${testInfo.project.name})`;
  await page.getByLabel('Kind of advice').selectOption('psychological');
  await page.locator('#advice-note').fill(note);
  await page.getByRole('button', { name: 'Ask for advice' }).click();
  await settled(page, testInfo);
  await expect(page.locator('.govuk-error-summary')).toContainText('Choose who to ask for advice');
  await expect(page.locator('#advice-note')).toHaveValue(note);
  await expect(page.getByLabel('Kind of advice')).toHaveValue('psychological');
  await checkAccessibility(page, testInfo);

  // A named psychologist in the service, due 6 weeks from today as offered.
  await page.getByLabel('Ask', { exact: true }).selectOption({ label: 'Educational Psychology Service' });
  await page.getByLabel('Who there').selectOption({ label: 'Dr Dana Okafor' });
  await page.getByRole('button', { name: 'Ask for advice' }).click();
  await banner(page, 'Educational psychology advice has been asked of Dr Dana Okafor at Educational Psychology Service', testInfo);
  const requests = page.locator('#advice-requests');
  await expect(requests).toContainText('Dr Dana Okafor, Educational Psychology Service');
  await expect(requests).toContainText('due in 42 days');
  await atPhoneWidth(page, testInfo);

  // The parent sees the service asked, never the psychologist's name.
  const parentContext = await browser.newContext({ javaScriptEnabled: jsEnabled(testInfo) });
  const parent = await parentContext.newPage();
  await signIn(parent, browser, testInfo);
  await open(parent, `/children/${child}/status`, testInfo);
  const list = parent.locator('#advice-list');
  await expect(list).toContainText('Educational psychology advice');
  await expect(list).toContainText('Educational Psychology Service');
  await expect(list).toContainText('waiting');
  await expect(list).not.toContainText('Dana Okafor');
  await checkAccessibility(parent, testInfo);
  await parentContext.close();
});
