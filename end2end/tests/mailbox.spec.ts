// The development mailbox: where a newcomer (and every test) reads the portal's email.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { baseURL, dataDir } from '../playwright.config';
import { checkAccessibility, expect, open, test } from './support';

// An email as lettre's file transport writes it, dropped into this run's outbox.
function dropEmail(id: string, to: string, subject: string, body: string) {
  const outbox = path.join(dataDir, 'outbox');
  fs.mkdirSync(outbox, { recursive: true });
  const eml = [
    'From: Example Borough Council SEND Portal <no-reply@example.org>',
    `To: ${to}`,
    `Subject: ${subject}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 7bit',
    '',
    body,
    '',
  ].join('\r\n');
  fs.writeFileSync(path.join(outbox, `${id}.eml`), eml);
}

test('lists emails newest first with working links', async ({ page }, testInfo) => {
  const id = `e2e-${testInfo.project.name}`;
  dropEmail(id, `${id}@example.org`, `Welcome ${testInfo.project.name}`, `Read the privacy notice at ${baseURL}/privacy today.`);
  await open(page, '/dev/mailbox', testInfo);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Development mailbox');
  const message = page.getByRole('article', { name: `Welcome ${testInfo.project.name}` });
  await expect(message).toContainText(`${id}@example.org`);
  await checkAccessibility(page, testInfo);
  await message.getByRole('link', { name: `${baseURL}/privacy` }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Privacy notice for SEND Portal');
});

test('is linked from the footer in development', async ({ page }, testInfo) => {
  await open(page, '/', testInfo);
  await page.getByRole('contentinfo').getByRole('link', { name: 'Development mailbox' }).click();
  await expect(page).toHaveURL(/\/dev\/mailbox$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Development mailbox');
});
