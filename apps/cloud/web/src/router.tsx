/**
 * A small history router under `/ui/`: the server answers every `/ui/*` path with the same shell,
 * so links are real URLs (bookmarkable, open in a new tab) and navigation needs no reload.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/ui';

/** The current path below `/ui` (e.g. `/campaigns/c-1`), updated on navigation. */
export function usePath(): string {
  const [path, setPath] = useState(current);
  useEffect(() => {
    const update = () => setPath(current());
    addEventListener('popstate', update);
    addEventListener('sdfl:navigate', update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener('sdfl:navigate', update);
    };
  }, []);
  return path;
}

function current(): string {
  const p = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname;
  return p === '' ? '/' : p;
}

export function navigate(path: string, replace = false): void {
  const url = BASE + path;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  dispatchEvent(new Event('sdfl:navigate'));
  scrollTo(0, 0);
}

/** An in-app link: a real `<a href>`, navigated without reload on a plain click. */
export function Link(props: { href: string; children: ComponentChildren } & Omit<JSX.HTMLAttributes<HTMLAnchorElement>, 'href'>) {
  const { href, children, ...rest } = props;
  return (
    <a
      {...rest}
      href={BASE + href}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}

/** Matches `path` against patterns like `/campaigns/:id`; the first match wins. */
export function match(path: string, pattern: string): Record<string, string> | null {
  const names: string[] = [];
  const re = new RegExp('^' + pattern.replace(/:([a-zA-Z]+)/g, (_, n: string) => (names.push(n), '([^/]+)')) + '/?$');
  const m = re.exec(path);
  if (!m) return null;
  return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
}
