// NOOP (RFC 5804 §2.13): OK, echoing the client's tag as (TAG "…").
import type { CommandSpec } from '../context.ts';
import { ok } from '../context.ts';

export const noop: CommandSpec<'NOOP'> = {
  verb: 'NOOP',
  state: 'any',
  handler: async (_ctx, c) => (c.tag === null ? ok('Done') : ok('Done', { tag: c.tag })),
};
