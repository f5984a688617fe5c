import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { startStack, TestStack } from '../support/test-api';
import { TEST_ADMIN } from '../support/admin';
import { loginAs, registerUser } from '../support/users';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

describe('Swagger UI in a real browser (headless Chromium)', () => {
  let stack: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (npm run test:all does this: scripts/test-tools.sh)`);
    stack = await startStack();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('renders every tag, authorizes with a token, runs GET /users/me with 200, and logs no CSP violation or script error', async () => {
    const user = await registerUser(stack.api.http, 'swagger');
    const page = await browser.newPage({ viewport: { width: 1400, height: 2200 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || /Content.Security.Policy/i.test(message.text()))
        problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));

    const response = await page.goto(`${stack.api.url}/docs`, { waitUntil: 'networkidle' });
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toBeDefined();
    await page.waitForSelector('.opblock-tag-section');
    const document = (await stack.api.http.get('/docs-json')).body as { paths: Record<string, Record<string, { tags?: string[] }>> };
    const tags = new Set(Object.values(document.paths).flatMap((item) => Object.values(item).flatMap((operation) => operation.tags ?? [])));
    const rendered = await page.$$eval('.opblock-tag-section .opblock-tag', (nodes) => nodes.map((node) => node.getAttribute('data-tag')));
    expect(rendered.sort()).toEqual([...tags].sort());
    expect(await page.locator('.opblock').count()).toBeGreaterThan(15);

    await page.click('button.authorize');
    const bearerInput = page.locator('.auth-container').filter({ hasText: 'bearer' }).first().locator('input');
    await bearerInput.fill(user.token);
    await page.locator('.auth-container').filter({ hasText: 'bearer' }).first().locator('button.authorize').click();
    await page.click('button.btn-done, .close-modal');

    const me = page.locator('#operations-users-UsersController_me');
    await me.locator('.opblock-summary').click();
    await me.locator('button.try-out__btn').click();
    await me.locator('button.execute').click();
    const status = me.locator('.responses-wrapper .live-responses-table .response .response-col_status').first();
    await status.waitFor();
    expect((await status.innerText()).trim()).toBe('200');
    expect(await me.locator('.live-responses-table .microlight').first().innerText()).toContain(user.email);

    mkdirSync(ARTIFACTS, { recursive: true });
    const screenshot = join(ARTIFACTS, 'swagger-ui.png');
    await page.screenshot({ path: screenshot, fullPage: false });
    console.log(`Swagger UI screenshot saved as test artifact: ${screenshot}`);
    expect(problems).toEqual([]);
  });

  it('an admin authorizes in the UI and calls an admin endpoint', async () => {
    const adminToken = await loginAs(stack.api.http, TEST_ADMIN.email, TEST_ADMIN.password);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1600 } });
    await page.goto(`${stack.api.url}/docs`, { waitUntil: 'networkidle' });
    await page.click('button.authorize');
    const bearer = page.locator('.auth-container').filter({ hasText: 'bearer' }).first();
    await bearer.locator('input').fill(adminToken);
    await bearer.locator('button.authorize').click();
    await page.click('button.btn-done, .close-modal');

    const listUsers = page.locator('#operations-admin-AdminController_listUsers');
    await listUsers.locator('.opblock-summary').click();
    await listUsers.locator('button.try-out__btn').click();
    await listUsers.locator('button.execute').click();
    const status = listUsers.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor();
    expect((await status.innerText()).trim()).toBe('200');
    expect(await listUsers.locator('.live-responses-table .microlight').first().innerText()).toContain(TEST_ADMIN.email);
  });
});
