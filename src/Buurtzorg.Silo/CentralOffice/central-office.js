// The central office's page: signs in once (the token goes to the server, which keeps it in an HttpOnly cookie),
// then follows server-sent events: a snapshot of every team, then each change, shown without a reload.
'use strict';
(() => {
  const base = '/central-office';
  const $ = (id) => document.getElementById(id);
  const teams = new Map();
  let organisation = null;
  let sort = { key: 'name', descending: false };
  let source = null;

  const pct = (v) => v == null ? '—' : `${Math.round(v * 100)} %`;
  const num = (v, d = 0) => v == null ? '—' : Number(v).toFixed(d);
  const alertNames = {
    AT_CAPACITY: 'At capacity', NEAR_CAPACITY: 'Near capacity', BELOW_SAFE_STAFFING: 'Below safe staffing',
    SPLIT_SUGGESTED: 'Split suggested', LOW_CONTINUITY: 'Low continuity', LOW_DIRECT_CARE: 'Low direct care',
    REVIEWS_OVERDUE: 'Reviews overdue', REFERRALS_WAITING: 'Referrals waiting',
  };
  const columns = [
    { key: 'name', label: 'Team', text: true, show: (t) => t.name },
    { key: 'region', label: 'Region', text: true, show: (t) => t.region },
    { key: 'caseload', label: 'Caseload', show: (t) => t.caseload },
    { key: 'capacity', label: 'Capacity', show: (t) => t.capacity },
    { key: 'capacityUse', label: 'Use', show: (t) => pct(t.capacityUse) },
    { key: 'members', label: 'Members', show: (t) => t.members },
    { key: 'fte', label: 'FTE', show: (t) => num(t.fte, 1) },
    { key: 'clientsPerFte', label: 'Clients / FTE', show: (t) => num(t.clientsPerFte, 1) },
    { key: 'referralsWaiting', label: 'Referrals waiting', show: (t) => t.referralsWaiting },
    { key: 'oldestWaitDays', label: 'Oldest wait (days)', show: (t) => num(t.oldestWaitDays, 1) },
    { key: 'admissions28d', label: 'Admissions 28 d', show: (t) => t.admissions28d },
    { key: 'declines28d', label: 'Declines 28 d', show: (t) => t.declines28d },
    { key: 'discharges28d', label: 'Discharges 28 d', show: (t) => t.discharges28d },
    { key: 'medianUpc', label: 'Continuity (UPC)', show: (t) => num(t.medianUpc, 2) },
    { key: 'directCareShare', label: 'Direct care', show: (t) => pct(t.directCareShare) },
    { key: 'reviewsOverdue', label: 'Reviews overdue', show: (t) => t.reviewsOverdue },
    { key: 'alerts', label: 'Alerts', text: true, value: (t) => t.alerts.length, show: null },
  ];

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'text') node.textContent = v; else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c);
    return node;
  }

  function header() {
    const row = $('teams-head');
    row.replaceChildren(...columns.map((c) => {
      const th = el('th', { scope: 'col', 'data-key': c.key, class: c.text ? 'text' : '' });
      if (sort.key === c.key) th.setAttribute('aria-sort', sort.descending ? 'descending' : 'ascending');
      const button = el('button', { type: 'button', text: c.label });
      button.addEventListener('click', () => {
        sort = { key: c.key, descending: sort.key === c.key ? !sort.descending : !c.text };
        render();
      });
      th.append(button);
      return th;
    }));
    const column = columns.find((c) => c.key === sort.key);
    $('teams-caption').textContent = `Teams, sorted by ${column.label.toLowerCase()} ${sort.descending ? 'descending' : 'ascending'}. Use the column buttons to sort.`;
  }

  function valueOf(t, key) {
    const column = columns.find((c) => c.key === key);
    return column.value ? column.value(t) : t[key];
  }

  function visibleTeams() {
    const region = $('region').value;
    const only = $('only-alerts').checked;
    const find = $('find').value.trim().toLowerCase();
    const rows = [...teams.values()].filter((t) => (!region || t.region === region) && (!only || t.alerts.length > 0)
      && (!find || t.name.toLowerCase().includes(find)));
    const dir = sort.descending ? -1 : 1;
    return rows.sort((a, b) => {
      const x = valueOf(a, sort.key), y = valueOf(b, sort.key);
      if (x == null && y != null) return 1;
      if (y == null && x != null) return -1;
      const c = typeof x === 'string' ? x.localeCompare(y) : x - y;
      return c !== 0 ? c * dir : a.name.localeCompare(b.name) || a.teamId.localeCompare(b.teamId);
    });
  }

  function teamRow(t, flash) {
    const tr = el('tr', { 'data-team-id': t.teamId });
    if (flash) tr.className = 'flash';
    for (const c of columns) {
      if (c.key === 'name') { tr.append(el('th', { scope: 'row', class: 'text', text: t.name })); continue; }
      const td = el('td', { class: c.text ? 'text' : '' });
      if (c.key === 'alerts') {
        for (const a of t.alerts) td.append(el('span', { class: `badge ${a.kind}`, title: a.message, 'data-alert': a.kind, text: alertNames[a.kind] || a.kind }));
      } else td.textContent = c.show(t);
      tr.append(td);
    }
    return tr;
  }

  let flashed = new Set();
  function render() {
    header();
    const rows = visibleTeams();
    $('teams-body').replaceChildren(...rows.map((t) => teamRow(t, flashed.has(t.teamId))));
    flashed = new Set();
    renderTotals();
    renderAlerts();
    renderChart();
    renderRegions();
  }

  function renderTotals() {
    if (!organisation) return;
    const o = organisation;
    const items = [
      ['Teams', `${o.activeTeams} active of ${o.teams}`],
      ['Clients', `${o.caseload} of ${o.capacity}`],
      ['Members', `${o.members} (${num(o.fullTimeEquivalents, 1)} FTE)`],
      ['Referrals waiting', o.referralsWaiting],
      ['Admissions, 7 days', o.last7Days.admissions],
      ['Declines, 7 days', o.last7Days.declines],
      ['Discharges, 7 days', o.last7Days.discharges],
      ['Continuity (median UPC)', num(o.medianUpc, 2)],
      ['Direct care (median)', pct(o.medianDirectCareShare)],
      ['Reviews overdue', o.reviewsOverdue],
      ['Teams with alerts', o.teamsWithAlerts],
      ['Open alerts', o.openAlerts],
    ];
    $('totals').replaceChildren(...items.map(([k, v]) => el('div', {}, el('dt', { text: k }), el('dd', { text: String(v) }))));
  }

  function renderAlerts() {
    const all = [...teams.values()].flatMap((t) => t.alerts.map((a) => ({ ...a, team: t.name })))
      .sort((a, b) => a.raisedAt.localeCompare(b.raisedAt));
    $('alert-count').textContent = `(${all.length})`;
    $('alerts').replaceChildren(...all.slice(0, 200).map((a) => el('li', { 'data-team-id': a.teamId, 'data-alert': a.kind },
      el('span', { class: `badge ${a.kind}`, text: alertNames[a.kind] || a.kind }), ` ${a.team}: ${a.message}`)));
  }

  function renderChart() {
    const shown = [...teams.values()].filter((t) => t.status === 'Active')
      .sort((a, b) => b.capacityUse - a.capacityUse || a.name.localeCompare(b.name)).slice(0, 25);
    $('chart-note').textContent = teams.size > shown.length
      ? `The ${shown.length} active teams closest to capacity (of ${teams.size}). Bar: caseload; line: capacity.`
      : 'Bar: caseload; line: capacity.';
    const max = Math.max(60, ...shown.map((t) => Math.max(t.caseload, t.capacity)));
    const rowH = 22, left = 170, width = 520, h = shown.length * rowH + 24;
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', `0 0 ${left + width + 90} ${h}`);
    svg.setAttribute('width', String(left + width + 90));
    svg.style.maxWidth = '100%';
    svg.style.height = 'auto';
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-labelledby', 'chart-title chart-note');
    const add = (tag, attrs, text) => {
      const n = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
      if (text != null) n.textContent = text;
      svg.append(n);
      return n;
    };
    shown.forEach((t, i) => {
      const y = i * rowH + 4;
      const full = t.caseload >= t.capacity;
      add('text', { x: left - 8, y: y + 14, 'text-anchor': 'end' }, t.name.length > 24 ? `${t.name.slice(0, 23)}…` : t.name);
      add('rect', { x: left, y, width: Math.max(1, (t.caseload / max) * width), height: rowH - 6, fill: full ? '#cf222e' : t.capacityUse >= 0.9 ? '#bf8700' : '#0b5cad' })
        .append(Object.assign(document.createElementNS(ns, 'title'), { textContent: `${t.name}: ${t.caseload} of ${t.capacity} clients` }));
      const cx = left + (t.capacity / max) * width;
      add('line', { x1: cx, x2: cx, y1: y - 2, y2: y + rowH - 4, stroke: '#1b1f23', 'stroke-width': 2 });
      add('text', { x: left + width + 8, y: y + 14 }, `${t.caseload} / ${t.capacity}`);
    });
    $('chart').replaceChildren(svg);
  }

  function renderRegions() {
    const select = $('region');
    const regions = [...new Set([...teams.values()].map((t) => t.region))].sort();
    const current = select.value;
    const known = [...select.options].slice(1).map((o) => o.value);
    if (known.join('|') === regions.join('|')) return;
    select.replaceChildren(el('option', { value: '', text: 'All regions' }), ...regions.map((r) => el('option', { value: r, text: r })));
    select.value = regions.includes(current) ? current : '';
  }

  function follow() {
    if (source) source.close();
    source = new EventSource(`${base}/events`);
    setStatus('Connecting…', '');
    source.addEventListener('snapshot', (e) => {
      const data = JSON.parse(e.data);
      teams.clear();
      for (const t of data.teams) teams.set(t.teamId, t);
      organisation = data.organisation;
      setStatus(`Live — ${teams.size} teams, updated ${new Date().toLocaleTimeString('en-GB')}`, 'live');
      render();
    });
    source.addEventListener('change', (e) => {
      const data = JSON.parse(e.data);
      for (const t of data.teams) { teams.set(t.teamId, t); flashed.add(t.teamId); }
      organisation = data.organisation;
      setStatus(`Live — ${teams.size} teams, updated ${new Date().toLocaleTimeString('en-GB')}`, 'live');
      render();
    });
    source.onerror = async () => {
      setStatus('Connection lost — reconnecting…', 'down');
      const session = await fetch(`${base}/session`, { credentials: 'same-origin' }).catch(() => null);
      if (session && session.status === 401) { source.close(); showSignIn('Your sign-in has expired: paste a new token.'); }
    };
  }

  function setStatus(text, cls) { const s = $('status'); s.textContent = text; s.className = cls; }

  function showSignIn(message) {
    $('board').hidden = true;
    $('signin').hidden = false;
    $('signout').hidden = true;
    $('signin-error').textContent = message || '';
    setStatus('Not signed in', '');
  }

  function showBoard() {
    $('signin').hidden = true;
    $('board').hidden = false;
    $('signout').hidden = false;
    follow();
  }

  async function signIn(token) {
    const answer = await fetch(`${base}/session`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, credentials: 'same-origin' });
    if (answer.ok) { sessionStorage.setItem('buurtzorg-office-signed-in', '1'); await opened(); return; }
    showSignIn(answer.status === 403 ? 'This token is not a central-office token.' : 'The token was not accepted (expired or not signed by this system).');
  }

  $('signin-form').addEventListener('submit', (e) => { e.preventDefault(); signIn($('token').value.trim()); $('token').value = ''; });
  $('signout').addEventListener('click', async () => {
    if (source) source.close();
    await fetch(`${base}/session`, { method: 'DELETE', credentials: 'same-origin' });
    sessionStorage.removeItem('buurtzorg-office-signed-in');
    teams.clear();
    showSignIn('Signed out.');
  });
  for (const id of ['region', 'only-alerts', 'find']) $(id).addEventListener('input', render);

  // Signed in as the central office: the board. As an operator: the way to the dashboard.
  async function opened() {
    const session = await fetch(`${base}/session`, { credentials: 'same-origin' }).catch(() => null);
    if (session && session.ok) { showBoard(); return; }
    if (session && session.status === 403) {
      showSignIn('Signed in as an operator: the Orleans Dashboard is at /dashboard/ and metrics at /metrics. This page is for the central office.');
      $('signout').hidden = false;
      return;
    }
    showSignIn();
  }

  opened();
})();
