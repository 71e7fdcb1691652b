// Build step after tsc: bundles the report pages' typed browser modules
// (src/report/client/) into dist/report/client/, where the built CLI reads them.
import { writeClientBundles } from '../src/report/client-bundle.js';

for (const path of writeClientBundles('dist/report/client')) console.log(`wrote ${path}`);
