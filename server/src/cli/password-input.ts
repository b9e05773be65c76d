// Passwords reach the CLI through stdin or a no-echo prompt, never as an
// argument: argv is visible to every user in `ps` and lands in shell history.
import { StoaError } from '../errors/catalogue.ts';
import type { CliIo } from './context.ts';
import { UsageError } from './command.ts';

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** `--password-stdin`: the first line of stdin, without its line ending (as `docker login --password-stdin`). */
export async function passwordFromStdin(io: CliIo): Promise<string> {
  const text = await readAll(io.stdin);
  const password = text.split(/\r?\n/)[0];
  if (!password) throw new StoaError('STOA_WEAK_PASSWORD', 'stdin held no password');
  return password;
}

/** Reads one line from a terminal in raw mode, echoing nothing. */
function promptHidden(io: CliIo, question: string): Promise<string> {
  const { stdin, stderr } = io;
  return new Promise((resolvePromise, reject) => {
    let typed = '';
    stderr.write(question);
    stdin.setRawMode?.(true);
    stdin.resume();
    const finish = (err: Error | null): void => {
      stdin.removeListener('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
      if (err) reject(err);
      else resolvePromise(typed);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n') return finish(null);
        if (ch === '\u0003') return finish(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else if (ch >= ' ') typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** The new password for `account add` / `account passwd`: stdin when asked, else a prompt typed twice. */
export async function readNewPassword(io: CliIo, fromStdin: boolean): Promise<string> {
  if (fromStdin) return passwordFromStdin(io);
  if (!io.stdin.isTTY) {
    throw new UsageError('no password given: pipe it with --password-stdin, or run the command in a terminal to be prompted');
  }
  const first = await promptHidden(io, 'New password: ');
  const second = await promptHidden(io, 'Repeat it: ');
  if (first !== second) throw new UsageError('the two passwords differ; nothing was changed');
  if (!first) throw new UsageError('empty password; nothing was changed');
  return first;
}
