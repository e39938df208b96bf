// The Warren dashboard page: polls /api/snapshot, renders the pipelines and the selected pipeline's dead
// letters, and sends replay/purge after a confirmation. Plain browser JS (no build step); every value is
// written with textContent, never as HTML, so nothing from a message body can run here.

const $ = (id) => document.getElementById(id);
const state = { refreshMs: 2000, snapshot: undefined, lastOkAt: undefined, selected: undefined, filter: '', busy: false };
const RATE_KEYS = ['succeeded', 'failed', 'retried', 'dead_lettered'];

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function count(value) {
  return value === null || value === undefined ? '–' : value.toLocaleString('en-US');
}

function rate(value) {
  if (value === null || value === undefined) return '–';
  if (value === 0) return '0';
  return value >= 10 ? value.toFixed(0) : value.toFixed(1);
}

function delay(ms) {
  if (ms < 1000) return `${ms}ms`;
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]]) {
    if (ms >= size) return `${+(ms / size).toFixed(1)}${unit}`;
  }
  return `${+(ms / 1000).toFixed(1)}s`;
}

/** Under the delayed count: the delay queues holding messages, shortest first, e.g. "1.1s: 3". */
function delayQueueLines(queues) {
  const shown = queues.filter((q) => q.messages > 0).slice(0, 3).map((q) => {
    const line = document.createElement('span');
    line.className = 'sub';
    line.textContent = `${delay(q.delayMs)}: ${count(q.messages)}`;
    return line;
  });
  const more = queues.filter((q) => q.messages > 0).length - shown.length;
  if (more > 0) {
    const line = document.createElement('span');
    line.className = 'sub';
    line.textContent = `+${more} more`;
    shown.push(line);
  }
  return shown;
}

function time(iso) {
  return new Date(iso).toLocaleTimeString('en-GB', { hour12: false });
}

async function api(path, init) {
  const response = await fetch(path, { cache: 'no-store', ...init });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `${response.status} ${response.statusText}`);
  return body;
}

function renderHeader(snapshot) {
  const reachable = snapshot.broker.reachable;
  const pill = $('broker-state');
  pill.dataset.state = reachable ? 'ok' : 'down';
  pill.textContent = reachable ? 'broker connected' : 'broker unreachable';
  $('broker-urls').textContent = snapshot.broker.urls.join(', ');
  $('mode').textContent = snapshot.allowActions ? 'replay & purge allowed' : 'read-only';
  $('updated').textContent = `updated ${time(snapshot.generatedAt)}`;
  const note = $('rates-note');
  note.hidden = !snapshot.rates.note;
  note.textContent = snapshot.rates.note || '';
  const hidden = $('hidden-note');
  hidden.hidden = snapshot.hidden.length === 0;
  hidden.textContent = `Not shown (in-process driver; use warren run --dashboard): ${snapshot.hidden.join(', ')}`;
}

function showBanner(text) {
  const banner = $('banner');
  banner.hidden = text === undefined;
  banner.textContent = text || '';
}

function renderPipelines(snapshot, stale) {
  const body = $('pipelines').querySelector('tbody');
  body.replaceChildren(...snapshot.pipelines.map((p) => {
    const row = document.createElement('tr');
    row.dataset.pipeline = p.name;
    if (stale) row.classList.add('stale');
    if (p.name === state.selected) row.classList.add('selected');
    const name = cell('', 'name');
    const strong = document.createElement('strong');
    strong.textContent = p.name;
    const sub = document.createElement('span');
    sub.className = 'sub';
    sub.textContent = p.queue ? `${p.driver} · ${p.queue}` : p.driver;
    name.append(strong, sub);
    row.append(name);
    for (const [field, value] of [['ready', p.ready], ['consumers', p.consumers], ['delayed', p.delayed], ['deadLettered', p.deadLettered]]) {
      const td = cell(count(value), 'num');
      td.dataset.field = field;
      if (field === 'deadLettered' && value > 0) td.classList.add('warn');
      if (field === 'delayed') {
        td.title = `${p.delayQueues.length} delay queue(s)`;
        td.append(...delayQueueLines(p.delayQueues));
      }
      row.append(td);
    }
    for (const key of RATE_KEYS) {
      const td = cell(rate(p.rates ? p.rates[key] : null), 'num rate');
      td.dataset.field = `rate-${key}`;
      row.append(td);
    }
    const action = cell('', 'action');
    const button = document.createElement('button');
    button.className = 'button small';
    button.textContent = 'Dead letters';
    button.addEventListener('click', () => select(p.name));
    action.append(button);
    row.append(action);
    return row;
  }));
}

