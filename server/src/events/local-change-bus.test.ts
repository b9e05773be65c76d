import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccountChange, MailboxChange } from './change-bus.ts';
import { LocalChangeBus } from './local-change-bus.ts';

const event = (extra: Partial<MailboxChange> = {}): MailboxChange => ({ accountId: 'a1', mailboxId: 'm1', kind: 'exists', uids: [1], modseq: 2, ...extra });

describe('LocalChangeBus', () => {
  it('delivers an event to listeners of its account and of its mailbox', () => {
    const bus = new LocalChangeBus();
    const seen: string[] = [];
    bus.subscribe({ accountId: 'a1' }, (e) => seen.push(`account ${e.kind}`));
    bus.subscribe({ mailboxId: 'm1' }, (e) => seen.push(`mailbox ${e.kind}`));
    bus.subscribe({ mailboxId: 'm2' }, () => seen.push('other mailbox'));
    bus.subscribe({ accountId: 'a2' }, () => seen.push('other account'));
    bus.publish(event());
    assert.deepEqual(seen, ['account exists', 'mailbox exists']);
  });

  it('delivers an account event to listeners of the account only', () => {
    const bus = new LocalChangeBus();
    const seen: string[] = [];
    bus.subscribe({ accountId: 'a1' }, (e) => seen.push(`account ${e.kind}`));
    bus.subscribe({ mailboxId: 'm1' }, (e) => seen.push(`mailbox ${e.kind}`));
    const changed: AccountChange = { kind: 'account', accountId: 'a1', change: 'password' };
    bus.publish(changed);
    assert.deepEqual(seen, ['account account']);
  });

  it('stops delivering after unsubscribe and forgets empty topics', () => {
    const bus = new LocalChangeBus();
    const seen: number[] = [];
    const off = bus.subscribe({ mailboxId: 'm1' }, (e) => seen.push((e as MailboxChange).modseq));
    bus.publish(event({ modseq: 3 }));
    off();
    off();
    bus.publish(event({ modseq: 4 }));
    assert.deepEqual(seen, [3]);
    assert.equal(bus.size, 0);
  });

  it('keeps delivering to other listeners when one throws', () => {
    const errors: unknown[] = [];
    const bus = new LocalChangeBus({ onListenerError: (err) => errors.push(err) });
    const seen: string[] = [];
    bus.subscribe({ accountId: 'a1' }, () => { throw new Error('broken session'); });
    bus.subscribe({ accountId: 'a1' }, (e) => seen.push(e.kind));
    bus.publish(event({ kind: 'flags' }));
    assert.deepEqual(seen, ['flags']);
    assert.equal(errors.length, 1);
  });

  it('delivers every event to a listener of the whole server', () => {
    const bus = new LocalChangeBus();
    const seen: string[] = [];
    const off = bus.subscribe({ all: true }, (e) => seen.push(`${e.accountId}/${e.kind}`));
    bus.publish(event());
    bus.publish(event({ accountId: 'a2', mailboxId: 'm9', kind: 'expunge' }));
    bus.publish({ kind: 'account', accountId: 'a3', change: 'disabled' });
    assert.equal(bus.size, 1);
    off();
    bus.publish(event());
    assert.deepEqual(seen, ['a1/exists', 'a2/expunge', 'a3/account']);
    assert.equal(bus.size, 0);
  });
});
