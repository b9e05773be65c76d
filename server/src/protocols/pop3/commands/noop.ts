// RFC 1939 §5 NOOP.
import { ok, type Pop3CommandSpec } from '../context.ts';

export const noop: Pop3CommandSpec<'NOOP', 'transaction'> = {
  verb: 'NOOP',
  states: ['transaction'],
  handler: async () => ok(''),
};
