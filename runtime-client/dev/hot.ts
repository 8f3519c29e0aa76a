/**
 * Applies the dev loop's updates in the tab: new HTML is morphed into the body with idiomorph, so
 * the elements, focus and whatever the user typed stay; a stylesheet is re-linked with a new query
 * so the browser fetches it again; anything else reloads the tab.
 */
export { morphPage } from '../morph.js';

/** Re-links every stylesheet whose path is `href`; true when one was found. */
export function swapStylesheet(href: string): boolean {
  let found = false;
  for (const link of Array.from(document.querySelectorAll<HTMLLinkElement>('link[rel~="stylesheet"][href]'))) {
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.pathname !== href) continue;
    url.searchParams.set('pb-dev', String(Date.now()));
    // The new link loads before the old one goes, so the page never shows unstyled.
    const fresh = link.cloneNode() as HTMLLinkElement;
    fresh.href = url.pathname + url.search;
    fresh.addEventListener('load', () => link.remove(), { once: true });
    fresh.addEventListener('error', () => link.remove(), { once: true });
    link.after(fresh);
    found = true;
  }
  return found;
}
