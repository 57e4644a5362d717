// zod, configured once for the whole app: jitless, because zod 4 otherwise probes `new Function`
// (eval) to compile its parsers, which the site's Content-Security-Policy forbids (src/site/policy.ts)
// and reports as a violation. Import z from here, never from 'zod' directly.
import { z } from 'zod';

z.config({ jitless: true });

export { z };
