import { Store } from './store';

/** History-API routing: the appliance answers every console path with index.html, so a reload keeps the page. */
export const route = new Store<string>(location.pathname + location.search);

window.addEventListener('popstate', () => route.set(location.pathname + location.search));

export function navigate(to: string, replace = false) {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  route.set(to);
  window.scrollTo(0, 0);
}

/** Click handler for links inside the app: plain left clicks navigate without a page load. */
export function linkClick(e: MouseEvent) {
  const a = (e.currentTarget as HTMLAnchorElement | null) ?? null;
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(a.getAttribute('href') ?? '/');
}

export function pathOf(r: string): string {
  return r.split('?')[0];
}

export function queryOf(r: string): URLSearchParams {
  const i = r.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : r.slice(i + 1));
}
