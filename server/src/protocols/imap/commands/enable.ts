// RFC 5161 ENABLE: CONDSTORE and QRESYNC (RFC 7162 §3.2.3: QRESYNC implies
// CONDSTORE), UTF8=ACCEPT (RFC 6855 §3) and IMAP4rev2 (RFC 9051 §6.3.1: the
// session then follows RFC 9051 instead of RFC 3501). Unknown names are
// ignored; only newly enabled ones are listed in ENABLED.
import { done, type CommandSpec } from '../context.ts';
import type { Response } from '../wire/index.ts';
import { enableCondstore } from '../session/condstore.ts';

export const enable: CommandSpec<'ENABLE', 'authenticated' | 'selected'> = {
  names: ['ENABLE'],
  states: ['authenticated', 'selected'],
  async handler(ctx, command) {
    const { session } = ctx;
    const enabled: string[] = [];
    const extra: Response[] = [];
    for (const raw of command.capabilities) {
      const name = raw.toUpperCase();
      if (name === 'CONDSTORE' && !session.condstore) {
        extra.push(...await enableCondstore(ctx));
        enabled.push('CONDSTORE');
      } else if (name === 'QRESYNC' && !session.qresync) {
        session.qresync = true;
        extra.push(...await enableCondstore(ctx));
        enabled.push('QRESYNC');
      } else if (name === 'UTF8=ACCEPT' && !session.utf8) {
        session.utf8 = true;
        enabled.push('UTF8=ACCEPT');
      } else if (name === 'IMAP4REV2' && !session.rev2) {
        session.rev2 = true;
        enabled.push('IMAP4rev2');
      }
    }
    return done(command.tag, 'ENABLE completed', [{ kind: 'enabled', capabilities: enabled }, ...extra]);
  },
};
