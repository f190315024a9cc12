// Live approvals: the server says *that* something changed; the rows are fetched again as the
// viewer and inserted as the server rendered (and escaped) them. No agent text is handled here.
(function () {
  'use strict';
  const approvals = document.getElementById('approvals');
  const live = document.getElementById('live');

  function setLive(state, text) {
    if (live) { live.dataset.state = state; live.textContent = text; }
  }

  async function refresh() {
    const response = await fetch(approvals.dataset.rows, { credentials: 'same-origin', cache: 'no-store' });
    if (response.ok) {
      approvals.innerHTML = await response.text();
      tick();
    } else if (response.status === 401 || response.redirected) {
      setLive('stopped', 'your login expired: reload the page');
    }
  }

  function tick() {
    const now = Date.now();
    document.querySelectorAll('.countdown[data-deadline]').forEach(el => {
      const left = Math.max(0, Math.round((Number(el.dataset.deadline) - now) / 1000));
      el.textContent = left >= 60 ? Math.floor(left / 60) + 'm' + (left % 60) + 's' : left + 's';
    });
  }

  if (approvals) {
    const events = new EventSource(approvals.dataset.events);
    events.onopen = () => setLive('live', 'live');
    events.onerror = () => setLive('reconnecting', 'reconnecting…');
    events.onmessage = message => {
      if (message.data.startsWith('changed')) { refresh(); }
    };
    setInterval(tick, 1000);
  }
})();

// Replay: the recording is fetched from the console (which asks the node's proxy as the viewer).
(function () {
  'use strict';
  const player = document.getElementById('player');
  const speed = document.getElementById('speed');
  if (!player || !window.AsciinemaPlayer) { return; }
  let current;
  function create() {
    if (current) { current.dispose(); }
    player.innerHTML = '';
    current = AsciinemaPlayer.create(player.dataset.cast, player,
      { speed: Number(speed ? speed.value : 1), idleTimeLimit: 2, fit: 'width', controls: true });
    window.agentguardPlayer = current;
  }
  if (speed) { speed.addEventListener('change', create); }
  create();
})();
