// RFC 4978 COMPRESS=DEFLATE: raw deflate both ways from the byte after the OK.
import { bad, no, type CommandSpec } from '../context.ts';

export const compress: CommandSpec<'COMPRESS'> = {
  names: ['COMPRESS'],
  states: ['authenticated', 'selected'],
  async handler(ctx, command) {
    if (command.mechanism.toUpperCase() !== 'DEFLATE') return bad(command.tag, `Unknown compression mechanism ${command.mechanism}`);
    // RFC 4978 §3: a second COMPRESS is refused with COMPRESSIONACTIVE.
    if (ctx.session.compressed) return no(command.tag, 'Compression is already active', { code: 'COMPRESSIONACTIVE' });
    return { type: 'done', responses: [], final: { kind: 'tagged', tag: command.tag, status: 'OK', text: 'DEFLATE active' }, after: 'compress' };
  },
};
