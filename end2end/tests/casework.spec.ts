// The SEN team's dashboard and a case, with a parent in a second browser: the caseworker adds
// a case, links it to the parent and asks for Parent/Carer Views by a date → the parent sends
// it → the caseworker sends it back with a reason → the parent changes it and sends it again →
// the caseworker accepts it, starts the assessment and shares a draft plan → the parent sees
// the new stage on the status diagram and opens the plan. And advice: the caseworker asks the
// psychologist → she picks it up from her caseload, writes it over two sittings and sends it →
// it is returned with a reason, changed, sent and accepted → the parent sees it received.
// JavaScript on and off (both browsers); axe on every page; the dashboard, the case and the
// caseload at phone width.
import { type Browser, type Page, type TestInfo } from '@playwright/test';
import { checkAccessibility, expect, expectNoHorizontalScroll, jsEnabled, open, test } from './support';
import { accept, choose, continueTo, fillParentViews, saveAndContinue, settled, signIn } from './steps';

const CASEWORKER = 'caseworker@example.org';
const PSYCHOLOGIST = 'psychologist@example.org';
const ADVICE_FORM = 'Educational psychology advice for an EHC needs assessment';

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
  await expect(page.locator('#cases').getByRole('link', { name: 'Max Taylor' })).toBeVisible();
  await checkAccessibility(page, testInfo);
  await atPhoneWidth(page, testInfo);
  await page.getByLabel('Show').selectOption({ label: 'Overdue only' });
  await page.getByRole('button', { name: 'Find cases' }).click();
  await expect(page.locator('#cases').getByRole('link', { name: 'Max Taylor' })).toBeVisible();
  await expect(page.locator('#cases').getByRole('link', { name: 'Ellie Taylor' })).toHaveCount(0);
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

/** The psychologist, in a browser of their own, signed in at their caseload. */
async function psychologistAt(browser: Browser, testInfo: TestInfo) {
  const context = await browser.newContext({ javaScriptEnabled: jsEnabled(testInfo) });
  const page = await context.newPage();
  await signIn(page, browser, testInfo, PSYCHOLOGIST, 'Your caseload');
  await settled(page, testInfo);
  return { context, page };
}

/** How many of the family's advice items are educational psychology advice received. */
async function psychologyReceived(parent: Page) {
  return parent.locator('#advice-list li').filter({ hasText: 'Educational psychology advice' }).filter({ hasText: 'received' }).count();
}

