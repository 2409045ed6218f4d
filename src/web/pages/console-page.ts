import type { WebAsset } from '../web-assets.js';
import { escapeHtml } from './html.js';

/** /admin: the moderation console's page, around its hashed script (with Subresource Integrity). */
export function consolePage(entry: WebAsset): string {
  const src = escapeHtml(`/${entry.path}`);
  return `<!doctype html>
<html lang="bg">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<title>Модерация</title>
<script type="module" src="${src}" integrity="sha256-${entry.sha256}"></script>
</head>
<body>
<div id="app"></div>
<noscript>Конзолата за модерация работи с JavaScript. / The moderation console needs JavaScript.</noscript>
</body>
</html>
`;
}
