// Depth-first walk over a part tree in section order, with an explicit
// stack: a hostile message may nest thousands of levels.
import type { MimePart } from './types.ts';

export interface WalkedPart {
  part: MimePart;
  /** The part is the root of the top-level or of an encapsulated message. */
  messageRoot: boolean;
  depth: number;
}

export function* walkParts(root: MimePart): Generator<WalkedPart> {
  const stack: WalkedPart[] = [{ part: root, messageRoot: true, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop() as WalkedPart;
    yield item;
    const { part, depth } = item;
    if (part.message !== null) stack.push({ part: part.message.root, messageRoot: true, depth: depth + 1 });
    for (let i = part.children.length - 1; i >= 0; i--) stack.push({ part: part.children[i], messageRoot: false, depth: depth + 1 });
  }
}
