// The alert feed: open and acknowledged alerts, critical first, kept live by the Server-Sent
// Events of GET /api/v1/stream; controllers and above acknowledge and resolve with a note.

import { get, post } from './api.js';
import { $, h, clock, SEVERITY } from './dom.js';

const STATE_RANK = { open: 0, acknowledged: 1, resolved: 2 };
const alerts = new Map();
const elements = new Map();
let canAct = false;
let today = null;
let source = null;
let onRunChange = () => {};
let onAlertsChanged = () => {};
const streamListeners = [];

export function initAlerts(runChange, alertsChanged) {
  onRunChange = runChange;
  onAlertsChanged = alertsChanged;
}

/** Another panel's listener on the stream (an event type, or 'open' on each (re)connection). */
export function onStream(type, handler) {
  streamListeners.push([type, handler]);
}

export function clearAlerts() {
  disconnect();
  alerts.clear();
  elements.clear();
  $('alert-list').replaceChildren();
  $('resolved-list').replaceChildren();
}

/** Run ids with an open or acknowledged run.not_started alert. */
export function notStartedRunIds() {
  const ids = new Set();
  for (const a of alerts.values()) {
    if (a.type === 'run.not_started' && a.state !== 'resolved' && a.runId) {
      ids.add(a.runId);
    }
  }
  return ids;
}

/** Subscribes first, then reads the lists, so nothing raised in between is missed. */
export async function startAlerts(mayAct, serviceDate) {
  canAct = mayAct;
  today = serviceDate;
  connect();
  const [open, acknowledged, resolved] = await Promise.all([
    pages('/api/v1/alerts?state=open'),
    pages('/api/v1/alerts?state=acknowledged'),
    get(`/api/v1/alerts?state=resolved&date=${serviceDate}`).then((p) => p.items),
  ]);
  for (const alert of [...open, ...acknowledged, ...resolved]) {
    merge(alert);
  }
  render();
}

async function pages(path, limit = 10) {
  const items = [];
  for (let i = 0; path && i < limit; i++) {
    const page = await get(path);
    items.push(...page.items);
    path = page.next;
  }
  return items;
}

function connect() {
  disconnect();
  source = new EventSource('/api/v1/stream');
  const state = $('stream-state');
  source.addEventListener('open', () => {
    state.textContent = '● live';
    state.className = 'stream-state connected';
  });
  source.addEventListener('error', () => {
    state.textContent = source.readyState === EventSource.CLOSED ? '○ disconnected' : '○ reconnecting…';
    state.className = 'stream-state';
  });
  source.addEventListener('alert', (e) => {
    const alert = JSON.parse(e.data);
    delete alert.transition;
    merge(alert);
    render();
  });
  source.addEventListener('run', (e) => onRunChange(JSON.parse(e.data)));
  for (const [type, handler] of streamListeners) {
    source.addEventListener(type, handler);
  }
}

export function disconnect() {
  if (source) {
    source.close();
    source = null;
  }
}

/** Keeps whichever copy of an alert is further along, whatever order they arrive in. */
function merge(alert) {
  const known = alerts.get(alert.id);
  if (
    !known ||
    STATE_RANK[alert.state] > STATE_RANK[known.state] ||
    (alert.state === known.state &&
      (alert.count > known.count || (alert.count === known.count && alert.lastSeenAt >= known.lastSeenAt)))
  ) {
    alerts.set(alert.id, alert);
  }
}

function byUrgency(a, b) {
  return (
    SEVERITY[a.severity].rank - SEVERITY[b.severity].rank ||
    STATE_RANK[a.state] - STATE_RANK[b.state] ||
    b.raisedAt.localeCompare(a.raisedAt) ||
    b.id - a.id
  );
}

function render() {
  const all = [...alerts.values()];
  const active = all.filter((a) => a.state !== 'resolved').sort(byUrgency);
  const resolved = all
    .filter((a) => a.state === 'resolved' && a.serviceDate === today)
    .sort((a, b) => (b.resolvedAt || '').localeCompare(a.resolvedAt || ''));
  place($('alert-list'), active);
  place($('resolved-list'), resolved);
  revealLinked();
  $('resolved-count').textContent = resolved.length;
  const critical = active.filter((a) => a.severity === 'critical').length;
  const open = active.filter((a) => a.state === 'open').length;
  $('alerts-summary').textContent =
    `${active.length} active: ${critical} critical, ${open} not yet acknowledged.`;
  onAlertsChanged();
}

let linkedShown = false;

/** An email's link (#/alerts/ID) brings its alert into view and focus, once it is listed. */
function revealLinked() {
  const wanted = /^#\/alerts\/(\d+)$/.exec(location.hash);
  if (!wanted || linkedShown) {
    return;
  }
  const element = elements.get(Number(wanted[1]));
  if (element && element.isConnected) {
    linkedShown = true;
    for (const other of document.querySelectorAll('li.alert.linked')) {
      other.classList.remove('linked');
    }
    element.classList.add('linked');
    element.scrollIntoView({ block: 'center' });
    element.focus();
  }
}

