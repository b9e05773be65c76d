// Wires the mail services to one store and one change bus, with one access
// checker (mail-access.ts) shared by all of them.
import type { ChangeBus } from '../events/change-bus.ts';
import type { Store } from '../store/port.ts';
import type { DeliveryService, MailboxService, MessageService, TransferObserver } from './api.ts';
import { createDeliveryService } from './delivery-service.ts';
import { createMailAccess, type MailAccess, type MailAccessOptions } from './mail-access.ts';
import { createMaildropLocks, type MaildropLocks } from './maildrop-lock.ts';
import { createMailboxService } from './mailbox-service.ts';
import { createMessageService } from './message-service.ts';
import type { MailLimits } from './mail-limits.ts';

export interface MailServices {
  mailboxes: MailboxService;
  messages: MessageService;
  delivery: DeliveryService;
  /** RFC 1939 §8 maildrop locks (POP3). */
  maildrops: MaildropLocks;
  access: MailAccess;
}

export function createMailServices(deps: {
  store: Store; bus: ChangeBus; now?: () => string; access?: MailAccessOptions; onTransfer?: TransferObserver;
  /** mail.limits: keywords, mailboxes, name length and depth (mail-limits.ts). */
  limits?: MailLimits;
}): MailServices {
  const access = createMailAccess(deps.store, deps.access, deps.bus);
  const mailboxes = createMailboxService({ ...deps, access });
  return {
    mailboxes,
    messages: createMessageService({ ...deps, access }),
    delivery: createDeliveryService({ ...deps, mailboxes }),
    maildrops: createMaildropLocks(deps.store.locks, access),
    access,
  };
}
