import { listen, startTestApp, type TestApp } from '../../helpers/app.js';
import { type Browser, collectProblems, launchBrowser } from '../../helpers/browser.js';

/**
 * The API docs page (Swagger UI at /api/docs) works where the service actually runs: "Try it out" sends the request
 * to the origin the page came from (here a random port, never 3000), and the page's CSP lets it.
 */
let t: TestApp;
let base: string;
let browser: Browser;

beforeAll(async () => {
  t = await startTestApp();
  base = await listen(t);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('API docs page', () => {
  it('should run "Try it out" against the serving origin on any port and show the 200', async () => {
    expect(new URL(base).port).not.toBe('3000');
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = collectProblems(page);
    const sent: string[] = [];
    page.on('request', (req) => void sent.push(req.url()));
    await page.goto(`${base}/api/docs`);
    const operation = page.locator('.opblock-get').filter({ has: page.locator('[data-path="/api/health/live"]') });
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    const status = operation.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor();
    expect((await status.textContent())?.trim()).toBe('200');
    expect(sent).toContain(`${base}/api/health/live`);
    expect(problems).toEqual([]);
    await context.close();
  });
});
