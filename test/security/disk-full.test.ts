/**
 * Finding 6 of issue #10: after a full disk, every write and sign-in kept failing until a
 * restart, and /readyz said ready. The same scenario as the fault suite's
 * (test/faults/disk-full-scenario.ts).
 */
import { diskFullScenario } from '../faults/disk-full-scenario';

diskFullScenario('security #10.6: after a full disk, writes resume when space returns and /readyz tells the truth');
