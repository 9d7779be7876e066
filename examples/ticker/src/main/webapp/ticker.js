// The ticker page: prices from /app/prices (the current ones, once) and /topic/prices (every
// tick), orders to /app/orders, fills from /topic/fills, mistakes from /user/queue/errors.
(function () {
  const base = location.href.replace(/^http/, 'ws').replace(/[^/]*$/, '');
  const trader = new URLSearchParams(location.search).get('trader') || '';
  const client = new StompJs.Client({
    brokerURL: base + 'stomp' + (trader ? '?trader=' + encodeURIComponent(trader) : ''),
    reconnectDelay: 2000,
  });
  const prices = document.getElementById('prices');
  const log = document.getElementById('log');

  function show(quotes) {
    prices.textContent = '';
    for (const q of quotes) {
      const row = prices.insertRow();
      row.insertCell().textContent = q.symbol;
      row.insertCell().textContent = q.price.toFixed(2);
    }
  }

  function say(text) {
    log.textContent = text + '\n' + log.textContent;
  }

  client.onConnect = () => {
    document.getElementById('status').textContent = 'connected' + (trader ? ' as ' + trader : '');
    client.subscribe('/app/prices', m => show(JSON.parse(m.body)));
    client.subscribe('/topic/prices', m => show(JSON.parse(m.body)));
    client.subscribe('/topic/fills', m => {
      const f = JSON.parse(m.body);
      say(f.trader + ' bought ' + f.quantity + ' ' + f.symbol + ' at ' + f.price.toFixed(2));
    });
    client.subscribe('/user/queue/errors', m => say('error: ' + (JSON.parse(m.body).error || m.body)));
  };
  client.onWebSocketClose = () => { document.getElementById('status').textContent = 'reconnecting…'; };

  document.getElementById('order').addEventListener('submit', e => {
    e.preventDefault();
    client.publish({
      destination: '/app/orders',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        symbol: document.getElementById('symbol').value,
        quantity: Number(document.getElementById('quantity').value),
      }),
    });
  });
  client.activate();
})();
