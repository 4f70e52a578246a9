// The parents' SEND area, as the user guide describes it: the home page with messages and
// service tiles; Scenario 1 (a message from the SEN team → the form it asks for → sent → View
// Details in History); Scenario 2 (Add Person → E1 → sent); a shared draft plan read and
// downloaded; the EHC status diagram at desktop and phone widths. JavaScript on and off.
//
// The js-on and js-off runs share one database (the demo seed), so each step that changes
// something (reading a message, sending a form) is checked relative to what was there before.
import { type Page } from '@playwright/test';
import { checkAccessibility, expect, expectNoHorizontalScroll, jsEnabled, open, test } from './support';
import {
  accept,
  address,
  areaOfNeed,
  choose,
  continueTo,
  fillParentViews,
  group,
  saveAndContinue,
  settled,
  signIn,
  unreadCount,
} from './steps';

test('Scenario 1: a message from the SEN team leads to the form it asks for, sent and in History', async ({ page, browser }, testInfo) => {
  test.setTimeout(120_000);
  await signIn(page, browser, testInfo);

  // Home: the unread count, the newest messages and the service tiles.
  const before = await unreadCount(page);
  await expect(page.locator('.portal-unread')).toContainText(/You have (\d+ unread messages?|no unread messages)/);
  await expect(page.getByRole('link', { name: /^Special Educational Needs and Disabilities/ })).toBeVisible();
  await expect(page.getByRole('link', { name: /^School places/ })).toHaveAttribute('href', 'https://www.example.gov.uk/school-places');
  await checkAccessibility(page, testInfo);
  await page.setViewportSize({ width: 320, height: 800 });
  await expectNoHorizontalScroll(page, testInfo);
  await page.setViewportSize({ width: 1280, height: 800 });

  // The inbox lists every message (home shows only the newest five, and other specs send the
  // demo parent more).
  await open(page, '/messages', testInfo);
  const subject = 'Please give us your views about Max';
  const item = page.getByRole('listitem').filter({ hasText: subject });
  const wasUnread = (await item.getByText('Unread', { exact: true }).count()) > 0;
  await item.getByRole('link', { name: subject }).click();

  // The message names the child, the form and the date.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(subject);
  await expect(page.getByText('Fill in the Parent/Carer Views for Max Taylor.')).toBeVisible();
  // Due in 5 days; or, on the second run over the same database, already sent.
  await expect(page.getByText(/due in 5 days|You sent it on/).first()).toBeVisible();
  await checkAccessibility(page, testInfo);
  await page.getByRole('link', { name: 'Back to messages' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Messages');
  await checkAccessibility(page, testInfo);
  await open(page, '/home', testInfo);
  expect(await unreadCount(page)).toBe(wasUnread ? before - 1 : before);

  // Its button opens exactly that form for Max.
  await open(page, '/messages', testInfo);
  await page.getByRole('link', { name: subject }).click();
  await page.getByRole('button', { name: /^(Start|Continue) Parent\/Carer Views( again)?$/ }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'About you and your child' })).toBeVisible();
  await settled(page, testInfo);
  await expect(page.getByLabel("Your child's first name")).toHaveValue('Max');
  await expect(page.getByLabel("Your child's last name")).toHaveValue('Taylor');
  await fillParentViews(page, testInfo);
  const reference = await accept(
    page,
    'I agree that the information I have given is true',
    'I agree to the council using',
    testInfo,
  );

  // History on Max's page shows it, with View Details.
  await page.getByRole('link', { name: /^Back to Max/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Max Taylor');
  await expect(page.getByRole('table', { name: 'Sent' })).toContainText(reference);
  await checkAccessibility(page, testInfo);
  const sentRow = page.getByRole('row').filter({ hasText: reference });
  await sentRow.getByRole('link', { name: 'View Details of Parent/Carer Views' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Parent/Carer Views');
  await expect(page.getByText('Lego and swimming.')).toBeVisible();

  // The message now says it is done.
  await open(page, '/messages', testInfo);
  await page.getByRole('link', { name: subject }).click();
  await expect(page.getByText(`(reference ${reference})`)).toBeVisible();
});

test('Scenario 2: a parent adds a person and sends E1 for them', async ({ page, browser }, testInfo) => {
  test.setTimeout(150_000);
  await signIn(page, browser, testInfo);
  await page.getByRole('link', { name: /^Special Educational Needs and Disabilities/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your SEND area');
  await expect(page.getByRole('link', { name: /^Ellie Taylor/ })).toBeVisible();
  await expect(page.getByRole('link', { name: /^You \(Sam Taylor\)/ })).toBeVisible();
  await checkAccessibility(page, testInfo);
  await page.setViewportSize({ width: 320, height: 800 });
  await expectNoHorizontalScroll(page, testInfo);
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.getByRole('button', { name: 'Add Person' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Add Person');
  // A mistake is explained and nothing typed is lost.
  const first = jsEnabled(testInfo) ? 'Rosa' : 'Rafe';
  await choose(page, 'Who are you adding?', 'My child, or a child I care for');
  await page.getByLabel('First name').fill(first);
  await group(page, 'Date of birth').getByLabel('Day').fill('30');
  await group(page, 'Date of birth').getByLabel('Month').fill('2');
  await group(page, 'Date of birth').getByLabel('Year').fill('2020');
  await page.getByRole('button', { name: 'Add Person' }).click();
  await settled(page, testInfo);
  const summary = page.locator('.govuk-error-summary');
  await expect(summary).toContainText('Enter their last name');
  await expect(summary).toContainText('Date of birth must be a real date');
  await expect(page.getByLabel('First name')).toHaveValue(first);
  await checkAccessibility(page, testInfo);
  await page.getByLabel('Last name').fill('Taylor');
  await group(page, 'Date of birth').getByLabel('Day').fill('28');
  await page.getByRole('button', { name: 'Add Person' }).click();

  // Their page, with E1 to start.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${first} Taylor`);
  await settled(page, testInfo);
  await expect(page.getByText('Added. You can now fill in forms for them')).toBeVisible();
  await checkAccessibility(page, testInfo);
  await page.getByRole('button', { name: 'Start E1 Parent/Carer/Young Person Application for EHC Assessment' }).click();

  await expect(page.getByRole('heading', { level: 2, name: 'About the child or young person' })).toBeVisible();
  await expect(page.getByLabel('First name', { exact: true })).toHaveValue(first);
  await expect(group(page, 'Date of birth').getByLabel('Year')).toHaveValue('2020');
  await choose(page, 'Who is making this request?', 'A parent, for my child');
  await choose(page, 'Gender', 'Female');
  await address(page.locator('#wizard'), 'Home address');
  await choose(page, 'Ethnic group', 'White');
  await page.getByLabel('First language').fill('English');
  await choose(page, 'Do you or your child need an interpreter to talk with us?', 'No');
  await continueTo(page, 'Parent/Carer details', testInfo);

  const carer = page.getByRole('group', { name: 'Parent or carer 1', exact: true });
  await carer.getByLabel('Full name').fill('Sam Taylor');
  await carer.getByRole('group', { name: 'Relationship to the child or young person' }).getByLabel('Mother', { exact: true }).check();
  await carer.getByRole('group', { name: 'Do they have parental responsibility?' }).getByLabel('Yes', { exact: true }).check();
  await address(carer, 'Address');
  await carer.getByLabel('Phone number').fill('01632 960 001');
  await continueTo(page, 'Education and current support', testInfo);

  await choose(page, 'Does your child go to a school, college or early years setting?', 'No');
  await choose(page, 'Does your child get SEN support at their school or setting?', 'No');
  await page.getByLabel('What help does your child get now?').fill('None yet.');
  await choose(page, 'Has anyone asked for an EHC needs assessment for your child before?', 'No');
  await saveAndContinue(page);
  const reason = page.getByLabel('Why is your child not in a school or setting at the moment?');
  await expect(reason).toBeVisible();
  await reason.fill('She is not yet of school age.');
  await continueTo(page, "Your child's needs", testInfo);

  await page.getByLabel('What is your child good at, and what do they enjoy?').fill('Drawing.');
  await choose(page, 'Does your child have a diagnosis or a medical condition?', 'No');
  await page.getByLabel('Why do you think your child needs an EHC needs assessment?').fill('Her speech is delayed.');
  await areaOfNeed(page);
  await continueTo(page, 'Professionals involved', testInfo);

  await choose(page, 'Does your child have a social worker?', 'No');
  await choose(page, 'Is your child looked after by a council (in care)?', 'No');
  await choose(page, 'Have any other professionals worked with your child?', 'No');
  await continueTo(page, 'Sharing information and documents', testInfo);

  await group(page, 'Who can we ask for advice and share information with?').getByLabel('The educational psychology service').check();
  await choose(page, 'Is the young person aged 16 or over?', 'No');
  await continueTo(page, 'Summary', testInfo);
  const reference = await accept(
    page,
    'I agree that the information I have given is true',
    'I agree to the council using and sharing this information',
    testInfo,
  );
  await page.getByRole('link', { name: /^Back to / }).click();
  await expect(page.getByRole('table', { name: 'Sent' })).toContainText(reference);
  await expect(page.getByRole('link', { name: /View Details of E1/ })).toBeVisible();

  // The new tile says who added it.
  await open(page, '/send', testInfo);
  await expect(page.getByRole('link', { name: new RegExp(`^${first} Taylor`) })).toContainText('Added by you');
});

test('a shared draft plan is read and downloaded from History', async ({ page, browser }, testInfo) => {
  await signIn(page, browser, testInfo);
  await page.getByRole('link', { name: /^Special Educational Needs and Disabilities/ }).click();
  await page.getByRole('link', { name: /^Ellie Taylor/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ellie Taylor');
  const shared = page.getByRole('table', { name: 'Shared with you' });
  await expect(shared).toContainText('Draft EHC plan');
  await shared.getByRole('link', { name: 'View Shared Form – Draft EHC plan for Ellie Taylor' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Draft EHC plan for Ellie Taylor');
  await expect(page.getByText('at least 15 days')).toBeVisible();
  await checkAccessibility(page, testInfo);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: /^Download Ellie Taylor draft EHC plan\.pdf \(PDF/ }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('Ellie Taylor draft EHC plan.pdf');
  await page.getByRole('link', { name: 'Back to Ellie’s page' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ellie Taylor');
});

test('the EHC status diagram shows each stage, at desktop and phone widths', async ({ page, browser }, testInfo) => {
  await signIn(page, browser, testInfo);
  await page.getByRole('link', { name: /^Special Educational Needs and Disabilities/ }).click();
  // Max's advice is overdue: the tile says so.
  await expect(page.getByRole('link', { name: /^Max Taylor/ })).toContainText('Advice gathered – overdue');
  await page.getByRole('link', { name: /^Max Taylor/ }).click();
  await page.getByRole('link', { name: 'See where the EHC needs assessment has got to' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Assessment status');

  // A picture with a one-line summary, and the same in a table.
  const diagram = page.getByRole('img', { name: /^Diagram: 2 of 7 stages done; next: Advice gathered, which is overdue/ });
  await expect(diagram).toBeVisible();
  const table = page.getByRole('table', { name: 'Each stage' });
  await expect(table.getByRole('row', { name: /Request received/ })).toContainText('Done on');
  await expect(table.getByRole('row', { name: /Advice gathered/ })).toContainText('Overdue');
  await expect(table.getByRole('row', { name: /Final plan issued/ })).toContainText('To come');
  await expect(page.getByText('Next: Advice gathered')).toBeVisible();
  await checkAccessibility(page, testInfo);
  await page.screenshot({ path: testInfo.outputPath('status-1280.png'), fullPage: true });

  await page.setViewportSize({ width: 320, height: 800 });
  await expectNoHorizontalScroll(page, testInfo);
  const box = await diagram.boundingBox();
  expect(box?.width ?? 0).toBeLessThanOrEqual(320);
  expect(box?.width ?? 0).toBeGreaterThan(250);
  await checkAccessibility(page, testInfo);
  await page.screenshot({ path: testInfo.outputPath('status-320.png'), fullPage: true });

  // Ellie's draft plan is out: the comment window is shown.
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(page, '/send', testInfo);
  await page.getByRole('link', { name: /^Ellie Taylor/ }).click();
  await page.getByRole('link', { name: 'See where the EHC needs assessment has got to' }).click();
  await expect(page.getByText('Your comments on the draft plan')).toContainText('due in 10 days');
  await expect(page.getByRole('img', { name: /^Diagram: 5 of 7 stages done; next: Final plan issued\./ })).toBeVisible();
});

test('a record that is not there (or not yours) shows Page not found', async ({ page, browser }, testInfo) => {
  await signIn(page, browser, testInfo);
  for (const path of ['/children/not-a-child/status', '/shared/not-a-document', '/messages/not-a-message']) {
    const response = await open(page, path, testInfo);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  }
});
