import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sign, verify } from './signing.js';

describe('signatures (signing.ts)', () => {
  const body = '{"id":"evt_1"}';
  const now = Date.UTC(2026, 11, 8, 2, 0, 0);
  test('a signature verifies for its secret, body and time only', () => {
    const header = sign('whsec_a', body, now);
    assert.match(header, /^t=\d+,v1=[0-9a-f]{64}$/);
    assert.ok(verify('whsec_a', body, header, now));
    assert.ok(verify('whsec_a', Buffer.from(body), header, now + 299_000), 'within the 5 minutes of tolerance');
    assert.ok(!verify('whsec_b', body, header, now), 'another secret');
    assert.ok(!verify('whsec_a', `${body} `, header, now), 'another body');
    assert.ok(!verify('whsec_a', body, header, now + 301_000), 'too old: a replay');
    assert.ok(!verify('whsec_a', body, header.replace(/t=\d+/, `t=${now / 1000 + 1}`), now), 'the time is inside the MAC');
  });
  test('a malformed header is not valid, and never throws', () => {
    for (const header of [undefined, '', 't=1', 'v1=00', 't=x,v1=zz', `t=1,v1=${'0'.repeat(63)}`, ','.repeat(10_000), 'garbage']) {
      assert.equal(verify('whsec_a', body, header, now), false, String(header).slice(0, 20));
    }
  });
});
