import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'pagebound';

test('the home page renders the counter from its live page instance', async () => {
  const app = await createServer({ dev: false, logger: false, secret: 'a-test-secret-of-16+-chars' });
  try {
    const res = await app.inject('/');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<output id="count">0<\/output>/);
    // A live page gets the runtime script and a session cookie.
    assert.match(res.body, /<script[^>]+src="\/_pagebound\/client\.[0-9a-f]+\.js"/);
    assert.ok(res.cookies.some((c) => c.name === 'pb_session'));
  } finally {
    await app.close();
  }
});
