// node-redis 5 (from npm, pinned in package.json) against runnel-server: its RESP3 client-side
// cache (CLIENT TRACKING under the hood) serves repeated reads locally, and another client's
// write, the client's own write, a key's expiry and FLUSHALL each invalidate what it cached.
//
// Usage: node client_side_cache_test.mjs path/to/runnel-server. Starts the server on a free
// port in a temporary directory; exits non-zero on the first failed check.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BasicClientSideCache, createClient } from 'redis';

const binary = process.argv[2];
if (!binary) throw new Error('usage: client_side_cache_test.mjs path/to/runnel-server');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Waits until `check` holds (invalidations arrive asynchronously), for at most two seconds.
async function eventually(what, check) {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await sleep(10);
  }
  assert.fail(`timed out waiting for: ${what}`);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'runnel-node-'));
  const port = await freePort();
  const server = spawn(binary, ['--port', String(port), '--dir', dir, '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  try {
    const url = `redis://127.0.0.1:${port}`;
    const other = createClient({ url, socket: { reconnectStrategy: false } });
    for (let i = 0; ; i++) {
      try {
        await other.connect();
        break;
      } catch (e) {
        if (i > 100) throw e;
        await sleep(50);
      }
    }
    const cache = new BasicClientSideCache({ ttl: 0, maxEntries: 0 });
    const client = createClient({ url, RESP: 3, clientSideCache: cache });
    await client.connect();

    // The server sees the client as tracking.
    const info = await other.info('clients');
    assert.match(info, /tracking_clients:1/);

    // A repeated read is served from the cache.
    await other.set('greeting', 'hello');
    assert.equal(await client.get('greeting'), 'hello');
    assert.equal(await client.get('greeting'), 'hello');
    assert.equal(cache.stats().missCount, 1);
    assert.equal(cache.stats().hitCount, 1);
    assert.equal(cache.size(), 1);

    // Another client's write invalidates it; the next read goes to the server.
    const invalidated = new Promise((resolve) => cache.once('invalidate', resolve));
    await other.set('greeting', 'bye');
    assert.equal((await invalidated).toString(), 'greeting');
    assert.equal(cache.size(), 0);
    assert.equal(await client.get('greeting'), 'bye');
    assert.equal(cache.stats().missCount, 2);

    // Hashes and multi-key reads are cached and invalidated per key.
    await other.hSet('user:1', { name: 'ada', lang: 'en' });
    await other.set('a', '1');
    await other.set('b', '2');
    assert.deepEqual({ ...(await client.hGetAll('user:1')) }, { name: 'ada', lang: 'en' });
    assert.deepEqual(await client.mGet(['a', 'b']), ['1', '2']);
    assert.deepEqual({ ...(await client.hGetAll('user:1')) }, { name: 'ada', lang: 'en' });
    const hits = cache.stats().hitCount;
    assert.equal(hits, 2);
    await other.hSet('user:1', 'lang', 'fr');
    await eventually('user:1 invalidated', async () =>
      (await client.hGetAll('user:1')).lang === 'fr');
    await other.del('b');
    await eventually('b invalidated', async () => {
      const [a, b] = await client.mGet(['a', 'b']);
      return a === '1' && b === null;
    });

    // The client's own write invalidates its cached copy too.
    assert.equal(await client.get('counter'), null);
    await client.set('counter', '5');
    await eventually('counter invalidated by its own write', async () =>
      (await client.get('counter')) === '5');

    // A key that expires is invalidated.
    await other.set('session', 'x', { PX: 100 });
    assert.equal(await client.get('session'), 'x');
    await eventually('session expired', async () => (await client.get('session')) === null);

    // FLUSHALL empties the whole cache.
    assert.equal(await client.get('a'), '1');
    assert.ok(cache.size() > 0);
    await other.flushAll();
    await eventually('cache emptied by FLUSHALL', async () => cache.size() === 0);
    assert.equal(await client.get('a'), null);

    await client.quit();
    await other.quit();
    console.log('node-redis client-side cache: all checks passed');
  } finally {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  });
