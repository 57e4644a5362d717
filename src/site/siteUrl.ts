// URLs of the site's own files (public/: bundled models, example sets), built from Vite's base so
// the built site works under any sub-path (a GitHub Pages project page, a university server).
//
// `npm run build` uses a relative base ('./'), so one build serves at any path. A relative base is
// resolved against the page (window) or, in a worker, against the site root one level above the
// worker's own file: Vite emits every worker chunk into `assets/` (build.assetsDir).
const BASE: string = import.meta.env.BASE_URL;

/** The absolute URL of the site root (with a trailing slash). */
export function siteRoot(): string {
  if (BASE.startsWith('/')) return new URL(BASE, self.location.origin).href;
  const inWindow = typeof document !== 'undefined';
  const anchor = inWindow ? document.baseURI : new URL('../', self.location.href).href;
  return new URL(BASE, anchor).href;
}

/** The absolute URL of `path` (no leading slash, e.g. 'models/toy-reasoner/') under the site root. */
export function siteUrl(path: string): string {
  if (path.startsWith('/')) throw new Error(`siteUrl takes a path relative to the site root, got ${JSON.stringify(path)}`);
  return new URL(path, siteRoot()).href;
}
