// The phones, crew compliance and pupil lookup panels.

import { get } from './api.js';
import { $, h, clock, percent, minutesAndSeconds, PUPIL_STATES, STATUS_LABELS } from './dom.js';
import { operatorLabel } from './names.js';

const ANSWER_TARGET = 95;

/** Loads the phones panel; answers the service date the server counts as today. */
export async function loadPhones() {
  const calls = await get('/api/v1/calls/today');
  const rate = (counts) => {
    const p = counts.answerRate.percent;
    const low = p !== null && p !== undefined && p < ANSWER_TARGET;
    return h(
      'dd',
      { class: low ? 'below-target' : '' },
      percent(counts.answerRate),
      low ? ` ▼ below the ${ANSWER_TARGET}% target` : '',
    );
  };
  const figures = (title, counts) => [
    h('h3', {}, title),
    h(
      'dl',
      { class: 'figures' },
      h('dt', {}, 'Offered'),
      h('dd', { 'data-figure': 'offered' }, counts.offered),
      h('dt', {}, 'Answered'),
      h('dd', { 'data-figure': 'answered' }, counts.answered),
      h('dt', {}, 'Abandoned'),
      h('dd', { 'data-figure': 'abandoned' }, counts.abandoned),
      h('dt', {}, 'Answer rate'),
      rate(counts),
    ),
  ];
  $('phones-body').replaceChildren(
    ...figures('Today', calls.today),
    ...figures(`Last ${calls.window.minutes} minutes`, calls.window),
    h(
      'dl',
      { class: 'figures' },
      h('dt', {}, 'Waiting now'),
      h('dd', {}, calls.waiting),
      h('dt', {}, 'Longest wait'),
      h(
        'dd',
        {},
        calls.waiting ? `${minutesAndSeconds(calls.longestWaitSeconds)} (since ${clock(calls.longestWaitingSince)})` : '–',
      ),
    ),
  );
  $('phones-updated').textContent = `at ${clock(calls.at)}`;
  return calls.date;
}

export async function loadCompliance() {
  const report = await get('/api/v1/compliance');
  const ids = (label, list, describe) =>
    list.length === 0
      ? h('td', { class: 'num' }, '0')
      : h(
          'td',
          { class: 'num' },
          h(
            'details',
            {},
            h('summary', {}, `${list.length} ⚠`),
            h('ul', { class: 'ids', 'aria-label': label }, list.map((c) => h('li', {}, describe(c)))),
          ),
        );
  const rows = report.operators.map((o) =>
    h(
      'tr',
      { 'data-operator': o.operatorId },
      h('th', { scope: 'row', title: operatorLabel(o.operatorId) }, o.operatorId),
      h('td', { class: 'num' }, o.crew),
      ids(`${o.operatorId} crew not cleared`, o.notCleared, (c) => `${c.crewId} (${c.role})`),
      ids(`${o.operatorId} crew with invalid DBS`, o.dbsInvalid, (c) => `${c.crewId} (${c.role}): ${c.problem}`),
      ids(
        `${o.operatorId} badges expiring`,
        o.badgesExpiring,
        (c) => `${c.crewId}: ${c.daysLeft < 0 ? `expired ${c.expiresOn}` : `expires ${c.expiresOn} (${c.daysLeft} days)`}`,
      ),
    ),
  );
  const t = report.totals;
  $('compliance-body').replaceChildren(
    h(
      'p',
      { class: 'summary' },
      `${t.notCleared} not cleared, ${t.dbsInvalid} with invalid DBS, ${t.badgesExpiring} badges expiring within ${report.badgeWarningDays} days, of ${t.crew} crew.`,
    ),
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, 'Crew compliance by operator'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Operator'),
          h('th', { scope: 'col', class: 'num' }, 'Crew'),
          h('th', { scope: 'col', class: 'num', title: 'Positive DBS without HR clearance' }, 'Not cleared'),
          h('th', { scope: 'col', class: 'num', title: 'No DBS, no barred-list check, or too old' }, 'DBS invalid'),
          h('th', { scope: 'col', class: 'num', title: `Badge expired or expiring within ${report.badgeWarningDays} days` }, `Badge ≤${report.badgeWarningDays}d`),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}

export function initPupilLookup() {
  $('pupil-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const id = $('pupil-id').value.trim();
    const result = $('pupil-result');
    if (!id) {
      return;
    }
    result.replaceChildren(h('p', { class: 'summary' }, 'Looking up…'));
    try {
      const today = await get(`/api/v1/pupils/${encodeURIComponent(id)}/today`);
      result.replaceChildren(
        h('p', {}, `Pupil ${today.pupilId} on ${today.date}:`),
        ...today.items.map((run) => pupilRun(run)),
      );
    } catch (err) {
      result.replaceChildren(h('p', { class: 'message' }, err.message));
    }
  });
}


/** One of the pupil's runs: what a parent on the phone asks, the pupil's own stop first. */
function pupilRun(run) {
  const events = (run.pupilEvents || []).map((e) => `${e.type.replace('pupil.', '')} ${clock(e.occurredAt)}`);
  const own = run.stop
    ? [
        h('dt', {}, run.direction === 'PM' ? 'Drop-off ETA' : 'Pick-up ETA'),
        h(
          'dd',
          {},
          run.stopEta ? clock(run.stopEta) : '–',
          ` (stop ${run.stop.seq}, planned ${clock(run.stop.plannedTime)})`,
        ),
      ]
    : null;
  return h(
    'dl',
    { class: 'figures', 'data-run-id': run.id },
    h('dt', {}, 'Run'),
    h('dd', {}, h('a', { href: `#/runs/${encodeURIComponent(run.id)}` }, run.id), ` (${run.direction}), ${operatorLabel(run.operatorId)}`),
    h('dt', {}, 'Status'),
    h(
      'dd',
      {},
      STATUS_LABELS[run.status] || run.status,
      run.minutesLate > 0 ? ` » ${run.minutesLate} min late` : '',
      run.cancellationReason ? `: ${run.cancellationReason}` : '',
    ),
    run.pupilState ? [h('dt', {}, 'Pupil'), h('dd', {}, PUPIL_STATES[run.pupilState] || run.pupilState)] : null,
    own,
    h('dt', {}, 'ETA at school'),
    h('dd', {}, run.eta ? clock(run.eta) : '–', ` (arrive by ${clock(run.arriveBy)})`),
    run.pickupStop ? [h('dt', {}, 'Pick-up planned'), h('dd', {}, `${clock(run.pickupStop.plannedTime)} at ${run.pickupStop.id}`)] : null,
    run.dropoffStop ? [h('dt', {}, 'Drop-off planned'), h('dd', {}, `${clock(run.dropoffStop.plannedTime)} at ${run.dropoffStop.id}`)] : null,
    run.operatorPhone ? [h('dt', {}, 'Operator phone'), h('dd', {}, h('a', { href: `tel:${run.operatorPhone.replace(/\s/g, '')}` }, run.operatorPhone))] : null,
    h('dt', {}, 'Reported'),
    h('dd', {}, events.length ? events.join(', ') : 'nothing yet'),
  );
}
