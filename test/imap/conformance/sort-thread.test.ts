// Scripted RFC checklist: SORT and THREAD (cases/sort-thread.ts).
import { cases } from './cases/sort-thread.ts';
import { conformanceSuite } from './stoa-suite.ts';

conformanceSuite('SORT and THREAD', cases);
