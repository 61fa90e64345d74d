import { useState } from 'preact/hooks';
import { ApiError, describe } from '../api';
import { Spinner } from '../components';
import { login, sessionEndedNotice } from '../session';
import { useStore } from '../store';

export function Login() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ended = useStore(sessionEndedNotice);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'Wrong user name or password.' : describe(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="login" id="main">
      <form class="login-card" onSubmit={submit} aria-labelledby="login-title">
        <div class="brand big">
          <img src="/favicon.svg" alt="" width={40} height={40} />
          <span>Fulcrum</span>
        </div>
        <h1 id="login-title">Log in to the console</h1>
        {ended && (
          <p class="notice info" role="status">
            {ended}
          </p>
        )}
        <div class="field">
          <label for="login-user">User name</label>
          <input id="login-user" name="username" autoComplete="username" value={username} onInput={(e) => setUsername(e.currentTarget.value)} required autoFocus />
        </div>
        <div class="field">
          <label for="login-password">Password</label>
          <input id="login-password" name="password" type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
        </div>
        {error && (
          <p class="outcome error" role="alert" id="login-error">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy && <Spinner />} Log in
        </button>
      </form>
    </main>
  );
}
