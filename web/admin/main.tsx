import { render } from 'preact';
import { ApiSession, createApi, localSessionStore } from './api';
import { App } from './app';
import css from './console.css';

// Styles through the CSSOM (the page's CSP has no 'unsafe-inline').
const sheet = new CSSStyleSheet();
sheet.replaceSync(css);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

const session = new ApiSession(location.origin, localSessionStore('newsroom-console:session'));
render(<App api={createApi(session)} session={session} />, document.getElementById('app')!);
