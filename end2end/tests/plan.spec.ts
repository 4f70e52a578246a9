// The draft EHC plan reviewed in the portal: Ellie's parent opens the draft from her page,
// reads it section by section, is refused an empty comment, comments on section F, names the
// school they would like and asks for a meeting → the caseworker finds the comment on the case,
// answers "not changed" with the reason (refused without one) → the parent sees the answer
// under section F, and the status page shows the 15 days and the week-20 deadline. JavaScript
// on and off; axe on every page; the plan at phone width and printed.
import { type Page, type TestInfo } from '@playwright/test';
import { checkAccessibility, expect, expectNoHorizontalScroll, jsEnabled, open, test } from './support';
import { settled, signIn } from './steps';

const CASEWORKER = 'caseworker@example.org';

async function atPhoneWidth(page: Page, testInfo: TestInfo, name: string) {
  await page.setViewportSize({ width: 320, height: 800 });
  await expectNoHorizontalScroll(page, testInfo);
  await page.screenshot({ path: testInfo.outputPath(`${name}-320.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
}

test('a parent comments on section F of the draft plan and sees the caseworker’s answer', async ({ page, browser }, testInfo) => {
  test.setTimeout(180_000);
  const mode = jsEnabled(testInfo) ? 'scripts on' : 'scripts off';
  const comment = `Ellie needs the literacy sessions every day (${mode}).`;

  // The parent opens the draft from Ellie's page.
  await signIn(page, browser, testInfo);
  await open(page, '/send', testInfo);
  await page.getByRole('link', { name: /Ellie/ }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ellie Taylor');
  await settled(page, testInfo);
  await expect(page.locator('#child-plans')).toContainText('You can comment until');
  await page.locator('#child-plans').getByRole('link', { name: /Draft EHC plan, issued/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Draft EHC plan');
  await settled(page, testInfo);
  const planUrl = new URL(page.url()).pathname;
  await expect(page.locator('#section-f')).toContainText('multi-sensory literacy programme');
  await expect(page.locator('#section-i')).toContainText('Left empty in a draft plan');
  await checkAccessibility(page, testInfo);
  // A copy to keep, as a PDF made by the server.
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download a copy to keep (PDF)' }).click();
  const pdf = await download;
  expect(pdf.suggestedFilename()).toBe('Draft EHC plan for Ellie Taylor.pdf');
  await pdf.saveAs(testInfo.outputPath('draft-plan.pdf'));

  // An empty comment is refused at its box; then the comment on F is kept.
  const f = page.locator('#section-f');
  await f.getByText('Comment on section F', { exact: true }).click();
  await f.getByRole('button', { name: 'Send comment on section F' }).click();
  await settled(page, testInfo);
  await expect(page.locator('.govuk-error-summary')).toContainText('Write your comment');
  await checkAccessibility(page, testInfo);
  await page.locator('.govuk-error-summary').getByRole('link', { name: 'Write your comment' }).click();
  await expect(page.getByLabel('Your comment on section F')).toBeFocused();
  await page.getByLabel('Your comment on section F').fill(comment);
  await page.locator('#section-f').getByRole('button', { name: 'Send comment on section F' }).click();
  await settled(page, testInfo);
  const mine = page.locator('#section-f .portal-plan-comment').filter({ hasText: comment });
  await expect(mine).toContainText('Not answered yet');

  // The school they would like, and a meeting.
  await page.getByRole('group', { name: 'What kind of school or setting is it?' }).getByLabel('An academy, including a free school').check();
  await page.getByLabel('Its name').fill('Riverside Academy');
  await page.getByRole('button', { name: 'Send the school or setting you would like' }).click();
  await settled(page, testInfo);
  await expect(page.locator('#setting')).toContainText('You asked for Riverside Academy to be named');
  await page.getByLabel('What would you like to talk about? (optional)').fill('Section F, the reading help.');
  await page.getByRole('button', { name: 'Ask for a meeting' }).click();
  await settled(page, testInfo);
  await expect(page.locator('#meeting')).toContainText('You asked for a meeting');
  await checkAccessibility(page, testInfo);
  await atPhoneWidth(page, testInfo, 'draft-plan');
  // Printed, the plan keeps its sections and drops the comment boxes.
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('#section-f')).toBeVisible();
  await expect(page.locator('#section-f details')).toBeHidden();
  await page.emulateMedia({ media: 'screen' });

  // The status page: the 15 days, and the week-20 deadline.
  await open(page, '/send', testInfo);
  await page.getByRole('link', { name: /Ellie/ }).first().click();
  await settled(page, testInfo);
  await page.getByRole('link', { name: 'See where the EHC needs assessment has got to' }).click();
  await expect(page.locator('#plan-dates')).toContainText('You have until');
  await expect(page.locator('#plan-dates')).toContainText('The final plan must be issued by');
  await checkAccessibility(page, testInfo);

  // The caseworker answers it from the case: a "not changed" needs the reason.
  const staffContext = await browser.newContext({ javaScriptEnabled: jsEnabled(testInfo) });
  const staff = await staffContext.newPage();
  try {
    await signIn(staff, browser, testInfo, CASEWORKER, 'Cases');
    await staff.locator('#cases').getByRole('link', { name: 'Ellie Taylor' }).click();
    await expect(staff.getByRole('heading', { level: 1 })).toHaveText('Ellie Taylor');
    await settled(staff, testInfo);
    await expect(staff.locator('#case-plan')).toContainText(/comments? waits? for an answer/);
    await staff.getByRole('link', { name: 'Open the draft plan' }).click();
    await expect(staff.getByRole('heading', { level: 1 })).toHaveText('EHC plan for Ellie Taylor');
    await settled(staff, testInfo);
    await expect(staff.locator('#plan-requests')).toContainText('Sam Taylor would like Riverside Academy named');
    await checkAccessibility(staff, testInfo);
    await staff.screenshot({ path: testInfo.outputPath('staff-plan.png'), fullPage: true });
    const ours = staff.locator('.portal-plan-comment').filter({ hasText: comment });
    await expect(ours).toBeVisible();
    const answerForm = ours.locator('xpath=following-sibling::li[1]').locator('form');
    await answerForm.getByLabel('Not changed').check();
    await answerForm.getByRole('button', { name: 'Send the answer' }).click();
    await settled(staff, testInfo);
    await expect(staff.locator('.govuk-error-summary')).toContainText('Say why the plan is not changed');
    await checkAccessibility(staff, testInfo);
    const again = staff.locator('.portal-plan-comment').filter({ hasText: comment }).locator('xpath=following-sibling::li[1]').locator('form');
    await again.getByLabel('Not changed').check();
    await again.getByLabel('What changed, or why not').fill(`Three sessions is what the psychologist advised (${mode}).`);
    await again.getByRole('button', { name: 'Send the answer' }).click();
    await settled(staff, testInfo);
    await expect(staff.locator('.govuk-notification-banner--success')).toContainText('Answered: the plan is not changed');

    // The parent sees the answer under section F.
    await open(page, planUrl, testInfo);
    const answered = page.locator('#section-f .portal-plan-comment').filter({ hasText: comment });
    await expect(answered).toContainText('Not changed');
    await expect(answered).toContainText(`Three sessions is what the psychologist advised (${mode}).`);
    await checkAccessibility(page, testInfo);
  } finally {
    await staffContext.close();
  }
});