test('a caseworker asks for advice; a psychologist picks it up, writes it over two sittings and sends it; it is returned, changed and accepted; the family sees it received', async ({ page, browser }, testInfo) => {
  test.setTimeout(180_000);
  await signIn(page, browser, testInfo, CASEWORKER, 'Cases');
  await page.locator('#cases').getByRole('link', { name: 'Ellie Taylor' }).click();
  await settled(page, testInfo);
  const caseUrl = new URL(page.url()).pathname;
  const child = caseUrl.split('/').pop();
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
  const receivedBefore = await psychologyReceived(parent);
  await checkAccessibility(parent, testInfo);

  // The psychologist finds it on their caseload and picks it up: the advice form opens with
  // Ellie's details filled in. They answer the first step and stop for the day.
  let psychologist = await psychologistAt(browser, testInfo);
  let psy = psychologist.page;
  try {
    let request = psy.locator('.portal-caseload-request').filter({ hasText: note });
    await expect(request).toContainText('Asked of you at Educational Psychology Service');
    await expect(request).toContainText('due in 42 days');
    await checkAccessibility(psy, testInfo);
    await atPhoneWidth(psy, testInfo);
    await request.getByRole('button', { name: /Pick up and start/ }).click();
    await expect(psy.getByRole('heading', { level: 2, name: 'About this advice' })).toBeVisible();
    await settled(psy, testInfo);
    await expect(psy.getByLabel('First name')).toHaveValue('Ellie');
    await checkAccessibility(psy, testInfo);
    await psy.getByLabel('Your full name').fill('Dr Dana Okafor');
    await psy.getByLabel('Your role').fill('Educational psychologist');
    await psy.getByLabel('Phone number').fill('01632 960 123');
    await psy.getByLabel('How do you know the child or young person?').fill('I saw Ellie in class twice this term.');
    await continueTo(psy, 'Your assessment', testInfo);
    await psychologist.context.close();

    // The next day: Continue from the caseload opens the step they had reached.
    psychologist = await psychologistAt(browser, testInfo);
    psy = psychologist.page;
    request = psy.locator('.portal-caseload-request').filter({ hasText: note });
    await expect(request).toContainText('You are writing it');
    await request.getByRole('button', { name: 'Continue the advice' }).click();
    await expect(psy.getByRole('heading', { level: 2, name: 'Your assessment' })).toBeVisible();
    await settled(psy, testInfo);
    await psy.getByLabel('Which assessments did you carry out or use?').fill('Observation in class and a consultation with her teacher.');
    await psy.getByLabel('How did you find out the views of the child or young person?').fill('We talked while drawing.');
    await psy.getByLabel('A summary of your findings').fill('Ellie learns best with pictures and short tasks.');
    await continueTo(psy, 'Needs, outcomes and provision', testInfo);
    await choose(psy, 'Does the child or young person have needs in communication and interaction?', 'No');
    await choose(psy, 'Does the child or young person have needs in cognition and learning?', 'Yes');
    await choose(psy, 'Does the child or young person have needs in social, emotional and mental health?', 'No');
    await choose(psy, 'Does the child or young person have needs in sensory and/or physical?', 'No');
    await saveAndContinue(psy);
    await expect(psy.getByLabel('Their needs')).toBeVisible();
    await psy.getByLabel('Their needs').fill('Ellie reads two years behind her age.');
    await psy.getByLabel('The outcomes they should work towards').fill('To read a short book on her own by the end of Year 4.');
    await psy.getByLabel('The provision that will meet these needs').fill('Daily precision teaching, 10 minutes, with a trained assistant.');
    await checkAccessibility(psy, testInfo);
    await continueTo(psy, 'Reports and anything else', testInfo);
    await continueTo(psy, 'Summary', testInfo);
    const first = await sendAdvice(psy, testInfo);

    // The caseworker returns it with a reason.
    await open(page, caseUrl, testInfo);
    await expect(page.locator('#advice-requests')).toContainText('sent on');
    const sent = page.locator('#case-submissions li').filter({ hasText: first });
    await expect(sent).toContainText('Awaiting review');
    await sent.getByRole('link', { name: ADVICE_FORM }).click();
    await expect(page.getByText('Daily precision teaching')).toBeVisible();
    await settled(page, testInfo);
    await page.getByLabel('What needs changing').fill('Please say who will train the assistant.');
    await page.getByRole('button', { name: 'Send back' }).click();
    await banner(page, 'has been sent back to Dr Dana Okafor with your reason', testInfo);

    // The psychologist changes it and sends it again.
    await open(psy, '/professional', testInfo);
    request = psy.locator('.portal-caseload-request').filter({ hasText: note });
    await expect(request).toContainText('sent it back to you to change');
    await request.getByRole('button', { name: 'Change and send again' }).click();
    await expect(psy.getByRole('heading', { level: 2, name: 'About this advice' })).toBeVisible();
    await settled(psy, testInfo);
    await expect(psy.getByLabel('Your role')).toHaveValue('Educational psychologist');
    await continueTo(psy, 'Your assessment', testInfo);
    await continueTo(psy, 'Needs, outcomes and provision', testInfo);
    await psy.getByLabel('The provision that will meet these needs').fill('Daily precision teaching, 10 minutes, with an assistant trained by the educational psychology service.');
    await continueTo(psy, 'Reports and anything else', testInfo);
    await continueTo(psy, 'Summary', testInfo);
    const second = await sendAdvice(psy, testInfo);
    expect(second).not.toBe(first);

    // Accepted: received today.
    await open(page, caseUrl, testInfo);
    const resent = page.locator('#case-submissions li').filter({ hasText: second });
    await resent.getByRole('link', { name: ADVICE_FORM }).click();
    await expect(page.getByText('trained by the educational psychology service')).toBeVisible();
    await settled(page, testInfo);
    await page.getByRole('button', { name: 'Accept' }).click();
    await banner(page, `${ADVICE_FORM} ${second} is accepted`, testInfo);
    await open(psy, '/professional', testInfo);
    await expect(psy.locator('.portal-caseload-request').filter({ hasText: note })).toContainText('Received on');
    await checkAccessibility(psy, testInfo);
  } finally {
    await psychologist.context.close();
  }

  // The family sees "Educational psychology advice — received".
  await open(parent, `/children/${child}/status`, testInfo);
  expect(await psychologyReceived(parent)).toBe(receivedBefore + 1);
  await expect(parent.locator('#advice-list')).not.toContainText('Dana Okafor');
  await checkAccessibility(parent, testInfo);
  await parentContext.close();
});

