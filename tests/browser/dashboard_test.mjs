// The queue dashboard end to end, in Debian's headless Chromium driven by playwright-core (from
// npm, pinned in package.json): runnel-server with http-port and a password, a stream with a
// group whose delivery policy dead-letters what is not acked; the page (HTTP Basic auth) shows
// the group's lag and the dead letters, Redrive moves them back and the count falls to zero.
// A screenshot of the page is saved (the README shows a copy: tests/browser/dashboard.png).
//
// Usage: node dashboard_test.mjs path/to/runnel-server screenshot.png
// Starts the server on free ports in a temporary directory; exits non-zero on the first failed
// check.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

const [binary, screenshot] = process.argv.slice(2);
if (!binary || !screenshot) {
  throw new Error('usage: dashboard_test.mjs path/to/runnel-server screenshot.png');
}
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const PASSWORD = 'dashboard-secret';

// `n` distinct free ports: all held open until each is known, so no two are the same.
async function freePorts(n) {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  })));
  const ports = servers.map((srv) => srv.address().port);
  await Promise.all(servers.map((srv) => new Promise((r) => srv.close(r))));
  return ports;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function eventually(what, check, ms = 10000) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      if (await check()) return;
    } catch (e) {
      if (Date.now() > until) throw e;
    }
    if (Date.now() > until) assert.fail(`timed out waiting for: ${what}`);
    await sleep(100);
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'runnel-browser-'));
  const [port, httpPort] = await freePorts(2);
  const server = spawn(binary, ['--port', String(port), '--http-port', String(httpPort),
    '--requirepass', PASSWORD, '--dir', dir, '--appendonly', 'no'], { stdio: 'ignore' });
  const redis = (...args) => execFileSync('redis-cli', ['-p', String(port), '-a', PASSWORD,
    '--no-auth-warning', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  let browser;
  try {
    await eventually('the server answers PING', () => redis('PING') === 'PONG');
    const base = `http://127.0.0.1:${httpPort}`;

    // Without credentials the API is refused.
    assert.equal((await fetch(`${base}/api/overview`)).status, 401);

    // Three orders dead-letter (one delivery each, never acked); two more are not read yet.
    // A second stream with traffic makes the page look like a real one.
    for (let i = 1; i <= 5; i++) redis('XADD', 'orders', '*', 'order', String(1000 + i));
    redis('XGROUP', 'CREATE', 'orders', 'billing', '0');
    redis('XGROUP', 'SETPOLICY', 'orders', 'billing', 'ACK-TIMEOUT', '200', 'MAX-DELIVERIES', '1');
    redis('XREADGROUP', 'GROUP', 'billing', 'worker-1', 'COUNT', '3', 'STREAMS', 'orders', '>');
    for (let i = 1; i <= 40; i++) redis('XADD', 'emails', '*', 'to', `user${i}@example.com`);
    redis('XGROUP', 'CREATE', 'emails', 'senders', '0');
    redis('XGROUP', 'SETPOLICY', 'emails', 'senders', 'ACK-TIMEOUT', '30000', 'MAX-DELIVERIES', '5');
    redis('XREADGROUP', 'GROUP', 'senders', 'mailer-a', 'COUNT', '12', 'STREAMS', 'emails', '>');
    redis('XREADGROUP', 'GROUP', 'senders', 'mailer-b', 'COUNT', '9', 'STREAMS', 'emails', '>');
    redis('XACK', 'emails', 'senders', ...redis('XRANGE', 'emails', '-', '+', 'COUNT', '15')
      .split('\n').filter((l) => /^\d+-\d+$/.test(l)));
    await eventually('the policy dead-letters three orders', () => redis('XLEN', 'orders:dlq') === '3');

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    const context = await browser.newContext({
      httpCredentials: { username: 'default', password: PASSWORD },
      viewport: { width: 1280, height: 860 },
    });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('dialog', (d) => d.accept());  // Redrive asks for confirmation

    await page.goto(`${base}/`);
    const billing = page.locator('[data-group="0/orders/billing"]');
    await billing.waitFor();
    // Lag: the two entries the group has not read yet.
    assert.equal((await billing.locator('.lag').textContent()).trim(), '2');
    assert.equal((await billing.locator('.dead').textContent()).trim(), '3');
    const dlq = page.locator('[data-dlq="0/orders:dlq"]');
    assert.equal((await dlq.locator('.size').textContent()).trim(), '3');
    const senders = page.locator('[data-group="0/emails/senders"]');
    assert.equal((await senders.locator('.lag').textContent()).trim(), '19');
    assert.equal((await senders.locator('.pending').textContent()).trim(), '6');

    // Traffic for a while, so the rate history (a sample every 10 s) has something to draw:
    // emails arrive at `emails` at a rate that changes every 10 s, two mailers take them and ack
    // most (what they leave stays pending).
    const start = Date.now();
    for (let round = 0; Date.now() - start < 34000; round++) {
      const phase = Math.floor((Date.now() - start) / 10000) % 4;
      for (let i = 0; i < [3, 9, 5, 7][phase]; i++) redis('XADD', 'emails', '*', 'to', `r${round}-${i}`);
      const taken = redis('XREADGROUP', 'GROUP', 'senders', round % 2 ? 'mailer-a' : 'mailer-b',
        'COUNT', String([2, 6, 7, 5][phase]), 'STREAMS', 'emails', '>')
        .split('\n').filter((l) => /^\d+-\d+$/.test(l));
      if (taken.length > 1) redis('XACK', 'emails', 'senders', ...taken.slice(1));
      await sleep(500);
    }
    await eventually('the page draws the rates of emails', async () =>
      (await page.locator('[data-group="0/emails/senders"] svg.spark polyline').count()) === 2);
    await page.screenshot({ path: screenshot, fullPage: true });

    await dlq.locator('button[data-redrive="0/orders:dlq"]').click();
    await eventually('the dead-letter count falls to 0', async () =>
      (await dlq.locator('.size').textContent()).trim() === '0');
    assert.match(await page.locator('#toast').textContent(), /Redrove 3 entries/);
    // Back in their source stream as new entries: the group has five unread entries now.
    assert.equal(redis('XLEN', 'orders:dlq'), '0');
    assert.equal(redis('XLEN', 'orders'), '8');
    await eventually('the lag shows the redriven entries', async () =>
      (await billing.locator('.lag').textContent()).trim() === '5');
    assert.deepEqual(errors, []);
    console.log('dashboard in chromium: 1 passed, 0 failed');
  } finally {
    if (browser) await browser.close();
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
