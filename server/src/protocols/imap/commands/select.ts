// RFC 9051 §6.3.2 SELECT and §6.3.3 EXAMINE, with RFC 7162 CONDSTORE and
// QRESYNC parameters (§3.1.8, §3.2.5) and RFC 8474 MAILBOXID. The "r" right
// is needed (RFC 4314 §4); without "i"/"w"/"s"/"t"/"e" rights a SELECT
// behaves as EXAMINE only for the flags the client may not change.
import type { Response, ResponseCode } from '../wire/index.ts';
import { bad, done, no, type AuthedContext, type CommandSpec } from '../context.ts';
import { resolveMailbox } from '../session/namespaces.ts';
import { SelectedMailbox } from '../session/selected-mailbox.ts';
import { qresyncResponses } from '../session/qresync.ts';
import { enterSelected, leaveSelected } from '../session/session-state.ts';

function deselect(ctx: AuthedContext): Response[] {
  if (!leaveSelected(ctx.session)) return [];
  // RFC 7162 §3.2.11: with QRESYNC on, the end of the old mailbox is marked by [CLOSED].
  return ctx.session.qresync ? [{ kind: 'untagged', status: 'OK', code: { code: 'CLOSED' }, text: 'Previous mailbox closed' }] : [];
}

export const select: CommandSpec<'SELECT' | 'EXAMINE', 'authenticated' | 'selected'> = {
  names: ['SELECT', 'EXAMINE'],
  states: ['authenticated', 'selected'],
  async handler(ctx, command) {
    const { session } = ctx;
    // RFC 7162 §3.2.5: the QRESYNC parameter needs ENABLE QRESYNC first.
    if (command.qresync && !session.qresync) return bad(command.tag, 'ENABLE QRESYNC first');
    const responses = deselect(ctx);
    const resolved = await resolveMailbox(ctx, command.mailbox);
    if (!resolved) return no(command.tag, `No mailbox ${command.mailbox}`, { code: 'NONEXISTENT' }, responses);
    if (!resolved.rights.includes('r')) return no(command.tag, 'You may not read this mailbox', { code: 'NOPERM' }, responses);
    if (command.condstore) session.condstore = true;
    const readOnly = command.name === 'EXAMINE';
    const { selected, selection } = await SelectedMailbox.open(ctx.services, session.actor, resolved.mailbox, { readOnly, rights: resolved.rights, rev2: session.rev2 });
    // The mailbox row was read just before the UIDs: UIDNEXT must still exceed every UID the session now knows.
    const mailbox = selection.mailbox;
    const uidNext = Math.max(mailbox.uidNext, selected.maxUid + 1);
    const ok = (code: ResponseCode, text: string): Response => ({ kind: 'untagged', status: 'OK', code, text });
    const [flags, permanent] = selected.flagResponses();
    responses.push(flags, { kind: 'exists', count: selected.exists });
    if (!session.rev2) {
      // RFC 3501 §6.3.1: messages new to the mailbox, now \Recent to this session (EXAMINE counts them without claiming them).
      responses.push({ kind: 'recent', count: selected.recent });
      // RFC 3501 §6.3.1: the first unseen message; IMAP4rev2 dropped it (RFC 9051 appendix E).
      const firstUnseen = selected.seqOf(selection.firstUnseenUid);
      if (firstUnseen > 0) responses.push(ok({ code: 'UNSEEN', value: firstUnseen }, `Message ${firstUnseen} is first unseen`));
    }
    responses.push(
      permanent,
      ok({ code: 'UIDVALIDITY', value: mailbox.uidValidity }, 'UIDs valid'),
      ok({ code: 'UIDNEXT', value: uidNext }, 'Predicted next UID'),
      ok({ code: 'HIGHESTMODSEQ', value: BigInt(mailbox.highestModSeq) }, 'Highest'),
      ok({ code: 'MAILBOXID', id: mailbox.id }, 'Mailbox id'),
    );
    if (command.qresync && command.qresync.uidValidity === mailbox.uidValidity) {
      responses.push(...await qresyncResponses(ctx, selected, command.qresync));
    }
    enterSelected(session, selected);
    const code: ResponseCode = { code: readOnly || !/[wsteix]/.test(resolved.rights) ? 'READ-ONLY' : 'READ-WRITE' };
    return done(command.tag, `${command.name} completed`, responses, code);
  },
};
