// The central office's page end to end in headless Chromium: sign in, see the seeded teams, sort (by mouse and by
// keyboard), then print READY and wait for the alert the test host is about to cause through the gRPC API.
// Settings come from the environment (set by tests/Buurtzorg.CentralOffice.Tests/BrowserTests.cs).
import { chromium } from 'playwright-core';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const url = env('OFFICE_URL');
const token = env('OFFICE_TOKEN');
const expected = env('EXPECT_TEAMS').split('|');
const alertTeam = env('ALERT_TEAM_ID');
const alertKind = env('ALERT_KIND');
const screenshot = env('SCREENSHOT');
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';

const check = (ok, message) => { if (!ok) throw new Error(message); };

const browser = await chromium.launch({
  executablePath: browserPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
try {
  await page.goto(url);
  await page.getByLabel('Central-office token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();

  // The seeded teams, by name, in a real table.
  await page.waitForFunction((n) => document.querySelectorAll('#teams-body tr').length >= n, expected.length, { timeout: 15000 });
  const names = await page.$$eval('#teams-body tr th[scope=row]', (cells) => cells.map((c) => c.textContent));
  for (const name of expected) check(names.includes(name), `team ${name} not shown; shown: ${names.join(', ')}`);
  console.log(`shown: ${names.length} teams`);

  const caseloads = () => page.$$eval('#teams-body tr', (rows) => rows.map((r) => Number(r.children[2].textContent)));
  const sortOf = (key) => page.getAttribute(`th[data-key=${key}]`, 'aria-sort');

  // Sort by caseload with the mouse: highest first, then lowest first.
  await page.getByRole('button', { name: 'Caseload' }).click();
  check(await sortOf('caseload') === 'descending', 'caseload header is not aria-sort=descending');
  let values = await caseloads();
  check(values.every((v, i) => i === 0 || values[i - 1] >= v), `not sorted by caseload descending: ${values}`);
  await page.getByRole('button', { name: 'Caseload' }).click();
  check(await sortOf('caseload') === 'ascending', 'caseload header is not aria-sort=ascending');
  values = await caseloads();
  check(values.every((v, i) => i === 0 || values[i - 1] <= v), `not sorted by caseload ascending: ${values}`);
  check(await sortOf('name') === null, 'the team column still claims to be sorted');

  // And with the keyboard: focus the Team header's button, press Enter.
  await page.getByRole('button', { name: 'Team', exact: true }).focus();
  await page.keyboard.press('Enter');
  check(await sortOf('name') === 'ascending', 'Enter on the Team header did not sort by name');
  console.log('sorted by caseload (both ways) and by name (keyboard)');

  // The test host now causes the alert through the gRPC API; the page must show it without a reload.
  const before = await page.$(`tr[data-team-id="${alertTeam}"] [data-alert="${alertKind}"]`);
  check(before === null, `the ${alertKind} alert is shown before the change`);
  console.log('READY');
  const started = Date.now();
  await page.waitForSelector(`tr[data-team-id="${alertTeam}"] [data-alert="${alertKind}"]`, { timeout: 15000 });
  console.log(`alert shown after ${Date.now() - started} ms`);
  await page.waitForSelector(`#alerts li[data-team-id="${alertTeam}"][data-alert="${alertKind}"]`, { timeout: 5000 });
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`screenshot: ${screenshot}`);
} catch (e) {
  await page.screenshot({ path: screenshot.replace(/\.png$/, '-failed.png'), fullPage: true }).catch(() => {});
  console.log(`FAILED: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
