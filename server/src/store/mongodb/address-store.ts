// Lookups in the shared address space (see addressed-entity.ts for claims).
import type { AddressStore } from '../port.ts';
import { addressCollection } from './addressed-entity.ts';
import { guard, sessionOpts, type MongoCtx } from './mongo-context.ts';

export function createAddressStore(ctx: MongoCtx): AddressStore {
  return {
    async resolve(address) {
      const doc = await guard(ctx, () => addressCollection(ctx).findOne({ _id: address }, sessionOpts(ctx)));
      return doc ? { kind: doc.kind, id: doc.ownerId } : null;
    },
  };
}
