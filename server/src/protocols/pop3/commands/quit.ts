// RFC 1939 §§4, 6 QUIT: in TRANSACTION it enters UPDATE, which applies the
// DELE marks; the "+OK" is sent only once they are applied.
import type { Pop3CommandSpec, Pop3Reply } from '../context.ts';
import { enterUpdate } from '../session/session-state.ts';

export const quit: Pop3CommandSpec<'QUIT', 'authorization' | 'transaction'> = {
  verb: 'QUIT',
  states: ['authorization', 'transaction'],
  handler: async (ctx): Promise<Pop3Reply> => {
    const { session } = ctx;
    if (session.state !== 'transaction') return { type: 'status', ok: true, text: 'Bye', after: 'close' };
    const { maildrop } = session;
    enterUpdate(session);
    if (maildrop.lock.lost) {
      return { type: 'status', ok: false, code: 'SYS/TEMP', text: 'Maildrop lock lost; no messages deleted', after: 'close' };
    }
    try {
      const removed = await maildrop.commit(ctx.settings.keepDeleted, ctx.settings.markSeen);
      return { type: 'status', ok: true, text: `Bye (${removed} messages deleted)`, after: 'close' };
    } catch (e) {
      ctx.logger.error({ err: e }, 'pop3 update state failed');
      // RFC 1939 §6: "-ERR some deleted messages not removed".
      return { type: 'status', ok: false, code: 'SYS/TEMP', text: 'Some deleted messages not removed', after: 'close' };
    }
  },
};
