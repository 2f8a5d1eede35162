/** The dashboard's entry point (bundled by apps/cloud/src/web/bundle.ts). */
import { render } from 'preact';
import { App } from './app';
import { saveToken } from './session';
import './style.css';

// A sign-in link (`npm start` prints one) carries the token in the fragment, which never reaches
// the server: keep it and take it out of the address bar and history.
const fromLink = /(?:^#|&)token=([^&]+)/.exec(location.hash);
if (fromLink) {
  saveToken(decodeURIComponent(fromLink[1]!));
  history.replaceState(null, '', location.pathname + location.search);
}

const root = document.getElementById('app')!;
root.textContent = '';
render(<App />, root);
