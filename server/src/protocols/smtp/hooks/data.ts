// DATA (RFC 5321 §4.1.1.4): the message is streamed into a spool as it
// arrives (message-spool.ts), its transport-level content checked, and then
// handed to the intake service with the envelope; the 250 is sent once the
// intake has made it durable. Content rules (docs/smtp.md): bare LF is
// turned into CRLF, NUL is refused with 554 5.6.0, long lines and 8-bit data
// without BODY=8BITMIME are accepted and logged, a message over
// smtp.maxMessageBytes is read to its end, dropped, and answered 552 5.3.4.
import type { SMTPServerDataStream } from 'smtp-server';
import type { DsnNotify, DsnRet } from '../../../model/queue.ts';
import { MessageSpool } from '../message-spool.ts';
import type { HookContext } from '../smtp-context.ts';
import { SmtpReply } from '../smtp-reply.ts';
import { originOf } from './origin.ts';

/** RFC 3461 §4: xtext "+XX" hex escapes. */
function decodeXtext(s: string): string {
  return s.replace(/\+([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export async function onData(ctx: HookContext, stream: SMTPServerDataStream): Promise<string> {
  const { services, state, session } = ctx;
  const tx = state.tx;
  if (!tx || tx.plans.size === 0) throw new SmtpReply(503, '5.5.1', 'Need RCPT command', 'syntax');
  const { smtp } = services;
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
    const recipients = session.envelope.rcptTo.flatMap((rcpt) => {
      const plan = tx.plans.get(rcpt.address.toLowerCase());
      if (!plan) return [];
      return [{
        address: rcpt.address, plan,
        notify: (rcpt.dsn?.notify as DsnNotify[] | undefined) ?? null,
        // RFC 3461 §4.2: the client's ORCPT, "addr-type;address".
        orcpt: rcpt.dsn?.orcpt ? decodeXtext(rcpt.dsn.orcpt) : null,
      }];
    });
    const result = await services.intake.accept({
      envelope: {
        sender: tx.sender, recipients,
        ret: (session.envelope.dsn?.ret as DsnRet | null | undefined) ?? null,
        envId: session.envelope.dsn?.envid ?? null,
      },
      message: spool,
      principal: state.principal,
      origin: originOf(ctx),
    });
    services.metrics.accepted.inc({ listener: state.listener });
    return `2.6.0 Message accepted as ${result.id}`;
  } finally {
    await spool.dispose();
    state.tx = null;
  }
}
