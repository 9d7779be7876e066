// Driven by SockJsBrowserIT: ?transport=<sockjs-client transport name>&id=<unique>
// and TokenBrowserIT, which adds &token=<a JWT> (passed as the CONNECT passcode, as stompjs users do)
const params = new URLSearchParams(location.search);
const transport = params.get('transport');
const id = params.get('id');
const service = new URL('../sockjs/stomp', location.href).href;
const token = params.get('token');
window.results = {transport: null, connected: false, user: null, received: [], echo: null, closed: false, errors: []};
const log = (line) => { document.getElementById('log').textContent += line + '\n'; };
let sock = null;
const client = new StompJs.Client({
  webSocketFactory: () => (sock = new SockJS(service, null, {transports: [transport]})),
  connectHeaders: token ? {passcode: token} : {},
  reconnectDelay: 0,
  heartbeatIncoming: 0,
  heartbeatOutgoing: 0,
  debug: (line) => log(line.substring(0, 200)),
});
client.onConnect = (frame) => {
  window.results.transport = sock.transport;
  window.results.user = frame.headers['user-name'] || null;
  client.subscribe('/topic/to-browser-' + id, (message) => {
    window.results.received.push(message.body);
  });
  client.subscribe('/topic/messages', (message) => {
    const echo = JSON.parse(message.body);
    if (echo.message === 'echo from ' + id) {
      window.results.echo = echo;
    }
  });
  // a receipt tells the page its subscriptions are live before it says it is connected
  const receipt = 'ready-' + id;
  client.watchForReceipt(receipt, () => { window.results.connected = true; });
  client.subscribe('/topic/ignored-' + id, () => {}, {receipt: receipt});
};
client.onStompError = (frame) => window.results.errors.push(frame.headers.message + ': ' + frame.body);
client.onWebSocketClose = () => { window.results.closed = true; };
client.onWebSocketError = () => window.results.errors.push('websocket error');
window.sendToJava = (count) => {
  for (let i = 0; i < count; i++) {
    client.publish({destination: '/topic/from-browser-' + id, body: 'from browser ' + i + ' \u00e9\u2028"'});
  }
  client.publish({destination: '/app/echo', body: 'echo from ' + id});
};
window.disconnect = () => client.deactivate();
client.activate();
