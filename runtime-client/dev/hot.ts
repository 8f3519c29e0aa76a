/**
 * Applies the dev loop's updates in the tab: new HTML is morphed into the body with idiomorph, so
 * the elements, focus and whatever the user typed stay; a stylesheet is re-linked with a new query
 * so the browser fetches it again; anything else reloads the tab.
 */
import { Idiomorph } from 'idiomorph';

/** Elements the runtime itself puts in the body; the page's HTML never has them. */
const RUNTIME_IDS = new Set(['pb-status-default']);

/** Whether the user changed a form control, so its value is theirs and the update must keep it. */
function edited(el: Element): boolean {
  if (el instanceof HTMLInputElement) {
    return el.type === 'checkbox' || el.type === 'radio' ? el.checked !== el.defaultChecked : el.value !== el.defaultValue;
  }
  if (el instanceof HTMLTextAreaElement) return el.value !== el.defaultValue;
  return false;
}

export function morphPage(html: string): void {
  const next = new DOMParser().parseFromString(html, 'text/html');
  if (next.title && next.title !== document.title) document.title = next.title;
  Idiomorph.morph(document.body, next.body, {
    morphStyle: 'outerHTML',
    ignoreActiveValue: true,
    restoreFocus: true,
    callbacks: {
      beforeNodeRemoved: (node) => !(node instanceof Element && RUNTIME_IDS.has(node.id)),
      beforeAttributeUpdated: (name, el) => !((name === 'value' || name === 'checked') && edited(el)),
    },
  });
}

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
