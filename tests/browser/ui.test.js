// SPDX-License-Identifier: MIT
// The web UI in headless Chromium (Debian's, driven by playwright-core):
// a reporter sends the form in Japanese and gets a ticket and a status
// link; a handler logs in, changes the one-time password, triages, notes,
// assigns and closes; a member sees only their org's incident; script in
// a field comes back as text. Screenshots go to tests/artifacts/.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = process.env.KIZUKI_BIN ||
  path.join(ROOT, 'build', 'src', 'cli', 'kizuki');
const ARTIFACTS = path.join(ROOT, 'tests', 'artifacts');
const PASSWORD = 'correct horse battery';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kizuki-browser-'));
const env = { PATH: process.env.PATH, KIZUKI_DB: path.join(tmp, 'k.db'),
  LANG: 'C.UTF-8', HOME: tmp, KIZUKI_TEAM: 'Example CSIRT',
  KIZUKI_TEAM_EMAIL: 'csirt@csirt.example' };
let server, browser, base, statusUrl, ticket, xssTicket;

function cli(args, input) {
  return execFileSync(BIN, args, { env, input, encoding: 'utf8' });
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, name + '.png'),
    fullPage: true });
}

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  cli(['org', 'add', '--name', 'member-a', '--kind', 'member']);
  cli(['org', 'add', '--name', 'member-b', '--kind', 'member']);
  // The handler gets a one-time password, changed at first login.
  const out = cli(['user', 'add', 'hana', '--role', 'handler']);
  env.HANA_OTP = out.match(/password[^:]*:\s*(\S+)/i)[1];
  cli(['user', 'add', 'mem', '--role', 'member', '--org', 'member-a',
    '--password-stdin'], PASSWORD + '\n');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(BIN, ['serve', '--listen', `127.0.0.1:${port}`,
    '--access-log', 'off'], { env, stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(base + '/healthz')).ok) break;
    } catch (e) { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
      '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    // launch() gives the browser a fresh temporary --user-data-dir of
    // its own (it refuses one passed in args).
    headless: true,
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function sendReport(page, fields) {
  await page.goto(base + '/report?lang=ja');
  await page.fill('input[name=title]', fields.title);
  await page.selectOption('select[name=category]', fields.category);
  await page.fill('textarea[name=description]', fields.description);
  await page.fill('textarea[name=indicators]', fields.indicators || '');
  await page.fill('input[name=contact]', 'reporter@example.jp');
  await page.setInputFiles('input[name=attachment]', {
    name: 'evidence.txt', mimeType: 'text/plain',
    buffer: Buffer.from('Received: from mail.example.net\n') });
  // The form refuses to be sent faster than people type.
  await page.waitForTimeout(2200);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/report\/status\//);
}

test('a reporter sends the form in Japanese and follows the case', async () => {
  const page = await browser.newPage({ locale: 'ja-JP' });
  await page.goto(base + '/report?lang=ja');
  assert.strictEqual(await page.getAttribute('html', 'lang'), 'ja');
  await shot(page, 'report-form-ja');
  await sendReport(page, {
    title: '銀行を装ったフィッシングサイト',
    category: 'phishing',
    description: '本日 9 時ごろ、銀行を名乗るメールが届き、リンク先で' +
      'ログイン情報を求められました。',
    indicators: 'hxxp://bank-login[.]example[.]com/\n198.51.100.23',
  });
  ticket = (await page.textContent('#ticket')).trim();
  assert.match(ticket, /^KZ-\d{4}-\d+$/);
  statusUrl = (await page.textContent('#statusurl')).trim();
  assert.match(statusUrl, /\/report\/status\/[A-Za-z0-9_-]{43}$/);
  await shot(page, 'report-thanks-ja');
  await page.goto(statusUrl);
  assert.ok((await page.textContent('main')).includes(ticket));
  await page.close();
});

test('script in a field comes back as text', async () => {
  const page = await browser.newPage();
  let dialogs = 0;
  page.on('dialog', (d) => { dialogs++; d.dismiss(); });
  await sendReport(page, { title: '<script>alert(1)</script>',
    category: 'other', description: '<img src=x onerror=alert(2)>' });
  xssTicket = (await page.textContent('#ticket')).trim();
  await page.close();
  assert.strictEqual(dialogs, 0);
});

test('a handler triages, notes, assigns and closes', async () => {
  const ctx = await browser.newContext({ locale: 'en-US' });
  const page = await ctx.newPage();
  let dialogs = 0;
  page.on('dialog', (d) => { dialogs++; d.accept(); });
  await page.goto(base + '/login');
  await shot(page, 'login');
  await page.fill('input[name=name]', 'hana');
  await page.fill('input[name=password]', env.HANA_OTP);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/account\/password/);
  await page.fill('input[name=current]', env.HANA_OTP);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('main button[type=submit]');
  await page.waitForURL(/\/dashboard/);
  assert.ok((await page.textContent('main')).includes(ticket));
  await shot(page, 'dashboard');
  await page.goto(base + '/incidents');
  await shot(page, 'incident-list');
  await page.click(`a.ticket >> text=${ticket}`);
  await page.waitForURL(new RegExp(`/incidents/${ticket}$`));
  await page.selectOption('#status-form select[name=status]', 'triaged');
  await page.click('#status-form button');
  await page.waitForURL(/done=status/);
  assert.strictEqual((await page.textContent('#status')).trim(), 'Triaged');
  await page.fill('#note-form textarea[name=text]',
    'Asked the hosting provider to take the site down.');
  await page.click('#note-form button');
  await page.waitForURL(/done=note/);
  await page.selectOption('#assign-form select[name=assignee]', 'hana');
  await page.click('#assign-form button');
  await page.waitForURL(/done=assign/);
  assert.strictEqual((await page.textContent('#assignee')).trim(), 'hana');
  assert.ok((await page.textContent('#timeline'))
    .includes('Asked the hosting provider'));
  await shot(page, 'incident');
  // The notify dialog: preview the whole mail, then queue it.
  await page.fill('#notify-form input[name=address]', 'abuse@hosting.example');
  await page.selectOption('#notify-form select[name=lang]', 'ja+en');
  await page.click('#notify-form button');
  await page.waitForURL(/\/notify\?/);
  assert.strictEqual((await page.textContent('#notice-to')).trim(),
    'abuse@hosting.example');
  assert.ok((await page.textContent('#notice-subject')).includes(ticket));
  const body = await page.textContent('#notice-body');
  assert.ok(body.includes('This is Example CSIRT'), body);
  await shot(page, 'notify-preview');
  await page.click('#notify-send button');
  await page.waitForURL(/done=notify/);
  assert.ok((await page.textContent('#timeline'))
    .includes('abuse@hosting.example'));
  // Notifying the party moves the case to coordinating (step 4).
  assert.strictEqual((await page.textContent('#status')).trim(),
    'Coordinating');
  // The header switch saves the language in the account.
  await page.click('header button.lang');
  await page.waitForURL(new RegExp(`/incidents/${ticket}$`));
  assert.strictEqual(await page.getAttribute('html', 'lang'), 'ja');
  await page.goto(base + '/account');
  assert.strictEqual(
    await page.inputValue('#lang-form select[name=lang]'), 'ja');
  await shot(page, 'account-ja');
  await page.selectOption('#lang-form select[name=lang]', 'auto');
  await page.click('#lang-form button');
  await page.waitForURL(/done=lang/);
  assert.strictEqual(await page.getAttribute('html', 'lang'), 'en');
  await page.goto(base + '/incidents/' + ticket);
  for (const s of ['resolved', 'closed']) {
    await page.selectOption('#status-form select[name=status]', s);
    await page.click('#status-form button');
    await page.waitForURL(/done=status/);
  }
  assert.strictEqual((await page.textContent('#status')).trim(), 'Closed');
  // The reporter's page shows the new status but not the internal note.
  await page.goto(statusUrl + '?lang=ja');
  const text = await page.textContent('main');
  assert.ok(text.includes('終了') || text.includes('Closed'));
  assert.ok(!text.includes('hosting provider'));
  await shot(page, 'report-status-closed');
  // The script in the other report's title is shown as text.
  await page.goto(base + '/incidents/' + xssTicket + '?lang=en');
  assert.strictEqual((await page.textContent('#title')).trim(),
    '<script>alert(1)</script>');
  assert.strictEqual(dialogs, 0);
  await page.goto(base + '/orgs');
  await shot(page, 'orgs');
  // Link the incident to member-a for the member's view.
  const csrf = await page.getAttribute('input[name=csrf]', 'value');
  const r = await page.request.post(`${base}/api/v1/incidents/${ticket}/orgs`,
    { data: { org: 'member-a', role: 'concerned' },
      headers: { 'X-CSRF-Token': csrf } });
  assert.ok(r.ok(), await r.text());
  await ctx.close();
});

test('a member sees only their org\'s incidents', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(base + '/login');
  await page.fill('input[name=name]', 'mem');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/dashboard/);
  await page.goto(base + '/incidents?status=');
  const list = await page.textContent('main');
  assert.ok(list.includes(ticket));
  assert.ok(!list.includes(xssTicket));
  await shot(page, 'member-incidents');
  const resp = await page.goto(base + '/incidents/' + xssTicket);
  assert.strictEqual(resp.status(), 404);
  await ctx.close();
});
