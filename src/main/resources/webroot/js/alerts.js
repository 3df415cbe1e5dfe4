// The alerts: one store of every alert the page has seen, kept live by the Server-Sent Events of
// GET /api/v1/stream, and the lists that show them — the feed (filters, repeats grouped, compact
// rows that open for details and actions), a run's alerts and one alert's own page. Controllers
// and above acknowledge, assign to themselves and resolve with a note; every transition is shown
// with its note. A critical alert whose condition still holds is resolved only with a
// confirmation and a note.

import { ApiError, get, post } from './api.js';
import { $, h, clock, fillSelect, alertTypeLabel, SEVERITY } from './dom.js';
import { learnNames, operatorLabel, schoolLabel } from './names.js';

const STATE_RANK = { open: 0, acknowledged: 1, resolved: 2 };
const STATE_LABEL = { open: 'Open', acknowledged: 'Acknowledged', resolved: 'Resolved' };
/** The transitions an alert's page lists, as GET /api/v1/alerts/{id} gives them. */
const TRANSITION_LABEL = {
  raised: 'Raised',
  acknowledged: 'Acknowledged',
  assigned: 'Assigned',
  resolved: 'Resolved',
};
/** Three or more alerts of one type and severity fold into one row (critical ones never). */
const GROUP_FROM = 3;
const TITLE = document.title;

const alerts = new Map();
/** Each alert's transitions, once read from GET /api/v1/alerts/{id} or heard on the stream. */
const transitions = new Map();
const transitionsAsked = new Set();
/** Which rows are open, by list and alert: `${prefix}${id}`; and which groups. */
const expanded = new Set();
const groupsOpen = new Set();
const changeListeners = [];
const streamListeners = [];
let canAct = false;
let me = null;
let today = null;
let shownDay = null;
let source = null;
let onRunChange = () => {};
let renderPending = false;
let played = 0;
let audio = null;

export function initAlerts(runChange, alertsChanged) {
  onRunChange = runChange;
  changeListeners.push(alertsChanged);
  $('alert-filter').addEventListener('change', (e) => {
    if (e.target.id === 'alert-sound') {
      soundChosen(e.target.checked);
    }
    render();
  });
  $('alert-filter').addEventListener('submit', (e) => e.preventDefault());
}

/** Another part's listener on the stream (an event type, or 'open' on each (re)connection). */
export function onStream(type, handler) {
  streamListeners.push([type, handler]);
  if (source) {
    source.addEventListener(type, handler);
  }
}

/** Called after any alert changed. */
export function onAlertsChanged(listener) {
  changeListeners.push(listener);
}

