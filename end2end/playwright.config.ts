// Runs every spec twice against the real release-built server on a fresh SQLite database:
// once with JavaScript on (after hydration) and once with it off.
import { defineConfig } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const port = process.env.PORTAL_E2E_PORT ?? '3107';
export const baseURL = `http://127.0.0.1:${port}`;
const root = path.resolve(__dirname, '..');
const bin = process.env.PORTAL_BIN ?? path.join(root, 'target/server-release/send-portal');
const siteRoot = process.env.PORTAL_SITE_ROOT ?? path.join(root, 'target/site');

// A fresh data folder (database, outbox, uploads) for every run. The runner makes it; its
// workers, which load this file again, inherit the variable and so share it.
if (!process.env.PORTAL_E2E_DATA_DIR) {
  process.env.PORTAL_E2E_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'send-portal-e2e-'));
}
export const dataDir = process.env.PORTAL_E2E_DATA_DIR;

const chromium = {
  browserName: 'chromium' as const,
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  },
};

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'js-on', use: { ...chromium, javaScriptEnabled: true } },
    { name: 'js-off', use: { ...chromium, javaScriptEnabled: false } },
  ],
  webServer: {
    command: bin,
    url: `${baseURL}/healthz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PORTAL_PORT: port,
      PORTAL_DATA_DIR: dataDir,
      PORTAL_SITE_ROOT: siteRoot,
      PORTAL_BASE_URL: baseURL,
      PORTAL_COUNCIL_NAME: 'Example Borough Council',
      PORTAL_SERVICE_TILES:
        'School places|https://www.example.gov.uk/school-places;Free school meals|https://www.example.gov.uk/free-school-meals',
      PORTAL_LOG: 'warn',
    },
  },
});
