/**
 * The shell: sign-in gate, navigation, the live stream's state, and the page for the current path.
 * A token the API refuses (revoked, expired) sends the user back to sign-in with the reason.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiClientError } from '../../src/client/http';
import { ErrorNote } from './components/error-note';
import { LiveFeed } from './live';
import { Link, match, navigate, usePath } from './router';
import { ROUTES } from './routes';
import { clientFor, forgetToken, savedToken, SessionContext, useSession, type Me, type Session } from './session';
import { SignIn } from './pages/sign-in';

type Gate = { kind: 'checking' } | { kind: 'signed-out'; reason?: string } | { kind: 'in'; token: string; me: Me };

export function App() {
  const [gate, setGate] = useState<Gate>(() => (savedToken() ? { kind: 'checking' } : { kind: 'signed-out' }));

  useEffect(() => {
    if (gate.kind !== 'checking') return;
    const token = savedToken()!;
    clientFor(token)
      .get<Me>('/me')
      .then(
        (me) => setGate({ kind: 'in', token, me }),
        (e: unknown) => {
          if (e instanceof ApiClientError && e.status === 401) forgetToken();
          setGate({ kind: 'signed-out', reason: (e as Error).message });
        },
      );
  }, [gate.kind]);

  if (gate.kind === 'checking') return <p class="boot">Checking your token…</p>;
  if (gate.kind === 'signed-out') return <SignIn reason={gate.reason} onSignedIn={(token, me) => setGate({ kind: 'in', token, me })} />;
  return <SignedIn token={gate.token} me={gate.me} onSignOut={(reason) => setGate({ kind: 'signed-out', ...(reason ? { reason } : {}) })} />;
}

function SignedIn({ token, me, onSignOut }: { token: string; me: Me; onSignOut: (reason?: string) => void }) {
  const [fatal, setFatal] = useState<unknown>(undefined);
  const session = useMemo<Session>(() => {
    const client = clientFor(token);
    const live = new LiveFeed(client, (e) => {
      if (e instanceof ApiClientError && e.status === 401) {
        forgetToken();
        onSignOut(`the server refused the token: ${e.message}`);
      } else setFatal(e);
    });
    return {
      client,
      me,
      live,
      signOut: () => {
        live.stop();
        forgetToken();
        onSignOut();
      },
    };
  }, [token]);
  useEffect(() => () => session.live.stop(), [session]);
  const path = usePath();
  const route = ROUTES.map((r) => ({ r, params: match(path, r.pattern) })).find((x) => x.params !== null);
  return (
    <SessionContext.Provider value={session}>
      <header class="top">
        <Link href="/" class="brand">
          sdfl
        </Link>
        <nav aria-label="main">
          {ROUTES.filter((r) => r.nav).map((r) => (
            <Link key={r.pattern} href={r.pattern} aria-current={isCurrent(path, r.pattern) ? 'page' : undefined}>
              {r.nav}
            </Link>
          ))}
        </nav>
        <LiveBadge />
        <span class="who">
          {me.name} <small>({me.role})</small>
          <button type="button" class="link" onClick={session.signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main>
        <ErrorNote error={fatal} what="live updates stopped" />
        {route ? <route.r.page params={route.params!} /> : <NotFound path={path} />}
      </main>
    </SessionContext.Provider>
  );
}

const isCurrent = (path: string, pattern: string): boolean => (pattern === '/' ? path === '/' || path.startsWith('/platforms') : path.startsWith(pattern));

function LiveBadge() {
  const { live } = useSession();
  const [, setN] = useState(0);
  useEffect(() => {
    const off = live.onState(() => setN((n) => n + 1));
    setN((n) => n + 1); // the state may have changed between the first render and this subscription
    return off;
  }, [live]);
  return (
    <span class={`live live-${live.state}`} role="status" title={live.reason} data-live={live.state}>
      {live.state === 'live' ? '● live' : live.state === 'reconnecting' ? '○ reconnecting…' : live.state === 'connecting' ? '○ connecting…' : '○ stopped'}
    </span>
  );
}

function NotFound({ path }: { path: string }) {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        No page at <code>{path}</code>. <button class="link" onClick={() => navigate('/')}>Go to the fleet</button>
      </p>
    </section>
  );
}
