// Bearer tokens through @stomp/stompjs in Node, over WebSocket (ws) and over SockJS (sockjs-client,
// xhr-streaming and websocket transports), as a browser application passes them.
// Usage: node token-e2e.mjs http://127.0.0.1:PORT/ctx/ GOOD_TOKEN_FOR_ANN EXPIRED_TOKEN
// Prints one line per check ("ok <name>" or "FAIL <name>: why") and exits 0 only when all pass.
import { Client } from '@stomp/stompjs';
import WebSocket from 'ws';
import SockJS from 'sockjs-client';
import { bound, check, crashed, finish, inbox } from './checks.mjs';

const [base, good, expired] = process.argv.slice(2);
if (!expired) {
  console.error('usage: node token-e2e.mjs <base-url> <good-token> <expired-token>');
  process.exit(2);
}
bound(40);
const wsBase = base.replace(/^http/, 'ws');


// resolves with {connected: frame} or {error: frame} or {closed: event}
function attempt(factory, connectHeaders = {}) {
  return new Promise((resolve) => {
    const client = new Client({ webSocketFactory: factory, connectHeaders, reconnectDelay: 0, debug: () => {} });
    client.onConnect = (frame) => { resolve({ connected: frame }); client.deactivate(); };
    client.onStompError = (frame) => resolve({ error: frame });
    client.onWebSocketClose = (e) => resolve({ closed: e });
    client.activate();
  });
}

const overWs = (query = '') => () => new WebSocket(wsBase + 'stomp' + query, ['v12.stomp']);
const overSockJs = (transport) => () => new SockJS(base + 'sockjs/stomp', null, { transports: [transport] });

try {
  let r = await attempt(overWs(), { passcode: good });
  check('stompjs over ws: the token as passcode names the user', r.connected?.headers['user-name'] === 'ann',
    JSON.stringify(r.connected?.headers ?? r.error?.headers));

  r = await attempt(overWs(), { Authorization: 'Bearer ' + good });
  check('stompjs over ws: the token in an Authorization header', r.connected?.headers['user-name'] === 'ann');

  r = await attempt(overWs(), { passcode: expired });
  check('stompjs over ws: an expired token is an ERROR saying so, without the token',
    r.error?.headers.message === 'authentication failed' && r.error.body === 'invalid token: expired'
      && !r.error.body.includes(expired.slice(0, 20)), JSON.stringify(r.error?.headers ?? r));

  r = await attempt(overWs('?access_token=' + good));
  check('stompjs over ws: the token at the handshake (query, the browsers\' fallback)',
    r.connected?.headers['user-name'] === 'ann', JSON.stringify(r));

  const status = await new Promise((resolve) => {
    const ws = new WebSocket(wsBase + 'stomp?access_token=' + expired, ['v12.stomp']);
    ws.on('unexpected-response', (req, res) => resolve(res.statusCode));
    ws.on('open', () => { ws.close(); resolve(101); });
    ws.on('error', () => {});
  });
  check('an expired token at the WebSocket handshake is 401', status === 401, String(status));

  for (const transport of ['xhr-streaming', 'websocket']) {
    r = await attempt(overSockJs(transport), { passcode: good });
    check(`stompjs over SockJS ${transport}: the token as passcode names the user`,
      r.connected?.headers['user-name'] === 'ann', JSON.stringify(r.connected?.headers ?? r.error?.headers));
    r = await attempt(overSockJs(transport), { passcode: expired });
    check(`stompjs over SockJS ${transport}: an expired token is an ERROR`,
      r.error?.body === 'invalid token: expired', JSON.stringify(r.error?.headers ?? r));
  }
} catch (e) {
  crashed(e);
}
finish();
