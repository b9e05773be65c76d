// Wires the mail services to one store and one change bus.
import type { ChangeBus } from '../events/change-bus.ts';
import type { Store } from '../store/port.ts';
import type { DeliveryService, MailboxService, MessageService } from './api.ts';
import { createDeliveryService } from './delivery-service.ts';
import { createMailboxService } from './mailbox-service.ts';
import { createMessageService } from './message-service.ts';

export interface MailServices {
  mailboxes: MailboxService;
  messages: MessageService;
  delivery: DeliveryService;
}

export function createMailServices(deps: { store: Store; bus: ChangeBus; now?: () => string }): MailServices {
  const mailboxes = createMailboxService(deps);
  return {
    mailboxes,
    messages: createMessageService(deps),
    delivery: createDeliveryService({ ...deps, mailboxes }),
  };
}
