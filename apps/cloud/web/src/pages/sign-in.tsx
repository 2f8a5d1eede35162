/** Sign-in with an API token (from `sdfl user add`, `sdfl token create`, or the demo's link). */
import { useState } from 'preact/hooks';
import { ErrorNote } from '../components/error-note';
import { Field } from '../components/field';
import { clientFor, saveToken, type Me } from '../session';

export function SignIn({ reason, onSignedIn }: { reason?: string | undefined; onSignedIn: (token: string, me: Me) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const t = token.trim();
      const me = await clientFor(t).get<Me>('/me');
      saveToken(t);
      onSignedIn(t, me);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <h1>sdfl dashboard</h1>
      <p>Sign in with an API token. An admin creates one with <code>sdfl user add</code> or <code>sdfl token create</code>; <code>npm start</code> prints a sign-in link.</p>
      {reason && <p class="notice">Signed out: {reason}</p>}
      <form onSubmit={(e) => void submit(e)}>
        <Field id="token" label="API token">
          <input id="token" name="token" type="password" autocomplete="current-password" required value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        </Field>
        <button type="submit" disabled={busy || token.trim() === ''}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      <ErrorNote error={error} what="sign-in failed" />
    </main>
  );
}
