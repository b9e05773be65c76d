// An RFC 4314 rights matrix over IMAP: for every probe, a session granted
// every right succeeds, and a session granted every right but the probe's own
// is refused (for `l`: the mailbox is not listed). With `setRights`, a second
// row per probe: a session that selected the mailbox holding every right
// loses the probe's right while it stays selected, and its very next command
// is refused (issue 7: rights taken once at SELECT must not outlive a
// revocation). Shared by the tests of mailboxes shared between users and of
// public folders.
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
  /** Only in the revoked-while-selected row (a read that needs the mailbox selected, which needs "r" itself). */
  revokedOnly?: boolean;
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
  /** Changes the guest's rights from another session (the owner's SETACL, an admin's grant). */
  setRights?(rights: string): Promise<void>;
  probes: readonly RightsProbe[];
}

/** The tagged completion of a reply. */
const taggedOf = (res: string): string => /T\d+ (OK|NO|BAD)[^\r\n]*\r\n$/.exec(res)?.[0] ?? res;

async function run(guest: RawClient, probe: RightsProbe, box: string, message: string): Promise<string> {
  if (probe.command !== 'COPY-INTO') return guest.command(probe.command);
  await guest.command('SELECT INBOX');
  await guest.command(`APPEND INBOX {${message.length}+}\r\n${message}`);
  await guest.command('NOOP');
  return guest.command(`COPY 1 ${box}`);
}

export function rightsMatrix({ box, all, message, guestWith, setRights, probes }: RightsMatrix): void {
  for (const probe of probes) {
    if (!probe.revokedOnly) it(`refuses ${probe.name} without "${probe.right}" and allows it with`, async () => {
      for (const granted of [true, false]) {
        const rights = granted ? all : all.replace(probe.right, '');
        const guest = await guestWith(rights);
        if (probe.select) assert.match(await guest.command(`SELECT ${box}`), /OK/);
        const res = await run(guest, probe, box, message);
        const tagged = taggedOf(res);
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
    if (!setRights) continue;
    it(`refuses ${probe.name} at once when "${probe.right}" is revoked while the mailbox is selected`, async () => {
      const guest = await guestWith(all);
      try {
        assert.match(await guest.command(`SELECT ${box}`), /OK \[READ-WRITE\]/);
        await setRights(all.replace(probe.right, ''));
        const res = await run(guest, probe, box, message);
        if (probe.right === 'l') assert.doesNotMatch(res, /\* LIST/, `${probe.name} listed after l was revoked`);
        else assert.match(taggedOf(res), /NO/, `${probe.name} after ${probe.right} was revoked: ${res}`);
      } finally {
        guest.close();
        await setRights(all);
      }
    });
  }
}
