// Scripted RFC checklist: SEARCH (cases/search.ts).
import { cases } from './cases/search.ts';
import { conformanceSuite } from './stoa-suite.ts';

conformanceSuite('SEARCH', cases);
