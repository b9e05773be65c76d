// RFC 9051 §6.1.2 NOOP and RFC 3501 §6.4.1 CHECK (gone from IMAP4rev2, kept
// for IMAP4rev1 clients). Both exist to let the dispatcher deliver pending
// EXISTS/EXPUNGE/FETCH updates (RFC 9051 §7.5.1), which it does after every command.
import { done, type CommandSpec } from '../context.ts';

export const noop: CommandSpec<'NOOP', 'not-authenticated' | 'authenticated' | 'selected'> = {
  names: ['NOOP'],
  states: ['not-authenticated', 'authenticated', 'selected'],
  async handler(_ctx, command) {
    return done(command.tag, 'NOOP completed');
  },
};

export const check: CommandSpec<'CHECK', 'selected'> = {
  names: ['CHECK'],
  states: ['selected'],
  async handler(_ctx, command) {
    // Every change is committed when its command answers: there is nothing to checkpoint.
    return done(command.tag, 'CHECK completed');
  },
};
