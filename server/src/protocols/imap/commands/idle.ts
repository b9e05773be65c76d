// RFC 2177 / RFC 9051 §6.3.13 IDLE: "+ idling", then changes are pushed as
// they happen (the connection flushes the selected mailbox), until "DONE".
import { bad, done, type CommandSpec } from '../context.ts';
import { isIdleDone } from '../wire/index.ts';

export const idle: CommandSpec<'IDLE', 'authenticated' | 'selected'> = {
  names: ['IDLE'],
  states: ['authenticated', 'selected'],
  async handler(_ctx, command) {
    return {
      type: 'continue',
      responses: [],
      prompt: { kind: 'continuation', text: 'idling' },
      idle: true,
      next: async (_c, line) => (isIdleDone(line) ? done(command.tag, 'IDLE terminated') : bad(command.tag, 'Expected DONE')),
    };
  },
};
