// The view a shared link opened the page with (parsed once from location.search), and the link of
// the current view ("Copy link"). The stores take their initial values from linkView().
import { settingsToQuery } from './settings.ts';
import { encodeView, VIEW_PARAM, viewFromQuery, type LinkView } from './viewLink.ts';

let parsed: { view: LinkView; errors: string[] } | null = null;

/** The view of the URL the page was opened with (empty when it had none). */
export function linkView(): LinkView {
  parsed ??= viewFromQuery(typeof location === 'undefined' ? '' : location.search);
  return parsed.view;
}

/** Why the link's view (or part of it) was ignored. */
export function linkViewErrors(): string[] {
  linkView();
  return parsed!.errors;
}

/** The absolute link of a view: the page's address, the screen-scoped settings and the view. */
export function shareUrl(base: string, settings: Parameters<typeof settingsToQuery>[0], view: LinkView): string {
  const q = new URLSearchParams(settingsToQuery(settings));
  if (Object.keys(view).length > 0) q.set(VIEW_PARAM, encodeView(view));
  const query = q.toString();
  return `${base}${query ? `?${query}` : ''}`;
}
