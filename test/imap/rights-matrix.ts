// An RFC 4314 rights matrix over IMAP: for every probe, a session granted
// every right succeeds, and a session granted every right but the probe's own
// is refused (for `l`: the mailbox is not listed). Shared by the tests of
// mailboxes shared between users and of public folders.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { RawClient } from './harness.ts';

export interface RightsProbe {
  right: string;
  name: string;
  /** Select the mailbox before the command. */
  select?: boolean;
  /** The IMAP command, or COPY-INTO: append to INBOX and COPY that message into the mailbox. */
  command: string;
  /** Undo what the granted run changed, so later probes find the mailbox as before. */
  cleanup?: () => Promise<void>;
}

export interface RightsMatrix {
  /** The mailbox as the guest names it, quoted. */
  box: string;
  /** Every right, e.g. "lrswipkxtea". */
  all: string;
  /** A message body for COPY-INTO. */
  message: string;
  /** A logged-in guest session holding exactly `rights` on the mailbox, which holds at least one message. */
  guestWith(rights: string): Promise<RawClient>;
  probes: readonly RightsProbe[];
}

export function rightsMatrix({ box, all, message, guestWith, probes }: RightsMatrix): void {
  for (const probe of probes) {
    it(`refuses ${probe.name} without "${probe.right}" and allows it with`, async () => {
      for (const granted of [true, false]) {
        const rights = granted ? all : all.replace(probe.right, '');
        const guest = await guestWith(rights);
        if (probe.select) assert.match(await guest.command(`SELECT ${box}`), /OK/);
        let res: string;
        if (probe.command === 'COPY-INTO') {
          await guest.command('SELECT INBOX');
          await guest.command(`APPEND INBOX {${message.length}+}\r\n${message}`);
          await guest.command('NOOP');
          res = await guest.command(`COPY 1 ${box}`);
        } else {
          res = await guest.command(probe.command);
        }
        const tagged = /T\d+ (OK|NO|BAD)[^\r\n]*\r\n$/.exec(res)?.[0] ?? res;
        if (granted) {
          assert.match(tagged, /OK/, `${probe.name} with ${rights}: ${res}`);
          if (probe.right === 'l') assert.match(res, /\* LIST/);
          await probe.cleanup?.();
        } else if (probe.right === 'l') {
          assert.doesNotMatch(res, /\* LIST/, `${probe.name} listed without l`);
        } else {
          assert.match(tagged, /NO/, `${probe.name} with ${rights}: ${res}`);
        }
        guest.close();
      }
    });
  }
}
