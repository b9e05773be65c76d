// Runs one area's conformance cases against a real Stoa IMAP listener (the
// test/imap harness: createServices over a temporary SQLite store), one
// node:test test per case, each on a fresh account.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StoaConfig } from '../../../server/src/config/types.ts';
import { PASSWORD, openImapHarness, type ImapHarness } from '../harness.ts';
import { runCase, type ConformanceCase, type Target } from './runner.ts';

export function stoaTarget(h: ImapHarness): Target {
  let n = 0;
  return {
    name: 'stoa',
    host: '127.0.0.1',
    port: h.port,
    async newUser() {
      const account = await h.user(`conf${++n}`);
      return { login: account.address, password: PASSWORD };
    },
  };
}

export function conformanceSuite(area: string, cases: readonly ConformanceCase[], tune?: (config: StoaConfig) => void): void {
  describe(`IMAP conformance: ${area}`, () => {
    let h: ImapHarness;
    let target: Target;
    before(async () => {
      h = await openImapHarness(tune);
      target = stoaTarget(h);
    });
    after(async () => h.close());

    for (const c of cases) {
      it(`${c.name} (${c.rfc})`, async (t) => {
        const result = await runCase(target, c);
        if (result.status === 'skip') {
          t.skip(result.detail);
          return;
        }
        assert.equal(result.status, 'pass', result.detail);
      });
    }
  });
}
