// RFC 9051 §6.4.7 COPY and RFC 6851 MOVE (and their UID forms), answered
// with RFC 4315 COPYUID. Rights (RFC 4314 §4, RFC 6851 §3.3): "r" on the
// source, "i" on the target; MOVE also "t" and "e" on the source.
import { uidSetOf } from '../../../model/uid-set.ts';
import { done, no, type CommandSpec } from '../context.ts';
import type { Response } from '../wire/index.ts';
import { resolveMailbox } from '../session/namespaces.ts';

export const copy: CommandSpec<'COPY' | 'MOVE', 'selected'> = {
  names: ['COPY', 'MOVE'],
  states: ['selected'],
  selectedRights: (command) => (command.name === 'MOVE' ? 'rte' : 'r'),
  writes: false,
  async handler(ctx, command) {
    const { session } = ctx;
    const { selected, actor } = session;
    if (command.name === 'MOVE' && selected.readOnly) return no(command.tag, 'Mailbox is open read-only (EXAMINE)', { code: 'READ-ONLY' });
    const target = await resolveMailbox(ctx, command.mailbox);
    // RFC 9051 §6.4.7: TRYCREATE tells the client that CREATE would help.
    if (!target) return no(command.tag, `No mailbox ${command.mailbox}`, { code: 'TRYCREATE' });
    if (!target.rights.includes('i')) return no(command.tag, 'You may not add messages to the target', { code: 'NOPERM' });
    const uids = selected.resolve(command.sequence, command.uid, session.savedUids);
    if (uids.length === 0) return done(command.tag, `${command.name} completed; nothing to do`);
    const set = uidSetOf(uids);
    if (command.name === 'COPY') {
      const result = await ctx.services.messages.copy(actor, selected.mailbox.id, set, target.mailbox.id);
      return done(command.tag, 'COPY completed', [], { code: 'COPYUID', uidValidity: result.uidValidity, source: result.sourceUids, destination: result.destUids });
    }
    const result = await ctx.services.messages.move(actor, selected.mailbox.id, set, target.mailbox.id);
    // RFC 6851 §4.3: COPYUID goes in an untagged OK before the expunges.
    const out: Response[] = [{ kind: 'untagged', status: 'OK', code: { code: 'COPYUID', uidValidity: result.uidValidity, source: result.sourceUids, destination: result.destUids }, text: 'Moved' }];
    if (result.expunged) out.push(...selected.expungeNow(result.expunged.uids, session.qresync));
    return done(command.tag, 'MOVE completed', out);
  },
};
