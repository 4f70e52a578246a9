// Reading the portal's email as a person would: the development mailbox, in its own tab.
import { type Browser, type Page } from '@playwright/test';

/** The text of the newest email to `email` whose subject is `subject`. */
export async function newestEmail(browser: Browser, email: string, subject: string): Promise<string> {
  const context = await browser.newContext();
  try {
    const mail = await context.newPage();
    await mail.goto('/dev/mailbox');
    const message = mail.getByRole('article', { name: subject }).filter({ hasText: email }).first();
    return await message.innerText();
  } finally {
    await context.close();
  }
}

/** How many emails with `subject` went to `email`. */
export async function countEmails(browser: Browser, email: string, subject: string): Promise<number> {
  const context = await browser.newContext();
  try {
    const mail = await context.newPage();
    await mail.goto('/dev/mailbox');
    return await mail.getByRole('article', { name: subject }).filter({ hasText: email }).count();
  } finally {
    await context.close();
  }
}

export async function codeFromMailbox(browser: Browser, email: string): Promise<string> {
  const text = await newestEmail(browser, email, 'Your SEND Portal sign-in code');
  const match = text.match(/code is (\d{6})/);
  if (!match) throw new Error(`no code in: ${text}`);
  return match[1];
}

export function linkIn(text: string, path: string): string {
  const match = text.match(new RegExp(`https?://\\S+${path.replace(/[?]/g, '\\?')}\\S*`));
  if (!match) throw new Error(`no ${path} link in: ${text}`);
  return new URL(match[0]).pathname + new URL(match[0]).search;
}

export async function enterPassword(page: Page, email: string, password: string) {
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Continue' }).click();
}