async function refresh() {
  try {
    const snapshot = await api('/api/snapshot');
    state.snapshot = snapshot;
    state.refreshMs = snapshot.refreshMs;
    renderHeader(snapshot);
    if (snapshot.broker.reachable) {
      state.lastOkAt = snapshot.generatedAt;
      showBanner(undefined);
      renderPipelines(snapshot, false);
    } else {
      const since = state.lastOkAt ? ` Numbers below are from ${time(state.lastOkAt)}.` : '';
      showBanner(`Broker unreachable: ${snapshot.broker.problem}. Retrying every ${state.refreshMs / 1000} s.${since}`);
      // Keep the last good numbers on screen, greyed, rather than a table of dashes.
      if (state.lastOkAt === undefined) renderPipelines(snapshot, true);
      else for (const row of $('pipelines').querySelectorAll('tbody tr')) row.classList.add('stale');
    }
    if (state.selected && snapshot.broker.reachable) await loadDeadLetters();
  } catch (error) {
    showBanner(`The dashboard server is not answering (${error.message}). Retrying every ${state.refreshMs / 1000} s.`);
    $('broker-state').dataset.state = 'unknown';
    $('broker-state').textContent = 'dashboard offline';
  } finally {
    setTimeout(refresh, state.refreshMs);
  }
}

function select(pipeline) {
  state.selected = pipeline;
  $('dead-letters').hidden = false;
  $('dl-pipeline').textContent = pipeline;
  for (const row of $('pipelines').querySelectorAll('tbody tr')) row.classList.toggle('selected', row.dataset.pipeline === pipeline);
  const allowed = state.snapshot?.allowActions === true;
  for (const id of ['dl-replay', 'dl-purge']) {
    $(id).disabled = !allowed;
    $(id).title = allowed ? '' : 'Read-only: start the dashboard with --allow-actions';
  }
  void loadDeadLetters();
}

async function loadDeadLetters() {
  const pipeline = state.selected;
  const params = new URLSearchParams({ pipeline, job: state.filter, limit: '100' });
  try {
    const { rows, scanned } = await api(`/api/dead-letters?${params}`);
    if (pipeline !== state.selected) return;
    const body = $('dl-table').querySelector('tbody');
    body.replaceChildren(...rows.map((r) => {
      const row = document.createElement('tr');
      row.dataset.id = r.id;
      const reason = cell('', 'reason');
      const tag = document.createElement('span');
      tag.className = 'tag';
      tag.textContent = r.reason ?? 'unknown';
      reason.append(tag);
      row.append(cell(r.job, 'job'), reason, cell(r.error ?? '', 'error'), cell(count(r.attempt), 'num'),
        cell(r.failedAt ? new Date(r.failedAt).toLocaleString('en-GB', { hour12: false }) : '–'), cell(r.body, 'body'), cell(r.id, 'id'));
      return row;
    }));
    const filtered = state.filter ? ` matching "${state.filter}"` : '';
    $('dl-summary').textContent = rows.length === 0
      ? `No dead letters${filtered}.`
      : `${rows.length} dead letter(s)${filtered}, oldest first${scanned >= 100 ? ' (the first 100 are searched)' : ''}.`;
  } catch (error) {
    $('dl-summary').textContent = `Could not read dead letters: ${error.message}`;
  }
}

function confirmAction({ title, text, limit }) {
  const dialog = $('confirm');
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  $('confirm-limit-row').hidden = limit === undefined;
  $('confirm-limit').value = limit === undefined ? '' : String(limit);
  $('confirm-limit').max = limit === undefined ? '' : String(limit);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok' ? { limit: Number($('confirm-limit').value) || undefined } : undefined), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

function toast(text) {
  const element = $('toast');
  element.textContent = text;
  element.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (element.hidden = true), 5000);
}

async function act(verb) {
  const pipeline = state.selected;
  const current = state.snapshot?.pipelines.find((p) => p.name === pipeline);
  const total = current?.deadLettered ?? 0;
  const choice = verb === 'replay'
    ? await confirmAction({ title: `Replay dead letters of ${pipeline}?`, text: `They go back to queue ${current?.queue ?? pipeline} with attempts reset to 1. ${count(total)} are waiting.`, limit: Math.max(total, 1) })
    : await confirmAction({ title: `Purge every dead letter of ${pipeline}?`, text: `${count(total)} dead letter(s) will be deleted for good.` });
  if (!choice) return;
  try {
    const result = await api(`/api/pipelines/${encodeURIComponent(pipeline)}/${verb}`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-warren-dashboard': '1' }, body: JSON.stringify(verb === 'replay' ? { limit: choice.limit } : {}),
    });
    toast(verb === 'replay' ? `Replayed ${result.replayed} dead letter(s) to ${pipeline}.` : `Purged ${result.purged} dead letter(s) from ${pipeline}.`);
  } catch (error) {
    toast(`${verb} failed: ${error.message}`);
  }
  await loadDeadLetters();
}

let filterTimer;
$('dl-filter').addEventListener('input', (event) => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => {
    state.filter = event.target.value;
    void loadDeadLetters();
  }, 250);
});
$('dl-replay').addEventListener('click', () => void act('replay'));
$('dl-purge').addEventListener('click', () => void act('purge'));
void refresh();