export function clearAlerts() {
  disconnect();
  alerts.clear();
  transitions.clear();
  transitionsAsked.clear();
  expanded.clear();
  groupsOpen.clear();
  feed.clear();
  resolvedFeed.clear();
  $('alert-list').replaceChildren();
  $('resolved-list').replaceChildren();
  document.title = TITLE;
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

export function alertById(id) {
  return alerts.get(id);
}

export function alertsOfRun(runId) {
  return [...alerts.values()].filter((a) => a.runId === runId).sort(byUrgency);
}

/** Whether this page may act on alerts of the day it shows. */
function mayAct() {
  return canAct && shownDay === today;
}

/** Subscribes first, then reads the lists, so nothing raised in between is missed. */
export async function startAlerts(mayActOnAlerts, serviceDate, email) {
  canAct = mayActOnAlerts;
  today = serviceDate;
  shownDay = serviceDate;
  me = email;
  connect();
  await loadDay(serviceDate);
}

/** The feed of {@code day}: today's live feed, or a past day's alerts, read-only. */
export async function showAlertsDay(day) {
  if (day === shownDay) {
    return;
  }
  shownDay = day;
  feed.clear();
  resolvedFeed.clear();
  render();
  await loadDay(day);
}

async function loadDay(day) {
  let loaded;
  if (day === today) {
    const [open, acknowledged, resolved] = await Promise.all([
      pages('/api/v1/alerts?state=open'),
      pages('/api/v1/alerts?state=acknowledged'),
      pages(`/api/v1/alerts?state=resolved&date=${day}`, 2),
    ]);
    loaded = [...open, ...acknowledged, ...resolved];
  } else {
    loaded = await pages(`/api/v1/alerts?date=${day}`);
  }
  for (const alert of loaded) {
    merge(alert);
  }
  changed();
}

/** Takes alerts read elsewhere (a run's) into the store. */
export function takeAlerts(list) {
  for (const alert of list) {
    merge(alert);
  }
  changed();
}

/** Reads one alert, with its transitions, into the store. */
export async function loadAlert(id) {
  const alert = await get(`/api/v1/alerts/${id}`);
  takeTransitions(alert);
  merge(alert);
  changed();
  return alertById(id);
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
    const transition = alert.transition;
    delete alert.transition;
    const kind = transition && typeof transition === 'object' ? transition.kind : transition;
    if (TRANSITION_LABEL[kind]) {
      addTransition(alert.id, transition);
    }
    if (kind === 'raised' && alert.severity === 'critical') {
      sound();
    }
    merge(alert);
    scheduleChanged();
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
  learnNames(alert);
  const known = alerts.get(alert.id);
  if (
    !known ||
    STATE_RANK[alert.state] > STATE_RANK[known.state] ||
    (alert.state === known.state &&
      (alert.count > known.count ||
        (alert.count === known.count &&
          (alert.lastSeenAt > known.lastSeenAt ||
            (alert.lastSeenAt === known.lastSeenAt && (alert.assignedAt || '') >= (known.assignedAt || ''))))))
  ) {
    const copy = { ...alert };
    delete copy.transitions;
    alerts.set(alert.id, copy);
  }
}

function takeTransitions(alert) {
  if (Array.isArray(alert.transitions)) {
    transitions.set(alert.id, alert.transitions);
    transitionsAsked.add(alert.id);
  }
}

function addTransition(id, transition) {
  const list = transitions.get(id);
  if (!list || typeof transition !== 'object') {
    return; // read in full when the alert is opened
  }
  const same = (t) => t.kind === transition.kind && t.at === transition.at && t.by === transition.by;
  if (!list.some(same)) {
    list.push(transition);
    list.sort((a, b) => a.at.localeCompare(b.at));
  }
}

function askTransitions(id) {
  if (transitionsAsked.has(id)) {
    return;
  }
  transitionsAsked.add(id);
  get(`/api/v1/alerts/${id}`)
    .then((alert) => {
      takeTransitions(alert);
      merge(alert);
      changed();
    })
    .catch(() => transitionsAsked.delete(id));
}

function changed() {
  render();
  for (const listener of changeListeners) listener();
}

function byUrgency(a, b) {
  return (
    SEVERITY[a.severity].rank - SEVERITY[b.severity].rank ||
    STATE_RANK[a.state] - STATE_RANK[b.state] ||
    b.raisedAt.localeCompare(a.raisedAt) ||
    b.id - a.id
  );
}

function filtered(list) {
  const severity = $('alert-severity').value;
  const type = $('alert-type').value;
  const operator = $('alert-operator').value;
  const school = $('alert-school').value;
  return list.filter(
    (a) =>
      (!severity || a.severity === severity) &&
      (!type || a.type === type) &&
      (!operator || a.operatorId === operator) &&
      (!school || a.schoolId === school),
  );
}

function choices(list, key, label) {
  return [...new Set(list.map((a) => a[key]).filter(Boolean))].sort().map((v) => [v, label(v)]);
}

/** Shows the changes soon, once, however many arrive together. */
function scheduleChanged() {
  if (!renderPending) {
    renderPending = true;
    setTimeout(() => {
      renderPending = false;
      changed();
    }, 100);
  }
}

function render() {
  const all = [...alerts.values()];
  const past = shownDay !== today;
  const ofDay = past ? all.filter((a) => a.serviceDate === shownDay) : all;
  const active = ofDay.filter((a) => a.state !== 'resolved').sort(byUrgency);
  const resolved = ofDay
    .filter((a) => a.state === 'resolved' && a.serviceDate === shownDay)
    .sort((a, b) => (b.resolvedAt || '').localeCompare(a.resolvedAt || ''));
  fillSelect($('alert-type'), choices(ofDay, 'type', alertTypeLabel));
  fillSelect($('alert-operator'), choices(ofDay, 'operatorId', operatorLabel));
  fillSelect($('alert-school'), choices(ofDay, 'schoolId', schoolLabel));
  const shown = filtered(active);
  const shownResolved = filtered(resolved);
  feed.place($('alert-list'), entries(shown));
  resolvedFeed.place($('resolved-list'), shownResolved.map((alert) => ({ alert })));
  $('resolved-count').textContent = shownResolved.length;
  const critical = active.filter((a) => a.severity === 'critical').length;
  const open = active.filter((a) => a.state === 'open').length;
  const hidden = active.length - shown.length;
  $('alerts-summary').textContent =
    (past ? `${shownDay}: ` : '') +
    `${active.length} active: ${critical} critical, ${open} not yet acknowledged` +
    (hidden ? `; ${hidden} hidden by the filters.` : '.');
  const fresh = past ? 0 : active.filter((a) => a.severity === 'critical' && a.state === 'open').length;
  document.title = fresh ? `(${fresh}) ${fresh === 1 ? 'new critical alert' : 'new critical alerts'} — ${TITLE}` : TITLE;
}

/** The feed's rows: each alert, or one row for a run of repeats of one type. */
function entries(list) {
  if (!$('alert-group').checked) {
    return list.map((alert) => ({ alert }));
  }
  const byKey = new Map();
  for (const a of list) {
    if (a.severity !== 'critical') {
      const key = `${a.severity}|${a.type}`;
      byKey.set(key, [...(byKey.get(key) || []), a]);
    }
  }
  const out = [];
  const placed = new Set();
  for (const a of list) {
    const key = `${a.severity}|${a.type}`;
    const members = byKey.get(key);
    if (members && members.length >= GROUP_FROM) {
      if (!placed.has(key)) {
        placed.add(key);
        out.push({ group: key, alerts: members });
      }
    } else {
      out.push({ alert: a });
    }
  }
  return out;
}

/**
 * A list of alert rows that rebuilds only the rows that changed, and keeps a note being typed,
 * the focus and a click under way when a row it keeps is updated meanwhile.
 */
class AlertList {
  constructor(prefix, { alwaysOpen = false } = {}) {
    this.prefix = prefix;
    this.alwaysOpen = alwaysOpen;
    this.elements = new Map();
    this.groups = new Map();
    /** Where a row rebuilt while the rows are being placed wants the focus to go. */
    this.refocus = null;
  }

  clear() {
    this.elements.clear();
    this.groups.clear();
  }

  place(list, rows) {
    const focused = document.activeElement;
    this.refocus = null;
    list.replaceChildren(...rows.map((row) => (row.group ? this.group(row) : this.row(row.alert))));
    // Placing the rows moves them, which takes the focus away: give it back to the element that
    // had it, or to the one that took its place in a row rebuilt meanwhile.
    const target = this.refocus || focused;
    if (target && target.isConnected && target !== document.activeElement) {
      target.focus();
    }
  }

  group({ group, alerts: members }) {
    let element = this.groups.get(group);
    if (!element) {
      const list = h('ol', { class: 'alert-list', id: `${this.prefix}group-${group.replace(/\W/g, '-')}` });
      const toggle = h('button', {
        type: 'button',
        class: 'group-toggle',
        'aria-expanded': 'false',
        'aria-controls': list.id,
      });
      toggle.addEventListener('click', () => {
        if (groupsOpen.has(group)) groupsOpen.delete(group);
        else groupsOpen.add(group);
        render();
      });
      element = h('li', { class: 'alert-group', 'data-group': group }, toggle, list);
      this.groups.set(group, element);
    }
    const [severity, type] = group.split('|');
    const sev = SEVERITY[severity] || { label: severity, symbol: '•' };
    const open = groupsOpen.has(group);
    const notAcknowledged = members.filter((a) => a.state === 'open').length;
    element.className = `alert-group sev-${severity}`;
    const toggle = element.firstChild;
    toggle.setAttribute('aria-expanded', String(open));
    toggle.replaceChildren(
      h('span', { class: 'sev' }, `${sev.symbol} ${sev.label}`),
      h('span', { class: 'what' }, alertTypeLabel(type)),
      h('span', { class: 'subject' }, `${members.length} alerts, ${notAcknowledged} not acknowledged`),
      h('span', { class: 'chevron', 'aria-hidden': 'true' }, open ? '▾' : '▸'),
    );
    const list = element.lastChild;
    list.hidden = !open;
    if (open) {
      list.replaceChildren(...members.map((a) => this.row(a)));
    } else {
      list.replaceChildren();
    }
    return element;
  }

  row(alert) {
    const key = this.prefix + alert.id;
    const open = this.alwaysOpen || expanded.has(key);
    if (open) {
      askTransitions(alert.id);
    }
    const acting = mayAct() && alert.state !== 'resolved';
    const history = transitions.get(alert.id) || [];
    const signature = `${JSON.stringify(alert)}|${open}|${acting}|${history.length}|${operatorLabel(alert.operatorId)}`;
    let element = this.elements.get(alert.id);
    if (element && element.dataset.signature === signature) {
      return element;
    }
    const fresh = this.item(alert, open, acting, history);
    fresh.dataset.signature = signature;
    // The same buttons: keep the form itself, so a note being typed, the focus and a click under
    // way survive an update (a later ETA, a higher count) arriving meanwhile.
    const oldForm = element && element.querySelector('form.alert-actions');
    const newForm = fresh.querySelector('form.alert-actions');
    if (oldForm && newForm && oldForm.dataset.kind === newForm.dataset.kind) {
      newForm.replaceWith(oldForm);
    }
    if (element) {
      const active = element.contains(document.activeElement) ? document.activeElement : null;
      element.replaceWith(fresh);
      if (active) {
        // Where the focus goes once the rows are placed: the same element where it was kept (the
        // form), else the rebuilt row's toggle.
        this.refocus = active.isConnected ? active : fresh.querySelector('.alert-toggle') || fresh;
      }
    }
    this.elements.set(alert.id, fresh);
    return fresh;
  }

  item(alert, open, acting, history) {
    const p = this.prefix;
    const severity = SEVERITY[alert.severity] || { label: alert.severity, symbol: '•' };
    const subject = [
      alert.runId && `Run ${alert.runId}`,
      alert.crewId && `Crew ${alert.crewId}`,
      alert.pupilId && `Pupil ${alert.pupilId}`,
      alert.operatorId && operatorLabel(alert.operatorId),
    ].filter(Boolean);
    const bodyId = `${p}alert-${alert.id}-body`;
    const toggle = h(
      'button',
      {
        type: 'button',
        class: 'alert-toggle',
        'aria-expanded': String(open),
        'aria-controls': bodyId,
        disabled: this.alwaysOpen,
      },
      h('span', { class: 'sev' }, `${severity.symbol} ${severity.label}`),
      h('span', { class: 'what' }, alertTypeLabel(alert.type)),
      h('span', { class: 'time' }, clock(alert.raisedAt)),
      h('span', { class: 'subject' }, subject.join(' · ')),
      alert.count > 1 ? h('span', { class: 'count' }, `×${alert.count}`) : null,
    );
    if (!this.alwaysOpen) {
      toggle.addEventListener('click', () => {
        const key = p + alert.id;
        if (expanded.has(key)) expanded.delete(key);
        else expanded.add(key);
        changed();
        document.getElementById(`${p}alert-${alert.id}`)?.querySelector('.alert-toggle')?.focus();
      });
    }
    const assigned = alert.assignedTo
      ? h(
          'span',
          { class: 'assigned', title: `Assigned to ${alert.assignedTo} at ${clock(alert.assignedAt)}` },
          `→ ${alert.assignedTo === me ? 'you' : alert.assignedTo.split('@')[0]}`,
        )
      : null;
    return h(
      'li',
      {
        class: `alert sev-${alert.severity} state-${alert.state}${open ? ' open' : ''}`,
        id: `${p}alert-${alert.id}`,
        tabindex: '-1',
        'data-alert-id': alert.id,
        'data-type': alert.type,
        'data-state': alert.state,
        'data-assigned-to': alert.assignedTo,
      },
      h('div', { class: 'alert-row' }, toggle, h('span', { class: 'state' }, STATE_LABEL[alert.state]), assigned),
      h('div', { class: 'alert-body', id: bodyId, hidden: !open }, open ? this.body(alert, acting, history) : null),
    );
  }

  body(alert, acting, history) {
    const meta = [
      alert.schoolId && `School ${schoolLabel(alert.schoolId)}`,
      `raised ${clock(alert.raisedAt)}${alert.serviceDate !== today ? ` on ${alert.serviceDate}` : ''}`,
      alert.count > 1 ? `seen ${alert.count} times, last ${clock(alert.lastSeenAt)}` : null,
      alert.conditionActive === false ? 'condition no longer holds' : 'condition still holds',
    ].filter(Boolean);
    const did = [];
    if (alert.acknowledgedBy) did.push(`Acknowledged by ${alert.acknowledgedBy} at ${clock(alert.acknowledgedAt)}.`);
    if (alert.assignedTo) did.push(`Assigned to ${alert.assignedTo} at ${clock(alert.assignedAt)}.`);
    if (alert.resolvedBy) did.push(`Resolved by ${alert.resolvedBy} at ${clock(alert.resolvedAt)}.`);
    return [
      h('p', { class: 'alert-summary' }, alert.summary),
      h('p', { class: 'meta' }, meta.join(' · ')),
      did.length ? h('p', { class: 'who-did' }, did.join(' ')) : null,
      history.length
        ? h(
            'ol',
            { class: 'transitions', 'aria-label': `What was done about alert ${alert.id}` },
            history.map((t) =>
              h(
                'li',
                { 'data-kind': t.kind },
                h('span', { class: 'when' }, clock(t.at)),
                ` ${TRANSITION_LABEL[t.kind] || t.kind} by ${t.by}`,
                t.note ? h('q', { class: 'note' }, t.note) : null,
              ),
            ),
          )
        : null,
      h(
        'p',
        { class: 'links' },
        alert.runId && this.prefix !== 'run-'
          ? h('a', { href: `#/runs/${encodeURIComponent(alert.runId)}` }, `Open run ${alert.runId}`)
          : null,
        this.prefix === 'detail-' ? null : h('a', { href: `#/alerts/${alert.id}` }, `Alert ${alert.id} on its own page`),
      ),
      acting ? this.actions(alert) : null,
    ];
  }

  actions(alert) {
    const p = this.prefix;
    const noteId = `${p}note-${alert.id}`;
    const note = h('input', {
      id: noteId,
      name: 'note',
      maxlength: 2000,
      autocomplete: 'off',
      placeholder: 'Note (optional)',
    });
    const error = h('p', { class: 'error', role: 'alert' });
    const mine = alert.assignedTo === me;
    const form = h('form', {
      class: 'alert-actions',
      'aria-label': `Handle alert ${alert.id}`,
      'data-kind': `${alert.state}|${mine}`,
    });
    const buttons = () => [...form.querySelectorAll('button')];
    const act = async (action, body, button) => {
      for (const b of buttons()) b.disabled = true;
      error.textContent = '';
      try {
        const result = await post(`/api/v1/alerts/${alert.id}/${action}`, body);
        takeTransitions(result);
        merge(result);
        transitionsAsked.delete(alert.id);
        expanded.add(p + alert.id);
        changed();
        // The alert stays where the controller is: focus goes back to its row.
        const row = document.getElementById(`${p}alert-${alert.id}`);
        (row?.querySelector('.alert-toggle:not([disabled])') || row)?.focus();
      } catch (e) {
        for (const b of buttons()) b.disabled = false;
        if (e instanceof ApiError && e.status === 409 && e.errors.some((f) => f.field === 'confirm')) {
          confirm.hidden = false;
          confirmNote.focus();
          return;
        }
        error.textContent = e.message;
        button.focus();
      }
    };
    const withNote = () => (note.value.trim() ? { note: note.value.trim() } : {});
    const list = [];
    if (alert.state === 'open') {
      const ack = h('button', { type: 'button', 'data-action': 'acknowledge' }, 'Acknowledge');
      ack.addEventListener('click', () => act('acknowledge', withNote(), ack));
      list.push(ack);
    }
    if (!mine) {
      const assign = h('button', { type: 'button', class: 'secondary', 'data-action': 'assign' }, 'Assign to me');
      assign.addEventListener('click', () => act('assign', withNote(), assign));
      list.push(assign);
    }
    const resolve = h('button', { type: 'button', class: 'secondary', 'data-action': 'resolve' }, 'Resolve');
    const confirmNoteId = `${p}confirm-note-${alert.id}`;
    const confirmNote = h('textarea', { id: confirmNoteId, rows: 2, maxlength: 2000 });
    const confirmButton = h('button', { type: 'button', 'data-action': 'confirm-resolve' }, 'Resolve anyway');
    const cancel = h('button', { type: 'button', class: 'secondary', 'data-action': 'cancel-resolve' }, 'Keep it');
    const confirm = h(
      'div',
      { class: 'confirm', role: 'group', 'aria-labelledby': `${confirmNoteId}-label`, hidden: true },
      h(
        'label',
        { for: confirmNoteId, id: `${confirmNoteId}-label` },
        'The condition still holds. To resolve it anyway, say why (required):',
      ),
      confirmNote,
      h('div', { class: 'buttons' }, confirmButton, cancel),
    );
    const needsConfirmation = alert.severity === 'critical' && alert.conditionActive !== false;
    resolve.addEventListener('click', () => {
      if (needsConfirmation) {
        confirm.hidden = false;
        if (!confirmNote.value && note.value.trim()) confirmNote.value = note.value.trim();
        confirmNote.focus();
      } else {
        act('resolve', withNote(), resolve);
      }
    });
    confirmButton.addEventListener('click', () => {
      const text = confirmNote.value.trim();
      if (!text) {
        error.textContent = 'Write why it is resolved while the condition still holds.';
        confirmNote.focus();
        return;
      }
      act('resolve', { confirm: true, note: text }, confirmButton);
    });
    cancel.addEventListener('click', () => {
      confirm.hidden = true;
      resolve.focus();
    });
    list.push(resolve);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      list[0].click();
    });
    form.append(
      h('label', { for: noteId, class: 'visually-hidden' }, `Note on alert ${alert.id}`),
      note,
      ...list,
      confirm,
      error,
    );
    return form;
  }
}

const feed = new AlertList('');
const resolvedFeed = new AlertList('resolved-');

/** A list of alerts elsewhere on the page (a run's, one alert's page). */
export function alertList(prefix, options) {
  return new AlertList(prefix, options);
}

/** Plays a short tone for a new critical alert, if the controller asked for sound. */
function sound() {
  if (!audio || !$('alert-sound').checked) {
    return;
  }
  const tone = audio.createOscillator();
  const gain = audio.createGain();
  tone.frequency.value = 880;
  gain.gain.value = 0.2;
  tone.connect(gain).connect(audio.destination);
  tone.start();
  tone.stop(audio.currentTime + 0.3);
  played += 1;
  $('alert-sound').dataset.played = String(played);
}

/** The browser lets a page play sound once the user asked for it: this click is that. */
function soundChosen(on) {
  if (on && !audio && typeof AudioContext !== 'undefined') {
    audio = new AudioContext();
  }
  if (audio) {
    (on ? audio.resume() : audio.suspend()).catch(() => {});
  }
}
