// Drives @stomp/stompjs (over the ws package) against a Switchboard /stomp endpoint.
// Usage: node stomp-e2e.mjs ws://127.0.0.1:PORT/ctx/stomp
// Prints one line per check ("ok <name>" or "FAIL <name>: why") and exits 0 only when all pass.
import { Client } from '@stomp/stompjs';
import WebSocket from 'ws';
import { bound, check, crashed, finish, inbox } from './checks.mjs';

const url = process.argv[2];
if (!url) {
  console.error('usage: node stomp-e2e.mjs <ws-url>');
  process.exit(2);
}
bound(30);


function connect(extra = {}) {
  return new Promise((resolve, reject) => {
    const client = new Client({
      webSocketFactory: () => new WebSocket(url, ['v12.stomp', 'v11.stomp', 'v10.stomp']),
      heartbeatIncoming: 200,
      heartbeatOutgoing: 200,
      reconnectDelay: 0,
      debug: () => {},
      ...extra,
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


const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function subscribed(client, destination, box, headers = {}) {
  const id = `sub-${Math.random().toString(36).slice(2)}`;
  const done = receipt(client, id);
  const sub = client.subscribe(destination, (m) => box.push(m), { ...headers, receipt: id });
  await done;
  return sub;
}

try {
  const { client: a, frame } = await connect();
  check('connect negotiates 1.2', frame.headers.version === '1.2', JSON.stringify(frame.headers));
  check('connected names a session and the server', !!frame.headers.session && /^Switchboard\//.test(frame.headers.server),
    JSON.stringify(frame.headers));
  const { client: b } = await connect();

  // subscribe, send with a receipt, receive with headers passed through
  const topic = inbox();
  await subscribed(a, '/topic/js', topic);
  const sent = receipt(b, 'send-1');
  b.publish({ destination: '/topic/js', body: 'hello from stompjs', headers: { receipt: 'send-1', 'x-js': 'yes' } });
  await sent;
  check('send receipt arrives', true);
  const m = await topic.next();
  check('topic message received', m && m.body === 'hello from stompjs' && m.headers['x-js'] === 'yes',
    m && JSON.stringify(m.headers));

  // binary body with NUL octets
  const bin = inbox();
  await subscribed(a, '/topic/js-bin', bin);
  b.publish({ destination: '/topic/js-bin', binaryBody: new Uint8Array([0, 255, 0, 7]),
    headers: { 'content-type': 'application/octet-stream' } });
  const bm = await bin.next();
  check('binary body round trip', bm && Buffer.from(bm.binaryBody).equals(Buffer.from([0, 255, 0, 7])),
    bm && Buffer.from(bm.binaryBody).toString('hex'));

  // heart-beats: several intervals with no frames, then still usable
  await sleep(1200);
  check('heart-beats keep the idle session connected', a.connected && b.connected);

  // ack / nack on a queue
  const work = inbox();
  await subscribed(a, '/queue/js-work', work, { ack: 'client-individual' });
  b.publish({ destination: '/queue/js-work', body: 'job' });
  const first = await work.next();
  check('queue message received', first && first.body === 'job');
  first.nack();
  const again = await work.next();
  check('nacked message redelivered', again && again.body === 'job' && again.headers.redelivered === 'true',
    again && JSON.stringify(again.headers));
  const acked = receipt(a, 'ack-1');
  again.ack({ receipt: 'ack-1' });
  await acked;
  check('ack receipt arrives', true);

  // transactions: held until commit; abort discards
  const tx = inbox();
  await subscribed(a, '/topic/js-tx', tx);
  const t1 = b.begin();
  b.publish({ destination: '/topic/js-tx', body: 'in tx', headers: { transaction: t1.id } });
  check('nothing delivered before commit', (await tx.next(400)) === null);
  t1.commit();
  const committed = await tx.next();
  check('delivered at commit', committed && committed.body === 'in tx');
  const t2 = b.begin();
  b.publish({ destination: '/topic/js-tx', body: 'aborted', headers: { transaction: t2.id } });
  t2.abort();
  check('abort discards', (await tx.next(400)) === null);

  // the echo application handler
  const echo = inbox();
  await subscribed(a, '/topic/messages', echo);
  b.publish({ destination: '/app/echo', body: JSON.stringify({ message: 'echo me' }) });
  const e = await echo.next();
  const parsed = e && JSON.parse(e.body);
  check('echo handler replies with message and timestamp', parsed && parsed.message === 'echo me' && !!parsed.timestamp,
    e && e.body);

  // disconnect with a receipt
  await a.deactivate();
  await b.deactivate();
  check('disconnect', !a.connected && !b.connected);
} catch (err) {
  crashed(err);
}
finish();
