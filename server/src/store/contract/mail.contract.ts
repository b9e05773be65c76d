// The mail part of the store contract (mail-port.ts), registered in
// run-store-contract.ts so every adapter runs it.
import { expungeLogContract } from './mail-expunge-log.contract.ts';
import { mailboxContract } from './mail-mailboxes.contract.ts';
import { messageContract } from './mail-messages.contract.ts';
import { mailRaceContract } from './mail-race.contract.ts';
import { messageSearchContract } from './mail-search.contract.ts';
import { messageSyncContract } from './mail-sync.contract.ts';
import type { StoreFactory } from './harness.ts';

export function mailContract(factory: StoreFactory): void {
  mailboxContract(factory);
  messageContract(factory);
  messageSyncContract(factory);
  expungeLogContract(factory);
  messageSearchContract(factory);
  mailRaceContract(factory);
}