/** From the Summary: the declaration's box ticked, Accept; returns the reference. */
async function sendAdvice(page: Page, testInfo: TestInfo) {
  await page.getByRole('button', { name: 'Continue to the declaration' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Declaration' })).toBeVisible();
  await page.getByLabel('I agree that this advice is accurate').check();
  await checkAccessibility(page, testInfo);
  await page.getByRole('button', { name: 'Accept' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Form sent');
  const reference = (await page.locator('.govuk-panel__body strong').innerText()).trim();
  expect(reference).toMatch(/^EHC-/);
  return reference;
}

test('a caseworker consults a school on the draft plan; the SENCo reads it and answers with reasons', async ({ page, browser }, testInfo) => {
  test.setTimeout(120_000);
  const note = `The family asked for Oakfield (${testInfo.project.name})`;
  await signIn(page, browser, testInfo, CASEWORKER, 'Cases');
  await page.locator('#cases').getByRole('link', { name: 'Ellie Taylor' }).click();
  await settled(page, testInfo);
  const caseUrl = new URL(page.url()).pathname;
  await page.getByRole('link', { name: 'Consultation with schools' }).click();
  await page.getByRole('button', { name: 'Consult', exact: true }).click();
  await settled(page, testInfo);
  await expect(page.locator('.govuk-error-summary')).toContainText('Choose the school or setting to consult');
  await checkAccessibility(page, testInfo);
  await page.getByLabel('School or setting the family asked for').selectOption({ label: 'Oakfield Primary School' });
  await page.getByLabel('Draft plan to send').selectOption({ label: 'Draft EHC plan for Ellie Taylor' });
  await page.locator('#consult-note').fill(note);
  await page.getByRole('button', { name: 'Consult', exact: true }).click();
  await banner(page, 'Oakfield Primary School has been consulted on the draft plan', testInfo);
  await expect(page.locator('#consultations')).toContainText('due in 15 days');

  // The SENCo, in a browser of their own, reads the plan and answers from the caseload.
  const context = await browser.newContext({ javaScriptEnabled: jsEnabled(testInfo) });
  const senco = await context.newPage();
  try {
    await signIn(senco, browser, testInfo, 'senco@example.org', 'Your caseload');
    await settled(senco, testInfo);
    const item = senco.locator('.portal-caseload-request').filter({ hasText: note });
    await expect(item).toContainText('Consultation on a draft EHC plan');
    await item.getByRole('link', { name: 'Read Draft EHC plan for Ellie Taylor' }).click();
    await expect(senco.getByRole('heading', { level: 1 })).toHaveText('Draft EHC plan for Ellie Taylor');
    await checkAccessibility(senco, testInfo);
    await open(senco, '/professional', testInfo);
    await senco.locator('.portal-caseload-request').filter({ hasText: note }).getByRole('button', { name: 'Answer the consultation' }).click();
    await expect(senco.getByRole('heading', { level: 1 })).toHaveText('Consultation on a draft EHC plan');
    await settled(senco, testInfo);
    await senco.getByLabel('Your reasons').fill('We have a speech and language unit on site.');
    await senco.getByRole('button', { name: 'Send your answer' }).click();
    await expect(senco.locator('.govuk-error-summary')).toContainText('Choose whether Oakfield Primary School can meet the needs');
    await expect(senco.getByLabel('Your reasons')).toHaveValue('We have a speech and language unit on site.');
    await checkAccessibility(senco, testInfo);
    await atPhoneWidth(senco, testInfo);
    await senco.getByLabel('Can meet the needs').check();
    await senco.getByRole('button', { name: 'Send your answer' }).click();
    await expect(senco.getByRole('heading', { level: 1 })).toHaveText('Your caseload');
    await expect(senco.locator('.portal-caseload-request').filter({ hasText: note })).toContainText('answered on');
  } finally {
    await context.close();
  }

  await open(page, caseUrl, testInfo);
  const answered = page.locator('#consultations tr').filter({ hasText: 'We have a speech and language unit on site.' });
  await expect(answered.first()).toContainText('Can meet the needs');
  await checkAccessibility(page, testInfo);
});

test('a SENCo asks for an assessment for a new pupil; the case starts and the parent is asked for consent', async ({ page, browser }, testInfo) => {
  test.setTimeout(120_000);
  const first = jsEnabled(testInfo) ? 'Noah' : 'Nia';
  await signIn(page, browser, testInfo, 'senco@example.org', 'Your caseload');
  await settled(page, testInfo);
  await page.getByRole('button', { name: 'Ask for an EHC needs assessment' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ask for an EHC needs assessment');
  await settled(page, testInfo);
  await page.getByLabel('First name').fill(first);
  await page.getByRole('button', { name: 'Start the request' }).click();
  await settled(page, testInfo);
  await expect(page.locator('.govuk-error-summary')).toContainText('Enter their last name');
  await expect(page.locator('.govuk-error-summary')).toContainText('Choose which request you are making');
  await expect(page.getByLabel('First name')).toHaveValue(first);
  await checkAccessibility(page, testInfo);
  await atPhoneWidth(page, testInfo);
  await page.getByLabel('Last name').fill('Patel');
  await page.getByLabel('Day', { exact: true }).fill('1');
  await page.getByLabel('Month', { exact: true }).fill('9');
  await page.getByLabel('Year', { exact: true }).fill('2016');
  await page.getByLabel("Their parent's or carer's email address").fill('parent@example.org');
  await page.getByLabel(/^School Request/).check();
  await page.getByRole('button', { name: 'Start the request' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('School Request for EHC Assessment');
  await expect(page.getByRole('heading', { level: 2, name: 'Your school' })).toBeVisible();
  await checkAccessibility(page, testInfo);

  // The parent, in a browser of their own, is asked for consent and starts E2 for the pupil.
  const context = await browser.newContext({ javaScriptEnabled: jsEnabled(testInfo) });
  const parent = await context.newPage();
  try {
    await signIn(parent, browser, testInfo);
    await open(parent, '/messages', testInfo);
    await parent.getByRole('link', { name: `Your consent for an EHC needs assessment for ${first}` }).click();
    await checkAccessibility(parent, testInfo);
    await parent.getByRole('button', { name: /^(Start|Continue) E2 Parental Consent/ }).click();
    await expect(parent.getByRole('heading', { level: 1 })).toHaveText('E2 Parental Consent');
  } finally {
    await context.close();
  }

  // The SEN team sees the new case, its clock not yet started.
  const staffContext = await browser.newContext({ javaScriptEnabled: jsEnabled(testInfo) });
  const staff = await staffContext.newPage();
  try {
    await signIn(staff, browser, testInfo, CASEWORKER, 'Cases');
    await staff.getByLabel('Name, date of birth or reference').fill(first);
    await staff.getByRole('button', { name: 'Find cases' }).click();
    await expect(staff.locator('#cases')).toContainText(`${first} Patel`);
    await expect(staff.locator('#cases')).toContainText('Request not yet recorded');
  } finally {
    await staffContext.close();
  }
});
