// Switchboard chat page: @stomp/stompjs over WebSocket or over sockjs-client (a transport may be
// forced), automatic reconnect with exponential backoff, messages and presence rendered as text.
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const base = new URL('.', location.href);
  const state = { status: 'disconnected', transport: null, activeTransport: null, room: null, nickname: null, attempts: 0 };
  window.chatState = state; // read by the browser tests

  let client = null;
  let wanted = false;          // the user asked to be in a room
  let retry = null;
  const seen = new Set();      // message ids already shown (history comes again after a reconnect)

  function setStatus(status, detail) {
    state.status = status;
    const el = $('status');
    el.textContent = detail ? status + ' ' + detail : status;
    el.className = 'status ' + status.split(' ')[0];
    const connected = status === 'connected';
    for (const id of ['text', 'send', 'echo-text', 'echo-send']) {
      $(id).disabled = !connected;
    }
    $('join-button').disabled = wanted;
    $('leave-button').disabled = !wanted;
    for (const id of ['nickname', 'room', 'transport']) {
      $(id).disabled = wanted;
    }
  }

  function time(iso) {
    const d = new Date(iso);
    return isNaN(d) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  // Everything from the network is text: textContent only, never markup.
  function show(message) {
    if (message.id && seen.has(message.id)) {
      return;
    }
    if (message.id) {
      seen.add(message.id);
    }
    const li = document.createElement('li');
    const type = (message.type || 'SYSTEM').toLowerCase();
    li.className = type + (message.history ? ' history' : '');
    li.dataset.type = message.type || 'SYSTEM';
    if (message.sender) {
      li.dataset.sender = message.sender;
    }
    const at = document.createElement('time');
    at.dateTime = message.timestamp || '';
    at.textContent = time(message.timestamp);
    li.appendChild(at);
    if (type === 'talk') {
      const who = document.createElement('span');
      who.className = 'sender';
      who.textContent = message.sender;
      li.appendChild(who);
    }
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = message.text || '';
    li.appendChild(text);
    const list = $('messages');
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.appendChild(li);
    if (atBottom) {
      list.scrollTop = list.scrollHeight;
    }
    if (Array.isArray(message.members) && !message.history) {
      presence(message.members);
    }
  }

  function presence(members) {
    const ul = $('members');
    ul.replaceChildren(...members.map((name) => {
      const li = document.createElement('li');
      li.textContent = name;
      return li;
    }));
    $('member-count').textContent = String(members.length);
  }

  function notice(text) {
    show({ type: 'SYSTEM', text: text, timestamp: new Date().toISOString() });
  }

  function connect() {
    retry = null;
    const transport = state.transport;
    const c = new StompJs.Client({
      reconnectDelay: 0,             // reconnects are this page's own, with backoff
      heartbeatIncoming: 20000,
      heartbeatOutgoing: 20000,
      debug: () => {},
    });
    let sock = null;
    if (transport === 'websocket') {
      c.brokerURL = base.href.replace(/^http/, 'ws') + 'stomp';
    } else {
      const options = transport === 'sockjs' ? {} : { transports: [transport.substring('sockjs:'.length)] };
      c.webSocketFactory = () => (sock = new SockJS(base.href + 'sockjs/stomp', null, options));
    }
    c.onConnect = () => {
      state.attempts = 0;
      state.activeTransport = sock ? 'sockjs:' + sock.transport : 'websocket';
      setStatus('connected');
      c.subscribe('/topic/chat.' + state.room, (frame) => {
        try {
          show(JSON.parse(frame.body));
        } catch (e) {
          notice('unreadable message: ' + frame.body.substring(0, 80));
        }
      }, { nickname: state.nickname });
      c.subscribe('/topic/messages', (frame) => {
        $('echo-log').textContent = frame.body + '\n' + $('echo-log').textContent;
      });
      // a refused message (too long, empty) is answered here; the connection stays open
      c.subscribe('/user/queue/errors', (frame) => {
        let text = frame.headers.message || frame.body;
        try {
          text = JSON.parse(frame.body).message || text;
        } catch (e) {
          // not JSON: shown as it is
        }
        notice('not sent: ' + text);
      });
    };
    c.onStompError = (frame) => notice('error: ' + (frame.headers.message || 'refused') + (frame.body ? ': ' + frame.body : ''));
    c.onWebSocketClose = () => {
      if (client !== c) {
        return;
      }
      if (wanted) {
        reconnectLater();
      } else {
        setStatus('disconnected');
      }
    };
    client = c;
    state.client = c; // for people poking at it in the console, and the browser tests
    setStatus(state.attempts === 0 ? 'connecting' : 'reconnecting', '(attempt ' + (state.attempts + 1) + ')');
    c.activate();
  }

  function reconnectLater() {
    const old = client;
    client = null;
    if (old) {
      old.deactivate();
    }
    state.attempts++;
    const delay = Math.min(30000, 1000 * 2 ** Math.min(state.attempts - 1, 5)) * (0.8 + Math.random() * 0.4);
    setStatus('reconnecting', 'in ' + Math.round(delay / 1000) + ' s');
    retry = setTimeout(connect, delay);
  }

  $('join').addEventListener('submit', (e) => {
    e.preventDefault();
    const nickname = $('nickname').value.trim();
    const room = $('room').value.trim();
    if (!nickname || !/^[A-Za-z0-9_-]{1,64}$/.test(room)) {
      notice('pick a nickname, and a room of letters, digits, - or _');
      return;
    }
    state.nickname = nickname;
    state.room = room;
    state.transport = $('transport').value;
    state.attempts = 0;
    wanted = true;
    $('messages').replaceChildren();
    seen.clear();
    presence([]);
    const url = new URL(location.href);
    url.searchParams.set('room', room);
    url.searchParams.set('transport', state.transport);
    history.replaceState(null, '', url);
    localStorage.setItem('switchboard.nickname', nickname);
    connect();
  });

  $('leave-button').addEventListener('click', () => {
    wanted = false;
    if (retry) {
      clearTimeout(retry);
      retry = null;
    }
    const old = client;
    client = null;
    if (old) {
      old.deactivate();
    }
    presence([]);
    setStatus('disconnected');
  });

  $('say').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('text').value;
    if (!text.trim() || !client || !client.connected) {
      return;
    }
    client.publish({
      destination: '/app/chat/' + state.room,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'TALK', text: text, sender: state.nickname }),
    });
    $('text').value = '';
    $('text').focus();
  });

  $('echo').addEventListener('submit', (e) => {
    e.preventDefault();
    if (client && client.connected) {
      client.publish({ destination: '/app/echo', body: $('echo-text').value });
    }
  });

  // defaults from the address bar (?room=...&transport=...) and the last nickname used here
  const params = new URLSearchParams(location.search);
  if (params.get('room')) {
    $('room').value = params.get('room');
  }
  if (params.get('transport')) {
    $('transport').value = params.get('transport');
  }
  $('nickname').value = params.get('nickname') || localStorage.getItem('switchboard.nickname') || '';
  setStatus('disconnected');
})();