window.addEventListener('hashchange', () => {
  linkedShown = false;
  revealLinked();
});

/** Puts the alerts' items in order, rebuilding only those that changed. */
function place(list, items) {
  const focused = document.activeElement;
  const wanted = items.map((alert) => {
    const signature = JSON.stringify(alert) + canAct;
    let element = elements.get(alert.id);
    if (!element || element.dataset.signature !== signature) {
      const fresh = item(alert);
      fresh.dataset.signature = signature;
      // Same state, same buttons: keep the form itself, so a note being typed, the focus and a
      // click under way survive an update (a later ETA, a higher count) arriving meanwhile.
      const oldForm = element && element.querySelector('form.alert-actions');
      const newForm = fresh.querySelector('form.alert-actions');
      if (oldForm && newForm && element.dataset.state === alert.state) {
        newForm.replaceWith(oldForm);
      }
      if (element) {
        element.replaceWith(fresh);
      }
      element = fresh;
      elements.set(alert.id, element);
    }
    return element;
  });
  list.replaceChildren(...wanted);
  if (focused && focused.isConnected && focused !== document.activeElement) {
    focused.focus();
  }
}

function item(alert) {
  const severity = SEVERITY[alert.severity] || { label: alert.severity, symbol: '•' };
  const subject = [
    alert.runId && `Run ${alert.runId}`,
    alert.operatorId && `Operator ${alert.operatorId}`,
    alert.crewId && `Crew ${alert.crewId}`,
    alert.pupilId && `Pupil ${alert.pupilId}`,
  ].filter(Boolean);
  const meta = [
    ...subject,
    `raised ${clock(alert.raisedAt)}`,
    alert.count > 1 ? `seen ${alert.count} times, last ${clock(alert.lastSeenAt)}` : null,
    alert.conditionActive === false ? 'condition no longer holds' : null,
  ].filter(Boolean);
  const did = [];
  if (alert.acknowledgedBy) {
    did.push(`Acknowledged by ${alert.acknowledgedBy} at ${clock(alert.acknowledgedAt)}.`);
  }
  if (alert.resolvedBy) {
    did.push(`Resolved by ${alert.resolvedBy} at ${clock(alert.resolvedAt)}.`);
  }
  const stateLabel = { open: 'Open', acknowledged: 'Acknowledged', resolved: 'Resolved' }[alert.state];
  return h(
    'li',
    {
      class: `alert sev-${alert.severity} state-${alert.state}`,
      id: `alert-${alert.id}`,
      tabindex: '-1',
      'data-alert-id': alert.id,
      'data-type': alert.type,
      'data-state': alert.state,
    },
    h(
      'div',
      { class: 'alert-head' },
      h('span', { class: 'sev' }, `${severity.symbol} ${severity.label}`),
      h('span', { class: 'type' }, alert.type),
      h('span', { class: 'state' }, stateLabel),
    ),
    h('p', { class: 'alert-summary' }, alert.summary),
    h('p', { class: 'meta' }, meta.join(' · ')),
    did.length ? h('p', { class: 'who-did' }, did.join(' ')) : null,
    canAct && alert.state !== 'resolved' ? actions(alert) : null,
  );
}

function actions(alert) {
  const noteId = `note-${alert.id}`;
  const note = h('input', {
    id: noteId,
    name: 'note',
    maxlength: 2000,
    autocomplete: 'off',
    placeholder: 'Note (optional)',
  });
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'alert-actions', 'aria-label': `Handle alert ${alert.id}` });
  const act = async (action, button) => {
    for (const b of form.querySelectorAll('button')) b.disabled = true;
    error.textContent = '';
    try {
      const body = note.value.trim() ? { note: note.value.trim() } : {};
      merge(await post(`/api/v1/alerts/${alert.id}/${action}`, body));
      render();
    } catch (e) {
      error.textContent = e.message;
      for (const b of form.querySelectorAll('button')) b.disabled = false;
      button.focus();
    }
  };
  const buttons = [];
  if (alert.state === 'open') {
    const ack = h('button', { type: 'button', 'data-action': 'acknowledge' }, 'Acknowledge');
    ack.addEventListener('click', () => act('acknowledge', ack));
    buttons.push(ack);
  }
  const resolve = h('button', { type: 'button', class: 'secondary', 'data-action': 'resolve' }, 'Resolve');
  resolve.addEventListener('click', () => act('resolve', resolve));
  buttons.push(resolve);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    buttons[0].click();
  });
  form.append(h('label', { for: noteId, class: 'visually-hidden' }, `Note on alert ${alert.id}`), note, ...buttons, error);
  return form;
}
