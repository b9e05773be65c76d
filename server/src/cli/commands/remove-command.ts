// `stoa account|group|alias|domain remove KEY`: the directory service checks
// rights and refuses what may not go; the command only reports.
import type { Actor, Directory } from '../../directory/api.ts';
import type { Command } from '../command.ts';

interface Removable { delete(actor: Actor, key: string): Promise<void> }

/** `noun` names the object in the message ("Removed group …"); `key` is ADDRESS or NAME. */
export function removeCommand(noun: string, summary: string, key: 'ADDRESS' | 'NAME', service: (directory: Directory) => Removable): Command {
  return {
    name: 'remove', summary, usage: key, positionals: 1,
    async run(ctx, { positionals }) {
      const { directory } = await ctx.open();
      await service(directory).delete(ctx.actor, positionals[0]);
      ctx.emit({ removed: positionals[0] }, () => `Removed ${noun} ${positionals[0]}.`);
      return 0;
    },
  };
}
