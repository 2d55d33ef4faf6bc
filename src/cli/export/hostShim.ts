/**
 * The script that stands in for VS Code in an exported HTML file (see html.ts): it gives the
 * viewer `acquireVsCodeApi()`, answers its `ready` with the embedded trace (a replay, as a saved
 * trace opens) and its `source` requests with the embedded excerpts, and downloads the trace on
 * Save. Hover, jump and insights have no editor to go to and are dropped. Plain ES2017 text
 * (the CLI's compiler has no DOM types; the page runs it as is, allowed by its hash).
 */
export const HOST_SHIM = `(() => {
  'use strict';
  const block = (id) => document.getElementById(id).textContent;
  const session = JSON.parse(block('cv-session'));
  const sources = JSON.parse(block('cv-sources'));
  const traceBytes = () => {
    const text = atob(block('cv-trace').replace(/\\s+/g, ''));
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  };
  const reply = (message, transfer) => window.postMessage(message, '*', transfer || []);
  const excerpt = (file, line) => {
    const lines = [];
    const kept = Object.prototype.hasOwnProperty.call(sources, file) ? sources[file] : undefined;
    const firstLine = Math.max(1, line - 3);
    if (kept && typeof kept[line] === 'string') {
      for (let n = firstLine; n <= line + 3 && typeof kept[n] === 'string'; n++) lines.push(kept[n]);
    }
    return { firstLine: lines.length ? firstLine : line, lines };
  };
  let state;
  window.acquireVsCodeApi = () => ({
    postMessage(message) {
      if (!message || typeof message !== 'object') return;
      if (message.type === 'ready') {
        const bytes = traceBytes();
        reply(
          { type: 'hydrate', session, status: { state: 'replay', message: 'exported' }, chunks: [bytes] },
          [bytes.buffer],
        );
      } else if (message.type === 'source') {
        const { firstLine, lines } = excerpt(String(message.file), Number(message.line));
        reply({ type: 'sourceText', id: message.id, file: message.file, firstLine, lines });
      } else if (message.type === 'save') {
        const a = document.createElement('a');
        a.href = URL.createObjectURL(new Blob([traceBytes()], { type: 'application/octet-stream' }));
        a.download = session.title.replace(/\\.(cvtrace|html?)$/i, '') + '.cvtrace';
        a.click();
        setTimeout(() => URL.revokeObjectURL(a.href), 1000);
      }
    },
    setState(value) {
      state = value;
    },
    getState() {
      return state;
    },
  });
})();
`;
