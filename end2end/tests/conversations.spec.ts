// The family's side of the conversation: the caseworker sends Max's parent a plain message →
// the parent's empty reply is refused with the reason → the parent replies with a file → the
// caseworker finds it under "Replies to read", opens the file's conversation and answers → the
// parent sees the answer. The parent writes to the SEN team unprompted, and finds on Max's page
// who outside the family has opened his record. JavaScript on and off; axe on every page; the
// conversation and the access list at phone width.
import { type Page, type TestInfo } from '@playwright/test';
import { checkAccessibility, expect, expectNoHorizontalScroll, jsEnabled, open, test } from './support';
import { settled, signIn } from './steps';

const CASEWORKER = 'caseworker@example.org';

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

async function atPhoneWidth(page: Page, testInfo: TestInfo, name: string) {
  await page.setViewportSize({ width: 320, height: 800 });
  await expectNoHorizontalScroll(page, testInfo);
  await page.screenshot({ path: testInfo.outputPath(`${name}-320.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
}

test('a caseworker and a parent hold a conversation, with a file, and the parent sees who opened the record', async ({ page, browser }, testInfo) => {
  test.setTimeout(180_000);
  const mode = jsEnabled(testInfo) ? 'scripts on' : 'scripts off';
  const subject = `A visit at home (${mode})`;

  // The caseworker writes to Max's parent from the case page.
  await signIn(page, browser, testInfo, CASEWORKER, 'Cases');
  await page.locator('#cases').getByRole('link', { name: 'Max Taylor' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Max Taylor');
  await settled(page, testInfo);
  const caseUrl = new URL(page.url()).pathname;
  const section = page.locator('form[action$="/messages"]');
  await section.getByLabel('To').selectOption({ label: 'Sam Taylor (parent or carer)' });
  await section.getByLabel('Subject').fill(subject);
  await section.getByLabel('Message', { exact: true }).fill('We would like to visit on Tuesday. Does the morning suit you?');
  await section.getByRole('button', { name: 'Send message' }).click();
  await settled(page, testInfo);
  await expect(page.locator('.govuk-notification-banner--success')).toContainText('Message sent to Sam Taylor');
  await expect(page.locator('#case-messages')).toContainText(subject);
  await checkAccessibility(page, testInfo);

  // The parent, in their own browser, reads it and replies.
  const parentContext = await browser.newContext({ javaScriptEnabled: jsEnabled(testInfo) });
  const parent = await parentContext.newPage();
  try {
    await signIn(parent, browser, testInfo);
    await open(parent, '/messages', testInfo);
    await parent.getByRole('link', { name: subject }).click();
    await expect(parent.getByText('Does the morning suit you?')).toBeVisible();
    await settled(parent, testInfo);
    await checkAccessibility(parent, testInfo);
    await parent.getByRole('button', { name: 'Send reply' }).click();
    await settled(parent, testInfo);
    await expect(parent.locator('.govuk-error-summary')).toContainText('Enter your reply');
    await checkAccessibility(parent, testInfo);
    await parent.getByLabel('Your reply').fill("Tuesday morning is fine. Here is the GP's letter.");
    await parent.getByLabel('Files (optional)').setInputFiles({ name: 'GP letter.pdf', mimeType: 'application/pdf', buffer: PDF });
    await parent.getByRole('button', { name: 'Send reply' }).click();
    await settled(parent, testInfo);
    const replies = parent.locator('.portal-replies');
    await expect(replies).toContainText("Tuesday morning is fine. Here is the GP's letter.");
    await expect(replies.getByRole('link', { name: /GP letter\.pdf/ })).toBeVisible();
    await checkAccessibility(parent, testInfo);
    await atPhoneWidth(parent, testInfo, 'conversation');
    // Printed, the conversation keeps its words and drops the reply form and the buttons.
    await parent.emulateMedia({ media: 'print' });
    await expect(parent.locator('.portal-replies')).toBeVisible();
    await expect(parent.locator('#reply-form')).toBeHidden();
    await expect(parent.locator('.govuk-back-link')).toBeHidden();
    await parent.emulateMedia({ media: 'screen' });

    // The caseworker: "Replies to read" on the dashboard, the file on the conversation.
    await open(page, '/staff', testInfo);
    const toRead = page.locator('#replies-to-read');
    await expect(toRead).toContainText(/Replies to read \(\d+\)/);
    await toRead.getByRole('link', { name: subject }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(subject);
    await settled(page, testInfo);
    await expect(page.locator('.portal-replies')).toContainText('Tuesday morning is fine.');
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: /GP letter\.pdf/ }).click();
    expect((await download).suggestedFilename()).toBe('GP letter.pdf');
    await checkAccessibility(page, testInfo);
    await page.getByLabel('Your reply').fill('Thank you. See you at 10 on Tuesday.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await settled(page, testInfo);
    await expect(page.locator('.portal-replies')).toContainText('See you at 10 on Tuesday.');
    await open(page, caseUrl, testInfo);
    await expect(page.locator('#case-messages')).toContainText(subject);

    // The parent sees the answer, marked unread.
    await open(parent, '/messages', testInfo);
    await expect(parent.locator('.portal-message-list__item--unread').filter({ hasText: subject })).toHaveCount(1);
    await parent.getByRole('link', { name: subject }).click();
    await expect(parent.locator('.portal-replies')).toContainText('See you at 10 on Tuesday.');
    await expect(parent.locator('.portal-replies')).toContainText('Chris Walker, SEN team');

    // The parent writes to the SEN team about Max.
    await open(parent, '/messages', testInfo);
    await parent.getByRole('button', { name: 'Write to the SEN team' }).click();
    await expect(parent.getByRole('heading', { level: 1 })).toHaveText('Write to the SEN team');
    await settled(parent, testInfo);
    await parent.getByRole('group', { name: 'Who is it about?' }).getByLabel('Max Taylor').check();
    await parent.getByLabel('Your message').fill('Max has a new diagnosis from the paediatrician.');
    await parent.getByRole('button', { name: 'Send message' }).click();
    await settled(parent, testInfo);
    await expect(parent.locator('.govuk-error-summary')).toContainText('Enter a subject');
    await expect(parent.getByLabel('Your message')).toHaveValue('Max has a new diagnosis from the paediatrician.');
    await checkAccessibility(parent, testInfo);
    await parent.getByLabel('Subject').fill(`A new diagnosis (${mode})`);
    await parent.getByRole('button', { name: 'Send message' }).click();
    await expect(parent.getByRole('heading', { level: 1 })).toHaveText(`A new diagnosis (${mode})`);
    await open(page, caseUrl, testInfo);
    await expect(page.locator('#case-messages')).toContainText(`A new diagnosis (${mode})`);
    await expect(page.locator('#case-messages')).toContainText('From Sam Taylor');

    // Who has seen Max's record: the caseworker, who opened the case.
    await open(parent, '/send', testInfo);
    await parent.getByRole('link', { name: /Max/ }).first().click();
    await expect(parent.getByRole('heading', { level: 1 })).toHaveText('Max Taylor');
    await settled(parent, testInfo);
    await parent.getByRole('link', { name: 'Who has seen this record' }).click();
    await expect(parent.getByRole('heading', { level: 1 })).toHaveText('Who has seen this record');
    const seen = parent.locator('#seen');
    await expect(seen.getByRole('row').filter({ hasText: 'Opened the case' }).first()).toContainText('Chris Walker');
    await expect(seen).toContainText('SEN team');
    await expect(seen).not.toContainText('Sam Taylor');
    await checkAccessibility(parent, testInfo);
    await atPhoneWidth(parent, testInfo, 'seen');
  } finally {
    await parentContext.close();
  }
});
