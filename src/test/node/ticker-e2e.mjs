// Drives the example application examples/ticker with @stomp/stompjs (over ws), as its page does.
// Usage: node ticker-e2e.mjs ws://127.0.0.1:PORT/ticker/stomp
// Prints one line per check ("ok <name>" or "FAIL <name>: why") and exits 0 only when all pass.
import { Client } from '@stomp/stompjs';
import WebSocket from 'ws';
import { bound, check, crashed, finish, inbox } from './checks.mjs';

const url = process.argv[2];
if (!url) {
  console.error('usage: node ticker-e2e.mjs <ws-url>');
  process.exit(2);
}
bound(30);


function connect(query = '') {
  return new Promise((resolve, reject) => {
    const client = new Client({
      webSocketFactory: () => new WebSocket(url + query, ['v12.stomp']),
      reconnectDelay: 0,
      debug: () => {},
    });
    client.onConnect = (frame) => resolve({ client, frame });
    client.onStompError = (frame) => reject(new Error(`ERROR ${frame.headers.message}: ${frame.body}`));
    client.onWebSocketError = (e) => reject(new Error(`websocket error ${e.message ?? e}`));
    client.activate();
  });
}


function receipt(client, id) {
  return new Promise((resolve) => client.watchForReceipt(id, resolve));
}

async function subscribed(client, destination, box) {
  const id = `sub-${Math.random().toString(36).slice(2)}`;
  const done = receipt(client, id);
  const sub = client.subscribe(destination, (m) => box.push(m), { receipt: id });
  await done;
  return sub;
}

const json = (m) => { try { return JSON.parse(m.body); } catch { return null; } };

try {
  // a session listener tells everyone how many traders are connected
  const { client: watcher } = await connect();
  const traders = inbox();
  await subscribed(watcher, '/topic/traders', traders);

  const { client: ann } = await connect('?trader=ann');
  const online = json(await traders.next());
  check('a session listener publishes who is online', online && online.online >= 2, JSON.stringify(online));

  // @SubscribeMapping: the current prices, once, to the subscriber alone
  const snapshot = inbox();
  ann.subscribe('/app/prices', (m) => snapshot.push(m));
  const first = await snapshot.next();
  const quotes = first && json(first);
  check('subscribing to /app/prices answers the current prices as JSON',
    Array.isArray(quotes) && quotes.length === 3 && quotes.some((q) => q.symbol === 'ACME' && q.price > 0)
      && first.headers['content-type'] === 'application/json', first && first.body);

  // the scheduled push
  const prices = inbox();
  await subscribed(ann, '/topic/prices', prices);
  const tick = await prices.next();
  check('the price feed pushes to /topic/prices on its own', tick && Array.isArray(json(tick)), tick && tick.body);

  // @MessageMapping with a JSON payload class, @SendTo, and the handshake interceptor's attribute
  const fills = inbox();
  await subscribed(watcher, '/topic/fills', fills);
  ann.publish({ destination: '/app/orders', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ symbol: 'ACME', quantity: 10 }) });
  const fill = json(await fills.next());
  check('an order fills and every subscriber sees it, named by the handshake interceptor',
    fill && fill.trader === 'ann' && fill.symbol === 'ACME' && fill.quantity === 10 && fill.price > 0,
    JSON.stringify(fill));

  // @SendToUser: the reply reaches the asking user, not the watcher
  const annQuotes = inbox();
  const watcherQuotes = inbox();
  await subscribed(ann, '/user/queue/quotes', annQuotes);
  await subscribed(watcher, '/user/queue/quotes', watcherQuotes);
  ann.publish({ destination: '/app/quote/GLOBEX', body: '' });
  const q = json(await annQuotes.next());
  check('a quote request is answered to the user who asked', q && q.symbol === 'GLOBEX' && q.price > 0, JSON.stringify(q));
  check('and to nobody else', (await watcherQuotes.next(300)) === null);

  // mistakes: the exception handler and the error destination answer; the connection stays open
  const errors = inbox();
  await subscribed(ann, '/user/queue/errors', errors);
  ann.publish({ destination: '/app/quote/NOPE', body: '' });
  const unknown = json(await errors.next());
  check('an unknown symbol goes to the exception handler, answered on /user/queue/errors',
    unknown && unknown.error === 'no such symbol: NOPE', JSON.stringify(unknown));
  ann.publish({ destination: '/app/orders', headers: { 'content-type': 'application/json' }, body: '{"symbol":' });
  const bad = json(await errors.next());
  check('a payload that is not the JSON the handler takes is answered, without Java names',
    bad && /not the JSON this destination takes/.test(bad.message) && !/com\.example|Order/.test(bad.message),
    JSON.stringify(bad));
  ann.publish({ destination: '/app/orders', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ symbol: 'ACME', quantity: 0 }) });
  const zero = json(await errors.next());
  check('an order that fails @Valid is answered with what is wrong', zero
    && /not valid: quantity must be greater than or equal to 1/.test(zero.message), JSON.stringify(zero));
  const still = inbox();
  ann.subscribe('/app/prices', (m) => still.push(m));
  check('after all that the connection is still open and served', ann.connected && (await still.next()) !== null);

  // the inbound interceptor: clients may not publish to /topic/...
  const closed = new Promise((resolve) => { ann.onStompError = (frame) => resolve(frame); });
  ann.publish({ destination: '/topic/prices', body: '[]' });
  const refusal = await Promise.race([closed, new Promise((r) => setTimeout(() => r(null), 5000))]);
  check('an inbound interceptor refuses a SEND to /topic with an ERROR', refusal && refusal.headers.message === 'refused'
    && /clients may not publish to \/topic\/prices/.test(refusal.body), refusal && JSON.stringify(refusal.headers));

  const left = json(await traders.next());
  check('the listener hears the refused session end', left && left.online === online.online - 1, JSON.stringify(left));

  // the handshake interceptor refuses a bad trader name with its status
  const status = await new Promise((resolve) => {
    const ws = new WebSocket(url + '?trader=' + encodeURIComponent('<script>'), ['v12.stomp']);
    ws.on('unexpected-response', (req, res) => resolve(res.statusCode));
    ws.on('open', () => { ws.close(); resolve(101); });
    ws.on('error', () => {});
  });
  check('a handshake interceptor refuses a bad trader name with 400', status === 400, String(status));

  await watcher.deactivate();
} catch (e) {
  crashed(e);
}
finish();
