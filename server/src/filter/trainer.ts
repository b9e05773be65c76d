// Training the classifier: from users moving messages into or out of Junk
// (IMAP MOVE/COPY, webmail: the caller is the user, the scope their own) and
// from admin-fed corpora (a domain's scope, or the global one for server
// admins). Training a message twice changes nothing; training it as the
// other class moves its counts (a message taken out of Junk unlearns spam).
import type { Actor } from '../directory/api.ts';
import { isServerAdmin } from '../directory/access.ts';
import { StoaError } from '../errors/catalogue.ts';
import type { Store } from '../store/port.ts';
import type { TrainingClass } from '../store/filter-port.ts';
import type { BayesClassifier } from './bayes-classifier.ts';
import { createMessageView } from './message-view.ts';
import { Readable } from 'node:stream';

/** Whose counts to train: the caller's own (default), an account's, a domain's, or the global scope. */
export type TrainingTarget = { accountId: string } | { domainId: string } | { global: true };

export interface TrainingResult { scope: string; result: 'learned' | 'moved' | 'unchanged' }

export interface Trainer {
  train(actor: Actor, raw: Buffer, cls: TrainingClass, target?: TrainingTarget): Promise<TrainingResult>;
}

export function createTrainer(deps: { store: Store; bayes: BayesClassifier; maxScanBytes: number; now: () => number }): Trainer {
  const { store } = deps;
  const missing = (what: string, id: string): StoaError => new StoaError('STOA_NOT_FOUND', `${what} "${id}" does not exist`);

  async function scopeFor(actor: Actor, target: TrainingTarget | undefined): Promise<string> {
    if (!target) {
      if (actor.id === null) throw new StoaError('STOA_VALIDATION', 'the server itself has no classifier of its own: name a domain or the global scope');
      return `user:${actor.id}`;
    }
    if ('global' in target) {
      if (!isServerAdmin(actor)) throw new StoaError('STOA_FORBIDDEN', 'only a server admin may train the global classifier');
      return 'global';
    }
    if ('accountId' in target) {
      if (actor.id === target.accountId) return `user:${target.accountId}`;
      const account = await store.accounts.get(target.accountId);
      const allowed = account && (isServerAdmin(actor) || (actor.role === 'domain-admin' && account.domainId !== null && actor.adminDomainIds.includes(account.domainId)));
      if (!allowed) throw missing('account', target.accountId);
      return `user:${target.accountId}`;
    }
    const domain = await store.domains.get(target.domainId);
    if (!domain || !(isServerAdmin(actor) || (actor.role === 'domain-admin' && actor.adminDomainIds.includes(domain.id)))) throw missing('domain', target.domainId);
    return `domain:${domain.name}`;
  }

  return {
    async train(actor, raw, cls, target) {
      if (cls !== 'spam' && cls !== 'ham') throw new StoaError('STOA_VALIDATION', 'class must be "spam" or "ham"');
      const scope = await scopeFor(actor, target);
      const view = createMessageView(raw, raw.length, () => Readable.from([raw]), deps.maxScanBytes);
      return { scope, result: await deps.bayes.learn(scope, view, cls, deps.now()) };
    },
  };
}
