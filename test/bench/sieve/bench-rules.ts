// The 50 inbox rules the benchmarks use: the kinds users set through
// /api/v1/me/rules (senders, subject words, To/Cc, sizes, a few body words;
// move, copy, flag, forward, delete, stop). Shared by test/bench/sieve and
// the SMTP benchmark's --sieve rounds.
import type { MailRule } from '../../../shared/src/schemas/sieve.ts';

const SENDERS = ['@crm.example.net', 'billing@', 'noreply@github.com', '@jira.example.com', 'newsletter@', 'hr@corp.example', '@linkedin.com', 'ceo@corp.example'];
const SUBJECTS = ['invoice', 'Rechnung', 'urgent', 'meeting', 'report', 'build failed', 'offer', 'order', 'ticket', 'newsletter'];

/** 50 rules of the kinds users set through /api/v1/me/rules. */
export function benchRules(): MailRule[] {
  return Array.from({ length: 50 }, (_, i): MailRule => {
    const kind = i % 10;
    const conditions: MailRule['conditions'] = kind < 4 ? { from: [SENDERS[i % SENDERS.length], `team${i}@partner${i}.example`] }
      : kind < 7 ? { subjectContains: [SUBJECTS[i % SUBJECTS.length], `PRJ-${i}`] }
        : kind === 7 ? { to: [`list${i}@corp.example`] }
          : kind === 8 ? { sizeOverKb: 2048 + i }
            : { bodyContains: [`unsubscribe-${i}`], from: ['@marketing.example'] };
    const actions: MailRule['actions'] = i % 5 === 0 ? { moveTo: `Folders/F${i}`, flag: true, stop: true }
      : i % 5 === 1 ? { copyTo: `Archive/${i}`, markRead: true } : i % 5 === 2 ? { forwardTo: [`assistant${i}@corp.example`] }
        : i % 5 === 3 ? { moveTo: `Folders/F${i}` } : { delete: true, stop: true };
    return { name: `rule ${i}`, enabled: true, match: kind === 9 ? 'all' : 'any', conditions, actions };
  });
}
