// Scripted RFC checklist: move-copy (cases/move-copy.ts).
import { cases } from './cases/move-copy.ts';
import { conformanceSuite } from './stoa-suite.ts';

conformanceSuite('COPY and MOVE', cases);
