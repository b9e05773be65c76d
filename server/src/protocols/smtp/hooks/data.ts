// DATA (RFC 5321 §4.1.1.4): the message is streamed into a spool as it
// arrives (message-spool.ts), checked, and only then handed on; the 250 is
// sent once delivery.ts has made it durable. Content rules (docs/smtp.md):
// bare LF is turned into CRLF, NUL is refused with 554 5.6.0, long lines and
// 8-bit data without BODY=8BITMIME are accepted and logged, a message over
// smtp.maxMessageBytes is read to its end, dropped, and answered 552 5.3.4.
import type { SMTPServerDataStream } from 'smtp-server';
import { deliverMessage } from '../delivery.ts';
import { MessageSpool } from '../message-spool.ts';
import type { HookContext } from '../smtp-context.ts';
import { fromAddresses, mayUseAddress } from '../sender-identity.ts';
import { SmtpReply } from '../smtp-reply.ts';
import { countReceived } from '../trace-headers.ts';

/** The header section must fit in here to be checked; longer ones are refused. */
const MAX_HEADER_BYTES = 1024 * 1024;
/** RFC 5321 §6.3: a message that has passed this many hops is looping. */
const MAX_HOPS = 50;

function headerSection(head: Buffer): Buffer | null {
  const end = head.indexOf('\r\n\r\n');
  if (end >= 0) return head.subarray(0, end + 2);
  // A message of headers only, with no blank line, is still a message (RFC 5322 §3.5).
  return head.length < MAX_HEADER_BYTES ? head : null;
}

async function checkFrom(ctx: HookContext, header: Buffer): Promise<void> {
  const account = ctx.state.account;
  if (!account) return;
  const from = fromAddresses(header);
  // RFC 5322 §3.6: From is required; without it the message names no author to impersonate, and we refuse it.
  if (!from) throw new SmtpReply(550, '5.6.0', 'Message has no From: address', 'bad-content');
  for (const address of from) {
    if (!await mayUseAddress(ctx.services.directory, account, address)) {
      throw new SmtpReply(553, '5.7.1', `From: <${address}> is not yours`, 'sender-not-owned');
    }
  }
}

export async function onData(ctx: HookContext, stream: SMTPServerDataStream): Promise<string> {
  const { services, state, session } = ctx;
  const tx = state.tx;
  if (!tx || tx.plans.size === 0) throw new SmtpReply(503, '5.5.1', 'Need RCPT command', 'syntax');
  const { smtp } = services.config;
  const spool = new MessageSpool(services.spoolDir, smtp.spoolMemoryBytes, smtp.maxMessageBytes);
  try {
    for await (const chunk of stream) await spool.write(chunk as Buffer);
    await spool.finish();
    if (spool.overflow || stream.sizeExceeded) {
      throw new SmtpReply(552, '5.3.4', `Message exceeds the size limit of ${smtp.maxMessageBytes} bytes`, 'too-big');
    }
    const { facts } = spool;
    if (facts.nul) throw new SmtpReply(554, '5.6.0', 'Message contains NUL characters', 'bad-content');
    if (spool.size === 0) throw new SmtpReply(554, '5.6.0', 'Message is empty', 'bad-content');
    if (facts.bareLf > 0 || facts.longestLine > 998 || (facts.eightBit && session.envelope.bodyType !== '8bitmime')) {
      // Accepted as real servers do; recorded so an operator can see which clients send it.
      state.log.info({
        bareLf: facts.bareLf, longestLine: facts.longestLine, eightBitWithout8BitMime: facts.eightBit && session.envelope.bodyType !== '8bitmime',
      }, 'smtp message accepted with non-conforming content');
    }
    const header = headerSection(await spool.head(MAX_HEADER_BYTES));
    if (!header) throw new SmtpReply(552, '5.3.4', 'Header section too large', 'too-big');
    if (countReceived(header.toString('latin1')) > MAX_HOPS) {
      throw new SmtpReply(554, '5.4.6', 'Too many hops; mail loop detected', 'bad-content');
    }
    if (state.listener !== 'smtp') await checkFrom(ctx, header);
    const text = await deliverMessage(ctx, tx, spool, header);
    services.metrics.accepted.inc({ listener: state.listener });
    services.trace?.publish({
      stage: 'accepted', origin: state.listener, ip: state.ip, sender: tx.sender, recipients: [...tx.plans.keys()],
      messageId: /accepted as (\S+)/.exec(text)?.[1] ?? null,
    });
    return text;
  } finally {
    await spool.dispose();
    state.tx = null;
  }
}
