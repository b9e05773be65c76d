// STATUS data items (RFC 9051 §6.3.11, RFC 8438 SIZE, RFC 7162 HIGHESTMODSEQ,
// RFC 7889 APPENDLIMIT, RFC 8474 MAILBOXID), shared by STATUS and LIST-STATUS.
import type { Mailbox } from '../../../model/mail.ts';
import type { AuthedContext } from '../context.ts';
import type { Response, StatusItem } from '../wire/index.ts';

export async function statusResponse(ctx: AuthedContext, mailbox: Mailbox, imapName: string, items: readonly StatusItem[]): Promise<Response> {
  const status = await ctx.services.mailboxes.status(ctx.session.actor, mailbox.id);
  const values: Array<{ name: string; value: number | bigint | string }> = [];
  for (const item of items) {
    switch (item) {
      case 'MESSAGES': values.push({ name: item, value: status.messages }); break;
      case 'UIDNEXT': values.push({ name: item, value: status.uidNext }); break;
      case 'UIDVALIDITY': values.push({ name: item, value: status.uidValidity }); break;
      case 'UNSEEN': values.push({ name: item, value: status.unseen }); break;
      case 'DELETED': values.push({ name: item, value: status.deleted }); break;
      case 'SIZE': values.push({ name: item, value: status.size }); break;
      // RFC 3501 §6.3.10: messages no session has been told of yet (RFC 9051 removed \Recent).
      case 'RECENT': values.push({ name: item, value: status.recent }); break;
      case 'HIGHESTMODSEQ': values.push({ name: item, value: BigInt(status.highestModSeq) }); break;
      case 'APPENDLIMIT': values.push({ name: item, value: ctx.settings.appendLimit }); break;
      case 'MAILBOXID': values.push({ name: item, value: mailbox.id }); break;
    }
  }
  return { kind: 'status', mailbox: imapName, items: values };
}
