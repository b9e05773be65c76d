// RFC 9051 §6.4.6 STORE and UID STORE, with .SILENT and RFC 7162 §3.1.3
// UNCHANGEDSINCE (MODIFIED response code). Rights per RFC 4314 §4: \Seen
// needs "s", \Deleted "t", other flags "w"; replacing all flags needs all three.
import { uidSetOf } from '../../../model/uid-set.ts';
import { done, type CommandOf, type CommandSpec } from '../context.ts';
import { enableCondstore } from '../session/condstore.ts';
import type { FetchResponseItem, Response, ResponseCode } from '../wire/index.ts';

function rightsFor(command: CommandOf<'STORE'>): string {
  if (command.operation === 'set') return 'stw';
  let rights = '';
  for (const flag of command.flags) {
    const f = flag.toLowerCase();
    const r = f === '\\seen' ? 's' : f === '\\deleted' ? 't' : 'w';
    if (!rights.includes(r)) rights += r;
  }
  return rights;
}

export const store: CommandSpec<'STORE', 'selected'> = {
  names: ['STORE'],
  states: ['selected'],
  writes: true,
  selectedRights: rightsFor,
  holdsExpunges: (command) => !command.uid,
  async handler(ctx, command) {
    const { session } = ctx;
    const { selected, actor } = session;
    const uids = selected.resolve(command.sequence, command.uid, session.savedUids);
    const out: Response[] = command.unchangedSince !== null ? await enableCondstore(ctx) : [];
    const flags = command.flags.filter((f) => f.toLowerCase() !== '\\recent');
    if (uids.length === 0) return done(command.tag, 'STORE completed', out);
    const result = await ctx.services.messages.storeFlags(actor, selected.mailbox.id, uidSetOf(uids), {
      mode: command.operation === 'set' ? 'replace' : command.operation,
      flags,
      ...(command.unchangedSince !== null ? { unchangedSince: Number(command.unchangedSince) } : {}),
    });
    if (result.changed.length > 0) selected.noteOwnChange(result.modseq);
    for (const change of result.changed) {
      const seq = selected.seqOf(change.uid);
      if (seq === 0) continue;
      // RFC 7162 §3.2: with CONDSTORE on, FETCH responses carry MODSEQ; .SILENT still reports the new MODSEQ under UNCHANGEDSINCE (§3.1.3).
      // RFC 3501 §7.2.6: a new keyword is announced even when the FETCH itself is silent.
      out.push(...selected.announce(change.flags));
      if (command.silent && command.unchangedSince === null) continue;
      const items: FetchResponseItem[] = [];
      if (command.uid) items.push({ item: 'UID', uid: change.uid });
      if (!command.silent) items.push({ item: 'FLAGS', flags: selected.flagsOf(change.uid, change.flags) });
      if (session.condstore) items.push({ item: 'MODSEQ', modseq: BigInt(change.modseq) });
      if (items.length > 0) out.push({ kind: 'fetch', seq, items });
    }
    if (result.failed.length > 0) {
      const set = command.uid ? result.failed : result.failed.map((uid) => selected.seqOf(uid)).filter((s) => s > 0);
      const code: ResponseCode = { code: 'MODIFIED', set };
      return done(command.tag, 'Conditional STORE failed for some messages', out, code);
    }
    return done(command.tag, 'STORE completed', out);
  },
};
